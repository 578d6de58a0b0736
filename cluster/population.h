// Cluster populations: the summed population of the gazetteer places inside
// each cluster's footprint, the denominator of the intensity ranking
// (docs/clusters.md, "Population and intensity").
//
// A place lies inside a cluster's footprint when the cell holding its
// coordinates, on the cluster map's grid, is one of the cluster's cells. Each
// place therefore counts towards at most one cluster. Which places a
// PopulationSource offers is its own rule (the GeoNames adapter in
// gazetteer_places.h skips sections of cities and historical places, whose
// populations are already in their city's).
//
// Thread-safety: functions of their arguments.
#ifndef STCLUSTER_CLUSTER_POPULATION_H_
#define STCLUSTER_CLUSTER_POPULATION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "cluster/cluster_map.h"
#include "core/status.h"

namespace stc::cluster {

struct PopulatedPlace {
  int32_t lat_e5 = 0, lon_e5 = 0;
  int64_t population = 0;
};

// The gazetteer as the population step sees it. Implementations must be
// deterministic and safe to call from one thread at a time.
class PopulationSource {
 public:
  virtual ~PopulationSource() = default;
  // Calls `fn` once for every place with a population to count; stops and
  // returns fn's error when it returns one.
  virtual Status ForEachPlace(const std::function<Status(const PopulatedPlace&)>& fn) const = 0;
  // One line naming the data ("GeoNames cities500, 12345 places"), printed
  // with intensity outputs.
  virtual std::string Describe() const = 0;
};

struct ClusterPopulation {
  int64_t population = 0;
  int32_t places = 0;
};

struct ClusterPopulations {
  std::string source;                             // PopulationSource::Describe().
  std::map<int32_t, ClusterPopulation> clusters;  // By cluster id; clusters without places absent.

  // The population of cluster `id` (0 places, 0 inhabitants when absent).
  ClusterPopulation Of(int32_t id) const;
};

// Sums `source`'s places into `map`'s clusters. Errors: the source's.
Result<ClusterPopulations> ComputeClusterPopulations(const ClusterMap& map,
                                                     const PopulationSource& source);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_POPULATION_H_
