// A bounded cache of values by string key, for the geocoder's per-thread
// caches (geocoder.h).
//
// Open addressing over 8-byte slots, (hash's high 32 bits) << 32 | (entry
// index + 1), 0 = empty: a probe for a key seen for the first time (most
// street addresses) reads a table of 8-byte slots instead of whole entries.
// The table starts at kFirstSlots and doubles when half full, so that a few
// thousand keys stay in the CPU's caches. The entries, in insertion order,
// hold the values and where the keys are in an arena. When `capacity`
// entries are held, the next Insert empties the cache first.
//
// `hash` arguments must be Hasher{}(key) (by default Hash64, core/hash.h):
// the caller hashes a key once for its Find and Insert.
//
// Not thread-safe: one per thread. Pointers returned by Find stay valid until
// the next Insert.
#ifndef STCLUSTER_GEO_STRING_CACHE_H_
#define STCLUSTER_GEO_STRING_CACHE_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"

namespace stc::geo {

struct Hash64Of {
  uint64_t operator()(std::string_view key) const { return Hash64(key); }
};

template <typename Value, typename Hasher = Hash64Of>
class StringCache {
 public:
  static constexpr size_t kFirstSlots = 1024;

  explicit StringCache(size_t capacity) : capacity_(std::clamp<size_t>(capacity, 1, 0xFFFFFFFFu)) {}

  // The value cached for `key` (whose hash is `hash`), or null.
  const Value* Find(std::string_view key, uint64_t hash) const {
    if (slots_.empty()) return nullptr;
    const uint64_t tag = hash & kTagMask;
    const size_t mask = slots_.size() - 1;
    for (size_t b = hash & mask;; b = (b + 1) & mask) {
      const uint64_t v = slots_[b];
      if (v == 0) return nullptr;
      if ((v & kTagMask) != tag) continue;
      const Entry& e = entries_[(v & 0xFFFFFFFFu) - 1];
      if (e.key_length == key.size() &&
          std::memcmp(arena_.data() + e.key_offset, key.data(), key.size()) == 0) {
        return &e.value;
      }
    }
  }

  // Caches `value` for `key` (hash `hash`), which Find did not find.
  void Insert(std::string_view key, uint64_t hash, const Value& value) {
    if (entries_.size() >= capacity_ || arena_.size() + key.size() > 0xFFFFFFFFu) {
      // Full: emptied, back to the first size (the next keys may be few).
      slots_.assign(kFirstSlots, 0);
      entries_.clear();
      arena_.clear();
    } else if (slots_.empty()) {
      slots_.assign(kFirstSlots, 0);
      // Room for every entry up to the capacity (mapped as it is used):
      // growing the vector would move them all each time.
      entries_.reserve(std::min<size_t>(capacity_, size_t{1} << 20));
    } else if (2 * (entries_.size() + 1) > slots_.size()) {
      // At most half full: twice as many slots, the entries placed again
      // (their keys hashed again: rare, and the entries stay small).
      slots_.assign(2 * slots_.size(), 0);
      for (size_t i = 0; i < entries_.size(); ++i) {
        const Entry& e = entries_[i];
        Place(Hasher{}(std::string_view(arena_).substr(e.key_offset, e.key_length)), i);
      }
    }
    entries_.push_back(
        {static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(key.size()), value});
    arena_.append(key);
    Place(hash, entries_.size() - 1);
  }

  size_t size() const { return entries_.size(); }

 private:
  static constexpr uint64_t kTagMask = 0xFFFFFFFF00000000ull;
  struct Entry {
    uint32_t key_offset = 0;
    uint32_t key_length = 0;
    Value value;
  };
  // Points the first empty slot from `hash` at entry `index`.
  void Place(uint64_t hash, size_t index) {
    const size_t mask = slots_.size() - 1;
    size_t b = hash & mask;
    while (slots_[b] != 0) b = (b + 1) & mask;
    slots_[b] = (hash & kTagMask) | (index + 1);
  }

  size_t capacity_;
  std::vector<uint64_t> slots_;
  std::vector<Entry> entries_;
  std::string arena_;
};

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_STRING_CACHE_H_
