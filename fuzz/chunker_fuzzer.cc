// The decompression and chunking layer: bytes -> file -> ByteSource (zstd,
// gzip, plain) -> PeekingSource -> LineChunker or UnitChunker.
//
// Input layout: byte 0 picks the file name and the framing, byte 1 the chunk
// sizes, the rest is the file's content (io/README.md):
//   byte 0 bits 0-1: name suffix "", ".zst", ".gz", ".jsonl" (a .zst/.gz name
//                    whose content is not zstd/gzip must be refused)
//          bits 2-3: framing: lines; units at lines starting "<?xml"; units
//                    at lines starting "{"; the whole stream as one unit
//          bits 4-6: bytes peeked before chunking: 0, or 1 << (2 * k)
//   byte 1:          target_chunk_bytes = 1 + (b & 15) * 97,
//                    max_line_bytes = 1 + (b >> 4) * 61
// Checked: reading with tiny and large buffers gives the same stream and the
// same error; Peek shows the stream's first bytes; chunks tile the stream
// exactly (io/line_chunker.h, "Layout guarantee"): data, oversized units,
// partial units and errors at the documented offsets; units and lines never
// longer than max_line_bytes; unit boundaries exactly at the rule's lines;
// chunk memory bounded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "io/byte_source.h"
#include "io/line_chunker.h"
#include "io/peeking_source.h"
#include "io/unit_chunker.h"

namespace {

using stc::ByteSource;
using stc::Chunk;
using stc::Result;
using stc::Status;

// Streams larger than this (decompression bombs) are read, not chunked: the
// byte source's bounded reads are what is under test then.
constexpr size_t kMaxStream = 8 << 20;

// Records every byte its inner source returns: the oracle the chunks are
// compared with.
class RecordingSource : public ByteSource {
 public:
  RecordingSource(std::unique_ptr<ByteSource> inner, std::string* log)
      : inner_(std::move(inner)), log_(log) {}
  Result<size_t> Read(char* buf, size_t cap) override {
    Result<size_t> n = inner_->Read(buf, cap);
    if (n.ok()) {
      STC_FUZZ_CHECK(*n <= cap, "a byte source returned more than asked");
      log_->append(buf, *n);
    } else {
      error = n.status();
    }
    return n;
  }
  uint64_t compressed_bytes_read() const override { return inner_->compressed_bytes_read(); }
  stc::Compression compression() const override { return inner_->compression(); }

  Status error;

