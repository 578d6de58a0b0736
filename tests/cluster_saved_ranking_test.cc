// What delineate saves beside the map (cluster/saved_ranking.h): the
// ranking's sums and the noise locations rank as, and equal, what the
// aggregates give while the store is unchanged, and are not used after;
// their text encodings round-trip and reject damage.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cluster/delineate.h"
#include "cluster/map_store.h"
#include "cluster/ranking.h"
#include "cluster/saved_ranking.h"
#include "tests/rank_world.h"
#include "tests/test_util.h"

namespace stc::cluster {
namespace {

using namespace rank_world;  // NOLINT(build/namespaces)
using stc::testing::TempDir;

// delineate's saved sums (cluster/saved_ranking.h) rank exactly as the
// aggregates do, survive reopening, and stop being used at the store's next
// write or for another map version or other metrics.
TEST(ClusterRank, SavedSumsRankAsTheAggregatesUntilTheStoreIsWritten) {
  TempDir dir;
  const Edition ed = TestEdition();
  ClusterMap map;
  RankingSums sums;
  {
    auto store = stc::testing::OpenStore(dir.Path("db"));
    WriteWorld(store.get());
    auto data = LoadDelineationData(*store, ed);
    ASSERT_TRUE(data.ok());
    map = Delineate(*data, nullptr, nullptr);
    ASSERT_EQ(map.clusters.size(), 3u);
    // Nothing saved yet; an unstored map has none to save.
    auto none = LoadRankingSums(*store, map, ed);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    auto summed = SumClusters(*data, map);
    ASSERT_TRUE(summed.ok());
    sums = *summed;
    EXPECT_EQ(SaveRankingSums(store.get(), map, ed, sums).code(), StatusCode::kInvalidArgument);
    ASSERT_TRUE(SaveClusterMap(store.get(), &map).ok());
    // A map without a fingerprint saves sums but no data fingerprint.
    ClusterMap unknown = map;
    unknown.fingerprint = 0;
    ASSERT_TRUE(SaveRankingSums(store.get(), unknown, ed, sums).ok());
    ASSERT_TRUE(LoadRankingSums(*store, map, ed)->has_value());
    EXPECT_FALSE(CurrentDataFingerprint(*store, ed)->has_value());
    ASSERT_NE(map.fingerprint, 0u);
    EXPECT_EQ(map.fingerprint, data->fingerprint);  // Delineate's.
    ASSERT_TRUE(SaveRankingSums(store.get(), map, ed, sums).ok());
    auto loaded = LoadRankingSums(*store, map, ed);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_TRUE(loaded->has_value());
    EXPECT_EQ(**loaded, sums);
    // A flush (as delineate does after saving) moves no sequence number.
    const uint64_t before = store->LastSequence();
    ASSERT_TRUE(store->Flush().ok());
    EXPECT_EQ(store->LastSequence(), before);
    ASSERT_TRUE(LoadRankingSums(*store, map, ed)->has_value());
  }
  // The hand-computed world: Alpha 40.5 PCT + 20 articles, Beta 20 + 40,
  // Gamma 12 + 8; worlds 100 and 200.
  EXPECT_EQ(sums.world, (std::vector<Units>{U(100), U(200)}));
  EXPECT_EQ(sums.clustered, (std::vector<Units>{U(72.5), U(68)}));
  StoreOptions ro_options;
  ro_options.read_only = true;
  {
    auto ro = Store::Open(dir.Path("db"), ro_options);
    ASSERT_TRUE(ro.ok()) << ro.status().ToString();
    auto loaded = LoadRankingSums(**ro, map, ed);
    ASSERT_TRUE(loaded.ok() && loaded->has_value()) << "read-only reopen";
    auto from_store = ComputeRanking(**ro, map, ed);
    ASSERT_TRUE(from_store.ok());
    const Ranking from_sums = RankSums(**loaded, map, ed);
    EXPECT_EQ(from_sums.world, from_store->world);
    EXPECT_EQ(from_sums.clustered, from_store->clustered);
    EXPECT_EQ(FormatRanking(from_sums, RankFormat::kJson, 1000),
              FormatRanking(*from_store, RankFormat::kJson, 1000));
    // Another map version, other metrics: not these sums. Weights only
    // change the scores, so they may differ.
    ClusterMap other = map;
    other.version = map.version + 1;
    EXPECT_FALSE(LoadRankingSums(**ro, other, ed)->has_value());
    Edition years = ed;
    years.metrics[0].year_from += 1;
    EXPECT_FALSE(LoadRankingSums(**ro, map, years)->has_value());
    Edition filtered = ed;
    filtered.metrics[1].exclude_fields = {"17"};
    EXPECT_FALSE(LoadRankingSums(**ro, map, filtered)->has_value());
    Edition weighted = ed;
    weighted.metrics[0].weight = 2;
    EXPECT_TRUE(LoadRankingSums(**ro, map, weighted)->has_value());
    // The data's fingerprint, for any map: that of the aggregates now, for
    // the same metrics and grid only.
    auto fingerprint = CurrentDataFingerprint(**ro, ed);
    ASSERT_TRUE(fingerprint.ok()) << fingerprint.status().ToString();
    auto now = LoadDelineationData(**ro, ed);
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(*fingerprint, std::optional<uint64_t>(now->fingerprint));
    auto weighted_fp = CurrentDataFingerprint(**ro, weighted);
    ASSERT_TRUE(weighted_fp.ok());
    EXPECT_EQ(*weighted_fp, std::optional<uint64_t>(now->fingerprint));
    EXPECT_FALSE(CurrentDataFingerprint(**ro, years)->has_value());
    EXPECT_FALSE(CurrentDataFingerprint(**ro, filtered)->has_value());
    Edition coarser = ed;
    coarser.grid_step_e5 = map.grid_step_e5 * 5;
    EXPECT_FALSE(CurrentDataFingerprint(**ro, coarser)->has_value());
    auto coarse_data = LoadDelineationData(**ro, coarser);
    ASSERT_TRUE(coarse_data.ok());
    EXPECT_NE(coarse_data->fingerprint, now->fingerprint);  // The grid matters.
  }
  {
    // Any write afterwards, even one that changes no aggregate.
    auto store = stc::testing::OpenStore(dir.Path("db"));
    ASSERT_TRUE(LoadRankingSums(*store, map, ed)->has_value()) << "writable reopen";
    ASSERT_TRUE(CurrentDataFingerprint(*store, ed)->has_value()) << "writable reopen";
    ASSERT_TRUE(store->PutMeta("unrelated", "x").ok());
    auto loaded = LoadRankingSums(*store, map, ed);
    ASSERT_TRUE(loaded.ok());
    EXPECT_FALSE(loaded->has_value());
    EXPECT_FALSE(CurrentDataFingerprint(*store, ed)->has_value());
  }
  auto ro = Store::Open(dir.Path("db"), ro_options);
  ASSERT_TRUE(ro.ok());
  EXPECT_FALSE(LoadRankingSums(**ro, map, ed)->has_value()) << "read-only after the write";
}

// `text` with its first `from` replaced by `to` (`from` must occur).
std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(ClusterRank, SavedSumsEncodingRoundTripsAndRejectsDamage) {
  RankingSums sums;
  sums.world = {U(100), -3};
  sums.clustered = {U(72.5), 0};
  sums.clusters[1] = {U(40.5), U(20)};
  sums.clusters[7] = {0, U(8)};
  const std::string text = EncodeSavedRanking(12, "2-00ff", 345, sums);
  uint64_t version = 0, sequence = 0;
  std::string key;
  RankingSums back;
  ASSERT_TRUE(DecodeSavedRanking(text, &version, &key, &sequence, &back).ok());
  EXPECT_EQ(version, 12u);
  EXPECT_EQ(key, "2-00ff");
  EXPECT_EQ(sequence, 345u);
  EXPECT_EQ(back, sums);
  auto replaced = [&](const std::string& from, const std::string& to) {
    return Replaced(text, from, to);
  };
  const std::vector<std::pair<std::string, std::string>> damaged = {
      {replaced("sums,1", "sums,2"), "line 1"},
      {replaced("cluster,7,0,", "cluster,7,"), "line 8: bad units of cluster 7"},
      {replaced("cluster,7,", "cluster,1,"), "line 8: cluster 1 twice"},
      {replaced("cluster,7,", "cluster,0,"), "line 8: bad cluster id"},
      {replaced("sequence,345", "sequence,-1"), "line 4: bad sequence number"},
      {replaced("\nworld", "\nworlds"), "line 5: unexpected 'worlds' line"},
      {replaced("clustered,", "cluster,2,"), "a map_version, metrics, sequence, world or"},
      {replaced("world,", "clustered,"), "line 5: bad clustered totals"},
      {"", "empty"},
  };
  for (const auto& [bad, why] : damaged) {
    Status st = DecodeSavedRanking(bad, &version, &key, &sequence, &back);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << bad;
    EXPECT_NE(st.message().find(why), std::string::npos) << st.message();
  }
  // The data's grid and fingerprint: optional (texts saved before it have
  // none), round-tripped when present.
  std::optional<SavedDataFingerprint> data;
  ASSERT_TRUE(DecodeSavedRanking(text, &version, &key, &sequence, &back, &data).ok());
  EXPECT_FALSE(data.has_value());
  const SavedDataFingerprint fp{1000, 0xfedcba9876543210ULL};
  const std::string with = EncodeSavedRanking(12, "2-00ff", 345, sums, &fp);
  EXPECT_NE(with.find("\ndata,1000,fedcba9876543210\n"), std::string::npos) << with;
  ASSERT_TRUE(DecodeSavedRanking(with, &version, &key, &sequence, &back, &data).ok());
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->grid_step_e5, 1000);
  EXPECT_EQ(data->fingerprint, fp.fingerprint);
  EXPECT_EQ(back, sums);
  for (const std::string& bad :
       {Replaced(with, "data,1000,", "data,0,"), Replaced(with, "fedcba98", "fedcba9"),
        Replaced(with, "fedcba98", "fedcbax8"), Replaced(with, "data,1000,", "data,"),
        Replaced(with, "\nworld", "\ndata,1000,fedcba9876543210\nworld")}) {
    Status st = DecodeSavedRanking(bad, &version, &key, &sequence, &back, &data);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << bad;
  }
}

// The noise locations delineate keeps (saved_ranking.h) equal those
// computed from the aggregates, for the kept threshold and above, while the
// store is unchanged, and are not used below that threshold, for another
// map version, after a write, or when none were kept.
TEST(ClusterRank, SavedNoiseEqualsTheAggregatesUntilTheStoreIsWritten) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  const Grid& g = store->grid();
  std::mt19937_64 rng(41);
  StoreBatch b;
  // Two dense places (clusters) and scattered cells of 0-12 records.
  for (int i = 0; i < 4000; ++i) {
    AggregateKey k;
    k.source = Source::kPct;
    k.year = 2019 + static_cast<int32_t>(rng() % 5);
    if (i % 2 == 0) {
      const double lat = i % 4 == 0 ? 35.68 : 48.85, lon = i % 4 == 0 ? 139.77 : 2.35;
      k.cell = g.CellOf(static_cast<int32_t>(std::lround((lat + (rng() % 100) / 1000.0) * 1e5)),
                        static_cast<int32_t>(std::lround((lon + (rng() % 100) / 1000.0) * 1e5)));
    } else {
      k.cell = Cell{static_cast<int32_t>(rng() % 6000) - 3000,
                    static_cast<int32_t>(rng() % 12000) - 6000};
    }
    k.country[0] = 'J';
    k.country[1] = 'P';
    k.field = "H";
    b.AddAggregate(k, static_cast<Units>(rng() % (13 * kUnit)));
  }
  for (int32_t year = 2019; year <= 2023; ++year) b.AddTotals(Source::kPct, year, U(50000), 0, 1);
  ASSERT_TRUE(store->Apply(b).ok());
  Edition ed = TestEdition();
  for (MetricSpec& m : ed.metrics) m.min_weight = U(100);  // No scattered cell is a core.
  auto data = LoadDelineationData(*store, ed);
  ASSERT_TRUE(data.ok());
  ClusterMap map = Delineate(*data, nullptr, nullptr);
  ASSERT_EQ(map.clusters.size(), 2u);
  auto sums = SumClusters(*data, map);
  ASSERT_TRUE(sums.ok());
  ASSERT_TRUE(SaveClusterMap(store.get(), &map).ok());
  // None kept.
  ASSERT_TRUE(SaveRankingSums(store.get(), map, ed, *sums).ok());
  EXPECT_FALSE(LoadNoiseLocations(*store, map, ed, kSavedNoiseMinUnits)->has_value());
  const std::vector<NoisePoint> kept = NoiseLocations(*data, map, kSavedNoiseMinUnits);
  ASSERT_TRUE(SaveRankingSums(store.get(), map, ed, *sums, nullptr, &kept).ok());
  ASSERT_TRUE(LoadRankingSums(*store, map, ed)->has_value()) << "the sums stay current";
  for (const Units min : {kSavedNoiseMinUnits, kSavedNoiseMinUnits + 1, 9 * kUnit}) {
    SCOPED_TRACE(min);
    const std::vector<NoisePoint> want = NoiseLocations(*data, map, min);
    ASSERT_GT(want.size(), 10u);
    auto loaded = LoadNoiseLocations(*store, map, ed, min);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_TRUE(loaded->has_value());
    EXPECT_EQ(**loaded, want);
  }
  ASSERT_LT(NoiseLocations(*data, map, 9 * kUnit).size(), kept.size());
  EXPECT_FALSE(LoadNoiseLocations(*store, map, ed, kSavedNoiseMinUnits - 1)->has_value());
  Edition coarser = ed;  // The same metrics on another grid: other cells.
  coarser.grid_step_e5 = 10 * map.grid_step_e5;
  EXPECT_FALSE(LoadNoiseLocations(*store, map, coarser, kSavedNoiseMinUnits)->has_value());
  Edition same_grid = ed;  // The store's grid named explicitly: the same cells.
  same_grid.grid_step_e5 = map.grid_step_e5;
  EXPECT_TRUE(LoadNoiseLocations(*store, map, same_grid, kSavedNoiseMinUnits)->has_value());
  ClusterMap other = map;
  other.version = map.version + 1;
  EXPECT_FALSE(LoadNoiseLocations(*store, other, ed, kSavedNoiseMinUnits)->has_value());
  ASSERT_TRUE(store->PutMeta("unrelated", "x").ok());
  EXPECT_FALSE(LoadNoiseLocations(*store, map, ed, kSavedNoiseMinUnits)->has_value());
}

