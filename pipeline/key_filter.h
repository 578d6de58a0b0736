// A growable Bloom filter over byte strings: "certainly absent" or "maybe
// present". The writer uses it during a fresh load to skip store lookups for
// keys it has not written itself. Not thread-safe.
#ifndef STCLUSTER_PIPELINE_KEY_FILTER_H_
#define STCLUSTER_PIPELINE_KEY_FILTER_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace stc {

class KeyFilter {
 public:
  // About 1% false positives at `keys_per_block` keys per block (10 bits/key).
  explicit KeyFilter(size_t keys_per_block = 1 << 20) : keys_per_block_(keys_per_block) {}
  void Add(std::string_view key);
  bool MayContain(std::string_view key) const;
  size_t size() const { return count_; }

 private:
  struct Block {
    std::vector<uint64_t> bits;
    size_t keys = 0;
  };
  size_t keys_per_block_;
  size_t count_ = 0;
  std::vector<Block> blocks_;
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_KEY_FILTER_H_
