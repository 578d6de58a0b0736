// Pieces shared by the two Scopus readers (scopus_search.cc,
// scopus_abstract.cc): keys, dates, subject areas, affiliations, scope.
// Stateless functions; thread-safe.
#ifndef STCLUSTER_PARSERS_SCOPUS_COMMON_H_
#define STCLUSTER_PARSERS_SCOPUS_COMMON_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "parsers/dom_util.h"
#include "parsers/json_util.h"
#include "parsers/record_parser.h"

namespace stc {

// A Scopus affiliation (Search `affiliation` item or Abstract Retrieval
// top-level `affiliation`): the institution's profile address.
struct ScopusAffiliation {
  std::string id;     // afid / @id.
  std::string name;   // affilname.
  Location location;  // city and country (ISO-2) only; never coordinates.
};

// `eid`, else "2-s2.0-" + the number of `dc:identifier` ("SCOPUS_ID:123").
std::string ScopusKey(Node object);

// The same from the two members' texts as FieldView reads them (entities
// decoded, trimmed; "" when missing).
std::string ScopusKeyOf(std::string_view eid, std::string_view identifier);

// RecordParser::PeekKey of the Scopus readers: the first "eid" of `unit`
// (ScopusKeyOf takes it as it is; the first is coredata's in an abstract, the
// entry's in a line of one Search entry).
bool PeekScopusKey(std::string_view unit, std::string* key);

// A date given as a string, {"$": ...} or a list of them (the first parsable
// one wins). False when none parses.
bool ScopusDate(Node value, int32_t* year, int32_t* yyyymmdd);

// The `@code` (or text) of each subject-area item (list or single object).
void ScopusSubjects(Node subject_areas, std::vector<std::string>* codes);

// Reads one affiliation object (keys afid|@id, affilname, affiliation-city,
// affiliation-country) into *out, reusing its strings' storage.
void ReadScopusAffiliation(Node affiliation, ScopusAffiliation* out);

// Calls fn(id) (a std::string_view, valid during the call) for each id of an
// `afid` value: a string, {"$": id}, or a list of either; ids trimmed, empty
// ones skipped. No allocation unless an id needs decoding or printing.
template <typename Fn>
void ForEachScopusId(Node value, Fn fn) {
  std::string scratch;
  ForEach(value, [&](Node item) {
    std::string_view id = TrimAscii(TextView(item, &scratch));
    if (id.empty() && item.is_object()) id = FieldView(item, "@id", &scratch);
    if (!id.empty()) fn(id);
  });
}

// The ids of an `afid` value, as ForEachScopusId calls them.
std::vector<std::string> ScopusIds(Node value);

// "statusCode: statusText" of a {"service-error": ...} document, or "".
std::string ServiceErrorText(Node root);

// Applies the scope settings to a record whose subtype and codes are read.
// Returns false after calling sink->Skip("doc_type"/"ssh_subject").
// A missing subtype is kept (in scope).
bool ScopusInScope(const std::string& subtype, const std::vector<std::string>& codes,
                   const ReaderOptions& options, ParseSink* sink);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_SCOPUS_COMMON_H_
