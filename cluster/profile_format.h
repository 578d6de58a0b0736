// Outputs of cluster profiles: one cluster for `stcluster show`, and the
// profile export (`stcluster export --by profile`), one row per cluster x
// metric x year x field, in CSV or JSON (schema docs/schema/profiles.schema.json,
// columns in docs/clusters.md, "Profile export").
//
// Thread-safety: functions of their arguments.
#ifndef STCLUSTER_CLUSTER_PROFILE_FORMAT_H_
#define STCLUSTER_CLUSTER_PROFILE_FORMAT_H_

#include <string>
#include <vector>

#include "cluster/profile.h"
#include "cluster/ranking.h"

namespace stc::cluster {

// Profiles with what they were computed from.
struct ProfileSet {
  Ranking ranking;                       // Edition, map, world totals, rows.
  std::vector<ClusterProfile> profiles;  // ComputeProfiles(..., ranking, ...).
  std::string population_source;         // ClusterPopulations::source, "" = none.
};

enum class ProfileFormat { kText, kJson, kCsv };

// One cluster: text (for people) or JSON (the "clusters" element of the
// export plus the edition). kCsv is treated as kJson.
std::string FormatClusterProfile(const ProfileSet& set, const ClusterProfile& profile,
                                 ProfileFormat format);

// The profile export of every profile in `set` (kText is treated as kCsv).
// CSV: '#' comment lines stating the edition, settings, map and population
// source, a header, then rows; text cells neutralised (core/csv.h). JSON:
// one object (docs/schema/profiles.schema.json).
std::string FormatProfileExport(const ProfileSet& set, ProfileFormat format);

// The row of `ranking` named by `query`: a size rank ("3" or "#3"), a
// cluster id ("id:12"), or a name (exact, else case-insensitive, else the
// unique name containing it, case-insensitively). NotFound, or
// InvalidArgument listing the candidates when ambiguous.
Result<const RankedCluster*> FindCluster(const Ranking& ranking, const std::string& query);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_PROFILE_FORMAT_H_
