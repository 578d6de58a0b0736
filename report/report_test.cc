#include "report/report.h"

#include <gtest/gtest.h>

#include <string>

#include "report/render_util.h"

namespace stc::report {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

constexpr char kXss[] = "<script>alert(1)</script>";

struct World {
  cluster::Ranking ranking;
  cluster::ClusterMap map;
  std::vector<cluster::ClusterProfile> profiles;
  std::vector<GeoFeature> countries;

  World() {
    auto edition = cluster::BuiltinEdition("gii2024");
    EXPECT_TRUE(edition.ok());
    ranking.edition = *edition;  // PCT and articles.
    ranking.map_version = 3;
    ranking.map_edition = "gii2024";
    ranking.world = {100 * kUnit, 400 * kUnit};
    ranking.clustered = {60 * kUnit, 100 * kUnit};
    // Scores 20, 5 (a quarter: half the radius) and 1.25.
    ranking.rows = {
        {1, 1, "Tokyo\xE2\x80\x93Yokohama", "JP", {10 * kUnit, 40 * kUnit}, {10, 10}, 20, 2},
        {2,
         2,
         kXss,
         "\"><img src=x onerror=alert(2)>",
         {5 * kUnit / 2, 10 * kUnit},
         {2.5, 2.5},
         5,
         {}},
        {3,
         3,
         "Boston\xE2\x80\x93"
         "Cambridge, MA",
         "US",
         {kUnit, kUnit},
         {1, 0.25},
         1.25,
         {}},
    };
    map.version = 3;
    map.edition = "gii2024";
    map.origin = "delineate";
    map.clusters = {{1, "Tokyo", "JP", false, 4, 3568000, 13977000, 20},
                    {2, kXss, "KR", false, 1, 3756000, 12698000, 5},
                    {3, "Boston", "US", false, 2, 4236000, -7106000, 8}};
    map.cells = {{{3568, 13977}, 1}, {{3756, 12698}, 2}, {{4236, -7106}, 3}};
    cluster::ClusterProfile p;
    p.rank = 2;
    p.id = 2;
    p.name = kXss;
    p.population = 2500000;
    p.places = 3;
    cluster::MetricProfile pct;
    pct.source = Source::kPct;
    pct.year_from = 2019;
    pct.year_to = 2020;
    pct.year_units = {kUnit, 3 * kUnit / 2};
    pct.units = 5 * kUnit / 2;
    pct.growth = 0.5;
    pct.top_orgs = {{"", "<script>alert(3)</script> Corp", kUnit, 0.4}};
    pct.top_fields = {{"13", "Medical technology", kUnit / 2, 0.2}};
    p.metrics = {pct};
    profiles = {p};
    countries = {
        {"392", "Japan", {{{{130, 31}, {141, 35}, {141, 41}, {130, 31}}}}},
        {"242", "Fiji", {{{{179, -17}, {-179, -17}, {-179, -16}, {179, -16}, {179, -17}}}}}};
  }

