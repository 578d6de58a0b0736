#include "io/byte_source.h"

#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "io/fd.h"

namespace stc {
namespace {

// Compressed input is read from the file in blocks of this size.
constexpr size_t kInputBlockBytes = 1 << 20;
// Bytes read at open to detect the compression.
constexpr size_t kMagicBytes = 4;
// The largest zstd frame header: magic 4, descriptor 1, window 1, dictionary
// id 4, content size 8 (ZSTD_FRAMEHEADERSIZE_MAX, static-linking API only).
constexpr size_t kZstdFrameHeaderMax = 18;

bool IsZstdMagic(const unsigned char* p, size_t n) {
  if (n < 4) return false;
  const uint32_t magic =
      uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  // A zstd frame, or a skippable frame (0x184D2A50..0x184D2A5F), which zstd
  // decoders accept at the start of a stream.
  return magic == 0xFD2FB528u || (magic & 0xFFFFFFF0u) == 0x184D2A50u;
}

bool IsGzipMagic(const unsigned char* p, size_t n) {
  return n >= 2 && p[0] == 0x1F && p[1] == 0x8B;
}

// Case-insensitive suffix test ("X.ZST" is a .zst file too).
bool HasSuffix(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s.remove_prefix(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

using io_internal::ErrnoText;
using io_internal::Fd;

// What every source shares: the file, its name, sticky errors and the count
// of bytes read from the file.
class FileSource : public ByteSource {
 public:
  // `already_read`: bytes read from `fd` before (the magic bytes).
  FileSource(std::string path, int fd, uint64_t already_read)
      : path_(std::move(path)), file_bytes_read_(already_read), fd_(fd) {}

 protected:
  // Reads up to `cap` bytes from the file (short reads allowed, 0 = EOF).
  Result<size_t> ReadFile(char* buf, size_t cap) {
    for (;;) {
      const ssize_t n = ::read(fd_.get(), buf, cap);
      if (n >= 0) {
        file_bytes_read_ += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno == EINTR) continue;
      return Status::IoError("cannot read " + path_ + ": " + ErrnoText(errno) + " (after " +
                             std::to_string(file_bytes_read_) + " bytes)");
    }
  }

  // Records `status` as the source's permanent error and returns it.
  Status Fail(Status status) {
    error_ = std::move(status);
    return error_;
  }

  const std::string path_;
  Status error_;
  uint64_t file_bytes_read_ = 0;

 private:
  Fd fd_;
};

// Uncompressed: the first bytes (read for detection) then read(2) straight
// into the caller's buffer.
class PlainSource final : public FileSource {
 public:
  PlainSource(std::string path, int fd, std::string head)
      : FileSource(std::move(path), fd, head.size()), head_(std::move(head)) {}

  Result<size_t> Read(char* buf, size_t cap) override {
    if (!error_.ok()) return error_;
    if (cap == 0) return size_t{0};
    if (head_pos_ < head_.size()) {
      const size_t n = std::min(cap, head_.size() - head_pos_);
      std::memcpy(buf, head_.data() + head_pos_, n);
      head_pos_ += n;
      return n;
    }
    Result<size_t> n = ReadFile(buf, cap);
    if (!n.ok()) return Fail(n.status());
    return n;
  }

  uint64_t compressed_bytes_read() const override {
    return file_bytes_read_ - (head_.size() - head_pos_);
  }
  Compression compression() const override { return Compression::kNone; }

 private:
  std::string head_;
  size_t head_pos_ = 0;
};

// A compressed source: a bounded input buffer refilled from the file.
class CompressedSource : public FileSource {
 public:
  CompressedSource(std::string path, int fd, const std::string& head)
      : FileSource(std::move(path), fd, head.size()), in_(kInputBlockBytes) {
    std::memcpy(in_.data(), head.data(), head.size());
    in_size_ = head.size();
    eof_ = head.size() < kMagicBytes;  // Detection already hit the end.
  }

  uint64_t compressed_bytes_read() const override {
    return file_bytes_read_ - (in_size_ - in_pos_);
  }

 protected:
  // Refills the (fully consumed) input buffer; sets eof_ at the end of file.
  Status Refill() {
    in_pos_ = 0;
    in_size_ = 0;
    Result<size_t> n = ReadFile(in_.data(), in_.size());
    if (!n.ok()) return n.status();
    in_size_ = *n;
    if (in_size_ == 0) eof_ = true;
    return Status::Ok();
  }

  // Moves the unread input to the buffer's start and reads more after it,
  // until `want` bytes are unread or the file ends (sets eof_ then).
  Status TopUp(size_t want) {
    std::memmove(in_.data(), in_.data() + in_pos_, in_size_ - in_pos_);
    in_size_ -= in_pos_;
    in_pos_ = 0;
    while (in_size_ < want && !eof_) {
      Result<size_t> n = ReadFile(in_.data() + in_size_, in_.size() - in_size_);
      if (!n.ok()) return n.status();
      in_size_ += *n;
      if (*n == 0) eof_ = true;
    }
    return Status::Ok();
  }

  std::vector<char> in_;
  size_t in_pos_ = 0;
  size_t in_size_ = 0;
  bool eof_ = false;
};

class ZstdSource final : public CompressedSource {
 public:
  ZstdSource(std::string path, int fd, const std::string& head, ZSTD_DCtx* dctx, int window_log)
      : CompressedSource(std::move(path), fd, head), dctx_(dctx), max_window_log_(window_log) {}
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  Result<size_t> Read(char* buf, size_t cap) override {
    if (!error_.ok()) return error_;
    if (cap == 0) return size_t{0};
    ZSTD_outBuffer out{buf, cap, 0};
    for (;;) {
      if (frame_done_ && in_size_ - in_pos_ < kZstdFrameHeaderMax && !eof_) {
        // A frame starts with its whole header in the input. zstd 1.5.4
        // keeps a header split across two calls aside, and then, when the
        // output has room for the whole frame, decodes it in one pass from
        // the bytes after the part kept aside: a corrupt frame could decode
        // as another one with large reads only (fuzz/regressions/fuzz_chunker).
        Status s = TopUp(kZstdFrameHeaderMax);
        if (!s.ok()) return Fail(std::move(s));
      }
      if (in_pos_ == in_size_ && !eof_) {
        Status s = Refill();
        if (!s.ok()) return Fail(std::move(s));
      }
      const bool input_done = in_pos_ == in_size_ && eof_;
      if (input_done && frame_done_) return size_t{0};  // Clean end between frames.
      ZSTD_inBuffer in{in_.data(), in_size_, in_pos_};
      const size_t ret = ZSTD_decompressStream(dctx_, &out, &in);
      in_pos_ = in.pos;
      if (ZSTD_isError(ret)) return Fail(ZstdError(ret));
      // 0 = a frame was fully decoded and flushed; the next byte starts a new one.
      frame_done_ = ret == 0;
      if (out.pos > 0) return out.pos;
      if (input_done) {
        // No input left, nothing more to flush, yet the frame is incomplete.
        return Fail(Status::DataError(path_ + ": truncated zstd stream: input ends inside a frame" +
                                      " after " + std::to_string(compressed_bytes_read()) +
                                      " compressed bytes"));
      }
    }
  }

  Compression compression() const override { return Compression::kZstd; }

 private:
  Status ZstdError(size_t ret) const {
    std::string msg = path_ + ": corrupt zstd data near compressed offset " +
                      std::to_string(compressed_bytes_read()) + ": " + ZSTD_getErrorName(ret);
    if (ZSTD_getErrorCode(ret) == ZSTD_error_frameParameter_windowTooLarge) {
      msg = path_ + ": zstd frame refused: " + ZSTD_getErrorName(ret) + " (window larger than 2^" +
            std::to_string(max_window_log_) + " bytes, the max_window_log limit)";
    }
    return Status::DataError(std::move(msg));
  }

  ZSTD_DCtx* const dctx_;
  const int max_window_log_;
  bool frame_done_ = true;  // No frame started yet, or the last one ended.
};

// ISA-L's inflate (igzip): the same deflate decoding as zlib's, several
// times faster (docs/performance.md, "Gzip input").
const char* IsalErrorName(int ret) {
  switch (ret) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
      return "invalid back-reference distance";
    case ISAL_INVALID_WRAPPER:
      return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD:
      return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM:
      return "incorrect checksum (CRC-32 or length)";
    case ISAL_NEED_DICT:
      return "needs a preset dictionary";
    default:
      return "inflate error";
  }
}

// The length of the gzip member header at the start of [p, p + n), or 0 when
// those bytes do not hold all of it. Lengths only: ISA-L checks the header
// (a first 10 bytes that are not gzip count as a whole header, for ISA-L to
// refuse).
size_t GzipHeaderLength(const uint8_t* p, size_t n) {
  constexpr size_t kFixed = 10;
  if (n < kFixed) return 0;
  if (p[0] != 0x1f || p[1] != 0x8b) return kFixed;
  const uint8_t flags = p[3];
  size_t len = kFixed;
  if ((flags & 0x04) != 0) {  // FEXTRA: a 2-byte length, then the field.
    if (n < len + 2) return 0;
    len += 2 + (p[len] | (size_t{p[len + 1]} << 8));
  }
  for (uint8_t bit : {uint8_t{0x08}, uint8_t{0x10}}) {  // FNAME, FCOMMENT: zero-terminated.
    if ((flags & bit) == 0) continue;
    if (len >= n) return 0;
    const void* nul = std::memchr(p + len, 0, n - len);
    if (nul == nullptr) return 0;
    len = static_cast<size_t>(static_cast<const uint8_t*>(nul) - p) + 1;
  }
  if ((flags & 0x02) != 0) len += 2;  // FHCRC.
  return len <= n ? len : 0;
}

class GzipSource final : public CompressedSource {
 public:
  GzipSource(std::string path, int fd, const std::string& head)
      : CompressedSource(std::move(path), fd, head), state_(std::make_unique<inflate_state>()) {}

  Status Init() {
    StartMember();
    return Status::Ok();
  }

  Result<size_t> Read(char* buf, size_t cap) override {
    if (!error_.ok()) return error_;
    if (cap == 0) return size_t{0};
    const uint32_t out_cap = static_cast<uint32_t>(std::min<size_t>(cap, UINT32_MAX));
    for (;;) {
      if (in_pos_ == in_size_ && !eof_) {
        Status s = Refill();
        if (!s.ok()) return Fail(std::move(s));
      }
      if (!in_member_ && in_pos_ < in_size_) {
        Status s = WholeHeaderInInput();
        if (!s.ok()) return Fail(std::move(s));
      }
      const bool input_done = in_pos_ == in_size_ && eof_;
      if (input_done && !in_member_) return size_t{0};  // Clean end between members.
      in_member_ = true;
      state_->next_in = reinterpret_cast<uint8_t*>(in_.data() + in_pos_);
      state_->avail_in = static_cast<uint32_t>(in_size_ - in_pos_);
      // Set on every pass: nothing was produced yet (a pass that produces
      // returns), and starting a member clears the state's buffers.
      state_->next_out = reinterpret_cast<uint8_t*>(buf);
      state_->avail_out = out_cap;
      const int ret = isal_inflate(state_.get());
      in_pos_ = in_size_ - state_->avail_in;
      const size_t produced = out_cap - state_->avail_out;
      if (ret != ISAL_DECOMP_OK) {
        // Every member of a concatenated .gz must be gzip; other trailing
        // bytes are an error (zcat warns "trailing garbage").
        return Fail(Status::DataError(path_ + ": corrupt gzip data near compressed offset " +
                                      std::to_string(compressed_bytes_read()) + ": " +
                                      IsalErrorName(ret)));
      }
      if (state_->block_state == ISAL_BLOCK_FINISH) {
        // End of one member (CRC-32 and length checked); a next one may follow.
        StartMember();
        in_member_ = false;
      }
      if (produced > 0) return produced;
      if (input_done && in_member_) {
        return Fail(Status::DataError(
            path_ + ": truncated gzip stream: input ends inside a member" + " after " +
            std::to_string(compressed_bytes_read()) + " compressed bytes"));
      }
    }
  }

  Compression compression() const override { return Compression::kGzip; }

 private:
  // At a member's start: reads on until its whole header is in the input
  // (or the file ends, or the header outgrows the input buffer). ISA-L 2.30
  // could misread a header cut between two inputs: an FEXTRA field across
  // the 1 MiB block boundary decoded as "invalid deflate block" in some runs
  // of the sanitizer build (ByteSourceTest.GzipMembersStraddlingInputBlocks).
  Status WholeHeaderInInput() {
    for (;;) {
      const size_t avail = in_size_ - in_pos_;
      const auto* p = reinterpret_cast<const uint8_t*>(in_.data() + in_pos_);
      if (GzipHeaderLength(p, avail) != 0 || eof_ || avail == in_.size()) return Status::Ok();
      const size_t before = avail;
      Status s = TopUp(avail + 1);
      if (!s.ok()) return s;
      if (in_size_ - in_pos_ == before) return Status::Ok();  // Nothing more to read.
    }
  }

  // Ready for a gzip member: header parsed, CRC-32 and length verified.
  void StartMember() {
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;
  }

  std::unique_ptr<inflate_state> state_;  // About 50 KiB: on the heap.
  bool in_member_ = false;                // Inside a gzip member (its end not yet decoded).
};

}  // namespace

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kZstd:
      return "zstd";
    case Compression::kGzip:
      return "gzip";
  }
  return "unknown";
}

