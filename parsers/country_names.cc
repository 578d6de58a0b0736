#include "parsers/country_names.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "parsers/json_util.h"

namespace stc {
namespace {

struct Country {
  const char* iso2;
  const char* iso3;
  const char* names;  // '|'-separated spellings.
};

// The spellings sources use most; agrees with the gazetteer's table.
constexpr Country kCountries[] = {
    {"US", "USA", "United States|United States of America|USA|U.S.A."},
    {"CN", "CHN", "China|People's Republic of China|P.R. China|PR China"},
    {"GB", "GBR", "United Kingdom|UK|Great Britain|England|Scotland|Wales|Northern Ireland"},
    {"DE", "DEU", "Germany"},
    {"JP", "JPN", "Japan"},
    {"FR", "FRA", "France"},
    {"IT", "ITA", "Italy"},
    {"CA", "CAN", "Canada"},
    {"IN", "IND", "India"},
    {"ES", "ESP", "Spain"},
    {"AU", "AUS", "Australia"},
    {"KR", "KOR", "South Korea|Korea, Republic of|Republic of Korea|Korea"},
    {"BR", "BRA", "Brazil"},
    {"NL", "NLD", "Netherlands|The Netherlands"},
    {"RU", "RUS", "Russian Federation|Russia"},
    {"CH", "CHE", "Switzerland"},
    {"SE", "SWE", "Sweden"},
    {"IR", "IRN", "Iran|Iran, Islamic Republic of"},
    {"PL", "POL", "Poland"},
    {"TR", "TUR", "Turkey|Turkiye|Türkiye"},
    {"TW", "TWN", "Taiwan"},
    {"BE", "BEL", "Belgium"},
    {"DK", "DNK", "Denmark"},
    {"AT", "AUT", "Austria"},
    {"IL", "ISR", "Israel"},
    {"HK", "HKG", "Hong Kong"},
    {"SG", "SGP", "Singapore"},
    {"NO", "NOR", "Norway"},
    {"FI", "FIN", "Finland"},
    {"PT", "PRT", "Portugal"},
    {"MX", "MEX", "Mexico"},
    {"CZ", "CZE", "Czech Republic|Czechia"},
    {"GR", "GRC", "Greece"},
    {"SA", "SAU", "Saudi Arabia"},
    {"EG", "EGY", "Egypt"},
    {"ZA", "ZAF", "South Africa"},
    {"IE", "IRL", "Ireland"},
    {"NZ", "NZL", "New Zealand"},
    {"MY", "MYS", "Malaysia"},
    {"PK", "PAK", "Pakistan"},
    {"AR", "ARG", "Argentina"},
    {"CL", "CHL", "Chile"},
    {"TH", "THA", "Thailand"},
    {"HU", "HUN", "Hungary"},
    {"RO", "ROU", "Romania"},
    {"ID", "IDN", "Indonesia"},
    {"CO", "COL", "Colombia"},
    {"NG", "NGA", "Nigeria"},
    {"VN", "VNM", "Viet Nam|Vietnam"},
    {"UA", "UKR", "Ukraine"},
    {"SI", "SVN", "Slovenia"},
    {"HR", "HRV", "Croatia"},
    {"RS", "SRB", "Serbia"},
    {"SK", "SVK", "Slovakia"},
    {"TN", "TUN", "Tunisia"},
    {"MA", "MAR", "Morocco"},
    {"DZ", "DZA", "Algeria"},
    {"BD", "BGD", "Bangladesh"},
    {"IQ", "IRQ", "Iraq"},
    {"QA", "QAT", "Qatar"},
    {"AE", "ARE", "United Arab Emirates|UAE"},
    {"LT", "LTU", "Lithuania"},
    {"EE", "EST", "Estonia"},
    {"LV", "LVA", "Latvia"},
    {"LU", "LUX", "Luxembourg"},
    {"IS", "ISL", "Iceland"},
    {"CY", "CYP", "Cyprus"},
    {"BG", "BGR", "Bulgaria"},
    {"KE", "KEN", "Kenya"},
    {"ET", "ETH", "Ethiopia"},
    {"GH", "GHA", "Ghana"},
    {"PE", "PER", "Peru"},
    {"PH", "PHL", "Philippines"},
    {"MO", "MAC", "Macao|Macau"},
    {"EC", "ECU", "Ecuador"},
    {"JO", "JOR", "Jordan"},
    {"LB", "LBN", "Lebanon"},
    {"KZ", "KAZ", "Kazakhstan"},
    {"UY", "URY", "Uruguay"},
    {"LK", "LKA", "Sri Lanka"},
    {"NP", "NPL", "Nepal"},
    {"KW", "KWT", "Kuwait"},
    {"OM", "OMN", "Oman"},
    {"BY", "BLR", "Belarus"},
    {"GE", "GEO", "Georgia"},
    {"AM", "ARM", "Armenia"},
};

std::string Fold(std::string_view s) {
  std::string out;
  for (char c : TrimAscii(s)) {
    if (c == ' ' || c == '.' || c == '\t') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out.push_back(c);
  }
  return out;
}

const std::unordered_map<std::string, std::string>& Table() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, std::string>;
    for (const Country& c : kCountries) {
      (*t)[Fold(c.iso3)] = c.iso2;
      std::string_view names(c.names);
      size_t pos = 0;
      while (pos <= names.size()) {
        size_t bar = names.find('|', pos);
        if (bar == std::string_view::npos) bar = names.size();
        (*t)[Fold(names.substr(pos, bar - pos))] = c.iso2;
        pos = bar + 1;
      }
    }
    return t;
  }();
  return *table;
}

}  // namespace

std::string CountryToIso2(std::string_view text) {
  std::string_view t = TrimAscii(text);
  if (t.empty()) return "";
  std::string key = Fold(t);
  auto it = Table().find(key);
  if (it != Table().end()) return it->second;
  if (t.size() == 2) return NormaliseCountry2(t);  // Any ISO-2 code as given.
  return "";
}

std::string CountryCodeOrName(std::string_view text) {
  std::string iso2 = CountryToIso2(text);
  if (!iso2.empty()) return iso2;
  return std::string(TrimAscii(text));
}

void ForEachCountrySpelling(void (*fn)(std::string_view, std::string_view, void*), void* arg) {
  for (const Country& c : kCountries) {
    fn(c.iso3, c.iso2, arg);
    std::string_view names(c.names);
    size_t pos = 0;
    while (pos <= names.size()) {
      size_t bar = names.find('|', pos);
      if (bar == std::string_view::npos) bar = names.size();
      fn(names.substr(pos, bar - pos), c.iso2, arg);
      pos = bar + 1;
    }
  }
}

}  // namespace stc
