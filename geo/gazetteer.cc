#include "geo/gazetteer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <mutex>

#include "core/hash.h"
#include "geo/normalize.h"

namespace stc::geo {

static_assert(offsetof(format::PlaceRecord, admin1) == 28);
static_assert(sizeof(Place) == 40);

namespace {
// 1-degree cells of the country footprints (row * 360 + col).
constexpr uint32_t kFootprintCells = 180 * 360;
}  // namespace

std::string_view Place::admin1() const { return {admin1_, strnlen(admin1_, sizeof(admin1_))}; }

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = M_PI / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(lat1 * kRad) *
                                                           std::cos(lat2 * kRad) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * 6371.0088 * std::asin(std::min(1.0, std::sqrt(a)));
}

struct Gazetteer::UnitVectors {
  std::once_flag once;
  std::vector<double> xyz;  // 3 per place.
};

Gazetteer::Gazetteer() : units_(std::make_unique<UnitVectors>()) {}

Result<std::unique_ptr<Gazetteer>> Gazetteer::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::NotFound("cannot open gazetteer index " + path + ": " + std::strerror(errno) +
                            " (build it with scripts/setup)");
  }
  struct stat sb;
  if (::fstat(fd, &sb) != 0 || sb.st_size < static_cast<off_t>(sizeof(format::Header))) {
    ::close(fd);
    return Status::Corruption("gazetteer index " + path +
                              " is too short: rebuild it (scripts/setup)");
  }
  void* m = ::mmap(nullptr, static_cast<size_t>(sb.st_size), PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) {
    return Status::IoError("cannot map gazetteer index " + path + ": " + std::strerror(errno));
  }
  std::unique_ptr<Gazetteer> g(new Gazetteer());
  g->map_ = m;
  g->map_size_ = static_cast<size_t>(sb.st_size);
  g->base_ = static_cast<const char*>(m);
  Status st = g->Init();
  if (!st.ok()) return Status(st.code(), "gazetteer index " + path + ": " + st.message());
  return g;
}

Result<std::unique_ptr<Gazetteer>> Gazetteer::FromBytes(std::string bytes) {
  std::unique_ptr<Gazetteer> g(new Gazetteer());
  g->owned_ = std::move(bytes);
  g->base_ = g->owned_.data();
  g->map_size_ = g->owned_.size();
  STC_RETURN_IF_ERROR(g->Init());
  g->map_size_ = 0;
  return g;
}

Gazetteer::~Gazetteer() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
}

