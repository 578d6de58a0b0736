// Splits a ByteSource into chunks of whole lines for parallel parsing.
//
// Each chunk holds complete '\n'-terminated lines (the final line of a file
// may lack its '\n'), about `target_chunk_bytes` long, plus the byte offset of
// its first byte in the decompressed stream, so every line can be located
// exactly (file + offset) in reject reports.
//
// Lines longer than `max_line_bytes` are never buffered whole: they are
// skipped while streaming and reported in Chunk::oversized (offset and the
// first bytes). Memory is O(target_chunk_bytes + max_line_bytes) (plus one
// read block of at most 1 MiB), whatever the line lengths.
//
// Thread-safety: one thread at a time (the pipeline's serial input stage).
#ifndef STCLUSTER_IO_LINE_CHUNKER_H_
#define STCLUSTER_IO_LINE_CHUNKER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "io/byte_buffer.h"
#include "io/byte_source.h"

namespace stc {

struct LineChunkerOptions {
  size_t target_chunk_bytes = 4 << 20;  // 4 MiB of lines per chunk.
  // The longest unit kept: lines (JSON Lines framing) or whole documents
  // (UnitChunker framings) of more bytes than this (not counting a line's
  // '\n') are skipped and reported as oversized (rejected as line_too_long
  // or record_too_long).
  size_t max_line_bytes = 16 << 20;
};

struct OversizedLine {
  uint64_t offset = 0;  // Decompressed byte offset of the line's first byte.
  uint64_t length = 0;  // Bytes in the line (without '\n'); a lower bound
                        // when the stream failed inside it.
  std::string prefix;   // Its first 200 bytes.
};

// Layout guarantee: within one chunk, `data` is a contiguous span of the
// stream starting at `offset`, so the line starting at data[i] is at stream
// offset `offset + i`. Oversized lines are never inside `data`: a chunk ends
// right before an oversized line, reports it in `oversized` (its offset is
// `offset + data.size()`), and the next chunk's `offset` starts after its
// '\n'. Chunks tile the stream in order: each chunk's `offset` is the end of
// the previous chunk's data (and oversized lines).
//
// Size: `data` reaches `target_chunk_bytes` and then stops at the end of the
// line being read, so it exceeds the target by at most one line; it is
// shorter only in the last chunk or in a chunk that ends at an oversized
// line. The last chunk may be empty (e.g. when the stream ends right at a
// chunk boundary).
struct Chunk {
  ByteBuffer data;  // Whole lines (or whole units); may be empty.
  // Empty for line framing (every line is a unit). Set by UnitChunker: the
  // end offset in `data` of each unit, ascending; the last one is data.size().
  std::vector<size_t> unit_ends;
  uint64_t offset = 0;  // Decompressed offset of data[0] in the file.
  // Skipped lines located in this chunk's span, right after `data` (in
  // stream order; at most one in the current implementation).
  std::vector<OversizedLine> oversized;
  // Set on the last chunk of a file whose stream failed (e.g. a truncated
  // .zst): the error and the decompressed offset where reading stopped. Any
  // unterminated partial line before the failure is NOT in `data`; it is
  // described by `partial_line_offset`/`partial_line_prefix` when present
  // (then `data` ends at `partial_line_offset`). When the stream fails inside
  // an oversized line, that line is reported in `oversized` (its length a
  // lower bound) and has_partial_line is false.
  Status stream_error;
  uint64_t error_offset = 0;
  bool has_partial_line = false;
  uint64_t partial_line_offset = 0;
  std::string partial_line_prefix;  // First 200 bytes of the partial line.
  bool last = false;                // No more chunks from this file after this one.
};

// What the pipeline's reader stage pulls chunks from: LineChunker (JSON
// Lines) or UnitChunker (multi-line documents, io/unit_chunker.h).
class ChunkReader {
 public:
  virtual ~ChunkReader() = default;
  // Fills `*chunk` (overwriting every field, reusing its capacity) with the
  // next units. Returns false (leaving *chunk unchanged) once the previous
  // chunk had `last` set; true otherwise. An empty stream yields one empty
  // chunk with `last` set. Never fails: a stream error ends the file with
  // Chunk::stream_error set.
  virtual bool Next(Chunk* chunk) = 0;
  virtual uint64_t compressed_bytes_read() const = 0;
};

class LineChunker : public ChunkReader {
 public:
  LineChunker(std::unique_ptr<ByteSource> source, const LineChunkerOptions& options);

  // Fills `*chunk` (overwriting every field, reusing its capacity) with the
  // next lines. Returns false (leaving *chunk unchanged) once the previous
  // chunk had `last` set; true otherwise. An empty stream yields one empty
  // chunk with `last` set. Never fails: a stream error ends the file with
  // Chunk::stream_error set. A target_chunk_bytes of 0 acts as 1.
  bool Next(Chunk* chunk) override;

  uint64_t compressed_bytes_read() const override;
  const ByteSource& source() const { return *source_; }

 private:
  // Finds line ends in chunk->data[*scanned, size) (the current line starts
  // at *line_start). Returns true when the chunk is complete (target reached
  // or an oversized line was met and reported).
  bool ScanLines(Chunk* chunk, size_t* line_start, size_t* scanned);
  // Reports the oversized line starting at data[line_start] and reads past
  // its end without keeping it.
  void SkipOversized(Chunk* chunk, size_t line_start);
  // Ends the file's last chunk after the stream ended (cleanly or not).
  void Finish(Chunk* chunk, size_t line_start);
  // Moves data[from, size) to carry_ (the start of the next chunk).
  void KeepTail(Chunk* chunk, size_t from);
  // Reads `cap` bytes, fewer only at the end of the stream or on an error
  // (which set ended_, and error_). Returns the bytes read.
  size_t ReadFill(char* dst, size_t cap);

  std::unique_ptr<ByteSource> source_;
  LineChunkerOptions options_;
  std::string carry_;           // Bytes read but not yet delivered (the next chunk's start).
  size_t carry_pos_ = 0;        // carry_[0, carry_pos_) was delivered already.
  uint64_t carry_offset_ = 0;   // Stream offset of carry_[carry_pos_]: the next undelivered byte.
  uint64_t stream_offset_ = 0;  // Decompressed bytes read from source_ so far.
  bool ended_ = false;          // source_ returned end of stream or an error.
  Status error_;                // The error, when the stream failed.
  bool done_ = false;           // The last chunk was returned.
  std::vector<char> buf_;       // Scratch for skipping oversized lines.
};

// The '\n' bytes in `s`, 16 bytes at a time with SSE2 (eight without): a
// byte loop, or memchr per line, is several times slower on pretty-printed
// XML, whose documents hold a newline every few dozen bytes.
uint64_t CountNewlines(std::string_view s);

}  // namespace stc

#endif  // STCLUSTER_IO_LINE_CHUNKER_H_
