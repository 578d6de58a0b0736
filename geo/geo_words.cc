#include "geo/geo_words.h"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/hash.h"

namespace stc::geo {
namespace {

// A read-only open-addressing hash table over short string keys, built once
// (the per-token look-ups of every query go through these: std::hash and
// node-based maps cost too much there).
template <typename V>
class FlatTable {
 public:
  explicit FlatTable(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 3) cap <<= 1;
    slots_.resize(cap);
    mask_ = cap - 1;
  }
  // Inserts or overwrites.
  void Put(std::string_view key, V value, uint64_t seed = 0) {
    uint64_t h = Hash64(key, kSeed ^ seed) | 1;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.hash == 0) {
        s = {h, seed, key, value};
        return;
      }
      if (s.hash == h && s.seed == seed && s.key == key) {
        s.value = value;
        return;
      }
    }
  }
  const V* Find(std::string_view key, uint64_t seed = 0) const {
    return FindHashed(key, Hash64(key, kSeed ^ seed), seed);
  }
  // `hash` = Hash64(key, kSeed ^ seed); with seed 0 that is Hash64(key).
  const V* FindHashed(std::string_view key, uint64_t hash, uint64_t seed = 0) const {
    uint64_t h = hash | 1;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.hash == 0) return nullptr;
      if (s.hash == h && s.seed == seed && s.key == key) return &s.value;
    }
  }

 private:
  static constexpr uint64_t kSeed = 0x9E3779B97F4A7C15ULL;
  struct Slot {
    uint64_t hash = 0;  // 0 = empty.
    uint64_t seed = 0;
    std::string_view key;
    V value{};
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

// The seed of a country's region table.
uint64_t CountrySeed(std::string_view cc) {
  if (cc.size() != 2) return 0;
  return (uint64_t{static_cast<uint8_t>(cc[0])} << 8 | static_cast<uint8_t>(cc[1])) *
         0xff51afd7ed558ccdULL;
}

const std::unordered_map<std::string_view, WordRole>& RoleMap() {
  static const auto* roles = [] {
    auto* m = new std::unordered_map<std::string_view, WordRole>();
    for (const char* w : {"shi", "si", "city", "shiku", "town", "cho", "machi", "mura", "son",
                          "shi", "gun", "eup", "myeon", "county", "municipality"}) {
      (*m)[w] = WordRole::kCityMarker;
    }
    for (const char* w : {"ku", "gu", "district", "qu", "ward", "dong", "borough", "arrondissement",
                          "zhen", "town", "township", "subdistrict", "jiedao", "xiang"}) {
      (*m)[w] = WordRole::kWardMarker;
    }
    for (const char* w :
         {"do",    "ken",    "fu",     "province",  "prefecture", "pref",       "sheng",
          "state", "oblast", "region", "provincia", "prov",       "autonomous", "zizhiqu",
          "krai",  "canton", "kanton", "land",      "bundesland", "territory"}) {
      (*m)[w] = WordRole::kProvinceMarker;
    }
    for (const char* w : {"cedex", "bp", "cs", "po", "box", "postfach", "pobox", "apartado",
                          "casilla", "cp", "zip", "fax", "email"}) {
      (*m)[w] = WordRole::kNoise;
    }
    for (const char* w :
         {"street", "st",        "str",      "strasse",    "road",   "rd",      "avenue", "ave",
          "av",     "boulevard", "blvd",     "lane",       "ln",     "drive",   "dr",     "way",
          "weg",    "platz",     "allee",    "gasse",      "ring",   "damm",    "ufer",   "lu",
          "jie",    "dadao",     "ro",       "gil",        "daero",  "highway", "hwy",    "parkway",
          "pkwy",   "place",     "pl",       "square",     "sq",     "court",   "ct",     "terrace",
          "circle", "pike",      "turnpike", "expressway", "straat", "laan",    "gracht", "vej",
          "gatan",  "gata",      "vagen",    "veien",      "tie",    "katu",    "utca",   "ulica",
          "ul",     "building",  "bldg",     "tower",      "plaza",  "centre",  "center", "park",
          "campus", "hall",      "floor",    "fl",         "room",   "rm",      "suite",  "ste",
          "unit",   "chome"}) {
      (*m)[w] = WordRole::kStreetAfter;
    }
    for (const char* w :
         {"rue",    "via",      "calle",    "avenida", "viale",      "piazza",  "chemin",
          "route",  "rua",      "carrer",   "corso",   "largo",      "praca",   "plaza",
          "paseo",  "allee",    "impasse",  "quai",    "cours",      "passage", "strada",
          "ulitsa", "prospekt", "avinguda", "rambla",  "travessera", "camino",  "carretera"}) {
      (*m)[w] = WordRole::kStreetBefore;
    }
    for (const char* w : {"university",
                          "univ",
                          "universite",
                          "universitat",
                          "universidad",
                          "universita",
                          "institute",
                          "institut",
                          "instituto",
                          "istituto",
                          "inst",
                          "college",
                          "school",
                          "faculty",
                          "department",
                          "dept",
                          "dep",
                          "laboratory",
                          "laboratories",
                          "lab",
                          "labs",
                          "hospital",
                          "clinic",
                          "company",
                          "co",
                          "corp",
                          "corporation",
                          "inc",
                          "ltd",
                          "llc",
                          "gmbh",
                          "ag",
                          "sa",
                          "sas",
                          "srl",
                          "spa",
                          "bv",
                          "nv",
                          "kk",
                          "plc",
                          "limited",
                          "research",
                          "science",
                          "sciences",
                          "technology",
                          "technologies",
                          "national",
                          "international",
                          "group",
                          "division",
                          "section",
                          "unit",
                          "no",
                          "nr",
                          "number",
                          "apt",
                          "apartment",
                          "room",
                          "floor",
                          "of",
                          "and",
                          "the",
                          "for",
                          "at",
                          "on",
                          "in",
                          "und",
                          "et",
                          "y",
                          "e",
                          "c",
                          "o",
                          "attn",
                          "care",
                          "headquarters",
                          "hq",
                          "office",
                          "main",
                          "north",
                          "south",
                          "east",
                          "west",
                          "central",
                          "industrial",
                          "zone",
                          "area",
                          "development",
                          "tech",
                          "chome",
                          "banchi",
                          "ban",
                          "go",
                          "gou",
                          "hao",
                          "lou",
                          "shi",
                          "si",
                          "ku",
                          "gu",
                          "city",
                          "district",
                          "province",
                          "state",
                          "street",
                          "road",
                          "cedex"}) {
      if (!m->count(w) || (*m)[w] == WordRole::kNone) (*m)[w] = WordRole::kNoStart;
    }
    for (const char* w :
         {"la",    "le",    "les",      "los",   "las",    "el",    "al",     "de",    "del",
          "da",    "di",    "des",      "du",    "den",    "der",   "het",    "san",   "santa",
          "santo", "sao",   "st",       "saint", "sainte", "ste",   "port",   "fort",  "mount",
          "mont",  "bad",   "ban",      "ho",    "ha",     "ad",    "an",     "am",    "im",
          "an",    "aix",   "ville",    "nova",  "novo",   "nowy",  "stary",  "bay",   "lake",
          "grand", "great", "little",   "upper", "lower",  "old",   "new",    "north", "south",
          "east",  "west",  "mountain", "palo",  "high",   "costa", "puerto", "villa", "ciudad",
          "la",    "rio",   "cape",     "cap",   "kota",   "bandar"}) {
      auto it = m->find(w);
      if (it == m->end() || it->second == WordRole::kNoStart) (*m)[w] = WordRole::kWeakStart;
    }
    return m;
  }();
  return *roles;
}

struct State {
  std::string_view code, name;
};
constexpr State kStates[] = {
    {"AL", "alabama"},        {"AK", "alaska"},         {"AZ", "arizona"},
    {"AR", "arkansas"},       {"CA", "california"},     {"CO", "colorado"},
    {"CT", "connecticut"},    {"DE", "delaware"},       {"DC", "district of columbia"},
    {"FL", "florida"},        {"GA", "georgia"},        {"HI", "hawaii"},
    {"ID", "idaho"},          {"IL", "illinois"},       {"IN", "indiana"},
    {"IA", "iowa"},           {"KS", "kansas"},         {"KY", "kentucky"},
    {"LA", "louisiana"},      {"ME", "maine"},          {"MD", "maryland"},
    {"MA", "massachusetts"},  {"MI", "michigan"},       {"MN", "minnesota"},
    {"MS", "mississippi"},    {"MO", "missouri"},       {"MT", "montana"},
    {"NE", "nebraska"},       {"NV", "nevada"},         {"NH", "new hampshire"},
    {"NJ", "new jersey"},     {"NM", "new mexico"},     {"NY", "new york"},
    {"NC", "north carolina"}, {"ND", "north dakota"},   {"OH", "ohio"},
    {"OK", "oklahoma"},       {"OR", "oregon"},         {"PA", "pennsylvania"},
    {"RI", "rhode island"},   {"SC", "south carolina"}, {"SD", "south dakota"},
    {"TN", "tennessee"},      {"TX", "texas"},          {"UT", "utah"},
    {"VT", "vermont"},        {"VA", "virginia"},       {"WA", "washington"},
    {"WV", "west virginia"},  {"WI", "wisconsin"},      {"WY", "wyoming"},
    {"PR", "puerto rico"},
};

struct RegionName {
  std::string_view cc, key, admin1;
  bool abbreviation;
};
// Names in lookup form. admin1 codes are GeoNames' (CA, AU, CN, JP, MX, BR).
constexpr RegionName kRegions[] = {
    {"CA", "ontario", "08", false},
    {"CA", "on", "08", true},
    {"CA", "quebec", "10", false},
    {"CA", "qc", "10", true},
    {"CA", "pq", "10", true},
    {"CA", "british columbia", "02", false},
    {"CA", "bc", "02", true},
    {"CA", "alberta", "01", false},
    {"CA", "ab", "01", true},
    {"CA", "manitoba", "03", false},
    {"CA", "mb", "03", true},
    {"CA", "new brunswick", "04", false},
    {"CA", "nb", "04", true},
    {"CA", "newfoundland and labrador", "05", false},
    {"CA", "newfoundland", "05", false},
    {"CA", "nl", "05", true},
    {"CA", "nova scotia", "07", false},
    {"CA", "ns", "07", true},
    {"CA", "saskatchewan", "11", false},
    {"CA", "sk", "11", true},
    {"CA", "prince edward island", "09", false},
    {"CA", "pe", "09", true},
    {"AU", "new south wales", "02", false},
    {"AU", "nsw", "02", true},
    {"AU", "victoria", "07", false},
    {"AU", "vic", "07", true},
    {"AU", "queensland", "04", false},
    {"AU", "qld", "04", true},
    {"AU", "south australia", "05", false},
    {"AU", "sa", "05", true},
    {"AU", "western australia", "08", false},
    {"AU", "wa", "08", true},
    {"AU", "tasmania", "06", false},
    {"AU", "tas", "06", true},
    {"AU", "australian capital territory", "01", false},
    {"AU", "act", "01", true},
    {"AU", "northern territory", "03", false},
    {"AU", "nt", "03", true},
    {"CN", "anhui", "01", false},
    {"CN", "zhejiang", "02", false},
    {"CN", "jiangxi", "03", false},
    {"CN", "jiangsu", "04", false},
    {"CN", "jilin", "05", false},
    {"CN", "qinghai", "06", false},
    {"CN", "fujian", "07", false},
    {"CN", "heilongjiang", "08", false},
    {"CN", "henan", "09", false},
    {"CN", "hebei", "10", false},
    {"CN", "hunan", "11", false},
    {"CN", "hubei", "12", false},
    {"CN", "xinjiang", "13", false},
    {"CN", "tibet", "14", false},
    {"CN", "xizang", "14", false},
    {"CN", "gansu", "15", false},
    {"CN", "guangxi", "16", false},
    {"CN", "guizhou", "18", false},
    {"CN", "liaoning", "19", false},
    {"CN", "inner mongolia", "20", false},
    {"CN", "nei mongol", "20", false},
    {"CN", "ningxia", "21", false},
    {"CN", "shanxi", "24", false},
    {"CN", "shandong", "25", false},
    {"CN", "shaanxi", "26", false},
    {"CN", "yunnan", "29", false},
    {"CN", "guangdong", "30", false},
    {"CN", "hainan", "31", false},
    {"CN", "sichuan", "32", false},
    {"JP", "aichi", "01", false},
    {"JP", "akita", "02", false},
    {"JP", "aomori", "03", false},
    {"JP", "chiba", "04", false},
    {"JP", "ehime", "05", false},
    {"JP", "fukui", "06", false},
    {"JP", "fukuoka", "07", false},
    {"JP", "fukushima", "08", false},
    {"JP", "gifu", "09", false},
    {"JP", "gunma", "10", false},
    {"JP", "hiroshima", "11", false},
    {"JP", "hokkaido", "12", false},
    {"JP", "hyogo", "13", false},
    {"JP", "ibaraki", "14", false},
    {"JP", "ishikawa", "15", false},
    {"JP", "iwate", "16", false},
    {"JP", "kagawa", "17", false},
    {"JP", "kagoshima", "18", false},
    {"JP", "kanagawa", "19", false},
    {"JP", "kochi", "20", false},
    {"JP", "kumamoto", "21", false},
    {"JP", "kyoto", "22", false},
    {"JP", "mie", "23", false},
    {"JP", "miyagi", "24", false},
    {"JP", "miyazaki", "25", false},
    {"JP", "nagano", "26", false},
    {"JP", "nagasaki", "27", false},
    {"JP", "nara", "28", false},
    {"JP", "niigata", "29", false},
    {"JP", "oita", "30", false},
    {"JP", "okayama", "31", false},
    {"JP", "osaka", "32", false},
    {"JP", "saga", "33", false},
    {"JP", "saitama", "34", false},
    {"JP", "shiga", "35", false},
    {"JP", "shimane", "36", false},
    {"JP", "shizuoka", "37", false},
    {"JP", "tochigi", "38", false},
    {"JP", "tokushima", "39", false},
    {"JP", "tokyo", "40", false},
    {"JP", "tottori", "41", false},
    {"JP", "toyama", "42", false},
    {"JP", "wakayama", "43", false},
    {"JP", "yamagata", "44", false},
    {"JP", "yamaguchi", "45", false},
    {"JP", "yamanashi", "46", false},
    {"JP", "okinawa", "47", false},
    {"MX", "jalisco", "14", false},
    {"MX", "jal", "14", true},
    {"MX", "nuevo leon", "19", false},
    {"MX", "n l", "19", true},
    {"MX", "queretaro", "22", false},
    {"MX", "qro", "22", true},
    {"MX", "cdmx", "09", true},
    {"MX", "ciudad de mexico", "09", false},
    {"MX", "estado de mexico", "15", false},
    {"MX", "pue", "21", true},
    {"MX", "guanajuato", "11", false},
    {"MX", "gto", "11", true},
    {"MX", "baja california", "02", false},
    {"IN", "karnataka", "", false},
    {"IN", "maharashtra", "", false},
    {"IN", "tamil nadu", "", false},
    {"IN", "telangana", "", false},
    {"IN", "uttar pradesh", "", false},
    {"IN", "west bengal", "", false},
    {"IN", "uttarakhand", "", false},
    {"IN", "assam", "", false},
    {"IN", "gujarat", "", false},
    {"IN", "kerala", "", false},
    {"IN", "haryana", "", false},
    {"IN", "andhra pradesh", "", false},
    {"IN", "rajasthan", "", false},
    {"IN", "punjab", "", false},
    {"IN", "bihar", "", false},
    {"IN", "odisha", "", false},
    {"IN", "madhya pradesh", "", false},
    {"MY", "selangor", "", false},
    {"MY", "johor", "", false},
    {"MY", "penang", "", false},
    {"MY", "pulau pinang", "", false},
    {"MY", "perak", "", false},
    {"MY", "sabah", "", false},
    {"MY", "sarawak", "", false},
    {"MY", "kedah", "", false},
    {"BR", "sp", "27", true},
    {"BR", "rj", "", true},
    {"BR", "mg", "", true},
    {"BR", "rs", "", true},
    {"BR", "sc", "", true},
    {"BR", "pr", "", true},
    {"BR", "ba", "", true},
    {"BR", "pe", "", true},
    {"BR", "df", "", true},
};

const FlatTable<WordRole>& Roles() {
  static const auto* roles = [] {
    const auto& m = RoleMap();
    auto* t = new FlatTable<WordRole>(m.size());
    for (const auto& [w, r] : m) t->Put(w, r);
    return t;
  }();
  return *roles;
}

struct RegionEntry {
  std::string_view admin1;
  bool abbreviation = false;
};

// Every region of every country, keyed by (country seed, name), and the
// first words of all region names (a filter before the look-ups).
struct RegionTables {
  FlatTable<RegionEntry> regions{std::size(kRegions) + 2 * std::size(kStates) + 2};
  FlatTable<bool> first_words{std::size(kRegions) + 2 * std::size(kStates) + 2};
  FlatTable<bool> countries{16};
};

const RegionTables& Regions() {
  static const auto* tables = [] {
    auto* t = new RegionTables();
    auto add = [&](std::string_view cc, std::string_view key, RegionEntry e) {
      t->regions.Put(key, e, CountrySeed(cc));
      t->first_words.Put(key.substr(0, key.find(' ')), true);
      t->countries.Put(cc, true);
    };
    for (const RegionName& n : kRegions) add(n.cc, n.key, {n.admin1, n.abbreviation});
    for (const State& st : kStates) add("US", st.name, {st.code, false});
    // US postal codes ("ca"): keys in lookup form are lowercase.
    static const std::vector<std::string>* lower = [] {
      auto* v = new std::vector<std::string>();
      for (const State& st : kStates) {
        v->emplace_back(st.code);
        for (char& c : v->back()) c = static_cast<char>(c - 'A' + 'a');
      }
      return v;
    }();
    for (size_t i = 0; i < std::size(kStates); ++i) {
      add("US", (*lower)[i], {kStates[i].code, true});
    }
    add("US", "calif", {"CA", false});
    add("US", "mass", {"MA", false});
    return t;
  }();
  return *tables;
}

}  // namespace

