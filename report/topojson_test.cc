#include "report/topojson.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace stc::report {
namespace {

// Two arcs forming a unit square (in quantized units 2 x 4) with
// scale (0.5, 0.25) and translate (-10, 20):
//   arc 0: (0,0) (+2,0) (0,+4)  -> (0,0) (2,0) (2,4)  -> (-10,20) (-9,20) (-9,21)
//   arc 1: (2,4) (-2,0) (0,-4)  -> (2,4) (0,4) (0,0)  -> (-9,21) (-10,21) (-10,20)
constexpr char kSquare[] = R"({"type":"Topology",
  "transform":{"scale":[0.5,0.25],"translate":[-10,20]},
  "arcs":[[[0,0],[2,0],[0,4]],[[2,4],[-2,0],[0,-4]]],
  "objects":{"shapes":{"type":"GeometryCollection","geometries":[
    {"type":"Polygon","id":7,"properties":{"name":"A"},"arcs":[[0,1]]},
    {"type":"MultiPolygon","id":"008","arcs":[[[-2,-1]],[[0,1]]]},
    {"type":"Point","coordinates":[0,0]},
    {"type":null}]}}})";

TEST(TopoJson, DecodesQuantizedDeltaArcs) {
  auto f = DecodeTopoJson(kSquare, "shapes", "test");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->size(), 2u);  // Point and null geometries are skipped.
  const GeoFeature& a = (*f)[0];
  EXPECT_EQ(a.id, "7");
  EXPECT_EQ(a.name, "A");
  ASSERT_EQ(a.polygons.size(), 1u);
  ASSERT_EQ(a.polygons[0].size(), 1u);
  // Arc 1's first position repeats arc 0's last one and is dropped.
  Ring want = {{-10, 20}, {-9, 20}, {-9, 21}, {-10, 21}, {-10, 20}};
  EXPECT_EQ(a.polygons[0][0], want);
}

TEST(TopoJson, NegativeIndexIsTheReversedArc) {
  auto f = DecodeTopoJson(kSquare, "shapes", "test");
  ASSERT_TRUE(f.ok());
  const GeoFeature& b = (*f)[1];
  EXPECT_EQ(b.id, "008");
  EXPECT_EQ(b.name, "");
  ASSERT_EQ(b.polygons.size(), 2u);
  // -2 = ~1: arc 1 reversed (-10,20) (-10,21) (-9,21); -1 = ~0: arc 0
  // reversed (-9,21) (-9,20) (-10,20), its first position dropped.
  Ring want = {{-10, 20}, {-10, 21}, {-9, 21}, {-9, 20}, {-10, 20}};
  EXPECT_EQ(b.polygons[0][0], want);
}

TEST(TopoJson, WithoutTransformPositionsAreAbsolute) {
  constexpr char kPlain[] = R"({"type":"Topology","arcs":[[[1.5,2],[3,2],[3,4],[1.5,2]]],
    "objects":{"x":{"type":"Polygon","arcs":[[0]]}}})";
  auto f = DecodeTopoJson(kPlain, "x", "test");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->size(), 1u);
  Ring want = {{1.5, 2}, {3, 2}, {3, 4}, {1.5, 2}};
  EXPECT_EQ((*f)[0].polygons[0][0], want);
}

TEST(TopoJson, Errors) {
  auto bad = [](const std::string& json, const std::string& object) {
    auto f = DecodeTopoJson(json, object, "file t.json");
    EXPECT_FALSE(f.ok()) << json;
    if (!f.ok()) {
      EXPECT_NE(f.status().ToString().find("file t.json"), std::string::npos);
    }
    return f.ok() ? std::string() : f.status().ToString();
  };
  EXPECT_NE(bad("{", "x").find("malformed JSON"), std::string::npos);
  EXPECT_NE(bad(R"({"type":"FeatureCollection"})", "x").find("Topology"), std::string::npos);
  EXPECT_NE(bad(kSquare, "countries").find("no object"), std::string::npos);
  const std::string out_of_range = R"({"type":"Topology","arcs":[[[0,0],[1,1]]],
    "objects":{"x":{"type":"Polygon","arcs":[[0,5]]}}})";
  EXPECT_NE(bad(out_of_range, "x").find("out of range"), std::string::npos);
  const std::string bad_transform = R"({"type":"Topology","transform":{"scale":[1]},
    "arcs":[],"objects":{"x":{"type":"GeometryCollection","geometries":[]}}})";
  EXPECT_NE(bad(bad_transform, "x").find("transform"), std::string::npos);
  auto missing = ReadTopoJsonFile("/nonexistent/atlas.json", "countries");
  EXPECT_FALSE(missing.ok());
}

// The pinned world-atlas file (scripts/setup fetches it).
TEST(TopoJson, WorldAtlasCountries110m) {
  const std::string path = std::string(STC_SOURCE_DIR) +
                           "/third_party_data/world-atlas/node_modules/world-atlas/"
                           "countries-110m.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "run scripts/setup to fetch " << path;
  auto f = ReadTopoJsonFile(path, "countries");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->size(), 177u);
  const GeoFeature* japan = nullptr;
  for (const GeoFeature& g : *f) {
    if (g.id == "392") japan = &g;
    for (const Polygon& p : g.polygons) {
      for (const Ring& r : p) {
        ASSERT_GE(r.size(), 4u) << g.name;
        EXPECT_EQ(r.front(), r.back()) << g.name << ": ring not closed";
        for (const LonLat& q : r) {
          ASSERT_TRUE(q.lon >= -180 - 1e-9 && q.lon <= 180 + 1e-9) << g.name;
          ASSERT_TRUE(q.lat >= -90 && q.lat <= 90) << g.name;
        }
      }
    }
  }
  ASSERT_NE(japan, nullptr);
  EXPECT_EQ(japan->name, "Japan");
  // Japan's islands lie within 122..154 E, 20..46 N.
  for (const Polygon& p : japan->polygons)
    for (const LonLat& q : p[0]) {
      EXPECT_TRUE(q.lon > 122 && q.lon < 154 && q.lat > 20 && q.lat < 46);
    }
}

}  // namespace
}  // namespace stc::report
