// An output file for large writes: `export -o FILE` of a fine grid's cells
// writes gigabytes of CSV.
//
// Why not std::ofstream: it hands large writes to the kernel whole, and the
// page cache takes a folio as large as each write. On the virtual machines we
// run on, a large folio comes fresh from the host while small ones can come
// from the guest's own fragmented free memory: writing 2 GB to a new file
// (`dd`) took 5.8-7.2 s of system time in 4 MiB writes, and in 128 KiB
// writes 0.4 s in one state of the machine, 3.4-6.1 s in another, when that
// memory had run out (docs/performance.md, "Exports: small writes, or around the
// page cache"). Small writes are never dearer; what the page cache costs
// when fresh memory is needed is avoided only by `direct`, below.
//
// How: the stream's bytes are copied into aligned buffers (`buffer_bytes`
// each, `buffers` of them); a full buffer goes to a writer thread, which
// writes it in pieces of at most 128 KiB while the caller fills the next one.
//
// With `direct`, a regular file is written around the page cache instead
// (O_DIRECT, switched on after the file is opened): no page cache to pay
// for, and the page cache is left to others (the store's table files), but
// a program that reads the file right after reads it from the disk and pays
// for the pages then (the 2.1 GB cell export of a 0.01° 20M store: 1.6-1.9 s
// to write against 5-9 s through the page cache in the second state, then
// 2.8-3.5 s for `cat` to read it, against 0.07-0.09 s when cached). Bound by
// the disk's write speed, so not the default. Where the file system refuses O_DIRECT, or a direct
// write fails with EINVAL (an alignment the device does not take), the file
// is written through the page cache from the same buffers: the bytes are the
// same either way. The last block is written whole (zero-padded) and the file
// truncated to the bytes written. Pipes and character devices are never
// written direct (O_DIRECT on a pipe is packet mode).
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
#include <string_view>

#include "core/status.h"

namespace stc {

struct OutputFileOptions {
  size_t buffer_bytes = size_t{4} << 20;  // Rounded up to a multiple of `alignment`.
  size_t buffers = 3;                     // At least 2: one filled while one is written.
  // Offsets and sizes of direct writes are multiples of this (4096 suits
  // every common device). Tests set other values to reach the fallback.
  size_t alignment = 4096;
  bool direct = false;  // True: around the page cache where allowed (above).
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

// Replaces the file at `path` with `text` (an OutputFile with the default
// options, written and closed). IoError naming the path and the system's
// reason when the file cannot be created or written.
Status WriteWholeFile(const std::string& path, std::string_view text);

}  // namespace stc

#endif  // STCLUSTER_IO_OUTPUT_FILE_H_
