#include "pipeline/key_filter.h"

#include <algorithm>
#include <atomic>

#include "core/hash.h"

namespace stc {
namespace {

// 16 bits per key and 10 probes in a 512-bit line: about 0.15% false
// positives per full segment, against 1.7% at 10 bits and 7 probes. A false
// positive costs a store look-up, and in a large fresh load that look-up
// probes the Bloom filter of every level-0 file the load has written so far
// (up to about 50 at 20M records, docs/performance.md).
constexpr int kBitsPerKey = 16;
constexpr int kProbes = 10;
constexpr int kWordsPerLine = 8;  // 64 bytes.

// The line of `hash` among `lines` (multiply-shift: no division).
uint64_t LineOf(uint64_t hash, uint64_t lines) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(hash) * lines) >> 64);
}

// Bits inside the line come from two remixes of the hash (independent of
// the high bits that picked the line), 9 bits per probe: probes 0-6 from the
// first, 7-9 from the second.
struct ProbeBits {
  uint64_t a, b;
  explicit ProbeBits(uint64_t hash)
      : a((hash ^ (hash >> 29)) * 0xbf58476d1ce4e5b9ULL),
        b((hash ^ (hash >> 31)) * 0x94d049bb133111ebULL) {}
  unsigned Bit(int i) const {
    return static_cast<unsigned>(i < 7 ? a >> (9 * i) : b >> (9 * (i - 7))) & 511;
  }
};

}  // namespace

void KeyFilter::Add(std::string_view key) { AddHash(MemoryHash64(key)); }

bool KeyFilter::MayContain(std::string_view key) const { return MayContainHash(MemoryHash64(key)); }

void KeyFilter::AddHash(uint64_t hash) {
  if (segments_.empty() || segments_.back()->keys >= segments_.back()->capacity) {
    auto s = std::make_shared<Segment>();
    s->capacity = segments_.empty() ? keys_per_segment_
                                    : segments_.back()->capacity + segments_.back()->capacity / 2;
    s->lines = (s->capacity * kBitsPerKey + 511) / 512;
    s->words.assign(s->lines * kWordsPerLine, 0);
    segments_.push_back(std::move(s));
  } else if (segments_.back().use_count() > 1) {
    // A copy shares the segment (and may be reading it): write into our own.
    segments_.back() = std::make_shared<Segment>(*segments_.back());
  } else {
    // The copies that shared it are gone: their last reads happened before
    // their release of it, which this fence orders before our writes.
    std::atomic_thread_fence(std::memory_order_acquire);
  }
  Segment& s = *segments_.back();
  uint64_t* line = s.words.data() + LineOf(hash, s.lines) * kWordsPerLine;
  const ProbeBits bits(hash);
  for (int i = 0; i < kProbes; ++i) {
    const unsigned bit = bits.Bit(i);
    line[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  ++s.keys;
  ++count_;
}

void KeyFilter::PrefetchLookUp(uint64_t hash) const {
  for (const auto& s : segments_) {
    __builtin_prefetch(s->words.data() + LineOf(hash, s->lines) * kWordsPerLine);
  }
}

void KeyFilter::PrefetchAdd(uint64_t hash) const {
  if (segments_.empty()) return;
  const Segment& s = *segments_.back();
  __builtin_prefetch(s.words.data() + LineOf(hash, s.lines) * kWordsPerLine, /*rw=*/1);
}

bool KeyFilter::MayContainHash(uint64_t hash) const {
  const ProbeBits bits(hash);
  // The lines of all segments are fetched together (the segments are larger
  // than the caches); there are at most 64 of them.
  const uint64_t* lines[64];
  const size_t n = std::min<size_t>(segments_.size(), 64);
  for (size_t i = 0; i < n; ++i) {
    const Segment& s = *segments_[i];
    lines[i] = s.words.data() + LineOf(hash, s.lines) * kWordsPerLine;
    __builtin_prefetch(lines[i]);
  }
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = *segments_[i];
    const uint64_t* line =
        i < n ? lines[i] : s.words.data() + LineOf(hash, s.lines) * kWordsPerLine;
    bool all = true;
    for (int p = 0; p < kProbes && all; ++p) {
      const unsigned bit = bits.Bit(p);
      all = (line[bit >> 6] >> (bit & 63)) & 1;
    }
    if (all) return true;
  }
  return false;
}

}  // namespace stc
