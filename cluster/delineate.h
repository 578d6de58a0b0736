// Delineation: from the store's aggregates to a cluster map.
//
// 1. LoadDelineationData sums the aggregates of each edition metric over its
//    year window, fields and countries into weighted cells on the edition's
//    grid (store cells re-snapped when the edition grid is coarser), and the
//    metric's world total (every record of the window, located or not).
// 2. Delineate runs weighted DBSCAN per metric (dbscan.h) with the metric's
//    eps and core threshold, merges clusters of different metrics when a cell
//    of one lies within the edition's merge_km of a cell of the other
//    (union-find), and numbers the merged clusters 1, 2, ... by descending
//    size score (sum over metrics of the cluster's share of the world total;
//    ties: the smallest cell first). A cluster's footprint is the union of
//    its member cells; names and economies come from naming.h.
//
// Deterministic: the same aggregates and edition give the same map, byte for
// byte (EncodeClusterMap), whatever the store's history.
//
// Thread-safety: functions of their arguments; the store must stay open.
#ifndef STCLUSTER_CLUSTER_DELINEATE_H_
#define STCLUSTER_CLUSTER_DELINEATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/edition.h"
#include "core/grid.h"
#include "core/status.h"
#include "core/units.h"
#include "stores/store.h"

namespace stc::cluster {

class PlaceLookup;

// The weighted cells of an edition's metrics.
struct DelineationData {
  Edition edition;
  int32_t grid_step_e5 = 1000;  // Grid of `cells` (the edition's).
  std::vector<Units> world;     // Per metric: world total of the window.
  std::vector<Cell> cells;      // Distinct cells with any weight, sorted.
  std::vector<Units> units;     // cells.size() x metrics: units[i * metrics + m].
  struct CountryUnits {
    uint32_t cell = 0;  // Index into `cells`.
    char country[2] = {0, 0};
    uint8_t metric = 0;
    Units units = 0;
  };
  std::vector<CountryUnits> countries;  // Sorted by (cell, country, metric).
  uint64_t fingerprint = 0;             // Hash of all of the above but `edition`'s settings.

  size_t metrics() const { return edition.metrics.size(); }
  Units UnitsOf(size_t cell, size_t metric) const { return units[cell * metrics() + metric]; }
  // Sum over metrics of the cell's share of the world total (fraction, not %).
  double Activity(size_t cell) const;
};

// The world total of each edition metric: every record of the window
// (located or not) whose field the metric's subject filter keeps. From the
// per-year totals, or, for a metric with a subject filter, by counting the
// stored records (totals are not kept per field). Store errors as they come.
Result<std::vector<Units>> WorldTotals(const Store& store, const Edition& edition);
// The part of WorldTotals kept in the per-year totals: the world totals of
// the metrics without a subject filter, 0 for the others (which a caller
// that scans the records anyway counts there). Store errors as they come.
Result<std::vector<Units>> UnfilteredWorldTotals(const Store& store, const Edition& edition);

// Reads the aggregates for `edition`. InvalidArgument when the edition grid
// is not a multiple of the store grid; store errors as they come.
Result<DelineationData> LoadDelineationData(const Store& store, const Edition& edition);

// A rounded location outside every cluster with enough weight to be drawn.
struct NoisePoint {
  int32_t lat_e5 = 0, lon_e5 = 0;  // Cell centre.
  Units units = 0;                 // Summed over the edition's metrics.
  friend bool operator==(const NoisePoint&, const NoisePoint&) = default;
};

// The noise locations of `data` (the edition's weighted cells): cells whose
// centre lies in no cluster of `map` and whose weight summed over the
// edition's metrics is at least `min_units` (WIPO draws "rounded locations
// with at least five records": 5 * kUnit). Sorted by cell.
std::vector<NoisePoint> NoiseLocations(const DelineationData& data, const ClusterMap& map,
                                       Units min_units);

struct MetricReport {
  Source source = Source::kPct;
  Units world = 0;
  Units threshold = 0;  // Core threshold used.
  size_t locations = 0, cores = 0, clustered = 0;
  int32_t clusters = 0;  // Before merging.
};

struct DelineationReport {
  std::vector<MetricReport> metrics;
  int32_t clusters = 0;               // After merging.
  size_t cluster_cells = 0;           // Cells in a cluster.
  std::vector<std::string> warnings;  // E.g. a metric without records.
};

// Delineates `data`. `places` names the clusters (nullptr: coordinate names,
// see naming.h). Never fails on data; `report` may be nullptr.
ClusterMap Delineate(const DelineationData& data, const PlaceLookup* places,
                     DelineationReport* report);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_DELINEATE_H_
