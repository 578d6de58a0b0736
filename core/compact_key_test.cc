#include "core/compact_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <vector>

namespace stc {
namespace {

using Fields = std::array<uint64_t, 3>;

// Keys compare exactly as the field tuples do, and give the fields back.
TEST(CompactKey, KeysOrderAsTheFieldsAndGiveThemBack) {
  std::mt19937_64 rng(3);
  std::vector<Fields> items;
  for (int i = 0; i < 2000; ++i) {
    // A constant field, one near the top of the 64-bit range, one small.
    items.push_back({7, ~uint64_t{0} - rng() % 5000, 0x41 + rng() % 26});
  }
  CompactKey<3> compact;
  for (const Fields& f : items) compact.Observe(f.data());
  ASSERT_TRUE(compact.Plan());
  EXPECT_EQ(compact.bits(), 13 + 5);  // Observed ranges of over 4,096 and over 16.
  for (size_t i = 0; i < items.size(); ++i) {
    const uint64_t ki = compact.Make(items[i].data());
    Fields back;
    compact.Unmake(ki, back.data());
    EXPECT_EQ(back, items[i]);
    for (size_t j = i % 7; j < items.size(); j += 7) {
      const uint64_t kj = compact.Make(items[j].data());
      ASSERT_EQ(ki < kj, items[i] < items[j]) << i << " " << j;
      ASSERT_EQ(ki == kj, items[i] == items[j]) << i << " " << j;
    }
  }
}

TEST(CompactKey, RangesOverSixtyFourBitsDoNotPlan) {
  CompactKey<3> compact;
  compact.Observe(Fields{0, 0, 0}.data());
  compact.Observe(Fields{1, ~uint64_t{0}, 0}.data());  // 1 + 64 bits.
  EXPECT_FALSE(compact.Plan());
  CompactKey<3> same;
  same.Observe(Fields{5, 6, 7}.data());
  same.Observe(Fields{5, 6, 7}.data());
  ASSERT_TRUE(same.Plan());
  EXPECT_EQ(same.bits(), 0);
  EXPECT_EQ(same.Make(Fields{5, 6, 7}.data()), 0u);
}

// Against std::stable_sort by key, for key widths of one, two, three and
// six passes (the result in either buffer), with many equal keys.
TEST(RadixSortKeyed, EqualsAStableSortByKey) {
  std::mt19937_64 rng(9);
  for (int bits : {1, 7, 11, 12, 22, 23, 33, 64}) {
    SCOPED_TRACE(bits);
    const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    const size_t n = 5000;
    std::vector<KeyedItem> items(n), scratch(n);
    for (size_t i = 0; i < n; ++i) {
      // Half the keys from a small set: runs of equal keys.
      const uint64_t key = (i % 2 ? rng() : rng() % 16) & mask;
      items[i] = KeyedItem{key, i};
    }
    std::vector<KeyedItem> want = items;
    std::stable_sort(want.begin(), want.end(),
                     [](const KeyedItem& x, const KeyedItem& y) { return x.key < y.key; });
    auto* a = reinterpret_cast<unsigned char*>(items.data());
    auto* b = reinterpret_cast<unsigned char*>(scratch.data());
    const unsigned char* got = RadixSortKeyed(a, b, n, bits);
    ASSERT_TRUE(got == a || got == b);
    for (size_t i = 0; i < n; ++i) {
      const KeyedItem g = LoadKeyed(got, i);
      ASSERT_EQ(g.key, want[i].key) << i;
      ASSERT_EQ(g.payload, want[i].payload) << i;
    }
  }
}

}  // namespace
}  // namespace stc
