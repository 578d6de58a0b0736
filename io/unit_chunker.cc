#include "io/unit_chunker.h"

#include <string.h>  // memmem (GNU).

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

namespace stc {
namespace {

constexpr size_t kPrefixBytes = 200;
constexpr size_t kReadBytes = 1 << 20;

std::string Prefix(const char* p, size_t n) { return std::string(p, std::min(n, kPrefixBytes)); }

}  // namespace

UnitChunker::UnitChunker(std::unique_ptr<ByteSource> source, const LineChunkerOptions& options,
                         UnitRule rule)
    : source_(std::move(source)), options_(options) {
  if (options_.target_chunk_bytes == 0) options_.target_chunk_bytes = 1;
  if (!rule.line_prefix.empty()) marker_ = "\n" + rule.line_prefix;
}

size_t UnitChunker::ReadMore() {
  if (ended_) return 0;
  // Straight into pending_'s free room (no intermediate block); its
  // capacity is kept between reads, so it stops growing after a few.
  const size_t old = pending_.size();
  char* dst = pending_.GrowUninitialized(kReadBytes);
  Result<size_t> n = source_->Read(dst, kReadBytes);
  size_t got = 0;
  if (!n.ok()) {
    error_ = n.status();
    ended_ = true;
  } else if (*n == 0) {
    ended_ = true;
  } else {
    got = std::min(*n, kReadBytes);
  }
  pending_.Truncate(old + got);
  return got;
}

void UnitChunker::Compact() {
  if (pos_ > (1u << 20) && pos_ * 2 > pending_.size()) {
    pending_.EraseFront(pos_);
    scanned_ -= pos_;
    pos_ = 0;
  }
}

size_t FindMarker(std::string_view haystack, std::string_view marker) {
  const size_t anchor = marker.find('?');
  if (anchor == std::string_view::npos) {
    const void* hit = memmem(haystack.data(), haystack.size(), marker.data(), marker.size());
    return hit == nullptr ? std::string::npos
                          : static_cast<size_t>(static_cast<const char*>(hit) - haystack.data());
  }
  // Every occurrence has a '?' at start + anchor: try those in order.
  for (size_t from = anchor; from < haystack.size();) {
    const void* q = std::memchr(haystack.data() + from, '?', haystack.size() - from);
    if (q == nullptr) break;
    const size_t at = static_cast<size_t>(static_cast<const char*>(q) - haystack.data());
    const size_t start = at - anchor;
    if (haystack.size() - start >= marker.size() &&
        std::memcmp(haystack.data() + start, marker.data(), marker.size()) == 0) {
      return start;
    }
    from = at + 1;
  }
  return std::string::npos;
}

size_t UnitChunker::FindNextStart() {
  if (marker_.empty()) {
    scanned_ = pending_.size();
    return std::string::npos;
  }
  size_t from = std::max(scanned_, pos_);
  if (from < pending_.size()) {
    const size_t found =
        FindMarker(std::string_view(pending_.data() + from, pending_.size() - from), marker_);
    if (found != std::string::npos) {
      const size_t at = from + found;
      scanned_ = at + 1;
      return at + 1;  // The unit starts after the '\n'.
    }
  }
  // A marker may straddle the end of what was read: rescan its last bytes.
  size_t keep = marker_.size() - 1;
  scanned_ = pending_.size() > pos_ + keep ? pending_.size() - keep : pos_;
  return std::string::npos;
}

bool UnitChunker::Next(Chunk* chunk) {
  if (done_) return false;
  ByteBuffer& data = chunk->data;
  data.clear();
  // Room for a full chunk and a unit past its target, once per chunk
  // object: appending units then never reallocates (and copies) it.
  data.reserve(options_.target_chunk_bytes + kReadBytes);
  chunk->unit_ends.clear();
  chunk->offset = pos_offset_;
  chunk->oversized.clear();
  chunk->stream_error = Status::Ok();
  chunk->error_offset = 0;
  chunk->has_partial_line = false;
  chunk->partial_line_offset = 0;
  chunk->partial_line_prefix.clear();
  chunk->last = false;
  const size_t max_unit = options_.max_line_bytes;
  for (;;) {
    size_t next = FindNextStart();
    if (next != std::string::npos) {
      const size_t len = next - pos_;
      if (len > max_unit) {
        chunk->oversized.push_back({pos_offset_, len, Prefix(pending_.data() + pos_, len)});
        pos_ = next;
        pos_offset_ += len;
        Compact();
        return true;
      }
      data.append(pending_.data() + pos_, len);
      chunk->unit_ends.push_back(data.size());
      pos_ = next;
      pos_offset_ += len;
      if (data.size() >= options_.target_chunk_bytes) {
        Compact();
        return true;
      }
      continue;
    }
    // Only the bytes known to belong to the unit count: no marker starts
    // before scanned_ (one may start at scanned_, its '\n' ending this unit),
    // but the bytes after it may be the start of a marker not yet read whole.
    const size_t known =
        ended_ ? pending_.size() - pos_ : std::min(scanned_ + 1, pending_.size()) - pos_;
    if (known > max_unit) {
      SkipOversized(chunk);
      return true;
    }
    if (ended_) {
      EndFile(chunk);
      return true;
    }
    Compact();
    ReadMore();
  }
}

void UnitChunker::SkipOversized(Chunk* chunk) {
  OversizedLine unit;
  unit.offset = pos_offset_;
  unit.prefix = Prefix(pending_.data() + pos_, pending_.size() - pos_);
  uint64_t length = 0;
  for (;;) {
    // Drop what was scanned (keeping a possible partial marker at the end).
    const size_t drop = std::max(scanned_, pos_) - pos_;
    length += drop;
    pending_.EraseFront(pos_ + drop);
    pos_ = 0;
    scanned_ = 0;
    size_t next = FindNextStart();
    if (next != std::string::npos) {
      unit.length = length + next;
      // The prefix was taken from what was buffered, which may run past the
      // unit's end (into a start marker not yet recognised).
      if (unit.prefix.size() > unit.length) unit.prefix.resize(unit.length);
      pending_.EraseFront(next);
      scanned_ = 0;
      pos_offset_ = unit.offset + unit.length;
      chunk->oversized.push_back(std::move(unit));
      return;
    }
    if (ended_) {
      unit.length = length + pending_.size();
      if (unit.prefix.size() > unit.length) unit.prefix.resize(unit.length);
      pending_.clear();
      scanned_ = 0;
      chunk->oversized.push_back(std::move(unit));
      if (!error_.ok()) {
        chunk->stream_error = error_;
        chunk->error_offset = unit.offset + unit.length;
      }
      chunk->last = true;
      done_ = true;
      return;
    }
    ReadMore();
  }
}

void UnitChunker::EndFile(Chunk* chunk) {
  const size_t len = pending_.size() - pos_;
  if (!error_.ok()) {
    chunk->stream_error = error_;
    chunk->error_offset = pos_offset_ + len;
    if (len > 0) {
      chunk->has_partial_line = true;
      chunk->partial_line_offset = pos_offset_;
      chunk->partial_line_prefix = Prefix(pending_.data() + pos_, len);
    }
  } else if (len > 0) {
    chunk->data.append(pending_.data() + pos_, len);
    chunk->unit_ends.push_back(chunk->data.size());
  }
  pos_offset_ += len;
  pending_.clear();
  pos_ = 0;
  scanned_ = 0;
  chunk->last = true;
  done_ = true;
}

}  // namespace stc
