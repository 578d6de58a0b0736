#include "geo/gazetteer_builder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/hash.h"
#include "geo/country_tables.h"
#include "geo/gazetteer.h"
#include "geo/gazetteer_format.h"
#include "geo/normalize.h"

namespace stc::geo {
namespace {

using format::Header;
using format::KeyRecord;
using format::PlaceRecord;
using format::Posting;

constexpr uint32_t kNoPlace = 0xFFFFFFFFu;
constexpr size_t kMaxKeyBytes = 120;

struct PlaceIn {
  uint32_t id = 0;
  int32_t lat_e5 = 0, lon_e5 = 0;
  uint32_t population = 0;
  std::string_view name, ascii, alternates;
  char cc[2] = {0, 0};
  std::string admin1;
  Feature feature = Feature::kPopulated;
};

struct Entry {
  uint32_t off;
  uint16_t len;
  uint8_t kind;
  uint32_t place;
};

Feature FeatureOf(std::string_view code) {
  if (code == "PPLC" || code == "PPLG") return Feature::kCapital;
  if (code == "PPLA") return Feature::kAdmin1Seat;
  if (code == "PPLA2") return Feature::kAdmin2Seat;
  if (code == "PPLA3" || code == "PPLA4" || code == "PPLA5") return Feature::kAdmin3Seat;
  if (code == "PPLX") return Feature::kSection;
  if (code == "PPLH" || code == "PPLQ" || code == "PPLW" || code == "PPLCH") {
    return Feature::kHistorical;
  }
  return Feature::kPopulated;
}

bool ParseE5(std::string_view s, double limit, int32_t* out) {
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v) ||
      std::fabs(v) > limit) {
    return false;
  }
  *out = static_cast<int32_t>(std::llround(v * 1e5));
  return true;
}

bool ParseLine(std::string_view line, PlaceIn* p) {
  std::string_view f[19];
  int n = 0;
  size_t pos = 0;
  while (n < 19) {
    size_t tab = line.find('\t', pos);
    f[n++] = line.substr(pos, tab == std::string_view::npos ? std::string_view::npos : tab - pos);
    if (tab == std::string_view::npos) break;
    pos = tab + 1;
  }
  if (n < 15 || f[1].empty() || f[8].size() != 2) return false;
  auto r = std::from_chars(f[0].data(), f[0].data() + f[0].size(), p->id);
  if (r.ec != std::errc()) return false;
  if (!ParseE5(f[4], 90, &p->lat_e5) || !ParseE5(f[5], 180, &p->lon_e5)) return false;
  uint64_t pop = 0;
  std::from_chars(f[14].data(), f[14].data() + f[14].size(), pop);
  p->population = static_cast<uint32_t>(std::min<uint64_t>(pop, 0xFFFFFFFFu));
  p->name = f[1];
  p->ascii = f[2].empty() ? f[1] : f[2];
  p->alternates = f[3];
  p->cc[0] = f[8][0];
  p->cc[1] = f[8][1];
  p->admin1.assign(f[10].substr(0, 8));
  p->feature = FeatureOf(f[7]);
  return true;
}

