// A growable Bloom filter over byte strings: "certainly absent" or "maybe
// present". The writer uses it during a fresh load to skip store lookups for
// keys it has not written itself. Not thread-safe.
//
// Blocked layout: a key sets 7 bits inside one 64-byte line chosen by its
// hash, so a look-up costs one cache miss per segment and no division.
#ifndef STCLUSTER_PIPELINE_KEY_FILTER_H_
#define STCLUSTER_PIPELINE_KEY_FILTER_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace stc {

class KeyFilter {
 public:
  // About 1-2% false positives at `keys_per_segment` keys per segment (10
  // bits per key); a new segment starts when one is full.
  explicit KeyFilter(size_t keys_per_segment = 1 << 20) : keys_per_segment_(keys_per_segment) {}
  void Add(std::string_view key);
  bool MayContain(std::string_view key) const;
  // The same with the key's Hash64 (core/hash.h) computed by the caller.
  void AddHash(uint64_t hash);
  bool MayContainHash(uint64_t hash) const;
  size_t size() const { return count_; }

 private:
  struct Segment {
    std::vector<uint64_t> words;  // lines * 8.
    uint64_t lines = 0;
    size_t keys = 0;
  };
  size_t keys_per_segment_;
  size_t count_ = 0;
  std::vector<Segment> segments_;
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_KEY_FILTER_H_
