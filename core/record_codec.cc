#include "core/record_codec.h"

#include <cstring>

#include "core/hash.h"
#include "core/threads.h"

namespace stc {
namespace {

// Version 3 appends the 8-byte unit hash to version 2's layout; both are read.
constexpr uint8_t kFormatVersion = 3;
constexpr uint8_t kFormatVersionNoUnitHash = 2;
constexpr size_t kUnitHashBytes = 8;

// The bytes that hold the record's content: after the version byte, before
// the unit hash (version 3). Empty when `in` is not a record of either version.
std::string_view ContentOf(std::string_view in) {
  if (in.empty()) return {};
  const uint8_t version = static_cast<uint8_t>(in[0]);
  if (version == kFormatVersion && in.size() > kUnitHashBytes) {
    return in.substr(1, in.size() - 1 - kUnitHashBytes);
  }
  if (version == kFormatVersionNoUnitHash) return in.substr(1);
  return {};
}

void AssignStrings(const std::vector<std::string_view>& from, std::vector<std::string>* to) {
  to->resize(from.size());
  for (size_t i = 0; i < from.size(); ++i) (*to)[i].assign(from[i]);
}

}  // namespace

void PutVarint64(std::string* out, uint64_t v) {
  char buf[kMaxVarint64];
  out->append(buf, static_cast<size_t>(WriteVarint64(buf, v) - buf));
}

bool GetVarint64Slow(std::string_view* in, uint64_t* v) {
  if (in->size() >= 8) {
    if (const size_t n = DecodeVarint64Word(in->data(), v); n != 0) {
      in->remove_prefix(n);
      return true;
    }
  }
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
  // One resize to an upper bound, raw writes, one shrink: no per-byte
  // capacity checks and at most one reallocation (none with a reused buffer).
  size_t bound = 1 + 4 * kMaxVarint64 + 1 + kMaxVarint64 + r.field.size();
  for (const auto& c : r.codes) bound += kMaxVarint64 + c.size();
  for (const auto& o : r.orgs) bound += kMaxVarint64 + o.size();
  bound += 3 * kMaxVarint64 + r.points.size() * (3 * kMaxVarint64 + 2);
  for (const auto& u : r.unresolved) bound += 2 * kMaxVarint64 + u.first.size();
  bound += kUnitHashBytes;
  const size_t start = out->size();
  out->resize(start + bound);
  char* const base = out->data();
  char* p = base + start;
  auto put_string = [&p](std::string_view s) {
    p = WriteVarint64(p, s.size());
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  *p++ = static_cast<char>(kFormatVersion);
  p = WriteVarint64(p, ZigZag(r.year));
  p = WriteVarint64(p, ZigZag(r.version));
  p = WriteVarint64(p, r.persons);
  *p++ = static_cast<char>(r.truncated ? 1 : 0);
  put_string(r.field);
  p = WriteVarint64(p, r.codes.size());
  for (const auto& c : r.codes) put_string(c);
  p = WriteVarint64(p, r.orgs.size());
  for (const auto& o : r.orgs) put_string(o);
  p = WriteVarint64(p, ZigZag(r.unlocated));
  p = WriteVarint64(p, r.points.size());
  int64_t prev_lat = 0, prev_lon = 0;
  for (const auto& pt : r.points) {
    p = WriteVarint64(p, ZigZag(pt.lat_e5 - prev_lat));
    p = WriteVarint64(p, ZigZag(pt.lon_e5 - prev_lon));
    prev_lat = pt.lat_e5;
    prev_lon = pt.lon_e5;
    *p++ = pt.country[0];
    *p++ = pt.country[1];
    p = WriteVarint64(p, ZigZag(pt.units));
  }
  p = WriteVarint64(p, r.unresolved.size());
  for (const auto& [label, units] : r.unresolved) {
    put_string(label);
    p = WriteVarint64(p, ZigZag(units));
  }
  for (size_t b = 0; b < kUnitHashBytes; ++b) *p++ = static_cast<char>(r.unit_hash >> (8 * b));
  out->resize(static_cast<size_t>(p - base));
}

namespace {

// A cursor over a record's content [p, end) for DecodeCountedRecordView.
// Loads of 8 bytes are allowed up to `load_end` (>= end): for a version 3
// record the unit hash's 8 bytes follow the content, so every varint of the
// content can be read with one load.
struct Cursor {
  const char* p;
  const char* end;
  const char* load_end;

  bool Varint(uint64_t* v) {
    if (p != end && static_cast<uint8_t>(*p) < 0x80) {
      *v = static_cast<uint8_t>(*p++);
      return true;
    }
    if (load_end - p >= 8) {
      if (const size_t n = DecodeVarint64Word(p, v); n != 0) {
        if (n > static_cast<size_t>(end - p)) return false;
        p += n;
        return true;
      }
    }
    std::string_view rest(p, static_cast<size_t>(end - p));
    if (!GetVarint64Slow(&rest, v)) return false;
    p = rest.data();
    return true;
  }
  bool String(std::string_view* s) {
    uint64_t n;
    if (!Varint(&n) || n > static_cast<uint64_t>(end - p)) return false;
    *s = std::string_view(p, n);
    p += n;
    return true;
  }
  bool Strings(std::vector<std::string_view>* v) {
    uint64_t n;
    if (!Varint(&n) || n > static_cast<uint64_t>(end - p)) return false;
    v->clear();  // Keeps the capacity: appends below do not allocate.
    for (uint64_t i = 0; i < n; ++i) {
      std::string_view s;
      if (!String(&s)) return false;
      v->push_back(s);
    }
    return true;
  }
};

}  // namespace

void ReserveThreadScratch(CountedRecordView* view) {
  ReserveThreadScratch(&view->codes);
  ReserveThreadScratch(&view->orgs);
  ReserveThreadScratch(&view->points);
  ReserveThreadScratch(&view->unresolved);
}

Status DecodeCountedRecordView(std::string_view in, CountedRecordView* r) {
  auto bad = [] { return Status::Corruption("malformed stored record"); };
  if (in.empty() || (static_cast<uint8_t>(in[0]) != kFormatVersion &&
                     static_cast<uint8_t>(in[0]) != kFormatVersionNoUnitHash)) {
    return Status::Corruption("stored record has an unknown format version");
  }
  Cursor c{in.data() + 1, in.data() + in.size(), in.data() + in.size()};
  r->unit_hash = 0;
  if (static_cast<uint8_t>(in[0]) == kFormatVersion) {
    if (in.size() < 1 + kUnitHashBytes) return bad();
    r->unit_hash = PeekUnitHash(in);
    c.end -= kUnitHashBytes;
  }
  uint64_t v;
  if (!c.Varint(&v)) return bad();
  r->year = static_cast<int32_t>(UnZigZag(v));
  if (!c.Varint(&v)) return bad();
  r->version = static_cast<int32_t>(UnZigZag(v));
  if (!c.Varint(&v)) return bad();
  r->persons = static_cast<uint32_t>(v);
  if (c.p == c.end) return bad();
  r->truncated = (*c.p & 1) != 0;
  ++c.p;
  if (!c.String(&r->field)) return bad();
  if (!c.Strings(&r->codes)) return bad();
  if (!c.Strings(&r->orgs)) return bad();
  if (!c.Varint(&v)) return bad();
  r->unlocated = UnZigZag(v);
  uint64_t n;
  if (!c.Varint(&n) || n > static_cast<uint64_t>(c.end - c.p)) return bad();
  r->points.clear();
  uint64_t lat = 0, lon = 0;  // Unsigned: hostile deltas wrap instead of overflowing (UB).
  for (uint64_t i = 0; i < n; ++i) {
    WeightedPoint& p = r->points.emplace_back();
    if (!c.Varint(&v)) return bad();
    lat += UnZigZag(v);
    if (!c.Varint(&v)) return bad();
    lon += UnZigZag(v);
    p.lat_e5 = static_cast<int32_t>(lat);
    p.lon_e5 = static_cast<int32_t>(lon);
    if (c.end - c.p < 2) return bad();
    p.country[0] = c.p[0];
    p.country[1] = c.p[1];
    c.p += 2;
    if (!c.Varint(&v)) return bad();
    p.units = UnZigZag(v);
  }
  if (!c.Varint(&n) || n > static_cast<uint64_t>(c.end - c.p)) return bad();
  r->unresolved.resize(n);
  for (auto& [label, units] : r->unresolved) {
    if (!c.String(&label)) return bad();
    if (!c.Varint(&v)) return bad();
    units = UnZigZag(v);
  }
  if (c.p != c.end) return bad();
  return Status::Ok();
}

Status DecodeCountedRecord(std::string_view in, CountedRecord* r) {
  // One decoder: the view's, then copies. A thread's view keeps its capacity.
  thread_local CountedRecordView view;
  STC_RETURN_IF_ERROR(DecodeCountedRecordView(in, &view));
  r->year = view.year;
  r->version = view.version;
  r->unit_hash = view.unit_hash;
  r->persons = view.persons;
  r->truncated = view.truncated;
  r->field.assign(view.field);
  AssignStrings(view.codes, &r->codes);
  AssignStrings(view.orgs, &r->orgs);
  r->unlocated = view.unlocated;
  r->points.swap(view.points);
  r->unresolved.resize(view.unresolved.size());
  for (size_t i = 0; i < view.unresolved.size(); ++i) {
    r->unresolved[i].first.assign(view.unresolved[i].first);
    r->unresolved[i].second = view.unresolved[i].second;
  }
  return Status::Ok();
}

bool PeekYearVersion(std::string_view in, int32_t* year, int32_t* version) {
  const std::string_view content = ContentOf(in);
  if (content.empty()) return false;
  // Loads may reach the unit hash after the content (as when decoding).
  Cursor c{content.data(), content.data() + content.size(), in.data() + in.size()};
  uint64_t v;
  if (!c.Varint(&v)) return false;
  *year = static_cast<int32_t>(UnZigZag(v));
  if (!c.Varint(&v)) return false;
  *version = static_cast<int32_t>(UnZigZag(v));
  return true;
}

uint64_t PeekUnitHash(std::string_view encoded) {
  if (encoded.size() <= kUnitHashBytes || static_cast<uint8_t>(encoded[0]) != kFormatVersion) {
    return 0;
  }
  uint64_t h = 0;
  const char* p = encoded.data() + encoded.size() - kUnitHashBytes;
  for (size_t b = 0; b < kUnitHashBytes; ++b) {
    h |= static_cast<uint64_t>(static_cast<uint8_t>(p[b])) << (8 * b);
  }
  return h;
}

bool SetUnitHash(uint64_t unit_hash, std::span<char> encoded) {
  if (encoded.size() <= kUnitHashBytes || static_cast<uint8_t>(encoded[0]) != kFormatVersion) {
    return false;
  }
  char* p = encoded.data() + encoded.size() - kUnitHashBytes;
  for (size_t b = 0; b < kUnitHashBytes; ++b) p[b] = static_cast<char>(unit_hash >> (8 * b));
  return true;
}

uint64_t FingerprintEncoded(std::string_view encoded) {
  // The content only: the same record read from other bytes (another
  // layout of the same line) or stored by version 2 has the same fingerprint.
  const std::string_view content = ContentOf(encoded);
  return content.empty() ? Hash64(encoded) : Hash64(content);
}

}  // namespace stc
