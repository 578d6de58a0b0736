// Reading the aggregates for a delineation (LoadDelineationData), the world
// totals of an edition's metrics (WorldTotals) and the noise locations of a
// delineation (NoiseLocations); the delineation itself is delineate.cc.
#include <algorithm>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "cluster/delineate.h"
#include "core/hash.h"
#include "core/record_codec.h"
#include "core/threads.h"

namespace stc::cluster {
namespace {

// A cell as a number that sorts as the cell does (Cell's operator<: by
// latitude index, then longitude index, both signed), and back.
uint64_t CellKey(const Cell& c) {
  return static_cast<uint64_t>(static_cast<uint32_t>(c.lat_idx) ^ 0x80000000u) << 32 |
         (static_cast<uint32_t>(c.lon_idx) ^ 0x80000000u);
}
Cell CellOfKey(uint64_t key) {
  return Cell{static_cast<int32_t>(static_cast<uint32_t>(key >> 32) ^ 0x80000000u),
              static_cast<int32_t>(static_cast<uint32_t>(key) ^ 0x80000000u)};
}

// Feeds fixed-width values into a running Hash64 in chunks.
class Fingerprinter {
 public:
  template <typename T>
  void Add(const T& v) {
    const char* p = reinterpret_cast<const char*>(&v);
    buf_.append(p, sizeof(T));
    if (buf_.size() >= 4096) Flush();
  }
  uint64_t Finish() {
    Flush();
    return h_;
  }

 private:
  void Flush() {
    h_ = Hash64(buf_, h_);
    buf_.clear();
  }
  std::string buf_;
  uint64_t h_ = 0x5354434C55535452ULL;  // "STCLUSTR".
};

}  // namespace

double DelineationData::Activity(size_t cell) const {
  double a = 0;
  for (size_t m = 0; m < metrics(); ++m) {
    if (world[m] > 0) {
      a += edition.metrics[m].weight * static_cast<double>(UnitsOf(cell, m)) /
           static_cast<double>(world[m]);
    }
  }
  return a;
}

Result<std::vector<Units>> UnfilteredWorldTotals(const Store& store, const Edition& edition) {
  const size_t metrics = edition.metrics.size();
  std::vector<Units> world(metrics, 0);
  STC_ASSIGN_OR_RETURN(std::vector<YearTotals> totals, store.GetTotals());
  for (const YearTotals& t : totals) {
    for (size_t m = 0; m < metrics; ++m) {
      const MetricSpec& spec = edition.metrics[m];
      if (spec.exclude_fields.empty() && t.source == spec.source && t.year >= spec.year_from &&
          t.year <= spec.year_to) {
        world[m] += t.world;
      }
    }
  }
  return world;
}

Result<std::vector<Units>> WorldTotals(const Store& store, const Edition& edition) {
  const size_t metrics = edition.metrics.size();
  STC_ASSIGN_OR_RETURN(std::vector<Units> world, UnfilteredWorldTotals(store, edition));
  bool filtered = false;
  for (const MetricSpec& spec : edition.metrics) filtered |= !spec.exclude_fields.empty();
  if (!filtered) return world;
  // Totals are not kept per field: count the filtered metrics' records, on
  // every core (integer sums: the split does not change them), decoding only
  // the records in a filtered window, as views (no copies).
  struct Part {
    std::vector<Units> world;
    CountedRecordView rec;
  };
  std::vector<Part> parts(static_cast<size_t>(ResolveThreads(0)));
  for (Part& part : parts) {
    ReserveThreadScratch(&part.world);
    part.world.assign(metrics, 0);
    ReserveThreadScratch(&part.rec);
  }
  STC_RETURN_IF_ERROR(store.ForEachRecordParallel(
      parts.size(),
      [&](size_t part_index, Source source, std::string_view key,
          std::string_view value) -> Status {
        Part& part = parts[part_index];
        int32_t year = 0, version = 0;
        if (!PeekYearVersion(value, &year, &version)) {
          return Status::Corruption("record " + std::string(SourceName(source)) + " " +
                                    std::string(key) + ": unreadable");
        }
        bool decoded = false;
        for (size_t m = 0; m < metrics; ++m) {
          const MetricSpec& spec = edition.metrics[m];
          if (spec.exclude_fields.empty() || source != spec.source || year < spec.year_from ||
              year > spec.year_to) {
            continue;
          }
          if (!decoded) {
            STC_RETURN_IF_ERROR(DecodeCountedRecordView(value, &part.rec));
            decoded = true;
          }
          if (spec.Counts(part.rec.field)) part.world[m] += kUnit;
        }
        return Status::Ok();
      }));
  for (const Part& part : parts) {
    for (size_t m = 0; m < metrics; ++m) world[m] += part.world[m];
  }
  return world;
}

namespace {

// (cell, country, metric) -> units.
struct Raw {
  uint64_t cell;  // CellKey.
  uint16_t country;
  uint8_t metric;
  Units units;
};
// The order of (cell, country, metric). A function object, so that std::sort
// inlines it (through a function pointer it was a call per comparison).
struct RawOrder {
  static uint32_t Rest(const Raw& r) { return uint32_t{r.country} << 8 | r.metric; }
  bool operator()(const Raw& a, const Raw& b) const {
    return a.cell != b.cell ? a.cell < b.cell : Rest(a) < Rest(b);
  }
};
inline bool RawLess(const Raw& a, const Raw& b) { return RawOrder()(a, b); }
inline bool SameRaw(const Raw& a, const Raw& b) {
  return a.cell == b.cell && a.country == b.country && a.metric == b.metric;
}

// What one key range of the aggregates adds up to: its (cell, country,
// metric) sums. Made by the part's thread, and aligned, so that two parts
// never write to one cache line (a per-part scratch key side by side with
// the other part's made a two-part scan cost more CPU than the serial one).
struct alignas(64) LoadPart {
  // Sorts `raw` and sums the entries of each (cell, country, metric) in
  // place. The entries come as sorted runs, one per (source, year) of the
  // key range on the store's grid (key order: source, year, cell, country,
  // field): a few runs are merged, pairwise, instead of sorted (std::sort
  // of such runs was a tenth of `rank --clusters` on a 0.01-degree store);
  // many (a coarser edition grid, whose cells come back row after row) are
  // sorted.
  void Fold() {
    if (run_starts.size() + 1 > kMaxMergedRuns) {
      std::sort(raw.begin(), raw.end(), RawOrder());
    } else {
      MergeRuns();
    }
    run_starts.clear();
    size_t out = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (out > 0 && SameRaw(raw[out - 1], raw[i])) {
        raw[out - 1].units += raw[i].units;
      } else {
        raw[out++] = raw[i];
      }
    }
    raw.resize(out);
  }
  // The rows of a cell come once per year and field (key order: source,
  // year, cell, country, field): consecutive fields fold into the last
  // entry, and a full vector is folded before it grows, so it stays near the
  // number of distinct (cell, country, metric) instead of the number of rows
  // (growing and first touching a vector of every row was a fifth of
  // `export --by profile` on the 2M bench store).
  void Add(const Raw& r) {
    if (!raw.empty() && SameRaw(raw.back(), r)) {
      raw.back().units += r.units;
      return;
    }
    // Grows only when folding freed less than half the capacity, so each
    // fold follows at least capacity / 2 new entries.
    if (raw.size() == raw.capacity() && raw.size() >= (size_t{1} << 16)) {
      Fold();
      if (raw.size() > raw.capacity() / 2) raw.reserve(raw.capacity() * 2);
    }
    if (!raw.empty() && RawLess(r, raw.back())) run_starts.push_back(raw.size());
    raw.push_back(r);
  }