// Cuts `s` to at most 255 bytes at a UTF-8 boundary.
std::string_view Cut255(std::string_view s) {
  if (s.size() <= 255) return s;
  size_t n = 255;
  while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// An alternate name worth indexing: not a code ("LA", "NYC"), no digits.
bool UsefulAlternate(std::string_view a) {
  if (a.empty() || a.size() > kMaxKeyBytes) return false;
  bool ascii = true, lower = false;
  for (char c : a) {
    if (c >= '0' && c <= '9') return false;
    if (static_cast<uint8_t>(c) >= 0x80) ascii = false;
    if (c >= 'a' && c <= 'z') lower = true;
  }
  if (ascii && !lower && a.size() <= 4) return false;
  return true;
}

// Administrative suffixes written after a hyphen in Japanese and Korean
// names ("Suwon-si", "Minato-ku"): the name without them is a variant.
bool IsNameSuffix(std::string_view t) {
  static const std::set<std::string_view> kSuffixes = {
      "si", "shi", "gu", "ku", "gun", "eup", "myeon", "dong", "machi", "cho", "mura", "son"};
  return kSuffixes.count(t) > 0;
}

class KeyCollector {
 public:
  void AddName(std::string_view text, uint32_t place, uint8_t kind) {
    Tokenize(text, &tok_);
    if (tok_.tokens.empty() || tok_.text.size() > kMaxKeyBytes) return;
    Add(tok_.text, place, kind);
    size_t n = tok_.tokens.size();
    if (n >= 2 && (tok_.tokens[n - 1].flags & kTokenHyphenBefore) &&
        IsNameSuffix(tok_.Tok(n - 1))) {
      Add(tok_.Span(0, n - 2), place, format::kKindAlternate);
    }
    std::string_view first = tok_.Tok(0);
    static const std::pair<std::string_view, std::string_view> kSaint[] = {
        {"saint", "st"}, {"sainte", "ste"}, {"st", "saint"}, {"ste", "sainte"}};
    if (n >= 2) {
      for (const auto& [a, b] : kSaint) {
        if (first == a) {
          std::string v = std::string(b) + std::string(tok_.Span(1, n - 1)).insert(0, " ");
          Add(v, place, format::kKindAlternate);
        }
      }
    }
  }

  std::string arena;
  std::vector<Entry> entries;

 private:
  void Add(std::string_view key, uint32_t place, uint8_t kind) {
    if (key.size() < 2) return;
    auto off = static_cast<uint32_t>(arena.size());
    arena.append(key);
    entries.push_back({off, static_cast<uint16_t>(key.size()), kind, place});
    for (size_t i = 0; i < key.size(); ++i) {
      if (key[i] == ' ') entries.push_back({off, static_cast<uint16_t>(i), 0, kNoPlace});
    }
  }
  TokenizedText tok_;
};

size_t Align8(size_t n) { return (n + 7) & ~size_t{7}; }

int Cell1(int32_t e5, int32_t shift, int limit) {
  int v = (e5 + shift) / 100000;
  return std::clamp(v, 0, limit - 1);
}

}  // namespace

