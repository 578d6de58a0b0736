#include "pipeline/key_filter.h"

#include <gtest/gtest.h>

#include <string>

#include "core/hash.h"

namespace stc {
namespace {

// Every added key is "maybe present" (no false negatives, across several
// segments), and keys never added are rarely: at 10 bits per key the false
// positive rate of a blocked filter with 7 probes is about 1-2%.
TEST(KeyFilter, NoFalseNegativesAndFewFalsePositives) {
  KeyFilter filter(/*keys_per_segment=*/50000);
  EXPECT_FALSE(filter.MayContain("anything"));
  const int kKeys = 120000;  // Three segments, the last one partly full.
  for (int i = 0; i < kKeys; ++i) filter.Add("PCT/JP2014/" + std::to_string(i));
  EXPECT_EQ(filter.size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(filter.MayContain("PCT/JP2014/" + std::to_string(i))) << i;
  }
  int false_positives = 0;
  const int kProbes = 100000;
  for (int i = 0; i < kProbes; ++i) {
    false_positives += filter.MayContain("PCT/US2019/" + std::to_string(i));
  }
  // Three segments are consulted: up to ~3x one segment's rate.
  EXPECT_LT(false_positives, kProbes * 6 / 100) << false_positives;
}

TEST(KeyFilter, HashAndStringEntryPointsAgree) {
  KeyFilter a, b;
  a.Add("key-1");
  b.AddHash(Hash64("key-1"));
  EXPECT_TRUE(b.MayContain("key-1"));
  EXPECT_TRUE(a.MayContainHash(Hash64("key-1")));
}

}  // namespace
}  // namespace stc