  std::vector<Raw> raw;
  std::vector<size_t> run_starts;  // Where each sorted run of `raw` after the first starts.

 private:
  // Up to this many runs are merged; more are sorted.
  static constexpr size_t kMaxMergedRuns = 64;

  // Merges the sorted runs of `raw` pairwise until one is left.
  void MergeRuns() {
    std::vector<size_t> bounds;  // Run i is [bounds[i], bounds[i + 1]).
    bounds.reserve(run_starts.size() + 2);
    bounds.push_back(0);
    bounds.insert(bounds.end(), run_starts.begin(), run_starts.end());
    bounds.push_back(raw.size());
    while (bounds.size() > 2) {
      size_t kept = 1;  // bounds[0, kept) are the merged runs' bounds.
      size_t i = 0;
      for (; i + 2 < bounds.size(); i += 2) {
        std::inplace_merge(raw.begin() + static_cast<std::ptrdiff_t>(bounds[i]),
                           raw.begin() + static_cast<std::ptrdiff_t>(bounds[i + 1]),
                           raw.begin() + static_cast<std::ptrdiff_t>(bounds[i + 2]), RawOrder());
        bounds[kept++] = bounds[i + 2];
      }
      if (i + 1 < bounds.size()) bounds[kept++] = bounds.back();  // An odd run: carried.
      bounds.resize(kept);
    }
  }
};

}  // namespace

