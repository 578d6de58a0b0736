#include "core/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/digits.h"

namespace stc {
namespace {

TEST(Units, ShareOfSumsExactlyToTotal) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    uint32_t n = 1 + rng() % 5000;
    Units total = static_cast<Units>(rng() % (kUnit + 1));
    Units sum = 0;
    Units min = total, max = 0;
    for (uint32_t i = 0; i < n; ++i) {
      Units s = ShareOf(total, n, i);
      sum += s;
      min = std::min(min, s);
      max = std::max(max, s);
    }
    ASSERT_EQ(sum, total) << "n=" << n;
    ASSERT_LE(max - min, 1) << "shares must be equal up to one unit";
  }
}

TEST(Units, ShareOfGivesRemainderToFirstParties) {
  // 10^9 / 3 = 333333333 rem 1: the first party gets the extra unit.
  EXPECT_EQ(ShareOf(kUnit, 3, 0), 333333334);
  EXPECT_EQ(ShareOf(kUnit, 3, 1), 333333333);
  EXPECT_EQ(ShareOf(kUnit, 3, 2), 333333333);
  EXPECT_EQ(ShareOf(10, 4, 0), 3);
  EXPECT_EQ(ShareOf(10, 4, 1), 3);
  EXPECT_EQ(ShareOf(10, 4, 2), 2);
}

TEST(Units, FormatUnitsIsExactDecimal) {
  EXPECT_EQ(FormatUnits(0), "0");
  EXPECT_EQ(FormatUnits(kUnit), "1");
  EXPECT_EQ(FormatUnits(1500000000), "1.5");
  EXPECT_EQ(FormatUnits(333333334), "0.333333334");
  EXPECT_EQ(FormatUnits(1), "0.000000001");
  EXPECT_EQ(FormatUnits(-2), "-0.000000002");
  EXPECT_EQ(FormatUnits(-12 * kUnit - 250000000), "-12.25");
  EXPECT_EQ(FormatUnits(INT64_MAX), "9223372036.854775807");
  EXPECT_EQ(FormatUnits(10 * kUnit + 10), "10.00000001");
}

// The text of `u` built from printf: the reference for FormatUnits,
// AppendUnits and WriteUnits.
std::string PrintfUnits(Units u) {
  const uint64_t a = u < 0 ? 0 - static_cast<uint64_t>(u) : static_cast<uint64_t>(u);
  char ref[48];
  std::snprintf(ref, sizeof(ref), "%s%llu.%09llu", u < 0 ? "-" : "",
                static_cast<unsigned long long>(a / kUnit),
                static_cast<unsigned long long>(a % kUnit));
  std::string want(ref);
  while (want.back() == '0') want.pop_back();
  if (want.back() == '.') want.pop_back();
  return want;
}

// AppendUnits appends exactly FormatUnits' text; checked against a
// reference built from printf on both sides of zero.
TEST(Units, AppendUnitsAppendsTheFormattedText) {
  std::mt19937_64 rng(9);
  std::string out = "x,";
  for (int i = 0; i < 10000; ++i) {
    Units u = static_cast<Units>(rng() >> (1 + rng() % 63));  // In [0, 2^63): negatable.
    if (i % 2) u = -u;
    const std::string want = PrintfUnits(u);
    out.resize(2);
    AppendUnits(u, &out);
    ASSERT_EQ(out, "x," + want) << u;
    ASSERT_EQ(FormatUnits(u), want) << u;
  }
}

// WriteUnits (the digit-pair formatting AppendUnits uses) against printf on
// fractions with every number of trailing zeros, small and large whole parts,
// and the ends of int64.
TEST(Units, WriteUnitsMatchesPrintf) {
  std::mt19937_64 rng(11);
  std::vector<Units> values = {0,         1,         -1,        kUnit,        -kUnit,
                               kUnit - 1, INT64_MAX, INT64_MIN, INT64_MIN + 1};
  Units pow10 = 1;
  for (int zeros = 0; zeros <= kUnitDecimals; ++zeros, pow10 *= 10) {
    for (int i = 0; i < 2000; ++i) {
      const Units frac = static_cast<Units>(rng() % static_cast<uint64_t>(kUnit / pow10)) * pow10;
      const Units whole = i % 3 == 0 ? 0 : static_cast<Units>(rng() % 100000);
      const Units u = whole * kUnit + frac;
      values.push_back(i % 2 ? -u : u);
    }
  }
  char buf[kMaxUnitsChars + 8];
  for (Units u : values) {
    std::memset(buf, 'x', sizeof(buf));
    const char* end = WriteUnits(u, buf);
    ASSERT_LE(end - buf, static_cast<ptrdiff_t>(kMaxUnitsChars)) << u;
    ASSERT_EQ(std::string(static_cast<const char*>(buf), end), PrintfUnits(u)) << u;
  }
}

// EightDigits (core/digits.h) against snprintf: its two four-digit lanes
// never carry into each other, so every value of each lane beside random
// values of the other covers every digit it can produce.
TEST(Units, EightDigitsMatchesPrintf) {
  std::mt19937 rng(5);
  auto check = [](uint32_t v) {
    char want[16];
    std::snprintf(want, sizeof want, "%08u", v);
    const uint64_t text = EightDigits(v) | 0x3030303030303030ULL;
    char got[8];
    std::memcpy(got, &text, 8);
    ASSERT_EQ(std::string(got, 8), want) << v;
  };
  for (uint32_t lane = 0; lane < 10000; ++lane) {
    check(lane * 10000 + rng() % 10000);
    check(rng() % 10000 * 10000 + lane);
  }
  check(99999999);
}

TEST(Units, ParseUnitsRoundTrips) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 10000; ++i) {
    Units u = static_cast<Units>(rng() % 4000000000000000000ULL) - 2000000000000000000LL;
    Units back = 0;
    ASSERT_TRUE(ParseUnits(FormatUnits(u), &back)) << FormatUnits(u);
    ASSERT_EQ(back, u);
  }
  Units v;
  EXPECT_FALSE(ParseUnits("", &v));
  EXPECT_FALSE(ParseUnits("1.", &v));
  EXPECT_FALSE(ParseUnits("1.0000000001", &v));
  EXPECT_FALSE(ParseUnits("x", &v));
}

}  // namespace
}  // namespace stc
