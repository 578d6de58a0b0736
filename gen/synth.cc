#include "gen/synth.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "gen/world_data.h"

namespace stc::gen_internal {
namespace {

constexpr int32_t kJitterE5 = 2500;  // Each of three summed uniforms: +-0.025 degree.

// Picks an index with probability proportional to weights[i].
int PickWeighted(Rng& rng, const int* weights, int n) {
  int total = 0;
  for (int i = 0; i < n; ++i) total += weights[i];
  int r = static_cast<int>(rng.Below(total));
  for (int i = 0; i < n; ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return n - 1;
}

int PickCity(Rng& rng) {
  int r = static_cast<int>(rng.Below(TotalCityWeight()));
  const CityInfo* cities = Cities();
  for (int i = 0; i < NumCities(); ++i) {
    if (r < cities[i].weight) return i;
    r -= cities[i].weight;
  }
  return NumCities() - 1;
}

int PickCityInCountry(Rng& rng, int country, int fallback) {
  int count = 0;
  for (int i = 0; i < NumCities(); ++i) count += Cities()[i].country == country ? 1 : 0;
  if (count == 0) return fallback;
  int k = static_cast<int>(rng.Below(count));
  for (int i = 0; i < NumCities(); ++i) {
    if (Cities()[i].country == country && k-- == 0) return i;
  }
  return fallback;
}

// A person's city around a record's lead city: mostly the lead city, else a
// city of the same country, else anywhere (international teams).
int PickPersonCity(Rng& rng, int lead, double p_lead, double p_country) {
  double u = rng.Unit();
  if (u < p_lead) return lead;
  if (u < p_lead + p_country) return PickCityInCountry(rng, Cities()[lead].country, lead);
  return PickCity(rng);
}

int32_t Jitter(Rng& rng) {
  int64_t s = 0;
  for (int i = 0; i < 3; ++i) s += static_cast<int64_t>(rng.Below(2 * kJitterE5 + 1)) - kJitterE5;
  return static_cast<int32_t>(s);
}

void PlaceAddress(Rng& rng, int city, GenAddress* a) {
  a->city = city;
  int32_t lat = Cities()[city].lat_e5 + Jitter(rng);
  int32_t lon = Cities()[city].lon_e5 + Jitter(rng);
  a->lat_e5 = std::clamp(lat, -9000000, 9000000);
  if (lon > 18000000) lon -= 36000000;
  if (lon < -18000000) lon += 36000000;
  a->lon_e5 = lon;
}

GenAddress MakeAddress(Rng& rng, int city) {
  GenAddress a;
  PlaceAddress(rng, city, &a);
  a.located = !rng.Chance(0.05);
  a.street_no = rng.Int(1, 999);
  a.org = rng.Chance(0.8) ? -1 : static_cast<int>(rng.Below(3));
  return a;
}

// Upper-cases ASCII letters and the two-byte UTF-8 Latin-1 lower-case letters.
std::string UpperName(const std::string& s) {
  std::string out = s;
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    if (c >= 'a' && c <= 'z') {
      out[i] = static_cast<char>(c - 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      unsigned char d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0xA0 && d <= 0xBE && d != 0xB7) out[i + 1] = static_cast<char>(d - 0x20);
      ++i;
    }
  }
  return out;
}

std::string MakeName(Rng& rng, GenSource source, int country, bool middle) {
  const CountryInfo& c = Countries()[country];
  std::string surname = c.surnames[rng.Below(6)];
  std::string given = c.given_names[rng.Below(6)];
  char initial = static_cast<char>('A' + rng.Below(26));
  std::string name;
  if (source == GenSource::kPct) {
    name = UpperName(surname) + " " + given;
    if (middle) name += std::string(" ") + initial + ".";
  } else {
    name = surname + " " + given.substr(0, 1) + ".";
    if (middle) name += std::string(1, initial) + ".";
  }
  return name;
}

// A new person around `lead`, named differently from everyone in `rec`.
GenPerson MakePerson(Rng& rng, const GenRecord& rec, int lead, double p_lead, double p_country) {
  GenPerson p;
  int city = PickPersonCity(rng, lead, p_lead, p_country);
  int country = Cities()[city].country;
  for (int attempt = 0; attempt < 8; ++attempt) {
    p.name = MakeName(rng, rec.source, country, attempt > 0 || rng.Chance(0.2));
    bool taken = false;
    for (const GenPerson& q : rec.persons) taken = taken || q.name == p.name;
    if (!taken) break;
  }
  if (rng.Chance(0.02)) return p;  // No address at all.
  p.addresses.push_back(MakeAddress(rng, city));
  if (rng.Chance(0.06)) {
    int second = PickCity(rng);
    while (second == city) second = (second + 1) % NumCities();
    p.addresses.push_back(MakeAddress(rng, second));
  }
  return p;
}

std::string MakeIpcCode(Rng& rng, char section) {
  int n = 0;
  const char* const* subclasses = IpcSubclasses(section, &n);
  // One draw per statement: argument evaluation order is unspecified.
  std::string code = subclasses[rng.Below(n)];
  int group = rng.Int(1, 99);
  int subgroup = rng.Int(0, 49) * 2;
  code += ' ';
  code += std::to_string(group);
  code += '/';
  code += static_cast<char>('0' + subgroup / 10);
  code += static_cast<char>('0' + subgroup % 10);
  return code;
}

int PickArea(Rng& rng, const char* areas) {
  int count = static_cast<int>((std::strlen(areas) + 1) / 3);
  int k = static_cast<int>(rng.Below(count));
  return (areas[3 * k] - '0') * 10 + (areas[3 * k + 1] - '0');
}

std::string MakeAsjcCode(Rng& rng, int area) {
  return std::to_string(area * 100 + static_cast<int>(rng.Below(AsjcCodesInArea(area))));
}

std::string FirstCode(Rng& rng, const GenRecord& rec) {
  const CityInfo& lead = Cities()[rec.lead_city];
  if (rec.source == GenSource::kPct) {
    const char* sections = lead.ipc_sections;
    return MakeIpcCode(rng, sections[rng.Below(std::strlen(sections))]);
  }
  return MakeAsjcCode(rng, PickArea(rng, lead.asjc_areas));
}

void MakeCodes(Rng& rng, GenRecord* rec) {
  if (rng.Chance(0.01)) return;  // No classification.
  if (rec->source == GenSource::kArticle && rng.Chance(0.005)) {
    static const char* const kAbbrev[] = {"COMP", "ENGI", "MEDI"};
    rec->codes.push_back(kAbbrev[rng.Below(3)]);  // Non-numeric subject area.
  } else {
    rec->codes.push_back(FirstCode(rng, *rec));
  }
  static const int kCodeCounts[] = {45, 30, 15, 10};
  int n = 1 + PickWeighted(rng, kCodeCounts, 4);
  for (int i = 1; i < n; ++i) {
    if (rec->source == GenSource::kPct) {
      char section = rng.Chance(0.6) ? rec->codes[0][0] : static_cast<char>('A' + rng.Below(8));
      if (section < 'A' || section > 'H') section = 'G';
      rec->codes.push_back(MakeIpcCode(rng, section));
    } else {
      rec->codes.push_back(MakeAsjcCode(rng, PickArea(rng, Cities()[rec->lead_city].asjc_areas)));
    }
  }
}

void MakePctPersons(Rng& rng, GenRecord* rec) {
  static const int kTeam[] = {30, 25, 17, 11, 7, 5, 3, 2};
  int n = 1 + PickWeighted(rng, kTeam, 8);
  for (int i = 0; i < n; ++i)
    rec->persons.push_back(MakePerson(rng, *rec, rec->lead_city, 0.75, 0.15));
}

void MakeArticlePersons(Rng& rng, GenRecord* rec) {
  if (rng.Chance(0.003)) {  // Large collaboration: only the first 100 authors listed.
    rec->author_count = rng.Int(150, 300);
    for (int i = 0; i < 100; ++i) {
      rec->persons.push_back(MakePerson(rng, *rec, rec->lead_city, 0.3, 0.1));
    }
    return;
  }
  static const int kAuthors[] = {18, 20, 17, 13, 10, 7, 5, 3, 3, 2, 1, 1};
  int n = 1 + PickWeighted(rng, kAuthors, 12);
  for (int i = 0; i < n; ++i)
    rec->persons.push_back(MakePerson(rng, *rec, rec->lead_city, 0.6, 0.2));
  if (rng.Chance(0.5)) rec->author_count = n;
}

void MaybeDuplicatePerson(Rng& rng, GenRecord* rec) {
  if (!rng.Chance(0.01)) return;
  size_t n = rec->persons.size();
  size_t from = rng.Below(n);
  size_t at = from + 1 + rng.Below(n - from);
  GenPerson copy = rec->persons[from];
  rec->persons.insert(rec->persons.begin() + static_cast<std::ptrdiff_t>(at), std::move(copy));
}

std::string PctKey(uint64_t seed, uint64_t index, int country, int app_year) {
  uint64_t serial = index;
  if (index < 1000000) serial = (index * 387420489ULL + seed % 1000000) % 1000000;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "PCT/%s%d/%06llu", Countries()[country].code, app_year,
                static_cast<unsigned long long>(serial));
  return buf;
}

std::string ArticleKey(uint64_t seed, uint64_t index, bool openalex) {
  char buf[64];
  if (openalex || index >= 1000000000ULL) {
    std::snprintf(buf, sizeof(buf), "https://openalex.org/W%llu",
                  static_cast<unsigned long long>(4000000000ULL + index));
  } else {
    std::snprintf(buf, sizeof(buf), "2-s2.0-85%09llu",
                  static_cast<unsigned long long>((index * 738462917ULL + seed % 1000000000ULL) %
                                                  1000000000ULL));
  }
  return buf;
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t plain = 0;  // Start of the run of characters needing no escape.
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else {
      static const char kHex[] = "0123456789abcdef";
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

void AppendStringArray(const std::vector<std::string>& v, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(v[i], out);
  }
  out->push_back(']');
}

// Appends `v` (>= 0) with at least `width` digits.
void AppendInt(int64_t v, int width, std::string* out) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0 || n < width);
  while (n > 0) out->push_back(buf[--n]);
}

