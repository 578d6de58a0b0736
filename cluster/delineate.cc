#include "cluster/delineate.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <tuple>

#include "cluster/dbscan.h"
#include "cluster/geo_index.h"
#include "cluster/geo_math.h"
#include "cluster/naming.h"
#include "core/hash.h"
#include "core/record_codec.h"
#include "core/threads.h"

namespace stc::cluster {
namespace {

uint64_t PackCell(const Cell& c) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(c.lat_idx)) << 32) |
         static_cast<uint32_t>(c.lon_idx);
}

// Packed cell -> its index among the cells seen, in order of first sight:
// open addressing with linear probing, at most half full (a node-based map
// was most of the aggregates' reading on fine grids, one row per cell, year,
// country and field).
class CellIds {
 public:
  CellIds() : keys_(kMinSlots), ids_(kMinSlots, 0) {}
  // The index of `key`; a new key gets `size()` and *added is set.
  uint32_t Find(uint64_t key, bool* added) {
    *added = false;
    for (size_t i = Slot(key);; i = (i + 1) & (ids_.size() - 1)) {
      if (ids_[i] == 0) {
        keys_[i] = key;
        ids_[i] = ++size_;  // Ids are index + 1: 0 marks an empty slot.
        *added = true;
        if (2 * size_ > ids_.size()) Grow();
        return size_ - 1;
      }
      if (keys_[i] == key) return ids_[i] - 1;
    }
  }
  uint32_t size() const { return size_; }

