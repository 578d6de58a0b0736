// Splits a ByteSource into chunks of whole lines for parallel parsing.
//
// Each chunk holds complete '\n'-terminated lines (the final line of a file
// may lack its '\n'), about `target_chunk_bytes` long, plus the byte offset of
// its first byte in the decompressed stream, so every line can be located
// exactly (file + offset) in reject reports.
//
// Lines longer than `max_line_bytes` are never buffered whole: they are
// skipped while streaming and reported in Chunk::oversized (offset and the
// first bytes). Memory is O(target_chunk_bytes + max_line_bytes).
//
// Thread-safety: one thread at a time (the pipeline's serial input stage).
#ifndef STCLUSTER_IO_LINE_CHUNKER_H_
#define STCLUSTER_IO_LINE_CHUNKER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "io/byte_source.h"

namespace stc {

struct LineChunkerOptions {
  size_t target_chunk_bytes = 4 << 20;  // 4 MiB of lines per chunk.
  size_t max_line_bytes = 16 << 20;     // Longer lines are rejected as line_too_long.
};

struct OversizedLine {
  uint64_t offset = 0;   // Decompressed byte offset of the line's first byte.
  uint64_t length = 0;   // Bytes in the line (without '\n'); may be a lower
                         // bound when the stream ended inside it.
  std::string prefix;    // Its first 200 bytes.
};

struct Chunk {
  std::string data;           // Whole lines; may be empty.
  uint64_t offset = 0;        // Decompressed offset of data[0] in the file.
  std::vector<OversizedLine> oversized;  // Skipped lines located in this chunk's span.
  // Set on the last chunk of a file whose stream failed (e.g. a truncated
  // .zst): the error and the decompressed offset where reading stopped. Any
  // unterminated partial line before the failure is NOT in `data`; it is
  // described by `partial_line_offset`/`partial_line_prefix` when present.
  Status stream_error;
  uint64_t error_offset = 0;
  bool has_partial_line = false;
  uint64_t partial_line_offset = 0;
  std::string partial_line_prefix;  // First 200 bytes of the partial line.
  bool last = false;          // No more chunks from this file after this one.
};

class LineChunker {
 public:
  LineChunker(std::unique_ptr<ByteSource> source, const LineChunkerOptions& options);

  // Fills `*chunk` (overwriting it, reusing its capacity) with the next lines.
  // Returns false once the previous chunk had `last` set; true otherwise.
  // Never fails: a stream error ends the file with Chunk::stream_error set.
  bool Next(Chunk* chunk);

  uint64_t compressed_bytes_read() const;
  const ByteSource& source() const { return *source_; }

 private:
  std::unique_ptr<ByteSource> source_;
  LineChunkerOptions options_;
  std::string carry_;        // Bytes of an incomplete line carried to the next chunk.
  uint64_t carry_offset_ = 0;
  uint64_t stream_offset_ = 0;  // Decompressed bytes read from source_ so far.
  bool skipping_ = false;       // Inside an oversized line being skipped.
  OversizedLine skip_;
  bool done_ = false;
  std::vector<char> buf_;
};

}  // namespace stc

#endif  // STCLUSTER_IO_LINE_CHUNKER_H_
