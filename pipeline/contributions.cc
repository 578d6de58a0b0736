#include "pipeline/contributions.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <type_traits>

#include "core/compact_key.h"
#include "stores/keys.h"

namespace stc {
namespace {

uint64_t Bias(int32_t v) { return static_cast<uint32_t>(v) ^ 0x80000000u; }
int32_t Unbias(uint64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v) ^ 0x80000000u); }

}  // namespace

int DeltaMap::Pack(const AggregateKey& k, uint64_t w[3]) {
  // (A loop, not find: a call to memchr for at most 11 bytes cost about 1%
  // of a cold ingest, once per record.)
  if (k.field.size() > 11) return 0;
  for (const char c : k.field) {
    if (c == '\0') return 0;
  }
  unsigned char f[11] = {0};
  std::memcpy(f, k.field.data(), k.field.size());
  // The store's aggregate key bytes (stores/README.md), big-endian, the field
  // zero-padded: without NUL in the field, padding sorts like "shorter first".
  const uint64_t lon = Bias(k.cell.lon_idx);
  w[0] = static_cast<uint64_t>(k.source) << 56 |
         static_cast<uint64_t>(static_cast<uint16_t>(k.year)) << 40 | Bias(k.cell.lat_idx) << 8 |
         lon >> 24;
  w[1] = (lon & 0xffffff) << 40 | static_cast<uint64_t>(static_cast<uint8_t>(k.country[0])) << 32 |
         static_cast<uint64_t>(static_cast<uint8_t>(k.country[1])) << 24 |
         static_cast<uint64_t>(f[0]) << 16 | static_cast<uint64_t>(f[1]) << 8 | f[2];
  w[2] = 0;
  for (int i = 3; i < 11; ++i) w[2] = w[2] << 8 | f[i];
  return k.field.size() <= 3 ? 2 : 3;
}

void DeltaMap::Unpack(uint64_t w0, uint64_t w1, uint64_t w2, AggregateKey* k) {
  k->source = static_cast<Source>(w0 >> 56);
  k->year = static_cast<int32_t>((w0 >> 40) & 0xffff);
  k->cell.lat_idx = Unbias((w0 >> 8) & 0xffffffffu);
  k->cell.lon_idx = Unbias((w0 & 0xff) << 24 | w1 >> 40);
  k->country[0] = static_cast<char>((w1 >> 32) & 0xff);
  k->country[1] = static_cast<char>((w1 >> 24) & 0xff);
  char f[11];
  f[0] = static_cast<char>((w1 >> 16) & 0xff);
  f[1] = static_cast<char>((w1 >> 8) & 0xff);
  f[2] = static_cast<char>(w1 & 0xff);
  for (int i = 0; i < 8; ++i) f[3 + i] = static_cast<char>((w2 >> (56 - 8 * i)) & 0xff);
  size_t n = 0;
  while (n < 11 && f[n] != 0) ++n;
  k->field.assign(f, n);
}

