// An output file for large writes: `export -o FILE` of a fine grid's cells
// writes gigabytes of CSV.
//
// Why not std::ofstream: a buffered write takes a page of the page cache for
// every 4 KiB written, and on the virtual machines we run on a page taken
// fresh costs 1.5-3 ms of system time per MiB (docs/performance.md, "First
// touches of memory"): the 2.1 GB cell export of a 0.01° 20M-record store
// took 6-10 s to a new file, against 2.0 s to /dev/null. Written with O_DIRECT
// the bytes go from our buffers to the disk without the page cache: about
// 0.1 s of system time for 2 GB (docs/performance.md, "Exports written around
// the page cache").
//
// How: the stream's bytes are copied into aligned buffers (`buffer_bytes`
// each, `buffers` of them); a full buffer goes to a writer thread, which
// writes it while the caller fills the next one. A regular file is switched
// to O_DIRECT after it is opened (fcntl); where the file system refuses that,
// or a direct write fails with EINVAL (an alignment the device does not
// take), the file is written through the page cache instead, from the same
// buffers: the bytes are the same either way. The last block is written whole
// (zero-padded) and the file truncated to the bytes written. Other outputs
// (a pipe, a character device such as /dev/null) are written plainly: O_DIRECT
// on a pipe would change its reads (packet mode).
//
// Not thread-safe: one thread writes the stream. Failure: Create returns
// IoError naming the path; a failed write (ENOSPC, EIO) sets the stream's
// badbit and is returned by Close with the system's message.
#ifndef STCLUSTER_IO_OUTPUT_FILE_H_
#define STCLUSTER_IO_OUTPUT_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "core/status.h"

namespace stc {

struct OutputFileOptions {
  size_t buffer_bytes = size_t{4} << 20;  // Rounded up to a multiple of `alignment`.
  size_t buffers = 3;                     // At least 2: one filled while one is written.
  // Offsets and sizes of direct writes are multiples of this (4096 suits
  // every common device). Tests set other values to reach the fallback.
  size_t alignment = 4096;
  bool direct = true;  // False: always through the page cache.
};

class OutputFile {
 public:
  // Creates `path`, or truncates it (mode 0666 less the umask, as
  // std::ofstream does).
  static Result<std::unique_ptr<OutputFile>> Create(const std::string& path,
                                                    const OutputFileOptions& options = {});
  // Closes the file if Close was not called (an error is then lost).
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // The stream to write; valid until the object is destroyed. Flushing it
  // only hands full buffers over: the bytes are written by Close.
  std::ostream& stream();
  // Writes what is buffered, waits for every write, truncates the file to the
  // bytes written and closes it. Returns the first error of any write, or OK.
  // Idempotent: later calls return the same status.
  Status Close();

  // Whether every byte so far went around the page cache (O_DIRECT).
  bool direct() const;
  // Bytes written to the stream so far.
  uint64_t bytes() const;

 private:
  class Buf;
  explicit OutputFile(std::unique_ptr<Buf> buf);
  std::unique_ptr<Buf> buf_;
  std::unique_ptr<std::ostream> stream_;
};

}  // namespace stc

#endif  // STCLUSTER_IO_OUTPUT_FILE_H_
