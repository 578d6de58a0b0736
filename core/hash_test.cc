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

// Both hashes are stored on disk (fingerprints, unit hashes): their values
// must never change. The expected values come from an independent Python
// transcription of the two algorithms (arbitrary-precision integers masked to
// 64 bits, little-endian words), not from this code.
TEST(Hash, Hash64WideKnownValues) {
  const std::pair<size_t, uint64_t> kDefaultSeed[] = {
      {0, 11286133854226296554u},   {63, 11467475297664976631u},  {64, 680813672347053364u},
      {95, 1475203542528465799u},   {96, 7383065680588532728u},   {200, 14505306179251780615u},
      {1000, 1348403243656099556u}, {4099, 10736509217885299525u}};
  for (const auto& [n, want] : kDefaultSeed) EXPECT_EQ(Hash64Wide(Input(n)), want) << n;
  const std::pair<size_t, uint64_t> kSeed12345[] = {
      {0, 1716623506685013753u},    {63, 11250066266195051974u}, {64, 10793273102817052570u},
      {95, 17831599298764593622u},  {96, 10007096492402652430u}, {200, 16395014399295087965u},
      {1000, 8478178429365732655u}, {4099, 878816676350416016u}};
  for (const auto& [n, want] : kSeed12345) EXPECT_EQ(Hash64Wide(Input(n), 12345), want) << n;
}

TEST(Hash, Hash64WideIsHash64BelowSixtyFourBytes) {
  for (size_t n = 0; n < 64; ++n) {
    EXPECT_EQ(Hash64Wide(Input(n)), Hash64(Input(n))) << n;
    EXPECT_EQ(Hash64Wide(Input(n), 7), Hash64(Input(n), 7)) << n;
  }
}

// Every single-bit change of a 300-byte unit (stripes and tail), every
// length from 64 to 300 and every seed tried gives another hash.
TEST(Hash, Hash64WideSeesEveryBitLengthAndSeed) {
  std::string s = Input(300);
  std::set<uint64_t> seen = {Hash64Wide(s)};
  for (size_t i = 0; i < s.size(); ++i) {
    for (int b = 0; b < 8; ++b) {
      s[i] = static_cast<char>(s[i] ^ (1 << b));
      EXPECT_TRUE(seen.insert(Hash64Wide(s)).second) << i << " " << b;
      s[i] = static_cast<char>(s[i] ^ (1 << b));
    }
  }
  for (size_t n = 64; n < s.size(); ++n) {
    EXPECT_TRUE(seen.insert(Hash64Wide(std::string_view(s).substr(0, n))).second) << n;
  }
  for (uint64_t seed = 1; seed < 100; ++seed) {
    EXPECT_TRUE(seen.insert(Hash64Wide(s, seed)).second) << seed;
  }
}

}  // namespace
}  // namespace stc
