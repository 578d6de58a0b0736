// The size ranking of an edition's clusters, and its outputs.
//
// A cluster's count for a metric is the sum of the aggregates of the metric's
// year window over every store cell the cluster map assigns to it; the world
// total is the sum of the window's world totals (all records, located or
// not). Score = sum over the edition's metrics of 100 * count / world (a
// metric with no record in its window contributes 0).
//
// With metric weights (MetricSpec::weight) the score is the weighted sum.
//
// Order: descending score; equal scores (as doubles computed in metric
// order) by descending count of the first metric, then of the next ones,
// then by ascending cluster id (the delineation order). Clusters with a zero
// score are left out.
//
// Thread-safety: functions of their arguments.
#ifndef STCLUSTER_CLUSTER_RANKING_H_
#define STCLUSTER_CLUSTER_RANKING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/delineate.h"
#include "cluster/edition.h"
#include "core/status.h"
#include "core/units.h"
#include "stores/store.h"

namespace stc::cluster {

struct RankedCluster {
  int rank = 0;  // 1-based.
  int32_t id = 0;
  std::string name, economy;
  std::vector<Units> units;          // Per edition metric, exact.
  std::vector<double> share_pct;     // Per edition metric: 100 * units / world.
  double score = 0;                  // Sum of weight * share_pct.
  std::optional<int> previous_rank;  // From ApplyPreviousRanking.
};

struct Ranking {
  Edition edition;
  uint64_t map_version = 0;
  std::string map_edition;
  uint64_t map_fingerprint = 0;
  std::vector<Units> world;         // Per metric.
  std::vector<Units> clustered;     // Per metric: units inside any cluster.
  std::vector<RankedCluster> rows;  // Every cluster with a positive score, ranked.
};

// What a ranking is computed from, before its scores and order: per edition
// metric, the world total and the units inside any cluster, and each
// cluster's units (clusters with no units in any metric left out). It does
// not depend on the metrics' weights.
struct RankingSums {
  std::vector<Units> world;                        // Per metric.
  std::vector<Units> clustered;                    // Per metric.
  std::map<int32_t, std::vector<Units>> clusters;  // Cluster id -> units per metric.

  friend bool operator==(const RankingSums&, const RankingSums&) = default;
};

// The sums of `map`'s clusters in `data` (LoadDelineationData of the
// ranking's edition). InvalidArgument when `data` is on another grid than
// `map`.
Result<RankingSums> SumClusters(const DelineationData& data, const ClusterMap& map);

// The ranking of `map`'s clusters from `sums` computed for `edition`'s
// metrics (the scores use the edition's weights).
Ranking RankSums(const RankingSums& sums, const ClusterMap& map, const Edition& edition);

// Ranks `map`'s clusters on `store`'s aggregates for `edition`.
Result<Ranking> ComputeRanking(const Store& store, const ClusterMap& map, const Edition& edition);

// The same ranking from the aggregates already read for a delineation
// (LoadDelineationData of the ranking's edition, which `data` keeps) instead
// of a second scan of the store. InvalidArgument when `data` is on another
// grid than `map` (a map from another edition or file: use the store).
Result<Ranking> ComputeRanking(const DelineationData& data, const ClusterMap& map);

// Reads a previous ranking: a CSV with a header naming the columns `rank` and
// `cluster` (this tool's --format csv, or the published GII tables). Returns
// cluster name -> rank. DataError naming the line when malformed.
Result<std::map<std::string, int>> ParsePreviousRanking(std::string_view text,
                                                        std::string_view what);
// Sets previous_rank of the rows whose name is in `previous`.
void ApplyPreviousRanking(const std::map<std::string, int>& previous, Ranking* ranking);

// Counts of the first `top` rows per leading economy (the first code of
// "CN/HK"), most clusters first, ties by code.
std::vector<std::pair<std::string, int>> EconomyCounts(const Ranking& ranking, int top);

enum class RankFormat { kTable, kCsv, kJson, kMarkdown };
// Writes the first `top` rows (docs/clusters.md describes each format; every
// format states the edition and its settings; csv in its last two columns,
// `edition` and `settings`; csv text cells neutralised, core/csv.h):
// table and markdown round counts to whole records and shares to one
// decimal as WIPO prints them; csv and json keep exact units and shares with
// six decimals.
std::string FormatRanking(const Ranking& ranking, RankFormat format, int top);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_RANKING_H_
