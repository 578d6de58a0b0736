#include "core/compact_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>
#include <string>
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

namespace stc {
namespace {

// Bytewise order, as std::sort of the strings, each string once. Keys of
// one layout (application numbers, some with a trailing NUL, repeats); the
// corner cases (the empty string, inner and trailing NUL bytes, high
// bytes); null when a string is over 24 bytes or the strings vary in too
// many bits (random bytes; keys of mixed lengths, whose zero padding varies
// every byte, would too).
void ExpectSortedBytewise(const std::vector<std::string>& strings) {
  std::vector<KeyedItem> room(2 * strings.size());
  const unsigned char* sorted = RadixSortShortStrings(
      strings.size(), [&](size_t i) { return std::string_view(strings[i]); },
      reinterpret_cast<unsigned char*>(room.data()));
  ASSERT_NE(sorted, nullptr);
  std::vector<std::string> want = strings, got;
  std::sort(want.begin(), want.end());
  std::vector<bool> seen(strings.size(), false);
  for (size_t i = 0; i < strings.size(); ++i) {
    const size_t index = LoadKeyed(sorted, i).payload;
    ASSERT_LT(index, strings.size());
    EXPECT_FALSE(seen[index]) << "each string once";
    seen[index] = true;
    got.push_back(strings[index]);
  }
  EXPECT_EQ(got, want);
}

TEST(RadixSortShortStrings, SortsBytewise) {
  std::mt19937_64 rng(4);
  std::vector<std::string> strings;
  for (int i = 0; i < 3000; ++i) {
    char s[32];
    std::snprintf(s, sizeof s, "PCT/%cP20%02d/%06d", static_cast<char>('A' + rng() % 20),
                  static_cast<int>(10 + rng() % 14), static_cast<int>(rng() % 1000000));
    strings.push_back(s);
    if (i % 11 == 0) strings.back().push_back('\0');
    if (rng() % 5 == 0) strings.push_back(strings.back());
  }
  ExpectSortedBytewise(strings);
  ExpectSortedBytewise(
      {"", "AB", std::string("AB\0", 3), std::string("AB\0\x01", 4), "\xff\xfe", "ABC", "AB"});

  auto radix = [](const std::vector<std::string>& v) {
    std::vector<KeyedItem> room(2 * v.size());
    return RadixSortShortStrings(
        v.size(), [&](size_t i) { return std::string_view(v[i]); },
        reinterpret_cast<unsigned char*>(room.data()));
  };
  strings.push_back(std::string(25, 'x'));
  EXPECT_EQ(radix(strings), nullptr);
  strings.pop_back();
  for (int i = 0; i < 20; ++i) {
    std::string s(24, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    strings.push_back(s);
  }
  EXPECT_EQ(radix(strings), nullptr);
}

}  // namespace
}  // namespace stc