void DeltaMap::Add(const CountedRecord& record, std::span<const WeightedPoint> points, int sign,
                   const Grid& grid) {
  AggregateKey key;
  key.source = record.source;
  key.year = record.year;
  key.field = record.field;
  cells_added_ += points.size();
  // The field's share of the packed words, once per record (see Pack).
  uint64_t w[3] = {0, 0, 0};  // Unset by Pack for long fields.
  const int words = Pack(key, w);
  const uint64_t w0_high = w[0] & 0xffffff0000000000ull;  // Source and year.
  const uint64_t w1_field = w[1] & 0xffffff;              // Field bytes 0-2.
  auto words_of = [&](const WeightedPoint& wp, uint64_t* w0, uint64_t* w1) {
    const Cell cell = grid.CellOf(wp.lat_e5, wp.lon_e5);
    const uint64_t lon = Bias(cell.lon_idx);
    *w0 = w0_high | Bias(cell.lat_idx) << 8 | lon >> 24;
    *w1 = (lon & 0xffffff) << 40 |
          static_cast<uint64_t>(static_cast<uint8_t>(wp.country[0])) << 32 |
          static_cast<uint64_t>(static_cast<uint8_t>(wp.country[1])) << 24 | w1_field;
  };
  if (words == 2) {
    for (const WeightedPoint& wp : points) {
      Packed p;
      words_of(wp, &p.w0, &p.w1);
      p.units = sign * wp.units;
      narrow_.Push(p);
    }
  } else if (words == 3) {
    for (const WeightedPoint& wp : points) {
      WidePacked p;
      words_of(wp, &p.w0, &p.w1);
      p.w2 = w[2];
      p.units = sign * wp.units;
      wide_.Push(p);
    }
  } else {
    for (const WeightedPoint& wp : points) {
      key.cell = grid.CellOf(wp.lat_e5, wp.lon_e5);
      long_cells_[{{static_cast<int>(key.source), key.year},
                   {{key.cell.lat_idx, key.cell.lon_idx},
                    std::string(wp.country, 2) + key.field}}] += sign * wp.units;
    }
  }
  TotalsDelta& t = totals_[{static_cast<int>(record.source), record.year}];
  t.world += sign * kUnit;
  t.unlocated += sign * record.unlocated;
  t.records += sign;
  if (narrow_.unsealed() >= run_min_) narrow_.Seal();
  if (wide_.unsealed() >= run_min_) wide_.Seal();
}

namespace {

bool PackedLess(const DeltaMap::Packed& a, const DeltaMap::Packed& b) {
  if (a.w0 != b.w0) return a.w0 < b.w0;
  return a.w1 < b.w1;
}
bool PackedLess(const DeltaMap::WidePacked& a, const DeltaMap::WidePacked& b) {
  if (a.w0 != b.w0) return a.w0 < b.w0;
  if (a.w1 != b.w1) return a.w1 < b.w1;
  return a.w2 < b.w2;
}

bool SamePacked(const DeltaMap::Packed& a, const DeltaMap::Packed& b) {
  return a.w0 == b.w0 && a.w1 == b.w1;
}
bool SamePacked(const DeltaMap::WidePacked& a, const DeltaMap::WidePacked& b) {
  return a.w0 == b.w0 && a.w1 == b.w1 && a.w2 == b.w2;
}

// The key's fields in key order, each a number compared as the key compares
// it (see Pack): source, year, lat index, lon index, country, field bytes
// 0-2, and for WidePacked field bytes 3-10.
constexpr int kPackedFields = 6;
inline __attribute__((always_inline)) void FieldsOf(const DeltaMap::Packed& p, uint64_t f[]) {
  f[0] = p.w0 >> 56;
  f[1] = (p.w0 >> 40) & 0xffff;
  f[2] = (p.w0 >> 8) & 0xffffffffu;
  f[3] = (p.w0 & 0xff) << 24 | p.w1 >> 40;
  f[4] = (p.w1 >> 24) & 0xffff;
  f[5] = p.w1 & 0xffffff;
}
inline __attribute__((always_inline)) void FieldsOf(const DeltaMap::WidePacked& p, uint64_t f[]) {
  FieldsOf(DeltaMap::Packed{p.w0, p.w1, 0}, f);
  f[kPackedFields] = p.w2;
}
template <typename P>
constexpr int FieldCount() {
  return std::is_same_v<P, DeltaMap::WidePacked> ? kPackedFields + 1 : kPackedFields;
}

// Rebuilds the packed words from FieldsOf's fields.
inline void FromFields(const uint64_t f[], DeltaMap::Packed* p) {
  p->w0 = f[0] << 56 | f[1] << 40 | f[2] << 8 | f[3] >> 24;
  p->w1 = (f[3] & 0xffffff) << 40 | f[4] << 24 | f[5];
}
inline void FromFields(const uint64_t f[], DeltaMap::WidePacked* p) {
  DeltaMap::Packed q;
  FromFields(f, &q);
  p->w0 = q.w0;
  p->w1 = q.w1;
  p->w2 = f[kPackedFields];
}

}  // namespace

