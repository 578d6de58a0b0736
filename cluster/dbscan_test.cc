#include "cluster/dbscan.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <random>
#include <vector>

#include "cluster/geo_math.h"

namespace stc::cluster {
namespace {

// The definition in dbscan.h, computed the obvious O(n^2) way.
DbscanResult BruteForce(const std::vector<WeightedLocation>& pts, const DbscanOptions& o) {
  const size_t n = pts.size();
  std::vector<UnitVec> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = ToUnitVec(pts[i].lat_e5, pts[i].lon_e5);
  const double limit = Chord2Limit(o.eps_km);
  DbscanResult r;
  r.cluster.assign(n, DbscanResult::kNoise);
  r.core.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    Units sum = 0;
    for (size_t j = 0; j < n; ++j)
      if (Chord2(v[i], v[j]) <= limit) sum += pts[j].weight;
    r.core[i] = sum >= o.min_weight;
  }
  // Components by flood fill from the smallest unvisited core index.
  for (size_t s = 0; s < n; ++s) {
    if (!r.core[s] || r.cluster[s] != DbscanResult::kNoise) continue;
    int32_t id = r.num_clusters++;
    std::vector<size_t> stack = {s};
    r.cluster[s] = id;
    while (!stack.empty()) {
      size_t i = stack.back();
      stack.pop_back();
      for (size_t j = 0; j < n; ++j) {
        if (r.core[j] && r.cluster[j] == DbscanResult::kNoise && Chord2(v[i], v[j]) <= limit) {
          r.cluster[j] = id;
          stack.push_back(j);
        }
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (r.core[i]) continue;
    double best = 5;
    int64_t best_j = -1;
    for (size_t j = 0; j < n; ++j) {
      if (!r.core[j]) continue;
      double d = Chord2(v[i], v[j]);
      if (d <= limit && d < best) {  // Strict: the smallest index wins ties.
        best = d;
        best_j = static_cast<int64_t>(j);
      }
    }
    if (best_j >= 0) r.cluster[i] = r.cluster[best_j];
  }
  return r;
}

void ExpectSame(const std::vector<WeightedLocation>& pts, const DbscanOptions& o,
                const std::string& what) {
  DbscanResult got = WeightedDbscan(pts, o);
  DbscanResult want = BruteForce(pts, o);
  ASSERT_EQ(got.num_clusters, want.num_clusters) << what;
  for (size_t i = 0; i < pts.size(); ++i) {
    ASSERT_EQ(got.core[i], want.core[i]) << what << " point " << i;
    ASSERT_EQ(got.cluster[i], want.cluster[i]) << what << " point " << i;
  }
}

// Points scattered around a few random centres (some near the poles and the
// antimeridian), on a coarse grid so that duplicates and exact ties occur.
std::vector<WeightedLocation> RandomWorld(std::mt19937_64& rng, int n, double spread_deg) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<double, double>> centres;
  int k = 1 + static_cast<int>(rng() % 5);
  for (int c = 0; c < k; ++c) {
    double lat = -90 + 180 * u(rng), lon = -180 + 360 * u(rng);
    switch (rng() % 5) {
      case 0:
        lat = (rng() % 2 ? 1 : -1) * (89.5 + 0.5 * u(rng));
        break;  // Near a pole.
      case 1:
        lon = (rng() % 2 ? 179.9 : -179.9);
        break;  // Antimeridian.
      default:
        break;
    }
    centres.emplace_back(lat, lon);
  }
  std::normal_distribution<double> g(0, spread_deg);
  const int step = 1 + static_cast<int>(rng() % 3) * 500;  // 1e-5 .. 0.01 degree.
  std::vector<WeightedLocation> pts;
  for (int i = 0; i < n; ++i) {
    auto [clat, clon] = centres[rng() % centres.size()];
    double lat = std::clamp(clat + g(rng), -90.0, 90.0);
    double lon = clon + g(rng);
    while (lon < -180) lon += 360;
    while (lon > 180) lon -= 360;
    auto snap = [&](double deg) {
      return static_cast<int32_t>(std::lround(deg * 1e5 / step)) * step;
    };
    WeightedLocation p;
    p.lat_e5 = std::clamp(snap(lat), -9000000, 9000000);
    p.lon_e5 = std::clamp(snap(lon), -18000000, 18000000);
    p.weight = static_cast<Units>(rng() % 4) * kUnit / 4 + static_cast<Units>(rng() % 3);
    pts.push_back(p);
  }
  return pts;
}

TEST(Dbscan, MatchesBruteForceOnRandomWorlds) {
  std::mt19937_64 rng(12345);
  for (int trial = 0; trial < 3000; ++trial) {
    int n = 1 + static_cast<int>(rng() % 120);
    double spread = (rng() % 2) ? 0.05 : 0.5;
    std::vector<WeightedLocation> pts = RandomWorld(rng, n, spread);
    DbscanOptions o;
    o.eps_km = 0.5 + static_cast<double>(rng() % 400) / 10.0;
    o.min_weight = static_cast<Units>(rng() % 6) * kUnit / 2;
    ExpectSame(pts, o, "trial " + std::to_string(trial));
    if (HasFatalFailure()) return;
  }
}

TEST(Dbscan, MatchesBruteForceOnLargerSets) {
  std::mt19937_64 rng(777);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<WeightedLocation> pts = RandomWorld(rng, 2000, 0.3);
    DbscanOptions o;
    o.eps_km = 2 + static_cast<double>(rng() % 20);
    o.min_weight = 3 * kUnit;
    ExpectSame(pts, o, "large trial " + std::to_string(trial));
    if (HasFatalFailure()) return;
  }
}

// Enough points, spread wide enough, that the unions and the border points
// are shared out between threads (buckets in many tasks): the brute force
// as above, and the same result on one thread and on eight.
TEST(Dbscan, ManyBucketsOnAnyNumberOfThreadsMatchBruteForce) {
  std::mt19937_64 rng(4242);
  for (int trial = 0; trial < 3; ++trial) {
    std::vector<WeightedLocation> pts = RandomWorld(rng, 6000, 1.5);
    DbscanOptions o;
    o.eps_km = 8 + static_cast<double>(rng() % 10);
    o.min_weight = 2 * kUnit;
    ExpectSame(pts, o, "trial " + std::to_string(trial));
    if (HasFatalFailure()) return;
  }
  // Five worlds of a few centres each, side by side: several clusters.
  std::vector<WeightedLocation> pts;
  for (int world = 0; world < 5; ++world) {
    std::vector<WeightedLocation> part = RandomWorld(rng, 40000, 0.5);
    pts.insert(pts.end(), part.begin(), part.end());
  }
  DbscanOptions o;
  o.eps_km = 10;
  o.min_weight = 20 * kUnit;
  DbscanResult one, eight;
  tbb::task_arena(1).execute([&] { one = WeightedDbscan(pts, o); });
  // Eight threads on however many cores: more interleavings of the unions.
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, 8);
  for (int round = 0; round < 3; ++round) {
    tbb::task_arena(8).execute([&] { eight = WeightedDbscan(pts, o); });
    ASSERT_GT(one.num_clusters, 1);
    ASSERT_EQ(eight.num_clusters, one.num_clusters) << round;
    EXPECT_TRUE(eight.cluster == one.cluster) << round;
    EXPECT_TRUE(eight.core == one.core) << round;
  }
}

