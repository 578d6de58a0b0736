// Key and value encodings of the store (byte-by-byte layout in
// stores/README.md).
//
// Every key encoding is order-preserving: comparing two encoded keys with
// memcmp (RocksDB's default BytewiseComparator) gives the same order as the
// logical order documented for each key, so iterations come out in logical
// order without a custom comparator.
//
// Pure functions on values; thread-compatible; nothing here fails except the
// Decode functions, which return false on malformed input (never crash).
#ifndef STCLUSTER_STORES_KEYS_H_
#define STCLUSTER_STORES_KEYS_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/record.h"
#include "stores/store.h"

namespace stc::store_keys {

// The bytes of `v` in the opposite order.
constexpr uint64_t ByteSwap64(uint64_t v) {
  uint64_t out = 0;
  for (int i = 0; i < 8; ++i) out = (out << 8) | ((v >> (8 * i)) & 0xff);
  return out;
}

// Column family names.
inline constexpr char kMetaCf[] = "default";  // Meta settings (name -> string).
inline constexpr char kRecordsCf[] = "records";
inline constexpr char kAggregatesCf[] = "aggregates";
inline constexpr char kTotalsCf[] = "totals";
inline constexpr char kClustersCf[] = "clusters";  // Optional: created on first use.
// Pending aggregate deltas (Store::ApplyWithPendingAggregates); created by the
// first writable open of this version.
inline constexpr char kPendingCf[] = "pending";

// Meta names written at creation.
inline constexpr char kMetaFormatVersion[] = "format_version";
inline constexpr char kMetaGridStep[] = "grid_step_e5";
// "none" or "lz4": how the records' table files are written (StoreOptions::
// compress_records). Absent in stores created before 2026-12-05: "lz4".
inline constexpr char kMetaRecordCompression[] = "record_compression";
inline constexpr char kFormatVersion[] = "1";
// Meta name of the current cluster map version (decimal).
inline constexpr char kMetaClusterMapCurrent[] = "cluster_map_current";
// Meta name present while a fresh load's aggregates are deferred
// (Store::BeginDeferredAggregates); its value says when the load began.
inline constexpr char kMetaAggregatesDeferred[] = "aggregates_deferred";

// Limits of the aggregate key (AggregateKey's documented ranges).
inline constexpr int32_t kMaxYear = 65535;
inline constexpr size_t kMaxFieldBytes = 255;

// Fixed part of an aggregate key: source 1 + year 2 + lat 4 + lon 4 + country 2.
inline constexpr size_t kAggregateKeyFixedBytes = 13;
inline constexpr size_t kTotalsKeyBytes = 3;
// Widths of the int64 vectors kept as values.
inline constexpr size_t kAggregateValueBytes = 8;   // One int64: units.
inline constexpr size_t kTotalsValueBytes = 3 * 8;  // world, unlocated, records.

// ---- Pending log key: [flush number u64 BE][chunk number u32 BE]. A chunk
// (value) holds entries [key length u16 LE][aggregate key][delta int64 LE],
// keys strictly ascending within a flush (across its chunks).
inline constexpr size_t kPendingKeyBytes = 12;
std::string EncodePendingKey(uint64_t flush, uint32_t chunk);
// Fails unless `in` is kPendingKeyBytes long.
bool DecodePendingKey(std::string_view in, uint64_t* flush, uint32_t* chunk);

// True for the byte values of the Source enum (1..3).
bool IsKnownSource(uint8_t byte);

// ---- Record key: [source u8][raw key bytes]; order (source, key bytewise).
void EncodeRecordKey(Source source, std::string_view key, std::string* out);
// Fails on an empty input or an unknown source byte. `*key` points into `in`.
bool DecodeRecordKey(std::string_view in, Source* source, std::string_view* key);

// The prefix of an encoded record key that the records CF's filters hold and
// its prefix walks keep to (Store::ForEachStoredRecord): for a PCT key of at
// least kPctRecordPrefixBytes bytes, its first kPctRecordPrefixBytes (the
// source byte and "PCT/CN2019/000": a thousand serials of one office and
// year); a shorter PCT key whole; for any other source, the source byte.
// The keys of one prefix are one interval of the key order (the prefix is a
// fixed cap, not a length less a tail), so a walk that ends its prefix has
// seen every key of it.
inline constexpr size_t kPctRecordPrefixBytes = 15;
std::string_view RecordKeyPrefix(std::string_view encoded_key);
// The length of RecordKeyPrefix of the encoded key of a `key_size`-byte key
// of `source`.
size_t RecordKeyPrefixBytes(Source source, size_t key_size);
// Whether the keys of `source` have prefixes finer than the source byte.
inline bool HasRecordKeyPrefixes(Source source) { return source == Source::kPct; }

// ---- Aggregate key:
//   [source u8][year u16 BE][lat_idx u32 BE ^ 0x80000000][lon_idx u32 BE ^ 0x80000000]
//   [country 2 bytes][field: remaining bytes, 0..255]
// Logical order: (source, year, lat_idx, lon_idx, country bytes unsigned,
// field bytewise unsigned) == AggregateKeyLess.
//
// True when `k` can be encoded: year in [0, 65535], field <= 255 bytes.
bool IsEncodableAggregateKey(const AggregateKey& k);
// Precondition: IsEncodableAggregateKey(k) (otherwise the year is truncated to
// 16 bits; Store::Apply checks it first). Replaces the content of `*out`.
void EncodeAggregateKey(const AggregateKey& k, std::string* out);
// Returns false when `in` is shorter than the fixed part, the source byte is
// unknown, or the field is longer than 255 bytes.
bool DecodeAggregateKey(std::string_view in, AggregateKey* out);
// The logical order the encoding preserves.
bool AggregateKeyLess(const AggregateKey& a, const AggregateKey& b);

// ---- Totals key: [source u8][year u16 BE]; order (source, year).
// Precondition: 0 <= year <= 65535. Replaces the content of `*out`.
void EncodeTotalsKey(Source source, int32_t year, std::string* out);
bool DecodeTotalsKey(std::string_view in, Source* source, int32_t* year);

// ---- Values: vectors of little-endian int64 (8 * k bytes, k >= 1), the unit
// the merge operator (stores/merge_operator.h) adds elementwise.
// The two below are inline: every scan of the aggregates loads one per entry
// (out of line, the byte loop was 2-4% of a by-cluster export's samples).
void AppendInt64Le(std::string* out, int64_t v);
inline int64_t LoadInt64Le(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = ByteSwap64(v);
  return static_cast<int64_t>(v);
}
inline void StoreInt64Le(char* p, int64_t v) {
  auto u = static_cast<uint64_t>(v);
  if constexpr (std::endian::native == std::endian::big) u = ByteSwap64(u);
  std::memcpy(p, &u, sizeof u);
}
// True when every byte of `value` is zero (an all-zero int64 vector).
bool IsAllZero(std::string_view value);

}  // namespace stc::store_keys

#endif  // STCLUSTER_STORES_KEYS_H_