 private:
  static constexpr size_t kMinSlots = 1024;
  size_t Slot(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void Grow() {
    std::vector<uint64_t> keys(2 * keys_.size());
    std::vector<uint32_t> ids(2 * ids_.size(), 0);
    keys.swap(keys_);
    ids.swap(ids_);
    --shift_;
    for (size_t j = 0; j < ids.size(); ++j) {
      if (ids[j] == 0) continue;
      size_t i = Slot(keys[j]);
      while (ids_[i] != 0) i = (i + 1) & (ids_.size() - 1);
      keys_[i] = keys[j];
      ids_[i] = ids[j];
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<uint32_t> ids_;
  uint32_t size_ = 0;
  int shift_ = 64 - 10;  // 64 - log2(kMinSlots).
};

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

class DisjointSets {
 public:
  explicit DisjointSets(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  size_t Find(size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Union(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<size_t> parent_;
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

Result<std::vector<Units>> WorldTotals(const Store& store, const Edition& edition) {
  const size_t metrics = edition.metrics.size();
  std::vector<Units> world(metrics, 0);
  STC_ASSIGN_OR_RETURN(std::vector<YearTotals> totals, store.GetTotals());
  bool filtered = false;
  for (const YearTotals& t : totals) {
    for (size_t m = 0; m < metrics; ++m) {
      const MetricSpec& spec = edition.metrics[m];
      filtered |= !spec.exclude_fields.empty();
      if (spec.exclude_fields.empty() && t.source == spec.source && t.year >= spec.year_from &&
          t.year <= spec.year_to) {
        world[m] += t.world;
      }
    }
  }
  if (!filtered) return world;
  // Totals are not kept per field: count the filtered metrics' records, on
  // every core (integer sums: the split does not change them), decoding only
  // the records in a filtered window, as views (no copies).
  struct Part {
    std::vector<Units> world;
    CountedRecordView rec;
  };
  std::vector<Part> parts(static_cast<size_t>(ResolveThreads(0)));
  for (Part& part : parts) part.world.assign(metrics, 0);
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

  CellIds index;
  uint64_t last_key = 0;
  uint32_t last_id = UINT32_MAX;  // The last row's cell: rows of a cell come together.
  std::vector<Cell> cells;
  std::vector<Units> units;
  struct Raw {
    uint32_t cell;
    uint16_t country;
    uint8_t metric;
    Units units;
  };
  std::vector<Raw> raw;
  auto raw_less = [](const Raw& a, const Raw& b) {
    return std::tie(a.cell, a.country, a.metric) < std::tie(b.cell, b.country, b.metric);
  };
  auto same = [](const Raw& a, const Raw& b) {
    return a.cell == b.cell && a.country == b.country && a.metric == b.metric;
  };
  // Sorts `raw` and sums the entries of each (cell, country, metric) in place.
  auto fold = [&] {
    std::sort(raw.begin(), raw.end(), raw_less);
    size_t out = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (out > 0 && same(raw[out - 1], raw[i])) {
        raw[out - 1].units += raw[i].units;
      } else {
        raw[out++] = raw[i];
      }
    }
    raw.resize(out);
  };
  // The rows of a cell come once per year and field (key order: source,
  // year, cell, country, field): consecutive fields fold into the last
  // entry, and a full vector is folded before it grows, so it stays near the
  // number of distinct (cell, country, metric) instead of the number of rows
  // (growing and first touching a vector of every row was a fifth of
  // `export --by profile` on the 2M bench store).
  auto add_raw = [&](const Raw& r) {
    if (!raw.empty() && same(raw.back(), r)) {
      raw.back().units += r.units;
      return;
    }
    // Grows only when folding freed less than half the capacity, so each
    // fold follows at least capacity / 2 new entries.
    if (raw.size() == raw.capacity() && raw.size() >= (size_t{1} << 16)) {
      fold();
      if (raw.size() > raw.capacity() / 2) raw.reserve(raw.capacity() * 2);
    }
    raw.push_back(r);
  };
  STC_RETURN_IF_ERROR(store.ForEachAggregate([&](const AggregateKey& k, Units u) -> Status {
    for (size_t m = 0; m < metrics; ++m) {
      const MetricSpec& spec = edition.metrics[m];
      if (k.source != spec.source || k.year < spec.year_from || k.year > spec.year_to) continue;
      if (!spec.Counts(k.field)) continue;
      Cell c = store_step == d.grid_step_e5
                   ? k.cell
                   : grid.CellOf(store_grid.CentreLatE5(k.cell), store_grid.CentreLonE5(k.cell));
      const uint64_t key = PackCell(c);
      if (key != last_key || last_id == UINT32_MAX) {
        bool added = false;
        last_id = index.Find(key, &added);
        last_key = key;
        if (added) {
          cells.push_back(c);
          units.resize(units.size() + metrics, 0);
        }
      }
      units[static_cast<size_t>(last_id) * metrics + m] += u;
      uint16_t country = static_cast<uint16_t>((static_cast<uint8_t>(k.country[0]) << 8) |
                                               static_cast<uint8_t>(k.country[1]));
      add_raw({last_id, country, static_cast<uint8_t>(m), u});
    }
    return Status::Ok();
  }));

  // Sort the cells; renumber.
  std::vector<uint32_t> order(cells.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return cells[a] < cells[b]; });
  std::vector<uint32_t> rank(cells.size());
  d.cells.resize(cells.size());
  d.units.resize(units.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = i;
    d.cells[i] = cells[order[i]];
    std::copy_n(&units[static_cast<size_t>(order[i]) * metrics], metrics, &d.units[i * metrics]);
  }
  for (Raw& r : raw) r.cell = rank[r.cell];
  std::sort(raw.begin(), raw.end(), raw_less);
  for (const Raw& r : raw) {
    if (!d.countries.empty()) {
      DelineationData::CountryUnits& last = d.countries.back();
      uint16_t lc = static_cast<uint16_t>((static_cast<uint8_t>(last.country[0]) << 8) |
                                          static_cast<uint8_t>(last.country[1]));
      if (last.cell == r.cell && lc == r.country && last.metric == r.metric) {
        last.units += r.units;
        continue;
      }
    }
    DelineationData::CountryUnits cu;
    cu.cell = r.cell;
    cu.country[0] = static_cast<char>(r.country >> 8);
    cu.country[1] = static_cast<char>(r.country & 0xff);
    cu.metric = r.metric;
    cu.units = r.units;
    d.countries.push_back(cu);
  }

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

ClusterMap Delineate(const DelineationData& data, const PlaceLookup* places,
                     DelineationReport* report) {
  DelineationReport local;
  DelineationReport& rep = report ? *report : local;
  rep = {};
  const size_t metrics = data.metrics();
  const Grid grid(data.grid_step_e5);

  // 1. DBSCAN per metric. Clustered (cell, metric-cluster) pairs get global labels.
  struct Member {
    uint32_t cell;
    uint32_t label;  // Global metric-cluster label.
  };
  std::vector<Member> members;
  std::vector<uint8_t> member_metric;
  uint32_t labels = 0;
  for (size_t m = 0; m < metrics; ++m) {
    const MetricSpec& spec = data.edition.metrics[m];
    MetricReport mr;
    mr.source = spec.source;
    mr.world = data.world[m];
    if (data.world[m] <= 0) {
      rep.warnings.push_back("no " + std::string(SourceName(spec.source)) + " records in " +
                             spec.Years() + ": the metric is left out of the delineation");
      rep.metrics.push_back(mr);
      continue;
    }
    std::vector<WeightedLocation> pts;
    std::vector<uint32_t> cell_of;
    for (uint32_t i = 0; i < data.cells.size(); ++i) {
      Units u = data.UnitsOf(i, m);
      if (u <= 0) continue;
      pts.push_back({grid.CentreLatE5(data.cells[i]), grid.CentreLonE5(data.cells[i]), u});
      cell_of.push_back(i);
    }
    DbscanOptions o;
    o.eps_km = spec.eps_km;
    o.min_weight = spec.Threshold(data.world[m]);
    DbscanResult r = WeightedDbscan(pts, o);
    mr.threshold = o.min_weight;
    mr.locations = pts.size();
    mr.clusters = r.num_clusters;
    for (size_t i = 0; i < pts.size(); ++i) {
      mr.cores += r.core[i];
      if (r.cluster[i] == DbscanResult::kNoise) continue;
      ++mr.clustered;
      members.push_back({cell_of[i], labels + static_cast<uint32_t>(r.cluster[i])});
      member_metric.push_back(static_cast<uint8_t>(m));
    }
    labels += static_cast<uint32_t>(r.num_clusters);
    rep.metrics.push_back(mr);
  }

  // 2. Merge clusters of different metrics that touch (cells within merge_km).
  DisjointSets sets(labels);
  if (!members.empty()) {
    std::vector<int32_t> lat(members.size()), lon(members.size());
    for (size_t i = 0; i < members.size(); ++i) {
      lat[i] = grid.CentreLatE5(data.cells[members[i].cell]);
      lon[i] = grid.CentreLonE5(data.cells[members[i].cell]);
    }
    const GeoIndex index(lat, lon, data.edition.merge_km);
    const double limit = Chord2Limit(data.edition.merge_km);
    std::vector<UnitVec> v(members.size());
    for (size_t pos = 0; pos < members.size(); ++pos) {
      uint32_t i = index.order()[pos];
      v[pos] = ToUnitVec(lat[i], lon[i]);
    }
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    for (size_t b = 0; b < index.buckets(); ++b) {
      index.CandidateRanges(b, &ranges);
      auto [first, last] = index.BucketRange(b);
      for (uint32_t p = first; p < last; ++p) {
        const uint32_t i = index.order()[p];
        for (auto [lo, hi] : ranges) {
          for (uint32_t q = std::max(lo, p + 1); q < hi; ++q) {
            const uint32_t j = index.order()[q];
            if (member_metric[i] == member_metric[j]) continue;
            if (sets.Find(members[i].label) == sets.Find(members[j].label)) continue;
            if (Chord2(v[p], v[q]) <= limit) sets.Union(members[i].label, members[j].label);
          }
        }
      }
    }
  }

  // 3. Final clusters: cells, size score, numbering.
  std::vector<int64_t> cluster_of_root(labels, -1);
  struct Final {
    std::vector<uint32_t> cells;
    double score = 0;
  };
  std::vector<Final> finals;
  std::vector<int64_t> final_of_cell(data.cells.size(), -1);
  for (const Member& mb : members) {
    size_t root = sets.Find(mb.label);
    if (cluster_of_root[root] < 0) {
      cluster_of_root[root] = static_cast<int64_t>(finals.size());
      finals.emplace_back();
    }
    int64_t f = cluster_of_root[root];
    if (final_of_cell[mb.cell] < 0) {
      final_of_cell[mb.cell] = f;
      finals[f].cells.push_back(mb.cell);
    }
  }
  for (Final& f : finals) {
    std::sort(f.cells.begin(), f.cells.end());
    for (size_t m = 0; m < metrics; ++m) {
      if (data.world[m] <= 0) continue;
      Units u = 0;
      for (uint32_t c : f.cells) u += data.UnitsOf(c, m);
      f.score += static_cast<double>(u) / static_cast<double>(data.world[m]);
    }
  }
  std::vector<size_t> order(finals.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (finals[a].score != finals[b].score) return finals[a].score > finals[b].score;
    return finals[a].cells.front() < finals[b].cells.front();
  });

  ClusterMap map;
  map.grid_step_e5 = data.grid_step_e5;
  map.edition = data.edition.name;
  map.settings = data.edition.Settings();
  map.fingerprint = data.fingerprint;
  map.origin = "delineate";
  for (size_t k = 0; k < order.size(); ++k) {
    ClusterInfo info;
    info.id = static_cast<int32_t>(k + 1);
    map.clusters.push_back(info);
    for (uint32_t c : finals[order[k]].cells) map.cells.emplace_back(data.cells[c], info.id);
  }
  std::sort(map.cells.begin(), map.cells.end());
  map.ComputeFootprints();
  NameClusters(data, places, &map);
  rep.clusters = static_cast<int32_t>(map.clusters.size());
  rep.cluster_cells = map.cells.size();
  return map;
}

}  // namespace stc::cluster
