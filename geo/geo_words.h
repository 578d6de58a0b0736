// Word lists the geocoder uses to read addresses (internal to geo/).
// All words are in lookup form (normalize.h). Look-ups go through flat hash
// tables built on first use; all functions are thread-safe.
#ifndef STCLUSTER_GEO_GEO_WORDS_H_
#define STCLUSTER_GEO_GEO_WORDS_H_

#include <cstdint>
#include <string_view>

namespace stc::geo {

enum class WordRole : uint8_t {
  kNone = 0,
  kCityMarker,      // After a city name: "shi", "si", "city".
  kWardMarker,      // After a district name: "ku", "gu", "district", "qu".
  kProvinceMarker,  // After a province name: "do", "ken", "province", "prefecture".
  kNoise,           // Drop: "cedex", "bp", "po", "box".
  kStreetAfter,     // After a street name: "street", "road", "str", "strasse".
  kStreetBefore,    // Before a street name: "rue", "via", "calle".
  kNoStart,         // Never starts a place name: "university", "building"...
  kWeakStart,       // Starts only multi-word names: "la", "le", "san", "de".
};

// The role of `word` (one token in lookup form).
WordRole RoleOf(std::string_view word);
// The same with `hash` = Hash64(word) (core/hash.h) already computed.
WordRole RoleOf(std::string_view word, uint64_t hash);

// The US state (or DC, PR...) postal code for a state code or name in lookup
// form ("ca", "california", "new york" -> "CA", "CA", "NY"); "" otherwise.
std::string_view UsStateCode(std::string_view key);

// A first-level region (state, province, prefecture) of country `cc` named
// by `key` (lookup form): US states, Canadian provinces, Australian states,
// Chinese provinces, Japanese prefectures, and the states of MX, IN, MY, BR.
struct Region {
  bool found = false;
  bool abbreviation = false;  // "ON", "NSW", "QC": trusted only in capitals or before a postcode.
  std::string_view admin1;    // GeoNames admin1 code, "" when not mapped.
};
Region RegionOf(std::string_view cc, std::string_view key);
// Whether RegionOf knows any region of `cc`.
bool HasRegions(std::string_view cc);
// Whether `word` (one token in lookup form) is the first word of a region
// name or abbreviation of some country: a cheap filter before RegionOf.
// `hash` = Hash64(word).
bool StartsRegionName(std::string_view word, uint64_t hash);

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_GEO_WORDS_H_
