#include "io/line_chunker.h"

#include <string.h>  // memrchr (GNU).

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace stc {
namespace {

constexpr size_t kPrefixBytes = 200;
// Reads go straight into the chunk's data. While the chunk is below its
// target we ask for what is missing (within these bounds); past the target
// (finishing the last line) we ask for kMinReadBytes, so the bytes read
// beyond the cut, which are copied to the next chunk, stay few.
constexpr size_t kMinReadBytes = 64 << 10;
constexpr size_t kMaxReadBytes = 1 << 20;
// Scratch size for skipping oversized lines.
constexpr size_t kSkipBufferBytes = 64 << 10;

std::string Prefix(const char* p, size_t n) { return std::string(p, std::min(n, kPrefixBytes)); }

}  // namespace

LineChunker::LineChunker(std::unique_ptr<ByteSource> source, const LineChunkerOptions& options)
    : source_(std::move(source)), options_(options) {
  if (options_.target_chunk_bytes == 0) options_.target_chunk_bytes = 1;
}

uint64_t LineChunker::compressed_bytes_read() const { return source_->compressed_bytes_read(); }

size_t LineChunker::ReadFill(char* dst, size_t cap) {
  size_t got = 0;
  while (got < cap && !ended_) {
    Result<size_t> n = source_->Read(dst + got, cap - got);
    if (!n.ok()) {
      error_ = n.status();
      ended_ = true;
    } else if (*n == 0) {
      ended_ = true;
    } else {
      const size_t k = std::min(*n, cap - got);  // A source returning more would be a bug.
      got += k;
      stream_offset_ += k;
    }
  }
  return got;
}

void LineChunker::KeepTail(Chunk* chunk, size_t from) {
  ByteBuffer& data = chunk->data;
  carry_.assign(data.data() + from, data.size() - from);
  carry_pos_ = 0;
  carry_offset_ = chunk->offset + from;
  data.Truncate(from);
}

bool LineChunker::Next(Chunk* chunk) {
  if (done_) return false;
  ByteBuffer& data = chunk->data;
  data.clear();
  chunk->unit_ends.clear();
  chunk->offset = carry_offset_;
  chunk->oversized.clear();
  chunk->stream_error = Status::Ok();
  chunk->error_offset = 0;
  chunk->has_partial_line = false;
  chunk->partial_line_offset = 0;
  chunk->partial_line_prefix.clear();
  chunk->last = false;

  const size_t target = options_.target_chunk_bytes;
  const size_t max_line = options_.max_line_bytes;
  // Room for a usual chunk at once (the target, then a read or two to
  // finish its last line): grown by the reads below, a chunk's string would
  // double three or four times on its first use, copying its bytes each
  // time and first-touching about twice the memory it keeps. Reserved
  // memory is not touched until written.
  data.reserve(target + 2 * kMinReadBytes);

  // 1. Whole lines already read (left over from the previous chunk's last read).
  while (carry_pos_ < carry_.size()) {
    const char* begin = carry_.data() + carry_pos_;
    const void* nl = std::memchr(begin, '\n', carry_.size() - carry_pos_);
    if (nl == nullptr) break;
    const size_t len = static_cast<size_t>(static_cast<const char*>(nl) - begin);
    if (len > max_line) {
      chunk->oversized.push_back({carry_offset_, len, Prefix(begin, len)});
      carry_pos_ += len + 1;
      carry_offset_ += len + 1;
      return true;
    }
    data.append(begin, len + 1);
    carry_pos_ += len + 1;
    carry_offset_ += len + 1;
    if (data.size() >= target) return true;
  }

  // 2. What is left of the carry is the start of a line; keep reading after
  // it, straight into `data`.
  size_t line_start = data.size();
  data.append(carry_.data() + carry_pos_, carry_.size() - carry_pos_);
  carry_.clear();
  carry_pos_ = 0;
  size_t scanned = data.size();  // The carried partial line holds no '\n'.
  for (;;) {
    if (ScanLines(chunk, &line_start, &scanned)) return true;
    if (data.size() - line_start > max_line) {
      SkipOversized(chunk, line_start);
      return true;
    }
    if (ended_) {
      Finish(chunk, line_start);
      return true;
    }
    size_t request = kMinReadBytes;
    if (data.size() < target) {
      request = std::clamp(target - data.size(), kMinReadBytes, kMaxReadBytes);
    }
    char* dst = data.GrowUninitialized(request);
    const size_t n = ReadFill(dst, request);
    data.Truncate(data.size() - request + n);
  }
}

bool LineChunker::ScanLines(Chunk* chunk, size_t* line_start, size_t* scanned) {
  ByteBuffer& data = chunk->data;
  const size_t target = options_.target_chunk_bytes;
  const size_t max_line = options_.max_line_bytes;
  const char* base = data.data();
  const size_t size = data.size();
  while (*scanned < size) {
    if (size - *line_start <= max_line) {
      // Fast path: no line in [line_start, size) can be oversized, so only
      // the cut matters: the first line end at or past the target.
      if (size >= target) {
        const size_t from = std::max(*scanned, target - 1);
        const void* nl = std::memchr(base + from, '\n', size - from);
        if (nl != nullptr) {
          KeepTail(chunk, static_cast<size_t>(static_cast<const char*>(nl) - base) + 1);
          return true;
        }
      }
      const void* last_nl = memrchr(base + *scanned, '\n', size - *scanned);
      if (last_nl != nullptr) {
        *line_start = static_cast<size_t>(static_cast<const char*>(last_nl) - base) + 1;
      }
      *scanned = size;
      return false;
    }
    // Slow path, one line at a time: some line here may be oversized.
    const void* nl = std::memchr(base + *scanned, '\n', size - *scanned);
    if (nl == nullptr) {
      *scanned = size;
      return false;
    }
    const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - base);
    const size_t len = end - *line_start;
    if (len > max_line) {
      // A complete oversized line: the chunk ends right before it.
      chunk->oversized.push_back(
          {chunk->offset + *line_start, len, Prefix(base + *line_start, len)});
      KeepTail(chunk, end + 1);
      data.Truncate(*line_start);
      return true;
    }
    *line_start = end + 1;
    *scanned = end + 1;
    if (*line_start >= target) {
      KeepTail(chunk, *line_start);
      return true;
    }
  }
  return false;
}

