#include "parsers/person_json.h"

#include <algorithm>

#include "parsers/country_names.h"
#include "parsers/json_util.h"

namespace stc {
namespace {

// What type() calls null: the first byte of the token (no further check).
bool IsNull(simdjson::ondemand::value& v) {
  std::string_view token = v.raw_json_token();
  return !token.empty() && token[0] == 'n';
}

JsonIssue ReadLocation(simdjson::ondemand::value value, Location* loc,
                       std::vector<std::string>* orgs, std::string* detail) {
  simdjson::ondemand::object obj;
  if (value.get_object().get(obj)) {
    *detail = "an address is not an object";
    return JsonIssue::kBadField;
  }
  double lat = 0, lon = 0;
  CoordStatus lat_st = CoordStatus::kAbsent, lon_st = CoordStatus::kAbsent;
  std::string_view text;
  for (auto field : obj) {
    std::string_view key;
    simdjson::ondemand::value v;
    if (FieldKey(field, &key) || field.value().get(v)) return JsonIssue::kMalformed;
    if (key == "lat") {
      lat_st = ReadCoordinate(v, &lat);
    } else if (key == "lon") {
      lon_st = ReadCoordinate(v, &lon);
    } else if (key == "country") {
      if (!ReadStringViewOrNull(v, &text)) return JsonIssue::kBadField;
      NormaliseCountry2(text, &loc->country);
      // Not an ISO-2 code (the format's form): a country name is mapped or
      // kept as written for the geocoder's full table (docs/geocoding.md),
      // never dropped.
      if (loc->country.empty() && !TrimAscii(text).empty())
        AssignCountryCodeOrName(text, &loc->country);
    } else if (key == "text" || key == "address") {
      if (!ReadStringViewOrNull(v, &text)) return JsonIssue::kBadField;
      loc->address.assign(text);
    } else if (key == "city") {
      if (!ReadStringViewOrNull(v, &text)) return JsonIssue::kBadField;
      loc->city.assign(text);
    } else if (key == "name") {
      if (!ReadStringViewOrNull(v, &text)) return JsonIssue::kBadField;
      if (!text.empty() && std::find(orgs->begin(), orgs->end(), text) == orgs->end()) {
        orgs->emplace_back(text);
      }
    }
  }
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

JsonIssue ReadPersons(simdjson::ondemand::value value, std::string_view list_key, Record* record,
                      std::vector<std::string>* orgs, std::string* detail) {
  if (IsNull(value)) return JsonIssue::kNone;
  simdjson::ondemand::array arr;
  if (value.get_array().get(arr)) {
    *detail = "the person list is not an array";
    return JsonIssue::kBadField;
  }
  for (auto element : arr) {
    simdjson::ondemand::object obj;
    if (element.get_object().get(obj)) {
      *detail = "a person is not an object";
      return JsonIssue::kBadField;
    }
    Person& person = record->AddPerson();
    for (auto field : obj) {
      std::string_view key;
      simdjson::ondemand::value v;
      if (FieldKey(field, &key) || field.value().get(v)) return JsonIssue::kMalformed;
      if (key == "name") {
        std::string_view name;
        if (!ReadStringViewOrNull(v, &name)) return JsonIssue::kBadField;
        person.name.assign(name);
      } else if (key == list_key) {
        if (IsNull(v)) continue;
        simdjson::ondemand::array locs;
        if (v.get_array().get(locs)) {
          *detail = "an address list is not an array";
          return JsonIssue::kBadField;
        }
        for (auto l : locs) {
          simdjson::ondemand::value lv;
          if (l.get(lv)) return JsonIssue::kMalformed;
          JsonIssue issue = ReadLocation(lv, &record->AddLocation(&person), orgs, detail);
          if (issue != JsonIssue::kNone) return issue;
        }
      }
    }
  }
  return JsonIssue::kNone;
}

JsonIssue ReadStringArray(simdjson::ondemand::value value, std::vector<std::string>* out) {
  if (IsNull(value)) return JsonIssue::kNone;
  simdjson::ondemand::array arr;
  if (value.get_array().get(arr)) return JsonIssue::kBadField;
  for (auto element : arr) {
    simdjson::ondemand::value v;
    if (element.get(v)) return JsonIssue::kMalformed;
    std::string_view s;
    if (!ReadStringViewOrNull(v, &s)) return JsonIssue::kBadField;
    if (!s.empty()) out->emplace_back(s);
  }
  return JsonIssue::kNone;
}

JsonIssue ReadNamedObjects(simdjson::ondemand::value value, std::vector<std::string>* out) {
  if (IsNull(value)) return JsonIssue::kNone;
  simdjson::ondemand::array arr;
  if (value.get_array().get(arr)) return JsonIssue::kBadField;
  for (auto element : arr) {
    simdjson::ondemand::object obj;
    if (element.get_object().get(obj)) return JsonIssue::kBadField;
    for (auto field : obj) {
      std::string_view key;
      simdjson::ondemand::value v;
      if (FieldKey(field, &key) || field.value().get(v)) return JsonIssue::kMalformed;
      if (key == "name") {
        std::string_view s;
        if (!ReadStringViewOrNull(v, &s)) return JsonIssue::kBadField;
        if (!s.empty()) out->emplace_back(s);
      }
    }
  }
  return JsonIssue::kNone;
}

bool AtDocumentEnd(simdjson::ondemand::document& doc) {
  const char* loc = nullptr;
  // current_location() fails with OUT_OF_BOUNDS once the whole input is consumed.
  return doc.current_location().get(loc) != simdjson::SUCCESS;
}

}  // namespace stc
