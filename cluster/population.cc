#include "cluster/population.h"

namespace stc::cluster {

ClusterPopulation ClusterPopulations::Of(int32_t id) const {
  auto it = clusters.find(id);
  return it == clusters.end() ? ClusterPopulation{} : it->second;
}

Result<ClusterPopulations> ComputeClusterPopulations(const ClusterMap& map,
                                                     const PopulationSource& source) {
  ClusterPopulations out;
  out.source = source.Describe();
  STC_RETURN_IF_ERROR(source.ForEachPlace([&](const PopulatedPlace& p) -> Status {
    if (p.population <= 0) return Status::Ok();
    int32_t id = map.ClusterAt(p.lat_e5, p.lon_e5);
    if (id == 0) return Status::Ok();
    ClusterPopulation& c = out.clusters[id];
    c.population += p.population;
    ++c.places;
    return Status::Ok();
  }));
  return out;
}

}  // namespace stc::cluster