Region RegionOf(std::string_view cc, std::string_view key) {
  Region r;
  if (cc.size() != 2) return r;
  const RegionEntry* e = Regions().regions.Find(key, CountrySeed(cc));
  if (e == nullptr) return r;
  r.found = true;
  r.abbreviation = e->abbreviation;
  r.admin1 = e->admin1;
  return r;
}

bool HasRegions(std::string_view cc) { return Regions().countries.Find(cc) != nullptr; }

bool StartsRegionName(std::string_view word, uint64_t hash) {
  return Regions().first_words.FindHashed(word, hash) != nullptr;
}

WordRole RoleOf(std::string_view word) { return RoleOf(word, Hash64(word)); }

WordRole RoleOf(std::string_view word, uint64_t hash) {
  const WordRole* r = Roles().FindHashed(word, hash);
  return r == nullptr ? WordRole::kNone : *r;
}

std::string_view UsStateCode(std::string_view key) {
  if (key.size() == 2) {
    char low[2] = {static_cast<char>(key[0] | 0x20), static_cast<char>(key[1] | 0x20)};
    Region r = RegionOf("US", std::string_view(low, 2));
    return r.found ? r.admin1 : std::string_view();
  }
  return RegionOf("US", key).admin1;
}

}  // namespace stc::geo
