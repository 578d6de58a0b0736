// Cluster maps kept in the store: versioned, one of them current.
//
// `delineate` adds a version and makes it current; `rank` and
// `export --by cluster` read the current one unless given a file. The value
// stored is EncodeClusterMap's text (cluster_map.h), so a stored map and a
// map file are the same bytes.
//
// Thread-safety: as Store.
#ifndef STCLUSTER_CLUSTER_MAP_STORE_H_
#define STCLUSTER_CLUSTER_MAP_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "cluster/cluster_map.h"
#include "core/status.h"
#include "stores/store.h"

namespace stc::cluster {

// Stores `*map` as a new version, makes it current and sets map->version.
// Errors: as Store::AddClusterMap (InvalidArgument on a read-only store).
Status SaveClusterMap(Store* store, ClusterMap* map);

// The stored version `version`. NotFound when absent; DataError/Corruption
// when it does not parse.
Result<ClusterMap> LoadClusterMap(const Store& store, uint64_t version);

// The current map, or nullopt when the store has none.
Result<std::optional<ClusterMap>> LoadCurrentClusterMap(const Store& store);

// Reads a map file made elsewhere (or by `delineate --out`). Cells are snapped
// to the file's grid_deg, or to `default_grid_e5` when it has none.
// NotFound/IoError when unreadable; DataError naming the line when malformed.
Result<ClusterMap> ReadClusterMapFile(const std::string& path, int32_t default_grid_e5);

// Writes EncodeClusterMap(map) to `path` (io/output_file.h). IoError naming the
// file and the system's reason.
Status WriteClusterMapFile(const ClusterMap& map, const std::string& path);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_MAP_STORE_H_
