// The profiles' record scan itself on the hand-computed world and on random
// stores large enough to split: in parallel parts it gives the serial result;
// started before the ranking (ProfileScan) it gives ComputeProfiles'
// profiles; and its sums (ProfileScan::Sums) rank the clusters as the
// aggregates do.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cluster/delineate.h"
#include "cluster/profile.h"
#include "cluster/profile_format.h"
#include "cluster/ranking.h"
#include "tests/profile_world.h"
#include "tests/test_util.h"

namespace stc::cluster {
namespace {

using stc::testing::TempDir;

using namespace profile_world;  // NOLINT(build/namespaces)

// The record scan split over threads (key ranges, tallies combined in key
// order) gives exactly the serial result, including which spelling of an
// organisation names it (the first in key order), on a store large enough
// to split.
TEST(ClusterProfile, ParallelScanEqualsSerialScan) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  const Grid& g = store->grid();
  const Pt places[] = {kTokyoA, kTokyoB, kParis, kCambridge, kSydney};
  const char* const orgs[] = {"Acme Corp", "ACME CORP", "acme  corp", "Sony", "SONY", "Univ X"};
  const char* const codes[] = {"H04W 72/04", "G06F 3/01", "A61K 8/02", "C12N 15/10", "B60L 50/00"};
  std::mt19937 rng(3);
  for (int batch = 0; batch < 4; ++batch) {
    StoreBatch b;
    for (int i = 0; i < 20000; ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "PCT/JP%04d/%06d", 2019 + static_cast<int>(rng() % 5),
                    batch * 20000 + i);
      std::vector<Pt> points;
      const int n = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < n; ++k) points.push_back(At(places[rng() % 5], 1.0 / n));
      Put(&b, g, Source::kPct, key, 2019 + static_cast<int>(rng() % 5), "H",
          {codes[rng() % 5], codes[rng() % 5]}, {orgs[rng() % 6], orgs[rng() % 6]}, points);
    }
    ASSERT_TRUE(store->Apply(b).ok());
  }
  ASSERT_TRUE(store->Compact().ok());  // Into table files: the scan can split.
  size_t parts_used = 0;
  std::vector<bool> used(4, false);
  ASSERT_TRUE(
      store
          ->ForEachRecordParallel(4,
                                  [&](size_t part, Source, std::string_view, std::string_view) {
                                    used[part] = true;
                                    return Status::Ok();
                                  })
          .ok());
  for (bool u : used) parts_used += u;
  ASSERT_GT(parts_used, 1u);

  const ClusterMap map = WorldMap(g);
  auto ranking = ComputeRanking(*store, map, BuiltinEdition("gii2024").value());
  ASSERT_TRUE(ranking.ok());
  auto text = [&](int threads) {
    ProfileOptions o;
    o.threads = threads;
    o.top_items = 100;
    ProfileSet set;
    set.ranking = *ranking;
    auto profiles = ComputeProfiles(*store, map, set.ranking, o);
    EXPECT_TRUE(profiles.ok()) << profiles.status().ToString();
    if (profiles.ok()) set.profiles = *profiles;
    return FormatProfileExport(set, ProfileFormat::kJson);
  };
  const std::string serial = text(1);
  EXPECT_NE(serial.find("Acme Corp"), std::string::npos);
  EXPECT_EQ(text(4), serial);
  EXPECT_EQ(text(3), serial);
  // The scan started before the ranking (ProfileScan), in parallel parts.
  for (int threads : {1, 2, 4}) {
    auto scan = ProfileScan::Start(*store, map, ranking->edition, threads);
    ProfileOptions o;
    o.top_items = 100;
    ProfileSet set;
    set.ranking = *ranking;
    auto profiles = scan->Finish(map, set.ranking, o);
    ASSERT_TRUE(profiles.ok()) << profiles.status().ToString();
    set.profiles = *profiles;
    EXPECT_EQ(FormatProfileExport(set, ProfileFormat::kJson), serial) << threads << " threads";
  }
}

