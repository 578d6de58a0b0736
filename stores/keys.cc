#include "stores/keys.h"

#include <algorithm>
#include <cstring>

namespace stc::store_keys {
namespace {

void AppendU16Be(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

void AppendU32Be(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}

uint16_t LoadU16Be(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((b[0] << 8) | b[1]);
}

uint32_t LoadU32Be(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return (static_cast<uint32_t>(b[0]) << 24) | (static_cast<uint32_t>(b[1]) << 16) |
         (static_cast<uint32_t>(b[2]) << 8) | static_cast<uint32_t>(b[3]);
}

// Flipping the sign bit maps int32 order onto uint32 order (INT32_MIN -> 0).
uint32_t OrderedFromSigned(int32_t v) { return static_cast<uint32_t>(v) ^ 0x80000000u; }
int32_t SignedFromOrdered(uint32_t v) { return static_cast<int32_t>(v ^ 0x80000000u); }

}  // namespace

std::string EncodePendingKey(uint64_t flush, uint32_t chunk) {
  std::string out;
  out.reserve(kPendingKeyBytes);
  AppendU32Be(&out, static_cast<uint32_t>(flush >> 32));
  AppendU32Be(&out, static_cast<uint32_t>(flush));
  AppendU32Be(&out, chunk);
  return out;
}

bool DecodePendingKey(std::string_view in, uint64_t* flush, uint32_t* chunk) {
  if (in.size() != kPendingKeyBytes) return false;
  *flush = static_cast<uint64_t>(LoadU32Be(in.data())) << 32 | LoadU32Be(in.data() + 4);
  *chunk = LoadU32Be(in.data() + 8);
  return true;
}

bool IsKnownSource(uint8_t byte) {
  return byte == static_cast<uint8_t>(Source::kPct) ||
         byte == static_cast<uint8_t>(Source::kArticle) ||
         byte == static_cast<uint8_t>(Source::kVc);
}

void EncodeRecordKey(Source source, std::string_view key, std::string* out) {
  out->clear();
  out->reserve(1 + key.size());
  out->push_back(static_cast<char>(source));
  out->append(key);
}

size_t RecordKeyPrefixBytes(Source source, size_t key_size) {
  return HasRecordKeyPrefixes(source) ? std::min(1 + key_size, kPctRecordPrefixBytes) : 1;
}

std::string_view RecordKeyPrefix(std::string_view encoded_key) {
  if (encoded_key.empty()) return encoded_key;
  return encoded_key.substr(
      0, RecordKeyPrefixBytes(static_cast<Source>(encoded_key[0]), encoded_key.size() - 1));
}

bool DecodeRecordKey(std::string_view in, Source* source, std::string_view* key) {
  if (in.empty() || !IsKnownSource(static_cast<uint8_t>(in[0]))) return false;
  *source = static_cast<Source>(static_cast<uint8_t>(in[0]));
  *key = in.substr(1);
  return true;
}

bool IsEncodableAggregateKey(const AggregateKey& k) {
  return k.year >= 0 && k.year <= kMaxYear && k.field.size() <= kMaxFieldBytes;
}

void EncodeAggregateKey(const AggregateKey& k, std::string* out) {
  out->clear();
  out->reserve(kAggregateKeyFixedBytes + k.field.size());
  out->push_back(static_cast<char>(k.source));
  AppendU16Be(out, static_cast<uint16_t>(k.year));
  AppendU32Be(out, OrderedFromSigned(k.cell.lat_idx));
  AppendU32Be(out, OrderedFromSigned(k.cell.lon_idx));
  out->push_back(k.country[0]);
  out->push_back(k.country[1]);
  out->append(k.field);
}

bool DecodeAggregateKey(std::string_view in, AggregateKey* out) {
  if (in.size() < kAggregateKeyFixedBytes) return false;
  if (in.size() - kAggregateKeyFixedBytes > kMaxFieldBytes) return false;
  if (!IsKnownSource(static_cast<uint8_t>(in[0]))) return false;
  out->source = static_cast<Source>(static_cast<uint8_t>(in[0]));
  out->year = LoadU16Be(in.data() + 1);
  out->cell.lat_idx = SignedFromOrdered(LoadU32Be(in.data() + 3));
  out->cell.lon_idx = SignedFromOrdered(LoadU32Be(in.data() + 7));
  out->country[0] = in[11];
  out->country[1] = in[12];
  out->field.assign(in.substr(kAggregateKeyFixedBytes));
  return true;
}

bool AggregateKeyLess(const AggregateKey& a, const AggregateKey& b) {
  if (a.source != b.source) return static_cast<uint8_t>(a.source) < static_cast<uint8_t>(b.source);
  if (a.year != b.year) return a.year < b.year;
  if (a.cell != b.cell) return a.cell < b.cell;
  for (int i = 0; i < 2; ++i) {
    auto ca = static_cast<unsigned char>(a.country[i]);
    auto cb = static_cast<unsigned char>(b.country[i]);
    if (ca != cb) return ca < cb;
  }
  // std::char_traits<char> compares as unsigned char, i.e. like memcmp.
  return a.field < b.field;
}

void EncodeTotalsKey(Source source, int32_t year, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(source));
  AppendU16Be(out, static_cast<uint16_t>(year));
}

bool DecodeTotalsKey(std::string_view in, Source* source, int32_t* year) {
  if (in.size() != kTotalsKeyBytes || !IsKnownSource(static_cast<uint8_t>(in[0]))) return false;
  *source = static_cast<Source>(static_cast<uint8_t>(in[0]));
  *year = LoadU16Be(in.data() + 1);
  return true;
}

void AppendInt64Le(std::string* out, int64_t v) {
  char buf[8];
  StoreInt64Le(buf, v);
  out->append(buf, 8);
}

bool IsAllZero(std::string_view value) {
  for (char c : value) {
    if (c != 0) return false;
  }
  return true;
}

}  // namespace stc::store_keys
