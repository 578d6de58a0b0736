// End to end over the cluster module: a small hand-computed world written
// straight into a store, delineated, stored, reloaded and ranked; shares and
// totals asserted exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <tuple>

#include "cluster/delineate.h"
#include "cluster/geo_math.h"
#include "cluster/map_store.h"
#include "cluster/naming.h"
#include "cluster/ranking.h"
#include "cluster/saved_ranking.h"
#include "tests/rank_world.h"
#include "tests/test_util.h"

namespace stc::cluster {
namespace {

using namespace rank_world;  // NOLINT(build/namespaces)
using stc::testing::TempDir;

// Places of the fake gazetteer.
struct FakePlace {
  double lat, lon;
  PlaceInfo info;
};

class FakeGazetteer : public PlaceLookup {
 public:
  explicit FakeGazetteer(std::vector<FakePlace> p) : places_(std::move(p)) {}
  std::optional<PlaceInfo> PrincipalPlace(int32_t lat_e5, int32_t lon_e5,
                                          double radius_km) const override {
    const FakePlace* best = nullptr;
    for (const FakePlace& p : places_) {
      double d = HaversineKm(lat_e5, lon_e5, static_cast<int32_t>(std::lround(p.lat * 1e5)),
                             static_cast<int32_t>(std::lround(p.lon * 1e5)));
      if (d > radius_km) continue;
      if (best == nullptr || p.info.population > best->info.population) best = &p;
    }
    if (best == nullptr) return std::nullopt;
    return best->info;
  }

 private:
  std::vector<FakePlace> places_;
};

FakeGazetteer WorldGazetteer() {
  return FakeGazetteer({{35.68, 139.77, {"Tokyo", "JP", "40", 9000000}},
                        {37.77, -122.42, {"San Francisco", "US", "CA", 870000}},
                        {22.54, 114.06, {"Shenzhen", "CN", "30", 12000000}},
                        {22.42, 114.15, {"Hong Kong", "HK", "", 13000000}}});
}

TEST(ClusterRank, HandComputedWorld) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  WriteWorld(store.get());
  const Edition ed = TestEdition();
  auto data = LoadDelineationData(*store, ed);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->world, (std::vector<Units>{U(100), U(200)}));
  FakeGazetteer gaz = WorldGazetteer();
  DelineationReport rep;
  ClusterMap map = Delineate(*data, &gaz, &rep);
  ASSERT_EQ(map.clusters.size(), 3u);
  EXPECT_EQ(rep.metrics[0].clusters, 3);  // PCT: Alpha, Beta, Gamma; FR is noise.
  EXPECT_EQ(rep.metrics[0].locations, 5u);
  EXPECT_EQ(rep.metrics[0].clustered, 4u);
  EXPECT_EQ(rep.metrics[1].clusters, 3);
  EXPECT_EQ(map.clusters[0].name, "Tokyo");
  EXPECT_EQ(map.clusters[0].economy, "JP");
  EXPECT_EQ(map.clusters[1].name, "San Francisco, CA");
  EXPECT_EQ(map.clusters[2].name, "Shenzhen\xE2\x80\x93Hong Kong");
  EXPECT_EQ(map.clusters[2].economy, "CN/HK");
  EXPECT_EQ(map.clusters[0].cells, 2);
  // Deterministic: the same input gives the same bytes.
  EXPECT_EQ(EncodeClusterMap(map), EncodeClusterMap(Delineate(*data, &gaz, nullptr)));

  ASSERT_TRUE(SaveClusterMap(store.get(), &map).ok());
  EXPECT_EQ(map.version, 1u);
  auto loaded = LoadCurrentClusterMap(*store);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(EncodeClusterMap(**loaded), EncodeClusterMap(map));