// ProfileScan (started before the ranking, tallying every cluster of the map)
// gives ComputeProfiles' profiles: for the whole ranking and for its first
// row only, with a cluster on the map that has no records (tallied, never
// ranked), and with the map's names changed while it scans. Rankings it
// cannot serve are InvalidArgument, a second Finish Internal; a scan
// dropped unfinished stops.
TEST(ClusterProfile, ScanStartedBeforeTheRankingEqualsComputeProfiles) {
  World w;
  const Edition edition = BuiltinEdition("gii2024").value();
  Build(&w, edition);
  // Ids out of rank order (Alpha 7, Beta 2, Gamma 5), so that rows and the
  // scan's clusters (in id order) differ; Delta: a cell with no records (Null
  // Island), on the map but not ranked.
  ClusterMap map = w.map;
  const std::map<int32_t, int32_t> renumber = {{1, 7}, {2, 2}, {3, 5}};
  for (ClusterInfo& c : map.clusters) c.id = renumber.at(c.id);
  for (auto& [cell, id] : map.cells) id = renumber.at(id);
  map.clusters.push_back({4, "Delta", "XX"});
  map.cells.push_back({w.store->grid().CellOf(0, 0), 4});
  std::sort(map.clusters.begin(), map.clusters.end(),
            [](const ClusterInfo& a, const ClusterInfo& b) { return a.id < b.id; });
  std::sort(map.cells.begin(), map.cells.end());
  map.ComputeFootprints();
  auto ranking = ComputeRanking(*w.store, map, edition);
  ASSERT_TRUE(ranking.ok());
  ASSERT_EQ(ranking->rows.size(), 3u);  // Delta has no score.
  ASSERT_EQ(ranking->rows[0].id, 7);    // Alpha first.
  ProfileOptions o;
  o.population = &w.populations;
  o.top_items = 100;
  auto json = [](const Ranking& r, const std::vector<ClusterProfile>& p) {
    ProfileSet set;
    set.ranking = r;
    set.profiles = p;
    return FormatProfileExport(set, ProfileFormat::kJson);
  };
  for (size_t rows : {size_t{3}, size_t{1}}) {
    Ranking r = *ranking;
    r.rows.resize(rows);
    auto expected = ComputeProfiles(*w.store, map, r, o);
    ASSERT_TRUE(expected.ok());
    ASSERT_EQ(expected->size(), rows);
    ClusterMap scanned = map;
    auto scan = ProfileScan::Start(*w.store, scanned, edition, 2);
    for (ClusterInfo& c : scanned.clusters) c.name += " (renamed)";  // Not read by the scan.
    auto got = scan->Finish(map, r, o);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(json(r, *got), json(r, *expected)) << rows << " rows";
    EXPECT_EQ((*got)[0].metrics[0].year_units, (std::vector<Units>{U(1), U(0.5), 0, 0, U(2)}));
    EXPECT_EQ(scan->Finish(map, r, o).status().code(), StatusCode::kInternal);  // Once only.
  }
  {  // A ranked cluster the scanned map does not have.
    Ranking r = *ranking;
    r.rows[1].id = 99;
    auto got = ProfileScan::Start(*w.store, map, edition, 2)->Finish(map, r, o);
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  }
  {  // A ranking of another edition (other windows).
    auto other = ComputeRanking(*w.store, map, BuiltinEdition("gii2023").value());
    ASSERT_TRUE(other.ok());
    auto got = ProfileScan::Start(*w.store, map, edition, 2)->Finish(map, *other, o);
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  }
  { auto dropped = ProfileScan::Start(*w.store, map, edition, 2); }  // Stopped, joined.
}

// The rankings' inputs compared: world and clustered totals, and each
// ranked row's cluster, units and score, in order.
void ExpectSameRanking(const Ranking& got, const Ranking& want, const std::string& what) {
  EXPECT_EQ(got.world, want.world) << what;
  EXPECT_EQ(got.clustered, want.clustered) << what;
  ASSERT_EQ(got.rows.size(), want.rows.size()) << what;
  for (size_t i = 0; i < got.rows.size(); ++i) {
    EXPECT_EQ(got.rows[i].id, want.rows[i].id) << what << " row " << i;
    EXPECT_EQ(got.rows[i].units, want.rows[i].units) << what << " row " << i;
    EXPECT_EQ(got.rows[i].score, want.rows[i].score) << what << " row " << i;
  }
}

