// Country codes and names for the gazetteer builder (internal to geo/).
#ifndef STCLUSTER_GEO_COUNTRY_TABLES_H_
#define STCLUSTER_GEO_COUNTRY_TABLES_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace stc::geo {

struct CountryTables {
  // ISO-2 -> (ISO-3, English name).
  std::map<std::string, std::pair<std::string, std::string>> countries;
  // (normalised name, ISO-2), in priority order: our aliases first, then the
  // first English name of each country, then the other English names. A name
  // keeps the first country it was given.
  std::vector<std::pair<std::string, std::string>> names;
};

// Parses i18n-iso-countries' en.json and codes.json and adds our aliases
// (country_tables.cc). DataError naming the input when malformed.
Result<CountryTables> ParseCountryTables(std::string_view en_json, std::string_view codes_json);

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_COUNTRY_TABLES_H_
