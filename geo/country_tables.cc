#include "geo/country_tables.h"

#include <simdjson.h>

#include "geo/normalize.h"

namespace stc::geo {
namespace {

// Spellings found in Scopus, PATENTSCOPE and WIPO data that the English
// table lacks, or that must win over another country's alias.
struct Alias {
  const char* iso2;
  const char* name;
};
constexpr Alias kAliases[] = {
    {"GB", "United Kingdom"},
    {"GB", "UK"},
    {"GB", "U.K."},
    {"GB", "Great Britain"},
    {"GB", "England"},
    {"GB", "Scotland"},
    {"GB", "Wales"},
    {"GB", "Northern Ireland"},
    {"GB", "United Kingdom of Great Britain and Northern Ireland"},
    {"US", "United States"},
    {"US", "USA"},
    {"US", "U.S.A."},
    {"US", "U.S."},
    {"US", "United States of America"},
    {"KR", "Korea, Republic of"},
    {"KR", "Republic of Korea"},
    {"KR", "South Korea"},
    {"KR", "Korea"},
    {"KR", "Korea (South)"},
    {"KR", "Korea South"},
    {"KR", "Korea, South"},
    {"KP", "Korea, Democratic People's Republic of"},
    {"KP", "Democratic People's Republic of Korea"},
    {"KP", "North Korea"},
    {"KP", "DPRK"},
    {"RU", "Russian Federation"},
    {"RU", "Russia"},
    {"VN", "Viet Nam"},
    {"VN", "Vietnam"},
    {"TW", "Taiwan"},
    {"TW", "Taiwan, Province of China"},
    {"TW", "Taiwan, R.O.C."},
    {"TW", "Republic of China"},
    {"TW", "Chinese Taipei"},
    {"HK", "Hong Kong"},
    {"HK", "Hong Kong SAR"},
    {"HK", "Hong Kong, China"},
    {"HK", "Hong Kong SAR, China"},
    {"MO", "Macao"},
    {"MO", "Macau"},
    {"MO", "Macao SAR"},
    {"IR", "Iran"},
    {"IR", "Iran, Islamic Republic of"},
    {"IR", "Islamic Republic of Iran"},
    {"CZ", "Czech Republic"},
    {"CZ", "Czechia"},
    {"CN", "China"},
    {"CN", "P.R. China"},
    {"CN", "PR China"},
    {"CN", "P. R. China"},
    {"CN", "People's Republic of China"},
    {"CN", "Mainland China"},
    {"NL", "The Netherlands"},
    {"NL", "Holland"},
    {"TR", "Turkey"},
    {"TR", "Türkiye"},
    {"SY", "Syrian Arab Republic"},
    {"LA", "Lao People's Democratic Republic"},
    {"LA", "Laos"},
    {"MD", "Moldova, Republic of"},
    {"TZ", "Tanzania, United Republic of"},
    {"VE", "Venezuela, Bolivarian Republic of"},
    {"BO", "Bolivia, Plurinational State of"},
    {"MK", "Macedonia"},
    {"MK", "Macedonia, The Former Yugoslav Republic of"},
    {"MK", "The former Yugoslav Republic of Macedonia"},
    {"CI", "Ivory Coast"},
    {"CI", "Cote d'Ivoire"},
    {"PS", "Palestine, State of"},
    {"PS", "Palestinian Territory"},
    {"BN", "Brunei"},
    {"BN", "Brunei Darussalam"},
    {"CD", "Congo, The Democratic Republic of the"},
    {"CD", "Congo, Democratic Republic"},
    {"CG", "Congo"},
    {"SK", "Slovak Republic"},
    {"AE", "UAE"},
    {"AE", "U.A.E."},
    {"AE", "United Arab Emirates"},
    {"DE", "Federal Republic of Germany"},
    {"VA", "Vatican City State"},
    {"VA", "Holy See (Vatican City State)"},
    {"FM", "Micronesia, Federated States of"},
    {"LY", "Libyan Arab Jamahiriya"},
    {"CV", "Cabo Verde"},
    {"SZ", "Swaziland"},
    {"MM", "Burma"},
    {"TL", "East Timor"},
    {"FK", "Falkland Islands (Malvinas)"},
    {"RE", "Reunion"},
    {"CW", "Curacao"},
};

Status JsonError(std::string_view what, std::string_view detail) {
  return Status::DataError(std::string(what) + ": " + std::string(detail));
}

}  // namespace

Result<CountryTables> ParseCountryTables(std::string_view en_json, std::string_view codes_json) {
  CountryTables out;
  simdjson::ondemand::parser parser;
  std::vector<std::pair<std::string, std::string>> first_names, other_names;
  {
    simdjson::padded_string padded(en_json);
    simdjson::ondemand::document doc;
    simdjson::ondemand::object countries;
    if (parser.iterate(padded).get(doc) || doc["countries"].get_object().get(countries)) {
      return JsonError("countries json", "no \"countries\" object");
    }
    for (auto field : countries) {
      std::string_view code;
      simdjson::ondemand::value v;
      if (field.unescaped_key().get(code) || field.value().get(v) || code.size() != 2) {
        return JsonError("countries json", "bad entry");
      }
      std::string iso2(code);
      std::vector<std::string> names;
      std::string_view s;
      simdjson::ondemand::array arr;
      if (!v.get_string().get(s)) {
        names.emplace_back(s);
      } else if (!v.get_array().get(arr)) {
        for (auto item : arr) {
          if (item.get_string().get(s)) return JsonError("countries json", "bad name of " + iso2);
          names.emplace_back(s);
        }
      } else {
        return JsonError("countries json", "bad value of " + iso2);
      }
      if (names.empty()) continue;
      out.countries[iso2] = {"", names[0]};
      for (size_t i = 0; i < names.size(); ++i) {
        (i == 0 ? first_names : other_names).emplace_back(NormalizeKey(names[i]), iso2);
      }
    }
  }
  {
    simdjson::padded_string padded(codes_json);
    simdjson::ondemand::document doc;
    simdjson::ondemand::array rows;
    if (parser.iterate(padded).get(doc) || doc.get_array().get(rows)) {
      return JsonError("codes json", "not an array");
    }
    for (auto row : rows) {
      simdjson::ondemand::array cols;
      if (row.get_array().get(cols)) return JsonError("codes json", "a row is not an array");
      std::string iso2, iso3;
      int i = 0;
      for (auto col : cols) {
        std::string_view s;
        if (col.get_string().get(s)) return JsonError("codes json", "bad code");
        if (i == 0) iso2 = s;
        if (i == 1) iso3 = s;
        ++i;
      }
      auto it = out.countries.find(iso2);
      if (it != out.countries.end() && iso3.size() == 3) it->second.first = iso3;
    }
  }
  for (const Alias& a : kAliases) {
    if (out.countries.count(a.iso2)) out.names.emplace_back(NormalizeKey(a.name), a.iso2);
  }
  out.names.insert(out.names.end(), first_names.begin(), first_names.end());
  out.names.insert(out.names.end(), other_names.begin(), other_names.end());
  for (const auto& [iso2, v] : out.countries) {
    if (!v.first.empty()) out.names.emplace_back(NormalizeKey(v.first), iso2);
  }
  if (out.countries.empty()) return JsonError("countries json", "no country");
  return out;
}

}  // namespace stc::geo
