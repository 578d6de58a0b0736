#include "pipeline/unit_hash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "core/hash_test_util.h"

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

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

// UnitHash derives XXH3's secret once per seed: its values are XXH3's seeded
// ones (a reference computed directly) for every length class, and stay so
// as the seed changes from call to call (the secret derived again) and back.
TEST(UnitHash, EqualsSeededXxh3AcrossSeedChanges) {
  const uint64_t kSeeds[] = {0, 1, 0x9e3779b97f4a7c15u, 1, 0, 42, 42, UINT64_MAX};
  const size_t kLengths[] = {0, 1, 16, 17, 128, 129, 240, 241, 394, 1000, 4099, 70000};
  for (const uint64_t seed : kSeeds) {
    for (const size_t n : kLengths) {
      const std::string unit = HashTestInput(n);
      uint64_t want = XXH3_64bits_withSeed(unit.data(), unit.size(), seed);
      if (want == 0) want = 1;
      EXPECT_EQ(UnitHash(unit, seed), want) << "seed " << seed << ", " << n << " bytes";
    }
  }
}

// A 400-byte unit (a record's line); none of the hashes is 0.
TEST(UnitHash, SeesEveryBitLengthAndSeed) {
  const std::set<uint64_t> seen = ExpectEveryBitLengthAndSeedChange(
      [](std::string_view unit, uint64_t seed) { return UnitHash(unit, seed); }, 400);
  EXPECT_EQ(seen.count(0), 0u);
}

}  // namespace
}  // namespace stc
