// Profile tallies kept in the store by `delineate`, so that `show`, `report`
// and `export --by profile` need not scan every record again.
//
// A profile is a function of the records, the map and the edition's
// metrics. `delineate` scans the records once with the new map
// (ProfileScan::FinishTallies) and keeps the tallies of every cluster with
// units (ProfileTallies: year counts, every field's series, the top
// kSavedProfileOrgs organisations) beside the ranking's sums, in the same
// write, with the store's sequence number after it. As the sums
// (saved_ranking.h), they are used only while nothing else has been written
// to the store since, for the same map version and the same metrics, and
// only for profiles of up to kSavedProfileOrgs top organisations; otherwise
// the commands scan the records as without them.
//
// At 20 million bench records the scan was about 3 s of `export --by
// profile` (docs/performance.md, "The ranking step at scale").
//
// Thread-safety: as Store.
#ifndef STCLUSTER_CLUSTER_SAVED_PROFILES_H_
#define STCLUSTER_CLUSTER_SAVED_PROFILES_H_

#include <optional>
#include <string>
#include <string_view>

#include "cluster/cluster_map.h"
#include "cluster/edition.h"
#include "cluster/profile.h"
#include "core/status.h"
#include "stores/store.h"

namespace stc::cluster {

// The metadata name of the saved tallies (one set per store: the last
// delineation's; an empty value when that delineation kept none).
inline constexpr char kSavedProfilesMeta[] = "profile_tallies";

// Organisations kept per cluster and metric: `show --top-items` up to this
// many is answered from the saved tallies.
inline constexpr int kSavedProfileOrgs = 25;

// Binary encoding of saved tallies (docs/clusters.md, "Saved profiles"):
// varints and length-prefixed strings after a text header.
std::string EncodeSavedProfiles(uint64_t map_version, const std::string& metrics_key,
                                uint64_t sequence, const ProfileTallies& tallies);
// Parses EncodeSavedProfiles's bytes. Corruption naming what is malformed
// (never reads past `bytes`, whatever they hold).
Status DecodeSavedProfiles(std::string_view bytes, uint64_t* map_version, std::string* metrics_key,
                           uint64_t* sequence, ProfileTallies* tallies);

// The tallies saved for `map` and `edition`'s metrics, when nothing has
// been written to the store since they were: nullopt when none are saved,
// they are for another map version or other metrics, or the store changed.
// Corruption when the saved bytes are malformed; store errors as they come.
Result<std::optional<ProfileTallies>> LoadProfileTallies(const Store& store, const ClusterMap& map,
                                                         const Edition& edition);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_SAVED_PROFILES_H_
