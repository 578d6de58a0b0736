// Helpers shared by the readers of real source formats: HTML entities, the
// scope filters (docs/formats.md, "Scope"), version ranks ("Versions"),
// person de-duplication, and content detection.
//
// Stateless functions; thread-safe.
#ifndef STCLUSTER_PARSERS_SOURCE_UTIL_H_
#define STCLUSTER_PARSERS_SOURCE_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "parsers/record_parser.h"

namespace stc {

// Decodes HTML/XML character references: the named entities common in
// bibliographic names (&amp; &lt; &gt; &quot; &apos; &nbsp; and the Latin-1
// letters such as &eacute; &uuml; &szlig;) and numeric ones (&#233; &#xE9;).
// Unknown or malformed references are kept as they are. Fast path: text
// without '&' is returned unchanged.
std::string DecodeEntities(std::string_view text);

// Version ranks: a record's version is rank * kVersionRankStep + yyyymmdd,
// so that any copy of a higher rank wins over any copy of a lower one
// whatever the dates ("Abstract Retrieval wins over Search").
inline constexpr int32_t kVersionRankStep = 100000000;
enum class VersionRank : int32_t {
  kDated = 0,           // Normalised formats, OpenAlex, PATENTSCOPE, VC: the date decides.
  kScopusSearch = 1,    // Scopus Search API entries.
  kScopusAbstract = 2,  // Scopus Abstract Retrieval documents.
};
inline int32_t RankedVersion(VersionRank rank, int32_t yyyymmdd) {
  return static_cast<int32_t>(rank) * kVersionRankStep + yyyymmdd;
}

// The aggregation field of an article: the first subject code's first two
// digits when numeric (ASJC subject area), else the code as given, or "".
std::string ArticleField(const std::vector<std::string>& codes);

// True when `codes` is not empty and every code's subject area is one of
// options.excluded_subject_areas.
bool AllSubjectsExcluded(const std::vector<std::string>& codes, const ReaderOptions& options);

// True when `value` is one of `allowed` (exact, case-insensitive ASCII).
bool OneOf(std::string_view value, const std::vector<std::string>& allowed);

// Appends `name` (ASCII white space trimmed) to record->orgs unless empty or
// already there (Record::AddString: reusing a cleared string's storage).
void AddOrg(std::string_view name, Record* record);

// Appends `loc` to person->locations unless an identical location is there.
void AddLocation(Person* person, Location loc);
// The same, the copy made through record->AddLocation (reusing the storage of
// a location the record's Clear() kept), and only when it is new.
void AddLocation(Record* record, Person* person, const Location& loc);
// The same for persons as views: appends `loc` to the person whose locations
// start at views->locations[first] (the last person's) unless an identical
// location is there; true when appended.
bool AddLocationView(const LocationView& loc, size_t first, PersonViews* views);

// Case-, space- and punctuation-insensitive form of a person name, for
// spotting one person listed twice ("TANAKA, Taro" == "Tanaka Taro").
std::string NameKey(std::string_view name);
// The same into *out (reusing its storage).
void NameKeyInto(std::string_view name, std::string* out);

// Detection helpers over the first bytes of a file.
// The first non-blank line (without '\n'), possibly cut at the end of head.
std::string_view FirstLine(std::string_view head);
// True when `"key"` followed by optional spaces and ':' occurs in the first
// `within` bytes of head.
bool HeadHasKey(std::string_view head, std::string_view key, size_t within = 4096);
// How a JSON file is framed, from its first non-blank line: JSON Lines when
// that line is one complete object (or is longer than `head`); documents
// starting at lines beginning with '{' when it is a bare "{" (pretty-printed,
// as json.dump with indent or jq write them, possibly concatenated);
// otherwise the whole file is one document.
Framing JsonFramingFor(std::string_view head);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_SOURCE_UTIL_H_
