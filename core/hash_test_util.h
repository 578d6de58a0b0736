// Shared by the tests of stored hashes (core/hash_test.cc,
// pipeline/unit_hash_test.cc): a fixed input and a sensitivity check.
#ifndef STCLUSTER_CORE_HASH_TEST_UTIL_H_
#define STCLUSTER_CORE_HASH_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace stc {

// Bytes (i * 131 + 7) mod 256, i = 0..n-1.
inline std::string HashTestInput(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + 7) % 256);
  return s;
}

// Expects hash(data, seed) to differ for every single-bit change of an
// n-byte input, every shorter length and the seeds 1..99, all under seed 0
// but the seeds' own; returns every hash seen.
template <typename Hash>
std::set<uint64_t> ExpectEveryBitLengthAndSeedChange(Hash hash, size_t n) {
  std::string s = HashTestInput(n);
  std::set<uint64_t> seen = {hash(s, 0)};
  for (size_t i = 0; i < s.size(); ++i) {
    for (int b = 0; b < 8; ++b) {
      s[i] = static_cast<char>(s[i] ^ (1 << b));
      EXPECT_TRUE(seen.insert(hash(s, 0)).second) << i << " " << b;
      s[i] = static_cast<char>(s[i] ^ (1 << b));
    }
  }
  for (size_t len = 0; len < s.size(); ++len) {
    EXPECT_TRUE(seen.insert(hash(std::string_view(s).substr(0, len), 0)).second) << len;
  }
  for (uint64_t seed = 1; seed < 100; ++seed) {
    EXPECT_TRUE(seen.insert(hash(s, seed)).second) << seed;
  }
  return seen;
}

}  // namespace stc

#endif  // STCLUSTER_CORE_HASH_TEST_UTIL_H_
