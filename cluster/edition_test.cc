// Edition files: round trips, defaults, and one error per malformed field.
#include "cluster/edition.h"

#include <gtest/gtest.h>

#include <fstream>

namespace stc::cluster {
namespace {

TEST(EditionFile, BuiltinsRoundTrip) {
  for (const std::string& name : BuiltinEditionNames()) {
    auto e = BuiltinEdition(name);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->name, name);
    std::string json = EditionToJson(*e);
    auto back = ParseEdition(json, "round trip");
    ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << json;
    EXPECT_EQ(*back, *e) << json;
    EXPECT_EQ(EditionToJson(*back), json);
  }
}

TEST(EditionFile, BuiltinWindowsAndDefaults) {
  Edition e = BuiltinEdition("gii2023").value();
  ASSERT_EQ(e.metrics.size(), 2u);
  EXPECT_EQ(e.metrics[0].source, Source::kPct);
  EXPECT_EQ(e.metrics[0].Years(), "2018-2022");
  EXPECT_EQ(e.metrics[1].Years(), "2017-2021");
  // Unwritten settings are the struct defaults.
  const MetricSpec defaults;
  const Edition edefaults;
  EXPECT_EQ(e.metrics[0].eps_km, defaults.eps_km);
  EXPECT_EQ(e.metrics[0].min_share, defaults.min_share);
  EXPECT_EQ(e.metrics[0].weight, 1.0);
  EXPECT_EQ(e.grid_step_e5, edefaults.grid_step_e5);
  EXPECT_EQ(e.merge_km, edefaults.merge_km);
  Edition e25 = BuiltinEdition("gii2025").value();
  ASSERT_EQ(e25.metrics.size(), 3u);
  EXPECT_EQ(e25.metrics[2].source, Source::kVc);
  EXPECT_EQ(e25.metrics[2].Years(), "2020-2024");
  EXPECT_FALSE(BuiltinEdition("gii1999").ok());
}

TEST(EditionFile, CustomRoundTrip) {
  const char* json = R"({
    "format": "stcluster-edition/1", "name": "my-edition_2", "description": "test \"quoted\"",
    "metrics": [
      {"source": "article", "years": "2015-2020", "weight": 0.5, "eps_km": 7.25,
       "min_weight": 2.5, "min_share": 0, "exclude_fields": ["33", "12", "33"]},
      {"source": "pct", "years": 2021}
    ],
    "grid_deg": 0.05, "merge_km": 0,
    "naming": {"place_radius_km": 20, "max_name_places": 2, "name_min_ratio": 0.1,
               "economy_min_share": 0.05}
  })";
  auto e = ParseEdition(json, "custom");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->metrics.size(), 2u);
  const MetricSpec& a = e->metrics[0];
  EXPECT_EQ(a.source, Source::kArticle);
  EXPECT_EQ(a.year_from, 2015);
  EXPECT_EQ(a.year_to, 2020);
  EXPECT_EQ(a.weight, 0.5);
  EXPECT_EQ(a.eps_km, 7.25);
  EXPECT_EQ(a.min_weight, 2 * kUnit + kUnit / 2);
  EXPECT_EQ(a.min_share, 0.0);
  EXPECT_EQ(a.exclude_fields, (std::vector<std::string>{"12", "33"}));  // Sorted, unique.
  EXPECT_FALSE(a.Counts("33"));
  EXPECT_TRUE(a.Counts("17"));
  EXPECT_EQ(e->metrics[1].year_from, 2021);
  EXPECT_EQ(e->metrics[1].year_to, 2021);
  EXPECT_EQ(e->grid_step_e5, 5000);
  EXPECT_EQ(e->merge_km, 0.0);
  EXPECT_EQ(e->max_name_places, 2);
  EXPECT_EQ(e->MetricIndex(Source::kPct), 1);
  EXPECT_EQ(e->MetricIndex(Source::kVc), -1);
  auto back = ParseEdition(EditionToJson(*e), "again");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *e);
  EXPECT_NE(e->Settings().find("article:2015-2020:eps_km=7.25:min_weight=2.5:weight=0.5:"
                               "exclude_fields=12+33"),
            std::string::npos)
      << e->Settings();
}

std::string WithMetric(const std::string& metric) {
  return R"({"format": "stcluster-edition/1", "name": "x", "metrics": [)" + metric + "]}";
}

