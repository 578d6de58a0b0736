// PlaceLookup and PopulationSource over the GeoNames gazetteer of geo/ (the
// adapters naming uses in `stcluster delineate` and the intensity ranking
// uses in `rank --by intensity`, `show`, `export --by profile`). Kept in its own target,
// stc_cluster_geo, so that the cluster library itself does not depend on geo/.
//
// Thread-safety: as geo::Gazetteer (const, any number of threads).
#ifndef STCLUSTER_CLUSTER_GAZETTEER_PLACES_H_
#define STCLUSTER_CLUSTER_GAZETTEER_PLACES_H_

#include "cluster/naming.h"
#include "cluster/population.h"
#include "geo/gazetteer.h"

namespace stc::cluster {

class GazetteerPlaces : public PlaceLookup {
 public:
  // `gazetteer` must outlive this object.
  explicit GazetteerPlaces(const geo::Gazetteer* gazetteer) : gazetteer_(gazetteer) {}
  // The most populous place within radius_km that is a town or city in its
  // own right (sections of a city such as wards, and historical places, are
  // skipped: a Tokyo ward never names a cluster).
  std::optional<PlaceInfo> PrincipalPlace(int32_t lat_e5, int32_t lon_e5,
                                          double radius_km) const override;

 private:
  const geo::Gazetteer* gazetteer_;
};

class GazetteerPopulation : public PopulationSource {
 public:
  // `gazetteer` must outlive this object; `what` names it in Describe().
  GazetteerPopulation(const geo::Gazetteer* gazetteer, std::string what)
      : gazetteer_(gazetteer), what_(std::move(what)) {}
  // Every place with a population, except sections of a city (wards,
  // districts: GeoNames PPLX, whose inhabitants are already counted in their
  // city's population) and historical places.
  Status ForEachPlace(const std::function<Status(const PopulatedPlace&)>& fn) const override;
  // "GeoNames <what>, N places".
  std::string Describe() const override;

 private:
  const geo::Gazetteer* gazetteer_;
  std::string what_;
};

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_GAZETTEER_PLACES_H_
