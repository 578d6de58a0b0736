#include "pipeline/verify.h"

#include <algorithm>
#include <utility>

#include "cluster/cluster_map.h"
#include "cluster/map_store.h"
#include "core/record_codec.h"
#include "pipeline/contributions.h"
#include "stores/keys.h"

namespace stc {
namespace {

namespace sk = store_keys;

// Record keys are normalised text; anything unprintable is shown as \xNN.
std::string Printable(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string RecordName(Source source, std::string_view key) {
  return "record " + std::string(SourceName(source)) + " " + Printable(key);
}

// Collects the listed and counted problems.
class Problems {
 public:
  Problems(VerifyReport* report, size_t max) : report_(report), max_(max) {}
  void Add(std::string text) {
    ++report_->problem_count;
    if (report_->problems.size() < max_) report_->problems.push_back(std::move(text));
  }

 private:
  VerifyReport* report_;
  size_t max_;
};

// The invariants of one decoded record (core/record.h); "" when it holds them.
std::string CheckRecord(const CountedRecord& r) {
  if (r.year < 0 || r.year > sk::kMaxYear)
    return "year " + std::to_string(r.year) + " out of range";
  if (r.field.size() > sk::kMaxFieldBytes) return "field longer than 255 bytes";
  if (r.unlocated < 0) return "negative unlocated units " + FormatUnits(r.unlocated);
  // Unsigned sum: hostile values wrap instead of overflowing.
  uint64_t sum = static_cast<uint64_t>(r.unlocated);
  for (const WeightedPoint& p : r.points) {
    if (p.units <= 0) return "a point with units " + FormatUnits(p.units);
    if (p.lat_e5 < -90 * kE5PerDegree || p.lat_e5 > 90 * kE5PerDegree ||
        p.lon_e5 < -180 * kE5PerDegree || p.lon_e5 > 180 * kE5PerDegree) {
      return "a point outside the globe (" + FormatE5(p.lat_e5) + "," + FormatE5(p.lon_e5) + ")";
    }
    sum += static_cast<uint64_t>(p.units);
  }
  if (sum != static_cast<uint64_t>(kUnit)) {
    return "units sum to " + FormatUnits(static_cast<Units>(sum)) +
           " (points + unlocated), not exactly 1";
  }
  return "";
}

void AddDifference(VerifyReport* report, size_t max, VerifyDifference d) {
  ++report->difference_count;
  if (report->differences.size() < max) report->differences.push_back(std::move(d));
}

// Compares the stored aggregates (streamed in key order) with `recomputed`
// (sorted by AggregateKeyLess).
Status CompareAggregates(const Store& store,
                         const std::vector<std::pair<AggregateKey, Units>>& recomputed, size_t max,
                         VerifyReport* report) {
  size_t i = 0;
  auto differ = [&](const AggregateKey& k, Units stored, Units again) {
    VerifyDifference d;
    d.key = k;
    d.column = "units";
    d.stored = stored;
    d.recomputed = again;
    AddDifference(report, max, std::move(d));
  };
  STC_RETURN_IF_ERROR(store.ForEachAggregate([&](const AggregateKey& k, Units units) {
    ++report->aggregates_stored;
    while (i < recomputed.size() && sk::AggregateKeyLess(recomputed[i].first, k)) {
      differ(recomputed[i].first, 0, recomputed[i].second);
      ++i;
    }
    if (i < recomputed.size() && recomputed[i].first == k) {
      if (recomputed[i].second != units) differ(k, units, recomputed[i].second);
      ++i;
    } else {
      differ(k, units, 0);
    }
    return Status::Ok();
  }));
  for (; i < recomputed.size(); ++i) differ(recomputed[i].first, 0, recomputed[i].second);
  return Status::Ok();
}

struct TotalsRow {
  Units world = 0, unlocated = 0;
  int64_t records = 0;
};

Status CompareTotals(const Store& store,
                     const std::vector<std::pair<std::pair<Source, int32_t>, TotalsRow>>& again,
                     size_t max, VerifyReport* report) {
  STC_ASSIGN_OR_RETURN(std::vector<YearTotals> stored, store.GetTotals());
  report->totals_stored = static_cast<int64_t>(stored.size());
  // Both lists are in (source, year) order.
  size_t a = 0, b = 0;
  while (a < stored.size() || b < again.size()) {
    std::pair<Source, int32_t> key;
    TotalsRow s, r;
    if (b == again.size() ||
        (a < stored.size() && std::make_pair(stored[a].source, stored[a].year) < again[b].first)) {
      key = {stored[a].source, stored[a].year};
      s = {stored[a].world, stored[a].unlocated, stored[a].records};
      ++a;
    } else if (a == stored.size() ||
               again[b].first < std::make_pair(stored[a].source, stored[a].year)) {
      key = again[b].first;
      r = again[b].second;
      ++b;
    } else {
      key = again[b].first;
      s = {stored[a].world, stored[a].unlocated, stored[a].records};
      r = again[b].second;
      ++a;
      ++b;
    }
    auto column = [&](const char* name, int64_t sv, int64_t rv) {
      if (sv == rv) return;
      VerifyDifference d;
      d.is_totals = true;
      d.key.source = key.first;
      d.key.year = key.second;
      d.column = name;
      d.stored = sv;
      d.recomputed = rv;
      AddDifference(report, max, std::move(d));
    };
    column("world", s.world, r.world);
    column("unlocated", s.unlocated, r.unlocated);
    column("records", s.records, r.records);
  }
  return Status::Ok();
}

std::string CellText(const Grid& grid, const Cell& c) {
  return FormatE5(grid.CentreLatE5(c)) + "," + FormatE5(grid.CentreLonE5(c));
}

// The invariants of one stored cluster map that parsing does not already
// guarantee (ParseClusterMap rejects bad ids, a cell in two clusters and bad
// coordinates, and recomputes the footprints from the cells, so footprints
// always contain their cells). A map's grid may be coarser than the store's
// (a multiple of it: store cells are re-snapped onto it, docs/clusters.md).
// `data_cells` (sorted, store grid) are the cells holding units, used for the
// notes on the current map only.
void CheckClusterMap(const cluster::ClusterMap& map, const Grid& store_grid, bool current,
                     const std::vector<Cell>& data_cells, Problems* problems,
                     std::vector<std::string>* notes) {
  const std::string what = "cluster map version " + std::to_string(map.version);
  if (map.grid_step_e5 % store_grid.step_e5() != 0) {
    problems->Add(what + ": grid " + FormatE5(map.grid_step_e5) +
                  " degree is not a multiple of the store's grid " +
                  FormatE5(store_grid.step_e5()) + " degree");
    return;  // Store cells cannot be resolved on it.
  }
  const Grid grid(map.grid_step_e5);
  // The cells the grid can produce: latitudes snapped from [-90, 90],
  // longitudes in [-180, 180) (ties round up, +180 folds onto -180).
  const int32_t half_turn = 180 * kE5PerDegree / grid.step_e5();
  const Cell lo{grid.CellOf(-90 * kE5PerDegree, 0).lat_idx, -half_turn};
  const Cell hi{grid.CellOf(90 * kE5PerDegree, 0).lat_idx, half_turn - 1};
  int64_t bad_cells = 0, orphan_cells = 0;
  std::string first_bad, first_orphan;
  for (const auto& [cell, id] : map.cells) {
    if (cell.lat_idx < lo.lat_idx || cell.lat_idx > hi.lat_idx || cell.lon_idx < lo.lon_idx ||
        cell.lon_idx > hi.lon_idx) {
      if (bad_cells++ == 0) first_bad = CellText(grid, cell);
    }
    if (map.Find(id) == nullptr) {
      if (orphan_cells++ == 0) first_orphan = CellText(grid, cell) + " -> " + std::to_string(id);
    }
  }
  if (bad_cells > 0) {
    problems->Add(what + ": " + std::to_string(bad_cells) +
                  " cells are not cells of its grid (first: " + first_bad + ")");
  }
  if (orphan_cells > 0) {
    problems->Add(what + ": " + std::to_string(orphan_cells) +
                  " cells name a cluster the map does not list (first: " + first_orphan + ")");
  }
  if (!current) return;
  int64_t empty_clusters = 0;
  for (const cluster::ClusterInfo& c : map.clusters) empty_clusters += c.cells == 0 ? 1 : 0;
  if (empty_clusters > 0) {
    notes->push_back(what + " (current): " + std::to_string(empty_clusters) +
                     " clusters have no cells");
  }
  // The store's cells on the map's grid.
  std::vector<Cell> held;
  held.reserve(data_cells.size());
  for (const Cell& c : data_cells) {
    held.push_back(grid.CellOf(store_grid.CentreLatE5(c), store_grid.CentreLonE5(c)));
  }
  std::sort(held.begin(), held.end());
  held.erase(std::unique(held.begin(), held.end()), held.end());
  int64_t unused_cells = 0;
  for (const auto& [cell, id] : map.cells) {
    unused_cells += std::binary_search(held.begin(), held.end(), cell) ? 0 : 1;
  }
  if (unused_cells > 0) {
    notes->push_back(what + " (current): " + std::to_string(unused_cells) + " of " +
                     std::to_string(map.cells.size()) +
                     " mapped cells hold no units (a map older than the data?)");
  }
}

Status CheckClusterMaps(const Store& store, const std::vector<Cell>& data_cells, Problems* problems,
                        VerifyReport* report) {
  STC_ASSIGN_OR_RETURN(std::optional<uint64_t> current, store.CurrentClusterMap());
  report->current_cluster_map = current;
  STC_ASSIGN_OR_RETURN(std::vector<uint64_t> versions, store.ClusterMapVersions());
  if (current.has_value() && !std::binary_search(versions.begin(), versions.end(), *current)) {
    problems->Add("the current cluster map version " + std::to_string(*current) + " is not stored");
  }
  for (uint64_t v : versions) {
    ++report->cluster_maps;
    Result<cluster::ClusterMap> map = cluster::LoadClusterMap(store, v);
    if (!map.ok()) {
      if (map.status().code() != StatusCode::kDataError) return map.status();
      problems->Add("cluster map version " + std::to_string(v) +
                    " does not parse: " + map.status().message());
      continue;
    }
    CheckClusterMap(*map, store.grid(), current == v, data_cells, problems, &report->notes);
  }
  return Status::Ok();
}

}  // namespace

std::string DescribeDifferenceKey(const VerifyDifference& d, const Grid& grid) {
  std::string out = std::string(SourceName(d.key.source)) + " " + std::to_string(d.key.year);
  if (d.is_totals) return out + " totals";
  out += " " + CellText(grid, d.key.cell) + " ";
  out += d.key.country[0] == 0 && d.key.country[1] == 0 ? std::string("--")
                                                        : Printable({d.key.country, 2});
  out += " " + (d.key.field.empty() ? std::string("-") : Printable(d.key.field));
  return out;
}

Result<VerifyReport> VerifyStore(const Store& store, const VerifyOptions& options) {
  VerifyReport report;
  Problems problems(&report, options.max_differences);
  const Grid& grid = store.grid();

  // 1. Stream the records into the writer's delta map, then take the
  // combined deltas out of it (each scope frees its buffer).
  std::vector<std::pair<AggregateKey, Units>> aggregates;
  std::vector<std::pair<std::pair<Source, int32_t>, TotalsRow>> totals;
  {
    StoreBatch batch;
    {
      DeltaMap deltas;
      CountedRecord r;
      STC_RETURN_IF_ERROR(
          store.ForEachRecord([&](Source source, std::string_view key, std::string_view value) {
            ++report.records;
            Status st = DecodeCountedRecord(value, &r);
            if (!st.ok()) {
              problems.Add(RecordName(source, key) + " does not decode: " + st.message());
              return Status::Ok();
            }
            r.source = source;
            std::string why = CheckRecord(r);
            if (!why.empty()) {
              problems.Add(RecordName(source, key) + ": " + why);
              // A year the store cannot key has no aggregates to compare.
              if (r.year < 0 || r.year > sk::kMaxYear || r.field.size() > sk::kMaxFieldBytes) {
                return Status::Ok();
              }
            }
            deltas.Add(r, +1, grid);
            return Status::Ok();
          }));
      deltas.Flush(&batch);
    }
    batch.ForEachAggregateDelta(
        [&](const AggregateKey& k, Units u) { aggregates.emplace_back(k, u); });
    batch.ForEachTotalsDelta([&](Source s, int32_t y, Units w, Units u, int64_t n) {
      totals.push_back({{s, y}, {w, u, n}});
    });
  }

  // 2. The recomputed aggregates and totals, in the store's key order.
  std::sort(aggregates.begin(), aggregates.end(),
            [](const auto& a, const auto& b) { return sk::AggregateKeyLess(a.first, b.first); });
  std::sort(totals.begin(), totals.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  report.aggregates_recomputed = static_cast<int64_t>(aggregates.size());

  // 3. Compare.
  STC_RETURN_IF_ERROR(CompareAggregates(store, aggregates, options.max_differences, &report));
  STC_RETURN_IF_ERROR(CompareTotals(store, totals, options.max_differences, &report));

  // 4. Cluster maps.
  if (options.check_cluster_maps) {
    std::vector<Cell> cells;
    cells.reserve(aggregates.size());
    for (const auto& [k, u] : aggregates) cells.push_back(k.cell);
    aggregates.clear();
    aggregates.shrink_to_fit();
    std::sort(cells.begin(), cells.end());
    cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
    STC_RETURN_IF_ERROR(CheckClusterMaps(store, cells, &problems, &report));
  }
  return report;
}

}  // namespace stc
