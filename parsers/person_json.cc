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

namespace {

// One address object into *loc as ReadLocation would fill a Location; false
// when it is not plain (ReadPersonViews).
bool ReadLocationView(simdjson::dom::element value, LocationView* loc,
                      std::vector<std::string>* orgs) {
  simdjson::dom::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) return false;
  double lat = 0, lon = 0;
  CoordStatus lat_st = CoordStatus::kAbsent, lon_st = CoordStatus::kAbsent;
  for (simdjson::dom::key_value_pair kv : obj) {
    const std::string_view key = kv.key;
    std::string_view text;
    if (key == "lat") {
      lat_st = ReadCoordinate(kv.value, &lat);
    } else if (key == "lon") {
      lon_st = ReadCoordinate(kv.value, &lon);
    } else if (key == "country") {
      if (!DomJson::ReadStringView(kv.value, &text)) return false;
      // NormaliseCountry2's result when it is the text itself (trimmed).
      text = TrimAscii(text);
      if (!text.empty() &&
          (text.size() != 2 || text[0] < 'A' || text[0] > 'Z' || text[1] < 'A' || text[1] > 'Z')) {
        return false;
      }
      loc->country = text;
    } else if (key == "text" || key == "address") {
      if (!DomJson::ReadStringView(kv.value, &text)) return false;
      loc->address = text;
    } else if (key == "city") {
      if (!DomJson::ReadStringView(kv.value, &text)) return false;
      loc->city = text;
    } else if (key == "name") {
      if (!DomJson::ReadStringView(kv.value, &text)) return false;
      if (!text.empty() && std::find(orgs->begin(), orgs->end(), text) == orgs->end()) {
        orgs->emplace_back(text);
      }
    }
  }
  if (lat_st != lon_st || lat_st == CoordStatus::kBad) return false;
  if (lat_st == CoordStatus::kOk) {
    if (!ToE5(lat, lon, &loc->lat_e5, &loc->lon_e5)) return false;
    loc->has_coords = true;
  }
  return true;
}

bool ReadPersonViewsInto(simdjson::dom::element value, std::string_view list_key,
                         PersonViews* views, std::vector<std::string>* orgs) {
  if (value.is_null()) return true;
  simdjson::dom::array arr;
  if (value.get_array().get(arr) != simdjson::SUCCESS) return false;
  for (simdjson::dom::element element : arr) {
    simdjson::dom::object obj;
    if (element.get_object().get(obj) != simdjson::SUCCESS) return false;
    // Its locations follow those of the persons before it (a repeated list
    // member adds to them).
    PersonView& person = views->persons.emplace_back();
    person.first_location = static_cast<uint32_t>(views->locations.size());
    for (simdjson::dom::key_value_pair kv : obj) {
      const std::string_view key = kv.key;
      if (key == "name") {
        if (!DomJson::ReadStringView(kv.value, &person.name)) return false;
      } else if (key == list_key) {
        if (kv.value.is_null()) continue;
        simdjson::dom::array locs;
        if (kv.value.get_array().get(locs) != simdjson::SUCCESS) return false;
        for (simdjson::dom::element l : locs) {
          if (!ReadLocationView(l, &views->locations.emplace_back(), orgs)) return false;
          ++person.n_locations;
        }
      }
    }
  }
  return true;
}

}  // namespace

bool ReadPersonViews(simdjson::dom::element value, std::string_view list_key, PersonViews* views,
                     std::vector<std::string>* orgs) {
  const size_t n_persons = views->persons.size();
  const size_t n_locations = views->locations.size();
  const size_t n_orgs = orgs->size();
  if (ReadPersonViewsInto(value, list_key, views, orgs)) return true;
  views->persons.resize(n_persons);
  views->locations.resize(n_locations);
  orgs->resize(n_orgs);
  return false;
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
