#include "cluster/gazetteer_places.h"

namespace stc::cluster {

std::optional<PlaceInfo> GazetteerPlaces::PrincipalPlace(int32_t lat_e5, int32_t lon_e5,
                                                         double radius_km) const {
  const geo::Place* p = gazetteer_->PrincipalPlaceWithin(lat_e5 / 1e5, lon_e5 / 1e5, radius_km);
  if (p == nullptr) return std::nullopt;
  PlaceInfo info;
  info.name = std::string(p->name());
  info.country = std::string(p->country());
  info.admin1 = std::string(p->admin1());
  info.population = p->population();
  return info;
}

Status GazetteerPopulation::ForEachPlace(
    const std::function<Status(const PopulatedPlace&)>& fn) const {
  for (uint32_t i = 0; i < gazetteer_->size(); ++i) {
    const geo::Place& p = gazetteer_->place(i);
    if (p.feature() == geo::Feature::kSection || p.feature() == geo::Feature::kHistorical) {
      continue;
    }
    if (p.population() == 0) continue;
    STC_RETURN_IF_ERROR(fn({p.lat_e5(), p.lon_e5(), static_cast<int64_t>(p.population())}));
  }
  return Status::Ok();
}

std::string GazetteerPopulation::Describe() const {
  return "GeoNames " + what_ + ", " + std::to_string(gazetteer_->size()) + " places";
}

}  // namespace stc::cluster
