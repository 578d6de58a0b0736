// Profiles, populations and the intensity ranking on a small hand-computed
// world written into a store (records, aggregates and totals built from the
// same counted records), with a hand-made cluster map. Every top item, share,
// year count, growth, population and intensity below is computed by hand in
// the comments. Also: subject filter and weights, CSV neutralisation of the
// exports, and the JSON export checked against docs/schema/profiles.schema.json.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>

#include "cluster/intensity.h"
#include "cluster/profile.h"
#include "cluster/profile_format.h"
#include "cluster/ranking.h"
#include "core/record_codec.h"
#include "tests/cluster_json_schema.h"
#include "tests/profile_world.h"
#include "tests/test_util.h"

namespace stc::cluster {
namespace {

using stc::testing::TempDir;

using namespace profile_world;  // NOLINT(build/namespaces)

class FakePopulation : public PopulationSource {
 public:
  Status ForEachPlace(const std::function<Status(const PopulatedPlace&)>& fn) const override {
    const std::vector<PopulatedPlace> places = {
        {E5(35.68), E5(139.77), 2'000'000},  // In Alpha.
        {E5(35.70), E5(139.80), 500'000},    // In Alpha.
        {E5(35.68), E5(139.77), 0},          // No population: not counted.
        {E5(35.75), E5(139.90), 1'000'000},  // Near Alpha but in no cluster cell.
        {E5(52.20), E5(0.12), 150'000},      // Beta.
        {E5(48.85), E5(2.35), 2'100'000},    // Paris: noise, no cluster.
    };
    for (const PopulatedPlace& p : places) STC_RETURN_IF_ERROR(fn(p));
    return Status::Ok();
  }
  std::string Describe() const override { return "fake gazetteer, 6 places"; }
};

struct World {
  TempDir dir;
  std::unique_ptr<Store> store;
  ClusterMap map;
  Ranking ranking;
  ClusterPopulations populations;
  std::vector<ClusterProfile> profiles;
};

void Build(World* w, const Edition& edition) {
  w->store = stc::testing::OpenStore(w->dir.Path("db"));
  WriteWorld(w->store.get());
  w->map = WorldMap(w->store->grid());
  auto r = ComputeRanking(*w->store, w->map, edition);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  w->ranking = std::move(*r);
  FakePopulation pop;
  auto p = ComputeClusterPopulations(w->map, pop);
  ASSERT_TRUE(p.ok());
  w->populations = std::move(*p);
  ProfileOptions o;
  o.population = &w->populations;
  auto profiles = ComputeProfiles(*w->store, w->map, w->ranking, o);
  ASSERT_TRUE(profiles.ok()) << profiles.status().ToString();
  w->profiles = std::move(*profiles);
}

TEST(ClusterProfile, HandComputedRankingAndPopulations) {
  World w;
  Build(&w, BuiltinEdition("gii2024").value());
  EXPECT_EQ(w.ranking.world, (std::vector<Units>{U(7), U(3)}));
  ASSERT_EQ(w.ranking.rows.size(), 3u);
  EXPECT_EQ(w.ranking.rows[0].name, "Alpha");
  EXPECT_EQ(w.ranking.rows[0].units, (std::vector<Units>{U(3.5), U(1.5)}));
  EXPECT_DOUBLE_EQ(w.ranking.rows[0].score, 100.0);
  EXPECT_EQ(w.ranking.rows[1].name, "Beta");
  EXPECT_EQ(w.ranking.rows[1].units, (std::vector<Units>{U(1), U(1.5)}));
  EXPECT_EQ(w.ranking.rows[2].name, "Gamma");

  EXPECT_EQ(w.populations.source, "fake gazetteer, 6 places");
  EXPECT_EQ(w.populations.Of(1).population, 2'500'000);
  EXPECT_EQ(w.populations.Of(1).places, 2);
  EXPECT_EQ(w.populations.Of(2).population, 150'000);
  EXPECT_EQ(w.populations.Of(2).places, 1);
  EXPECT_EQ(w.populations.Of(3).population, 0);
  EXPECT_EQ(w.populations.Of(3).places, 0);
}

TEST(ClusterProfile, HandComputedProfiles) {
  World w;
  Build(&w, BuiltinEdition("gii2024").value());
  ASSERT_EQ(w.profiles.size(), 3u);
  const ClusterProfile& a = w.profiles[0];
  EXPECT_EQ(a.rank, 1);
  EXPECT_EQ(a.name, "Alpha");
  EXPECT_EQ(a.population, 2'500'000);
  EXPECT_EQ(a.cells, 2);
  ASSERT_EQ(a.metrics.size(), 2u);

  // Alpha, PCT: P1 1 (2019), P2 0.5 (2020), P3 1 + P7 1 (2023); P5 is 2018.
  const MetricProfile& ap = a.metrics[0];
  EXPECT_EQ(ap.year_units, (std::vector<Units>{U(1), U(0.5), 0, 0, U(2)}));
  EXPECT_EQ(ap.units, U(3.5));
  EXPECT_DOUBLE_EQ(ap.share_pct, 50.0);
  ASSERT_TRUE(ap.growth.has_value());
  EXPECT_DOUBLE_EQ(*ap.growth, std::pow(2.0, 0.25) - 1);
  ASSERT_TRUE(ap.per_million.has_value());
  EXPECT_DOUBLE_EQ(*ap.per_million, 3.5 / 2.5);
  // Applicants: Sony 1 (P1, two spellings of one name) + 0.25 (P2) = 1.25;
  // Toyota 0.25 (P2) + 0.5 (P3) = 0.75; Denso 0.5. P7 has none.
  ASSERT_EQ(ap.top_orgs.size(), 3u);
  EXPECT_EQ(ap.top_orgs[0].name, "Sony Corp");
  EXPECT_EQ(ap.top_orgs[0].units, U(1.25));
  EXPECT_DOUBLE_EQ(ap.top_orgs[0].share, 1.25 / 3.5);
  EXPECT_EQ(ap.top_orgs[1].name, "Toyota");
  EXPECT_EQ(ap.top_orgs[1].units, U(0.75));
  EXPECT_EQ(ap.top_orgs[2].name, "Denso");
  EXPECT_EQ(ap.top_orgs[2].units, U(0.5));
  // Technology fields: 4 = 1 (P1) + 0.25 (P2, H04N 21), 14 = 1 (P3, A61K 8),
  // 6 = 0.25 (P2, G06F).
  ASSERT_EQ(ap.top_fields.size(), 3u);
  EXPECT_EQ(ap.top_fields[0].code, "4");
  EXPECT_EQ(ap.top_fields[0].name, "Digital communication");
  EXPECT_EQ(ap.top_fields[0].units, U(1.25));
  EXPECT_DOUBLE_EQ(ap.top_fields[0].share, 1.25 / 3.5);
  EXPECT_EQ(ap.top_fields[1].code, "14");
  EXPECT_EQ(ap.top_fields[1].units, U(1));
  EXPECT_EQ(ap.top_fields[2].code, "6");
  EXPECT_EQ(ap.top_fields[2].units, U(0.25));
  ASSERT_EQ(ap.fields.size(), 3u);  // Numeric code order: 4, 6, 14.
  EXPECT_EQ(ap.fields[0].code, "4");
  EXPECT_EQ(ap.fields[0].year_units, (std::vector<Units>{U(1), U(0.25), 0, 0, 0}));
  EXPECT_EQ(ap.fields[1].code, "6");
  EXPECT_EQ(ap.fields[2].code, "14");
  EXPECT_EQ(ap.fields[2].year_units, (std::vector<Units>{0, 0, 0, 0, U(1)}));

  // Alpha, articles: A1 0.5 (2018), A2 1 (2022).
  const MetricProfile& aa = a.metrics[1];
  EXPECT_EQ(aa.year_units, (std::vector<Units>{U(0.5), 0, 0, 0, U(1)}));
  EXPECT_DOUBLE_EQ(*aa.growth, std::pow(2.0, 0.25) - 1);
  EXPECT_DOUBLE_EQ(*aa.per_million, 1.5 / 2.5);
  // Organisations: A1's 0.5 split over both of its organisations.
  ASSERT_EQ(aa.top_orgs.size(), 2u);
  EXPECT_EQ(aa.top_orgs[0].name, "University of Tokyo");
  EXPECT_EQ(aa.top_orgs[0].units, U(1.25));
  EXPECT_DOUBLE_EQ(aa.top_orgs[0].share, 1.25 / 1.5);
  EXPECT_EQ(aa.top_orgs[1].name, "University of Cambridge");
  EXPECT_EQ(aa.top_orgs[1].units, U(0.25));
  // Subject areas: 27 = 1 (A2 has no codes: its field), 17 and 22 = 0.25.
  ASSERT_EQ(aa.top_fields.size(), 3u);
  EXPECT_EQ(aa.top_fields[0].code, "27");
  EXPECT_EQ(aa.top_fields[0].name, "Medicine");
  EXPECT_DOUBLE_EQ(aa.top_fields[0].share, 1.0 / 1.5);
  EXPECT_EQ(aa.top_fields[1].name, "Computer Science");  // Tie at 0.25: name order.
  EXPECT_EQ(aa.top_fields[2].name, "Engineering");

  // The published columns.
  ASSERT_NE(a.TopApplicant(), nullptr);
  EXPECT_EQ(a.TopApplicant()->name, "Sony Corp");
  EXPECT_EQ(a.TopTechnologyField()->name, "Digital communication");
  EXPECT_EQ(a.TopScientificOrg()->name, "University of Tokyo");
  EXPECT_EQ(a.TopScientificField()->name, "Medicine");

  // Beta: PCT only P4 (2021): growth undefined (nothing in 2019); fields 10
  // and 11 tie at 0.5: name order puts "Analysis of biological materials" first.
  const ClusterProfile& b = w.profiles[1];
  EXPECT_EQ(b.name, "Beta");
  const MetricProfile& bp = b.metrics[0];
  EXPECT_EQ(bp.year_units, (std::vector<Units>{0, 0, U(1), 0, 0}));
  EXPECT_FALSE(bp.growth.has_value());
  EXPECT_DOUBLE_EQ(*bp.per_million, 1.0 / 0.15);
  EXPECT_EQ(b.TopApplicant()->name, "ARM Ltd");
  EXPECT_DOUBLE_EQ(b.TopApplicant()->share, 1.0);
  EXPECT_EQ(b.TopTechnologyField()->code, "11");
  EXPECT_DOUBLE_EQ(b.TopTechnologyField()->share, 0.5);
  // Beta, articles: A1 0.5 (2018), A3 1 (2020); nothing in 2022: growth -100%.
  const MetricProfile& ba = b.metrics[1];
  EXPECT_EQ(ba.year_units, (std::vector<Units>{U(0.5), 0, U(1), 0, 0}));
  EXPECT_DOUBLE_EQ(*ba.growth, -1.0);
  EXPECT_DOUBLE_EQ(*ba.per_million, 10.0);
  EXPECT_EQ(b.TopScientificOrg()->name, "University of Cambridge");
  EXPECT_EQ(b.TopScientificOrg()->units, U(1.25));
  EXPECT_EQ(b.TopScientificField()->code, "27");

  // Gamma: no population, no articles.
  const ClusterProfile& c = w.profiles[2];
  EXPECT_EQ(c.population, 0);
  EXPECT_FALSE(c.metrics[0].per_million.has_value());
  EXPECT_EQ(c.TopApplicant()->name, "CSIRO");
  EXPECT_EQ(c.TopTechnologyField()->name, "Biotechnology");
  EXPECT_EQ(c.TopScientificOrg(), nullptr);
  EXPECT_EQ(c.TopScientificField(), nullptr);

  // Property: a profile's year counts add up exactly to the ranking's units
  // (records scan vs aggregates), and attributed field units never exceed them.
  for (size_t i = 0; i < w.profiles.size(); ++i) {
    for (size_t m = 0; m < 2; ++m) {
      const MetricProfile& mp = w.profiles[i].metrics[m];
      Units sum = 0;
      for (Units u : mp.year_units) sum += u;
      EXPECT_EQ(sum, w.ranking.rows[i].units[m]) << i << " " << m;
      Units fields = 0;
      for (const FieldSeries& f : mp.fields) fields += f.units;
      EXPECT_LE(fields, sum);
    }
  }
}

TEST(ClusterProfile, IntensityRanking) {
  World w;
  Build(&w, BuiltinEdition("gii2024").value());
  // Alpha: score 100 over 2.5 M = 40; Beta: (100/7 + 50) over 0.15 M; Gamma
  // has no population.
  IntensityRanking ir = ComputeIntensityRanking(w.ranking, w.populations, 100);
  ASSERT_EQ(ir.rows.size(), 2u);
  EXPECT_EQ(ir.rows[0].name, "Beta");
  EXPECT_EQ(ir.rows[0].rank, 1);
  EXPECT_EQ(ir.rows[0].size_rank, 2);
  EXPECT_DOUBLE_EQ(ir.rows[0].intensity, (100.0 / 7 + 50) / 0.15);
  EXPECT_DOUBLE_EQ(ir.rows[0].per_million[0], 1.0 / 0.15);
  EXPECT_DOUBLE_EQ(ir.rows[0].per_million[1], 10.0);
  EXPECT_EQ(ir.rows[1].name, "Alpha");
  EXPECT_DOUBLE_EQ(ir.rows[1].intensity, 40.0);
  EXPECT_DOUBLE_EQ(ir.rows[1].per_million[0], 1.4);
  ASSERT_EQ(ir.unpopulated.size(), 1u);
  EXPECT_EQ(ir.unpopulated[0].name, "Gamma");
  // The pool: only the size top 1.
  IntensityRanking top1 = ComputeIntensityRanking(w.ranking, w.populations, 1);
  ASSERT_EQ(top1.rows.size(), 1u);
  EXPECT_EQ(top1.rows[0].name, "Alpha");

  std::string csv = FormatIntensityRanking(ir, RankFormat::kCsv, 100);
  EXPECT_NE(csv.find("\n1,2,2,Beta,GB,150000,1,1,6.666667,1.5,10.000000,"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",gii2024,grid_deg=0.01 merge_km=12 pct:2019-2023:"), std::string::npos);
  EXPECT_NE(csv.find(",\"fake gazetteer, 6 places\"\n"), std::string::npos) << csv;
  std::string table = FormatIntensityRanking(ir, RankFormat::kTable, 100);
  EXPECT_NE(table.find("Not ranked (no populated place in the footprint): Gamma (size rank 3)"),
            std::string::npos)
      << table;
}

TEST(ClusterProfile, SubjectFilterAndWeights) {
  Edition e = BuiltinEdition("gii2024").value();
  e.metrics[1].exclude_fields = {"27"};  // Medicine out: only A1 (field 17) counts.
  e.metrics[0].weight = 2;
  World w;
  Build(&w, e);
  EXPECT_EQ(w.ranking.world, (std::vector<Units>{U(7), U(1)}));
  ASSERT_EQ(w.ranking.rows.size(), 3u);
  EXPECT_EQ(w.ranking.rows[0].name, "Alpha");
  EXPECT_EQ(w.ranking.rows[0].units, (std::vector<Units>{U(3.5), U(0.5)}));
  EXPECT_DOUBLE_EQ(w.ranking.rows[0].score, 2 * 50.0 + 50.0);
  EXPECT_EQ(w.profiles[0].metrics[1].year_units, (std::vector<Units>{U(0.5), 0, 0, 0, 0}));
  EXPECT_EQ(w.profiles[1].metrics[1].units, U(0.5));
  EXPECT_EQ(w.profiles[1].TopScientificField()->name, "Computer Science");
}

TEST(ClusterProfile, ExportsNeutraliseAndMatchTheSchema) {
  World w;
  Edition e = BuiltinEdition("gii2024").value();
  w.store = stc::testing::OpenStore(w.dir.Path("db"));
  WriteWorld(w.store.get());
  w.map = WorldMap(w.store->grid());
  w.map.Find(2)->name = "=HYPERLINK(\"http://x\")";
  w.map.Find(3)->name = "-Gamma";
  auto r = ComputeRanking(*w.store, w.map, e);
  ASSERT_TRUE(r.ok());
  ProfileSet set;
  set.ranking = *r;
  auto profiles = ComputeProfiles(*w.store, w.map, set.ranking, ProfileOptions{});
  ASSERT_TRUE(profiles.ok());
  set.profiles = *profiles;

  std::string csv = FormatProfileExport(set, ProfileFormat::kCsv);
  EXPECT_EQ(csv.find("\n=HYP"), std::string::npos);
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://x\"\")\",GB,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'-Gamma,AU,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("# Edition gii2024: "), std::string::npos);
  EXPECT_NE(csv.find("\nedition,rank,cluster_id,cluster,economy,population,metric,year,"
                     "field_kind,field_code,field_name,units,share\n"),
            std::string::npos);
  EXPECT_NE(csv.find("\ngii2024,1,1,Alpha,JP,0,pct,2019,all,,,1,1.000000\n"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\ngii2024,1,1,Alpha,JP,0,pct,2020,technology,4,Digital communication,"
                     "0.25,0.500000\n"),
            std::string::npos)
      << csv;
  // Rows: 3 clusters x (5 PCT + 5 article years) "all" rows, plus one per
  // field and year with units (Alpha: PCT 4 + articles 3; Beta: 2 + 3;
  // Gamma: 1).
  size_t rows = 0;
  for (size_t pos = csv.find("\ngii2024,"); pos != std::string::npos;
       pos = csv.find("\ngii2024,", pos + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 30u + 7u + 5u + 1u);

  std::string size_csv = FormatRanking(set.ranking, RankFormat::kCsv, 100);
  EXPECT_NE(size_csv.find(",\"'=HYPERLINK(\"\"http://x\"\")\",GB,"), std::string::npos) << size_csv;
  // Our own reader of previous rankings gets the exact names back.
  auto prev = ParsePreviousRanking(size_csv, "own");
  ASSERT_TRUE(prev.ok()) << prev.status().ToString();
  EXPECT_EQ(prev->count("=HYPERLINK(\"http://x\")"), 1u);
  EXPECT_EQ(prev->count("-Gamma"), 1u);
  // And a map file keeps them too.
  auto map_back = ParseClusterMap(EncodeClusterMap(w.map), 1000, "map");
  ASSERT_TRUE(map_back.ok()) << map_back.status().ToString();
  EXPECT_EQ(map_back->Find(2)->name, "=HYPERLINK(\"http://x\")");
  EXPECT_EQ(map_back->Find(3)->name, "-Gamma");
  EXPECT_NE(EncodeClusterMap(w.map).find(",'-Gamma,"), std::string::npos);

  std::string json = FormatProfileExport(set, ProfileFormat::kJson);
  auto errors = stc::testing::CheckJsonSchema(
      json, std::string(STC_SOURCE_DIR) + "/docs/schema/profiles.schema.json");
  ASSERT_TRUE(errors.ok()) << errors.status().ToString();
  EXPECT_TRUE(errors->empty()) << (*errors)[0];
  // The checker can fail: a missing required key and a wrong type are caught.
  std::string broken = json;
  broken.replace(broken.find("\"population_source\""), 19, "\"populationsource\"");
  auto e1 = stc::testing::CheckJsonSchema(
      broken, std::string(STC_SOURCE_DIR) + "/docs/schema/profiles.schema.json");
  ASSERT_TRUE(e1.ok());
  EXPECT_FALSE(e1->empty());
  std::string wrong_type = json;
  wrong_type.replace(wrong_type.find("\"units\":\""), 9, "\"units\":1,\"x\":\"");
  auto e2 = stc::testing::CheckJsonSchema(
      wrong_type, std::string(STC_SOURCE_DIR) + "/docs/schema/profiles.schema.json");
  ASSERT_TRUE(e2.ok());
  EXPECT_FALSE(e2->empty());
}

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

TEST(ClusterProfile, EditionFilesMatchTheSchema) {
  const std::string schema = std::string(STC_SOURCE_DIR) + "/docs/schema/edition.schema.json";
  for (const std::string& name : BuiltinEditionNames()) {
    auto errors =
        stc::testing::CheckJsonSchema(EditionToJson(BuiltinEdition(name).value()), schema);
    ASSERT_TRUE(errors.ok()) << errors.status().ToString();
    EXPECT_TRUE(errors->empty()) << name << ": " << (*errors)[0];
  }
  auto bad = stc::testing::CheckJsonSchema(
      R"({"format": "stcluster-edition/1", "name": "x",
          "metrics": [{"source": "pct", "years": [2019, 2023], "eps_km": "12"}]})",
      schema);
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->empty());
}

TEST(ClusterProfile, FindCluster) {
  World w;
  Build(&w, BuiltinEdition("gii2024").value());
  EXPECT_EQ(FindCluster(w.ranking, "2").value()->name, "Beta");
  EXPECT_EQ(FindCluster(w.ranking, "#3").value()->name, "Gamma");
  EXPECT_EQ(FindCluster(w.ranking, "id:1").value()->name, "Alpha");
  EXPECT_EQ(FindCluster(w.ranking, "Beta").value()->name, "Beta");
  EXPECT_EQ(FindCluster(w.ranking, "gamma").value()->name, "Gamma");
  EXPECT_EQ(FindCluster(w.ranking, "lph").value()->name, "Alpha");
  EXPECT_EQ(FindCluster(w.ranking, "9").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(FindCluster(w.ranking, "Delta").status().code(), StatusCode::kNotFound);
  auto ambiguous = FindCluster(w.ranking, "a");  // Alpha, Beta, Gamma.
  EXPECT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace stc::cluster
