#include "cluster/geo_index.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "cluster/geo_math.h"

namespace stc::cluster {
namespace {

constexpr double kRadToDeg = 180.0 / std::numbers::pi;
// Relative and absolute margins that keep the pruning conservative against
// rounding (the exact predicate already tolerates 1e-9 relative).
constexpr double kMarginRel = 1e-6;
constexpr double kMarginDeg = 1e-7;

}  // namespace

GeoIndex::GeoIndex(std::span<const int32_t> lat_e5, std::span<const int32_t> lon_e5,
                   double eps_km) {
  double eps = std::max(eps_km, 1e-3);
  eps_deg_ = eps / kEarthRadiusKm * kRadToDeg * (1 + kMarginRel) + kMarginDeg;
  bands_ = std::max<int64_t>(1, static_cast<int64_t>(std::floor(180.0 / eps_deg_)));
  band_deg_ = 180.0 / static_cast<double>(bands_);

  const size_t n = lat_e5.size();
  std::vector<std::pair<int64_t, uint32_t>> keyed(n);
  // Band geometry is computed once per distinct band (points come in any order).
  int64_t cached_band = -1;
  Band cached{};
  for (size_t i = 0; i < n; ++i) {
    int64_t b = BandIndex(lat_e5[i]);
    if (b != cached_band) {
      cached = BandOf(b);
      cached_band = b;
    }
    keyed[i] = {(b << 32) | LonBucket(cached, lon_e5[i]), static_cast<uint32_t>(i)};
  }
  std::sort(keyed.begin(), keyed.end());
  order_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    order_[i] = keyed[i].second;
    if (i == 0 || keyed[i].first != keyed[i - 1].first) {
      keys_.push_back(keyed[i].first);
      starts_.push_back(static_cast<uint32_t>(i));
    }
  }
  starts_.push_back(static_cast<uint32_t>(n));
}

int64_t GeoIndex::BandIndex(int32_t lat_e5) const {
  double lat = lat_e5 / 100000.0;
  auto b = static_cast<int64_t>(std::floor((lat + 90.0) / band_deg_));
  return std::clamp<int64_t>(b, 0, bands_ - 1);
}

GeoIndex::Band GeoIndex::BandOf(int64_t band) const {
  double lo = -90.0 + static_cast<double>(band) * band_deg_;
  double hi = lo + band_deg_;
  double poleward = std::min(90.0, std::max(std::fabs(lo), std::fabs(hi)));
  Band out{1, 360.0, 360.0};
  if (poleward + eps_deg_ >= 90.0) return out;  // A pole is within reach: all longitudes.
  double s = std::sin(eps_deg_ / kRadToDeg) / std::cos(poleward / kRadToDeg);
  if (s >= 1) return out;
  double reach = std::asin(s) * kRadToDeg * (1 + kMarginRel) + kMarginDeg;
  if (reach >= 180.0) return out;
  out.buckets = std::max<int64_t>(1, static_cast<int64_t>(std::floor(360.0 / reach)));
  out.width_deg = 360.0 / static_cast<double>(out.buckets);
  out.reach_deg = reach;
  return out;
}

int64_t GeoIndex::LonBucket(const Band& band, int32_t lon_e5) const {
  double lon = lon_e5 / 100000.0;
  auto i = static_cast<int64_t>(std::floor((lon + 180.0) / band.width_deg));
  return std::clamp<int64_t>(i, 0, band.buckets - 1);
}

void GeoIndex::AddRange(int64_t t, int64_t lo, int64_t hi,
                        std::vector<std::pair<uint32_t, uint32_t>>* out) const {
  auto first = std::lower_bound(keys_.begin(), keys_.end(), (t << 32) | lo);
  auto last = std::upper_bound(first, keys_.end(), (t << 32) | hi);
  if (first == last) return;
  out->emplace_back(starts_[first - keys_.begin()], starts_[last - keys_.begin()]);
}

void GeoIndex::CandidateRanges(size_t b, std::vector<std::pair<uint32_t, uint32_t>>* out) const {
  out->clear();
  const int64_t band = keys_[b] >> 32;
  const int64_t bucket = keys_[b] & 0xffffffff;
  const Band src = BandOf(band);
  const double west = -180.0 + static_cast<double>(bucket) * src.width_deg;
  const double east = west + src.width_deg;
  for (int64_t t = std::max<int64_t>(0, band - 1); t <= std::min(bands_ - 1, band + 1); ++t) {
    const Band dst = t == band ? src : BandOf(t);
    if (src.reach_deg >= 180.0 || dst.buckets == 1) {
      AddRange(t, 0, dst.buckets - 1, out);
      continue;
    }
    auto lo = static_cast<int64_t>(std::floor((west - src.reach_deg + 180.0) / dst.width_deg));
    auto hi = static_cast<int64_t>(std::floor((east + src.reach_deg + 180.0) / dst.width_deg));
    if (hi - lo + 1 >= dst.buckets) {
      AddRange(t, 0, dst.buckets - 1, out);
      continue;
    }
    int64_t lo_m = ((lo % dst.buckets) + dst.buckets) % dst.buckets;
    int64_t hi_m = lo_m + (hi - lo);
    if (hi_m < dst.buckets) {
      AddRange(t, lo_m, hi_m, out);
    } else {  // Wraps across the antimeridian.
      AddRange(t, lo_m, dst.buckets - 1, out);
      AddRange(t, 0, hi_m - dst.buckets, out);
    }
  }
}

}  // namespace stc::cluster
