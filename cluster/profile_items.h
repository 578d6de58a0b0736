// The tables a profile scan (profile.cc) keeps per thread: organisation
// names and fields interned to small indexes, and a flat map from such an
// index to a tally. Internal to the cluster module.
//
// Thread-safety: none; one instance per thread.
#ifndef STCLUSTER_CLUSTER_PROFILE_ITEMS_H_
#define STCLUSTER_CLUSTER_PROFILE_ITEMS_H_

#include <array>
#include <bit>
#include <climits>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "cluster/tech_fields.h"
#include "core/record.h"
#include "core/record_codec.h"
#include "core/string_map.h"
#include "core/units.h"

namespace stc::cluster::profile_internal {

constexpr uint32_t kNoItem = UINT32_MAX;

// Map from an item index (< kNoItem) to units and a 32-bit tag of the
// caller's, open addressing in one array of 16-byte entries, at most 3/4
// full: no allocation per entry. A record's weight goes to each of its
// organisations in each cluster it touches, so a scan updates these maps
// millions of times; std::unordered_map's nodes made that a cache miss and a
// malloc each.
class TallyMap {
 public:
  struct Entry {
    uint32_t key = kNoItem;
    uint32_t tag = 0;  // Set by the caller when the entry is inserted.
    Units units = 0;
  };

  // The entry of `key`; `*inserted` tells whether it was just added (tag
  // and units 0).
  Entry& Get(uint32_t key, bool* inserted) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = Slot(key);; i = (i + 1) & mask) {
      Entry& e = slots_[i];
      if (e.key == key) {
        *inserted = false;
        return e;
      }
      if (e.key == kNoItem) {
        e.key = key;
        ++size_;
        *inserted = true;
        return e;
      }
    }
  }
  // Calls f(entry) for every entry, in no particular order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Entry& e : slots_)
      if (e.key != kNoItem) f(e);
  }
  size_t size() const { return size_; }

 private:
  size_t Slot(uint32_t key) const {
    return static_cast<size_t>((static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void Grow() {
    std::vector<Entry> old = std::move(slots_);
    const size_t n = old.empty() ? 8 : old.size() * 2;
    slots_.assign(n, Entry{});
    shift_ = 64 - std::countr_zero(n);
    size_ = 0;
    bool inserted;
    for (const Entry& e : old)
      if (e.key != kNoItem) Get(e.key, &inserted) = e;
  }

  std::vector<Entry> slots_;
  size_t size_ = 0;
  int shift_ = 64;
};
static_assert(sizeof(TallyMap::Entry) == 16);

// Trimmed, inner runs of white space (bytes <= ' ') collapsed to one space.
std::string Trim(std::string_view s);
// ASCII lower case.
std::string Lower(std::string_view s);
// Technology fields sort numerically: key "07" before "13".
std::string TechKey(int field);

// The organisation names one thread of the scan met: each distinct spelling
// is trimmed and lower-cased once, then found by a hash look-up.
class OrgNames {
 public:
  struct Spelling {
    uint32_t key = kNoItem;  // Index of its lower-cased key; kNoItem when blank.
    std::string name;        // Trimmed, inner white space collapsed.
  };

  // The index of spelling `raw`.
  uint32_t Intern(std::string_view raw);
  const Spelling& spelling(uint32_t id) const { return spellings_[id]; }
  // Keys stay valid: unordered_map nodes do not move.
  const std::string& key(uint32_t key_id) const { return *keys_[key_id]; }
  size_t keys() const { return keys_.size(); }
  size_t spellings() const { return spellings_.size(); }

 private:
  StringMap<uint32_t> spelling_ids_;
  std::vector<Spelling> spellings_;
  StringMap<uint32_t> key_ids_;
  std::vector<const std::string*> keys_;
};

// The fields one thread of the scan met (technology fields, ASJC areas, and
// aggregation fields that are neither), each with the key that orders it.
class FieldNames {
 public:
  struct Field {
    std::string key, code, name;
  };

  // Appends to `out` the distinct fields of `r` (of its source), unsorted.
  void Of(Source source, const CountedRecordView& r, std::vector<uint32_t>* out);
  const Field& field(uint32_t id) const { return fields_[id]; }
  size_t size() const { return fields_.size(); }

 private:
  // The ASJC area of a subject code as a number (AsjcArea), 0 for none.
  static int Area(std::string_view code) {
    const std::string a = AsjcArea(code);
    return a.empty() ? 0 : (a[0] - '0') * 10 + (a[1] - '0');
  }
  uint32_t New(std::string key, std::string code, std::string name) {
    fields_.push_back({std::move(key), std::move(code), std::move(name)});
    return static_cast<uint32_t>(fields_.size() - 1);
  }
  uint32_t Tech(int f) {
    uint32_t& id = tech_ids_[f];
    if (id == kNoItem) id = New(TechKey(f), std::to_string(f), TechFields()[f - 1].name);
    return id;
  }
  uint32_t AreaId(int a) {
    uint32_t& id = area_ids_[a];
    if (id == kNoItem) {
      std::string code = std::to_string(a);
      std::string name(AsjcAreaName(code));
      id = New(code, code, std::move(name));
    }
    return id;
  }

  std::vector<Field> fields_;
  std::array<uint32_t, 36> tech_ids_ = Unset<36>();
  std::array<uint32_t, 37> area_ids_ = Unset<37>();
  StringMap<uint32_t> other_ids_;

  template <size_t N>
  static std::array<uint32_t, N> Unset() {
    std::array<uint32_t, N> a;
    a.fill(kNoItem);
    return a;
  }
};

// The profile of one ranked cluster `row` of `ranking` (a ranking of `map`)
// from its tallies, one per edition metric (nullptr: no units in any);
// profile_build.cc. The one place a profile is assembled, for scans and for
// kept tallies alike.
ClusterProfile BuildProfile(const std::vector<MetricTally>* tallies, const ClusterMap& map,
                            const Ranking& ranking, const RankedCluster& row,
                            const ProfileOptions& options);

}  // namespace stc::cluster::profile_internal

#endif  // STCLUSTER_CLUSTER_PROFILE_ITEMS_H_
