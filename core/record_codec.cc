#include "core/record_codec.h"

#include "core/hash.h"

namespace stc {
namespace {

constexpr uint8_t kFormatVersion = 2;

void PutString(std::string* out, std::string_view s) {
  PutVarint64(out, s.size());
  out->append(s);
}

bool GetString(std::string_view* in, std::string* s) {
  uint64_t n;
  if (!GetVarint64(in, &n) || n > in->size()) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

bool GetStrings(std::string_view* in, std::vector<std::string>* v) {
  uint64_t n;
  if (!GetVarint64(in, &n) || n > in->size()) return false;
  v->resize(n);
  for (auto& s : *v) {
    if (!GetString(in, &s)) return false;
  }
  return true;
}

}  // namespace

void PutVarint64(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint64(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

void EncodeCountedRecord(const CountedRecord& r, std::string* out) {
  out->push_back(static_cast<char>(kFormatVersion));
  PutVarint64(out, ZigZag(r.year));
  PutVarint64(out, ZigZag(r.version));
  PutVarint64(out, r.persons);
  out->push_back(static_cast<char>(r.truncated ? 1 : 0));
  PutString(out, r.field);
  PutVarint64(out, r.codes.size());
  for (const auto& c : r.codes) PutString(out, c);
  PutVarint64(out, r.orgs.size());
  for (const auto& o : r.orgs) PutString(out, o);
  PutVarint64(out, ZigZag(r.unlocated));
  PutVarint64(out, r.points.size());
  int64_t prev_lat = 0, prev_lon = 0;
  for (const auto& p : r.points) {
    PutVarint64(out, ZigZag(p.lat_e5 - prev_lat));
    PutVarint64(out, ZigZag(p.lon_e5 - prev_lon));
    prev_lat = p.lat_e5;
    prev_lon = p.lon_e5;
    out->push_back(p.country[0]);
    out->push_back(p.country[1]);
    PutVarint64(out, ZigZag(p.units));
  }
  PutVarint64(out, r.unresolved.size());
  for (const auto& [label, units] : r.unresolved) {
    PutString(out, label);
    PutVarint64(out, ZigZag(units));
  }
}

Status DecodeCountedRecord(std::string_view in, CountedRecord* r) {
  auto bad = [] { return Status::Corruption("malformed stored record"); };
  if (in.empty() || static_cast<uint8_t>(in[0]) != kFormatVersion) {
    return Status::Corruption("stored record has an unknown format version");
  }
  in.remove_prefix(1);
  uint64_t v;
  if (!GetVarint64(&in, &v)) return bad();
  r->year = static_cast<int32_t>(UnZigZag(v));
  if (!GetVarint64(&in, &v)) return bad();
  r->version = static_cast<int32_t>(UnZigZag(v));
  if (!GetVarint64(&in, &v)) return bad();
  r->persons = static_cast<uint32_t>(v);
  if (in.empty()) return bad();
  r->truncated = (in[0] & 1) != 0;
  in.remove_prefix(1);
  if (!GetString(&in, &r->field)) return bad();
  if (!GetStrings(&in, &r->codes)) return bad();
  if (!GetStrings(&in, &r->orgs)) return bad();
  if (!GetVarint64(&in, &v)) return bad();
  r->unlocated = UnZigZag(v);
  uint64_t n;
  if (!GetVarint64(&in, &n) || n > in.size()) return bad();
  r->points.resize(n);
  uint64_t lat = 0, lon = 0;  // Unsigned: hostile deltas wrap instead of overflowing (UB).
  for (auto& p : r->points) {
    if (!GetVarint64(&in, &v)) return bad();
    lat += UnZigZag(v);
    if (!GetVarint64(&in, &v)) return bad();
    lon += UnZigZag(v);
    p.lat_e5 = static_cast<int32_t>(lat);
    p.lon_e5 = static_cast<int32_t>(lon);
    if (in.size() < 2) return bad();
    p.country[0] = in[0];
    p.country[1] = in[1];
    in.remove_prefix(2);
    if (!GetVarint64(&in, &v)) return bad();
    p.units = UnZigZag(v);
  }
  if (!GetVarint64(&in, &n) || n > in.size()) return bad();
  r->unresolved.resize(n);
  for (auto& [label, units] : r->unresolved) {
    if (!GetString(&in, &label)) return bad();
    if (!GetVarint64(&in, &v)) return bad();
    units = UnZigZag(v);
  }
  if (!in.empty()) return bad();
  return Status::Ok();
}

bool PeekYearVersion(std::string_view in, int32_t* year, int32_t* version) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kFormatVersion) return false;
  in.remove_prefix(1);
  uint64_t v;
  if (!GetVarint64(&in, &v)) return false;
  *year = static_cast<int32_t>(UnZigZag(v));
  if (!GetVarint64(&in, &v)) return false;
  *version = static_cast<int32_t>(UnZigZag(v));
  return true;
}

uint64_t FingerprintEncoded(std::string_view encoded) { return Hash64(encoded); }

}  // namespace stc
