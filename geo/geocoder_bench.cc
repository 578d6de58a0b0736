// Geocoder throughput: distinct (city, country) look-ups, distinct free-text
// addresses, cache hits, and the tokenizer alone (the floor every query pays).
// Uses the real index (STC_GAZETTEER, built by scripts/setup) when present,
// else the hand-made test gazetteer. Results are checked before timing.
//
//   build/geo/stc_geo_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "geo/gazetteer.h"
#include "geo/gazetteer_builder.h"
#include "geo/geocoder.h"

namespace stc::geo {
namespace {

std::string Slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Gazetteer& Gaz() {
  static const Gazetteer* g = [] {
    const char* env = std::getenv("STC_GAZETTEER");
    std::string path = env != nullptr ? env : STC_GAZETTEER;
    if (std::filesystem::exists(path)) {
      auto r = Gazetteer::Open(path);
      if (r.ok()) return std::move(r).value().release();
    }
    std::cerr << "stc_geo_bench: no index at " << path << ", using the test gazetteer\n";
    std::string dir = STC_GEO_TESTDATA;
    auto bytes =
        BuildGazetteerIndex({Slurp(dir + "/mini_cities500.txt"), Slurp(dir + "/mini_en.json"),
                             Slurp(dir + "/mini_codes.json")});
    return Gazetteer::FromBytes(std::move(bytes).value()).value().release();
  }();
  return *g;
}

struct Q {
  std::string country, city, address;
};

// Distinct queries drawn from the gazetteer's own places (every 2nd place
// with a population, so names are real and spread over all countries).
const std::vector<Q>& Queries(bool address) {
  static std::vector<Q> city, addr;
  std::vector<Q>& out = address ? addr : city;
  if (!out.empty()) return out;
  const Gazetteer& g = Gaz();
  for (uint32_t i = 0; i < g.size() && out.size() < 100000; i += 2) {
    const Place& p = g.place(i);
    if (p.population() == 0 || p.feature() == Feature::kHistorical) continue;
    std::string cc(p.country());
    if (address) {
      out.push_back({cc, "",
                     std::to_string(i % 97 + 1) + " Station Road, " +
                         std::to_string(10000 + i % 89999) + " " + std::string(p.ascii_name())});
    } else {
      out.push_back({cc, std::string(p.name()), ""});
    }
  }
  return out;
}

void CheckResolved(const std::vector<Q>& qs) {
  Geocoder geo(Gaz());
  size_t ok = 0;
  for (const Q& q : qs)
    ok += geo.GeocodeUncached({q.country, q.city, q.address, "", ""}).quality <
          MatchQuality::kCountryCentroid;
  if (ok < qs.size() * 9 / 10) {
    std::cerr << "only " << ok << " of " << qs.size() << " resolved\n";
    std::abort();
  }
}

void BM_DistinctCityCountry(benchmark::State& state) {
  const auto& qs = Queries(false);
  CheckResolved(qs);
  Geocoder geo(Gaz());
  size_t i = 0;
  for (auto _ : state) {
    const Q& q = qs[i++ % qs.size()];
    benchmark::DoNotOptimize(geo.GeocodeUncached({q.country, q.city, "", "", ""}));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("addresses/s; " + std::to_string(qs.size()) + " distinct");
}
BENCHMARK(BM_DistinctCityCountry);

void BM_DistinctFreeTextAddress(benchmark::State& state) {
  const auto& qs = Queries(true);
  CheckResolved(qs);
  Geocoder geo(Gaz());
  size_t i = 0;
  for (auto _ : state) {
    const Q& q = qs[i++ % qs.size()];
    benchmark::DoNotOptimize(geo.GeocodeUncached({q.country, "", q.address, "", ""}));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("addresses/s; " + std::to_string(qs.size()) + " distinct");
}
BENCHMARK(BM_DistinctFreeTextAddress);

// The same 1,000 addresses over and over, uncached: the index lines they
// touch stay in the CPU caches, so this is the compute part of a look-up
// (the difference to BM_DistinctFreeTextAddress is memory latency).
void BM_FreeTextAddressHotIndex(benchmark::State& state) {
  const auto& all = Queries(true);
  std::vector<Q> qs(all.begin(), all.begin() + std::min<size_t>(1000, all.size()));
  Geocoder geo(Gaz());
  size_t i = 0;
  for (auto _ : state) {
    const Q& q = qs[i++ % qs.size()];
    benchmark::DoNotOptimize(geo.GeocodeUncached({q.country, "", q.address, "", ""}));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("addresses/s; 1000 repeated, uncached");
}
BENCHMARK(BM_FreeTextAddressHotIndex);

// PATENTSCOPE's shape: every street address new, the city beside it one of
// 2,000 (each city with ~50 streets). Through Geocode: the query cache
// misses every time, the memo of city matches (geocoder.h) answers the city;
// arg 0 asks GeocodeUncached instead (the full search, no memo).
void BM_NewStreetsKnownCities(benchmark::State& state) {
  const auto& cities = Queries(false);
  const size_t n_cities = std::min<size_t>(2000, cities.size());
  std::vector<Q> qs;
  for (size_t i = 0; i < 100000; ++i) {
    const Q& c = cities[i % n_cities];
    qs.push_back(
        {c.country, c.city,
         std::to_string(i % 997 + 1) + " " + std::to_string(i) + " Garden Road, " + c.city});
  }
  const bool memo = state.range(0) == 1;
  Geocoder geo(Gaz());
  size_t i = 0;
  for (auto _ : state) {
    const Q& q = qs[i++ % qs.size()];
    const GeoQuery g{q.country, q.city, q.address, "", ""};
    benchmark::DoNotOptimize(memo ? geo.Geocode(g) : geo.GeocodeUncached(g));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(memo ? "addresses/s; Geocode (memo)" : "addresses/s; GeocodeUncached");
}
BENCHMARK(BM_NewStreetsKnownCities)->Arg(0)->Arg(1);

void BM_CacheHits(benchmark::State& state) {
  const auto& all = Queries(false);
  std::vector<Q> qs(all.begin(), all.begin() + std::min<size_t>(1000, all.size()));
  Geocoder geo(Gaz());
  for (const Q& q : qs) geo.Geocode({q.country, q.city, "", "", ""});
  size_t i = 0;
  for (auto _ : state) {
    const Q& q = qs[i++ % qs.size()];
    benchmark::DoNotOptimize(geo.Geocode({q.country, q.city, "", "", ""}));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("addresses/s; 1000 repeated");
}
BENCHMARK(BM_CacheHits);

void BM_TokenizeFloor(benchmark::State& state) {
  const auto& qs = Queries(true);
  TokenizedText t;
  size_t i = 0;
  for (auto _ : state) {
    Tokenize(qs[i++ % qs.size()].address, &t);
    benchmark::DoNotOptimize(t.tokens.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("addresses/s, tokenizing only (floor)");
}
BENCHMARK(BM_TokenizeFloor);

}  // namespace
}  // namespace stc::geo
