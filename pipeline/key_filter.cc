#include "pipeline/key_filter.h"

#include "core/hash.h"

namespace stc {
namespace {

constexpr int kProbes = 7;

}  // namespace

void KeyFilter::Add(std::string_view key) {
  if (blocks_.empty() || blocks_.back().keys >= keys_per_block_) {
    Block b;
    b.bits.assign((keys_per_block_ * 10 + 63) / 64, 0);
    blocks_.push_back(std::move(b));
  }
  Block& b = blocks_.back();
  uint64_t h = Hash64(key);
  uint64_t delta = (h >> 33) | (h << 31);
  uint64_t nbits = b.bits.size() * 64;
  for (int i = 0; i < kProbes; ++i) {
    uint64_t bit = h % nbits;
    b.bits[bit >> 6] |= 1ULL << (bit & 63);
    h += delta;
  }
  ++b.keys;
  ++count_;
}

bool KeyFilter::MayContain(std::string_view key) const {
  if (blocks_.empty()) return false;
  uint64_t h0 = Hash64(key);
  uint64_t delta = (h0 >> 33) | (h0 << 31);
  for (const Block& b : blocks_) {
    uint64_t h = h0;
    uint64_t nbits = b.bits.size() * 64;
    bool all = true;
    for (int i = 0; i < kProbes && all; ++i) {
      uint64_t bit = h % nbits;
      all = (b.bits[bit >> 6] >> (bit & 63)) & 1;
      h += delta;
    }
    if (all) return true;
  }
  return false;
}

}  // namespace stc
