// A read-only GeoNames gazetteer: places with names, coordinates, population
// and admin1 codes, a name index, country names and footprints, and a
// spatial grid, all in one memory-mapped binary index (docs/geocoding.md).
//
// Build the index with GazetteerBuilder (geo/gazetteer_builder.h) or
// `stcluster gazetteer build`; open it with Gazetteer::Open.
//
// Thread-safety: a Gazetteer is immutable after Open; every const method may
// be called from any number of threads at once. Every pointer and
// string_view it returns lives as long as the Gazetteer.
#ifndef STCLUSTER_GEO_GAZETTEER_H_
#define STCLUSTER_GEO_GAZETTEER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "geo/gazetteer_format.h"

namespace stc::geo {

// The GeoNames feature code of a place, reduced to what ranking needs.
enum class Feature : uint8_t {
  kCapital = 0,     // PPLC, PPLG: seat of a government.
  kAdmin1Seat = 1,  // PPLA.
  kAdmin2Seat = 2,  // PPLA2.
  kAdmin3Seat = 3,  // PPLA3..PPLA5.
  kPopulated = 4,   // PPL, PPLL, PPLS, PPLF, PPLR, STLMT.
  kSection = 5,     // PPLX: a section of a populated place (a district, a ward).
  kHistorical = 6,  // PPLH, PPLQ, PPLW, PPLCH: not in the name index.
};

// One place, a view into the mapped index: always handled through `const
// Place*` or `const Place&` obtained from a Gazetteer (not copyable).
class Place {
 public:
  Place(const Place&) = delete;
  Place& operator=(const Place&) = delete;

  uint32_t geoname_id() const { return geoname_id_; }
  std::string_view name() const { return Str(name_rel_, name_len_); }          // "Zürich".
  std::string_view ascii_name() const { return Str(ascii_rel_, ascii_len_); }  // "Zurich".
  std::string_view country() const { return {country_, 2}; }  // ISO 3166-1 alpha-2.
  // GeoNames admin1 code: the state for US ("CA"), "ENG" for England, "08" for
  // Ontario... ("" when unknown).
  std::string_view admin1() const;
  int32_t lat_e5() const { return lat_e5_; }  // 1e-5 degrees.
  int32_t lon_e5() const { return lon_e5_; }
  double lat() const { return lat_e5_ / 1e5; }
  double lon() const { return lon_e5_ / 1e5; }
  uint32_t population() const { return population_; }  // 0 when unknown.
  Feature feature() const { return static_cast<Feature>(feature_); }

 private:
  Place() = default;
  std::string_view Str(uint32_t rel, uint8_t len) const {
    return {reinterpret_cast<const char*>(this) + rel, len};
  }

  uint32_t geoname_id_;
  int32_t lat_e5_;
  int32_t lon_e5_;
  uint32_t population_;
  uint32_t name_rel_;   // Offset of the name from this record's first byte.
  uint32_t ascii_rel_;  // Same for the ASCII name.
  uint8_t name_len_;
  uint8_t ascii_len_;
  char country_[2];
  char admin1_[8];  // NUL-padded.
  uint8_t feature_;
  [[maybe_unused]] uint8_t reserved_[3];  // Padding of the on-disk record.
};
static_assert(sizeof(Place) == sizeof(format::PlaceRecord));

// A country of the index.
struct CountryInfo {
  std::string_view iso2;           // "DE".
  std::string_view iso3;           // "DEU".
  std::string_view name;           // English name ("Germany").
  const Place* capital = nullptr;  // Capital, else most populous place; may be null.
};

class Gazetteer {
 public:
  // Memory-maps the index at `path`. NotFound when missing; Corruption when
  // the file is not a valid index of this version (the message says how to
  // rebuild it).
  static Result<std::unique_ptr<Gazetteer>> Open(const std::string& path);
  // Uses an index held in memory (tests); the same checks as Open.
  static Result<std::unique_ptr<Gazetteer>> FromBytes(std::string bytes);
  ~Gazetteer();
  Gazetteer(const Gazetteer&) = delete;
  Gazetteer& operator=(const Gazetteer&) = delete;

  uint32_t size() const { return header_->place_count; }
  const Place& place(uint32_t index) const { return places_[index]; }
  uint32_t IndexOf(const Place* p) const { return static_cast<uint32_t>(p - places_); }
  uint64_t source_hash() const { return header_->source_hash; }
  // A hash of the index's header (its format version, counts, size, section
  // layout and source hash): equal for the same index file.
  uint64_t Identity() const;

