#include "core/hash.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace stc {
namespace {

// Bytes (i * 131 + 7) mod 256, i = 0..n-1.
std::string Input(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + 7) % 256);
  return s;
}

// Hash64 is stored on disk (content fingerprints): its values must never
// change. The expected values come from an independent Python transcription
// of the algorithm (arbitrary-precision integers masked to 64 bits,
// little-endian words), not from this code.
TEST(Hash, Hash64KnownValues) {
  EXPECT_EQ(Hash64(Input(0)), 11286133854226296554u);
  EXPECT_EQ(Hash64(Input(63)), 11467475297664976631u);
  EXPECT_EQ(Hash64(Input(0), 12345), 1716623506685013753u);
  EXPECT_EQ(Hash64(Input(63), 12345), 11250066266195051974u);
}

// Every single-bit change of a 100-byte input (words and tail), every
// shorter length and every seed tried gives another hash.
TEST(Hash, Hash64SeesEveryBitLengthAndSeed) {
  std::string s = Input(100);
  std::set<uint64_t> seen = {Hash64(s)};
  for (size_t i = 0; i < s.size(); ++i) {
    for (int b = 0; b < 8; ++b) {
      s[i] = static_cast<char>(s[i] ^ (1 << b));
      EXPECT_TRUE(seen.insert(Hash64(s)).second) << i << " " << b;
      s[i] = static_cast<char>(s[i] ^ (1 << b));
    }
  }
  for (size_t n = 0; n < s.size(); ++n) {
    EXPECT_TRUE(seen.insert(Hash64(std::string_view(s).substr(0, n))).second) << n;
  }
  for (uint64_t seed = 1; seed < 100; ++seed) {
    EXPECT_TRUE(seen.insert(Hash64(s, seed)).second) << seed;
  }
}

}  // namespace
}  // namespace stc
