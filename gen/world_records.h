// Records of the synthetic world and their serialisation in the real source
// formats (docs/formats.md): normalised PCT JSON Lines, PATENTSCOPE XML,
// Scopus Search entries, Scopus Abstract Retrieval documents, OpenAlex works
// and institutions, VC deals.
//
// Internal to gen/. Pure functions over values; thread-compatible.
#ifndef STCLUSTER_GEN_WORLD_RECORDS_H_
#define STCLUSTER_GEN_WORLD_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "gen/world_model.h"

namespace stc::gen_internal {

struct WLoc {
  int site = 0;                    // World site (its place gives the address text).
  bool coords = false;             // Write lat/lon (pct-jsonl) or use the site as an institution.
  int32_t lat_e5 = 0, lon_e5 = 0;  // Jittered coordinates when `coords`.
  int street_no = 1;
  // Fault injection.
  bool unknown_place = false;  // An address no gazetteer place matches.
  bool bad_coords = false;     // lat out of range.
};

struct WPerson {
  std::string name;  // "Tanaka Taro K".
  uint64_t id = 0;   // Scopus authid / OpenAlex author id.
  std::vector<WLoc> locs;
};

struct WRecord {
  int metric = kMetricPct;
  uint64_t index = 0;  // Within its source, over all years.
  std::string key;     // PCT application number, EID or OpenAlex id.
  int year = 2020, month = 1, day = 1;
  int updated_days = 0;            // Days after the date of `updated`; 0 = omitted.
  std::string doc_type;            // "A1"; "ar", "re"...; "article", "review"...
  std::vector<std::string> codes;  // IPC codes or ASJC codes.
  std::string applicant;
  std::string applicant_country;
  std::vector<WPerson> persons;
  int author_total = 0;  // Declared total (> persons.size() when truncated).
};

// "{street}, {city} {postcode}" in the national style of the place.
std::string PlaceAddress(const WorldPlace& p, int number);

// Each appends one line (with '\n'), except PatentscopeXml (a document).
void AppendPctJsonl(const World& w, const WRecord& r, std::string* out);
void AppendPatentscopeXml(const World& w, const WRecord& r, std::string* out);
void AppendScopusEntry(const World& w, const WRecord& r, std::string* out);
void AppendScopusAbstract(const World& w, const WRecord& r, std::string* out);
void AppendOpenAlexWork(const World& w, const WRecord& r, std::string* out);
// One institution per site.
void AppendOpenAlexInstitution(const World& w, int site, std::string* out);
void AppendVcDeal(const World& w, uint64_t index, int year, int month, int day, int site,
                  std::string* out);

// Surname and given name of person `i` of a record from `country`.
std::string PersonName(const std::string& country, uint64_t seed, int i);

}  // namespace stc::gen_internal

#endif  // STCLUSTER_GEN_WORLD_RECORDS_H_
