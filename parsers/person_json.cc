#include "parsers/person_json.h"

#include <algorithm>

#include "parsers/country_names.h"
#include "parsers/json_util.h"

namespace stc {
namespace {

template <typename Api>
JsonIssue ReadLocation(typename Api::Value value, Location* loc, std::vector<std::string>* orgs,
                       std::string* detail) {
  typename Api::Object obj;
  if (!Api::AsObject(value, &obj)) {
    *detail = "an address is not an object";
    return JsonIssue::kBadField;
  }
  double lat = 0, lon = 0;
  CoordStatus lat_st = CoordStatus::kAbsent, lon_st = CoordStatus::kAbsent;
  JsonIssue issue = JsonIssue::kNone;
  const bool readable = Api::ForEachMember(obj, [&](std::string_view key, auto& v) {
    std::string_view text;
    if (key == "lat") {
      lat_st = Api::ReadCoordinate(v, &lat);
    } else if (key == "lon") {
      lon_st = Api::ReadCoordinate(v, &lon);
    } else if (key == "country") {
      if (!Api::ReadStringView(v, &text)) return (issue = JsonIssue::kBadField), false;
      NormaliseCountry2(text, &loc->country);
      // Not an ISO-2 code (the format's form): a country name is mapped or
      // kept as written for the geocoder's full table (docs/geocoding.md),
      // never dropped.
      if (loc->country.empty() && !TrimAscii(text).empty())
        AssignCountryCodeOrName(text, &loc->country);
    } else if (key == "text" || key == "address") {
      if (!Api::ReadStringView(v, &text)) return (issue = JsonIssue::kBadField), false;
      loc->address.assign(text);
    } else if (key == "city") {
      if (!Api::ReadStringView(v, &text)) return (issue = JsonIssue::kBadField), false;
      loc->city.assign(text);
    } else if (key == "name") {
      if (!Api::ReadStringView(v, &text)) return (issue = JsonIssue::kBadField), false;
      if (!text.empty() && std::find(orgs->begin(), orgs->end(), text) == orgs->end()) {
        orgs->emplace_back(text);
      }
    }
    return true;
  });
  if (!readable) return JsonIssue::kMalformed;
  if (issue != JsonIssue::kNone) return issue;
  if (lat_st == CoordStatus::kBad || lon_st == CoordStatus::kBad) {
    *detail = "lat/lon is not a finite number";
    return JsonIssue::kBadCoordinates;
  }
  if (lat_st != lon_st) {
    *detail = "only one of lat/lon given";
    return JsonIssue::kBadCoordinates;
  }
  if (lat_st == CoordStatus::kOk) {
    if (!ToE5(lat, lon, &loc->lat_e5, &loc->lon_e5)) {
      *detail = "lat/lon out of range";
      return JsonIssue::kBadCoordinates;
    }
    loc->has_coords = true;
  }
  return JsonIssue::kNone;
}

}  // namespace

std::string_view JsonIssueReason(JsonIssue issue) {
  switch (issue) {
    case JsonIssue::kNone:
      return "";
    case JsonIssue::kMalformed:
      return "malformed_json";
    case JsonIssue::kBadCoordinates:
      return "bad_coordinates";
    case JsonIssue::kBadField:
      return "bad_field";
  }
  return "malformed_json";
}

template <typename Api>
JsonIssue ReadPersons(typename Api::Value value, std::string_view list_key, Record* record,
                      std::vector<std::string>* orgs, std::string* detail) {
  if (Api::IsNull(value)) return JsonIssue::kNone;
  typename Api::Array arr;
  if (!Api::AsArray(value, &arr)) {
    *detail = "the person list is not an array";
    return JsonIssue::kBadField;
  }
  JsonIssue issue = JsonIssue::kNone;
  Api::ForEachElement(arr, [&](auto& element) {
    typename Api::Object obj;
    if (!Api::AsObject(element, &obj)) {
      *detail = "a person is not an object";
      return (issue = JsonIssue::kBadField), false;
    }
    Person& person = record->AddPerson();
    const bool readable = Api::ForEachMember(obj, [&](std::string_view key, auto& v) {
      if (key == "name") {
        std::string_view name;
        if (!Api::ReadStringView(v, &name)) return (issue = JsonIssue::kBadField), false;
        person.name.assign(name);
      } else if (key == list_key) {
        if (Api::IsNull(v)) return true;
        typename Api::Array locs;
        if (!Api::AsArray(v, &locs)) {
          *detail = "an address list is not an array";
          return (issue = JsonIssue::kBadField), false;
        }
        Api::ForEachElement(locs, [&](auto& l) {
          typename Api::Value lv;
          if (!Api::AsValue(l, &lv)) return (issue = JsonIssue::kMalformed), false;
          issue = ReadLocation<Api>(lv, &record->AddLocation(&person), orgs, detail);
          return issue == JsonIssue::kNone;
        });
        if (issue != JsonIssue::kNone) return false;
      }
      return true;
    });
    // An unreadable member stops the walk before any issue is set.
    if (!readable) issue = JsonIssue::kMalformed;
    return issue == JsonIssue::kNone;
  });
  return issue;
}

template <typename Api>
JsonIssue ReadStringArray(typename Api::Value value, std::vector<std::string>* out) {
  if (Api::IsNull(value)) return JsonIssue::kNone;
  typename Api::Array arr;
  if (!Api::AsArray(value, &arr)) return JsonIssue::kBadField;
  JsonIssue issue = JsonIssue::kNone;
  Api::ForEachElement(arr, [&](auto& element) {
    typename Api::Value v;
    if (!Api::AsValue(element, &v)) return (issue = JsonIssue::kMalformed), false;
    std::string_view s;
    if (!Api::ReadStringView(v, &s)) return (issue = JsonIssue::kBadField), false;
    if (!s.empty()) out->emplace_back(s);
    return true;
  });
  return issue;
}

template <typename Api>
JsonIssue ReadNamedObjects(typename Api::Value value, std::vector<std::string>* out) {
  if (Api::IsNull(value)) return JsonIssue::kNone;
  typename Api::Array arr;
  if (!Api::AsArray(value, &arr)) return JsonIssue::kBadField;
  JsonIssue issue = JsonIssue::kNone;
  Api::ForEachElement(arr, [&](auto& element) {
    typename Api::Object obj;
    if (!Api::AsObject(element, &obj)) return (issue = JsonIssue::kBadField), false;
    const bool readable = Api::ForEachMember(obj, [&](std::string_view key, auto& v) {
      if (key != "name") return true;
      std::string_view s;
      if (!Api::ReadStringView(v, &s)) return (issue = JsonIssue::kBadField), false;
      if (!s.empty()) out->emplace_back(s);
      return true;
    });
    if (!readable) issue = JsonIssue::kMalformed;
    return issue == JsonIssue::kNone;
  });
  return issue;
}

#define STC_INSTANTIATE_PERSON_JSON(Api)                                          \
  template JsonIssue ReadPersons<Api>(Api::Value, std::string_view, Record*,      \
                                      std::vector<std::string>*, std::string*);   \
  template JsonIssue ReadStringArray<Api>(Api::Value, std::vector<std::string>*); \
  template JsonIssue ReadNamedObjects<Api>(Api::Value, std::vector<std::string>*);
STC_INSTANTIATE_PERSON_JSON(OnDemandJson)
STC_INSTANTIATE_PERSON_JSON(DomJson)
#undef STC_INSTANTIATE_PERSON_JSON

bool AtDocumentEnd(simdjson::ondemand::document& doc) {
  const char* loc = nullptr;
  // current_location() fails with OUT_OF_BOUNDS once the whole input is consumed.
  return doc.current_location().get(loc) != simdjson::SUCCESS;
}

}  // namespace stc