Status Gazetteer::Init() {
  size_t size = map_size_;
  if (size < sizeof(format::Header)) return Status::Corruption("too short: rebuild it");
  header_ = reinterpret_cast<const format::Header*>(base_);
  if (std::memcmp(header_->magic, format::kMagic, 8) != 0 || header_->version != format::kVersion) {
    return Status::Corruption("not a gazetteer index of version " +
                              std::to_string(format::kVersion) + ": rebuild it (scripts/setup)");
  }
  if (header_->file_size != size) return Status::Corruption("truncated: rebuild it");
  const uint64_t expect[format::kSectionCount] = {
      uint64_t{header_->place_count} * sizeof(format::PlaceRecord),
      0,
      0,
      uint64_t{header_->bucket_count} * sizeof(uint64_t),
      0,
      (format::kCellCount + 1ull) * sizeof(uint32_t),
      uint64_t{header_->place_count} * sizeof(uint32_t),
      uint64_t{header_->country_count} * sizeof(format::CountryRecord),
      0,
      uint64_t{header_->country_name_count} * sizeof(format::CountryNameRecord)};
  for (int s = 0; s < static_cast<int>(format::kSectionCount); ++s) {
    const format::SectionRef& r = header_->sections[s];
    if (r.offset % 8 != 0 || r.offset > size || r.size > size - r.offset ||
        (expect[s] != 0 && r.size != expect[s])) {
      return Status::Corruption("section " + std::to_string(s) + " out of bounds: rebuild it");
    }
  }
  if (header_->bucket_count == 0 || (header_->bucket_count & (header_->bucket_count - 1)) != 0) {
    return Status::Corruption("bad bucket count: rebuild it");
  }
  auto at = [&](int s) { return base_ + header_->sections[s].offset; };
  places_ = reinterpret_cast<const Place*>(at(format::kPlaces));
  strings_ = at(format::kStrings);
  key_blocks_ = at(format::kKeys);
  key_blocks_size_ = header_->sections[format::kKeys].size;
  buckets_ = reinterpret_cast<const uint64_t*>(at(format::kBuckets));
  cell_start_ = reinterpret_cast<const uint32_t*>(at(format::kCellStart));
  cell_places_ = reinterpret_cast<const uint32_t*>(at(format::kCellPlaces));
  countries_ = reinterpret_cast<const format::CountryRecord*>(at(format::kCountries));
  footprint_ = reinterpret_cast<const uint16_t*>(at(format::kFootprint));
  country_names_ = reinterpret_cast<const format::CountryNameRecord*>(at(format::kCountryNames));
  iso2_index_.fill(0);
  for (uint32_t i = header_->country_count; i-- > 0;) {  // The first of a code wins.
    const char a = countries_[i].iso2[0], b = countries_[i].iso2[1];
    if (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' && i < 0xffff) {
      iso2_index_[(a - 'A') * 26 + (b - 'A')] = static_cast<uint16_t>(i + 1);
    }
  }
  // Footprints: checked against their section, and their cells' owners.
  const uint64_t footprint_size = header_->sections[format::kFootprint].size / sizeof(uint16_t);
  cell_owner_.assign(header_->country_count < kSharedCell ? kFootprintCells : 0, 0);
  for (uint32_t i = 0; i < header_->country_count; ++i) {
    const format::CountryRecord& r = countries_[i];
    if (r.footprint_begin > footprint_size ||
        r.footprint_count > footprint_size - r.footprint_begin) {
      return Status::Corruption("country footprint out of bounds: rebuild it");
    }
    if (cell_owner_.empty()) continue;
    for (uint32_t k = 0; k < r.footprint_count; ++k) {
      const uint16_t cell = footprint_[r.footprint_begin + k];
      if (cell >= kFootprintCells) return Status::Corruption("bad footprint cell: rebuild it");
      uint16_t& owner = cell_owner_[cell];
      owner = owner == 0 || owner == i + 1 ? static_cast<uint16_t>(i + 1) : kSharedCell;
    }
  }
  const uint64_t strings_size = header_->sections[format::kStrings].size;
  size_t cap = 16;
  while (cap < 4 * size_t{header_->country_name_count}) cap <<= 1;
  country_slots_.assign(cap, 0);
  for (uint32_t i = 0; i < header_->country_name_count; ++i) {
    const format::CountryNameRecord& r = country_names_[i];
    if (r.country >= header_->country_count || r.str_offset > strings_size ||
        r.length > strings_size - r.str_offset) {
      return Status::Corruption("country name out of bounds: rebuild it");
    }
    max_country_name_ = std::max<size_t>(max_country_name_, r.length);
    uint64_t h = Hash64(std::string_view(strings_ + r.str_offset, r.length));
    for (size_t b = h & (cap - 1);; b = (b + 1) & (cap - 1)) {
      if (country_slots_[b] == 0) {
        country_slots_[b] = (h >> 32) << 32 | (uint64_t{i} + 1);
        break;
      }
    }
  }
  return Status::Ok();
}

uint64_t Gazetteer::Identity() const {
  return Hash64(std::string_view(reinterpret_cast<const char*>(header_), sizeof(*header_)));
}

const format::KeyRecord* Gazetteer::FindKey(std::string_view key) const {
  return FindKey(key, Hash64(key));
}

const format::KeyRecord* Gazetteer::FindKey(std::string_view key, uint64_t h) const {
  uint64_t tag = (h >> 32) << 32;
  uint32_t mask = header_->bucket_count - 1;
  for (uint32_t b = h & mask;; b = (b + 1) & mask) {
    uint64_t v = buckets_[b];
    if (v == 0) return nullptr;
    if ((v & 0xFFFFFFFF00000000ull) != tag) continue;
    const uint64_t off = ((v & 0xFFFFFFFFu) - 1) * 8;
    if (off + sizeof(format::KeyRecord) > key_blocks_size_) return nullptr;  // Corrupt index.
    const auto* k = reinterpret_cast<const format::KeyRecord*>(key_blocks_ + off);
    if (k->length == key.size() &&
        std::memcmp(key_blocks_ + off + format::KeyBytesOffset(), key.data(), key.size()) == 0) {
      if (format::KeyBlockSize(k->length, k->postings_count) > key_blocks_size_ - off) {
        return nullptr;  // Corrupt index.
      }
      return k;
    }
  }
}

