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
