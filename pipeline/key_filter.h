// A growable Bloom filter over byte strings: "certainly absent" or "maybe
// present". The writer uses it during a fresh load to skip store lookups for
// keys it has not written itself.
//
// Copies share their segments, copy on write: a copy can be read on other
// threads while the original goes on adding (Add copies the one segment it
// writes if a copy still shares it; copies are only made on the thread that
// adds). Otherwise not thread-safe.
//
// Blocked layout: a key sets 7 bits inside one 64-byte line chosen by its
// hash, so a look-up costs one cache miss per segment and no division.
// Each segment holds half as many keys again as the one before (the first
// `keys_per_segment`): n keys take about log1.5(n / keys_per_segment)
// segments (6 for 20M keys from 1M), so look-ups stay cheap and the false
// positives, which add up over the segments, stay few as the load grows,
// while the unused room is at most a third of the filter. A look-up fetches
// its line of every segment before testing them.
#ifndef STCLUSTER_PIPELINE_KEY_FILTER_H_
#define STCLUSTER_PIPELINE_KEY_FILTER_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace stc {

class KeyFilter {
 public:
  // About 0.15% false positives per full segment (16 bits per key); a new
  // segment, 1.5 times the size of the last, starts when one is full.
  explicit KeyFilter(size_t keys_per_segment = 1 << 20) : keys_per_segment_(keys_per_segment) {}
  void Add(std::string_view key);
  bool MayContain(std::string_view key) const;
  // The same with the key's MemoryHash64 (core/hash.h) computed by the caller.
  void AddHash(uint64_t hash);
  bool MayContainHash(uint64_t hash) const;
  // Start fetching the lines that MayContainHash(hash) (one per segment) or
  // AddHash(hash) (the last segment's) will read, and return at once: a loop
  // over many keys calls them a few keys ahead so that their cache misses
  // overlap. Hints only (no effect on any result).
  void PrefetchLookUp(uint64_t hash) const;
  void PrefetchAdd(uint64_t hash) const;
  size_t size() const { return count_; }
  size_t segments() const { return segments_.size(); }

 private:
  struct Segment {
    std::vector<uint64_t> words;  // lines * 8.
    uint64_t lines = 0;
    size_t keys = 0;
    size_t capacity = 0;  // Keys at 16 bits each.
  };
  size_t keys_per_segment_;
  size_t count_ = 0;
  std::vector<std::shared_ptr<Segment>> segments_;  // Full ones never change.
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_KEY_FILTER_H_
