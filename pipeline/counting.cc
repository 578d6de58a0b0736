#include "pipeline/counting.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/hash.h"

namespace stc {
namespace {

// A record's persons in either form (core/record.h), for the one counting
// step below: its own Person objects, or the reader's views. Each gives the
// persons' count, names and locations (Location or LocationView, which have
// the same fields).
class OwnPersons {
 public:
  explicit OwnPersons(const std::vector<Person>& persons) : persons_(persons) {}
  size_t size() const { return persons_.size(); }
  std::string_view name(size_t i) const { return persons_[i].name; }
  std::span<const Location> locations(size_t i) const { return persons_[i].locations; }

 private:
  const std::vector<Person>& persons_;
};

class ViewedPersons {
 public:
  explicit ViewedPersons(const PersonViews& views) : views_(views) {}
  size_t size() const { return views_.persons.size(); }
  std::string_view name(size_t i) const { return views_.persons[i].name; }
  std::span<const LocationView> locations(size_t i) const {
    const PersonView& p = views_.persons[i];
    return {views_.begin(p), p.n_locations};
  }

 private:
  const PersonViews& views_;
};

template <typename Loc>
bool SameLocation(const Loc& a, const Loc& b) {
  if (a.has_coords != b.has_coords) return false;
  if (a.has_coords) return a.lat_e5 == b.lat_e5 && a.lon_e5 == b.lon_e5;
  return a.city == b.city && a.country == b.country && a.address == b.address;
}

template <typename Persons>
bool SamePerson(const Persons& persons, size_t a, size_t b) {
  if (persons.name(a) != persons.name(b)) return false;
  const auto x = persons.locations(a);
  const auto y = persons.locations(b);
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!SameLocation(x[i], y[i]) || x[i].country != y[i].country || x[i].city != y[i].city ||
        x[i].address != y[i].address) {
      return false;
    }
  }
  return true;
}

// Writes the label of an unresolved location into *label (reused buffer).
template <typename Loc>
void UnresolvedLabel(const Loc* l, std::string* label) {
  if (l == nullptr) {
    label->assign("(no address)");
    return;
  }
  if (!l->city.empty()) {
    label->assign(l->city);
  } else {
    label->assign(std::string_view(l->address).substr(0, 80));
  }
  if (label->empty()) label->assign("(no address)");
  if (!l->country.empty()) {
    label->append(", ");
    label->append(l->country);
  }
}

template <typename Loc>
void AddUnresolved(CountedRecord* out, const Loc* l, Units units, std::string* label) {
  out->unlocated += units;
  UnresolvedLabel(l, label);
  for (auto& [k, u] : out->unresolved) {
    if (k == *label) {
      u += units;
      return;
    }
  }
  out->unresolved.emplace_back(*label, units);
}