void LineChunker::SkipOversized(Chunk* chunk, size_t line_start) {
  ByteBuffer& data = chunk->data;
  OversizedLine line;
  line.offset = chunk->offset + line_start;
  line.length = data.size() - line_start;
  line.prefix = Prefix(data.data() + line_start, line.length);
  data.Truncate(line_start);  // The chunk ends right before the oversized line.
  if (buf_.size() < kSkipBufferBytes) buf_.resize(kSkipBufferBytes);
  for (;;) {
    if (ended_) {
      // The stream ended inside the line: at a clean end the line is the
      // file's last (unterminated) line and its length is exact.
      chunk->oversized.push_back(std::move(line));
      if (!error_.ok()) {
        chunk->stream_error = error_;
        chunk->error_offset = stream_offset_;
      }
      chunk->last = true;
      done_ = true;
      return;
    }
    const size_t n = ReadFill(buf_.data(), buf_.size());
    const void* nl = std::memchr(buf_.data(), '\n', n);
    if (nl == nullptr) {
      line.length += n;
      continue;
    }
    const size_t k = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
    line.length += k;
    carry_.assign(buf_.data() + k + 1, n - k - 1);
    carry_pos_ = 0;
    carry_offset_ = line.offset + line.length + 1;
    chunk->oversized.push_back(std::move(line));
    return;
  }
}

void LineChunker::Finish(Chunk* chunk, size_t line_start) {
  ByteBuffer& data = chunk->data;
  if (!error_.ok()) {
    chunk->stream_error = error_;
    chunk->error_offset = stream_offset_;
    if (data.size() > line_start) {
      chunk->has_partial_line = true;
      chunk->partial_line_offset = chunk->offset + line_start;
      chunk->partial_line_prefix = Prefix(data.data() + line_start, data.size() - line_start);
      data.Truncate(line_start);
    }
  }
  // At a clean end, an unterminated final line stays in `data`.
  chunk->last = true;
  done_ = true;
}

uint64_t CountNewlines(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t count = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: compare, subtract the 0xff of each match from byte
  // counters (at most 255 rounds), then add the counters up with a SAD.
  const __m128i newline = _mm_set1_epi8('\n');
  while (n >= 16) {
    __m128i acc = _mm_setzero_si128();
    for (int round = 0; round < 255 && n >= 16; ++round, p += 16, n -= 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(bytes, newline));
    }
    const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    count += static_cast<uint64_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  // Eight bytes at a time: what SSE2 leaves (under 16 bytes), or all.
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kNewlines = kOnes * '\n';
  constexpr uint64_t kLow7 = kOnes * 0x7f;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    x ^= kNewlines;  // A zero byte where the byte was '\n'.
    // High bit of each byte set iff the byte is not zero (no carry crosses
    // a byte: 0x7f + 0x7f < 0x100).
    const uint64_t nonzero = (((x & kLow7) + kLow7) | x) & ~kLow7;
    count += 8 - static_cast<uint64_t>(std::popcount(nonzero));
  }
  for (; n > 0; ++p, --n) count += *p == '\n';
  return count;
}

}  // namespace stc