template <typename P>
void DeltaMap::SortCells(P* a, size_t n, LargeVector<P>* scratch) {
  auto less = [](const P& x, const P& y) { return PackedLess(x, y); };
  if (n < kRadixSortMin) {
    std::sort(a, a + n, less);
    return;
  }
  // The fields' varying bits fit 64 for the readers' cells (years, grid rows
  // and columns, countries and fields span small ranges): a radix sort
  // (core/compact_key.h). std::sort of a million cells out of the cache,
  // mispredicting half its comparisons, was most of the writer's time in a
  // fresh load.
  constexpr int kFields = FieldCount<P>();
  CompactKey<kFields> compact;
  uint64_t f[kFields];
  for (size_t i = 0; i < n; ++i) {
    FieldsOf(a[i], f);
    compact.Observe(f);
  }
  if (!compact.Plan()) {
    std::sort(a, a + n, less);
    return;
  }
  if (compact.bits() == 0) return;  // All equal.
  // The keyed cells ping-pong between the scratch and the cells' own bytes
  // (16 of their 24 or 32 per cell).
  const size_t need = (n * sizeof(KeyedItem) + sizeof(P) - 1) / sizeof(P);
  if (scratch->size() < need) scratch->resize(need);
  auto* const other = reinterpret_cast<unsigned char*>(scratch->data());
  auto* const own = reinterpret_cast<unsigned char*>(a);
  for (size_t i = 0; i < n; ++i) {
    FieldsOf(a[i], f);
    StoreKeyed(other, i, KeyedItem{compact.Make(f), static_cast<uint64_t>(a[i].units)});
  }
  const unsigned char* sorted = RadixSortKeyed(other, own, n, compact.bits());
  auto unkey = [&](const KeyedItem& c, P* out) {
    compact.Unmake(c.key, f);
    FromFields(f, out);
    out->units = static_cast<Units>(c.payload);
  };
  if (sorted == other) {
    for (size_t i = 0; i < n; ++i) unkey(LoadKeyed(other, i), &a[i]);
  } else {
    // In place, from the end: cell i's bytes cover keyed cells i and after,
    // all read by then.
    for (size_t i = n; i-- > 0;) {
      const KeyedItem c = LoadKeyed(own, i);
      P out;
      unkey(c, &out);
      std::memcpy(static_cast<void*>(&a[i]), &out, sizeof out);
    }
  }
}

template <typename P>
void DeltaMap::Runs<P>::Seal() {
  // Sorts the cells added since the last run and sums equal ones in place,
  // dropping the zeros: a new run.
  auto begin = cells_.begin() + static_cast<std::ptrdiff_t>(sealed_);
  if (begin == cells_.end()) return;
  SortCells(&*begin, static_cast<size_t>(cells_.end() - begin), &scratch_);
  size_t w = sealed_;
  for (size_t r = sealed_; r < cells_.size();) {
    P acc = cells_[r++];
    while (r < cells_.size() && SamePacked(cells_[r], acc)) acc.units += cells_[r++].units;
    if (acc.units != 0) cells_[w++] = acc;
  }
  cells_.resize(w);
  sealed_ = w;
  if (w > (runs_.empty() ? 0 : runs_.back())) runs_.push_back(w);
  if (runs_.size() > kMaxRuns) MergeRuns();
}

template <typename P>
DeltaMap::Runs<P>::Merger::Merger(const Runs& runs) {
  for (size_t i = 0, begin = 0; i < runs.runs_.size(); begin = runs.runs_[i++]) {
    if (runs.runs_[i] > begin) {
      cursors_[k_++] = {runs.cells_.data() + begin, runs.cells_.data() + runs.runs_[i]};
    }
  }
}

