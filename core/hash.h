// Two 64-bit hashes (not cryptographic):
//   - Hash64: stable, our own; its values are stored on disk (the gazetteer
//     index, the file registry, cluster-map fingerprints) or decide across
//     runs (the records' content fingerprints break ties between copies of
//     one version): never change the algorithm without a format version bump.
//   - MemoryHash64: xxHash's XXH3, 3-5x faster on keys and names of 10-200
//     bytes, for what lives only in memory during one run (hash tables, Bloom
//     filters). Never store it.
#ifndef STCLUSTER_CORE_HASH_H_
#define STCLUSTER_CORE_HASH_H_

#include <cstdint>
#include <cstring>
#include <string_view>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL  // Header-only: nothing to link.
#endif
#include <xxhash.h>

namespace stc {

// 64-bit hash of `data`; deterministic across platforms (little-endian reads).
inline uint64_t Hash64(std::string_view data, uint64_t seed = 0x9E3779B97F4A7C15ULL) {
  constexpr uint64_t kMul = 0xff51afd7ed558ccdULL;
  uint64_t h = seed ^ (data.size() * kMul);
  const char* p = data.data();
  size_t n = data.size();
  while (n >= 8) {
    uint64_t k;
    std::memcpy(&k, p, 8);
    k *= 0x87c37b91114253d5ULL;
    k = (k << 31) | (k >> 33);
    k *= 0x4cf5ad432745937fULL;
    h ^= k;
    h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < n; ++i)
    tail |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  h ^= tail * 0x9E3779B97F4A7C15ULL;
  h ^= h >> 33;
  h *= kMul;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// XXH3 (64 bits, unseeded) of `data`. Values stay the same within a build;
// not for anything written to disk (see above).
inline uint64_t MemoryHash64(std::string_view data) {
  return XXH3_64bits(data.data(), data.size());
}

}  // namespace stc

#endif  // STCLUSTER_CORE_HASH_H_
