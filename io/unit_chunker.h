// Splits a ByteSource into chunks of whole multi-line units (documents) for
// parallel parsing: an XML document, a pretty-printed JSON document, a whole
// file.
//
// A unit starts at the beginning of the stream and at every line that starts
// with `UnitRule::line_prefix` (e.g. "<?xml" for concatenated XML documents,
// "{" for concatenated pretty-printed JSON documents); with an empty prefix
// the whole stream is one unit. A unit ends where the next one starts.
//
// Chunk layout is LineChunker's (see io/line_chunker.h), with units in place
// of lines: `data` holds whole units, `unit_ends` says where each ends; chunks
// tile the stream; units longer than `max_line_bytes` are skipped while
// streaming (never buffered whole) and reported in `oversized`, the chunk
// ending right before them; when the stream fails, the pending incomplete
// unit is reported as the partial line. Memory is
// O(target_chunk_bytes + max_line_bytes + 1 MiB).
//
// Thread-safety: one thread at a time (the pipeline's serial input stage).
#ifndef STCLUSTER_IO_UNIT_CHUNKER_H_
#define STCLUSTER_IO_UNIT_CHUNKER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_buffer.h"
#include "io/line_chunker.h"

namespace stc {

// The offset of the first occurrence of `marker` (not empty) in `haystack`,
// or std::string::npos; as haystack.find(marker). A marker holding '?' (the
// "\n<?xml" of XML declarations) is found by looking for its '?', rare in
// text, with memchr, instead of memmem's scan.
size_t FindMarker(std::string_view haystack, std::string_view marker);

struct UnitRule {
  // A line starting with these bytes starts a unit; "" = one unit per stream.
  std::string line_prefix;
};

class UnitChunker : public ChunkReader {
 public:
  UnitChunker(std::unique_ptr<ByteSource> source, const LineChunkerOptions& options, UnitRule rule);

  bool Next(Chunk* chunk) override;
  uint64_t compressed_bytes_read() const override { return source_->compressed_bytes_read(); }

 private:
  // Position in pending_ of the next unit start after pending_[pos_], or npos.
  size_t FindNextStart();
  // Reads one block into pending_. Returns the bytes read.
  size_t ReadMore();
  // Drops pending_[0, pos_) once it is large.
  void Compact();
  // Reports the unit starting at pending_[pos_] as oversized, reads past its
  // end without keeping it and ends the chunk.
  void SkipOversized(Chunk* chunk);
  void EndFile(Chunk* chunk);

  std::unique_ptr<ByteSource> source_;
  LineChunkerOptions options_;
  std::string marker_;       // "\n" + line_prefix; empty for whole-stream units.
  ByteBuffer pending_;       // Bytes read, not yet delivered, from pending_[pos_].
  size_t pos_ = 0;           // Start of the current unit in pending_.
  size_t scanned_ = 0;       // pending_[pos_ + 1, scanned_) holds no marker start.
  uint64_t pos_offset_ = 0;  // Stream offset of pending_[pos_].
  bool ended_ = false;
  Status error_;
  bool done_ = false;
};

}  // namespace stc

#endif  // STCLUSTER_IO_UNIT_CHUNKER_H_