template <typename P>
bool DeltaMap::Runs<P>::Merger::Next(P* out) {
  if (k_ == 1) {  // One run: already summed.
    if (cursors_[0].at == cursors_[0].end) return false;
    *out = *cursors_[0].at++;
    return true;
  }
  // A linear scan for the smallest head (k <= kMaxRuns + 1), summing the
  // cells that several runs hold.
  while (k_ > 0) {
    size_t min = 0;
    for (size_t i = 1; i < k_; ++i) {
      if (PackedLess(*cursors_[i].at, *cursors_[min].at)) min = i;
    }
    P acc = *cursors_[min].at;
    acc.units = 0;
    for (size_t i = 0; i < k_;) {
      if (SamePacked(*cursors_[i].at, acc)) {
        acc.units += cursors_[i].at->units;
        if (++cursors_[i].at == cursors_[i].end) {
          cursors_[i] = cursors_[--k_];
          continue;
        }
      }
      ++i;
    }
    if (acc.units != 0) {
      *out = acc;
      return true;
    }
  }
  return false;
}

template <typename P>
void DeltaMap::Runs<P>::AbsorbMerged(const Runs& from) {
  Seal();
  if (runs_.size() > 1) MergeRuns();
  // Both merged into the second buffer, then swapped: the two are reused
  // from call to call (a fresh mapping per call cost its pages' first
  // touch every flush, 2.5% of a 2M cold ingest), and grown with a quarter
  // of headroom when the merge needs more (no doubling's slack).
  LargeVector<P>& out = scratch_;
  const size_t need = cells_.size() + from.size();
  if (out.capacity() < need) {
    out = LargeVector<P>();
    out.reserve(need + need / 4);
  }
  out.clear();
  Merger incoming(from);
  P in;
  bool has_in = incoming.Next(&in);
  for (const P& c : cells_) {
    while (has_in && PackedLess(in, c)) {
      out.push_back(in);
      has_in = incoming.Next(&in);
    }
    P sum = c;
    if (has_in && SamePacked(in, c)) {
      sum.units += in.units;
      has_in = incoming.Next(&in);
    }
    if (sum.units != 0) out.push_back(sum);
  }
  for (; has_in; has_in = incoming.Next(&in)) out.push_back(in);
  cells_.swap(out);
  scratch_.clear();
  sealed_ = cells_.size();
  runs_.clear();
  if (sealed_ > 0) runs_.push_back(sealed_);
}

template <typename P>
void DeltaMap::Runs<P>::MergeRuns() {
  scratch_.clear();
  scratch_.reserve(cells_.size());
  Merger merged(*this);
  P p;
  while (merged.Next(&p)) scratch_.push_back(p);
  cells_.swap(scratch_);
  scratch_.clear();
  sealed_ = cells_.size();
  runs_.clear();
  if (sealed_ > 0) runs_.push_back(sealed_);
}

template void DeltaMap::SortCells(Packed*, size_t, LargeVector<Packed>*);
template void DeltaMap::SortCells(WidePacked*, size_t, LargeVector<WidePacked>*);
template class DeltaMap::Runs<DeltaMap::Packed>;
template class DeltaMap::Runs<DeltaMap::WidePacked>;

template <typename Fn>
void DeltaMap::ForEachMerged(Fn&& fn) const {
  // The two widths never hold the same key (their fields differ in length);
  // at equal first words the Packed cell, whose field is shorter, comes first.
  Runs<Packed>::Merger narrow(narrow_);
  Runs<WidePacked>::Merger wide(wide_);
  Packed a;
  WidePacked b;
  bool has_a = narrow.Next(&a);
  bool has_b = wide.Next(&b);
  while (has_a || has_b) {
    if (has_a && (!has_b || a.w0 < b.w0 || (a.w0 == b.w0 && a.w1 <= b.w1))) {
      fn(a.w0, a.w1, uint64_t{0}, a.units);
      has_a = narrow.Next(&a);
    } else {
      fn(b.w0, b.w1, b.w2, b.units);
      has_b = wide.Next(&b);
    }
  }
}

