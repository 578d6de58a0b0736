// The geocoder: (city, country) pairs and free-text addresses to gazetteer
// places, offline, with a per-thread cache of resolved queries and a memo of
// what city fields matched (docs/geocoding.md); both give exactly what the
// full search (GeocodeUncached) gives.
//
// Strategy, first success wins (docs/geocoding.md):
//   1. the whole city field, as a name of the country (markers such as
//      "-shi", "Cedex 16" or "City of" removed): quality exact, alternate or
//      fuzzy;
//   2. place names found inside the city field, then inside the address text
//      (token and n-gram look-ups restricted to the country, scored by
//      position, markers, postcode adjacency, population): address_token;
//   3. the country alone: its capital, country_centroid;
//   4. unresolved.
// The country may be an ISO-2 code ("CA" is Canada), an ISO-3 code or a name
// ("Korea, Republic of"); when empty, a country name ending the address is
// used. A country that is given but unknown ("Atlantis") makes the query
// unresolved. For the US, a state code or name in the text or in `state`
// (", CA 94043") restricts the match to that state.
//
// Thread-safety: a Geocoder is NOT thread-safe (it owns a cache and scratch
// space); make one per thread over one shared const Gazetteer.
#ifndef STCLUSTER_GEO_GEOCODER_H_
#define STCLUSTER_GEO_GEOCODER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "geo/gazetteer.h"
#include "geo/normalize.h"
#include "geo/string_cache.h"

namespace stc::geo {

enum class MatchQuality : uint8_t {
  kExact = 0,            // The city field is a place's name (up to case and punctuation).
  kAlternate = 1,        // ... one of its alternate names or variants.
  kFuzzy = 2,            // ... its name after ASCII folding and marker removal.
  kAddressToken = 3,     // A place name found inside the text.
  kCountryCentroid = 4,  // Only the country is known: its capital.
  kUnresolved = 5,       // Nothing usable.
};
inline constexpr int kMatchQualityCount = 6;

// "exact", "alternate", "fuzzy", "address_token", "country_centroid",
// "unresolved" (the keys of the ingest summary's geocoding counts).
std::string_view MatchQualityName(MatchQuality q);

struct GeoQuery {
  std::string_view country;   // ISO-2, ISO-3 or an English name; may be empty.
  std::string_view city;      // May be empty.
  std::string_view address;   // Free text; may be empty.
  std::string_view postcode;  // Optional; appended to the address text.
  std::string_view state;     // Optional: admin1 code or US state name.
};

struct GeoResult {
  MatchQuality quality = MatchQuality::kUnresolved;
  const Place* place =
      nullptr;         // The place (the capital for country_centroid); null if unresolved.
  int32_t lat_e5 = 0;  // Valid when place != nullptr.
  int32_t lon_e5 = 0;
  char country[2] = {0, 0};  // ISO-2 of the query's country (or the place's); zeros if unknown.

  bool has_place() const { return place != nullptr; }
  std::string_view country_code() const {
    return country[0] ? std::string_view(country, 2) : std::string_view();
  }
};

struct GeocoderOptions {
  // Cached query results; the cache is emptied when it reaches this size.
  // The same bounds the memo of city-field matches. 0 disables both.
  size_t cache_entries = 1 << 16;
};

class Geocoder {
 public:
  // `gazetteer` must outlive the Geocoder.
  explicit Geocoder(const Gazetteer& gazetteer, GeocoderOptions options = {});

  // Geocodes `q`, from the cache when the same strings were seen before.
  // Never fails: a query it cannot place is kUnresolved.
  GeoResult Geocode(const GeoQuery& q);
  // The same without the cache or the memo (always the full search).
  GeoResult GeocodeUncached(const GeoQuery& q) { return Search(q, /*memo=*/false); }

  // Queries answered from the query cache, searched and cached, and searched
  // without it (a cache that hardly ever hits is set aside for a while:
  // street addresses are nearly all new).
  uint64_t cache_hits() const { return hits_; }
  uint64_t cache_misses() const { return misses_; }
  uint64_t cache_bypassed() const { return bypassed_; }
  // Searches answered from the city memo without reading the address: the
  // country given, no state, and a city whose match no region could change
  // (a single candidate place, or a region named in the city field).
  uint64_t address_skipped() const { return address_skipped_; }
  const Gazetteer& gazetteer() const { return gaz_; }

 private:
  // The strategy of the header comment. With `memo`, step 1 and the city
  // field's part of step 2 come from city_memo_ when the same city was
  // matched before under the same country and region preference.
  GeoResult Search(const GeoQuery& q, bool memo);
  void Finish(const Place* p, MatchQuality q, GeoResult* out) const;
  // Whether `name` in light form (normalize.h) equals `light`.
  bool LightEquals(std::string_view light, std::string_view name);

  const Gazetteer& gaz_;
  GeocoderOptions options_;
  // The query cache: every string of the query -> its result. Every
  // kJudgeMisses misses, its hits since are judged: under one per
  // kMinHitsPer misses, the next bypass_span_ queries skip it (a miss costs
  // a key, a probe and an insert; a span doubles while the cache stays
  // useless, up to kMaxBypassSpan, and starts again from kJudgeMisses once
  // it is useful).
  static constexpr uint64_t kJudgeMisses = 4096;
  static constexpr uint64_t kMinHitsPer = 8;
  static constexpr uint64_t kMaxBypassSpan = uint64_t{1} << 20;
  StringCache<GeoResult> cache_;
  std::string cache_key_;
  uint64_t period_hits_ = 0, period_misses_ = 0;
  uint64_t bypass_left_ = 0, bypass_span_ = kJudgeMisses;
  // The memo of the city field's matches. A street address is nearly always
  // new (so the query cache misses), but the city beside it is not; the
  // city's match depends only on the country (given or found), the
  // preferred region and the city field, which make the key.
  struct CityMatch {
    bool matched = false;
    GeoResult result;  // When matched.
  };
  // It also holds, under keys of their own (free_key_: country and city
  // only), the matches no address could change (Search): those queries
  // skip reading the address at all.
  StringCache<CityMatch> city_memo_;
  std::string city_key_, free_key_;
  TokenizedText city_, address_, light_, name_light_;
  std::string key_;
  uint64_t hits_ = 0, misses_ = 0, bypassed_ = 0, address_skipped_ = 0;
};

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_GEOCODER_H_