  ReportInput Input() const {
    ReportInput in;
    in.ranking = &ranking;
    in.map = &map;
    in.countries = &countries;
    in.countries_source = "test outlines";
    in.noise = {{100000, 200000, 5 * kUnit}, {-3300000, 15100000, 9 * kUnit}};
    in.profiles = &profiles;
    return in;
  }
};

TEST(Report, ElementsAndCounts) {
  World w;
  std::string html = RenderReport(w.Input(), ReportOptions());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(Count(html, "<circle class=\"cluster\""), 3u);
  EXPECT_EQ(Count(html, "<g class=\"bar\""), 3u);
  EXPECT_EQ(Count(html, "<tr data-c="), 3u);
  EXPECT_EQ(Count(html, "<div class=\"profile\""), 3u);
  EXPECT_EQ(Count(html, "r=\"1.6\"/>"), 2u);  // Noise dots.
  // Country outlines: Japan once; Fiji crosses the antimeridian, so it is
  // drawn twice (at 179..181 E and at -181..-179) and clipped to the globe.
  EXPECT_EQ(Count(html, "<title>Japan</title>"), 1u);
  size_t fiji = html.find("<title>Fiji</title>");
  ASSERT_NE(fiji, std::string::npos);
  size_t fiji_path = html.rfind("<path d=\"", fiji);
  EXPECT_EQ(Count(html.substr(fiji_path, fiji - fiji_path), "Z"), 2u);
  // The edition and its settings are stated.
  EXPECT_NE(html.find("Edition <b>gii2024</b>"), std::string::npos);
  EXPECT_NE(html.find(w.ranking.edition.Settings()), std::string::npos);
  EXPECT_NE(html.find("Natural Earth I projection"), std::string::npos);
  // Nothing fetched at view time.
  // Nothing fetched at view time: "http" only in the two SVG namespaces.
  EXPECT_EQ(Count(html, "http"), 2u);
  EXPECT_EQ(Count(html, "xmlns=\"http://www.w3.org/2000/svg\""), 2u);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" src=\""), std::string::npos);
}

TEST(Report, TopLimitsMapTableAndChart) {
  World w;
  ReportOptions opt;
  opt.top = 2;
  opt.bar_top = 1;
  std::string html = RenderReport(w.Input(), opt);
  EXPECT_EQ(Count(html, "<circle class=\"cluster\""), 2u);
  EXPECT_EQ(Count(html, "<tr data-c="), 2u);
  EXPECT_EQ(Count(html, "<g class=\"bar\""), 1u);
}

TEST(Report, CircleAreaProportionalToScore) {
  World w;
  ReportOptions opt;
  opt.map_width = 1000;  // Largest radius 26 px.
  std::string html = RenderReport(w.Input(), opt);
  auto radius_of = [&](int id) {
    size_t p = html.find("<circle class=\"cluster\" data-c=\"" + std::to_string(id) + "\"");
    EXPECT_NE(p, std::string::npos);
    size_t r = html.find(" r=\"", p) + 4;
    return html.substr(r, html.find('"', r) - r);
  };
  EXPECT_EQ(radius_of(1), "26.0");
  EXPECT_EQ(radius_of(2), "13.0");  // A quarter of the score: half the radius.
  EXPECT_EQ(radius_of(3), "6.5");   // A sixteenth: a quarter.
}

TEST(Report, RecordTextIsEscaped) {
  World w;
  std::string html = RenderReport(w.Input(), ReportOptions());
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_GE(Count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 4u);  // Map, bar, row, profile.
  EXPECT_EQ(Count(html, "&lt;script&gt;alert(3)&lt;/script&gt; Corp"), 1u);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_EQ(Count(html, "<script>"), 2u);  // Ours: the error recorder and the page script.
}

TEST(Report, ProfileContents) {
  World w;
  std::string html = RenderReport(w.Input(), ReportOptions());
  size_t p = html.find("<div class=\"profile\" id=\"p-2\" hidden>");
  ASSERT_NE(p, std::string::npos);
  std::string profile = html.substr(p, html.find("</div>", p) - p);
  EXPECT_NE(profile.find("Population 2,500,000 (3 gazetteer places"), std::string::npos);
  EXPECT_NE(profile.find("growth 50.0% a year"), std::string::npos);
  EXPECT_NE(profile.find("<th>2019</th><th>2020</th>"), std::string::npos);
  EXPECT_NE(profile.find("<td>1.0</td><td>1.5</td>"), std::string::npos);
  EXPECT_NE(profile.find("Top PCT applicants:</b> &lt;script&gt;alert(3)&lt;/script&gt; Corp "
                         "<span class=\"share\">40.0%</span>"),
            std::string::npos);
  EXPECT_NE(profile.find("Medical technology <span class=\"share\">20.0%</span>"),
            std::string::npos);
  // Clusters without a computed profile still get the ranking's numbers.
  size_t q = html.find("id=\"p-1\"");
  EXPECT_NE(html.find("No profile computed", q), std::string::npos);
}