Result<std::string> BuildGazetteerIndex(const GazetteerInputs& in, GazetteerBuildStats* stats) {
  STC_ASSIGN_OR_RETURN(CountryTables tables, ParseCountryTables(in.countries_json, in.codes_json));
  GazetteerBuildStats st;
  // 1. Places.
  std::vector<PlaceIn> places;
  size_t pos = 0;
  while (pos < in.cities_tsv.size()) {
    size_t nl = in.cities_tsv.find('\n', pos);
    if (nl == std::string_view::npos) nl = in.cities_tsv.size();
    std::string_view line = in.cities_tsv.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    PlaceIn p;
    if (ParseLine(line, &p)) {
      places.push_back(p);
    } else {
      ++st.lines_skipped;
    }
  }
  if (places.empty()) return Status::DataError("cities file: no valid place line");
  const auto n_places = static_cast<uint32_t>(places.size());

  // 2. Name keys.
  KeyCollector keys;
  for (uint32_t i = 0; i < n_places; ++i) {
    const PlaceIn& p = places[i];
    if (p.feature == Feature::kHistorical) continue;
    keys.AddName(p.name, i, format::kKindName);
    keys.AddName(p.ascii, i, format::kKindAscii);
    size_t a = 0;
    while (a < p.alternates.size()) {
      size_t comma = p.alternates.find(',', a);
      if (comma == std::string_view::npos) comma = p.alternates.size();
      std::string_view alt = p.alternates.substr(a, comma - a);
      a = comma + 1;
      if (UsefulAlternate(alt)) keys.AddName(alt, i, format::kKindAlternate);
    }
  }
  const std::string& arena = keys.arena;
  auto key_of = [&](const Entry& e) { return std::string_view(arena).substr(e.off, e.len); };
  std::sort(keys.entries.begin(), keys.entries.end(), [&](const Entry& x, const Entry& y) {
    int c = key_of(x).compare(key_of(y));
    if (c != 0) return c < 0;
    if (x.place != y.place) return x.place < y.place;
    return x.kind < y.kind;
  });
  auto posting_less = [&](const Posting& x, const Posting& y) {
    const PlaceIn& a = places[x.place_kind >> 2];
    const PlaceIn& b = places[y.place_kind >> 2];
    int c = std::memcmp(a.cc, b.cc, 2);
    if (c != 0) return c < 0;
    if (a.population != b.population) return a.population > b.population;
    if (a.feature != b.feature) return a.feature < b.feature;
    return x.place_kind < y.place_kind;
  };

  // 3. Strings: place names, then keys, then country names.
  std::string strings;
  std::vector<std::pair<uint32_t, uint32_t>> name_offsets(n_places);
  for (uint32_t i = 0; i < n_places; ++i) {
    name_offsets[i].first = static_cast<uint32_t>(strings.size());
    strings.append(Cut255(places[i].name));
    if (places[i].ascii == places[i].name) {
      name_offsets[i].second = name_offsets[i].first;
    } else {
      name_offsets[i].second = static_cast<uint32_t>(strings.size());
      strings.append(Cut255(places[i].ascii));
    }
  }
  // Key blocks (gazetteer_format.h): record, key bytes, postings.
  std::string key_blocks;
  std::vector<uint32_t> key_block_offsets;
  std::vector<Posting> postings;
  for (size_t i = 0; i < keys.entries.size();) {
    size_t j = i;
    std::string_view k = key_of(keys.entries[i]);
    KeyRecord kr{};
    kr.length = static_cast<uint16_t>(k.size());
    postings.clear();
    uint32_t last_place = kNoPlace;
    for (; j < keys.entries.size() && key_of(keys.entries[j]) == k; ++j) {
      const Entry& e = keys.entries[j];
      if (e.place == kNoPlace) {
        kr.flags |= format::kKeyIsPrefix;
      } else if (e.place != last_place) {  // Sorted by kind: the first is the best.
        Posting p{};
        p.place_kind = e.place << 2 | e.kind;
        std::memcpy(p.country, places[e.place].cc, 2);
        postings.push_back(p);
        last_place = e.place;
      }
    }
    kr.postings_count = static_cast<uint32_t>(postings.size());
    std::sort(postings.begin(), postings.end(), posting_less);
    const size_t at = key_blocks.size();
    key_block_offsets.push_back(static_cast<uint32_t>(at / 8));
    key_blocks.resize(at + format::KeyBlockSize(kr.length, kr.postings_count), '\0');
    std::memcpy(key_blocks.data() + at, &kr, sizeof(kr));
    std::memcpy(key_blocks.data() + at + format::KeyBytesOffset(), k.data(), k.size());
    if (!postings.empty()) {
      std::memcpy(key_blocks.data() + at + format::PostingsOffset(kr.length), postings.data(),
                  postings.size() * sizeof(Posting));
    }
    st.postings += postings.size();
    i = j;
  }
  if (key_blocks.size() / 8 >= 0xFFFFFFFFull) {
    return Status::InvalidArgument("gazetteer keys exceed the index format's 32 GB limit");
  }
  const auto n_keys = static_cast<uint32_t>(key_block_offsets.size());
  uint32_t n_buckets = 16;
  while (n_buckets < 2ull * n_keys) n_buckets *= 2;
  std::vector<uint64_t> buckets(n_buckets, 0);
  for (uint32_t k = 0; k < n_keys; ++k) {
    const char* block = key_blocks.data() + uint64_t{key_block_offsets[k]} * 8;
    KeyRecord kr;
    std::memcpy(&kr, block, sizeof(kr));
    uint64_t h = Hash64(std::string_view(block + format::KeyBytesOffset(), kr.length));
    for (uint32_t b = h & (n_buckets - 1);; b = (b + 1) & (n_buckets - 1)) {
      if (buckets[b] == 0) {
        buckets[b] = (h >> 32) << 32 | (key_block_offsets[k] + 1ull);
        break;
      }
    }
  }

  // 4. The spatial grid.
  std::vector<uint32_t> cell_start(format::kCellCount + 1, 0), cell_places(n_places);
  auto cell_of = [](const PlaceIn& p) {
    int r = std::clamp((p.lat_e5 + 9000000) / (100000 / format::kCellsPerDegree), 0,
                       format::kCellRows - 1);
    int c = std::clamp((p.lon_e5 + 18000000) / (100000 / format::kCellsPerDegree), 0,
                       format::kCellCols - 1);
    return r * format::kCellCols + c;
  };
  for (const PlaceIn& p : places) ++cell_start[cell_of(p) + 1];
  for (int c = 0; c < format::kCellCount; ++c) cell_start[c + 1] += cell_start[c];
  {
    std::vector<uint32_t> fill(cell_start.begin(), cell_start.end() - 1);
    for (uint32_t i = 0; i < n_places; ++i) cell_places[fill[cell_of(places[i])]++] = i;
  }

  // 5. Countries, footprints, names.
  std::set<std::string> codes;
  for (const auto& [iso2, v] : tables.countries) codes.insert(iso2);
  for (const PlaceIn& p : places) codes.insert(std::string(p.cc, 2));
  std::map<std::string, uint16_t> country_index;
  for (const std::string& c : codes) {
    auto idx = static_cast<uint16_t>(country_index.size());
    country_index[c] = idx;
  }
  std::vector<format::CountryRecord> countries(codes.size());
  std::vector<std::set<uint16_t>> cells(codes.size());
  std::vector<uint32_t> best(codes.size(), kNoPlace);
  for (uint32_t i = 0; i < n_places; ++i) {
    const PlaceIn& p = places[i];
    uint16_t ci = country_index[std::string(p.cc, 2)];
    int r0 = Cell1(p.lat_e5, 9000000, 180), c0 = Cell1(p.lon_e5, 18000000, 360);
    for (int dr = -2; dr <= 2; ++dr) {
      for (int dc = -2; dc <= 2; ++dc) {
        int r = r0 + dr;
        if (r < 0 || r >= 180) continue;
        int c = ((c0 + dc) % 360 + 360) % 360;
        cells[ci].insert(static_cast<uint16_t>(r * 360 + c));
      }
    }
    uint32_t b = best[ci];
    bool cap = p.feature == Feature::kCapital;
    if (b == kNoPlace || (cap && places[b].feature != Feature::kCapital) ||
        (cap == (places[b].feature == Feature::kCapital) && p.population > places[b].population)) {
      best[ci] = i;
    }
  }
  std::vector<uint16_t> footprint;
  for (const auto& [iso2, ci] : country_index) {
    format::CountryRecord& cr = countries[ci];
    std::memcpy(cr.iso2, iso2.data(), 2);
    auto it = tables.countries.find(iso2);
    std::string iso3 = it != tables.countries.end() ? it->second.first : "";
    std::string name = it != tables.countries.end() ? it->second.second : iso2;
    std::memcpy(cr.iso3, iso3.c_str(), std::min<size_t>(3, iso3.size()));
    cr.capital = best[ci];
    cr.name_offset = static_cast<uint32_t>(strings.size());
    cr.name_length = static_cast<uint32_t>(name.size());
    strings.append(name);
    cr.footprint_begin = static_cast<uint32_t>(footprint.size());
    footprint.insert(footprint.end(), cells[ci].begin(), cells[ci].end());
    cr.footprint_count = static_cast<uint32_t>(footprint.size()) - cr.footprint_begin;
  }
  std::map<std::string, uint16_t> name_map;
  for (const auto& [key, iso2] : tables.names) {
    if (key.empty()) continue;
    name_map.emplace(key, country_index[iso2]);  // First wins.
  }
  std::vector<format::CountryNameRecord> country_names;
  for (const auto& [key, ci] : name_map) {
    format::CountryNameRecord r{};
    r.str_offset = static_cast<uint32_t>(strings.size());
    r.length = static_cast<uint16_t>(key.size());
    r.country = ci;
    strings.append(key);
    country_names.push_back(r);
  }

  // 6. Layout.
  Header h{};
  std::memcpy(h.magic, format::kMagic, 8);
  h.version = format::kVersion;
  h.place_count = n_places;
  h.key_count = n_keys;
  h.bucket_count = n_buckets;
  h.country_count = static_cast<uint32_t>(countries.size());
  h.country_name_count = static_cast<uint32_t>(country_names.size());
  size_t sizes[format::kSectionCount] = {n_places * sizeof(PlaceRecord),
                                         strings.size(),
                                         key_blocks.size(),
                                         buckets.size() * sizeof(uint64_t),
                                         0,
                                         cell_start.size() * sizeof(uint32_t),
                                         cell_places.size() * sizeof(uint32_t),
                                         countries.size() * sizeof(format::CountryRecord),
                                         footprint.size() * sizeof(uint16_t),
                                         country_names.size() * sizeof(format::CountryNameRecord)};
  size_t off = Align8(sizeof(Header));
  for (int s = 0; s < static_cast<int>(format::kSectionCount); ++s) {
    h.sections[s] = {off, sizes[s]};
    off = Align8(off + sizes[s]);
  }
  h.file_size = off;
  h.source_hash = Hash64(in.cities_tsv) ^ Hash64(in.countries_json, 1) ^ Hash64(in.codes_json, 2);

  std::string out(off, '\0');
  std::memcpy(out.data(), &h, sizeof(h));
  const uint64_t places_off = h.sections[format::kPlaces].offset;
  const uint64_t strings_off = h.sections[format::kStrings].offset;
  for (uint32_t i = 0; i < n_places; ++i) {
    const PlaceIn& p = places[i];
    PlaceRecord r{};
    r.geoname_id = p.id;
    r.lat_e5 = p.lat_e5;
    r.lon_e5 = p.lon_e5;
    r.population = p.population;
    uint64_t self = places_off + uint64_t{i} * sizeof(PlaceRecord);
    r.name_rel = static_cast<uint32_t>(strings_off + name_offsets[i].first - self);
    r.ascii_rel = static_cast<uint32_t>(strings_off + name_offsets[i].second - self);
    r.name_len = static_cast<uint8_t>(Cut255(p.name).size());
    r.ascii_len = static_cast<uint8_t>(Cut255(p.ascii).size());
    std::memcpy(r.country, p.cc, 2);
    std::memcpy(r.admin1, p.admin1.data(), p.admin1.size());
    r.feature = static_cast<uint8_t>(p.feature);
    std::memcpy(out.data() + self, &r, sizeof(r));
  }
  auto put = [&](int s, const void* data) {
    if (sizes[s] > 0) std::memcpy(out.data() + h.sections[s].offset, data, sizes[s]);
  };
  put(format::kStrings, strings.data());
  put(format::kKeys, key_blocks.data());
  put(format::kBuckets, buckets.data());
  put(format::kCellStart, cell_start.data());
  put(format::kCellPlaces, cell_places.data());
  put(format::kCountries, countries.data());
  put(format::kFootprint, footprint.data());
  put(format::kCountryNames, country_names.data());

  st.places = n_places;
  st.keys = n_keys;
  st.countries = countries.size();
  st.bytes = out.size();
  if (stats != nullptr) *stats = st;
  return out;
}

namespace {

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read " + path);
  return ss.str();
}

}  // namespace

Status BuildGazetteerFile(const std::string& cities_path, const std::string& countries_json_path,
                          const std::string& codes_json_path, const std::string& out_path,
                          GazetteerBuildStats* stats) {
  STC_ASSIGN_OR_RETURN(std::string cities, ReadWhole(cities_path));
  STC_ASSIGN_OR_RETURN(std::string countries, ReadWhole(countries_json_path));
  STC_ASSIGN_OR_RETURN(std::string codes, ReadWhole(codes_json_path));
  GazetteerInputs in{cities, countries, codes};
  auto bytes = BuildGazetteerIndex(in, stats);
  if (!bytes.ok()) {
    return Status(bytes.status().code(),
                  bytes.status().message() + " (" + cities_path + ", " + countries_json_path + ")");
  }
  std::string tmp = out_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    out.close();
    if (!out) return Status::IoError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) return Status::IoError("cannot rename " + tmp + " to " + out_path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace stc::geo
