#include "tests/reference.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/grid.h"
#include "core/units.h"

namespace stc {
namespace {

namespace dom = simdjson::dom;

constexpr int64_t kRecordUnits = 1'000'000'000;
constexpr size_t kMaxLine = 16u << 20;

// (source id, year, lat index, lon index, country, field): the export's key order.
using CellKey = std::tuple<int, int32_t, int32_t, int32_t, std::string, std::string>;

// What one accepted record adds to the aggregates.
struct Counted {
  int32_t version = 0;  // yyyymmdd.
  int32_t year = 0;
  std::map<CellKey, int64_t> cells;
  int64_t unlocated = 0;
  std::string line;  // For messages.
};

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Decompresses every zstd frame of `raw` (the generator does not record the
// content size, so the streaming API is used).
bool DecompressZstd(const std::string& raw, std::string* out, std::string* error) {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::string buf(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{raw.data(), raw.size(), 0};
  size_t ret = 0;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    ret = ZSTD_decompressStream(dctx, &o, &in);
    if (ZSTD_isError(ret)) {
      *error = std::string("zstd: ") + ZSTD_getErrorName(ret);
      ZSTD_freeDCtx(dctx);
      return false;
    }
    out->append(buf.data(), o.pos);
  }
  ZSTD_freeDCtx(dctx);
  if (ret != 0) *error = "truncated zstd stream";
  return ret == 0;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Parses "YYYY-MM-DD", and "YYYYMMDD" (compact) or "YYYY-MM" / "YYYY"
// (partial) when allowed. Missing month/day count as 0 in the version.
bool ParseDate(std::string_view s, bool compact, bool partial, int32_t* year, int32_t* version) {
  int y = 0, m = 0, d = 0;
  auto num = [](std::string_view v) { return std::stoi(std::string(v)); };
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && AllDigits(s.substr(0, 4)) &&
      AllDigits(s.substr(5, 2)) && AllDigits(s.substr(8, 2))) {
    y = num(s.substr(0, 4)), m = num(s.substr(5, 2)), d = num(s.substr(8, 2));
  } else if (compact && s.size() == 8 && AllDigits(s)) {
    y = num(s.substr(0, 4)), m = num(s.substr(4, 2)), d = num(s.substr(6, 2));
  } else if (partial && s.size() == 7 && s[4] == '-' && AllDigits(s.substr(0, 4)) &&
             AllDigits(s.substr(5, 2))) {
    y = num(s.substr(0, 4)), m = num(s.substr(5, 2));
  } else if (partial && s.size() == 4 && AllDigits(s)) {
    y = num(s);
  } else {
    return false;
  }
  if (y < 1900 || y > 2100) return false;
  if (m != 0 && (m < 1 || m > 12)) return false;
  if (d != 0 && (d < 1 || d > DaysInMonth(y, m))) return false;
  if (s.size() >= 8 && (m == 0 || d == 0)) return false;
  *year = y;
  *version = y * 10000 + m * 100 + d;
  return true;
}

// Returns the string at obj[name] into *out; false when missing or not a string.
bool GetString(dom::object obj, const char* name, std::string_view* out) {
  return obj[name].get(*out) == simdjson::SUCCESS;
}

// A JSON number; false for anything else.
bool GetNumber(dom::element e, double* out) {
  switch (e.type()) {
    case dom::element_type::INT64:
      *out = static_cast<double>(int64_t(e));
      return true;
    case dom::element_type::UINT64:
      *out = static_cast<double>(uint64_t(e));
      return true;
    case dom::element_type::DOUBLE:
      *out = double(e);
      return true;
    default:
      return false;
  }
}

struct Address {
  bool located = false;
  int32_t lat_e5 = 0, lon_e5 = 0;
  std::string text, country;
};

struct Person {
  std::string identity;  // Name and every address field, for "identical persons".
  std::vector<Address> addresses;
};

// Reads one person; returns a reject reason or "".
std::string ReadPerson(dom::element e, const char* list_key, Person* p) {
  dom::object obj;
  if (e.get(obj) != simdjson::SUCCESS) return "malformed_json";
  std::string_view name;
  GetString(obj, "name", &name);
  p->identity = std::string(name);
  dom::array addrs;
  if (obj[list_key].get(addrs) != simdjson::SUCCESS) return "";
  for (dom::element ae : addrs) {
    dom::object a;
    if (ae.get(a) != simdjson::SUCCESS) return "malformed_json";
    Address addr;
    std::string_view text, city, country;
    GetString(a, "text", &text);
    GetString(a, "city", &city);
    GetString(a, "country", &country);
    addr.text = std::string(text);
    if (country.size() == 2 && std::isalpha(static_cast<unsigned char>(country[0])) &&
        std::isalpha(static_cast<unsigned char>(country[1]))) {
      addr.country = {static_cast<char>(std::toupper(static_cast<unsigned char>(country[0]))),
                      static_cast<char>(std::toupper(static_cast<unsigned char>(country[1])))};
    }
    dom::element lat_e, lon_e;
    bool has_lat = a["lat"].get(lat_e) == simdjson::SUCCESS && !lat_e.is_null();
    bool has_lon = a["lon"].get(lon_e) == simdjson::SUCCESS && !lon_e.is_null();
    if (has_lat != has_lon) return "bad_coordinates";
    if (has_lat) {
      double lat = 0, lon = 0;
      if (!GetNumber(lat_e, &lat) || !GetNumber(lon_e, &lon)) return "bad_coordinates";
      if (!std::isfinite(lat) || !std::isfinite(lon) || lat < -90 || lat > 90 || lon < -180 ||
          lon > 180) {
        return "bad_coordinates";
      }
      addr.located = true;
      addr.lat_e5 = static_cast<int32_t>(std::llround(lat * 1e5));
      addr.lon_e5 = static_cast<int32_t>(std::llround(lon * 1e5));
    }
    p->identity += "\x1f" + std::string(text) + "\x1e" + std::string(city) + "\x1e" +
                   std::string(country) + "\x1e" + (addr.located ? "1" : "0") + "\x1e" +
                   std::to_string(addr.lat_e5) + "\x1e" + std::to_string(addr.lon_e5);
    p->addresses.push_back(std::move(addr));
  }
  return "";
}

int64_t Share(int64_t total, int64_t n, int64_t i) { return total / n + (i < total % n ? 1 : 0); }

// Validates and counts one non-empty line. Returns "" or a reject reason.
std::string CountLine(dom::parser& parser, bool pct, const std::string& line, const Grid& grid,
                      std::string* key, Counted* out) {
  if (line.size() > kMaxLine) return "line_too_long";
  dom::object obj;
  if (parser.parse(line.data(), line.size(), true).get(obj) != simdjson::SUCCESS) {
    return "malformed_json";
  }
  std::string_view raw_key;
  if (!GetString(obj, pct ? "application_number" : "key", &raw_key)) return "missing_key";
  *key = pct ? ReferenceNormalisePctNumber(std::string(raw_key)) : Trim(raw_key);
  if (key->empty()) return "missing_key";

  std::string_view date, updated;
  if (!GetString(obj, pct ? "publication_date" : "cover_date", &date)) return "bad_date";
  if (!ParseDate(date, pct, !pct, &out->year, &out->version)) return "bad_date";
  dom::element updated_e;
  if (obj["updated"].get(updated_e) == simdjson::SUCCESS && !updated_e.is_null()) {
    int32_t ignored_year = 0;
    if (updated_e.get(updated) != simdjson::SUCCESS ||
        !ParseDate(updated, true, false, &ignored_year, &out->version)) {
      return "bad_date";
    }
  }

  dom::array persons_json;
  if (obj[pct ? "inventors" : "authors"].get(persons_json) != simdjson::SUCCESS ||
      persons_json.size() == 0) {
    return "no_persons";
  }
  std::vector<Person> persons;
  for (dom::element pe : persons_json) {
    Person p;
    std::string reason = ReadPerson(pe, pct ? "addresses" : "affiliations", &p);
    if (!reason.empty()) return reason;
    bool seen = false;
    for (const Person& q : persons) seen = seen || q.identity == p.identity;
    if (!seen) persons.push_back(std::move(p));
  }

  // Field: IPC section of the first code, or ASJC area of the first subject.
  std::string field;
  dom::array codes;
  std::string_view first;
  if (obj[pct ? "ipc" : "subjects"].get(codes) == simdjson::SUCCESS && codes.size() > 0 &&
      codes.at(0).get(first) == simdjson::SUCCESS) {
    if (pct) {
      char c =
          first.empty() ? 0 : static_cast<char>(std::toupper(static_cast<unsigned char>(first[0])));
      if (c >= 'A' && c <= 'H') field = std::string(1, c);
    } else if (first.size() >= 2 && AllDigits(first.substr(0, 2))) {
      field = std::string(first.substr(0, 2));
    } else {
      field = std::string(first);
    }
  }

  int64_t declared = 0;
  if (!pct) {
    dom::element count_e;
    double count = 0;
    if (obj["author_count"].get(count_e) == simdjson::SUCCESS && GetNumber(count_e, &count) &&
        count > 0) {
      declared = static_cast<int64_t>(count);
    }
  }
  const int64_t listed = static_cast<int64_t>(persons.size());
  const int64_t divisor = std::max(listed, declared);

  // (lat, lon, country) -> units.
  std::map<std::tuple<int32_t, int32_t, std::string>, int64_t> points;
  int64_t unlocated = 0;
  for (int64_t i = 0; i < divisor; ++i) {
    int64_t share = Share(kRecordUnits, divisor, i);
    if (i >= listed) {  // Declared but not listed.
      unlocated += share;
      continue;
    }
    std::vector<const Address*> distinct;
    for (const Address& a : persons[i].addresses) {
      bool dup = false;
      for (const Address* b : distinct) {
        dup = dup || (a.located && b->located && a.lat_e5 == b->lat_e5 && a.lon_e5 == b->lon_e5) ||
              (!a.located && !b->located && a.text == b->text);
      }
      if (!dup) distinct.push_back(&a);
    }
    if (distinct.empty()) {
      unlocated += share;
      continue;
    }
    const int64_t n = static_cast<int64_t>(distinct.size());
    for (int64_t k = 0; k < n; ++k) {
      int64_t part = Share(share, n, k);
      const Address& a = *distinct[k];
      if (a.located) {
        points[{a.lat_e5, a.lon_e5, a.country}] += part;
      } else {
        unlocated += part;
      }
    }
  }

  const int source_id = pct ? 1 : 2;
  int64_t located = 0;
  for (const auto& [point, units] : points) {
    const auto& [lat, lon, country] = point;
    Cell cell = grid.CellOf(lat, lon);
    out->cells[{source_id, out->year, cell.lat_idx, cell.lon_idx, country, field}] += units;
    located += units;
  }
  out->unlocated = unlocated;
  if (located + unlocated != kRecordUnits) return "reference_bug_units_do_not_sum";
  out->line = line;
  return "";
}

bool IsPctFile(const std::string& path, const std::string& content) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  if (base.rfind("pct", 0) == 0) return true;
  if (base.rfind("article", 0) == 0) return false;
  return content.find("\"application_number\"") != std::string::npos;
}

// RFC 4180 quoting, as for any CSV value that needs it.
std::string CsvValue(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string Fail(const std::string& message) {
  ADD_FAILURE() << "reference: " << message;
  return "REFERENCE ERROR: " + message + "\n";
}

}  // namespace

std::string ReferenceNormalisePctNumber(const std::string& raw) {
  std::string s;
  for (char c : Trim(raw)) {
    if (c == ' ' || c == '\t') continue;
    s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  // PCT/CC<2 or 4 digit year>/<serial>
  size_t slash = s.find('/', 4);
  if (s.rfind("PCT/", 0) != 0 || slash == std::string::npos || slash < 8) return s;
  std::string_view cc = std::string_view(s).substr(4, 2);
  std::string_view year = std::string_view(s).substr(6, slash - 6);
  std::string_view serial = std::string_view(s).substr(slash + 1);
  if (!std::isalpha(static_cast<unsigned char>(cc[0])) ||
      !std::isalpha(static_cast<unsigned char>(cc[1])) || !AllDigits(year) ||
      (year.size() != 2 && year.size() != 4) || !AllDigits(serial)) {
    return s;
  }
  std::string y(year);
  if (y.size() == 2) y = (std::stoi(y) >= 78 ? "19" : "20") + y;
  std::string serial_padded(serial.size() < 6 ? 6 - serial.size() : 0, '0');
  serial_padded += serial;
  return "PCT/" + std::string(cc) + y + "/" + serial_padded;
}

std::string ReferenceExportCsv(const std::vector<std::string>& files, int32_t grid_step_e5,
                               ReferenceStats* stats) {
  ReferenceStats local;
  if (stats == nullptr) stats = &local;
  *stats = ReferenceStats();
  if (!Grid::IsValidStep(grid_step_e5)) return Fail("bad grid step");
  const Grid grid(grid_step_e5);
  dom::parser parser;
  std::map<std::pair<int, std::string>, Counted> winners;

  for (const std::string& path : files) {
    std::string raw, content, error;
    if (!ReadFile(path, &raw, &error)) return Fail(error);
    if (raw.size() >= 4 && static_cast<unsigned char>(raw[0]) == 0x28 &&
        static_cast<unsigned char>(raw[1]) == 0xB5 && static_cast<unsigned char>(raw[2]) == 0x2F &&
        static_cast<unsigned char>(raw[3]) == 0xFD) {
      if (!DecompressZstd(raw, &content, &error)) return Fail(path + ": " + error);
    } else if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0x1F &&
               static_cast<unsigned char>(raw[1]) == 0x8B) {
      return Fail(path + ": gzip input is not supported by the reference");
    } else {
      content = std::move(raw);
    }
    const bool pct = IsPctFile(path, content);
    size_t start = 0;
    while (start < content.size()) {
      size_t nl = content.find('\n', start);
      if (nl == std::string::npos) nl = content.size();
      std::string line = content.substr(start, nl - start);
      start = nl + 1;
      if (Trim(line).empty()) continue;
      ++stats->records;
      std::string key;
      Counted counted;
      std::string reason = CountLine(parser, pct, line, grid, &key, &counted);
      if (!reason.empty()) {
        ++stats->rejected;
        ++stats->rejected_by_reason[reason];
        continue;
      }
      auto [it, inserted] = winners.try_emplace({pct ? 1 : 2, key}, std::move(counted));
      if (inserted) continue;
      Counted& stored = it->second;
      if (counted.version > stored.version) {
        stored = std::move(counted);
      } else if (counted.version == stored.version &&
                 (counted.year != stored.year || counted.cells != stored.cells ||
                  counted.unlocated != stored.unlocated)) {
        return Fail("key " + key + " has two different contents with version " +
                    std::to_string(counted.version) + ": the winner is ambiguous:\n  " +
                    stored.line + "\n  " + counted.line);
      }
    }
  }
  stats->keys = winners.size();

  std::map<CellKey, int64_t> cells;
  std::map<std::pair<int, int32_t>, std::pair<int64_t, int64_t>> totals;  // world, unlocated
  for (const auto& [key, c] : winners) {
    for (const auto& [cell, units] : c.cells) cells[cell] += units;
    auto& t = totals[{key.first, c.year}];
    t.first += kRecordUnits;
    t.second += c.unlocated;
  }

  auto source_name = [](int id) { return id == 1 ? "pct" : "article"; };
  std::string csv = "kind,source,year,lat,lon,country,field,units\n";
  for (const auto& [k, units] : cells) {
    if (units == 0) continue;
    const auto& [source, year, lat_idx, lon_idx, country, field] = k;
    csv += std::string("cell,") + source_name(source) + "," + std::to_string(year) + "," +
           FormatE5(lat_idx * grid_step_e5) + "," + FormatE5(lon_idx * grid_step_e5) + "," +
           country + "," + CsvValue(field) + "," + FormatUnits(units) + "\n";
  }
  for (const auto& [k, t] : totals) {
    std::string prefix = std::string(source_name(k.first)) + "," + std::to_string(k.second);
    csv += "world," + prefix + ",,,,," + FormatUnits(t.first) + "\n";
    csv += "unlocated," + prefix + ",,,,," + FormatUnits(t.second) + "\n";
  }
  return csv;
}

}  // namespace stc