void Gazetteer::FindKeys(std::string_view text, std::span<const KeySlice> keys,
                         std::span<const uint64_t> hashes, const format::KeyRecord** out) const {
  auto key = [&](size_t i) { return text.substr(keys[i].begin, keys[i].size); };
  // Two passes so that the memory accesses of different keys overlap:
  // buckets, then key blocks (record, key bytes and the first postings).
  constexpr size_t kBatch = 16;
  const uint32_t mask = header_->bucket_count - 1;
  for (size_t base = 0; base < keys.size(); base += kBatch) {
    const size_t n = std::min(kBatch, keys.size() - base);
    uint64_t h[kBatch];
    for (size_t i = 0; i < n; ++i) {
      h[i] = hashes[base + i];
      __builtin_prefetch(&buckets_[h[i] & mask]);
    }
    for (size_t i = 0; i < n; ++i) {
      uint64_t v = buckets_[h[i] & mask];
      if (v != 0 && (v & 0xFFFFFFFF00000000ull) == ((h[i] >> 32) << 32)) {
        const char* block = key_blocks_ + ((v & 0xFFFFFFFFu) - 1) * 8;
        __builtin_prefetch(block);
        __builtin_prefetch(block + 64);
      }
    }
    for (size_t i = 0; i < n; ++i) out[base + i] = FindKey(key(base + i), h[i]);
  }
}

std::span<const format::Posting> Gazetteer::Postings(const format::KeyRecord* k) const {
  return {reinterpret_cast<const format::Posting*>(reinterpret_cast<const char*>(k) +
                                                   format::PostingsOffset(k->length)),
          k->postings_count};
}

std::span<const format::Posting> Gazetteer::Postings(const format::KeyRecord* k,
                                                     std::string_view country) const {
  std::span<const format::Posting> all = Postings(k);
  if (country.size() != 2) return all;
  auto lo = std::lower_bound(all.begin(), all.end(), country,
                             [](const format::Posting& p, std::string_view c) {
                               return std::string_view(p.country, 2) < c;
                             });
  auto hi = lo;
  while (hi != all.end() && std::string_view(hi->country, 2) == country) ++hi;
  return {lo, hi};
}

const format::CountryRecord* Gazetteer::FindCountry(std::string_view iso2) const {
  if (iso2.size() != 2) return nullptr;
  auto upper = [](char ch) { return ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 32) : ch; };
  const char a = upper(iso2[0]), b = upper(iso2[1]);
  if (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' && header_->country_count < 0xffff) {
    const uint16_t i = iso2_index_[(a - 'A') * 26 + (b - 'A')];
    return i == 0 ? nullptr : &countries_[i - 1];
  }
  // Other bytes: no index entry; the table's own order decides.
  char c[2] = {static_cast<char>(std::toupper(static_cast<unsigned char>(iso2[0]))),
               static_cast<char>(std::toupper(static_cast<unsigned char>(iso2[1])))};
  const format::CountryRecord* end = countries_ + header_->country_count;
  const format::CountryRecord* it =
      std::lower_bound(countries_, end, std::string_view(c, 2),
                       [](const format::CountryRecord& r, std::string_view v) {
                         return std::string_view(r.iso2, 2) < v;
                       });
  if (it == end || std::memcmp(it->iso2, c, 2) != 0) return nullptr;
  return it;
}

CountryInfo Gazetteer::Country(std::string_view iso2) const {
  const format::CountryRecord* r = FindCountry(iso2);
  if (r == nullptr) return {};
  CountryInfo info;
  info.iso2 = std::string_view(r->iso2, 2);
  info.iso3 = std::string_view(r->iso3, strnlen(r->iso3, 3));
  info.name = std::string_view(strings_ + r->name_offset, r->name_length);
  info.capital = r->capital == ~0u ? nullptr : &places_[r->capital];
  return info;
}

std::string_view Gazetteer::CountryCode(std::string_view text) const {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  text = text.substr(b, e - b);
  if (text.size() == 2) {
    const format::CountryRecord* r = FindCountry(text);
    if (r != nullptr) return std::string_view(r->iso2, 2);
  }
  return CountryCodeOfKey(NormalizeKey(text));
}