  auto ranking = ComputeRanking(*store, **loaded, ed);
  ASSERT_TRUE(ranking.ok()) << ranking.status().ToString();
  const Ranking& r = *ranking;
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.world, (std::vector<Units>{U(100), U(200)}));
  EXPECT_EQ(r.clustered, (std::vector<Units>{U(72.5), U(68)}));
  EXPECT_EQ(r.rows[0].name, "Tokyo");
  EXPECT_EQ(r.rows[0].units, (std::vector<Units>{U(40.5), U(20)}));
  EXPECT_DOUBLE_EQ(r.rows[0].share_pct[0], 40.5);
  EXPECT_DOUBLE_EQ(r.rows[0].share_pct[1], 10.0);
  EXPECT_DOUBLE_EQ(r.rows[0].score, 50.5);
  EXPECT_EQ(r.rows[1].units, (std::vector<Units>{U(20), U(40)}));
  EXPECT_DOUBLE_EQ(r.rows[1].score, 40.0);
  EXPECT_EQ(r.rows[2].units, (std::vector<Units>{U(12), U(8)}));
  EXPECT_DOUBLE_EQ(r.rows[2].score, 16.0);
  ExpectRankedFromDataAlike(*data, **loaded, r);

  const std::string settings =
      ",gii2024,grid_deg=0.01 merge_km=12 pct:2019-2023:eps_km=12:min_weight=5 "
      "article:2018-2022:eps_km=12:min_weight=5 place_radius_km=15 max_name_places=3 "
      "name_min_ratio=0.2 economy_min_share=0.02\n";
  EXPECT_EQ(FormatRanking(r, RankFormat::kCsv, 100),
            "rank,cluster_id,cluster,economy,pct_units,pct_share_pct,article_units,"
            "article_share_pct,total,previous_rank,rank_change,edition,settings\n"
            "1,1,Tokyo,JP,40.5,40.500000,20,10.000000,50.500000,," +
                settings + "2,2,\"San Francisco, CA\",US,20,20.000000,40,20.000000,40.000000,," +
                settings +
                "3,3,Shenzhen\xE2\x80\x93Hong Kong,CN/HK,12,12.000000,8,4.000000,16.000000,," +
                settings);
  EXPECT_EQ(EconomyCounts(r, 100),
            (std::vector<std::pair<std::string, int>>{{"CN", 1}, {"JP", 1}, {"US", 1}}));
  EXPECT_EQ(EconomyCounts(r, 1), (std::vector<std::pair<std::string, int>>{{"JP", 1}}));
  std::string table = FormatRanking(r, RankFormat::kTable, 2);
  EXPECT_NE(table.find("Clusters per economy: JP 1, US 1\n"), std::string::npos) << table;
  EXPECT_NE(table.find("   1  Tokyo"), std::string::npos) << table;
  EXPECT_EQ(table.find("Shenzhen"), std::string::npos) << table;
  std::string json = FormatRanking(r, RankFormat::kJson, 100);
  EXPECT_NE(json.find("\"world\":\"100\""), std::string::npos);
  EXPECT_NE(json.find("{\"economy\":\"CN\",\"clusters\":1}"), std::string::npos);
  EXPECT_NE(FormatRanking(r, RankFormat::kMarkdown, 100).find("| 1 | Tokyo | JP | 41 | 40.5 |"),
            std::string::npos);
}

TEST(ClusterRank, PreviousRankingGivesRankChanges) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  WriteWorld(store.get());
  auto data = LoadDelineationData(*store, TestEdition());
  FakeGazetteer gaz = WorldGazetteer();
  ClusterMap map = Delineate(*data, &gaz, nullptr);
  auto r = ComputeRanking(*store, map, TestEdition());
  ASSERT_TRUE(r.ok());
  auto prev = ParsePreviousRanking("rank,cluster,economy\n1,\"San Francisco, CA\",US\n2,Tokyo,JP\n",
                                   "prev.csv");
  ASSERT_TRUE(prev.ok()) << prev.status().ToString();
  ApplyPreviousRanking(*prev, &*r);
  std::string csv = FormatRanking(*r, RankFormat::kCsv, 100);
  EXPECT_NE(csv.find("50.500000,2,+1,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("40.000000,1,-1,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("16.000000,,,gii2024,"), std::string::npos) << csv;
  EXPECT_NE(FormatRanking(*r, RankFormat::kTable, 100).find("new"), std::string::npos);
  // Our own CSV reads back as a previous ranking.
  auto again = ParsePreviousRanking(csv, "own.csv");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->at("Shenzhen\xE2\x80\x93Hong Kong"), 3);
  EXPECT_FALSE(ParsePreviousRanking("name,score\nx,1\n", "bad.csv").ok());
  EXPECT_FALSE(ParsePreviousRanking("rank,cluster\nfirst,x\n", "bad.csv").ok());
}

