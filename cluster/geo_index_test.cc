#include "cluster/geo_index.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "cluster/geo_math.h"

namespace stc::cluster {
namespace {

// Every pair within eps must be among the candidates of the first point's bucket.
void CheckSuperset(const std::vector<int32_t>& lat, const std::vector<int32_t>& lon, double eps) {
  GeoIndex index(lat, lon, eps);
  const size_t n = lat.size();
  std::vector<size_t> bucket_of(n);
  std::vector<uint32_t> pos_of(n);
  for (size_t b = 0; b < index.buckets(); ++b) {
    auto [f, l] = index.BucketRange(b);
    for (uint32_t p = f; p < l; ++p) {
      bucket_of[index.order()[p]] = b;
      pos_of[index.order()[p]] = p;
    }
  }
  const double limit = Chord2Limit(eps);
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (size_t i = 0; i < n; ++i) {
    index.CandidateRanges(bucket_of[i], &ranges);
    UnitVec vi = ToUnitVec(lat[i], lon[i]);
    for (size_t j = 0; j < n; ++j) {
      if (Chord2(vi, ToUnitVec(lat[j], lon[j])) > limit) continue;
      bool found = false;
      for (auto [lo, hi] : ranges) found |= pos_of[j] >= lo && pos_of[j] < hi;
      ASSERT_TRUE(found) << "eps " << eps << ": " << lat[i] << "," << lon[i] << " -> " << lat[j]
                         << "," << lon[j];
    }
  }
}

TEST(GeoIndex, CandidatesCoverEveryNeighbourEverywhere) {
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 300; ++trial) {
    double eps = 0.5 + static_cast<double>(rng() % 3000) / 10.0;
    std::uniform_int_distribution<int32_t> la(-9000000, 9000000), lo(-18000000, 18000000);
    // Points concentrated near a random spot so that pairs exist, incl. poles and the antimeridian.
    int32_t clat = la(rng), clon = lo(rng);
    if (trial % 3 == 0)
      clat = (trial % 2 ? 1 : -1) * (9000000 - static_cast<int32_t>(rng() % 300000));
    if (trial % 4 == 0) clon = 18000000 - static_cast<int32_t>(rng() % 100000);
    std::normal_distribution<double> g(0, eps * 1000);  // eps km in 1e-5 degree units, roughly.
    std::vector<int32_t> lat, lon;
    for (int i = 0; i < 150; ++i) {
      double a = clat + g(rng), b = clon + g(rng) * 3;
      a = std::clamp(a, -9000000.0, 9000000.0);
      while (b > 18000000) b -= 36000000;
      while (b < -18000000) b += 36000000;
      lat.push_back(static_cast<int32_t>(a));
      lon.push_back(static_cast<int32_t>(b));
    }
    CheckSuperset(lat, lon, eps);
    if (HasFatalFailure()) return;
  }
}

TEST(GeoIndex, EdgeLongitudesAndPoles) {
  std::vector<int32_t> lat = {0, 0, 9000000, 9000000, -9000000, 8999000, 0};
  std::vector<int32_t> lon = {18000000, -18000000, 0, 17000000, 5, -12345678, 17999999};
  for (double eps : {0.001, 1.0, 10.0, 120.0, 5000.0, 25000.0}) CheckSuperset(lat, lon, eps);
}

}  // namespace
}  // namespace stc::cluster
