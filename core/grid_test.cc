#include "core/grid.h"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace stc {
namespace {

TEST(Grid, SnapsToNearestNodeTiesUp) {
  Grid g(1000);  // 0.01 degree.
  EXPECT_EQ(g.CellOf(3568000, 13977000), (Cell{3568, 13977}));
  EXPECT_EQ(g.CellOf(3568499, 0), (Cell{3568, 0}));
  EXPECT_EQ(g.CellOf(3568500, 0), (Cell{3569, 0}));    // Tie rounds up.
  EXPECT_EQ(g.CellOf(-3568500, 0), (Cell{-3568, 0}));  // Tie rounds up (towards +inf).
  EXPECT_EQ(g.CellOf(-3568501, 0), (Cell{-3569, 0}));
  EXPECT_EQ(g.CellOf(-1, -1), (Cell{0, 0}));
}

TEST(Grid, FoldsPlus180OntoMinus180) {
  Grid g(1000);
  EXPECT_EQ(g.CellOf(0, 18000000), g.CellOf(0, -18000000));
  EXPECT_EQ(g.CellOf(0, 17999600), g.CellOf(0, -18000000));
  EXPECT_EQ(g.CellOf(0, 17999400).lon_idx, 17999);
}

TEST(Grid, MatchesFloatingPointRoundingAwayFromTies) {
  std::mt19937 rng(11);
  Grid g(10000);  // 0.1 degree.
  for (int i = 0; i < 100000; ++i) {
    int32_t lat = static_cast<int32_t>(rng() % 18000001) - 9000000;
    if (lat % 5000 == 0) continue;  // Skip exact ties.
    EXPECT_EQ(g.CellOf(lat, 0).lat_idx, static_cast<int32_t>(std::lround(lat / 10000.0)));
  }
}

// The reference: floor((v + step/2) / step) by 64-bit division, as CellOf
// computed it before its multiply-high division.
int32_t ReferenceSnap(int32_t v, int32_t step) {
  const int64_t x = static_cast<int64_t>(v) + step / 2;
  int64_t q = x / step;
  if (x % step != 0 && x < 0) --q;
  return static_cast<int32_t>(q);
}

// Every valid step (each divisor of 18,000,000) and a few invalid ones, at
// the edges of the int32 range, around the poles and the antimeridian,
// around ties and at random: the latitude index equals the reference.
TEST(Grid, SnapEqualsFloorDivisionForEveryStepAndValue) {
  std::vector<int32_t> steps = {7, 3, 999, 2147483647};
  for (int32_t d = 1; d <= 18000000; ++d) {
    if (18000000 % d == 0) steps.push_back(d);
  }
  ASSERT_GT(steps.size(), 100u);
  std::mt19937 rng(5);
  size_t checked = 0;
  for (int32_t step : steps) {
    const Grid g(step);
    std::vector<int32_t> values = {INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, 0,        -1,
                                   1,         9000000,       -9000000,  18000000,      -18000000};
    for (int64_t k = -3; k <= 3; ++k) {  // Around the ties of a few cells.
      for (int64_t e = -1; e <= 1; ++e) {
        const int64_t v = k * step + step / 2 + e;
        if (v >= INT32_MIN && v <= INT32_MAX) values.push_back(static_cast<int32_t>(v));
      }
    }
    for (int i = 0; i < 200; ++i) {
      values.push_back(static_cast<int32_t>(rng() % 36000001) - 18000000);
      values.push_back(static_cast<int32_t>(rng()));  // The whole int32 range.
    }
    for (int32_t v : values) {
      ASSERT_EQ(g.CellOf(v, 0).lat_idx, ReferenceSnap(v, step)) << "step " << step << " v " << v;
      ++checked;
    }
  }
  EXPECT_GT(checked, 50000u);
}

TEST(Grid, ValidSteps) {
  EXPECT_TRUE(Grid::IsValidStep(1000));
  EXPECT_TRUE(Grid::IsValidStep(10000));
  EXPECT_FALSE(Grid::IsValidStep(0));
  EXPECT_FALSE(Grid::IsValidStep(7));
}

// The text of `v` (1e-5 degrees) built from printf: the reference for
// AppendE5 and WriteE5.
std::string PrintfE5(int32_t v) {
  const int64_t a = v < 0 ? -int64_t{v} : v;
  char ref[32];
  std::snprintf(ref, sizeof(ref), "%s%lld.%05lld", v < 0 ? "-" : "",
                static_cast<long long>(a / 100000), static_cast<long long>(a % 100000));
  std::string want(ref);
  while (want.back() == '0') want.pop_back();
  if (want.back() == '.') want.pop_back();
  if (want == "-0") want = "0";
  return want;
}

TEST(Grid, FormatE5) {
  EXPECT_EQ(FormatE5(3568000), "35.68");
  EXPECT_EQ(FormatE5(-1), "-0.00001");
  EXPECT_EQ(FormatE5(13900000), "139");
  EXPECT_EQ(FormatE5(0), "0");
  EXPECT_EQ(FormatE5(-18000000), "-180");
  EXPECT_EQ(FormatE5(100010), "1.0001");
  // AppendE5 appends the same text: against printf over the whole range.
  std::string out = "lat=";
  for (int32_t v = -18000000; v <= 18000000; v += 997) {
    out.resize(4);
    AppendE5(v, &out);
    ASSERT_EQ(out, "lat=" + PrintfE5(v)) << v;
  }
}

// WriteE5 (the digit-pair formatting AppendE5 uses) against printf: every
// value within two degrees of zero (every fraction, with and without trailing
// zeros) and the ends of int32.
TEST(Grid, WriteE5MatchesPrintf) {
  std::vector<int32_t> values = {INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1};
  for (int32_t v = -200000; v <= 200000; ++v) values.push_back(v);
  char buf[kMaxE5Chars + 8];
  for (int32_t v : values) {
    std::memset(buf, 'x', sizeof(buf));
    const char* end = WriteE5(v, buf);
    ASSERT_LE(end - buf, static_cast<ptrdiff_t>(kMaxE5Chars)) << v;
    ASSERT_EQ(std::string(static_cast<const char*>(buf), end), PrintfE5(v)) << v;
  }
}

}  // namespace
}  // namespace stc
