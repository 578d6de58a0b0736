// Binary encoding of CountedRecord, the value stored per record in the store
// (see stores/README.md for the layout around it).
//
// Layout (all integers are LEB128 varints, signed ones zigzag-encoded):
//   u8  format version (=3)
//   varint year, varint version (yyyymmdd), varint persons, u8 flags (bit0 truncated)
//   str field; varint n_codes, str*; varint n_orgs, str*
//   varint unlocated
//   varint n_points, then per point: zigzag lat delta, zigzag lon delta
//     (against the previous point), 2 bytes country, varint units
//   varint n_unresolved, then per entry: str label, varint units
//   u64 unit hash, little-endian (CountedRecord::unit_hash; 0 = none)
// where str = varint length + bytes. The source and key are not in the value:
// they form the store key. Version 2 (written before 2026-12-03) is the same
// without the unit hash; it is read as a record whose unit hash is 0.
//
// Encode is deterministic: equal CountedRecords give equal bytes. The
// content fingerprint (FingerprintEncoded) hashes the bytes between the
// version byte and the unit hash: records of equal content have equal
// fingerprints whatever their unit hashes and whichever version stored them.
#ifndef STCLUSTER_CORE_RECORD_CODEC_H_
#define STCLUSTER_CORE_RECORD_CODEC_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/record.h"
#include "core/status.h"

namespace stc {

// Appends the encoding of `r` (without source and key) to `*out`.
void EncodeCountedRecord(const CountedRecord& r, std::string* out);

// Decodes `data` into `*out`, keeping out->source and out->key untouched.
// Returns Corruption when the bytes are truncated or malformed.
Status DecodeCountedRecord(std::string_view data, CountedRecord* out);

// A stored record decoded without copies: its strings point into the encoded
// bytes, which must outlive it. Reusing one view for many records reuses its
// vectors' capacity, so a scan decodes without allocating.
struct CountedRecordView {
  int32_t year = 0;
  int32_t version = 0;
  uint32_t persons = 0;
  bool truncated = false;
  uint64_t unit_hash = 0;
  std::string_view field;
  std::vector<std::string_view> codes;
  std::vector<std::string_view> orgs;
  Units unlocated = 0;
  std::vector<WeightedPoint> points;
  std::vector<std::pair<std::string_view, Units>> unresolved;
};

// Gives the view's vectors room of their own (ReserveThreadScratch in
// core/threads.h): for a view that a thread of a parallel scan decodes every
// record into, beside other threads doing the same.
void ReserveThreadScratch(CountedRecordView* view);

// Decodes `data` into `*out` (views into `data`). Accepts and rejects exactly
// the bytes DecodeCountedRecord does, with the same Corruption messages; on
// failure `*out` is partly overwritten.
Status DecodeCountedRecordView(std::string_view data, CountedRecordView* out);

// Reads only the year and version of an encoded record (cheap). False when
// the bytes are not a record of this format.
bool PeekYearVersion(std::string_view encoded, int32_t* year, int32_t* version);

// The unit hash of an encoded record (cheap); 0 for a version 2 record or
// bytes that are not a record.
uint64_t PeekUnitHash(std::string_view encoded);
// Overwrites the unit hash of an encoded version 3 record in place (its
// fingerprint does not change); false, and nothing written, for other bytes.
bool SetUnitHash(uint64_t unit_hash, std::span<char> encoded);

// Content fingerprint of an encoded record (see the layout above); of bytes
// that are not a record, a hash of all of them. Hash64 (core/hash.h), not the
// faster MemoryHash64: it breaks ties between copies of one version across
// runs (docs/formats.md), so which copy a store keeps must not depend on the
// release that ingested it.
uint64_t FingerprintEncoded(std::string_view encoded);

// Varint helpers, shared with the store's key and value codecs.
inline constexpr size_t kMaxVarint64 = 10;  // Bytes of the longest varint.
// Writes `v` at `p` (room for kMaxVarint64 bytes needed); returns the end.
inline char* WriteVarint64(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
void PutVarint64(std::string* out, uint64_t v);
// Reads a varint from the front of *in and advances it; false (with *in
// advanced past what was read) when *in ends first or the varint is longer
// than 10 bytes. Inline for the one-byte case, most of a record's varints;
// the slow part reads one of up to 8 bytes with one load (DecodeVarint64Word)
// when 8 bytes are left.
bool GetVarint64Slow(std::string_view* in, uint64_t* v);
// The varint of 1 to 8 bytes at the front of the 8 bytes at `p`, all of
// which must be readable: returns its length and sets *v; returns 0 when
// the varint is longer than 8 bytes (read it byte by byte then). One load
// and fixed shifts instead of a loop over the bytes: the varints of a
// stored record (coordinates, units) are mostly 3 to 5 bytes long.
inline size_t DecodeVarint64Word(const char* p, uint64_t* v) {
  static_assert(std::endian::native == std::endian::little);
  uint64_t w;
  std::memcpy(&w, p, 8);
  const uint64_t stops = ~w & 0x8080808080808080ull;  // Bytes ending a varint.
  if (stops == 0) return 0;
  // The bits up to the first stop bit, each byte's 7 low bits packed.
  uint64_t x = w & (stops ^ (stops - 1)) & 0x7f7f7f7f7f7f7f7full;
  x = (x & 0x007f007f007f007full) | ((x & 0x7f007f007f007f00ull) >> 1);
  x = (x & 0x00003fff00003fffull) | ((x & 0x3fff00003fff0000ull) >> 2);
  x = (x & 0x000000000fffffffull) | ((x & 0x0fffffff00000000ull) >> 4);
  *v = x;
  return static_cast<size_t>(__builtin_ctzll(stops) + 1) / 8;
}
inline bool GetVarint64(std::string_view* in, uint64_t* v) {
  if (!in->empty() && static_cast<uint8_t>(in->front()) < 0x80) {
    *v = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    return true;
  }
  return GetVarint64Slow(in, v);
}
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

}  // namespace stc

#endif  // STCLUSTER_CORE_RECORD_CODEC_H_