Result<DelineationData> LoadDelineationData(const Store& store, const Edition& edition) {
  DelineationData d;
  d.edition = edition;
  const int32_t store_step = store.grid().step_e5();
  d.grid_step_e5 = edition.grid_step_e5 > 0 ? edition.grid_step_e5 : store_step;
  if (!Grid::IsValidStep(d.grid_step_e5) || d.grid_step_e5 % store_step != 0) {
    return Status::InvalidArgument(
        "edition " + edition.name + " works on a " + FormatE5(d.grid_step_e5) +
        " degree grid, which is not a multiple of the store's " + FormatE5(store_step) +
        " degree grid (re-ingest into a store with a finer --grid-deg, or change the edition)");
  }
  const Grid store_grid = store.grid(), grid(d.grid_step_e5);
  const size_t metrics = edition.metrics.size();

  // The aggregates in key ranges, one thread each, each summing its
  // (cell, country, metric) entries; then one merge of the parts' sorted
  // entries gives the cells in order, their units and the country splits
  // (integer sums: the split does not change them).
  std::vector<std::unique_ptr<LoadPart>> parts(static_cast<size_t>(ResolveThreads(0)));
  STC_RETURN_IF_ERROR(store.ForEachAggregateParallel(
      parts.size(), [&](size_t part_index, const AggregateKey& k, Units u) -> Status {
        std::unique_ptr<LoadPart>& part = parts[part_index];
        if (part == nullptr) part = std::make_unique<LoadPart>();
        for (size_t m = 0; m < metrics; ++m) {
          const MetricSpec& spec = edition.metrics[m];
          if (k.source != spec.source || k.year < spec.year_from || k.year > spec.year_to) continue;
          if (!spec.Counts(k.field)) continue;
          const Cell c = store_step == d.grid_step_e5 ? k.cell
                                                      : grid.CellOf(store_grid.CentreLatE5(k.cell),
                                                                    store_grid.CentreLonE5(k.cell));
          const uint16_t country = static_cast<uint16_t>((static_cast<uint8_t>(k.country[0]) << 8) |
                                                         static_cast<uint8_t>(k.country[1]));
          part->Add({CellKey(c), country, static_cast<uint8_t>(m), u});
        }
        return Status::Ok();
      }));
  std::vector<std::span<const Raw>> runs;
  for (std::unique_ptr<LoadPart>& part : parts) {
    if (part == nullptr) continue;
    part->Fold();
    runs.emplace_back(part->raw);
  }
  // The merge: the smallest head of the runs (few: one per part) each time.
  std::vector<size_t> at(runs.size(), 0);
  uint64_t last_cell = 0;
  for (;;) {
    size_t best = runs.size();
    for (size_t i = 0; i < runs.size(); ++i) {
      if (at[i] < runs[i].size() &&
          (best == runs.size() || RawLess(runs[i][at[i]], runs[best][at[best]]))) {
        best = i;
      }
    }
    if (best == runs.size()) break;
    const Raw& r = runs[best][at[best]++];
    if (d.cells.empty() || r.cell != last_cell) {
      d.cells.push_back(CellOfKey(r.cell));
      d.units.resize(d.units.size() + metrics, 0);
      last_cell = r.cell;
    }
    const uint32_t cell = static_cast<uint32_t>(d.cells.size() - 1);
    d.units[static_cast<size_t>(cell) * metrics + r.metric] += r.units;
    if (!d.countries.empty()) {
      DelineationData::CountryUnits& last = d.countries.back();
      const uint16_t lc = static_cast<uint16_t>((static_cast<uint8_t>(last.country[0]) << 8) |
                                                static_cast<uint8_t>(last.country[1]));
      if (last.cell == cell && lc == r.country && last.metric == r.metric) {
        last.units += r.units;
        continue;
      }
    }
    DelineationData::CountryUnits cu;
    cu.cell = cell;
    cu.country[0] = static_cast<char>(r.country >> 8);
    cu.country[1] = static_cast<char>(r.country & 0xff);
    cu.metric = r.metric;
    cu.units = r.units;
    d.countries.push_back(cu);
  }
  parts.clear();

  STC_ASSIGN_OR_RETURN(d.world, WorldTotals(store, edition));

  Fingerprinter fp;
  fp.Add(d.grid_step_e5);
  for (size_t m = 0; m < metrics; ++m) {
    fp.Add(static_cast<uint8_t>(edition.metrics[m].source));
    fp.Add(edition.metrics[m].year_from);
    fp.Add(edition.metrics[m].year_to);
    fp.Add(d.world[m]);
  }
  for (size_t i = 0; i < d.cells.size(); ++i) {
    fp.Add(d.cells[i].lat_idx);
    fp.Add(d.cells[i].lon_idx);
    for (size_t m = 0; m < metrics; ++m) fp.Add(d.units[i * metrics + m]);
  }
  for (const auto& c : d.countries) {
    fp.Add(c.cell);
    fp.Add(c.country);
    fp.Add(c.metric);
    fp.Add(c.units);
  }
  d.fingerprint = fp.Finish();
  return d;
}

std::vector<NoisePoint> NoiseLocations(const DelineationData& data, const ClusterMap& map,
                                       Units min_units) {
  std::vector<NoisePoint> out;
  const size_t metrics = data.metrics();
  for (size_t i = 0; i < data.cells.size(); ++i) {
    Units sum = 0;
    for (size_t m = 0; m < metrics; ++m) sum += data.UnitsOf(i, m);
    if (sum < min_units || sum <= 0) continue;
    const int32_t lat = data.cells[i].lat_idx * data.grid_step_e5;
    const int32_t lon = data.cells[i].lon_idx * data.grid_step_e5;
    if (map.ClusterAt(lat, lon) != 0) continue;
    out.push_back({lat, lon, sum});
  }
  return out;
}

}  // namespace stc::cluster