// ProfileScan::Sums ranks as the aggregates do: the hand-computed world
// (with and without a subject filter, whose world total the scan counts),
// a map on a coarser grid than the store's, and the random store of many
// records scanned in 1, 2 and 4 parts. Sums may be asked twice and before
// Finish, not after it.
TEST(ClusterProfile, ScanSumsRankAsTheAggregates) {
  World w;
  Edition filtered = BuiltinEdition("gii2024").value();
  filtered.metrics[1].exclude_fields = {"27"};  // Medicine out: only A1 (field 17) counts.
  Build(&w, filtered);
  const Grid coarse(5000);
  ClusterMap coarse_map;  // 0.05 degree: Alpha's two cells are one.
  coarse_map.grid_step_e5 = coarse.step_e5();
  coarse_map.clusters = {{1, "Alpha", "JP"}, {2, "Beta", "GB"}};
  auto cell = [&](const Pt& p) { return coarse.CellOf(E5(p.lat), E5(p.lon)); };
  coarse_map.cells = {{cell(kTokyoA), 1}, {cell(kCambridge), 2}};
  std::sort(coarse_map.cells.begin(), coarse_map.cells.end());
  coarse_map.ComputeFootprints();
  for (const Edition& e : {BuiltinEdition("gii2024").value(), filtered}) {
    for (const ClusterMap* map : {&w.map, &coarse_map}) {
      const std::string what = e.metrics[1].exclude_fields.empty() ? "gii2024" : "filtered";
      auto want = ComputeRanking(*w.store, *map, e);
      ASSERT_TRUE(want.ok());
      auto scan = ProfileScan::Start(*w.store, *map, e, 2);
      auto sums = scan->Sums();
      ASSERT_TRUE(sums.ok()) << sums.status().ToString();
      ExpectSameRanking(RankSums(*sums, *map, e), *want, what);
      auto again = scan->Sums();
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(*again, *sums) << "asked twice";
      if (map == &w.map) {
        auto data = LoadDelineationData(*w.store, e);
        ASSERT_TRUE(data.ok());
        auto from_data = SumClusters(*data, *map);
        ASSERT_TRUE(from_data.ok());
        EXPECT_EQ(*sums, *from_data) << what;
      }
      ProfileOptions o;
      ASSERT_TRUE(scan->Finish(*map, *want, o).ok());
      EXPECT_EQ(scan->Sums().status().code(), StatusCode::kInternal);
    }
  }
  // By hand (SubjectFilterAndWeights): the filtered article world is A1 alone.
  auto scan = ProfileScan::Start(*w.store, w.map, filtered, 1);
  auto sums = scan->Sums();
  ASSERT_TRUE(sums.ok());
  EXPECT_EQ(sums->world, (std::vector<Units>{U(7), U(1)}));
  EXPECT_EQ(sums->clusters.at(1), (std::vector<Units>{U(3.5), U(0.5)}));

  // Many records in table files, scanned in parts.
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  const Grid& g = store->grid();
  const Pt places[] = {kTokyoA, kTokyoB, kParis, kCambridge, kSydney};
  std::mt19937 rng(5);
  for (int batch = 0; batch < 3; ++batch) {
    StoreBatch b;
    for (int i = 0; i < 10000; ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "PCT/JP2020/%06d", batch * 10000 + i);
      std::vector<Pt> points;
      const int n = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < n; ++k) points.push_back(At(places[rng() % 5], 1.0 / n));
      Put(&b, g, Source::kPct, key, 2019 + static_cast<int>(rng() % 6), "H", {"G06F 3/01"},
          {"Acme"}, points);
    }
    ASSERT_TRUE(store->Apply(b).ok());
  }
  ASSERT_TRUE(store->Compact().ok());
  const Edition e = BuiltinEdition("gii2024").value();
  auto want = ComputeRanking(*store, w.map, e);
  ASSERT_TRUE(want.ok());
  ASSERT_EQ(want->rows.size(), 3u);
  for (int threads : {1, 2, 4}) {
    auto many = ProfileScan::Start(*store, w.map, e, threads)->Sums();
    ASSERT_TRUE(many.ok());
    ExpectSameRanking(RankSums(*many, w.map, e), *want, std::to_string(threads) + " threads");
  }
}

}  // namespace
}  // namespace stc::cluster
