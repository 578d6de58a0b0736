// GazetteerPopulation over a small GeoNames-format gazetteer built in memory:
// which places count, and the populations of a hand-made cluster map.
#include "cluster/gazetteer_places.h"

#include <gtest/gtest.h>

#include "geo/gazetteer_builder.h"
#include "geo/test_gazetteer.h"

namespace stc::cluster {
namespace {

std::string Row(int id, const char* name, double lat, double lon, const char* code, int pop) {
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "%d\t%s\t%s\t\t%.5f\t%.5f\tP\t%s\tJP\t\t40\t\t\t\t%d\t\t10\tAsia/Tokyo\t2024-01-01\n", id,
      name, name, lat, lon, code, pop);
  return buf;
}

TEST(GazetteerPopulation, CountsTownsNotSectionsOrHistoricalPlaces) {
  std::string cities = Row(1, "Bigcity", 35.68, 139.77, "PPLC", 2000000) +
                       Row(2, "Bigcity Ward", 35.70, 139.80, "PPLX", 300000) +  // Section.
                       Row(3, "Oldplace", 35.70, 139.80, "PPLH", 50000) +       // Historical.
                       Row(4, "Smalltown", 35.70, 139.80, "PPL", 40000) +
                       Row(5, "Nopop", 35.68, 139.77, "PPL", 0) +
                       Row(6, "Faraway", 43.06, 141.35, "PPLA", 1900000);
  auto bytes = geo::BuildGazetteerIndex({cities, geo::testing::ReadTestData("mini_en.json"),
                                         geo::testing::ReadTestData("mini_codes.json")},
                                        nullptr);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto g = geo::Gazetteer::FromBytes(std::move(*bytes));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  GazetteerPopulation source(g->get(), "test");
  std::vector<int64_t> seen;
  ASSERT_TRUE(source
                  .ForEachPlace([&](const PopulatedPlace& p) {
                    seen.push_back(p.population);
                    return Status::Ok();
                  })
                  .ok());
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int64_t>{40000, 1900000, 2000000}));
  EXPECT_EQ(source.Describe(), "GeoNames test, 6 places");

  // One cluster over the two Tokyo cells: Bigcity + Smalltown.
  ClusterMap map;
  Grid grid(1000);
  map.clusters = {{1, "Alpha", "JP"}};
  map.cells = {{grid.CellOf(3568000, 13977000), 1}, {grid.CellOf(3570000, 13980000), 1}};
  std::sort(map.cells.begin(), map.cells.end());
  auto pops = ComputeClusterPopulations(map, source);
  ASSERT_TRUE(pops.ok());
  EXPECT_EQ(pops->Of(1).population, 2040000);
  EXPECT_EQ(pops->Of(1).places, 2);
  EXPECT_EQ(pops->Of(2).population, 0);
}

}  // namespace
}  // namespace stc::cluster
