// Builds the binary gazetteer index (docs/geocoding.md, "Binary index") from
// GeoNames `cities500.txt` and the country tables of `i18n-iso-countries`
// (`langs/en.json`, `codes.json`), plus our own country aliases for the
// spellings bibliographic data uses ("Korea, Republic of", "Viet Nam"...).
//
// The output is deterministic: the same inputs give the same bytes.
//
// Thread-safety: free functions without shared state.
#ifndef STCLUSTER_GEO_GAZETTEER_BUILDER_H_
#define STCLUSTER_GEO_GAZETTEER_BUILDER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace stc::geo {

struct GazetteerInputs {
  // GeoNames dump text: tab-separated, 19 columns (geonameid, name,
  // asciiname, alternatenames, latitude, longitude, feature class, feature
  // code, country code, cc2, admin1..admin4, population, elevation, dem,
  // timezone, modification date). Lines with fewer than 15 columns, a bad id
  // or coordinate are skipped and counted.
  std::string_view cities_tsv;
  // i18n-iso-countries `langs/en.json`: {"countries": {"DE": "Germany" |
  // ["Name", "Alias"...]}}.
  std::string_view countries_json;
  // i18n-iso-countries `codes.json`: [["DE", "DEU", "276", ...], ...].
  std::string_view codes_json;
};

struct GazetteerBuildStats {
  uint64_t places = 0;
  uint64_t lines_skipped = 0;  // Malformed lines of cities_tsv.
  uint64_t keys = 0;
  uint64_t postings = 0;
  uint64_t countries = 0;
  uint64_t bytes = 0;
};

// Builds the index in memory. DataError when the country tables cannot be
// parsed or no place could be read.
Result<std::string> BuildGazetteerIndex(const GazetteerInputs& inputs,
                                        GazetteerBuildStats* stats = nullptr);

// Reads the three files, builds the index and writes it to `out_path`
// atomically (a temporary file renamed into place). NotFound/IoError name
// the file that failed.
Status BuildGazetteerFile(const std::string& cities_path, const std::string& countries_json_path,
                          const std::string& codes_json_path, const std::string& out_path,
                          GazetteerBuildStats* stats = nullptr);

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_GAZETTEER_BUILDER_H_