WeightedLocation At(double lat, double lon, double w) {
  return {static_cast<int32_t>(std::lround(lat * 1e5)),
          static_cast<int32_t>(std::lround(lon * 1e5)),
          static_cast<Units>(std::llround(w * kUnit))};
}

TEST(Dbscan, TwoBlobsJoinedByADenseCorridor) {
  std::vector<WeightedLocation> pts;
  for (int i = 0; i < 5; ++i) pts.push_back(At(35.0 + 0.01 * i, 139.0, 10));  // Blob A.
  for (int i = 0; i < 5; ++i)
    pts.push_back(At(35.0 + 0.01 * i, 140.0, 10));  // Blob B, ~91 km east.
  DbscanOptions o{5.0, 20 * kUnit};
  DbscanResult apart = WeightedDbscan(pts, o);
  EXPECT_EQ(apart.num_clusters, 2);
  // A corridor of cells every ~2.7 km, each heavy enough to be core.
  for (int i = 1; i < 33; ++i) pts.push_back(At(35.0, 139.0 + i * 0.03, 20));
  DbscanResult joined = WeightedDbscan(pts, o);
  EXPECT_EQ(joined.num_clusters, 1);
  for (int32_t c : joined.cluster) EXPECT_EQ(c, 0);
  // A light corridor (no core cell in the gap) does not join them.
  std::vector<WeightedLocation> light(pts.begin(), pts.begin() + 10);
  for (int i = 8; i < 26; ++i) light.push_back(At(35.0, 139.0 + i * 0.03, 0.1));
  EXPECT_EQ(WeightedDbscan(light, o).num_clusters, 2);
  ExpectSame(light, o, "light corridor");
}

TEST(Dbscan, BlobAcrossTheAntimeridianIsOneCluster) {
  std::vector<WeightedLocation> pts;
  for (int i = 0; i < 6; ++i) pts.push_back(At(-16.5 + 0.01 * i, 179.98, 5));
  for (int i = 0; i < 6; ++i) pts.push_back(At(-16.5 + 0.01 * i, -179.98, 5));
  pts.push_back(At(-16.5, 180.0, 5));
  DbscanResult r = WeightedDbscan(pts, {6.0, 30 * kUnit});
  EXPECT_EQ(r.num_clusters, 1);
  for (int32_t c : r.cluster) EXPECT_EQ(c, 0);
  ExpectSame(pts, {6.0, 30 * kUnit}, "antimeridian");
}

