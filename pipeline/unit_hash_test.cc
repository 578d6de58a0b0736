#include "pipeline/unit_hash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string_view>
#include <utility>

#include "core/hash_test_util.h"

namespace stc {
namespace {

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
  for (const auto& [n, want] : kWant) EXPECT_EQ(UnitHash(HashTestInput(n), 0), want) << n;
}

// A 400-byte unit (a record's line); none of the hashes is 0.
TEST(UnitHash, SeesEveryBitLengthAndSeed) {
  const std::set<uint64_t> seen = ExpectEveryBitLengthAndSeedChange(
      [](std::string_view unit, uint64_t seed) { return UnitHash(unit, seed); }, 400);
  EXPECT_EQ(seen.count(0), 0u);
}

}  // namespace
}  // namespace stc