// "2021-09-23", "2021-09" or "2021" (parts = 3, 2, 1), quoted.
void AppendDate(int y, int m, int d, int parts, std::string* out) {
  out->push_back('"');
  AppendInt(y, 4, out);
  if (parts >= 2) {
    out->push_back('-');
    AppendInt(m, 2, out);
  }
  if (parts >= 3) {
    out->push_back('-');
    AppendInt(d, 2, out);
  }
  out->push_back('"');
}

// 1e-5 degrees as a JSON number with up to five decimals: 3567620 -> 35.6762.
void AppendE5(int32_t v, std::string* out) {
  int64_t x = v;
  if (x < 0) {
    out->push_back('-');
    x = -x;
  }
  AppendInt(x / 100000, 1, out);
  int64_t frac = x % 100000;
  if (frac == 0) return;
  int width = 5;
  while (frac % 10 == 0) {
    frac /= 10;
    --width;
  }
  out->push_back('.');
  AppendInt(frac, width, out);
}

}  // namespace

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  uint64_t s = a;
  uint64_t h = SplitMix64(&s);
  s = h ^ b;
  h = SplitMix64(&s);
  s = h ^ c;
  h = SplitMix64(&s);
  s = h ^ d;
  return SplitMix64(&s);
}

Rng::Rng(uint64_t seed) {
  uint64_t s = seed;
  for (uint64_t& x : s_) x = SplitMix64(&s);
}