  // ---- Names. `key` is in lookup form (normalize.h).
  // The key's record (in the index: valid as long as the Gazetteer), or
  // nullptr when no place name starts with or equals it.
  const format::KeyRecord* FindKey(std::string_view key) const;
  // The same with `hash` = Hash64(key) (core/hash.h) already computed.
  const format::KeyRecord* FindKey(std::string_view key, uint64_t hash) const;
  // Several keys, all substrings of `text`: key i is
  // text.substr(keys[i].begin, keys[i].size) and hashes[i] its Hash64
  // (core/hash.h). Sets out[i] = FindKey(key i), faster than one by one: the
  // memory accesses of the keys overlap. `out` holds keys.size() pointers.
  struct KeySlice {
    uint32_t begin;
    uint32_t size;
  };
  void FindKeys(std::string_view text, std::span<const KeySlice> keys,
                std::span<const uint64_t> hashes, const format::KeyRecord** out) const;
  // Hints that `p` will be read soon (no effect on results).
  static void Prefetch(const void* p) { __builtin_prefetch(p); }
  // True when `key` followed by a space starts a longer name.
  static bool IsPrefix(const format::KeyRecord* k) { return k->flags & format::kKeyIsPrefix; }
  // The places named `key` (all countries, or only `country` when it is two
  // letters), best first: most populous, then capitals and admin seats.
  std::span<const format::Posting> Postings(const format::KeyRecord* k) const;
  std::span<const format::Posting> Postings(const format::KeyRecord* k,
                                            std::string_view country) const;
  static uint32_t PlaceOf(const format::Posting& p) { return p.place_kind >> 2; }
  static uint32_t KindOf(const format::Posting& p) { return p.place_kind & 3; }

  // ---- Countries.
  // Country by ISO-2 code (any case); nullopt-like {} (empty iso2) if unknown.
  CountryInfo Country(std::string_view iso2) const;
  // "DE", "deu", "Germany", "Korea, Republic of", "Viet Nam"... to ISO-2;
  // "" when unknown. Two-letter input is read as a code ("CA" = Canada),
  // else as an alias ("UK").
  std::string_view CountryCode(std::string_view text) const;
  // The same for a name already in lookup form (normalize.h): no allocation.
  std::string_view CountryCodeOfKey(std::string_view key) const;
  // Whether (lat, lon) lies within the footprint of `iso2` (1-degree cells
  // within 2 degrees of one of its places). True when the country is unknown
  // or has no places (nothing to check against).
  bool InCountryFootprint(std::string_view iso2, int32_t lat_e5, int32_t lon_e5) const;

  // ---- Space. Distances are great-circle kilometres.
  // Places within `radius_km` of (lat, lon) with population >= min_population,
  // most populous first (ties: feature rank, then nearest). Cost grows with
  // the area: meant for radii up to a few hundred km.
  std::vector<const Place*> PlacesWithin(double lat, double lon, double radius_km,
                                         uint32_t min_population = 0) const;
  // The first place of PlacesWithin(lat, lon, radius_km) that is neither a
  // section (PPLX) nor historical, or nullptr: the principal place of a
  // location (cluster naming asks it of every cluster cell). Without building
  // and sorting the list: a place that cannot come first (less populous than
  // the best so far, or as populous with a lower feature rank) is passed
  // over before its distance is computed, and the distance is first the
  // chord between unit vectors (the places' computed once, on the first
  // call); DistanceKm decides only near the radius and between places of
  // equal population and feature, so the result is the definition's.
  const Place* PrincipalPlaceWithin(double lat, double lon, double radius_km) const;
  // The nearest place within `max_km` (ties: larger population), or nullptr.
  const Place* Nearest(double lat, double lon, double max_km) const;

 private:
  Gazetteer();
  Status Init();
  const format::CountryRecord* FindCountry(std::string_view iso2) const;

  std::string owned_;    // FromBytes.
  void* map_ = nullptr;  // Open.
  size_t map_size_ = 0;
  const char* base_ = nullptr;
  const format::Header* header_ = nullptr;
  const Place* places_ = nullptr;
  const char* strings_ = nullptr;
  const char* key_blocks_ = nullptr;  // format::kKeys.
  uint64_t key_blocks_size_ = 0;
  const uint64_t* buckets_ = nullptr;
  const uint32_t* cell_start_ = nullptr;
  const uint32_t* cell_places_ = nullptr;
  const format::CountryRecord* countries_ = nullptr;
  const uint16_t* footprint_ = nullptr;
  const format::CountryNameRecord* country_names_ = nullptr;
  // Country names hashed at Init: (Hash64 high 32 bits) << 32 | (index + 1).
  std::vector<uint64_t> country_slots_;
  // Index + 1 of the country of each two-letter code AA..ZZ (26 * first +
  // second), 0 for none: FindCountry runs for every location geocoded.
  std::array<uint16_t, 26 * 26> iso2_index_{};
  // For each 1-degree footprint cell (row * 360 + col): index + 1 of the one
  // country whose footprint holds it, 0 for none, kSharedCell when several do
  // (their footprints are then searched). InCountryFootprint runs for every
  // location with coordinates; most cells have one country.
  static constexpr uint16_t kSharedCell = 0xffff;
  std::vector<uint16_t> cell_owner_;
  size_t max_country_name_ = 0;
  // Each place's unit vector (x, y, z), for PrincipalPlaceWithin: made once,
  // by the first call (which may come from any thread), then read-only.
  struct UnitVectors;
  std::unique_ptr<UnitVectors> units_;
  const double* PlaceUnitVectors() const;
};

// Great-circle distance in km between two points in degrees.
double DistanceKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_GAZETTEER_H_