TEST(ClusterRank, SavedNoiseEncodingRoundTripsAndRejectsDamage) {
  const std::vector<NoisePoint> points = {
      {-900000, 1800000, U(5)}, {0, 0, U(7.25)}, {3568000, -13977000, 123456789012}};
  const std::string text = EncodeSavedNoise(12, "2-00ff", 345, U(5), points);
  uint64_t version = 0, sequence = 0;
  std::string key;
  Units min = 0;
  std::vector<NoisePoint> back;
  ASSERT_TRUE(DecodeSavedNoise(text, &version, &key, &sequence, &min, &back).ok());
  EXPECT_EQ(version, 12u);
  EXPECT_EQ(key, "2-00ff");
  EXPECT_EQ(sequence, 345u);
  EXPECT_EQ(min, U(5));
  EXPECT_EQ(back, points);
  auto replaced = [&](const std::string& from, const std::string& to) {
    return Replaced(text, from, to);
  };
  const std::vector<std::pair<std::string, std::string>> damaged = {
      {replaced("locations,1", "locations,2"), "line 1"},
      {replaced("sequence,345", "sequence,x"), "line 4: bad sequence"},
      {replaced("\nmetrics,", "\nmetric,"), "line 3: expected a 'metrics' line"},
      {replaced("\n0,0,", "\n0,0,x"), "line 7: expected lat_e5,lon_e5,units"},
      {replaced("\n0,0,", "\n0,"), "line 7: expected lat_e5,lon_e5,units"},
      {text.substr(0, text.find("\nmin_units")), "a header line is missing"},
      {"", "a header line is missing"},
  };
  for (const auto& [bad, why] : damaged) {
    Status st = DecodeSavedNoise(bad, &version, &key, &sequence, &min, &back);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << bad;
    EXPECT_NE(st.message().find(why), std::string::npos) << st.message();
    EXPECT_TRUE(back.empty());
  }
}

}  // namespace
}  // namespace stc::cluster