TEST(ClusterRank, ClusterMapFileFromElsewhere) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  WriteWorld(store.get());
  // A nightly job's fixed map: Tokyo's two cells as cluster 7 (named), the
  // Shenzhen cell as cluster 9 (no name: computed), Paris as cluster 8.
  stc::testing::WriteFile(dir.Path("map.csv"),
                          "stcluster-clusters,1\n# fixed for the 2024 edition\n"
                          "cluster,7,Tokyo\xE2\x80\x93Yokohama,JP\n"
                          "cell,35.68,139.77,7\ncell,35.7,139.8,7\ncell,22.54,114.06,9\n"
                          "cell,48.85,2.35,8\n");
  auto map = ReadClusterMapFile(dir.Path("map.csv"), store->grid().step_e5());
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  ASSERT_EQ(map->clusters.size(), 3u);
  EXPECT_TRUE(map->clusters[0].name_pinned);
  auto data = LoadDelineationData(*store, TestEdition());
  NameClusters(*data, nullptr, &*map);
  EXPECT_EQ(map->Find(7)->name, "Tokyo\xE2\x80\x93Yokohama");
  EXPECT_EQ(map->Find(9)->name, "22.54N 114.06E");
  EXPECT_EQ(map->Find(9)->economy, "CN");
  ASSERT_TRUE(SaveClusterMap(store.get(), &*map).ok());
  auto r = ComputeRanking(*store, *map, TestEdition());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(r->rows[0].id, 7);
  EXPECT_EQ(r->rows[0].units, (std::vector<Units>{U(40.5), U(20)}));
  EXPECT_EQ(r->rows[1].id, 9);
  EXPECT_EQ(r->rows[2].id, 8);
  EXPECT_EQ(r->rows[2].units, (std::vector<Units>{U(1), 0}));
  ExpectRankedFromDataAlike(*data, *map, *r);

  // Versions: a second map becomes current; the first stays readable.
  ClusterMap second = Delineate(*data, nullptr, nullptr);
  ASSERT_TRUE(SaveClusterMap(store.get(), &second).ok());
  EXPECT_EQ(second.version, 2u);
  EXPECT_EQ(store->ClusterMapVersions().value(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(LoadClusterMap(*store, 1).value().Find(7)->name, "Tokyo\xE2\x80\x93Yokohama");
  ASSERT_TRUE(store->SetCurrentClusterMap(1).ok());
  EXPECT_EQ(LoadCurrentClusterMap(*store).value()->version, 1u);
  EXPECT_FALSE(store->SetCurrentClusterMap(5).ok());
}

TEST(ClusterRank, MapsSurviveReopeningAndReadOnlyOpens) {
  TempDir dir;
  std::string encoded;
  {
    auto store = stc::testing::OpenStore(dir.Path("db"));
    WriteWorld(store.get());
    auto ro_none = LoadCurrentClusterMap(*store);
    ASSERT_TRUE(ro_none.ok());
    EXPECT_FALSE(ro_none->has_value());
    auto data = LoadDelineationData(*store, TestEdition());
    ClusterMap map = Delineate(*data, nullptr, nullptr);
    ASSERT_TRUE(SaveClusterMap(store.get(), &map).ok());
    encoded = EncodeClusterMap(map);
  }
  StoreOptions o;
  o.read_only = true;
  auto ro = Store::Open(dir.Path("db"), o);
  ASSERT_TRUE(ro.ok()) << ro.status().ToString();
  auto map = LoadCurrentClusterMap(**ro);
  ASSERT_TRUE(map.ok() && map->has_value());
  EXPECT_EQ(EncodeClusterMap(**map), encoded);
  EXPECT_FALSE((*ro)->AddClusterMap("x").ok());
}

TEST(ClusterRank, NameOverridesPinNamesAndEconomies) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  WriteWorld(store.get());
  auto data = LoadDelineationData(*store, TestEdition());
  FakeGazetteer gaz = WorldGazetteer();
  ClusterMap map = Delineate(*data, &gaz, nullptr);
  std::vector<std::string> unmatched;
  Status st = ApplyNameOverrides(
      "# pinned names\nlat,lon,name,economy\n22.53,114.07,Shenzhen\xE2\x80\x93Hong Kong\xE2\x80\x93"
      "Guangzhou,CN/HK\n37.7,-122.4,\"San Jose\xE2\x80\x93San Francisco, CA\"\n0,0,Nowhere\n",
      "names.csv", 15, &map, &unmatched);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(map.clusters[2].name, "Shenzhen\xE2\x80\x93Hong Kong\xE2\x80\x93Guangzhou");
  EXPECT_EQ(map.clusters[1].name, "San Jose\xE2\x80\x93San Francisco, CA");
  EXPECT_TRUE(map.clusters[1].name_pinned);
  ASSERT_EQ(unmatched.size(), 1u);
  EXPECT_NE(unmatched[0].find("line 5"), std::string::npos);
  // Pinned names survive renaming.
  NameClusters(*data, &gaz, &map);
  EXPECT_EQ(map.clusters[1].name, "San Jose\xE2\x80\x93San Francisco, CA");
  EXPECT_FALSE(ApplyNameOverrides("1,2\n", "bad.csv", 15, &map, &unmatched).ok());
}

