#include "pipeline/key_filter.h"

#include "core/hash.h"

namespace stc {
namespace {

constexpr int kProbes = 7;
constexpr int kWordsPerLine = 8;  // 64 bytes.

// The line of `hash` among `lines` (multiply-shift: no division).
uint64_t LineOf(uint64_t hash, uint64_t lines) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(hash) * lines) >> 64);
}

// Bits inside the line come from a remix of the hash (independent of the
// high bits that picked the line), 9 bits per probe.
uint64_t BitsSeed(uint64_t hash) { return (hash ^ (hash >> 29)) * 0xbf58476d1ce4e5b9ULL; }

}  // namespace

void KeyFilter::Add(std::string_view key) { AddHash(Hash64(key)); }

bool KeyFilter::MayContain(std::string_view key) const { return MayContainHash(Hash64(key)); }

void KeyFilter::AddHash(uint64_t hash) {
  if (segments_.empty() || segments_.back().keys >= keys_per_segment_) {
    Segment s;
    s.lines = (keys_per_segment_ * 10 + 511) / 512;
    s.words.assign(s.lines * kWordsPerLine, 0);
    segments_.push_back(std::move(s));
  }
  Segment& s = segments_.back();
  uint64_t* line = s.words.data() + LineOf(hash, s.lines) * kWordsPerLine;
  uint64_t bits = BitsSeed(hash);
  for (int i = 0; i < kProbes; ++i) {
    const unsigned bit = static_cast<unsigned>(bits >> (9 * i)) & 511;
    line[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  ++s.keys;
  ++count_;
}

bool KeyFilter::MayContainHash(uint64_t hash) const {
  const uint64_t bits = BitsSeed(hash);
  for (const Segment& s : segments_) {
    const uint64_t* line = s.words.data() + LineOf(hash, s.lines) * kWordsPerLine;
    bool all = true;
    for (int i = 0; i < kProbes && all; ++i) {
      const unsigned bit = static_cast<unsigned>(bits >> (9 * i)) & 511;
      all = (line[bit >> 6] >> (bit & 63)) & 1;
    }
    if (all) return true;
  }
  return false;
}

}  // namespace stc
