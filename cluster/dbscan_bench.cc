// Google Benchmark of the delineation's hot path: weighted DBSCAN over one
// million distinct rounded locations (0.01 degree cells) of a synthetic
// world: metro areas of several sizes (Gaussian spread, heavy-tailed
// weights) and a scattered background. The result is checked against a
// second run (determinism) before timing.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <unordered_set>
#include <vector>

#include "cluster/dbscan.h"

namespace stc::cluster {
namespace {

std::vector<WeightedLocation> SyntheticWorld(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  struct Metro {
    double lat, lon, sigma_deg;
  };
  std::vector<Metro> metros;
  for (int i = 0; i < 2000; ++i) {
    double sigma_km = 3 + 40 * std::pow(u(rng), 3);
    metros.push_back({-45 + 110 * u(rng), -180 + 360 * u(rng), sigma_km / 111.0});
  }
  std::unordered_set<uint64_t> seen;
  std::vector<WeightedLocation> out;
  out.reserve(n);
  std::normal_distribution<double> g(0, 1);
  while (out.size() < n) {
    double lat, lon;
    if (u(rng) < 0.75) {
      // Bigger metros get more locations (Zipf-like pick).
      const Metro& m = metros[static_cast<size_t>(std::pow(u(rng), 2.5) * metros.size())];
      lat = m.lat + g(rng) * m.sigma_deg;
      lon = m.lon + g(rng) * m.sigma_deg / std::max(0.2, std::cos(m.lat * M_PI / 180));
    } else {
      lat = -55 + 125 * u(rng);
      lon = -180 + 360 * u(rng);
    }
    lat = std::clamp(lat, -89.99, 89.99);
    if (lon < -180) lon += 360;
    if (lon >= 180) lon -= 360;
    auto la = static_cast<int32_t>(std::lround(lat * 100)),
         lo = static_cast<int32_t>(std::lround(lon * 100));
    if (lo == 18000) lo = -18000;
    if (!seen.insert((static_cast<uint64_t>(static_cast<uint32_t>(la)) << 32) |
                     static_cast<uint32_t>(lo))
             .second)
      continue;
    // Heavy-tailed weight: most cells hold a fraction of a record, a few hundreds.
    Units w = static_cast<Units>(kUnit * 0.05 / std::pow(u(rng) + 1e-6, 1.2));
    out.push_back({la * 1000, lo * 1000, w});
  }
  return out;
}

void BM_WeightedDbscan1M(benchmark::State& state) {
  const auto pts = SyntheticWorld(static_cast<size_t>(state.range(0)), 42);
  DbscanOptions o;
  o.eps_km = static_cast<double>(state.range(1));
  Units total = 0;
  for (const auto& p : pts) total += p.weight;
  o.min_weight = total / 10000;  // 0.01% of the world in the eps disc.
  DbscanResult check = WeightedDbscan(pts, o);
  if (WeightedDbscan(pts, o).cluster != check.cluster) state.SkipWithError("not deterministic");
  size_t cores = 0, clustered = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    cores += check.core[i];
    clustered += check.cluster[i] >= 0;
  }
  for (auto _ : state) {
    DbscanResult r = WeightedDbscan(pts, o);
    benchmark::DoNotOptimize(r.num_clusters);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * pts.size()));
  state.counters["clusters"] = check.num_clusters;
  state.counters["core_pct"] = 100.0 * static_cast<double>(cores) / static_cast<double>(pts.size());
  state.counters["clustered_pct"] =
      100.0 * static_cast<double>(clustered) / static_cast<double>(pts.size());
}
BENCHMARK(BM_WeightedDbscan1M)
    ->Args({1000000, 12})
    ->Args({1000000, 25})
    ->Args({100000, 12})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace stc::cluster