TEST(ClusterRank, CoarserEditionGridAndBadGrid) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  WriteWorld(store.get());
  Edition ed = TestEdition();
  ed.grid_step_e5 = 10000;  // 0.1 degree: Alpha's two cells become one.
  auto data = LoadDelineationData(*store, ed);
  ASSERT_TRUE(data.ok());
  ClusterMap map = Delineate(*data, nullptr, nullptr);
  EXPECT_EQ(map.Find(1)->cells, 1);
  auto r = ComputeRanking(*store, map, ed);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0].units, (std::vector<Units>{U(40.5), U(20)}));
  ExpectRankedFromDataAlike(*data, map, *r);
  // Data on the store's finer grid cannot rank the coarser map.
  auto fine = LoadDelineationData(*store, TestEdition());
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(ComputeRanking(*fine, map).status().code(), StatusCode::kInvalidArgument);
  ed.grid_step_e5 = 1500;  // Not a multiple of 0.01.
  EXPECT_EQ(LoadDelineationData(*store, ed).status().code(), StatusCode::kInvalidArgument);
}

// Random aggregates (several fields, one excluded by a subject filter, years
// in and out of the windows, countries), delineated on a coarser grid: the
// ranking from the delineation data equals the one from the store.
TEST(ClusterRank, RankingFromDelineationDataEqualsTheStoreScan) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  const Grid& g = store->grid();
  std::mt19937_64 rng(17);
  StoreBatch b;
  const char* const countries[] = {"JP", "US", "CN", "HK"};
  const char* const fields[] = {"H", "17", "12", "27"};
  for (int i = 0; i < 3000; ++i) {
    AggregateKey k;
    k.source = rng() % 2 ? Source::kPct : Source::kArticle;
    k.year = 2016 + static_cast<int32_t>(rng() % 9);
    // Around four centres, so that clusters form.
    const double lat[] = {35.68, 37.77, 22.54, 48.85}, lon[] = {139.77, -122.42, 114.06, 2.35};
    const int c = static_cast<int>(rng() % 4);
    k.cell = g.CellOf(static_cast<int32_t>(std::lround((lat[c] + (rng() % 200) / 1000.0) * 1e5)),
                      static_cast<int32_t>(std::lround((lon[c] + (rng() % 200) / 1000.0) * 1e5)));
    const char* cc = countries[rng() % 4];
    k.country[0] = cc[0];
    k.country[1] = cc[1];
    k.field = fields[rng() % 4];
    b.AddAggregate(k, static_cast<Units>(1 + rng() % (3 * kUnit)));
  }
  for (int year = 2016; year <= 2024; ++year) {
    b.AddTotals(Source::kPct, year, U(5000), 0, 5000);
    b.AddTotals(Source::kArticle, year, U(5000), 0, 5000);
  }
  ASSERT_TRUE(store->Apply(b).ok());
  for (const int32_t step : {1000, 5000}) {
    Edition ed = TestEdition();
    ed.grid_step_e5 = step;
    ed.metrics[1].exclude_fields = {"27"};
    auto data = LoadDelineationData(*store, ed);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    ClusterMap map = Delineate(*data, nullptr, nullptr);
    ASSERT_GE(map.clusters.size(), 3u) << step;
    auto from_store = ComputeRanking(*store, map, ed);
    ASSERT_TRUE(from_store.ok());
    ASSERT_GE(from_store->rows.size(), 3u);
    ExpectRankedFromDataAlike(*data, map, *from_store);
  }
}