std::string_view Gazetteer::CountryCodeOfKey(std::string_view key) const {
  if (key.size() == 2) {
    const format::CountryRecord* r = FindCountry(key);
    if (r != nullptr) return std::string_view(r->iso2, 2);  // Else an alias ("UK").
  }
  if (key.size() > max_country_name_ || key.empty()) return {};
  uint64_t h = Hash64(key);
  uint64_t tag = (h >> 32) << 32;
  size_t mask = country_slots_.size() - 1;
  for (size_t b = h & mask;; b = (b + 1) & mask) {
    uint64_t v = country_slots_[b];
    if (v == 0) return {};
    if ((v & 0xFFFFFFFF00000000ull) != tag) continue;
    const format::CountryNameRecord& r = country_names_[(v & 0xFFFFFFFFu) - 1];
    if (std::string_view(strings_ + r.str_offset, r.length) == key) {
      return std::string_view(countries_[r.country].iso2, 2);
    }
  }
}

bool Gazetteer::InCountryFootprint(std::string_view iso2, int32_t lat_e5, int32_t lon_e5) const {
  const format::CountryRecord* r = FindCountry(iso2);
  if (r == nullptr || r->footprint_count == 0) return true;
  int row = std::clamp((lat_e5 + 9000000) / 100000, 0, 179);
  int col = std::clamp((lon_e5 + 18000000) / 100000, 0, 359);
  auto cell = static_cast<uint16_t>(row * 360 + col);
  if (!cell_owner_.empty() && cell_owner_[cell] != kSharedCell) {
    return cell_owner_[cell] == r - countries_ + 1;
  }
  const uint16_t* begin = footprint_ + r->footprint_begin;
  return std::binary_search(begin, begin + r->footprint_count, cell);
}

namespace {

// Visits the grid cells intersecting the box around (lat, lon) of
// `radius_km`, calling fn(place index) for every place in them.
template <typename Fn>
void ForEachNearby(const uint32_t* cell_start, const uint32_t* cell_places, double lat, double lon,
                   double radius_km, Fn fn) {
  constexpr double kKmPerDegree = 111.195;
  double dlat = radius_km / kKmPerDegree;
  double coslat = std::cos(std::min(89.0, std::fabs(lat) + dlat) * M_PI / 180.0);
  double dlon = coslat > 1e-6 ? radius_km / (kKmPerDegree * coslat) : 360.0;
  int r0 = std::max(0, static_cast<int>(std::floor((lat - dlat + 90) * format::kCellsPerDegree)));
  int r1 = std::min(format::kCellRows - 1,
                    static_cast<int>(std::floor((lat + dlat + 90) * format::kCellsPerDegree)));
  int c0 = static_cast<int>(std::floor((lon - dlon + 180) * format::kCellsPerDegree));
  int c1 = static_cast<int>(std::floor((lon + dlon + 180) * format::kCellsPerDegree));
  if (c1 - c0 >= format::kCellCols) {
    c0 = 0;
    c1 = format::kCellCols - 1;
  }
  for (int r = r0; r <= r1; ++r) {
    for (int cc = c0; cc <= c1; ++cc) {
      int c = ((cc % format::kCellCols) + format::kCellCols) % format::kCellCols;
      int cell = r * format::kCellCols + c;
      for (uint32_t i = cell_start[cell]; i < cell_start[cell + 1]; ++i) fn(cell_places[i]);
    }
  }
}

}  // namespace

std::vector<const Place*> Gazetteer::PlacesWithin(double lat, double lon, double radius_km,
                                                  uint32_t min_population) const {
  std::vector<std::pair<double, const Place*>> found;
  if (!(radius_km >= 0) || !std::isfinite(lat) || !std::isfinite(lon)) return {};
  ForEachNearby(cell_start_, cell_places_, lat, lon, radius_km, [&](uint32_t i) {
    const Place& p = places_[i];
    if (p.population() < min_population) return;
    double d = DistanceKm(lat, lon, p.lat(), p.lon());
    if (d <= radius_km) found.emplace_back(d, &p);
  });
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    if (a.second->population() != b.second->population()) {
      return a.second->population() > b.second->population();
    }
    if (a.second->feature() != b.second->feature())
      return a.second->feature() < b.second->feature();
    if (a.first != b.first) return a.first < b.first;
    return a.second->geoname_id() < b.second->geoname_id();
  });
  std::vector<const Place*> out;
  out.reserve(found.size());
  for (const auto& f : found) out.push_back(f.second);
  return out;
}

