#include "cluster/cluster_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "cluster/geo_math.h"
#include "cluster/naming.h"

namespace stc::cluster {
namespace {

// The hash index answers as the map's binary search, for cells in the map,
// cells next to them, far ones and extreme indices, at several map sizes
// (including empty and sizes at the index's growth steps).
TEST(CellIndex, AgreesWithTheMap) {
  std::mt19937 rng(5);
  for (size_t n :
       {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{64}, size_t{1000}, size_t{40000}}) {
    SCOPED_TRACE(n);
    ClusterMap m;
    m.grid_step_e5 = 1000;
    std::map<Cell, int32_t> cells;
    while (cells.size() < n) {
      Cell c{static_cast<int32_t>(rng() % 400) - 200, static_cast<int32_t>(rng() % 400) - 200};
      cells[c] = 1 + static_cast<int32_t>(rng() % 16);
    }
    cells[Cell{INT32_MIN + 1, INT32_MAX - 1}] = 7;  // Its neighbours are the extremes.
    m.cells.assign(cells.begin(), cells.end());
    const CellIndex index(m);
    // 40,000 cells fill a quarter of the 400 x 400 square: its tiles are dense.
    EXPECT_EQ(index.dense_tiles() > 0, n >= 40000);
    for (const auto& [c, id] : m.cells) {
      ASSERT_EQ(index.ClusterOfCell(c), id);
      for (int d : {-1, 1}) {
        for (Cell probe : {Cell{c.lat_idx + d, c.lon_idx}, Cell{c.lat_idx, c.lon_idx + d}}) {
          ASSERT_EQ(index.ClusterOfCell(probe), m.ClusterOfCell(probe));
        }
      }
    }
    for (Cell probe : {Cell{INT32_MAX, INT32_MIN}, Cell{0, 0}, Cell{-1, -1}, Cell{5000, 5000}}) {
      EXPECT_EQ(index.ClusterOfCell(probe), m.ClusterOfCell(probe));
    }
    for (int i = 0; i < 2000; ++i) {
      const int32_t lat = static_cast<int32_t>(rng() % 500000) - 250000;
      const int32_t lon = static_cast<int32_t>(rng() % 500000) - 250000;
      ASSERT_EQ(index.ClusterAt(lat, lon), m.ClusterAt(lat, lon));
    }
  }
}

// Dense tiles (64 x 64 cells) and hashed cells side by side: a block of
// clusters across the tile edges at 0 and at negative indices, with holes
// (cells absent, or present with id 0) and lone cells around it; every cell
// of the surrounding square answers as the map's binary search.
TEST(CellIndex, DenseTilesAgreeWithTheMapAcrossTileEdges) {
  ClusterMap m;
  m.grid_step_e5 = 1000;
  std::map<Cell, int32_t> cells;
  for (int32_t lat = -100; lat < 90; ++lat) {
    for (int32_t lon = -70; lon < 130; ++lon) {
      if ((lat * 7 + lon * 3) % 11 == 0) continue;  // A hole.
      const int32_t id = (lat + lon) % 13 == 0 ? 0 : 1 + (lat < 0) + 2 * (lon < 0) + (lon > 64);
      cells[Cell{lat, lon}] = id;
    }
  }
  for (int32_t k = 0; k < 50; ++k) cells[Cell{-300 + 7 * k, 250 - 11 * k}] = 9;  // Lone cells.
  m.cells.assign(cells.begin(), cells.end());
  const CellIndex index(m);
  EXPECT_GE(index.dense_tiles(), 12u);
  for (int32_t lat = -320; lat < 320; ++lat) {
    for (int32_t lon = -320; lon < 320; ++lon) {
      ASSERT_EQ(index.ClusterOfCell(Cell{lat, lon}), m.ClusterOfCell(Cell{lat, lon}))
          << lat << " " << lon;
    }
  }
}

// Dense tiles are capped at 64 MiB of packed indexes; the tiles past the cap
// keep their cells in the hash table and answer all the same. Tiles of 258
// cells with distinct ids (a palette of 259 with the empty cells) take 16
// bits a cell: 8 KiB, so 8,192 of them fit.
TEST(CellIndex, DenseTilesAreCapped) {
  ClusterMap m;
  m.grid_step_e5 = 1000;
  constexpr int32_t kTiles = 8200;
  for (int32_t t = 0; t < kTiles; ++t) {
    for (int32_t k = 0; k < 258; ++k) m.cells.emplace_back(Cell{t * 64 + k % 16, k / 16}, 1 + k);
  }
  std::sort(m.cells.begin(), m.cells.end());
  const CellIndex index(m);
  EXPECT_EQ(index.dense_tiles(), 8192u);
  EXPECT_EQ(index.dense_bytes(), size_t{64} << 20);
  for (const auto& [c, id] : m.cells) {
    ASSERT_EQ(index.ClusterOfCell(c), id);
    ASSERT_EQ(index.ClusterOfCell(Cell{c.lat_idx, c.lon_idx + 20}), 0);
  }
}

// A dense tile's ids are indexes into its palette of distinct ids (0 for
// the cells of no cluster), packed in 0, 1, 2, 4, 8 or 16 bits: one tile
// with `n` distinct ids, full or with holes, at positive and negative
// indices, takes 4096 * bits / 8 bytes, and every cell of the square around
// it answers as the map's binary search. Ids of any size.
TEST(CellIndex, DenseTilesPackTheirPalettesInTheFewestBits) {
  struct Case {
    size_t distinct;  // Distinct ids, 0 included, in the tile.
    size_t bits;
  };
  for (const Case c : {Case{1, 0}, Case{2, 1}, Case{3, 2}, Case{4, 2}, Case{5, 4}, Case{16, 4},
                       Case{17, 8}, Case{256, 8}, Case{257, 16}, Case{4096, 16}}) {
    for (const bool holes : {false, true}) {
      if (holes && c.distinct == 1) continue;  // Holes make 0 one of the ids.
      for (const int32_t base : {0, -64, 128}) {
        SCOPED_TRACE(testing::Message()
                     << c.distinct << " ids, holes " << holes << ", base " << base);
        ClusterMap m;
        m.grid_step_e5 = 1000;
        const size_t ids = holes ? c.distinct - 1 : c.distinct;  // Besides 0.
        std::mt19937 rng(static_cast<uint32_t>(c.distinct * 7 + holes));
        size_t placed = 0;
        for (int32_t lat = 0; lat < 64; ++lat) {
          for (int32_t lon = 0; lon < 64; ++lon) {
            const size_t i = static_cast<size_t>(lat * 64 + lon);
            // Holes: every third cell absent or present with id 0. The
            // first cells take each id once (as many as the cells allow).
            if (holes && i % 3 == 0) {
              if (i % 2 == 0) m.cells.emplace_back(Cell{base + lat, base + lon}, 0);
              continue;
            }
            const size_t pick = placed < ids ? placed : rng() % ids;
            ++placed;
            m.cells.emplace_back(Cell{base + lat, base + lon},
                                 static_cast<int32_t>(1 + pick * 1000003 % 2000000000));
          }
        }
        std::sort(m.cells.begin(), m.cells.end());
        const CellIndex index(m);
        ASSERT_EQ(index.dense_tiles(), 1u);
        EXPECT_EQ(index.dense_bytes(), 4096 * c.bits / 8);
        for (int32_t lat = base - 3; lat < base + 67; ++lat) {
          for (int32_t lon = base - 3; lon < base + 67; ++lon) {
            ASSERT_EQ(index.ClusterOfCell(Cell{lat, lon}), m.ClusterOfCell(Cell{lat, lon}))
                << lat << " " << lon;
          }
        }
      }
    }
  }
}

TEST(ClusterMap, ParseDegrees) {
  int32_t v = 0;
  EXPECT_TRUE(ParseDegreesE5("35.68", 90, &v));
  EXPECT_EQ(v, 3568000);
  EXPECT_TRUE(ParseDegreesE5("-0.000015", 90, &v));
  EXPECT_EQ(v, -2);
  EXPECT_TRUE(ParseDegreesE5("180", 180, &v));
  EXPECT_EQ(v, 18000000);
  EXPECT_FALSE(ParseDegreesE5("90.00001", 90, &v));
  EXPECT_FALSE(ParseDegreesE5("1e5", 90, &v));
  EXPECT_FALSE(ParseDegreesE5("", 90, &v));
  EXPECT_FALSE(ParseDegreesE5(".", 90, &v));
}

TEST(ClusterMap, EncodeParseRoundTrip) {
  ClusterMap m;
  m.grid_step_e5 = 1000;
  m.edition = "gii2024";
  m.settings = "grid_deg=0.01 merge_km=12";
  m.fingerprint = 0x0123456789abcdefULL;
  m.origin = "delineate";
  m.clusters = {{1, "San Jose\xE2\x80\x93San Francisco, CA", "US", false},
                {2, "Say \"hi\"", "CN/HK", true}};
  m.cells = {{{-100, 200}, 2}, {{3568, 13977}, 1}, {{3570, 13980}, 1}};
  m.ComputeFootprints();
  std::string text = EncodeClusterMap(m);
  auto back = ParseClusterMap(text, 5000, "t");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(EncodeClusterMap(*back), text);
  EXPECT_EQ(back->grid_step_e5, 1000);
  EXPECT_EQ(back->ClusterOfCell({3570, 13980}), 1);
  EXPECT_EQ(back->ClusterAt(3568400, 13977400), 1);  // Snapped to 35.68, 139.77.
  EXPECT_EQ(back->ClusterOfCell({0, 0}), 0);
  EXPECT_EQ(back->Find(1)->cells, 2);
  EXPECT_GT(back->Find(1)->radius_km, 1.0);
  EXPECT_FALSE(back->Find(1)->name_pinned);
  EXPECT_TRUE(back->Find(2)->name_pinned);
  EXPECT_EQ(back->Find(2)->name, "Say \"hi\"");
}

TEST(ClusterMap, ParseErrorsNameTheLine) {
  auto err = [](const std::string& text) {
    auto r = ParseClusterMap(text, 1000, "file m.csv");
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_EQ(err(""), "file m.csv: empty (no stcluster-clusters header)");
  EXPECT_NE(err("cell,1,2,3\n").find("line 1: expected the header"), std::string::npos);
  EXPECT_NE(err("stcluster-clusters,2\n").find("unsupported format version"), std::string::npos);
  EXPECT_NE(err("stcluster-clusters,1\ncell,91,0,1\n").find("line 2"), std::string::npos);
  EXPECT_NE(err("stcluster-clusters,1\ncell,1,0,0\n").find("ID >= 1"), std::string::npos);
  EXPECT_NE(err("stcluster-clusters,1\ncluster,1\ncluster,1\n").find("given twice"),
            std::string::npos);
  EXPECT_NE(
      err("stcluster-clusters,1\ncell,1,1,1\ncell,1.001,1,2\n").find("given to clusters 1 and 2"),
      std::string::npos);
  EXPECT_NE(err("stcluster-clusters,1\nblob,1\n").find("unknown row type 'blob'"),
            std::string::npos);
  EXPECT_NE(err("stcluster-clusters,1\ngrid_deg,0.007\n").find("bad grid_deg"), std::string::npos);
  EXPECT_NE(err("stcluster-clusters,1\ncluster,1,\"x\n").find("unterminated quote"),
            std::string::npos);
  // Minimal valid file: cells only, CRLF, comments; the same cell twice with one id is fine.
  auto ok =
      ParseClusterMap("stcluster-clusters,1\r\n# c\r\ncell,1,1,4\r\ncell,1,1,4\r\n", 1000, "f");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->cells.size(), 1u);
  EXPECT_EQ(ok->clusters.size(), 1u);
  EXPECT_EQ(ok->clusters[0].id, 4);
  EXPECT_EQ(ok->clusters[0].name, "");
}

// ComputeFootprints' direct form: every cell's unit vector and distance
// computed afresh (the code before its caches).
void ReferenceFootprints(ClusterMap* m) {
  const Grid grid(m->grid_step_e5);
  std::map<int32_t, UnitVec> sums;
  for (ClusterInfo& c : m->clusters) {
    c.cells = 0;
    c.radius_km = 0;
    sums[c.id] = {};
  }
  for (const auto& [cell, id] : m->cells) {
    ClusterInfo* c = m->Find(id);
    if (c == nullptr) continue;
    const double lat = E5ToRadians(grid.CentreLatE5(cell)),
                 lon = E5ToRadians(grid.CentreLonE5(cell));
    const double cl = std::cos(lat);
    UnitVec& s = sums[id];
    s.x += cl * std::cos(lon);
    s.y += cl * std::sin(lon);
    s.z += std::sin(lat);
    ++c->cells;
  }
  for (ClusterInfo& c : m->clusters) {
    const UnitVec& s = sums[c.id];
    const double norm = std::sqrt(s.x * s.x + s.y * s.y + s.z * s.z);
    if (c.cells == 0 || norm == 0) continue;
    c.centre_lat_e5 = static_cast<int32_t>(
        std::lround(std::asin(std::clamp(s.z / norm, -1.0, 1.0)) * 180 / M_PI * 1e5));
    c.centre_lon_e5 = static_cast<int32_t>(std::lround(std::atan2(s.y, s.x) * 180 / M_PI * 1e5));
  }
  for (const auto& [cell, id] : m->cells) {
    ClusterInfo* c = m->Find(id);
    if (c == nullptr) continue;
    c->radius_km =
        std::max(c->radius_km, HaversineKm(c->centre_lat_e5, c->centre_lon_e5,
                                           grid.CentreLatE5(cell), grid.CentreLonE5(cell)));
  }
}

// The cached footprints are the direct ones, bit for bit: random blobs of
// cells on several grids, clusters interleaved in rows, one across the
// antimeridian, one spanning every longitude (its farthest cells inside a
// run), ids absent from the cluster list, unsorted cells.
TEST(ClusterMap, FootprintsEqualTheDirectComputation) {
  std::mt19937 rng(5);
  for (int32_t step : {1000, 10000, 100, 1}) {
    for (int round = 0; round < 4; ++round) {
      ClusterMap m;
      m.grid_step_e5 = step;
      const int32_t columns = 18'000'000 / step;
      std::map<Cell, int32_t> cells;
      for (int32_t id = 1; id <= 6; ++id) {
        const int32_t lat0 = static_cast<int32_t>(rng() % 1000) - 500;
        int32_t lon0 = static_cast<int32_t>(rng() % 2000) - 1000;
        if (id == 2) lon0 = columns - 3;  // At the antimeridian.
        const int32_t rows = 1 + static_cast<int32_t>(rng() % 20);
        const int32_t width = id == 3 ? 2 * columns : 1 + static_cast<int32_t>(rng() % 60);
        for (int32_t r = 0; r < rows; ++r) {
          // The world-wide cluster: about 1,000 cells a row whatever the grid.
          const int32_t stride = id == 3 ? std::max(1, columns / 500) : 1;
          for (int32_t k = 0; k < width; k += stride * (1 + static_cast<int32_t>(rng() % 3))) {
            int32_t lon = lon0 + k;
            if (lon > columns) lon -= 2 * columns;  // Wrapped past 180 degrees.
            cells[{lat0 + r, lon}] = id;
          }
        }
        if (id != 6) m.clusters.push_back({id, "", "", false});  // 6: cells without a cluster.
      }
      for (const auto& [cell, id] : cells) m.cells.emplace_back(cell, id);
      if (round == 3) std::shuffle(m.cells.begin(), m.cells.end(), rng);
      ClusterMap expected = m;
      ReferenceFootprints(&expected);
      m.ComputeFootprints();
      for (size_t i = 0; i < m.clusters.size(); ++i) {
        const ClusterInfo &got = m.clusters[i], &want = expected.clusters[i];
        EXPECT_EQ(got.cells, want.cells) << step << " " << round << " " << got.id;
        EXPECT_EQ(got.centre_lat_e5, want.centre_lat_e5) << step << " " << round << " " << got.id;
        EXPECT_EQ(got.centre_lon_e5, want.centre_lon_e5) << step << " " << round << " " << got.id;
        EXPECT_EQ(got.radius_km, want.radius_km) << step << " " << round << " " << got.id;
      }
      EXPECT_GT(m.Find(3)->radius_km, 1000.0) << "the world-spanning cluster";
    }
  }
}

// Cell rows take a path of their own (no CSV splitting): the same map as
// through the general one (quoted fields), the same errors.
TEST(ClusterMap, CellRowsParseAsCsv) {
  const std::string plain =
      "stcluster-clusters,1\ngrid_deg,0.01\ncluster,7,A\ncell,35.68,139.77,7\n"
      "cell,-0.01,-179.99,7\ncell,35.69,139.77,8\n";
  const std::string quoted =
      "stcluster-clusters,1\ngrid_deg,0.01\ncluster,7,A\n\"cell\",35.68,139.77,7\n"
      "\"cell\",-0.01,-179.99,\"7\"\ncell,\"35.69\",139.77,8\n";
  auto a = ParseClusterMap(plain, 1000, "a");
  auto b = ParseClusterMap(quoted, 1000, "b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(EncodeClusterMap(*a), EncodeClusterMap(*b));
  EXPECT_EQ(a->cells.size(), 3u);
  EXPECT_EQ(a->clusters.size(), 2u);  // 8 from its cell.
  for (const char* bad : {"cell,1,2", "cell,1,2,3,4", "cell,1,2,3,", "cell,1,2,x", "cell,91,2,3",
                          "cell,1,181,3", "cell,1,2,0", "cell,,2,3"}) {
    auto r = ParseClusterMap(std::string("stcluster-clusters,1\n") + bad + "\n", 1000, "f");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("f, line 2: expected cell,LAT,LON,ID"), std::string::npos)
        << r.status().message();
  }
}

TEST(ClusterMap, CoordinateNames) {
  EXPECT_EQ(CoordinateName(3568000, 13977000), "35.68N 139.77E");
  EXPECT_EQ(CoordinateName(-3386500, -15120900), "33.87S 151.21W");
  EXPECT_EQ(CoordinateName(0, 0), "0.00N 0.00E");
}

}  // namespace
}  // namespace stc::cluster
