#include "cluster/naming.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cluster/geo_math.h"

namespace stc::cluster {
namespace {

// Every cell maps to the place listed for its exact coordinates.
class TablePlaces : public PlaceLookup {
 public:
  std::map<std::pair<int32_t, int32_t>, PlaceInfo> table;
  std::optional<PlaceInfo> PrincipalPlace(int32_t lat, int32_t lon, double) const override {
    auto it = table.find({lat, lon});
    if (it == table.end()) return std::nullopt;
    return it->second;
  }
};

// One cluster over `cells` (0.01 grid), each with PCT units and a country.
struct Fixture {
  DelineationData data;
  ClusterMap map;
  TablePlaces places;
  void AddCell(int32_t lat_idx, int32_t lon_idx, double units, const char* cc,
               const PlaceInfo& place) {
    Cell c{lat_idx, lon_idx};
    data.cells.push_back(c);
    data.units.push_back(static_cast<Units>(units * kUnit));
    DelineationData::CountryUnits cu;
    cu.cell = static_cast<uint32_t>(data.cells.size() - 1);
    cu.country[0] = cc[0];
    cu.country[1] = cc[1];
    cu.units = static_cast<Units>(units * kUnit);
    data.countries.push_back(cu);
    map.cells.emplace_back(c, 1);
    if (!place.name.empty()) places.table[{lat_idx * 1000, lon_idx * 1000}] = place;
  }
  std::string Name() {
    data.edition = BuiltinEdition("gii2023").value();
    data.edition.metrics.resize(1);
    data.world = {100 * kUnit};
    map.clusters = {ClusterInfo{}};
    map.clusters[0].id = 1;
    std::sort(map.cells.begin(), map.cells.end());
    NameClusters(data, &places, &map);
    return map.clusters[0].name + " | " + map.clusters[0].economy;
  }
};

TEST(Naming, TopPlacesJoinedByEnDashesWithUsStates) {
  Fixture f;
  f.AddCell(3900, -7700, 10, "US", {"Washington", "US", "DC", 700000});
  f.AddCell(3929, -7661, 6, "US", {"Baltimore", "US", "MD", 600000});
  f.AddCell(3910, -7690, 1, "US", {"Columbia", "US", "MD", 100000});  // < 0.2 x top.
  EXPECT_EQ(f.Name(),
            "Washington, DC\xE2\x80\x93"
            "Baltimore, MD | US");
}

TEST(Naming, OneStateOnceAtTheEndAndAtMostThreePlaces) {
  Fixture f;
  f.AddCell(3733, -12189, 10, "US", {"San Jose", "US", "CA", 1000000});
  f.AddCell(3777, -12242, 9, "US", {"San Francisco", "US", "CA", 870000});
  f.AddCell(3744, -12214, 8, "US", {"Palo Alto", "US", "CA", 60000});
  f.AddCell(3755, -12230, 7, "US", {"San Mateo", "US", "CA", 100000});
  EXPECT_EQ(f.Name(), "San Jose\xE2\x80\x93San Francisco\xE2\x80\x93Palo Alto, CA | US");
}

TEST(Naming, EconomiesAboveTheThresholdLargestFirst) {
  Fixture f;
  f.AddCell(130, 10380, 95, "SG", {"Singapore", "SG", "", 5000000});
  f.AddCell(148, 10374, 3, "MY", {"Johor Bahru", "MY", "01", 800000});
  f.AddCell(149, 10375, 1, "ID", {});
  EXPECT_EQ(f.Name(), "Singapore | SG/MY");  // ID has 1% < 2%.
}

TEST(Naming, CoordinatesWithoutAGazetteerPlace) {
  Fixture f;
  f.AddCell(3568, 13977, 2, "JP", {});
  f.AddCell(3570, 13980, 5, "JP", {});
  EXPECT_EQ(f.Name(), "35.70N 139.80E | JP");
}

}  // namespace
}  // namespace stc::cluster
