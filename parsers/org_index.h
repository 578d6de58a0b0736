// A read-only table of organisation ids to places: the OpenAlex institutions
// snapshot (id -> coordinates, country, GeoNames city id), loaded once before
// the works are parsed and shared by every parser thread.
//
// Thread-safety: Add* before sharing; Find is const and safe from any thread.
#ifndef STCLUSTER_PARSERS_ORG_INDEX_H_
#define STCLUSTER_PARSERS_ORG_INDEX_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/hash.h"

namespace stc {

struct OrgPlace {
  bool has_coords = false;
  int32_t lat_e5 = 0;
  int32_t lon_e5 = 0;
  std::string country;           // ISO-2 or "".
  std::string city;              // geo.city, e.g. "Ann Arbor".
  int64_t geonames_city_id = 0;  // 0 when unknown.
};

// Open addressing over a power-of-two slot array (at most half full): a
// look-up hashes the id once, skips other ids by a 32-bit tag and compares
// the id only on a tag match (a works file looks an institution up for
// every authorship; a node-based map's pointer chasing was 14% of an
// OpenAlex ingest). Pointers returned by Find stay valid until the next Put.
class OrgIndex {
 public:
  // Inserts or replaces the place of `id` (a later partition wins).
  void Put(std::string id, OrgPlace place) {
    if (2 * (entries_.size() + 1) > slots_.size()) Grow();
    const uint64_t h = Hash64(id);
    Slot& slot = slots_[Probe(id, h)];
    if (slot.index1 != 0) {
      Entry& e = entries_[slot.index1 - 1];
      identity_ -= EntryHash(e.id, e.place);
      identity_ += EntryHash(e.id, place);
      e.place = std::move(place);
      return;
    }
    identity_ += EntryHash(id, place);
    entries_.push_back({std::move(id), std::move(place)});
    slot = {static_cast<uint32_t>(entries_.size()), static_cast<uint32_t>(h)};
  }
  // The place of `id`, or null.
  const OrgPlace* Find(std::string_view id) const {
    if (entries_.empty()) return nullptr;
    const Slot& slot = slots_[Probe(id, Hash64(id))];
    return slot.index1 == 0 ? nullptr : &entries_[slot.index1 - 1].place;
  }
  size_t size() const { return entries_.size(); }
  // A hash of the index's content (every id with its place), whatever the
  // order of the Puts that made it: part of the seed of unit hashes
  // (pipeline/unit_hash.h), so that records read with other places are not
  // recognised.
  uint64_t Identity() const { return identity_; }

 private:
  struct Entry {
    std::string id;
    OrgPlace place;
  };
  struct Slot {
    uint32_t index1 = 0;  // Index into entries_ + 1; 0: empty.
    uint32_t tag = 0;     // The id hash's low 32 bits.
  };

  static uint64_t EntryHash(std::string_view id, const OrgPlace& p) {
    std::string bytes(id);
    bytes.push_back('\0');
    bytes.push_back(p.has_coords ? '1' : '0');
    for (int64_t v : {int64_t{p.lat_e5}, int64_t{p.lon_e5}, p.geonames_city_id}) {
      bytes.append(std::to_string(v)).push_back(',');
    }
    bytes.append(p.country).push_back('\0');
    bytes.append(p.city);
    return Hash64(bytes);
  }

  // The slot holding `id`, else the empty slot where it would go.
  size_t Probe(std::string_view id, uint64_t h) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(h >> shift_);; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.index1 == 0) return i;
      if (s.tag == static_cast<uint32_t>(h) && entries_[s.index1 - 1].id == id) return i;
    }
  }
  void Grow() {
    const size_t n = slots_.empty() ? 64 : 2 * slots_.size();
    slots_.assign(n, Slot{});
    shift_ = 64 - std::countr_zero(n);
    for (size_t e = 0; e < entries_.size(); ++e) {
      const uint64_t h = Hash64(entries_[e].id);
      slots_[Probe(entries_[e].id, h)] = {static_cast<uint32_t>(e + 1), static_cast<uint32_t>(h)};
    }
  }

  std::vector<Entry> entries_;
  std::vector<Slot> slots_;
  int shift_ = 64;         // 64 - log2(slots): a hash's top bits pick its first slot.
  uint64_t identity_ = 0;  // Sum of EntryHash over the entries (mod 2^64).
};

}  // namespace stc

#endif  // STCLUSTER_PARSERS_ORG_INDEX_H_