 private:
  std::unique_ptr<ByteSource> inner_;
  std::string* log_;
};

struct Mode {
  std::string suffix;
  bool lines = true;
  std::string prefix;  // Unit rule (when !lines).
  size_t peek = 0;
  stc::LineChunkerOptions options;
};

Mode ModeOf(uint8_t b0, uint8_t b1) {
  static const char* const kSuffixes[] = {"", ".zst", ".gz", ".jsonl"};
  Mode m;
  m.suffix = kSuffixes[b0 & 3];
  switch ((b0 >> 2) & 3) {
    case 0:
      m.lines = true;
      break;
    case 1:
      m.lines = false;
      m.prefix = "<?xml";
      break;
    case 2:
      m.lines = false;
      m.prefix = "{";
      break;
    case 3:
      m.lines = false;
      m.prefix = "";
      break;
  }
  const int k = (b0 >> 4) & 7;
  m.peek = k == 0 ? 0 : size_t{1} << (2 * k);
  m.options.target_chunk_bytes = 1 + (b1 & 15) * 97;
  m.options.max_line_bytes = 1 + (b1 >> 4) * 61;
  return m;
}

// Reads the whole stream with buffers of 1, 7, 64... bytes. False when it
// is larger than kMaxStream.
bool ReadReference(ByteSource* src, std::string* out, Status* error) {
  static const size_t kCaps[] = {1, 7, 64, 4096, 65536, 1 << 20, 3};
  std::string buf(1 << 20, '\0');
  for (size_t i = 0;; ++i) {
    const size_t cap = kCaps[i % (sizeof kCaps / sizeof kCaps[0])];
    Result<size_t> n = src->Read(buf.data(), cap);
    if (!n.ok()) {
      *error = n.status();
      Result<size_t> again = src->Read(buf.data(), cap);
      STC_FUZZ_CHECK(!again.ok() && again.status().code() == error->code(),
                     "an error is not sticky: " + error->message());
      return true;
    }
    STC_FUZZ_CHECK(*n <= cap, "a byte source returned more than asked");
    if (*n == 0) {
      Result<size_t> again = src->Read(buf.data(), cap);
      STC_FUZZ_CHECK(again.ok() && *again == 0, "reading past the end");
      return true;
    }
    out->append(buf.data(), *n);
    if (out->size() > kMaxStream) return false;
  }
}

// Where units may start: the stream start, and each line starting with the
// rule's prefix (nowhere else for the whole-stream rule).
bool IsUnitStart(const Mode& m, std::string_view stream, uint64_t at) {
  if (at == 0) return true;
  if (m.prefix.empty() || at > stream.size()) return false;
  return stream[at - 1] == '\n' && stream.substr(at).substr(0, m.prefix.size()) == m.prefix;
}

// A unit [start, end) holds no other unit start.
bool IsWholeUnit(const Mode& m, std::string_view stream, uint64_t start, uint64_t end) {
  if (m.prefix.empty()) return true;
  const std::string marker = "\n" + m.prefix;
  size_t j = stream.find(marker, start);
  return j == std::string_view::npos || j + 1 >= end;
}

void CheckChunks(const Mode& m, stc::ChunkReader* chunker, const RecordingSource& rec,
                 const std::string& stream) {
  const size_t target = std::max<size_t>(m.options.target_chunk_bytes, 1);
  const size_t max_line = m.options.max_line_bytes;
  uint64_t expected = 0;  // Stream offset where the next chunk must start.
  bool saw_last = false;
  Chunk chunk;
  while (chunker->Next(&chunk)) {
    STC_FUZZ_CHECK(!saw_last, "a chunk after the last one");
    const std::string_view data = chunk.data;
    const std::string at = " at offset " + std::to_string(chunk.offset);
    STC_FUZZ_CHECK(chunk.offset == expected, "chunks do not tile the stream" + at);
    STC_FUZZ_CHECK(chunk.offset + data.size() <= stream.size(), "chunk past the stream" + at);
    STC_FUZZ_CHECK(std::string_view(stream).substr(chunk.offset, data.size()) == data,
                   "chunk bytes differ from the stream" + at);
    STC_FUZZ_CHECK(data.size() <= target + max_line + 1, "chunk exceeds its bound" + at);
    if (m.lines) {
      STC_FUZZ_CHECK(chunk.unit_ends.empty(), "unit ends in line framing" + at);
      size_t pos = 0;
      while (pos < data.size()) {
        size_t nl = data.find('\n', pos);
        size_t end = nl == std::string::npos ? data.size() : nl;
        STC_FUZZ_CHECK(end - pos <= max_line, "an oversized line kept" + at);
        if (nl == std::string::npos) {
          // Only the file's final line may lack its '\n', at a clean end.
          STC_FUZZ_CHECK(chunk.last && chunk.stream_error.ok() && chunk.oversized.empty() &&
                             chunk.offset + data.size() == stream.size(),
                         "a partial line in a chunk" + at);
        }
        pos = end + 1;
      }
    } else {
      STC_FUZZ_CHECK(data.empty() == chunk.unit_ends.empty(), "units and data disagree" + at);
      size_t start = 0;
      for (size_t end : chunk.unit_ends) {
        STC_FUZZ_CHECK(end > start && end <= data.size(), "unit ends not ascending" + at);
        STC_FUZZ_CHECK(end - start <= max_line, "an oversized unit kept" + at);
        STC_FUZZ_CHECK(IsUnitStart(m, stream, chunk.offset + start), "a unit starts off rule" + at);
        STC_FUZZ_CHECK(IsWholeUnit(m, stream, chunk.offset + start, chunk.offset + end),
                       "a unit holds another unit's start" + at);
        start = end;
      }
      STC_FUZZ_CHECK(start == data.size(), "the last unit does not end the data" + at);
    }
    expected = chunk.offset + data.size();
    for (const stc::OversizedLine& o : chunk.oversized) {
      STC_FUZZ_CHECK(o.offset == expected, "oversized unit off place" + at);
      STC_FUZZ_CHECK(o.length > max_line, "a unit reported oversized is not" + at);
      STC_FUZZ_CHECK(o.offset + o.length <= stream.size(), "oversized past the stream" + at);
      // The prefix is the unit's first bytes: 200 of them, or fewer when the
      // unit is shorter, or when max_line_bytes < 200 and the chunker knew only
      // the max_line_bytes + 1 bytes that made the unit oversized.
      const size_t want = std::min<uint64_t>({o.length, uint64_t{200}, uint64_t{max_line} + 1});
      STC_FUZZ_CHECK(o.prefix.size() >= want &&
                         o.prefix.size() <= std::min<uint64_t>(o.length, 200) &&
                         o.prefix == std::string_view(stream).substr(o.offset, o.prefix.size()),
                     "oversized prefix differs" + at);
      std::string_view body = std::string_view(stream).substr(o.offset, o.length);
      if (m.lines) {
        STC_FUZZ_CHECK(body.find('\n') == std::string_view::npos,
                       "oversized line holds a newline" + at);
        const bool terminated = o.offset + o.length < stream.size();
        if (terminated)
          STC_FUZZ_CHECK(stream[o.offset + o.length] == '\n', "oversized line end" + at);
        expected = o.offset + o.length + (terminated ? 1 : 0);
      } else {
        STC_FUZZ_CHECK(IsUnitStart(m, stream, o.offset), "oversized unit starts off rule" + at);
        STC_FUZZ_CHECK(IsWholeUnit(m, stream, o.offset, o.offset + o.length),
                       "oversized unit holds another unit's start" + at);
        expected = o.offset + o.length;
      }
    }
    if (chunk.has_partial_line) {
      STC_FUZZ_CHECK(!chunk.stream_error.ok(), "a partial unit without a stream error" + at);
      STC_FUZZ_CHECK(chunk.partial_line_offset == expected, "partial unit off place" + at);
      STC_FUZZ_CHECK(chunk.partial_line_prefix ==
                         std::string_view(stream).substr(
                             expected, std::min<size_t>(200, stream.size() - expected)),
                     "partial unit prefix differs" + at);
      if (m.lines) {
        STC_FUZZ_CHECK(
            std::string_view(stream).substr(expected).find('\n') == std::string_view::npos,
            "a partial line holds a newline" + at);
      }
      expected = stream.size();
    }
    if (!chunk.stream_error.ok()) {
      STC_FUZZ_CHECK(chunk.last, "a stream error before the last chunk" + at);
      STC_FUZZ_CHECK(!rec.error.ok() && chunk.stream_error.code() == rec.error.code(),
                     "the chunk's stream error is not the source's" + at);
      STC_FUZZ_CHECK(chunk.error_offset == stream.size(), "error offset" + at);
    }
    if (chunk.last) {
      saw_last = true;
      STC_FUZZ_CHECK(expected == stream.size(), "the chunks do not cover the stream" + at);
      STC_FUZZ_CHECK(chunk.stream_error.ok() == rec.error.ok(), "a stream error was lost" + at);
    }
  }
  STC_FUZZ_CHECK(saw_last, "no last chunk");
  STC_FUZZ_CHECK(!chunker->Next(&chunk), "Next after the last chunk");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const Mode m = ModeOf(data[0], data[1]);
  std::string_view content(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::string path = stc::fuzz::WriteScratchFile("chunks" + m.suffix, content);

  auto ref_src = stc::OpenByteSource(path);
  if (!ref_src.ok()) {
    // Only a name that promises a compression the content lacks is refused.
    STC_FUZZ_CHECK(ref_src.status().code() == stc::StatusCode::kDataError && !m.suffix.empty() &&
                       m.suffix != ".jsonl",
                   ref_src.status().message());
    return 0;
  }
  std::string ref;
  Status ref_error;
  if (!ReadReference(ref_src->get(), &ref, &ref_error)) return 0;

  auto src = stc::OpenByteSource(path);
  STC_FUZZ_CHECK(src.ok(), "a file opened once does not open again");
  std::string stream;
  auto recording = std::make_unique<RecordingSource>(std::move(src).value(), &stream);
  RecordingSource* rec = recording.get();
  std::unique_ptr<ByteSource> top = std::move(recording);
  if (m.peek > 0) {
    auto peeking = std::make_unique<stc::PeekingSource>(std::move(top));
    std::string head(peeking->Peek(m.peek));
    STC_FUZZ_CHECK(head.size() <= m.peek, "Peek returned too much");
    STC_FUZZ_CHECK(head == stream.substr(0, head.size()), "Peek differs from the stream");
    if (!peeking->peek_hit_end()) STC_FUZZ_CHECK(head.size() == m.peek, "Peek returned too little");
    top = std::move(peeking);
  }
  std::unique_ptr<stc::ChunkReader> chunker;
  if (m.lines) {
    chunker = std::make_unique<stc::LineChunker>(std::move(top), m.options);
  } else {
    chunker =
        std::make_unique<stc::UnitChunker>(std::move(top), m.options, stc::UnitRule{m.prefix});
  }
  CheckChunks(m, chunker.get(), *rec, stream);

  // The same stream whatever the read sizes; after an error, the bytes
  // decoded in the failing call may be dropped, so one is a prefix of the other.
  if (ref_error.ok()) {
    STC_FUZZ_CHECK(rec->error.ok(), "an error with large reads only: " + rec->error.message());
    STC_FUZZ_CHECK(stream == ref, "the stream depends on the read sizes");
  } else {
    STC_FUZZ_CHECK(!rec->error.ok() && rec->error.code() == ref_error.code(),
                   "an error with small reads only: " + ref_error.message());
    const size_t n = std::min(stream.size(), ref.size());
    STC_FUZZ_CHECK(stream.compare(0, n, ref, 0, n) == 0, "the stream depends on the read sizes");
  }
  return 0;
}