const double* Gazetteer::PlaceUnitVectors() const {
  std::call_once(units_->once, [&] {
    constexpr double kRad = M_PI / 180.0;
    units_->xyz.resize(3 * static_cast<size_t>(size()));
    for (uint32_t i = 0; i < size(); ++i) {
      const double lat = places_[i].lat() * kRad, lon = places_[i].lon() * kRad;
      units_->xyz[3 * i] = std::cos(lat) * std::cos(lon);
      units_->xyz[3 * i + 1] = std::cos(lat) * std::sin(lon);
      units_->xyz[3 * i + 2] = std::sin(lat);
    }
  });
  return units_->xyz.data();
}

const Place* Gazetteer::PrincipalPlaceWithin(double lat, double lon, double radius_km) const {
  if (!(radius_km >= 0) || !std::isfinite(lat) || !std::isfinite(lon)) return nullptr;
  constexpr double kRad = M_PI / 180.0, kEarthKm = 6371.0088;
  // Squared chords below which a place is surely within the radius, above
  // which it is surely not (a margin of 1e-9 of the radius, and 1e-15
  // absolute, far above the rounding of either distance); in between,
  // DistanceKm decides, as it always did.
  auto chord2 = [&](double km) {
    const double c = 2 * std::sin(std::min(km, M_PI * kEarthKm) / (2 * kEarthKm));
    return c * c;
  };
  const double surely_in = chord2(radius_km * (1 - 1e-9)) - 1e-15;
  const double surely_out = radius_km * (1 + 1e-9) >= M_PI * kEarthKm
                                ? std::numeric_limits<double>::infinity()
                                : chord2(radius_km * (1 + 1e-9)) + 1e-15;
  const double* units = PlaceUnitVectors();
  const double qx = std::cos(lat * kRad) * std::cos(lon * kRad);
  const double qy = std::cos(lat * kRad) * std::sin(lon * kRad);
  const double qz = std::sin(lat * kRad);
  const Place* best = nullptr;
  double best_d = -1;  // DistanceKm to best, when computed.
  ForEachNearby(cell_start_, cell_places_, lat, lon, radius_km, [&](uint32_t i) {
    const Place& p = places_[i];
    if (p.feature() == Feature::kSection || p.feature() == Feature::kHistorical) return;
    // PlacesWithin's order: population (descending), feature, distance, id.
    if (best != nullptr &&
        (p.population() < best->population() ||
         (p.population() == best->population() && p.feature() > best->feature()))) {
      return;
    }
    const double* u = units + 3 * static_cast<size_t>(i);
    const double dx = u[0] - qx, dy = u[1] - qy, dz = u[2] - qz;
    const double c2 = dx * dx + dy * dy + dz * dz;
    if (c2 > surely_out) return;
    double d = -1;
    if (c2 >= surely_in) {
      d = DistanceKm(lat, lon, p.lat(), p.lon());
      if (!(d <= radius_km)) return;
    }
    if (best == nullptr || p.population() > best->population() || p.feature() < best->feature()) {
      best = &p;
      best_d = d;
      return;
    }
    // As populous and of the same feature rank: the nearer, then the lower id.
    if (d < 0) d = DistanceKm(lat, lon, p.lat(), p.lon());
    if (best_d < 0) best_d = DistanceKm(lat, lon, best->lat(), best->lon());
    if (d < best_d || (d == best_d && p.geoname_id() < best->geoname_id())) {
      best = &p;
      best_d = d;
    }
  });
  return best;
}

const Place* Gazetteer::Nearest(double lat, double lon, double max_km) const {
  if (!(max_km >= 0) || !std::isfinite(lat) || !std::isfinite(lon)) return nullptr;
  // Grow the search box until a place is found or max_km is reached.
  for (double r = std::min(max_km, 25.0);; r = std::min(max_km, r * 3)) {
    const Place* best = nullptr;
    double best_d = 0;
    ForEachNearby(cell_start_, cell_places_, lat, lon, r, [&](uint32_t i) {
      const Place& p = places_[i];
      double d = DistanceKm(lat, lon, p.lat(), p.lon());
      if (d > r) return;
      if (best == nullptr || d < best_d ||
          (d == best_d &&
           (p.population() > best->population() ||
            (p.population() == best->population() && p.geoname_id() < best->geoname_id())))) {
        best = &p;
        best_d = d;
      }
    });
    if (best != nullptr || r >= max_km) return best;
  }
}

}  // namespace stc::geo
