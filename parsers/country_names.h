// The readers' country table: the country names and ISO 3166-1 alpha-3 codes
// that Scopus, PATENTSCOPE and VC exports write most often, mapped to ISO
// alpha-2 at parse time. It is a fast path, not the reference: the full table
// (every i18n-iso-countries English name and ISO-3 code plus our aliases,
// geo/country_tables.cc) is in the gazetteer index, and the geocoding stage of
// ingest (geo/resolver.h) maps whatever the readers leave as written. Every
// entry here agrees with that table (tests/geocode/country_names_test.cc).
//
// Thread-safe (read-only static data, and a memo of recent look-ups per thread).
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

// What a reader stores in Location::country: CountryToIso2(text) when known,
// else the text as written (trimmed; "" only when blank). A country name is
// never dropped: the geocoder maps it, or reports it as unresolved.
std::string CountryCodeOrName(std::string_view text);
// The same into *out (reusing its capacity; no allocation for a known country).
void AssignCountryCodeOrName(std::string_view text, std::string* out);

// Visits every (spelling, ISO-2) pair of the table, ISO-3 codes included.
void ForEachCountrySpelling(void (*fn)(std::string_view spelling, std::string_view iso2, void* arg),
                            void* arg);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_COUNTRY_NAMES_H_
