#include "core/compact_key.h"

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

}  // namespace stc
