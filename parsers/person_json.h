// Shared pieces of the normalised JSON readers: persons with their addresses.
#ifndef STCLUSTER_PARSERS_PERSON_JSON_H_
#define STCLUSTER_PARSERS_PERSON_JSON_H_

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "parsers/json_api.h"

namespace stc {

// Why a record could not be read; kNone = fine. Codes map to reason strings.
enum class JsonIssue { kNone, kMalformed, kBadCoordinates, kBadField };

// "malformed_json", "bad_coordinates", "bad_field".
std::string_view JsonIssueReason(JsonIssue issue);

// Reads a list of persons into record->persons (through Record::AddPerson
// and AddLocation, which reuse the storage of the previous record): a JSON
// array of objects {"name": ..., <list_key>: [address objects]}. Address
// objects may carry "text" (or "address"), "name" (an organisation, appended
// to *orgs when not yet there), "city", "country", "lat", "lon". A null list
// gives no persons. Sets *detail on failure. `Api` is a front end of
// parsers/json_api.h (OnDemandJson or DomJson; both instantiated).
template <typename Api>
JsonIssue ReadPersons(typename Api::Value value, std::string_view list_key, Record* record,
                      std::vector<std::string>* orgs, std::string* detail);

// The same list read from a DOM value into views (Record::person_views, for
// a sink that accepts them) when every address in it is plain: both lat and
// lon valid or both absent, a country that is blank or already an ISO-2 code
// in capitals, every member of the expected type. Appends to *views (and to
// *orgs as ReadPersons does) and returns true; returns false with *views and
// *orgs as they were when something is not plain, and the caller reads the
// list with ReadPersons, which gives the Record's form or names the issue.
// The views point into the DOM parser's buffers.
bool ReadPersonViews(simdjson::dom::element value, std::string_view list_key, PersonViews* views,
                     std::vector<std::string>* orgs);

// Reads an array of strings (null elements skipped; a null array is empty).
template <typename Api>
JsonIssue ReadStringArray(typename Api::Value value, std::vector<std::string>* out);

// Reads an array of objects with a "name" string, appending the names.
template <typename Api>
JsonIssue ReadNamedObjects(typename Api::Value value, std::vector<std::string>* out);

// True when there is nothing but whitespace after the parsed document.
bool AtDocumentEnd(simdjson::ondemand::document& doc);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_PERSON_JSON_H_