// Many rows per (cell, country, metric), across years and fields, more than
// LoadDelineationData's in-place folding starts at (65,536 entries): its
// cells, units and country splits equal sums computed here by brute force,
// on the store's grid (a part's rows come in a sorted run per source and
// year, which it merges) and on a grid 100 times coarser (whose cells come
// back with every row of the store's: a run per row, more than it merges,
// so it sorts).
TEST(ClusterRank, DelineationDataEqualsBruteForceSums) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  const Grid& g = store->grid();
  std::mt19937_64 rng(29);
  const char* const countries[] = {"JP", "US", "CN", "HK", "DE"};
  const char* const fields[] = {"H", "17", "12", "27"};
  std::vector<std::pair<AggregateKey, Units>> rows;
  StoreBatch b;
  for (int i = 0; i < 400000; ++i) {
    AggregateKey k;
    k.source = rng() % 2 ? Source::kPct : Source::kArticle;
    k.year = 2016 + static_cast<int32_t>(rng() % 9);
    // 40,000 places, each with one or two countries.
    const uint64_t place = rng() % 40000;
    k.cell = g.CellOf(static_cast<int32_t>(place % 200) * 30000 - 3000000,
                      static_cast<int32_t>(place / 200) * 90000 - 9000000);
    const char* cc = countries[(place + rng() % 2) % 5];
    k.country[0] = cc[0];
    k.country[1] = cc[1];
    k.field = fields[rng() % 4];
    const Units u = static_cast<Units>(1 + rng() % (3 * kUnit));
    b.AddAggregate(k, u);
    rows.emplace_back(k, u);
  }
  for (int32_t year = 2016; year <= 2024; ++year) {  // World totals: the ranking's shares.
    b.AddTotals(Source::kPct, year, U(1000000), 0, 1);
    b.AddTotals(Source::kArticle, year, U(1000000), 0, 1);
  }
  ASSERT_TRUE(store->Apply(b).ok());
  for (const int32_t step : {g.step_e5(), 100 * g.step_e5()}) {
    SCOPED_TRACE(step);
    Edition ed = TestEdition();
    ed.metrics[1].exclude_fields = {"27"};
    ed.grid_step_e5 = step;
    const Grid grid(step);
    // (cell, country, metric) -> units, and cell -> units per metric.
    std::map<std::tuple<Cell, std::string, size_t>, Units> want_countries;
    std::map<Cell, std::vector<Units>> want_cells;
    for (const auto& [k, u] : rows) {
      const Cell cell = grid.CellOf(g.CentreLatE5(k.cell), g.CentreLonE5(k.cell));
      for (size_t m = 0; m < ed.metrics.size(); ++m) {
        const MetricSpec& spec = ed.metrics[m];
        if (k.source != spec.source || k.year < spec.year_from || k.year > spec.year_to ||
            !spec.Counts(k.field)) {
          continue;
        }
        want_countries[{cell, std::string(k.country, 2), m}] += u;
        std::vector<Units>& units = want_cells[cell];
        units.resize(ed.metrics.size(), 0);
        units[m] += u;
      }
    }
    auto data = LoadDelineationData(*store, ed);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    if (step == g.step_e5()) {
      ASSERT_GT(want_countries.size(), size_t{65536});
    }
    ASSERT_EQ(data->cells.size(), want_cells.size());
    size_t i = 0;
    for (const auto& [cell, units] : want_cells) {
      ASSERT_EQ(data->cells[i], cell) << i;
      for (size_t m = 0; m < units.size(); ++m) EXPECT_EQ(data->UnitsOf(i, m), units[m]) << i;
      ++i;
    }
    ASSERT_EQ(data->countries.size(), want_countries.size());
    i = 0;
    for (const auto& [key, units] : want_countries) {
      const DelineationData::CountryUnits& got = data->countries[i++];
      ASSERT_EQ(data->cells[got.cell], std::get<0>(key)) << i;
      EXPECT_EQ(std::string(got.country, 2), std::get<1>(key)) << i;
      EXPECT_EQ(got.metric, std::get<2>(key)) << i;
      EXPECT_EQ(got.units, units) << i;
    }
    // The ranking read from the store (its aggregates in key ranges, one
    // thread each) equals the one from the data just checked.
    // A map by hand: every cell in one of 7 clusters by its row, one row in 8
    // in none.
    ClusterMap map;
    map.grid_step_e5 = data->grid_step_e5;
    for (int32_t id = 1; id <= 7; ++id)
      map.clusters.push_back({.id = id, .name = "c", .economy = "JP"});
    for (const Cell& c : data->cells) {
      const int32_t row = c.lat_idx / 30;
      if ((row % 8 + 8) % 8 != 0) map.cells.emplace_back(c, (row % 7 + 7) % 7 + 1);
    }
    map.ComputeFootprints();
    auto from_store = ComputeRanking(*store, map, ed);
    ASSERT_TRUE(from_store.ok()) << from_store.status().ToString();
    ASSERT_GE(from_store->rows.size(), 2u);
    ExpectRankedFromDataAlike(*data, map, *from_store);
  }
}

}  // namespace
}  // namespace stc::cluster