TEST(Dbscan, BlobAroundAPoleIsOneCluster) {
  std::vector<WeightedLocation> pts;
  for (int k = 0; k < 12; ++k)
    pts.push_back(At(89.97, -180.0 + 30 * k, 4));  // ~3.3 km from the pole.
  pts.push_back(At(90.0, 0, 4));
  DbscanOptions o{5.0, 20 * kUnit};
  DbscanResult r = WeightedDbscan(pts, o);
  EXPECT_EQ(r.num_clusters, 1);
  for (int32_t c : r.cluster) EXPECT_EQ(c, 0);
  ExpectSame(pts, o, "north pole");
  // Near the south pole, points on opposite meridians ~4.4 km apart.
  std::vector<WeightedLocation> south = {At(-89.98, 10, 1), At(-89.98, -170, 1)};
  EXPECT_EQ(WeightedDbscan(south, {4.5, 2 * kUnit}).num_clusters, 1);
  EXPECT_EQ(WeightedDbscan(south, {4.4, 2 * kUnit}).num_clusters, 0);
}

TEST(Dbscan, PointsExactlyAtEpsAreNeighbours) {
  const WeightedLocation a = At(48.85, 2.35, 1), b = At(48.85, 2.52, 1);
  const double d = HaversineKm(a.lat_e5, a.lon_e5, b.lat_e5, b.lon_e5);
  std::vector<WeightedLocation> pts = {a, b};
  DbscanResult at = WeightedDbscan(pts, {d, 2 * kUnit});
  EXPECT_EQ(at.num_clusters, 1);
  EXPECT_EQ(at.core[0], 1);
  EXPECT_EQ(at.core[1], 1);
  DbscanResult below = WeightedDbscan(pts, {d * (1 - 1e-7), 2 * kUnit});
  EXPECT_EQ(below.num_clusters, 0);
  // Along a meridian: one grid step of 0.09 degree = 10.0075 km.
  const WeightedLocation c = At(0, 0, 1), e = At(0.09, 0, 1);
  const double m = HaversineKm(c.lat_e5, c.lon_e5, e.lat_e5, e.lon_e5);
  EXPECT_EQ(WeightedDbscan(std::vector<WeightedLocation>{c, e}, {m, 2 * kUnit}).num_clusters, 1);
}

TEST(Dbscan, BorderPointJoinsTheNearestCoreCluster) {
  // Two groups of three points (inner points 20 km apart, eps 12: separate
  // clusters) and a light point between the inner points, nearer to the
  // second group. It sees 4 + 4 + 1 < 12: a border point.
  std::vector<WeightedLocation> pts = {At(0, 0, 4),    At(0, -0.05, 4), At(0, -0.08, 4),
                                       At(0, 0.18, 4), At(0, 0.23, 4),  At(0, 0.26, 4),
                                       At(0, 0.1, 1)};
  DbscanOptions o{12.0, 12 * kUnit};
  DbscanResult r = WeightedDbscan(pts, o);
  ASSERT_EQ(r.num_clusters, 2);
  EXPECT_EQ(r.core[6], 0);
  EXPECT_EQ(r.cluster[6], r.cluster[3]);
  ExpectSame(pts, o, "border");
  // Exactly in the middle (mirror images: bit-identical chords): the core
  // with the smaller input index wins, whichever group is listed first.
  for (double first : {-1.0, 1.0}) {
    std::vector<WeightedLocation> tie = {At(0, 0.09 * first, 4),
                                         At(0, 0.14 * first, 4),
                                         At(0, 0.17 * first, 4),
                                         At(0, -0.09 * first, 4),
                                         At(0, -0.14 * first, 4),
                                         At(0, -0.17 * first, 4),
                                         At(0, 0, 1)};
    r = WeightedDbscan(tie, o);
    ASSERT_EQ(r.num_clusters, 2);
    EXPECT_EQ(r.core[6], 0);
    EXPECT_EQ(r.cluster[6], r.cluster[0]);
  }
}

TEST(Dbscan, NumbersClustersBySmallestCoreIndexAndIsOrderIndependent) {
  std::mt19937_64 rng(5);
  std::vector<WeightedLocation> pts = RandomWorld(rng, 500, 0.2);
  DbscanOptions o{8.0, 2 * kUnit};
  DbscanResult r = WeightedDbscan(pts, o);
  std::vector<int32_t> first_seen;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (!r.core[i]) continue;
    if (r.cluster[i] >= static_cast<int32_t>(first_seen.size())) {
      ASSERT_EQ(r.cluster[i], static_cast<int32_t>(first_seen.size()));
      first_seen.push_back(r.cluster[i]);
    }
  }
  EXPECT_EQ(static_cast<int32_t>(first_seen.size()), r.num_clusters);
}

TEST(Dbscan, EmptyAndZeroThreshold) {
  EXPECT_EQ(WeightedDbscan({}, {}).num_clusters, 0);
  std::vector<WeightedLocation> pts = {At(10, 10, 0), At(50, 50, 0)};
  DbscanResult r = WeightedDbscan(pts, {1.0, 0});
  EXPECT_EQ(r.num_clusters, 2);
}

}  // namespace
}  // namespace stc::cluster
