// Sorting by a compact key: items whose sort key is a tuple of unsigned
// fields (compared in order, like the store's key bytes) often vary in only a
// few bits of each field within one batch: a year, a grid row, the digits of
// an application number. CompactKey keeps only those bits (each field less
// its minimum in the batch, in as many bits as its range needs, concatenated
// in field order), which orders the items exactly as the tuple does; when
// they fit 64 bits, RadixSortKeyed sorts (key, payload) pairs by them with a
// least-significant-digit radix sort: no comparisons to mispredict, a few
// sequential passes. Used for the writer's cell deltas and record keys
// (docs/performance.md, "Sorting keys before writes").
//
// Usage: Observe every item's fields, then Plan; if it returns true, Make
// each item's key (and Unmake one back to its fields when the payload does
// not carry the item). Not thread-safe; a plan holds only for the batch it
// observed.
#ifndef STCLUSTER_CORE_COMPACT_KEY_H_
#define STCLUSTER_CORE_COMPACT_KEY_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>

namespace stc {

template <int K>
class CompactKey {
 public:
  // Widens the ranges to include `f` (K fields, most significant first).
  void Observe(const uint64_t f[K]) {
    if (empty_) {
      std::copy(f, f + K, lo_);
      std::copy(f, f + K, hi_);
      empty_ = false;
      return;
    }
    for (int j = 0; j < K; ++j) {
      lo_[j] = std::min(lo_[j], f[j]);
      hi_[j] = std::max(hi_[j], f[j]);
    }
  }

  // Lays the fields out; false when the observed ranges need more than 64
  // bits (Make must not be called then).
  bool Plan() {
    bits_ = 0;
    for (int j = K - 1; j >= 0; --j) {
      const uint64_t range = empty_ ? 0 : hi_[j] - lo_[j];
      width_[j] = range == 0 ? 0 : 64 - __builtin_clzll(range);
      shift_[j] = bits_;
      bits_ += width_[j];
    }
    return bits_ <= 64;
  }
  // The key's width after Plan (0: every observed item had the same fields).
  int bits() const { return bits_; }

  // The key of fields observed before Plan: keys compare as the fields do.
  uint64_t Make(const uint64_t f[K]) const {
    uint64_t key = 0;
    for (int j = 0; j < K; ++j) {
      if (width_[j] > 0) key |= (f[j] - lo_[j]) << shift_[j];
    }
    return key;
  }
  // The fields of a key that Make returned.
  void Unmake(uint64_t key, uint64_t f[K]) const {
    for (int j = 0; j < K; ++j) {
      f[j] = lo_[j];
      if (width_[j] > 0) f[j] += (key >> shift_[j]) & ((uint64_t{2} << (width_[j] - 1)) - 1);
    }
  }

 private:
  bool empty_ = true;
  uint64_t lo_[K] = {}, hi_[K] = {};
  int width_[K] = {}, shift_[K] = {}, bits_ = 0;
};

// A key and what the caller needs back after the sort.
struct KeyedItem {
  uint64_t key;
  uint64_t payload;
};

// Sorts the n KeyedItems stored at `a` by their low `bits` key bits (stable:
// equal keys keep their order), using `b` (room for n KeyedItems) as the
// other buffer of each pass. Returns whichever of a and b holds the result.
// The buffers are raw bytes, so callers may lend storage of another type;
// items are read and written by memcpy.
unsigned char* RadixSortKeyed(unsigned char* a, unsigned char* b, size_t n, int bits);

// Sorts n strings of up to 24 bytes (str(i) is the i-th) in bytewise order,
// each as a compact key of its 24 bytes zero-padded and its length (record
// keys such as application numbers vary in a few bits of a few bytes): the
// (key, i) pairs in order, in `room` (2 x 16 bytes per string), or null,
// nothing sorted, when a string is longer or the varying bits exceed 64.
const unsigned char* RadixSortShortStrings(size_t n,
                                           const std::function<std::string_view(size_t)>& str,
                                           unsigned char* room);

inline KeyedItem LoadKeyed(const unsigned char* base, size_t i) {
  KeyedItem item;
  std::memcpy(&item, base + i * sizeof(KeyedItem), sizeof item);
  return item;
}
inline void StoreKeyed(unsigned char* base, size_t i, const KeyedItem& item) {
  std::memcpy(base + i * sizeof(KeyedItem), &item, sizeof item);
}

}  // namespace stc

#endif  // STCLUSTER_CORE_COMPACT_KEY_H_
