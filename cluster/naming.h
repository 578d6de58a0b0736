// Cluster names and economies.
//
// Every cell of a cluster is attributed to a gazetteer place (the most
// populous place within the edition's place_radius_km, as the PlaceLookup
// answers); a place's activity is the summed activity (sum over metrics of
// the share of the world total) of its cells. The name joins, with en dashes,
// the most active place and the next ones (at most max_name_places in all)
// whose activity is at least name_min_ratio of the first's:
// "Osaka–Kobe–Kyoto". Places in the US carry their state (GeoNames admin1
// code): once at the end when all share one state ("San Jose–San Francisco,
// CA"), else each ("Washington, DC–Baltimore, MD"). Without a gazetteer, or
// when no cell has a place, the name is the coordinates of the most active
// cell ("35.68N 139.77E").
//
// Economy: the ISO-2 codes of every country holding at least
// economy_min_share of the cluster's activity with a known country, largest
// first (ties: code order), joined by "/" ("CN/HK").
//
// A pinned name (overrides file, imported map) is never recomputed; its
// economy is kept when given.
#ifndef STCLUSTER_CLUSTER_NAMING_H_
#define STCLUSTER_CLUSTER_NAMING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/delineate.h"
#include "core/status.h"

namespace stc::cluster {

struct PlaceInfo {
  std::string name;     // Display name ("Munich").
  std::string country;  // ISO-2.
  std::string admin1;   // GeoNames admin1 code ("CA" for California), may be "".
  int64_t population = 0;
};

// The gazetteer as naming sees it. Implementations must be deterministic
// and PrincipalPlace safe to call from several threads at once
// (NameClusters looks up many cells in parallel).
class PlaceLookup {
 public:
  virtual ~PlaceLookup() = default;
  // The place a location belongs to: the most populous place within
  // `radius_km` of it (ties: nearest, then name), nullopt when none.
  virtual std::optional<PlaceInfo> PrincipalPlace(int32_t lat_e5, int32_t lon_e5,
                                                  double radius_km) const = 0;
};

// Fills names and economies of `map`'s clusters from `data` (cells resolved
// through the map, whatever its grid) and `places` (may be nullptr).
void NameClusters(const DelineationData& data, const PlaceLookup* places, ClusterMap* map);

// "35.68N 139.77E" (two decimals, rounded half away from zero).
std::string CoordinateName(int32_t lat_e5, int32_t lon_e5);

// Applies a name overrides file (docs/clusters.md):
//   # comment
//   lat,lon,name[,economy]
// Each row names (and pins) the cluster holding the cell of (lat, lon), or
// else the cluster of the nearest cluster cell within `radius_km`. Rows
// matching no cluster are reported in `*unmatched` ("line 3: 12.5,7.1: no
// cluster within 15 km"). DataError naming the line for malformed rows.
Status ApplyNameOverrides(std::string_view text, std::string_view what, double radius_km,
                          ClusterMap* map, std::vector<std::string>* unmatched);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_NAMING_H_
