#include "parsers/country_names.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>

#include "core/hash.h"
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

// The longest folded spelling the table can hold; a longer text folds to
// no key of the table.
constexpr size_t kMaxFolded = 64;

// Folds `s` (trimmed, without ' ', '.' and tabs, ASCII lower case) into
// `buf`; the folded length, or kMaxFolded + 1 when it does not fit.
size_t FoldInto(std::string_view s, char (&buf)[kMaxFolded]) {
  size_t n = 0;
  for (char c : TrimAscii(s)) {
    if (c == ' ' || c == '.' || c == '\t') continue;
    if (n == kMaxFolded) return kMaxFolded + 1;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    buf[n++] = c;
  }
  return n;
}

// Hash and equality over std::string and std::string_view alike, so that a
// look-up by a folded view builds no string.
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
struct ViewEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
using CountryTable = std::unordered_map<std::string, std::string_view, ViewHash, ViewEq>;

const CountryTable& Table() {
  static const CountryTable* table = [] {
    auto* t = new CountryTable;
    auto add = [t](std::string_view spelling, const char* iso2) {
      char buf[kMaxFolded];
      const size_t n = FoldInto(spelling, buf);
      if (n <= kMaxFolded) (*t)[std::string(buf, n)] = iso2;  // All spellings fit (tested).
    };
    for (const Country& c : kCountries) {
      add(c.iso3, c.iso2);
      std::string_view names(c.names);
      size_t pos = 0;
      while (pos <= names.size()) {
        size_t bar = names.find('|', pos);
        if (bar == std::string_view::npos) bar = names.size();
        add(names.substr(pos, bar - pos), c.iso2);
        pos = bar + 1;
      }
    }
    return t;
  }();
  return *table;
}

// CountryToIso2 of trimmed, non-empty `t` into *out; false (*out then
// unspecified) when unknown.
bool LookUpIso2Slow(std::string_view t, std::string* out) {
  char buf[kMaxFolded];
  const size_t n = FoldInto(t, buf);
  if (n <= kMaxFolded) {
    const CountryTable& table = Table();
    auto it = table.find(std::string_view(buf, n));
    if (it != table.end()) {
      out->assign(it->second);
      return true;
    }
  }
  if (t.size() != 2) return false;
  NormaliseCountry2(t, out);  // Any ISO-2 code as given.
  return !out->empty();
}

// 0-25 for 'A'-'Z', 26-51 for 'a'-'z', -1 otherwise.
int LetterIndex(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -1;
}

// LookUpIso2Slow's answer for every text of two ASCII letters, computed once:
// the ISO-2 codes PATENTSCOPE gives for every address (and any reader's
// two-letter text) then cost no fold, hash or probe.
struct TwoLetterAnswers {
  std::array<std::array<char, 2>, 52 * 52> iso2{};
  std::array<bool, 52 * 52> known{};
  TwoLetterAnswers() {
    const std::string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string out;
    for (size_t i = 0; i < 52; ++i) {
      for (size_t j = 0; j < 52; ++j) {
        const char text[2] = {letters[i], letters[j]};
        const size_t k = i * 52 + j;
        known[k] = LookUpIso2Slow(std::string_view(text, 2), &out) && out.size() == 2;
        if (known[k]) iso2[k] = {out[0], out[1]};
      }
    }
  }
};

// LookUpIso2Slow's answers for the texts a thread looked up last, by their
// bytes as given (trimmed): a reader names the same few countries over and
// over ("Germany", "United States" in every Scopus affiliation), and a hit
// costs a hash of the text and a compare instead of the fold, std::hash and
// the table's probe. Direct-mapped; a text of more than kMaxText bytes is
// not kept.
class Iso2Memo {
 public:
  static constexpr size_t kMaxText = 30;

  struct Slot {
    uint8_t size = 0;  // 0: empty (a looked-up text is never empty).
    bool known = false;
    std::array<char, 2> iso2{};
    std::array<char, kMaxText> text{};
    bool Holds(std::string_view t) const {
      return size == t.size() && std::memcmp(text.data(), t.data(), t.size()) == 0;
    }
    void Set(std::string_view t, bool is_known, const std::string& code) {
      size = static_cast<uint8_t>(t.size());
      std::memcpy(text.data(), t.data(), t.size());
      known = is_known;
      if (is_known) iso2 = {code[0], code[1]};
    }
  };
  // The slot for `t` (t.size() <= kMaxText).
  Slot& SlotFor(std::string_view t) { return slots_[MemoryHash64(t) & (kSlots - 1)]; }

 private:
  static constexpr size_t kSlots = 64;
  std::array<Slot, kSlots> slots_;
};

bool LookUpIso2(std::string_view text, std::string* out) {
  std::string_view t = TrimAscii(text);
  if (t.empty()) return false;
  if (t.size() == 2) {
    const int a = LetterIndex(t[0]), b = LetterIndex(t[1]);
    if (a >= 0 && b >= 0) {
      static const TwoLetterAnswers* answers = new TwoLetterAnswers;
      const size_t k = static_cast<size_t>(a) * 52 + static_cast<size_t>(b);
      if (!answers->known[k]) return false;
      out->assign(answers->iso2[k].data(), 2);
      return true;
    }
  }
  if (t.size() > Iso2Memo::kMaxText) return LookUpIso2Slow(t, out);
  thread_local Iso2Memo memo;
  Iso2Memo::Slot& slot = memo.SlotFor(t);
  if (slot.Holds(t)) {
    if (slot.known) out->assign(slot.iso2.data(), 2);
    return slot.known;
  }
  const bool known = LookUpIso2Slow(t, out);
  // Every answer of the table is a two-letter code; another (an ISO-2 code
  // of other bytes kept as given) is not memoised.
  if (!known || out->size() == 2) slot.Set(t, known, *out);
  return known;
}

}  // namespace

std::string CountryToIso2(std::string_view text) {
  std::string out;
  LookUpIso2(text, &out);
  return out;
}

void AssignCountryCodeOrName(std::string_view text, std::string* out) {
  if (!LookUpIso2(text, out)) out->assign(TrimAscii(text));
}

std::string CountryCodeOrName(std::string_view text) {
  std::string out;
  AssignCountryCodeOrName(text, &out);
  return out;
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
