// File descriptors for the io module's files (byte_source.cc, output_file.cc).
// Internal: not part of the module's interface.
#ifndef STCLUSTER_IO_FD_H_
#define STCLUSTER_IO_FD_H_

#include <string.h>
#include <unistd.h>

#include <string>
#include <utility>

namespace stc::io_internal {

// The system's message for `err` (thread-safe, unlike strerror).
inline std::string ErrnoText(int err) {
  char buf[256];
  // GNU strerror_r returns the message (possibly not in buf).
  return strerror_r(err, buf, sizeof(buf));
}

// An open file descriptor, closed on destruction unless released.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace stc::io_internal

#endif  // STCLUSTER_IO_FD_H_
