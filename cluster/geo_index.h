// A spatial index of points on the sphere for fixed-radius neighbour search.
//
// Points are put in buckets of a latitude/longitude grid sized by the search
// radius eps: latitude bands at least eps high (so a neighbour lies in the
// same band or an adjacent one), and in each band longitude buckets whose
// width grows with latitude (360 / floor(360 / dlon), where dlon is the
// largest longitude difference a neighbour can have at the band's poleward
// edge, asin(sin(eps/R) / cos(lat))). A query from a bucket covers its own
// and the adjacent bands, over the longitude range the bucket reaches,
// wrapping across the antimeridian; when a band is within eps of a pole, the
// whole of the reachable bands. Only occupied buckets are kept (sorted keys),
// so memory is O(n) whatever eps, and the candidates of a bucket are a few
// contiguous ranges of the point order, about 3 x 3 buckets of eps size:
// the cost of a neighbour scan grows with the number of true neighbours, not
// with n.
//
// Candidate ranges are a superset of the points within eps (geo_math.h's
// predicate); callers filter with Chord2.
//
// Thread-safety: immutable after construction; concurrent queries are safe.
#ifndef STCLUSTER_CLUSTER_GEO_INDEX_H_
#define STCLUSTER_CLUSTER_GEO_INDEX_H_

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace stc::cluster {

class GeoIndex {
 public:
  // Builds the index of `lat_e5[i]`, `lon_e5[i]` (same length; latitudes in
  // [-90, 90] and longitudes in [-180, 180] degrees, 1e-5 degree units) for
  // searches within `eps_km` (values below 1 m are treated as 1 m for the
  // bucket size only).
  GeoIndex(std::span<const int32_t> lat_e5, std::span<const int32_t> lon_e5, double eps_km);

  // Point indices sorted by bucket, then by index: "positions" below index
  // into this order.
  const std::vector<uint32_t>& order() const { return order_; }
  // Number of occupied buckets.
  size_t buckets() const { return keys_.size(); }
  // Positions [first, second) of occupied bucket `b` (< buckets()).
  std::pair<uint32_t, uint32_t> BucketRange(size_t b) const { return {starts_[b], starts_[b + 1]}; }
  // eps as an angle in degrees, with a margin: two points whose latitudes
  // differ by more are not within eps (the latitude difference is a lower
  // bound of the great-circle distance).
  double eps_deg() const { return eps_deg_; }
  // Replaces `*out` with disjoint position ranges [first, second) holding
  // every point within eps of any point of bucket `b` (and possibly more).
  void CandidateRanges(size_t b, std::vector<std::pair<uint32_t, uint32_t>>* out) const;

 private:
  struct Band {
    int64_t buckets;   // Longitude buckets in the band.
    double width_deg;  // 360 / buckets.
    double reach_deg;  // Longitude reach of a query from this band (>= 180: all).
  };
  Band BandOf(int64_t band) const;
  int64_t BandIndex(int32_t lat_e5) const;
  int64_t LonBucket(const Band& band, int32_t lon_e5) const;
  // Appends the positions of buckets [lo, hi] (bucket indices in band t).
  void AddRange(int64_t t, int64_t lo, int64_t hi,
                std::vector<std::pair<uint32_t, uint32_t>>* out) const;

  double eps_deg_;   // eps as an angle in degrees (with margin).
  int64_t bands_;    // Number of latitude bands.
  double band_deg_;  // Band height, >= eps_deg_.
  std::vector<uint32_t> order_;
  std::vector<int64_t> keys_;     // Occupied bucket keys (band << 32 | lon bucket), sorted.
  std::vector<uint32_t> starts_;  // keys_.size() + 1 positions.
};

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_GEO_INDEX_H_
