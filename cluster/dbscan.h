// Weighted DBSCAN on the sphere.
//
// Each point is a rounded location with a non-negative weight (units of
// fractional counts). With N(p) = the points within eps of p (great-circle
// distance, geo_math.h's predicate, p itself included):
//   - p is a *core* point when sum(weight of N(p)) >= min_weight;
//   - two core points within eps of each other are in the same cluster
//     (clusters are the connected components of that relation);
//   - a non-core point within eps of at least one core point is a *border*
//     point: it joins the cluster of its nearest core point; at equal
//     distance (equal squared chord, bit for bit), of the core point with
//     the smallest input index. This makes the result a function of the input
//     alone (classic DBSCAN leaves it to the visiting order);
//   - every other point is noise.
// Clusters are numbered 0, 1, ... in the order of the smallest input index
// among their core points.
//
// Cost: a GeoIndex scan; about linear in n for bounded local density (each
// point looks at the points of its 3 x 3 eps-sized buckets that are within
// eps in latitude). Core determination stops summing as soon as min_weight
// is reached. The core points, the unions of
// core points within eps (a union-find updated by compare-and-swap) and the
// border points run on oneTBB's threads (every core), the numbering on the
// calling thread. The result does not depend on the threads.
//
// Thread-safety: a pure function; concurrent calls are safe.
#ifndef STCLUSTER_CLUSTER_DBSCAN_H_
#define STCLUSTER_CLUSTER_DBSCAN_H_

#include <cstdint>
#include <span>
#include <vector>

#include "core/units.h"

namespace stc::cluster {

struct WeightedLocation {
  int32_t lat_e5 = 0;  // [-90e5, 90e5]
  int32_t lon_e5 = 0;  // [-180e5, 180e5]
  Units weight = 0;    // >= 0
};

struct DbscanOptions {
  double eps_km = 10.0;  // Neighbourhood radius, great-circle km (>= 0).
  Units min_weight = 1;  // Core threshold (<= 0: every point is core).
};

struct DbscanResult {
  static constexpr int32_t kNoise = -1;
  std::vector<int32_t> cluster;  // Per input point: 0..num_clusters-1, or kNoise.
  std::vector<uint8_t> core;     // Per input point: 1 for core points.
  int32_t num_clusters = 0;
};

DbscanResult WeightedDbscan(std::span<const WeightedLocation> points, const DbscanOptions& options);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_DBSCAN_H_
