// The on-disk layout of a gazetteer index (docs/geocoding.md, "Binary
// index"). Internal to geo/: readers go through Gazetteer.
//
// A file is a Header followed by sections at 8-byte aligned offsets listed in
// the header. All integers little-endian; strings UTF-8 without terminator.
#ifndef STCLUSTER_GEO_GAZETTEER_FORMAT_H_
#define STCLUSTER_GEO_GAZETTEER_FORMAT_H_

#include <cstdint>

namespace stc::geo::format {

inline constexpr char kMagic[8] = {'S', 'T', 'C', 'G', 'A', 'Z', '\0', '\1'};
inline constexpr uint32_t kVersion = 2;  // 2: key bytes and postings inline.

enum Section : uint32_t {
  kPlaces = 0,        // PlaceRecord[place_count], in input order.
  kStrings = 1,       // Bytes: place names, country names.
  kKeys = 2,          // Key blocks (KeyRecord, see there), 8-byte aligned, sorted by key.
  kBuckets = 3,       // uint64_t[bucket_count]: (hash >> 32) << 32 | (block offset / 8 + 1);
                      // 0 = empty. The offset is into kKeys.
  kUnused4 = 4,       // Empty (version 1 kept the postings here).
  kCellStart = 5,     // uint32_t[kCellCount + 1]: first entry of each grid cell in kCellPlaces.
  kCellPlaces = 6,    // uint32_t[place_count]: place indices ordered by cell.
  kCountries = 7,     // CountryRecord[country_count], sorted by iso2.
  kFootprint = 8,     // uint16_t[]: 1-degree cells (lat_idx * 360 + lon_idx) per country.
  kCountryNames = 9,  // CountryNameRecord[], sorted by key bytes.
  kSectionCount = 10,
};

struct SectionRef {
  uint64_t offset = 0;
  uint64_t size = 0;  // Bytes.
};

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t place_count;
  uint32_t key_count;
  uint32_t bucket_count;  // Power of two.
  uint32_t country_count;
  uint32_t country_name_count;
  uint64_t file_size;
  uint64_t source_hash;  // Hash64 of the input files (informational).
  SectionRef sections[kSectionCount];
};
static_assert(sizeof(Header) == 208);

// Posting kinds: how the key was derived from the place.
inline constexpr uint32_t kKindName = 0;       // GeoNames `name`.
inline constexpr uint32_t kKindAscii = 1;      // GeoNames `asciiname` (when different).
inline constexpr uint32_t kKindAlternate = 2;  // An alternate name or a derived variant.

// A place (read through geo::Place, which has the same layout).
struct PlaceRecord {
  uint32_t geoname_id;
  int32_t lat_e5;
  int32_t lon_e5;
  uint32_t population;
  uint32_t name_rel;   // Offset of the name bytes from this record's first byte.
  uint32_t ascii_rel;  // Same for the ASCII name.
  uint8_t name_len;    // Names are cut to 255 bytes (at a UTF-8 boundary).
  uint8_t ascii_len;
  char country[2];
  char admin1[8];   // NUL-padded.
  uint8_t feature;  // geo::Feature.
  uint8_t reserved[3];
};
static_assert(sizeof(PlaceRecord) == 40);

// The head of a key block in kKeys. A block is the KeyRecord, the key bytes
// (`length`, zero-padded to a multiple of 8), then Posting[postings_count]:
// one look-up touches one contiguous run of memory (usually one or two cache
// lines) after its hash bucket.
struct KeyRecord {
  uint16_t length;
  uint8_t flags;  // kKeyIsPrefix.
  uint8_t reserved;
  uint32_t postings_count;  // May be 0 for a pure prefix.
};
static_assert(sizeof(KeyRecord) == 8);
// Byte offsets, from the KeyRecord's first byte, of its key bytes and postings.
inline constexpr uint64_t KeyBytesOffset() { return sizeof(KeyRecord); }
inline constexpr uint64_t PostingsOffset(uint16_t length) {
  return sizeof(KeyRecord) + ((uint64_t{length} + 7) & ~uint64_t{7});
}
inline constexpr uint64_t KeyBlockSize(uint16_t length, uint32_t postings_count) {
  return PostingsOffset(length) + uint64_t{postings_count} * 8;  // sizeof(Posting).
}
// The key followed by " " starts a longer key (multi-word names).
inline constexpr uint8_t kKeyIsPrefix = 1;

// One place under one key. Postings of a key are sorted by (country,
// population descending, feature rank, place index).
struct Posting {
  uint32_t place_kind;  // place index << 2 | kind.
  char country[2];
  uint16_t reserved;
};
static_assert(sizeof(Posting) == 8);

// The spatial grid: 0.5-degree cells, row-major from (-90, -180).
inline constexpr int kCellsPerDegree = 2;
inline constexpr int kCellRows = 180 * kCellsPerDegree;
inline constexpr int kCellCols = 360 * kCellsPerDegree;
inline constexpr int kCellCount = kCellRows * kCellCols;

struct CountryRecord {
  char iso2[2];
  char iso3[3];
  uint8_t reserved[3];
  uint32_t capital;      // Place index of the capital (else most populous place); ~0u if none.
  uint32_t name_offset;  // English name in kStrings.
  uint32_t name_length;
  uint32_t footprint_begin;  // Index into kFootprint.
  uint32_t footprint_count;
};
static_assert(sizeof(CountryRecord) == 28);

struct CountryNameRecord {
  uint32_t str_offset;  // Normalised name (normalize.h) in kStrings.
  uint16_t length;
  uint16_t country;  // Index into kCountries.
};
static_assert(sizeof(CountryNameRecord) == 8);

}  // namespace stc::geo::format

#endif  // STCLUSTER_GEO_GAZETTEER_FORMAT_H_