Status DeltaMap::FlushSorted(SortedAggregates* cells, StoreBatch* totals) {
  narrow_.Seal();
  wide_.Seal();
  Status st;
  // A packed cell's big-endian bytes are its store key, the field
  // zero-padded: the key is the 13 fixed bytes plus the field's non-zero ones.
  auto key_of = [](uint64_t w0, uint64_t w1, uint64_t w2, char* out) {
    const uint64_t w[3] = {w0, w1, w2};
    for (int i = 0; i < 24; ++i)
      out[i] = static_cast<char>((w[i / 8] >> (56 - 8 * (i % 8))) & 0xff);
    size_t n = store_keys::kAggregateKeyFixedBytes;
    while (n < 24 && out[n] != 0) ++n;
    return n;
  };
  char buf[24];
  if (long_cells_.empty()) {
    ForEachMerged([&](uint64_t w0, uint64_t w1, uint64_t w2, Units units) {
      cells->Add(std::string_view(buf, key_of(w0, w1, w2, buf)), units);
    });
  } else {  // Rare: fields longer than 11 bytes. Merge both in key order.
    std::vector<std::pair<std::string, Units>> all;
    all.reserve(narrow_.size() + wide_.size() + long_cells_.size());
    ForEachMerged([&](uint64_t w0, uint64_t w1, uint64_t w2, Units units) {
      all.emplace_back(std::string(buf, key_of(w0, w1, w2, buf)), units);
    });
    std::string encoded;
    ForEachLongCell([&](const AggregateKey& key, Units units) {
      if (!store_keys::IsEncodableAggregateKey(key)) {
        st = Status::InvalidArgument("aggregate key out of range");
        return;
      }
      store_keys::EncodeAggregateKey(key, &encoded);
      all.emplace_back(encoded, units);
    });
    std::sort(all.begin(), all.end());
    for (const auto& [k, units] : all) cells->Add(k, units);
  }
  FlushTotals(totals);
  return st;
}

void DeltaMap::MoveInto(DeltaMap* into, StoreBatch* totals) {
  narrow_.Seal();
  wide_.Seal();
  into->narrow_.AbsorbMerged(narrow_);
  into->wide_.AbsorbMerged(wide_);
  for (const auto& [k, units] : long_cells_) into->long_cells_[k] += units;
  FlushTotals(totals);  // Clears this map.
}

void DeltaMap::Flush(StoreBatch* batch) {
  narrow_.Seal();
  wide_.Seal();
  AggregateKey key;
  ForEachMerged([&](uint64_t w0, uint64_t w1, uint64_t w2, Units units) {
    Unpack(w0, w1, w2, &key);
    batch->AddAggregate(key, units);
  });
  ForEachLongCell([&](const AggregateKey& k, Units units) { batch->AddAggregate(k, units); });
  FlushTotals(batch);
}

void DeltaMap::ForEachLongCell(const std::function<void(const AggregateKey&, Units)>& fn) const {
  AggregateKey key;
  for (const auto& [k, units] : long_cells_) {
    if (units == 0) continue;
    key.source = static_cast<Source>(k.first.first);
    key.year = k.first.second;
    key.cell = Cell{k.second.first.first, k.second.first.second};
    key.country[0] = k.second.second[0];
    key.country[1] = k.second.second[1];
    key.field = k.second.second.substr(2);
    fn(key, units);
  }
}

void DeltaMap::FlushTotals(StoreBatch* batch) {
  for (const auto& [sy, t] : totals_) {
    if (t.world != 0 || t.unlocated != 0 || t.records != 0) {
      batch->AddTotals(static_cast<Source>(sy.first), sy.second, t.world, t.unlocated, t.records);
    }
  }
  narrow_.Clear();
  wide_.Clear();
  long_cells_.clear();
  totals_.clear();
  cells_added_ = 0;
}

}  // namespace stc
