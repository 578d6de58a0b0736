// Shared by the cluster-level commands (rank, show, export --by profile):
// the store, the cluster map, the edition and the size ranking, and the
// cluster populations from the gazetteer. Each function prints its
// diagnostics to stderr and returns an exit code (kExitOk on success).
#ifndef STCLUSTER_APP_RANKING_INPUT_H_
#define STCLUSTER_APP_RANKING_INPUT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/delineate.h"
#include "cluster/edition.h"
#include "cluster/population.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "stores/store.h"

namespace stc {

// A built-in edition name or an edition file: exit 2 when it is neither, 3
// when the file is unreadable or malformed (the message names the field).
int ResolveEdition(const std::string& name_or_file, cluster::Edition* out);

struct RankingInput {
  std::unique_ptr<Store> store;
  cluster::ClusterMap map;
  cluster::Edition edition;
  cluster::Ranking ranking;
  // The edition's aggregates (LoadDelineationData), when loading read them
  // (to name clusters or to check the map against the store); empty otherwise.
  std::optional<cluster::DelineationData> data;
};

// Opens `db` read-only, takes the current map (or `clusters_file`), resolves
// `edition` ("" = the map's edition when built in, else the default), names
// unnamed clusters by coordinates, notes a stale map, ranks by size.
// `on_opened`, when given, is called once the store, the map and the edition
// are in `*out` and before the aggregates are read (export --by profile
// starts its record scan there); the map may still change after it (names).
// It returns the record scan it started, or nullptr: the ranking then takes
// its sums from that scan (cluster::ProfileScan::Sums) and reads no
// aggregates, unless it needs them anyway (to name the clusters of an
// unnamed map, or to check the map against the aggregates). The scan must
// outlive the call.
int LoadRankingInput(
    const std::string& db, const std::string& clusters_file, const std::string& edition,
    RankingInput* out,
    const std::function<cluster::ProfileScan*(const RankingInput&)>& on_opened = nullptr);

// The profile tallies `delineate` kept for `in`'s map and edition, while
// the store is unchanged since and they hold `top_items` organisations
// (cluster/saved_profiles.h); nullopt otherwise, with a warning on stderr
// when they are unreadable (the caller then scans the records).
std::optional<cluster::ProfileTallies> SavedProfileTallies(const RankingInput& in, int top_items);

// The profiles of `ranking`'s rows (a ranking of `in`'s map and edition):
// from the saved tallies when SavedProfileTallies has them, else from a scan
// of the records (ComputeProfiles).
Result<std::vector<cluster::ClusterProfile>> ProfilesOf(const RankingInput& in,
                                                        const cluster::Ranking& ranking,
                                                        const cluster::ProfileOptions& options);

// Where the profiles of a ranking still to be computed come from: the
// tallies `delineate` kept, while current, else a record scan started as
// soon as the store, the map and the edition are known, whose sums then
// rank the clusters (LoadRankingInput's `on_opened`). Not thread-safe.
class ProfileSource {
 public:
  // For LoadRankingInput's `on_opened`: the saved tallies of `in`'s map and
  // edition holding `top_items` organisations, or a scan started; returns
  // the scan (nullptr with saved tallies).
  cluster::ProfileScan* Open(const RankingInput& in, int top_items);
  // The profiles of `ranking`'s rows (a ranking of `in`'s map and edition):
  // from the saved tallies or the scan Open started; without Open, as
  // ProfilesOf. Once only after Open.
  Result<std::vector<cluster::ClusterProfile>> Profiles(const RankingInput& in,
                                                        const cluster::Ranking& ranking,
                                                        const cluster::ProfileOptions& options);

 private:
  std::optional<cluster::ProfileTallies> saved_;
  std::unique_ptr<cluster::ProfileScan> scan_;  // Stopped when dropped unfinished.
};

// Populations of `map`'s clusters from the gazetteer `path` ("" = the
// default index, "none" = no populations). With `required`, a missing
// default index is an error (exit 3), else a warning and empty populations.
int LoadPopulations(const std::string& path, const cluster::ClusterMap& map, bool required,
                    cluster::ClusterPopulations* out);

}  // namespace stc

#endif  // STCLUSTER_APP_RANKING_INPUT_H_