TEST(EditionFile, ErrorsNameTheField) {
  struct Case {
    std::string json, expected;
  };
  const std::vector<Case> cases = {
      {"not json", "bad.json: not valid JSON"},
      {"[1]", "bad.json: expected a JSON object"},
      {R"({"name": "x", "metrics": []})", "bad.json: format: missing"},
      {R"({"format": "stcluster-edition/2", "name": "x", "metrics": []})",
       "bad.json: format: expected \"stcluster-edition/1\""},
      {R"({"format": "stcluster-edition/1", "metrics": []})", "bad.json: name: missing"},
      {R"({"format": "stcluster-edition/1", "name": "x"})", "bad.json: metrics: missing"},
      {R"({"format": "stcluster-edition/1", "name": "x", "metrics": []})",
       "bad.json: metrics: at least one metric"},
      {R"({"format": "stcluster-edition/1", "name": "a b", "metrics": []})", "bad.json: name:"},
      {R"({"format": "stcluster-edition/1", "name": "x", "metrics": [], "eps": 3})",
       "bad.json: eps: unknown key"},
      {WithMetric(R"({"source": "pct", "years": [2019, 2023], "eps": 5})"),
       "bad.json: metrics[0].eps: unknown key"},
      {WithMetric(R"({"years": [2019, 2023]})"), "bad.json: metrics[0].source: missing"},
      {WithMetric(R"({"source": "pct"})"), "bad.json: metrics[0].years: missing"},
      {WithMetric(R"({"source": "patents", "years": [2019, 2023]})"),
       "bad.json: metrics[0].source: 'patents' is not pct, article or vc"},
      {WithMetric(R"({"source": "pct", "years": [2023, 2019]})"),
       "bad.json: metrics[0].years: the first year is after the last"},
      {WithMetric(R"({"source": "pct", "years": "2019to2023"})"),
       "bad.json: metrics[0].years: expected \"FIRST-LAST\" or a year"},
      {WithMetric(R"({"source": "pct", "years": [2019]})"),
       "bad.json: metrics[0].years: expected [FIRST, LAST]"},
      {WithMetric(R"({"source": "pct", "years": [2019, 2023], "eps_km": -1})"),
       "bad.json: metrics[0].eps_km: must be in (0, 1000]"},
      {WithMetric(R"({"source": "pct", "years": [2019, 2023], "eps_km": "12"})"),
       "bad.json: metrics[0].eps_km: expected a number"},
      {WithMetric(R"({"source": "pct", "years": [2019, 2023], "min_share": 1.5})"),
       "bad.json: metrics[0].min_share: must be in [0, 1)"},
      {WithMetric(R"({"source": "pct", "years": [2019, 2023], "min_weight": -2})"),
       "bad.json: metrics[0].min_weight: must be in 0..1e9 records"},
      {WithMetric(R"({"source": "pct", "years": [2019, 2023], "weight": -1})"),
       "bad.json: metrics[0].weight: must be in [0, 1000]"},
      {WithMetric(R"({"source": "pct", "years": [2019, 2023], "exclude_fields": "33"})"),
       "bad.json: metrics[0].exclude_fields: expected an array of field codes"},
      {WithMetric(R"({"source": "pct", "years": [2019, 2023], "exclude_fields": [33]})"),
       "bad.json: metrics[0].exclude_fields[0]: expected a string"},
      {WithMetric(
           R"({"source": "pct", "years": [2019, 2023]}, {"source": "pct", "years": [2019, 2023]})"),
       "bad.json: metrics[1].source: 'pct' appears twice"},
      {R"({"format": "stcluster-edition/1", "name": "x", "grid_deg": 0.000001,
           "metrics": [{"source": "pct", "years": [2019, 2023]}]})",
       "bad.json: grid_deg: must be 0 (the store's grid) or a multiple of 0.00001 up to 1"},
      {R"({"format": "stcluster-edition/1", "name": "x", "merge_km": -3,
           "metrics": [{"source": "pct", "years": [2019, 2023]}]})",
       "bad.json: merge_km: must be in [0, 1000]"},
      {R"({"format": "stcluster-edition/1", "name": "x", "naming": {"max_name_places": 0},
           "metrics": [{"source": "pct", "years": [2019, 2023]}]})",
       "bad.json: naming.max_name_places: must be in 1..10"},
      {R"({"format": "stcluster-edition/1", "name": "x", "naming": {"radius": 3},
           "metrics": [{"source": "pct", "years": [2019, 2023]}]})",
       "bad.json: naming.radius: unknown key"},
  };
  for (const Case& c : cases) {
    auto e = ParseEdition(c.json, "bad.json");
    ASSERT_FALSE(e.ok()) << c.json;
    EXPECT_EQ(e.status().code(), StatusCode::kDataError) << c.json;
    EXPECT_NE(e.status().message().find(c.expected), std::string::npos)
        << "expected '" << c.expected << "' in: " << e.status().message();
  }
}

TEST(EditionFile, LoadByNameOrPath) {
  auto builtin = LoadEdition("gii2024");
  ASSERT_TRUE(builtin.ok());
  EXPECT_EQ(builtin->name, "gii2024");
  std::string path = ::testing::TempDir() + "/stc_edition_test.json";
  {
    std::ofstream out(path);
    out << EditionToJson(BuiltinEdition("gii2025").value());
  }
  auto file = LoadEdition(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(*file, BuiltinEdition("gii2025").value());
  {
    std::ofstream out(path);
    out << WithMetric(R"({"source": "pct", "years": [2019, 2023], "eps_km": 0})");
  }
  auto bad = LoadEdition(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("edition file " + path + ": metrics[0].eps_km"),
            std::string::npos)
      << bad.status().message();
  auto missing = LoadEdition("gii2030");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("gii2023, gii2024, gii2025"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace stc::cluster
