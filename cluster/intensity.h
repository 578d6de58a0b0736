// The intensity ranking: the largest clusters ordered by activity per
// inhabitant (docs/clusters.md, "Population and intensity").
//
// WIPO ranks the top 100 clusters of the size ranking by their S&T intensity
// and publishes PCT applications and articles per million inhabitants over
// the window. [ours] The pool is the first `pool` rows of the size ranking
// (100); a cluster's intensity is its size score (the weighted sum of its
// world shares, %) per million inhabitants; its population is the summed
// gazetteer population of the places inside its footprint (population.h).
// Clusters of the pool without any populated place (population 0) cannot be
// ranked and are listed apart. Order: descending intensity; ties by size rank.
//
// Thread-safety: functions of their arguments.
#ifndef STCLUSTER_CLUSTER_INTENSITY_H_
#define STCLUSTER_CLUSTER_INTENSITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/population.h"
#include "cluster/ranking.h"

namespace stc::cluster {

struct IntensityRow {
  int rank = 0;       // 1-based intensity rank.
  int size_rank = 0;  // RankedCluster::rank.
  int32_t id = 0;
  std::string name, economy;
  int64_t population = 0;
  int32_t places = 0;
  std::vector<Units> units;         // Per edition metric, as in the size ranking.
  std::vector<double> per_million;  // Per metric: units / kUnit / population * 1e6.
  double score = 0;                 // Size score.
  double intensity = 0;             // score / (population / 1e6).
};

struct IntensityRanking {
  Ranking size;  // The size ranking it comes from (edition, map, world totals).
  int pool = 100;
  std::string population_source;          // ClusterPopulations::source.
  std::vector<IntensityRow> rows;         // Ranked.
  std::vector<IntensityRow> unpopulated;  // In the pool, population 0 (size order).
};

// Ranks the first `pool` rows of `size` (pool >= 1).
IntensityRanking ComputeIntensityRanking(const Ranking& size, const ClusterPopulations& population,
                                         int pool);

// Writes the first `top` rows in `format` (table and markdown: counts per
// million with one decimal as WIPO prints them; csv and json: six decimals;
// CSV text cells neutralised, core/csv.h). Every format states the edition,
// its settings and the population source (csv: its last three columns).
std::string FormatIntensityRanking(const IntensityRanking& ranking, RankFormat format, int top);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_INTENSITY_H_
