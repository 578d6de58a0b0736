// Reading a file's bytes at an offset, whole: pread(2) again after a short
// read or an interrupt, until `n` bytes or the end of the file.
#ifndef STCLUSTER_CORE_PREAD_H_
#define STCLUSTER_CORE_PREAD_H_

#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace stc {

// Reads up to `n` bytes of `fd` at `offset` into `out`; *got is how many
// (fewer than `n` only at the end of the file). False on a read error
// (errno says which). Thread-safe on a shared descriptor: no file offset.
inline bool PreadFully(int fd, uint64_t offset, char* out, size_t n, size_t* got) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      *got = done;
      return false;
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  *got = done;
  return true;
}

}  // namespace stc

#endif  // STCLUSTER_CORE_PREAD_H_