TEST(Report, IntensityTable) {
  World w;
  cluster::IntensityRanking ir;
  ir.size = w.ranking;
  ir.population_source = "GeoNames test, 3 places";
  cluster::IntensityRow a;
  a.rank = 1, a.size_rank = 2, a.id = 2, a.name = kXss, a.economy = "KR";
  a.population = 500000;
  a.per_million = {5, 20};  // 2.5 and 10 records for half a million inhabitants.
  a.intensity = 10;         // Score 5 / 0.5 million.
  cluster::IntensityRow b;
  b.rank = 2, b.size_rank = 1, b.id = 1, b.name = "Tokyo", b.economy = "JP";
  b.population = 40000000;
  b.per_million = {0.25, 1};
  b.intensity = 0.5;
  ir.rows = {a, b};
  ir.unpopulated = {};
  ReportInput in = w.Input();
  in.intensity = &ir;
  std::string html = RenderReport(in, ReportOptions());
  size_t t = html.find("<table class=\"rank\" id=\"intensity\">");
  ASSERT_NE(t, std::string::npos);
  std::string table = html.substr(t, html.find("</table>", t) - t);
  EXPECT_EQ(Count(table, "<tr data-c="), 2u);
  EXPECT_NE(table.find("<tr data-c=\"2\"><td>1</td><td class=\"name\">&lt;script&gt;alert(1)"),
            std::string::npos);
  EXPECT_NE(table.find("<td>2</td><td>500,000</td><td>5.0</td><td>20.0</td><td>10.000</td>"),
            std::string::npos);
  EXPECT_NE(table.find("<td>40,000,000</td><td>0.2</td><td>1.0</td><td>0.500</td>"),
            std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  // Without populations there is no intensity table.
  EXPECT_EQ(RenderReport(w.Input(), ReportOptions()).find("id=\"intensity\""), std::string::npos);
}

TEST(Report, Deterministic) {
  World w;
  EXPECT_EQ(RenderReport(w.Input(), ReportOptions()), RenderReport(w.Input(), ReportOptions()));
}

TEST(Report, NoiseLocationsOutsideClustersWithFiveRecords) {
  World w;
  cluster::DelineationData data;
  data.edition = w.ranking.edition;  // Two metrics.
  data.grid_step_e5 = 1000;
  data.cells = {{100, 200}, {101, 200}, {102, 200}, {3568, 13977}, {103, 200}};
  data.units = {
      5 * kUnit,
      0,  // Exactly five records: kept.
      5 * kUnit - 1,
      0,  // Just below: left out.
      3 * kUnit,
      2 * kUnit,  // Five over the two metrics: kept.
      50 * kUnit,
      50 * kUnit,  // In cluster 1: left out.
      0,
      0,  // Empty.
  };
  std::vector<NoisePoint> noise = NoiseLocations(data, w.map, 5 * kUnit);
  ASSERT_EQ(noise.size(), 2u);
  EXPECT_EQ(noise[0].lat_e5, 100000);
  EXPECT_EQ(noise[0].lon_e5, 200000);
  EXPECT_EQ(noise[0].units, 5 * kUnit);
  EXPECT_EQ(noise[1].lat_e5, 102000);
  EXPECT_EQ(noise[1].units, 5 * kUnit);
}

TEST(Report, EconomyColoursFollowClusterCounts) {
  World w;
  EconomyColours c(w.ranking, 100);
  // One cluster each: ordered by code ("\"><img..." < "JP" < "US").
  ASSERT_EQ(c.legend().size(), 3u);
  EXPECT_EQ(std::string(c.Of("JP")), std::string(c.legend()[1].colour));
  EXPECT_STREQ(c.Of("ZZ"), EconomyColours::kOtherColour);
  EXPECT_STREQ(c.Of("JP/KR"), c.Of("JP"));
}

}  // namespace
}  // namespace stc::report