Result<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path,
                                                   const ByteSourceOptions& options) {
  const ZSTD_bounds bounds = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
  if (ZSTD_isError(bounds.error) || options.max_window_log < bounds.lowerBound ||
      options.max_window_log > bounds.upperBound) {
    return Status::InvalidArgument("max_window_log " + std::to_string(options.max_window_log) +
                                   " out of range [" + std::to_string(bounds.lowerBound) + ", " +
                                   std::to_string(bounds.upperBound) + "]");
  }

  const int raw_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw_fd < 0) {
    const int err = errno;
    std::string msg = "cannot open " + path + ": " + ErrnoText(err);
    if (err == ENOENT || err == ENOTDIR) return Status::NotFound(std::move(msg));
    return Status::IoError(std::move(msg));
  }
  Fd fd(raw_fd);  // Owns raw_fd until a source takes it over.
  struct stat st;
  if (::fstat(raw_fd, &st) != 0) {
    return Status::IoError("cannot stat " + path + ": " + ErrnoText(errno));
  }
  if (S_ISDIR(st.st_mode)) return Status::IoError("cannot read " + path + ": is a directory");
  if (S_ISREG(st.st_mode)) (void)::posix_fadvise(raw_fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  // Read the magic bytes (looping: pipes may return short reads).
  std::string head(kMagicBytes, '\0');
  size_t got = 0;
  while (got < kMagicBytes) {
    const ssize_t n = ::read(raw_fd, head.data() + got, kMagicBytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("cannot read " + path + ": " + ErrnoText(errno));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  head.resize(got);
  const auto* magic = reinterpret_cast<const unsigned char*>(head.data());

  Compression c = Compression::kNone;
  if (IsZstdMagic(magic, got)) {
    c = Compression::kZstd;
  } else if (IsGzipMagic(magic, got)) {
    c = Compression::kGzip;
  }
  // The name promises a compression: hold it to that (an empty file is an
  // empty stream whatever its name).
  const bool named_zst = HasSuffix(path, ".zst");
  const bool named_gz = HasSuffix(path, ".gz");
  if (got > 0 && named_zst && c != Compression::kZstd) {
    return Status::DataError(path + ": not a zstd file (named .zst)");
  }
  if (got > 0 && named_gz && c != Compression::kGzip) {
    return Status::DataError(path + ": not a gzip file (named .gz)");
  }
  if (got == 0 && named_zst) c = Compression::kZstd;
  if (got == 0 && named_gz) c = Compression::kGzip;

  switch (c) {
    case Compression::kNone:
      return std::unique_ptr<ByteSource>(new PlainSource(path, fd.release(), std::move(head)));
    case Compression::kZstd: {
      ZSTD_DCtx* dctx = ZSTD_createDCtx();
      if (dctx == nullptr) return Status::Internal(path + ": ZSTD_createDCtx failed");
      const size_t ret = ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, options.max_window_log);
      if (ZSTD_isError(ret)) {
        ZSTD_freeDCtx(dctx);
        return Status::Internal(path + ": cannot set zstd window limit: " + ZSTD_getErrorName(ret));
      }
      return std::unique_ptr<ByteSource>(
          new ZstdSource(path, fd.release(), head, dctx, options.max_window_log));
    }
    case Compression::kGzip: {
      auto source = std::make_unique<GzipSource>(path, fd.release(), head);
      STC_RETURN_IF_ERROR(source->Init());
      return std::unique_ptr<ByteSource>(std::move(source));
    }
  }
  return Status::Internal(path + ": unknown compression");
}

}  // namespace stc
