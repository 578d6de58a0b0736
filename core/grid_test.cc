#include "core/grid.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

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

TEST(Grid, ValidSteps) {
  EXPECT_TRUE(Grid::IsValidStep(1000));
  EXPECT_TRUE(Grid::IsValidStep(10000));
  EXPECT_FALSE(Grid::IsValidStep(0));
  EXPECT_FALSE(Grid::IsValidStep(7));
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
    const int64_t a = v < 0 ? -int64_t{v} : v;
    char ref[32];
    std::snprintf(ref, sizeof(ref), "%s%lld.%05lld", v < 0 ? "-" : "",
                  static_cast<long long>(a / 100000), static_cast<long long>(a % 100000));
    std::string want(ref);
    while (want.back() == '0') want.pop_back();
    if (want.back() == '.') want.pop_back();
    if (want == "-0") want = "0";
    out.resize(4);
    AppendE5(v, &out);
    ASSERT_EQ(out, "lat=" + want) << v;
  }
}

}  // namespace
}  // namespace stc
