#include "core/hash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

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

}  // namespace
}  // namespace stc