// CountRecord after the record's key, field, codes and organisations are
// in *out, with the record's persons as `all` (OwnPersons or ViewedPersons).
template <typename Persons>
void CountPersons(const Record& record, const Persons& all, CountedRecord* out) {
  using Loc = typename decltype(all.locations(0))::value_type;
  out->source = record.source;
  out->year = record.year;
  out->version = record.version;
  out->points.clear();
  out->unlocated = 0;
  out->unresolved.clear();

  // Distinct persons, in input order: a person is a duplicate when an earlier
  // kept one has the same name hash and is the same. Short lists compare with
  // every kept person; long ones (articles with hundreds of authors) find the
  // kept persons of a hash through an open-addressed table of indexes. The
  // scratch vectors are per thread so that no record allocates.
  thread_local std::vector<uint32_t> persons;      // Indexes in `all` of the kept persons.
  thread_local std::vector<uint64_t> name_hashes;  // Of persons[i]: most pairs differ there.
  thread_local std::vector<uint32_t> slots;        // persons index + 1; 0 = empty.
  thread_local std::vector<const Loc*> locs;
  thread_local std::string label;
  persons.clear();
  name_hashes.clear();
  constexpr size_t kScanPersons = 16;
  const size_t n = all.size();
  const bool table = n > kScanPersons;
  size_t mask = 0;
  if (table) {
    size_t cap = 64;
    while (cap < 2 * n) cap <<= 1;
    slots.assign(cap, 0);
    mask = cap - 1;
  }
  for (size_t p = 0; p < n; ++p) {
    const uint64_t h = MemoryHash64(all.name(p));
    bool dup = false;
    if (!table) {
      for (size_t q = 0; q < persons.size() && !dup; ++q) {
        dup = name_hashes[q] == h && SamePerson(all, p, persons[q]);
      }
    } else {
      size_t b = h & mask;
      for (; slots[b] != 0 && !dup; b = (b + 1) & mask) {
        const uint32_t q = slots[b] - 1;
        dup = name_hashes[q] == h && SamePerson(all, p, persons[q]);
      }
      if (!dup) slots[b] = static_cast<uint32_t>(persons.size() + 1);
    }
    if (!dup) {
      persons.push_back(static_cast<uint32_t>(p));
      name_hashes.push_back(h);
    }
  }
  uint32_t listed = static_cast<uint32_t>(persons.size());
  uint32_t divisor = std::max(listed, record.declared_persons);
  out->persons = divisor;
  out->truncated = divisor > listed;

  for (uint32_t i = 0; i < divisor; ++i) {
    Units share = ShareOf(kUnit, divisor, i);
    if (i >= listed) {
      out->unlocated += share;
      continue;
    }
    locs.clear();
    for (const Loc& l : all.locations(persons[i])) {
      bool dup = false;
      for (const Loc* m : locs) {
        if (SameLocation(l, *m)) {
          dup = true;
          break;
        }
      }
      if (!dup) locs.push_back(&l);
    }
    if (locs.empty()) {
      AddUnresolved<Loc>(out, nullptr, share, &label);
      continue;
    }
    uint32_t k = static_cast<uint32_t>(locs.size());
    for (uint32_t j = 0; j < k; ++j) {
      Units part = k == 1 ? share : ShareOf(share, k, j);
      const Loc& l = *locs[j];
      if (!l.has_coords) {
        AddUnresolved(out, &l, part, &label);
        continue;
      }
      WeightedPoint& wp = out->points.emplace_back();
      wp.lat_e5 = l.lat_e5;
      wp.lon_e5 = l.lon_e5;
      if (l.country.size() == 2) {
        wp.country[0] = l.country[0];
        wp.country[1] = l.country[1];
      }
      wp.units = part;
    }
  }

  // Sort and merge equal points.
  auto less = [](const WeightedPoint& a, const WeightedPoint& b) {
    if (a.lat_e5 != b.lat_e5) return a.lat_e5 < b.lat_e5;
    if (a.lon_e5 != b.lon_e5) return a.lon_e5 < b.lon_e5;
    if (a.country[0] != b.country[0]) return a.country[0] < b.country[0];
    return a.country[1] < b.country[1];
  };
  std::sort(out->points.begin(), out->points.end(), less);
  size_t w = 0;
  for (size_t r = 0; r < out->points.size(); ++r) {
    if (w > 0 && !less(out->points[w - 1], out->points[r])) {
      out->points[w - 1].units += out->points[r].units;
    } else {
      out->points[w++] = out->points[r];
    }
  }
  out->points.resize(w);
}

// CountPersons with the record's persons in either form.
void CountPersons(const Record& record, CountedRecord* out) {
  if (!record.person_views.empty()) {
    CountPersons(record, ViewedPersons(record.person_views), out);
  } else {
    CountPersons(record, OwnPersons(record.persons), out);
  }
}

}  // namespace

void CountRecord(const Record& record, CountedRecord* out) {
  out->key = record.key;
  out->field = record.field;
  out->codes = record.codes;
  out->orgs = record.orgs;
  CountPersons(record, out);
}

void CountRecordTaking(Record* record, CountedRecord* out) {
  out->key.swap(record->key);
  out->field.swap(record->field);
  out->codes.swap(record->codes);
  out->orgs.swap(record->orgs);
  CountPersons(*record, out);
}

}  // namespace stc
