#include "pipeline/key_filter.h"

#include <gtest/gtest.h>

#include <string>

#include "core/hash.h"

namespace stc {
namespace {

// Every added key is "maybe present" (no false negatives, across several
// segments), and keys never added are rarely: at 16 bits per key the false
// positive rate of a blocked filter with 10 probes is about 0.15% per full
// segment (1.7% at the 10 bits and 7 probes used before).
TEST(KeyFilter, NoFalseNegativesAndFewFalsePositives) {
  KeyFilter filter(/*keys_per_segment=*/50000);
  EXPECT_FALSE(filter.MayContain("anything"));
  const int kKeys = 120000;  // Two segments (50k and 75k keys), the last one partly full.
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
  // Two segments are consulted: up to ~2x one segment's rate.
  EXPECT_EQ(filter.segments(), 2u);
  EXPECT_LT(false_positives, kProbes * 5 / 1000) << false_positives;
}

// Segments grow by half: 200 first segments' worth of keys take 12
// segments, and the false positives (up to about one segment's rate per
// segment) stay under 2% (about 0.9% measured; 10 bits and 7 probes per key
// gave several times that); with equal segments there would be 200 of them,
// and nearly every absent key would be "maybe present".
TEST(KeyFilter, SegmentsGrowSoFalsePositivesStayFew) {
  KeyFilter filter(/*keys_per_segment=*/1000);
  const int kKeys = 200000;
  for (int i = 0; i < kKeys; ++i) filter.AddHash(MemoryHash64("PCT/JP2014/" + std::to_string(i)));
  EXPECT_EQ(filter.segments(), 12u);  // 1000 + 1500 + 2250 + ...: 171k after 11, 257k after 12.
  for (int i = 0; i < kKeys; i += 7) {
    ASSERT_TRUE(filter.MayContainHash(MemoryHash64("PCT/JP2014/" + std::to_string(i)))) << i;
  }
  int false_positives = 0;
  const int kProbes = 100000;
  for (int i = 0; i < kProbes; ++i) {
    false_positives += filter.MayContainHash(MemoryHash64("PCT/US2019/" + std::to_string(i)));
  }
  EXPECT_LT(false_positives, kProbes * 2 / 100) << false_positives;
}

// A copy shares the original's segments but never sees what the original
// adds after it was made (the segment being written is copied first), and
// keeps everything it had.
TEST(KeyFilter, CopiesDoNotSeeLaterKeys) {
  KeyFilter original(/*keys_per_segment=*/40000);
  auto key = [](int i) { return "PCT/JP2014/" + std::to_string(i); };
  for (int i = 0; i < 30000; ++i) original.Add(key(i));  // Part of the first segment.
  KeyFilter copy = original;
  for (int i = 30000; i < 90000; ++i) original.Add(key(i));  // Fills it, then a second one.
  KeyFilter second = original;
  for (int i = 90000; i < 100000; ++i) original.Add(key(i));
  int copy_sees = 0, second_sees = 0;
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE(original.MayContain(key(i))) << i;
    if (i < 30000) {
      ASSERT_TRUE(copy.MayContain(key(i))) << i;
    }
    if (i < 90000) {
      ASSERT_TRUE(second.MayContain(key(i))) << i;
    }
    if (i >= 30000) copy_sees += copy.MayContain(key(i));
    if (i >= 90000) second_sees += second.MayContain(key(i));
  }
  EXPECT_EQ(copy.size(), 30000u);
  EXPECT_EQ(second.size(), 90000u);
  EXPECT_LT(copy_sees, 70000 * 3 / 100) << "the copy saw later keys";
  EXPECT_LT(second_sees, 10000 * 5 / 100) << "the second copy saw later keys";
}

TEST(KeyFilter, HashAndStringEntryPointsAgree) {
  KeyFilter a, b;
  a.Add("key-1");
  b.AddHash(MemoryHash64("key-1"));
  EXPECT_TRUE(b.MayContain("key-1"));
  EXPECT_TRUE(a.MayContainHash(MemoryHash64("key-1")));
}

}  // namespace
}  // namespace stc
