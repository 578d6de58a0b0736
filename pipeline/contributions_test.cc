#include "pipeline/contributions.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>

#include "stores/keys.h"

namespace stc {
namespace {

// StoreBatch has no accessors; collect through a real in-memory comparison
// instead: DeltaMap is checked against a std::map reference by flushing into
// a batch and replaying it into a map via the store-independent helper below.
using Ref = std::map<std::tuple<int, int32_t, int32_t, int32_t, std::string, std::string>, Units>;

TEST(DeltaMap, CombinedDeltasEqualABruteForceSum) {
  std::mt19937_64 rng(17);
  Grid grid(1000);
  // Same deltas, flushed through both paths; the second makes a run of every
  // few hundred cells (merging more than its maximum of runs many times, and
  // several runs at the flush).
  DeltaMap map, sorted_map(/*run_min=*/300);
  Ref ref;
  std::map<std::pair<int, int32_t>, std::tuple<Units, Units, int64_t>> ref_totals;
  const std::vector<std::string> fields = {
      "", "H", "17", "COMP", "a-very-long-field-name", "ABCDEFGHIJK"};
  for (int i = 0; i < 20000; ++i) {
    CountedRecord r;
    r.source = static_cast<Source>(1 + rng() % 3);
    r.year = 2000 + rng() % 25;
    r.field = fields[rng() % fields.size()];
    int sign = rng() % 4 == 0 ? -1 : 1;
    Units left = kUnit;
    for (int k = rng() % 4; k > 0; --k) {
      WeightedPoint p;
      p.lat_e5 = static_cast<int32_t>(rng() % 400) * 1000 - 200000;  // Few cells: many repeats.
      p.lon_e5 = static_cast<int32_t>(rng() % 400) * 1000 - 18000000;
      p.country[0] = rng() % 3 ? 'J' : 0;
      p.country[1] = p.country[0] ? 'P' : 0;
      p.units = static_cast<Units>(rng() % (left + 1));
      left -= p.units;
      r.points.push_back(p);
      Cell c = grid.CellOf(p.lat_e5, p.lon_e5);
      std::string cc = p.country[0] ? std::string(p.country, 2) : std::string();
      ref[{static_cast<int>(r.source), r.year, c.lat_idx, c.lon_idx, cc, r.field}] +=
          sign * p.units;
    }
    r.unlocated = left;
    auto& t = ref_totals[{static_cast<int>(r.source), r.year}];
    std::get<0>(t) += sign * kUnit;
    std::get<1>(t) += sign * left;
    std::get<2>(t) += sign;
    map.Add(r, sign, grid);
    sorted_map.Add(r, sign, grid);
  }
  StoreBatch batch;
  map.Flush(&batch);
  Ref got;
  std::map<std::pair<int, int32_t>, std::tuple<Units, Units, int64_t>> got_totals;
  batch.ForEachAggregateDelta([&](const AggregateKey& k, Units u) {
    std::string cc = k.country[0] ? std::string(k.country, 2) : std::string();
    auto key = std::make_tuple(static_cast<int>(k.source), k.year, k.cell.lat_idx, k.cell.lon_idx,
                               cc, k.field);
    EXPECT_EQ(got.count(key), 0u) << "each cell once";
    got[key] += u;
  });
  batch.ForEachTotalsDelta([&](Source s, int32_t y, Units w, Units ul, int64_t n) {
    got_totals[{static_cast<int>(s), y}] = {w, ul, n};
  });
  for (auto it = ref.begin(); it != ref.end();)
    it = it->second == 0 ? ref.erase(it) : std::next(it);
  EXPECT_EQ(got, ref);
  EXPECT_EQ(got_totals, ref_totals);
  EXPECT_EQ(map.size(), 0u);

  // The encoded path: the same cells, as store keys in strictly ascending
  // order (long fields merged in), the same totals.
  SortedAggregates cells;
  StoreBatch totals;
  ASSERT_TRUE(sorted_map.FlushSorted(&cells, &totals).ok());
  Ref got_sorted;
  AggregateKey k;
  std::string_view key, prev;
  Units delta;
  size_t n = 0;
  for (size_t pos = 0; cells.Next(&pos, &key, &delta); ++n, prev = key) {
    ASSERT_TRUE(store_keys::DecodeAggregateKey(key, &k)) << n;
    if (n > 0) {
      EXPECT_LT(prev, key) << n;
    }
    EXPECT_NE(delta, 0);
    std::string cc = k.country[0] ? std::string(k.country, 2) : std::string();
    got_sorted[std::make_tuple(static_cast<int>(k.source), k.year, k.cell.lat_idx, k.cell.lon_idx,
                               cc, k.field)] += delta;
  }
  EXPECT_EQ(n, cells.size());
  EXPECT_EQ(got_sorted, ref);
  std::map<std::pair<int, int32_t>, std::tuple<Units, Units, int64_t>> sorted_totals;
  totals.ForEachTotalsDelta([&](Source s, int32_t y, Units w, Units ul, int64_t n) {
    sorted_totals[{static_cast<int>(s), y}] = {w, ul, n};
  });
  EXPECT_EQ(sorted_totals, ref_totals);
  EXPECT_EQ(sorted_map.size(), 0u);
}

// Cells with fields of up to 11 bytes leave Flush in the store's key order
// (the store then skips its sort); checked on the encoded keys, with negative
// and positive indices, unknown countries and high-bit field bytes.
TEST(DeltaMap, FlushesShortFieldCellsInStoreKeyOrder) {
  std::mt19937_64 rng(5);
  Grid grid(1000);
  DeltaMap map;
  const std::vector<std::string> fields = {"", "A", "AB", "B", "17", "\xc3\xa9", "ABCDEFGHIJK"};
  for (int i = 0; i < 5000; ++i) {
    CountedRecord r;
    r.source = static_cast<Source>(1 + rng() % 3);
    r.year = static_cast<int32_t>(rng() % 3000);
    r.field = fields[rng() % fields.size()];
    WeightedPoint p;
    p.lat_e5 = static_cast<int32_t>(rng() % 18000001) - 9000000;
    p.lon_e5 = static_cast<int32_t>(rng() % 36000000) - 18000000;
    p.country[0] = rng() % 3 ? static_cast<char>('A' + rng() % 26) : 0;
    p.country[1] = p.country[0] ? 'Z' : 0;
    p.units = kUnit;
    r.points.push_back(p);
    map.Add(r, 1, grid);
  }
  StoreBatch batch;
  map.Flush(&batch);
  std::string prev, cur;
  size_t n = 0;
  batch.ForEachAggregateDelta([&](const AggregateKey& k, Units) {
    store_keys::EncodeAggregateKey(k, &cur);
    if (n++ > 0) {
      EXPECT_LT(prev, cur) << "cell " << n;
    }
    prev = cur;
  });
  EXPECT_GT(n, 4000u);
}

}  // namespace
}  // namespace stc
