// The small hand-computed world of the profile tests (cluster_profile_test.cc,
// cluster_profile_scan_test.cc, cluster_saved_profiles_test.cc): counted
// records written into a store with their aggregates and totals, as the
// ingest pipeline would, a hand-made cluster map over them, and its ranking,
// populations and profiles (Build).
#ifndef STCLUSTER_TESTS_PROFILE_WORLD_H_
#define STCLUSTER_TESTS_PROFILE_WORLD_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/edition.h"
#include "cluster/population.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "core/record_codec.h"
#include "stores/store.h"
#include "tests/test_util.h"

namespace stc::cluster::profile_world {

inline Units U(double records) { return static_cast<Units>(std::llround(records * kUnit)); }
inline int32_t E5(double deg) { return static_cast<int32_t>(std::lround(deg * 1e5)); }

struct Pt {
  double lat, lon;
  const char* cc;
  double units;
};

inline const Pt kTokyoA{35.68, 139.77, "JP", 0}, kTokyoB{35.70, 139.80, "JP", 0},
    kParis{48.85, 2.35, "FR", 0}, kCambridge{52.20, 0.12, "GB", 0},
    kSydney{-33.87, 151.21, "AU", 0};

inline Pt At(const Pt& p, double units) { return {p.lat, p.lon, p.cc, units}; }

// Adds one counted record to the batch: the record itself, its aggregates
// and its totals, as the ingest pipeline would.
inline void Put(StoreBatch* b, const Grid& g, Source s, const std::string& key, int year,
                const std::string& field, std::vector<std::string> codes,
                std::vector<std::string> orgs, std::vector<Pt> points) {
  CountedRecord r;
  r.source = s;
  r.key = key;
  r.year = year;
  r.version = 20240101;
  r.field = field;
  r.codes = std::move(codes);
  r.orgs = std::move(orgs);
  Units located = 0;
  for (const Pt& p : points) {
    WeightedPoint w;
    w.lat_e5 = E5(p.lat);
    w.lon_e5 = E5(p.lon);
    w.country[0] = p.cc[0];
    w.country[1] = p.cc[1];
    w.units = U(p.units);
    located += w.units;
    r.points.push_back(w);
    AggregateKey k;
    k.source = s;
    k.year = year;
    k.cell = g.CellOf(w.lat_e5, w.lon_e5);
    k.country[0] = p.cc[0];
    k.country[1] = p.cc[1];
    k.field = field;
    b->AddAggregate(k, w.units);
  }
  std::sort(r.points.begin(), r.points.end(), [](const WeightedPoint& a, const WeightedPoint& c) {
    return std::tie(a.lat_e5, a.lon_e5) < std::tie(c.lat_e5, c.lon_e5);
  });
  r.unlocated = kUnit - located;
  r.persons = static_cast<uint32_t>(std::max<size_t>(points.size(), 1));
  std::string encoded;
  EncodeCountedRecord(r, &encoded);
  b->PutRecord(s, key, encoded);
  b->AddTotals(s, year, kUnit, r.unlocated, 1);
}

// PCT window 2019-2023: 7 records; articles 2018-2022: 3 records.
inline void WriteWorld(Store* store) {
  const Grid& g = store->grid();
  StoreBatch b;
  const Source P = Source::kPct, A = Source::kArticle;
  Put(&b, g, P, "PCT/JP2019/000001", 2019, "H", {"H04W 72/04"}, {"Sony Corp", "sony  corp "},
      {At(kTokyoA, 1)});
  Put(&b, g, P, "PCT/JP2020/000002", 2020, "G", {"G06F 3/01", "H04N 21/00"},
      {"Toyota", "Sony Corp"}, {At(kTokyoB, 0.5), At(kParis, 0.5)});
  Put(&b, g, P, "PCT/JP2023/000003", 2023, "A", {"A61K 8/02"}, {"Toyota", "Denso"},
      {At(kTokyoA, 1)});
  Put(&b, g, P, "PCT/GB2021/000004", 2021, "G", {"G01N 33/48", "G01N 21/00"}, {"ARM Ltd"},
      {At(kCambridge, 1)});
  Put(&b, g, P, "PCT/JP2018/000005", 2018, "H", {"H04W 4/00"}, {"Sony Corp"},
      {At(kTokyoA, 1)});  // Outside the window.
  Put(&b, g, P, "PCT/JP2023/000007", 2023, "", {}, {}, {At(kTokyoB, 1)});
  Put(&b, g, P, "PCT/US2020/000008", 2020, "B", {"B60L 50/00"}, {"Nobody"}, {});  // Unlocated.
  Put(&b, g, P, "PCT/AU2022/000009", 2022, "C", {"C12N 15/10"}, {"CSIRO"}, {At(kSydney, 1)});
  Put(&b, g, A, "2-s2.0-1", 2018, "17", {"1702", "1705", "2204"},
      {"University of Tokyo", "University of Cambridge"}, {At(kCambridge, 0.5), At(kTokyoA, 0.5)});
  Put(&b, g, A, "2-s2.0-2", 2022, "27", {}, {"University of Tokyo"}, {At(kTokyoB, 1)});
  Put(&b, g, A, "2-s2.0-3", 2020, "27", {"2701"}, {"University of Cambridge"}, {At(kCambridge, 1)});
  ASSERT_TRUE(store->Apply(b).ok());
}

// Alpha = the two Tokyo cells, Beta = Cambridge, Gamma = Sydney; Paris is noise.
inline ClusterMap WorldMap(const Grid& g) {
  ClusterMap map;
  map.grid_step_e5 = g.step_e5();
  map.edition = "gii2024";
  map.clusters = {{1, "Alpha", "JP"}, {2, "Beta", "GB"}, {3, "Gamma", "AU"}};
  auto cell = [&](const Pt& p) { return g.CellOf(E5(p.lat), E5(p.lon)); };
  map.cells = {{cell(kTokyoA), 1}, {cell(kTokyoB), 1}, {cell(kCambridge), 2}, {cell(kSydney), 3}};
  std::sort(map.cells.begin(), map.cells.end());
  map.ComputeFootprints();
  return map;
}

// Six places, four of them in the clusters of WorldMap (population.h).
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

// The store of the world and what Build computes on it.
struct World {
  stc::testing::TempDir dir;
  std::unique_ptr<Store> store;
  ClusterMap map;
  Ranking ranking;
  ClusterPopulations populations;
  std::vector<ClusterProfile> profiles;
};

// The world written into a fresh store, ranked for `edition`, with its
// populations and profiles (every ranked cluster).
inline void Build(World* w, const Edition& edition) {
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

}  // namespace stc::cluster::profile_world

#endif  // STCLUSTER_TESTS_PROFILE_WORLD_H_
