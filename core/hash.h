// A fast, stable 64-bit hash for content fingerprints (not cryptographic).
// The value is stored on disk: never change the algorithm without a format
// version bump.
#ifndef STCLUSTER_CORE_HASH_H_
#define STCLUSTER_CORE_HASH_H_

#include <cstdint>
#include <cstring>
#include <string_view>

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

// 64-bit hash of a long `data` (input units: lines of hundreds of bytes to
// megabytes), about four times Hash64's speed: four independent lanes over
// 32-byte stripes, each finished and folded in turn, then the tail through
// Hash64. Inputs under 64 bytes give Hash64. Deterministic across platforms;
// stored on disk (unit hashes): never change it.
inline uint64_t Hash64Wide(std::string_view data, uint64_t seed = 0x9E3779B97F4A7C15ULL) {
  if (data.size() < 64) return Hash64(data, seed);
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  auto fmix = [](uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  };
  uint64_t lane[4] = {seed, seed ^ 0xC2B2AE3D27D4EB4FULL, seed ^ 0x165667B19E3779F9ULL,
                      seed ^ 0x27D4EB2F165667C5ULL};
  const char* p = data.data();
  size_t n = data.size();
  while (n >= 32) {
    for (int j = 0; j < 4; ++j) {
      uint64_t k;
      std::memcpy(&k, p + 8 * j, 8);
      k *= 0x87c37b91114253d5ULL;
      k = rotl(k, 31);
      k *= 0x4cf5ad432745937fULL;
      lane[j] ^= k;
      lane[j] = rotl(lane[j], 27) * 5 + 0x52dce729;
    }
    p += 32;
    n -= 32;
  }
  uint64_t h = seed ^ data.size();
  for (uint64_t l : lane) h = (h ^ fmix(l)) * 0x9E3779B97F4A7C15ULL;
  return Hash64(std::string_view(p, n), h);
}

}  // namespace stc

#endif  // STCLUSTER_CORE_HASH_H_
