// The delineation of a cluster map from the aggregates read for it
// (delineation_data.cc): DBSCAN per metric, the union of the metrics'
// clusters, naming.
#include "cluster/delineate.h"

#include <algorithm>
#include <numeric>

#include "cluster/dbscan.h"
#include "cluster/geo_index.h"
#include "cluster/geo_math.h"
#include "cluster/naming.h"

namespace stc::cluster {
namespace {

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
  // Only members of two different metrics are compared: with clusters of one
  // metric there is nothing to merge.
  DisjointSets sets(labels);
  bool several_metrics = false;
  for (uint8_t m : member_metric) several_metrics |= m != member_metric.front();
  if (several_metrics) {
    std::vector<int32_t> lat(members.size()), lon(members.size());
    for (size_t i = 0; i < members.size(); ++i) {
      lat[i] = grid.CentreLatE5(data.cells[members[i].cell]);
      lon[i] = grid.CentreLonE5(data.cells[members[i].cell]);
    }
    const GeoIndex index(lat, lon, data.edition.merge_km);
    const double limit = Chord2Limit(data.edition.merge_km);
    std::vector<UnitVec> v(members.size());
    std::vector<uint8_t> metric(members.size());  // By position: read in order.
    for (size_t pos = 0; pos < members.size(); ++pos) {
      uint32_t i = index.order()[pos];
      v[pos] = ToUnitVec(lat[i], lon[i]);
      metric[pos] = member_metric[i];
    }
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    for (size_t b = 0; b < index.buckets(); ++b) {
      index.CandidateRanges(b, &ranges);
      auto [first, last] = index.BucketRange(b);
      for (uint32_t p = first; p < last; ++p) {
        const uint32_t i = index.order()[p];
        for (auto [lo, hi] : ranges) {
          for (uint32_t q = std::max(lo, p + 1); q < hi; ++q) {
            if (metric[p] == metric[q]) continue;
            const uint32_t j = index.order()[q];
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
