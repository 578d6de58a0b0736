#include "pipeline/unit_hash.h"

#include <gtest/gtest.h>

#include <cstdint>
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

// Unit hashes are stored on disk: a change of their values must come with a
// new kReadRulesVersion. Seed 0 is XXH3's unseeded hash; the expected values
// are the xxhsum tool's (`xxhsum -H3`, xxHash 0.8.1) of files of these bytes,
// one for each of XXH3's length classes.
TEST(UnitHash, KnownValuesAreXxh3) {
  const std::pair<size_t, uint64_t> kWant[] = {
      {1, 0x4c5cca45d0f4811fu},    {16, 0x86abf6baccea0858u},  {17, 0xb58bf5dc5022d071u},
      {128, 0x10d17f72c0ccba41u},  {129, 0x1648bdc3db49d1a2u}, {240, 0xb6cfaf343fab81e6u},
      {241, 0x956cae592c67279eu},  {394, 0xb91f533b336d2d13u}, {1000, 0x571d5cbfef44331bu},
      {4099, 0xd84ddd40d2dfa2c7u}, {0, 0x2d06800538d394c2u}};
  for (const auto& [n, want] : kWant) EXPECT_EQ(UnitHash(Input(n), 0), want) << n;
}

// Every single-bit change of a 400-byte unit (a record's line), every length
// up to it and every seed tried gives another hash, and none is 0.
TEST(UnitHash, SeesEveryBitLengthAndSeed) {
  std::string s = Input(400);
  std::set<uint64_t> seen = {UnitHash(s, 7)};
  for (size_t i = 0; i < s.size(); ++i) {
    for (int b = 0; b < 8; ++b) {
      s[i] = static_cast<char>(s[i] ^ (1 << b));
      EXPECT_TRUE(seen.insert(UnitHash(s, 7)).second) << i << " " << b;
      s[i] = static_cast<char>(s[i] ^ (1 << b));
    }
  }
  for (size_t n = 0; n < s.size(); ++n) {
    EXPECT_TRUE(seen.insert(UnitHash(std::string_view(s).substr(0, n), 7)).second) << n;
  }
  for (uint64_t seed = 8; seed < 100; ++seed) {
    EXPECT_TRUE(seen.insert(UnitHash(s, seed)).second) << seed;
  }
  EXPECT_EQ(seen.count(0), 0u);
}

}  // namespace
}  // namespace stc
