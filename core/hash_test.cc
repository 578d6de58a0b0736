#include "core/hash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/hash_test_util.h"

namespace stc {
namespace {

// Hash64 is stored on disk (content fingerprints): its values must never
// change. The expected values come from an independent Python transcription
// of the algorithm (arbitrary-precision integers masked to 64 bits,
// little-endian words), not from this code.
TEST(Hash, Hash64KnownValues) {
  EXPECT_EQ(Hash64(HashTestInput(0)), 11286133854226296554u);
  EXPECT_EQ(Hash64(HashTestInput(63)), 11467475297664976631u);
  EXPECT_EQ(Hash64(HashTestInput(0), 12345), 1716623506685013753u);
  EXPECT_EQ(Hash64(HashTestInput(63), 12345), 11250066266195051974u);
}

// A 100-byte input: its 8-byte words and a tail.
TEST(Hash, Hash64SeesEveryBitLengthAndSeed) {
  ExpectEveryBitLengthAndSeedChange(
      [](std::string_view data, uint64_t seed) { return Hash64(data, seed); }, 100);
}

// MemoryHash64 is XXH3 (64 bits, unseeded): the xxhsum tool's values
// (`xxhsum -H3`, xxHash 0.8.1) of files of these bytes, one per length class
// of XXH3 that keys, names and records fall in.
TEST(Hash, MemoryHash64IsXxh3) {
  const std::pair<size_t, uint64_t> kWant[] = {
      {0, 0x2d06800538d394c2u},   {1, 0x4c5cca45d0f4811fu},   {16, 0x86abf6baccea0858u},
      {17, 0xb58bf5dc5022d071u},  {128, 0x10d17f72c0ccba41u}, {129, 0x1648bdc3db49d1a2u},
      {240, 0xb6cfaf343fab81e6u}, {241, 0x956cae592c67279eu}};
  for (const auto& [n, want] : kWant) EXPECT_EQ(MemoryHash64(HashTestInput(n)), want) << n;
}

TEST(Hash, MemoryHash64SeesEveryBitAndLength) {
  ExpectEveryBitLengthAndSeedChange(
      [](std::string_view data, uint64_t seed) {
        return seed == 0 ? MemoryHash64(data) : MemoryHash64(std::string(data) + char(seed));
      },
      100);
}

}  // namespace
}  // namespace stc
