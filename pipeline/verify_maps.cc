// VerifyStore's checks of the stored cluster maps and of what delineate
// saved with the current one (verify_internal.h).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/delineate.h"
#include "cluster/map_store.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "cluster/saved_profiles.h"
#include "cluster/saved_ranking.h"
#include "pipeline/verify_internal.h"

namespace stc::verify_internal {

std::string CellText(const Grid& grid, const Cell& c) {
  return FormatE5(grid.CentreLatE5(c)) + "," + FormatE5(grid.CentreLonE5(c));
}

namespace {

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

// The profile tallies delineate saved (cluster/saved_profiles.h), when they
// are still the ones show, report and export --by profile would use for the
// current map: they must be a new scan's.
Status CheckSavedProfiles(const Store& store, const cluster::ClusterMap& map,
                          const cluster::Edition& edition, Problems* problems,
                          VerifyReport* report) {
  Result<std::optional<cluster::ProfileTallies>> saved =
      cluster::LoadProfileTallies(store, map, edition);
  if (!saved.ok()) {
    if (saved.status().code() != StatusCode::kCorruption) return saved.status();
    problems->Add(saved.status().message());
    return Status::Ok();
  }
  if (!saved->has_value()) return Status::Ok();
  STC_ASSIGN_OR_RETURN(cluster::ProfileTallies scanned,
                       cluster::ProfileScan::Start(store, map, edition, /*threads=*/0)
                           ->FinishTallies((*saved)->kept_orgs));
  ++report->saved_profiles;
  if (scanned != **saved) {
    problems->Add("the profile tallies saved with cluster map version " +
                  std::to_string(map.version) +
                  " differ from a scan of the records (show, report and export --by profile "
                  "would use them: run delineate again)");
  }
  return Status::Ok();
}

// The noise locations delineate saved (cluster/saved_ranking.h), when they
// are still the ones `report` would use for the current map: they must be
// those of the aggregates. *data: the edition's aggregates when they were
// read for that (CheckSavedRankingSums ranks from them too).
Status CheckSavedNoise(const Store& store, const cluster::ClusterMap& map,
                       const cluster::Edition& edition, Problems* problems, VerifyReport* report,
                       std::optional<cluster::DelineationData>* data) {
  Result<std::optional<std::vector<cluster::NoisePoint>>> saved =
      cluster::LoadNoiseLocations(store, map, edition, cluster::kSavedNoiseMinUnits);
  if (!saved.ok()) {
    if (saved.status().code() != StatusCode::kCorruption) return saved.status();
    problems->Add(saved.status().message());
    return Status::Ok();
  }
  if (!saved->has_value()) return Status::Ok();
  STC_ASSIGN_OR_RETURN(*data, cluster::LoadDelineationData(store, edition));
  ++report->saved_noise;
  if (**saved != cluster::NoiseLocations(**data, map, cluster::kSavedNoiseMinUnits)) {
    problems->Add("the noise locations saved with cluster map version " +
                  std::to_string(map.version) +
                  " differ from the aggregates (report would use them: run delineate again)");
  }
  return Status::Ok();
}

// The ranking sums delineate saved (cluster/saved_ranking.h), when they are
// still the ones `rank` would use for the current map: the ranking from them
// must be the one computed from the aggregates.
Status CheckSavedRankingSums(const Store& store, const cluster::ClusterMap& map, Problems* problems,
                             VerifyReport* report) {
  Result<cluster::Edition> edition = cluster::BuiltinEdition(map.edition);
  if (!edition.ok()) {
    STC_ASSIGN_OR_RETURN(std::optional<std::string> kept,
                         store.GetMeta(cluster::kEditionMetaPrefix + map.edition));
    if (!kept.has_value()) return Status::Ok();  // No edition to rank with: nothing saved for it.
    edition = cluster::ParseEdition(*kept, "edition '" + map.edition + "' kept in the store");
    if (!edition.ok()) {
      problems->Add(edition.status().message());
      return Status::Ok();
    }
  }
  Result<std::optional<cluster::RankingSums>> saved =
      cluster::LoadRankingSums(store, map, *edition);
  if (!saved.ok()) {
    if (saved.status().code() != StatusCode::kCorruption) return saved.status();
    problems->Add(saved.status().message());
    return Status::Ok();
  }
  STC_RETURN_IF_ERROR(CheckSavedProfiles(store, map, *edition, problems, report));
  std::optional<cluster::DelineationData> data;
  STC_RETURN_IF_ERROR(CheckSavedNoise(store, map, *edition, problems, report, &data));
  if (!saved->has_value()) return Status::Ok();
  // From the aggregates the noise check read, when it read them on the
  // map's grid (the same ranking as from the store: ComputeRanking).
  STC_ASSIGN_OR_RETURN(cluster::Ranking computed,
                       data && data->grid_step_e5 == map.grid_step_e5
                           ? cluster::ComputeRanking(*data, map)
                           : cluster::ComputeRanking(store, map, *edition));
  const cluster::Ranking from_saved = cluster::RankSums(**saved, map, *edition);
  ++report->saved_rankings;
  if (from_saved.world != computed.world || from_saved.clustered != computed.clustered ||
      cluster::FormatRanking(from_saved, cluster::RankFormat::kCsv, INT32_MAX) !=
          cluster::FormatRanking(computed, cluster::RankFormat::kCsv, INT32_MAX)) {
    problems->Add("the ranking sums saved with cluster map version " + std::to_string(map.version) +
                  " differ from the aggregates (rank would use them: run delineate again)");
  }
  // The data fingerprint saved with them (export --by profile checks map
  // files against it instead of reading the aggregates).
  STC_ASSIGN_OR_RETURN(std::optional<uint64_t> fingerprint,
                       cluster::CurrentDataFingerprint(store, *edition));
  if (fingerprint.has_value()) {
    if (!data) {
      STC_ASSIGN_OR_RETURN(data, cluster::LoadDelineationData(store, *edition));
    }
    if (data->fingerprint != *fingerprint) {
      problems->Add("the data fingerprint saved with cluster map version " +
                    std::to_string(map.version) +
                    "'s ranking sums is not that of the aggregates (export --by profile would "
                    "check map files against it: run delineate again)");
    }
  }
  return Status::Ok();
}

}  // namespace

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
    if (current == v) STC_RETURN_IF_ERROR(CheckSavedRankingSums(store, *map, problems, report));
  }
  return Status::Ok();
}

}  // namespace stc::verify_internal
