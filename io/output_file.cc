#include "io/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <streambuf>
#include <thread>
#include <utility>
#include <vector>

#include "io/fd.h"

namespace stc {
namespace {
// Writes through the page cache in pieces of at most this size (the folio
// sizes of output_file.h).
constexpr size_t kPlainWriteBytes = size_t{128} << 10;
}  // namespace

// The stream buffer: the put area is one of the aligned buffers; a full one
// goes to the writer thread (`full_`), which returns it to `free_` once
// written. The mutex guards the two queues and `error_`, touched once per
// buffer, not per write.
class OutputFile::Buf : public std::streambuf {
 public:
  // Takes `fd` (closed by Close, or by the destructor if construction
  // throws std::bad_alloc).
  Buf(int fd, std::string path, bool regular, const OutputFileOptions& o)
      : fd_(fd), path_(std::move(path)), regular_(regular), alignment_(o.alignment) {
    if (alignment_ == 0) alignment_ = 1;
    size_ = (std::max<size_t>(o.buffer_bytes, 1) + alignment_ - 1) / alignment_ * alignment_;
    const size_t n = std::max<size_t>(o.buffers, 2);
    // Buffer addresses aligned for O_DIRECT whatever `alignment` (a test's
    // odd alignment still has aligned buffers: only sizes and offsets vary).
    const size_t address_alignment = std::max<size_t>(4096, alignment_);
    for (size_t i = 0; i < n; ++i) {
      const size_t bytes = (size_ + address_alignment - 1) / address_alignment * address_alignment;
      char* b = static_cast<char*>(std::aligned_alloc(address_alignment, bytes));
      if (b == nullptr) throw std::bad_alloc();
      buffers_.emplace_back(b);
      if (i > 0) free_.push_back(b);
    }
    if (regular_ && o.direct) {
      const int flags = fcntl(fd_.get(), F_GETFL);
      direct_ = flags >= 0 && fcntl(fd_.get(), F_SETFL, flags | O_DIRECT) == 0;
    }
    setp(buffers_[0].get(), buffers_[0].get() + size_);
    writer_ = std::thread([this] { WriterLoop(); });
  }

  ~Buf() override { (void)Close(); }

  Status Close() {
    if (closed_) return close_status_;
    closed_ = true;
    // The last, partial buffer: whole blocks when direct (zero-padded; the
    // file is truncated to the bytes written below).
    const size_t n = static_cast<size_t>(pptr() - pbase());
    size_t padded = n;
    if (direct_.load(std::memory_order_relaxed) && n % alignment_ != 0) {
      padded = (n + alignment_ - 1) / alignment_ * alignment_;
      std::memset(pbase() + n, 0, padded - n);
    }
    written_ += n;
    {
      std::unique_lock lock(mu_);
      if (n > 0) full_.push_back({pbase(), padded});
      stop_ = true;
    }
    cv_.notify_all();
    writer_.join();
    setp(nullptr, nullptr);
    Status st = error_;
    if (st.ok() && regular_ && ftruncate(fd_.get(), static_cast<off_t>(written_)) != 0) {
      st =
          Status::IoError(path_ + ": cannot set the file's size: " + io_internal::ErrnoText(errno));
    }
    if (::close(fd_.release()) != 0 && st.ok()) {
      st = Status::IoError(path_ + ": closing failed: " + io_internal::ErrnoText(errno));
    }
    close_status_ = st;
    return st;
  }

  bool direct() const { return direct_.load(std::memory_order_relaxed); }
  uint64_t bytes() const { return written_ + static_cast<uint64_t>(pptr() - pbase()); }

 protected:
  int_type overflow(int_type ch) override {
    if (closed_) return traits_type::eof();
    char* next = nullptr;
    {
      std::unique_lock lock(mu_);
      if (!error_.ok()) return traits_type::eof();
      full_.push_back({pbase(), static_cast<size_t>(pptr() - pbase())});
      cv_.notify_all();
      cv_.wait(lock, [&] { return !free_.empty() || !error_.ok(); });
      if (!error_.ok()) return traits_type::eof();
      next = free_.front();
      free_.pop_front();
    }
    written_ += static_cast<uint64_t>(pptr() - pbase());
    setp(next, next + size_);
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

 private:
  struct Full {
    char* data;
    size_t size;
  };
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };

  void WriterLoop() {
    for (;;) {
      Full f;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !full_.empty() || stop_; });
        if (full_.empty()) return;  // stop_ and nothing left.
        f = full_.front();
        full_.pop_front();
      }
      Status st = error_ok_ ? WriteAll(f.data, f.size) : Status::Ok();
      std::unique_lock lock(mu_);
      if (!st.ok() && error_.ok()) {
        error_ = std::move(st);
        error_ok_ = false;
      }
      free_.push_back(f.data);
      cv_.notify_all();
    }
  }

  // On the writer thread. A direct write refused with EINVAL (an alignment
  // the device does not take) is retried through the page cache, and the
  // rest of the file goes that way too.
  Status WriteAll(const char* p, size_t n) {
    while (n > 0) {
      const bool direct = direct_.load(std::memory_order_relaxed);
      const ssize_t w = ::write(fd_.get(), p, direct ? n : std::min(n, kPlainWriteBytes));
      if (w < 0) {
        const int err = errno;  // Before fcntl, which may set it.
        if (err == EINTR) continue;
        if (err == EINVAL && direct_.load(std::memory_order_relaxed)) {
          const int flags = fcntl(fd_.get(), F_GETFL);
          if (flags >= 0 && fcntl(fd_.get(), F_SETFL, flags & ~O_DIRECT) == 0) {
            direct_.store(false, std::memory_order_relaxed);
            continue;
          }
        }
        return Status::IoError(path_ + ": write failed: " + io_internal::ErrnoText(err));
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return Status::Ok();
  }

  io_internal::Fd fd_;
  const std::string path_;
  const bool regular_;
  size_t alignment_;
  size_t size_ = 0;
  std::atomic<bool> direct_{false};
  std::vector<std::unique_ptr<char, Free>> buffers_;
  uint64_t written_ = 0;  // Bytes of the buffers handed over (caller's thread).
  bool closed_ = false;
  Status close_status_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Full> full_;
  std::deque<char*> free_;
  Status error_;
  bool error_ok_ = true;  // error_.ok(), for the writer without the lock: it alone sets it.
  bool stop_ = false;
  std::thread writer_;
};

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path,
                                                       const OutputFileOptions& options) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return Status::IoError("cannot write " + path + ": " + io_internal::ErrnoText(errno));
  struct stat st;
  const bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  return std::unique_ptr<OutputFile>(
      new OutputFile(std::make_unique<Buf>(fd, path, regular, options)));
}

OutputFile::OutputFile(std::unique_ptr<Buf> buf)
    : buf_(std::move(buf)), stream_(std::make_unique<std::ostream>(buf_.get())) {}

OutputFile::~OutputFile() {
  stream_.reset();
  buf_.reset();
}

std::ostream& OutputFile::stream() { return *stream_; }
Status OutputFile::Close() { return buf_->Close(); }
bool OutputFile::direct() const { return buf_->direct(); }
uint64_t OutputFile::bytes() const { return buf_->bytes(); }

Status WriteWholeFile(const std::string& path, std::string_view text) {
  STC_ASSIGN_OR_RETURN(std::unique_ptr<OutputFile> out, OutputFile::Create(path));
  out->stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  return out->Close();
}

}  // namespace stc
