#include "core/compact_key.h"

#include <algorithm>
#include <vector>

namespace stc {

unsigned char* RadixSortKeyed(unsigned char* a, unsigned char* b, size_t n, int bits) {
  if (bits <= 0 || n < 2) return a;
  // Digits of at most 11 bits (2,048 counters per pass stay in the L1 cache),
  // as equal as the key allows; every pass's counts from one read.
  constexpr int kMaxDigitBits = 11;
  const int passes = (bits + kMaxDigitBits - 1) / kMaxDigitBits;
  const int digit = (bits + passes - 1) / passes;
  const uint64_t mask = (uint64_t{1} << digit) - 1;
  const size_t buckets = size_t{1} << digit;
  std::vector<size_t> counts(static_cast<size_t>(passes) * buckets, 0);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t key = LoadKeyed(a, i).key;
    for (int d = 0; d < passes; ++d) ++counts[d * buckets + ((key >> (d * digit)) & mask)];
  }
  unsigned char* from = a;
  unsigned char* to = b;
  for (int d = 0; d < passes; ++d) {
    size_t* at = counts.data() + d * buckets;
    size_t sum = 0;
    for (size_t k = 0; k < buckets; ++k) {
      const size_t c = at[k];
      at[k] = sum;
      sum += c;
    }
    const int by = d * digit;
    for (size_t i = 0; i < n; ++i) {
      const KeyedItem item = LoadKeyed(from, i);
      StoreKeyed(to, at[(item.key >> by) & mask]++, item);
    }
    std::swap(from, to);
  }
  return from;
}

const unsigned char* RadixSortShortStrings(size_t n,
                                           const std::function<std::string_view(size_t)>& str,
                                           unsigned char* room) {
  // CompactKey's layout for 25 fields (the bytes, zero-padded, then the
  // length), with the bytes' ranges taken as bytes (a loop the compiler
  // vectorises) and only the varying fields visited when making keys.
  constexpr int kBytes = 24;
  unsigned char lo[kBytes], hi[kBytes];
  std::memset(lo, 0xff, sizeof lo);
  std::memset(hi, 0, sizeof hi);
  size_t len_lo = kBytes, len_hi = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view s = str(i);
    if (s.size() > kBytes) return nullptr;
    unsigned char b[kBytes] = {0};
    std::memcpy(b, s.data(), s.size());
    for (int j = 0; j < kBytes; ++j) {
      lo[j] = std::min(lo[j], b[j]);
      hi[j] = std::max(hi[j], b[j]);
    }
    len_lo = std::min(len_lo, s.size());
    len_hi = std::max(len_hi, s.size());
  }
  auto width = [](uint64_t range) { return range == 0 ? 0 : 64 - __builtin_clzll(range); };
  int at[kBytes + 1], shift[kBytes + 1], active = 0, bits = width(len_hi - len_lo);
  for (int j = kBytes - 1; j >= 0; --j) {
    const int w = width(hi[j] - lo[j]);
    if (w == 0) continue;
    at[active] = j;
    shift[active++] = bits;
    bits += w;
  }
  if (bits > 64) return nullptr;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view s = str(i);
    unsigned char b[kBytes] = {0};
    std::memcpy(b, s.data(), s.size());
    uint64_t key = s.size() - len_lo;
    for (int k = 0; k < active; ++k) {
      key |= static_cast<uint64_t>(b[at[k]] - lo[at[k]]) << shift[k];
    }
    StoreKeyed(room, i, KeyedItem{key, i});
  }
  return RadixSortKeyed(room, room + n * sizeof(KeyedItem), n, bits);
}

}  // namespace stc
