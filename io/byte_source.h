// Decompressing byte sources: a file's content as a stream of bytes, whatever
// its compression (zstd, gzip or none), read in bounded blocks.
//
// Memory is bounded whatever the input: zstd frames declaring a window larger
// than ByteSourceOptions::max_window_log are refused (a hostile frame cannot
// make us allocate gigabytes), and decompression output is produced block by
// block into the caller's buffer.
//
// Thread-safety: a ByteSource is used by one thread at a time.
#ifndef STCLUSTER_IO_BYTE_SOURCE_H_
#define STCLUSTER_IO_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace stc {

enum class Compression { kNone, kZstd, kGzip };

// "none", "zstd", "gzip".
const char* CompressionName(Compression c);

struct ByteSourceOptions {
  // Largest zstd window accepted (log2 bytes). 27 = 128 MiB, the zstd default
  // limit for --long; frames asking more are a DataError.
  int max_window_log = 27;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Reads up to `cap` decompressed bytes into `buf`. Returns the number of
  // bytes written; 0 means a clean end of input. Errors:
  //  - DataError "truncated ..." when the compressed stream ends inside a
  //    frame (a cut-off .zst/.gz file); bytes decoded before the cut were
  //    already returned by earlier calls.
  //  - DataError for corrupt compressed data or a refused window size.
  //  - IoError when the file cannot be read.
  // After an error, further calls return the same error. Message names the file.
  virtual Result<size_t> Read(char* buf, size_t cap) = 0;

  // Compressed bytes consumed from the file so far (for progress and MB/s).
  virtual uint64_t compressed_bytes_read() const = 0;

  virtual Compression compression() const = 0;
};

// Opens `path`. Compression is detected from the content's magic bytes, not
// the name; but a file named *.zst (or *.gz) whose content is not zstd (gzip)
// is a DataError ("x.zst: not a zstd file"), since its name promises what it
// does not hold. Returns NotFound / IoError when the file cannot be opened.
Result<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path,
                                                   const ByteSourceOptions& options = {});

}  // namespace stc

#endif  // STCLUSTER_IO_BYTE_SOURCE_H_
