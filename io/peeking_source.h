// A ByteSource whose first bytes can be looked at before it is read, so that
// the reader stage can detect a file's format (and its framing) before it
// picks a chunker.
//
// Thread-safety: one thread at a time, like every ByteSource.
#ifndef STCLUSTER_IO_PEEKING_SOURCE_H_
#define STCLUSTER_IO_PEEKING_SOURCE_H_

#include <memory>
#include <string>
#include <string_view>

#include "io/byte_source.h"

namespace stc {

class PeekingSource : public ByteSource {
 public:
  explicit PeekingSource(std::unique_ptr<ByteSource> inner) : inner_(std::move(inner)) {}

  // Reads ahead until `n` bytes are buffered, the stream ends or it fails,
  // and returns the buffered bytes (fewer than `n` only at the end or on an
  // error). The view is valid until the next Read/Peek. Nothing is consumed:
  // Read returns these bytes first, then the rest, then the inner error (if
  // any), exactly as the inner source would have.
  std::string_view Peek(size_t n);

  // True when Peek reached the end of the stream (cleanly or not).
  bool peek_hit_end() const { return ended_; }

  Result<size_t> Read(char* buf, size_t cap) override;
  uint64_t compressed_bytes_read() const override { return inner_->compressed_bytes_read(); }
  Compression compression() const override { return inner_->compression(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  std::string head_;     // Peeked, not yet returned.
  size_t head_pos_ = 0;  // head_[0, head_pos_) already returned by Read.
  bool ended_ = false;   // The inner source returned 0 or an error during Peek.
  Status error_;         // That error, returned once head_ is drained.
};

}  // namespace stc

#endif  // STCLUSTER_IO_PEEKING_SOURCE_H_
