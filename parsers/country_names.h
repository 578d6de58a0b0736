// A SMALL, PROVISIONAL country table for the readers: the country names and
// ISO 3166-1 alpha-3 codes that Scopus, PATENTSCOPE and VC exports write most
// often, mapped to ISO alpha-2. Not a gazetteer: the full country table lives
// with the geocoder (geo/); replace CountryToIso2 with it once available.
//
// Thread-safe (read-only static data).
#ifndef STCLUSTER_PARSERS_COUNTRY_NAMES_H_
#define STCLUSTER_PARSERS_COUNTRY_NAMES_H_

#include <string>
#include <string_view>

namespace stc {

// ISO-2 for an ISO-2 code (any case), an ISO-3 code ("usa", "CHN") or a
// country name as the sources write it ("United States", "Russian
// Federation", "Viet Nam", "Korea, Republic of"), compared case- and
// space-insensitively; "" when unknown.
std::string CountryToIso2(std::string_view text);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_COUNTRY_NAMES_H_
