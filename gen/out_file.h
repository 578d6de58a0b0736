// A streaming output file for the generators: lines are appended to a buffer
// that is compressed (zstd or gzip) or written plain whenever it grows past
// a threshold, so a file of any size needs constant memory.
//
// Internal to gen/. Not thread-safe; one writer per file.
#ifndef STCLUSTER_GEN_OUT_FILE_H_
#define STCLUSTER_GEN_OUT_FILE_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/status.h"

namespace stc::gen_internal {

enum class Compression : uint8_t { kNone, kZstd, kGzip };

class OutFile {
 public:
  OutFile() = default;
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  ~OutFile();

  // Creates `path` (its folder must exist). IoError when it cannot.
  Status Open(const std::string& path, Compression compression, int zstd_level = 3);
  // The caller appends whole lines here, then calls MaybeFlush().
  std::string* buffer() { return &buffer_; }
  Status MaybeFlush();
  // Ends the current zstd frame (the bytes written so far decompress on
  // their own); later lines go into a new frame. No-op for other kinds.
  Status EndFrame();
  // Flushes and closes. `cut_last_frame` cuts the file in the middle of the
  // frame begun by the last EndFrame() (fault injection: a truncated
  // download; the earlier frames stay whole).
  Status Close(bool cut_last_frame = false);

  const std::string& path() const { return path_; }
  uint64_t lines() const { return lines_; }
  void CountLine() { ++lines_; }
  // Bytes written to disk so far (valid after Close: the file size).
  uint64_t file_bytes() const { return file_bytes_; }

 private:
  Status Flush(bool end_frame);
  Status Write(const char* data, size_t n);

  std::string path_;
  FILE* file_ = nullptr;
  Compression compression_ = Compression::kNone;
  void* zstd_ = nullptr;  // ZSTD_CCtx.
  void* gzip_ = nullptr;  // z_stream.
  std::string buffer_;
  std::vector<char> out_;
  uint64_t lines_ = 0;
  uint64_t file_bytes_ = 0;
  uint64_t frame_start_ = 0;
};

}  // namespace stc::gen_internal

#endif  // STCLUSTER_GEN_OUT_FILE_H_
