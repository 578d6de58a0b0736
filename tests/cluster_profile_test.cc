// Profiles, populations and the intensity ranking on a small hand-computed
// world written into a store (records, aggregates and totals built from the
// same counted records), with a hand-made cluster map. Every top item, share,
// year count, growth, population and intensity below is computed by hand in
// the comments. Also: subject filter and weights, CSV neutralisation of the
// exports, and the JSON export checked against docs/schema/profiles.schema.json.
// The scan itself (parallel parts, started before the ranking, its sums):
// cluster_profile_scan_test.cc.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

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
