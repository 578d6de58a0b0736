// The geocoding stage of ingest: a stc::LocationResolver over a Gazetteer
// (core/location_resolver.h), called on each record before counting.
//
// For every location of every person:
//  - the country, when given as a name ("United Kingdom", "Korea, Republic
//    of", "Viet Nam", "Türkiye") or an ISO-3 code, becomes its ISO-2 code
//    (the gazetteer's table: i18n-iso-countries names plus our aliases). An
//    unknown country (name or code) is kept as written and its location is
//    not geocoded: it is counted "unresolved" (given coordinates are kept,
//    "given", unless a placeholder) and its label ("Paris, Atlantis") shows
//    in `stcluster stats`' top unresolved places;
//  - a location with coordinates is validated: (0,0)-like placeholders
//    (|lat| < 1 and |lon| < 1, open sea) and points outside the footprint of
//    the stated country are re-geocoded from the location's text; counted
//    as "corrected_null_island" / "corrected_out_of_country". A placeholder
//    whose text does not resolve loses its coordinates (unlocated); an
//    out-of-country point whose text does not resolve is kept as given and
//    counted as "corrected_out_of_country_kept". Valid points count "given";
//  - a location without coordinates is geocoded (geocoder.h) from its city,
//    address and country and counted under its match quality ("exact",
//    "alternate", "fuzzy", "address_token", "country_centroid",
//    "unresolved"). A country-only match stays unlocated unless
//    ResolverOptions::locate_country_centroids (a capital is not where the
//    person is, and would create false clusters); its country is filled in.
// Unresolved locations stay unlocated: never dropped.
//
// Thread-safety: GeoResolver is immutable and shared; each thread resolver
// owns a Geocoder with its cache.
#ifndef STCLUSTER_GEO_RESOLVER_H_
#define STCLUSTER_GEO_RESOLVER_H_

#include <memory>

#include "core/location_resolver.h"
#include "geo/gazetteer.h"
#include "geo/geocoder.h"

namespace stc::geo {

struct ResolverOptions {
  // Check given coordinates against the stated country and (0,0).
  bool validate_coordinates = true;
  // Give country-only locations the coordinates of the capital.
  bool locate_country_centroids = false;
  GeocoderOptions geocoder;
};

class GeoResolver : public LocationResolver {
 public:
  // `gazetteer` must outlive the resolver and every thread resolver.
  explicit GeoResolver(const Gazetteer& gazetteer, ResolverOptions options = {})
      : gaz_(gazetteer), options_(options) {}

  std::unique_ptr<ThreadResolver> NewThreadResolver() const override;
  // The gazetteer's identity, the options that change results and
  // kResolverRulesVersion.
  std::optional<uint64_t> Identity() const override;

  // Raise whenever a change to the resolver or the geocoder changes what
  // they make of some record with the same gazetteer: stored records then
  // stop being recognised by their bytes and are read again.
  static constexpr uint32_t kResolverRulesVersion = 1;

 private:
  const Gazetteer& gaz_;
  ResolverOptions options_;
};

// True for (0,0)-like placeholder coordinates (|lat| < 1 and |lon| < 1).
inline bool IsNullIsland(int32_t lat_e5, int32_t lon_e5) {
  return lat_e5 > -100000 && lat_e5 < 100000 && lon_e5 > -100000 && lon_e5 < 100000;
}

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_RESOLVER_H_
