// The calibration target of the synthetic world: the published GII 2023
// cluster table (ranks 1-34, gen/data/gii2023-top34.csv) with, for each
// cluster, the real places it is built from (GeoNames names, country, US
// state, relative weight) and its technology / science specialisation.
//
// Internal to gen/. Plain constant data; thread-safe.
#ifndef STCLUSTER_GEN_WORLD_SPEC_H_
#define STCLUSTER_GEN_WORLD_SPEC_H_

#include <cstdint>
#include <vector>

namespace stc::gen_internal {

struct WorldPlaceSpec {
  const char* name;     // As the gazetteer (or its alternate names) spells it.
  const char* country;  // ISO-2.
  const char* state;    // GeoNames admin1 for US places, else "".
  double weight;        // Relative share of the cluster's activity.
};

struct WorldClusterSpec {
  int rank;
  const char* name;
  const char* economy;
  int64_t pct;  // Published PCT applications (scale 1, the whole window).
  int64_t pub;  // Published scientific publications.
  double pct_share_pct, pub_share_pct, total;  // Published, one decimal.
  const char* ipc;                             // Specialisation: IPC subclasses, space separated.
  const char* asjc;  // Specialisation: ASJC subject areas, space separated.
  std::vector<WorldPlaceSpec> places;
};

// World totals implied by the GII 2023 shares (docs/world.md).
inline constexpr double kGii2023WorldPct = 1256000.0;
inline constexpr double kGii2023WorldPub = 7460000.0;

// The 34 published clusters, rank order.
const std::vector<WorldClusterSpec>& Gii2023Clusters();

}  // namespace stc::gen_internal

#endif  // STCLUSTER_GEN_WORLD_SPEC_H_
