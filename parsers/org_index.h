// A read-only table of organisation ids to places: the OpenAlex institutions
// snapshot (id -> coordinates, country, GeoNames city id), loaded once before
// the works are parsed and shared by every parser thread.
//
// Thread-safety: Add* before sharing; Find is const and safe from any thread.
#ifndef STCLUSTER_PARSERS_ORG_INDEX_H_
#define STCLUSTER_PARSERS_ORG_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stc {

struct OrgPlace {
  bool has_coords = false;
  int32_t lat_e5 = 0;
  int32_t lon_e5 = 0;
  std::string country;           // ISO-2 or "".
  std::string city;              // geo.city, e.g. "Ann Arbor".
  int64_t geonames_city_id = 0;  // 0 when unknown.
};

class OrgIndex {
 public:
  // Inserts or replaces the place of `id` (a later partition wins).
  void Put(std::string id, OrgPlace place) { places_[std::move(id)] = std::move(place); }
  // The place of `id`, or null.
  const OrgPlace* Find(std::string_view id) const {
    auto it = places_.find(std::string(id));
    return it == places_.end() ? nullptr : &it->second;
  }
  size_t size() const { return places_.size(); }

 private:
  std::unordered_map<std::string, OrgPlace> places_;
};

}  // namespace stc

#endif  // STCLUSTER_PARSERS_ORG_INDEX_H_