uint64_t Rng::Next() {
  auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  uint64_t result = rotl(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int32_t z, int* y, int* m, int* d) {
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

void MakeRecord(uint64_t seed, GenSource source, uint64_t index, GenRecord* rec) {
  Rng rng(MixSeed(seed, static_cast<uint64_t>(source) + 1, index, 0x5EC0));
  *rec = GenRecord();
  rec->source = source;
  rec->index = index;
  rec->lead_city = PickCity(rng);
  static const int kYears[] = {10, 11, 12, 13, 14, 15, 15};
  rec->year = 2017 + PickWeighted(rng, kYears, 7);
  rec->month = rng.Int(1, 12);
  rec->day = rng.Int(1, 28);
  int country = Cities()[rec->lead_city].country;
  if (source == GenSource::kPct) {
    int app_year = rng.Chance(0.8) ? rec->year - 1 : rec->year;
    rec->key = PctKey(seed, index, country, app_year);
    char buf[32];
    std::snprintf(buf, sizeof(buf), "WO%d/%06llu", rec->year,
                  static_cast<unsigned long long>((index * 7919ULL + 104729ULL) % 1000000ULL));
    rec->publication_number = buf;
    static const int kKinds[] = {88, 9, 3};
    static const char* const kKindNames[] = {"A1", "A2", "A3"};
    rec->kind = kKindNames[PickWeighted(rng, kKinds, 3)];
    MakeCodes(rng, rec);
    MakePctPersons(rng, rec);
    int applicants = rng.Chance(0.8) ? 1 : 2;
    for (int i = 0; i < applicants; ++i) {
      double u = rng.Unit();
      std::string company = Countries()[country].companies[rng.Below(3)];
      if (u < 0.85 && (i == 0 || rec->applicants[0].first != company)) {
        rec->applicants.emplace_back(company, country);
      } else if (u < 0.95 &&
                 (i == 0 || rec->applicants[0].first != Cities()[rec->lead_city].institute)) {
        rec->applicants.emplace_back(Cities()[rec->lead_city].institute, country);
      } else {
        int pc = Cities()[rec->persons[0].addresses.empty() ? rec->lead_city
                                                            : rec->persons[0].addresses[0].city]
                     .country;
        rec->applicants.emplace_back(rec->persons[0].name, pc);
      }
    }
    if (applicants == 2 && rec->applicants[0] == rec->applicants[1]) rec->applicants.pop_back();
  } else {
    rec->key = ArticleKey(seed, index, rng.Chance(0.05));
    static const int kParts[] = {2, 5, 93};
    rec->date_parts = 1 + PickWeighted(rng, kParts, 3);
    static const int kTypes[] = {80, 12, 8};
    static const char* const kTypeNames[] = {"article", "review", "conference paper"};
    rec->kind = kTypeNames[PickWeighted(rng, kTypes, 3)];
    MakeCodes(rng, rec);
    MakeArticlePersons(rng, rec);
  }
  MaybeDuplicatePerson(rng, rec);
}

void MakeCorrection(uint64_t seed, uint64_t k, GenRecord* rec) {
  Rng rng(MixSeed(seed, static_cast<uint64_t>(rec->source) + 1, rec->index, 0xC0BB + k));
  size_t n = rec->persons.size();
  uint64_t what = rng.Below(100);
  bool listed_all = rec->author_count == 0 || rec->author_count == static_cast<int>(n);
  if (what >= 70 && what < 85 && n > 1) {  // An inventor/author removed.
    rec->persons.erase(rec->persons.begin() + static_cast<std::ptrdiff_t>(rng.Below(n)));
    if (rec->author_count > 0 && listed_all) rec->author_count = static_cast<int>(n - 1);
  } else if (what >= 85) {  // Reclassified: a different first code.
    std::string code = FirstCode(rng, *rec);
    for (int i = 0; i < 4 && !rec->codes.empty() && code == rec->codes[0]; ++i) {
      code = FirstCode(rng, *rec);
    }
    if (!rec->codes.empty() && code == rec->codes[0]) {
      code = rec->source == GenSource::kPct ? MakeIpcCode(rng, code[0] == 'H' ? 'G' : 'H')
                                            : (code == "1000" ? "1700" : "1000");
    }
    if (rec->codes.empty()) {
      rec->codes.push_back(code);
    } else {
      rec->codes[0] = code;
    }
  } else {
    size_t with_address = n;
    size_t start = rng.Below(n);
    for (size_t i = 0; i < n && with_address == n; ++i) {
      if (!rec->persons[(start + i) % n].addresses.empty()) with_address = (start + i) % n;
    }
    if (what < 50 && with_address < n) {  // Moved: re-placed, maybe in another city.
      GenPerson& p = rec->persons[with_address];
      GenAddress& a = p.addresses[rng.Below(p.addresses.size())];
      int city = rng.Chance(0.5) ? PickCity(rng) : a.city;
      for (const GenAddress& other : p.addresses) {
        if (&other != &a && other.city == city) city = a.city;
      }
      PlaceAddress(rng, city, &a);
      a.located = true;
    } else {  // A person added.
      rec->persons.push_back(MakePerson(rng, *rec, rec->lead_city, 0.6, 0.2));
      if (rec->author_count > 0 && listed_all) rec->author_count = static_cast<int>(n + 1);
    }
  }
  int base = DaysFromCivil(rec->year, rec->date_parts >= 2 ? rec->month : 1,
                           rec->date_parts >= 3 ? rec->day : 1);
  rec->updated = base + 20 + 40 * static_cast<int32_t>(k) + static_cast<int32_t>(rng.Below(30));
  if (rng.Chance(0.15)) {  // Spelled differently, same key after normalisation.
    if (rec->source == GenSource::kPct && rng.Chance(0.5)) {
      for (char& c : rec->key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      rec->key = " " + rec->key + " ";
    }
  }
}

void AppendJsonLine(const GenRecord& rec, std::string* out) {
  std::string& o = *out;
  if (rec.source == GenSource::kPct) {
    o += "{\"application_number\":";
    AppendJsonString(rec.key, out);
    o += ",\"publication_number\":";
    AppendJsonString(rec.publication_number, out);
    o += ",\"kind\":";
    AppendJsonString(rec.kind, out);
    o += ",\"publication_date\":";
    AppendDate(rec.year, rec.month, rec.day, 3, out);
  } else {
    o += "{\"key\":";
    AppendJsonString(rec.key, out);
    o += ",\"cover_date\":";
    AppendDate(rec.year, rec.month, rec.day, rec.date_parts, out);
  }
  if (rec.updated != 0) {
    int y, m, d;
    CivilFromDays(rec.updated, &y, &m, &d);
    o += ",\"updated\":";
    AppendDate(y, m, d, 3, out);
  }
  if (rec.source == GenSource::kPct) {
    if (!rec.codes.empty()) {
      o += ",\"ipc\":";
      AppendStringArray(rec.codes, out);
    }
    o += ",\"applicants\":[";
    for (size_t i = 0; i < rec.applicants.size(); ++i) {
      o += i == 0 ? "{\"name\":" : ",{\"name\":";
      AppendJsonString(rec.applicants[i].first, out);
      o += ",\"country\":\"";
      o += Countries()[rec.applicants[i].second].code;
      o += "\"}";
    }
    o += "],\"inventors\":[";
  } else {
    o += ",\"doc_type\":";
    AppendJsonString(rec.kind, out);
    if (!rec.codes.empty()) {
      o += ",\"subjects\":";
      AppendStringArray(rec.codes, out);
    }
    if (rec.author_count > 0) {
      o += ",\"author_count\":";
      o += std::to_string(rec.author_count);
    }
    o += ",\"authors\":[";
  }
  bool pct = rec.source == GenSource::kPct;
  for (size_t i = 0; i < rec.persons.size(); ++i) {
    const GenPerson& p = rec.persons[i];
    o += i == 0 ? "{\"name\":" : ",{\"name\":";
    AppendJsonString(p.name, out);
    o += pct ? ",\"addresses\":[" : ",\"affiliations\":[";
    for (size_t j = 0; j < p.addresses.size(); ++j) {
      const GenAddress& a = p.addresses[j];
      const CityInfo& city = Cities()[a.city];
      const CountryInfo& country = Countries()[city.country];
      if (j > 0) o += ',';
      if (pct) {
        o += "{\"text\":";
        AppendJsonString(std::to_string(a.street_no) + " " + city.street + ", " + city.name, out);
      } else {
        o += "{\"name\":";
        AppendJsonString(a.org < 0 ? city.institute : country.companies[a.org], out);
      }
      o += ",\"city\":";
      AppendJsonString(city.name, out);
      o += ",\"country\":\"";
      o += country.code;
      o += '"';
      if (a.located) {
        o += ",\"lat\":";
        AppendE5(a.lat_e5, out);
        o += ",\"lon\":";
        AppendE5(a.lon_e5, out);
      }
      o += '}';
    }
    o += "]}";
  }
  o += "]}\n";
}

}  // namespace stc::gen_internal
