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
  // A third makes runs of kRadixSortMin cells: radix-sorted runs, merged.
  DeltaMap map, sorted_map(/*run_min=*/300), radix_map(DeltaMap::kRadixSortMin);
  // A fourth as a fresh load defers them: each "flush" of a few thousand
  // records (several runs of 300) moved into one map for the run, and its
  // totals into a batch of their own.
  DeltaMap flush_map(/*run_min=*/300), run_map;
  std::vector<StoreBatch> flush_totals;
  std::mt19937_64 flush_rng(5);
  size_t until_move = 1 + flush_rng() % 3000;
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
    radix_map.Add(r, sign, grid);
    flush_map.Add(r, sign, grid);
    if (--until_move == 0) {
      flush_totals.emplace_back();
      flush_map.MoveInto(&run_map, &flush_totals.back());
      EXPECT_EQ(flush_map.size(), 0u);
      until_move = 1 + flush_rng() % 3000;
    }
  }
  flush_totals.emplace_back();
  flush_map.MoveInto(&run_map, &flush_totals.back());
  ASSERT_GT(flush_totals.size(), 5u);  // Several moves, and cells met again in later ones.
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
  for (DeltaMap* m : {&sorted_map, &radix_map, &run_map}) {
    SCOPED_TRACE(m == &radix_map ? "radix" : m == &run_map ? "moved" : "small runs");
    SortedAggregates cells;
    StoreBatch totals;
    ASSERT_TRUE(m->FlushSorted(&cells, &totals).ok());
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
    auto add_totals = [&](const StoreBatch& b) {
      b.ForEachTotalsDelta([&](Source s, int32_t y, Units w, Units ul, int64_t n) {
        auto& t = sorted_totals[{static_cast<int>(s), y}];
        std::get<0>(t) += w;
        std::get<1>(t) += ul;
        std::get<2>(t) += n;
      });
    };
    add_totals(totals);
    if (m == &run_map) {
      EXPECT_TRUE(totals.empty()) << "the moves took the totals";
      for (const StoreBatch& b : flush_totals) add_totals(b);
    }
    EXPECT_EQ(sorted_totals, ref_totals);
    EXPECT_EQ(m->size(), 0u);
  }
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

namespace stc {
namespace {

// SortCells against std::stable_sort (a radix sort is stable, so the order
// of equal keys must match too): batches whose varying bits fit 64 (radix;
// one, two and three digits, so that the result ends in either buffer) and
// batches that do not (std::sort), narrow and wide, with field values at
// the ends of their ranges and many equal keys.
template <typename P>
void CheckSortCells(const std::vector<P>& input, const char* what) {
  auto less = [](const P& a, const P& b) {
    if (a.w0 != b.w0) return a.w0 < b.w0;
    if (a.w1 != b.w1) return a.w1 < b.w1;
    if constexpr (sizeof(P) == sizeof(DeltaMap::WidePacked)) return a.w2 < b.w2;
    return false;
  };
  std::vector<P> want = input, got = input;
  std::stable_sort(want.begin(), want.end(), less);
  LargeVector<P> scratch;
  DeltaMap::SortCells(got.data(), got.size(), &scratch);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].w0, want[i].w0) << what << " at " << i;
    ASSERT_EQ(got[i].w1, want[i].w1) << what << " at " << i;
    if constexpr (sizeof(P) == sizeof(DeltaMap::WidePacked)) {
      ASSERT_EQ(got[i].w2, want[i].w2) << what << " at " << i;
    }
    ASSERT_EQ(got[i].units, want[i].units) << what << " at " << i;
  }
}

// A packed cell of the given fields (contributions.h: source 8 bits, year
// 16, lat 32, lon 32, country 16, field bytes 0-2 24).
DeltaMap::Packed PackFields(uint64_t source, uint64_t year, uint64_t lat, uint64_t lon,
                            uint64_t country, uint64_t field, Units units) {
  DeltaMap::Packed p;
  p.w0 = source << 56 | year << 40 | lat << 8 | lon >> 24;
  p.w1 = (lon & 0xffffff) << 40 | country << 24 | field;
  p.units = units;
  return p;
}

TEST(DeltaMapSortCells, EqualsAStableSort) {
  std::mt19937_64 rng(23);
  const size_t n = 3 * DeltaMap::kRadixSortMin + 17;
  // Varying bits: lat only (8 bits, one digit); lat and lon across the sign
  // bias (about 20 bits, two digits); every field in a realistic range
  // (about 45, five digits); everything at random (over 64: std::sort).
  for (int shape = 0; shape < 4; ++shape) {
    std::vector<DeltaMap::Packed> cells;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t lat = 0x80000000u + (rng() % 201) - 100;
      const uint64_t lon = 0x80000000u + (rng() % 701) - 350;
      switch (shape) {
        case 0:
          cells.push_back(PackFields(1, 2020, 0x80000000u + rng() % 256, 5, 0x4a50, 0x480000,
                                     static_cast<Units>(i)));
          break;
        case 1:
          cells.push_back(PackFields(1, 2020, lat, lon, 0x4a50, 0x480000, static_cast<Units>(i)));
          break;
        case 2:
          cells.push_back(PackFields(1 + rng() % 3, 2000 + rng() % 26, lat, lon,
                                     0x4100 + rng() % 0x1a1a, rng() % 2 ? 0x410000 : 0x313700,
                                     static_cast<Units>(i)));
          break;
        default:
          cells.push_back(DeltaMap::Packed{rng(), rng(), static_cast<Units>(i)});
      }
    }
    // Many repeats of a few keys too, and the fields' extremes.
    for (size_t i = 0; i < 200; ++i) cells.push_back(cells[rng() % 50]);
    if (shape == 2) {
      cells.push_back(
          PackFields(1, 2000, 0x80000000u - 100, 0x80000000u - 350, 0x4100, 0x313700, -1));
      cells.push_back(
          PackFields(3, 2025, 0x80000000u + 100, 0x80000000u + 350, 0x5a5a, 0x410000, -2));
    }
    std::shuffle(cells.begin(), cells.end(), rng);
    CheckSortCells(cells, ("narrow shape " + std::to_string(shape)).c_str());
  }
  // Wide cells: the third word varies over a few values (radix), or at
  // random (std::sort); all equal (nothing to sort).
  for (int shape = 0; shape < 3; ++shape) {
    std::vector<DeltaMap::WidePacked> cells;
    for (size_t i = 0; i < n; ++i) {
      const DeltaMap::Packed p = PackFields(2, 2000 + rng() % 20, 0x80000000u + rng() % 100,
                                            0x7fffff00u + rng() % 512, 0x5553, 0x434f4d, 0);
      const uint64_t w2 = shape == 0 ? 0x5000000000000000ull + rng() % 4 : shape == 1 ? rng() : 7;
      if (shape == 2) {
        cells.push_back(DeltaMap::WidePacked{1, 2, w2, static_cast<Units>(i)});
      } else {
        cells.push_back(DeltaMap::WidePacked{p.w0, p.w1, w2, static_cast<Units>(i)});
      }
    }
    CheckSortCells(cells, ("wide shape " + std::to_string(shape)).c_str());
  }
}

}  // namespace
}  // namespace stc
