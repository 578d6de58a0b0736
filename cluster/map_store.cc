#include "cluster/map_store.h"

#include <fstream>
#include <sstream>

#include "io/output_file.h"

namespace stc::cluster {

Status SaveClusterMap(Store* store, ClusterMap* map) {
  map->version = 0;
  std::string encoded = EncodeClusterMap(*map);
  STC_ASSIGN_OR_RETURN(uint64_t version, store->AddClusterMap(encoded));
  map->version = version;
  return Status::Ok();
}

Result<ClusterMap> LoadClusterMap(const Store& store, uint64_t version) {
  STC_ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetClusterMap(version));
  if (!text.has_value()) {
    return Status::NotFound("store " + store.dir() + " has no cluster map version " +
                            std::to_string(version));
  }
  STC_ASSIGN_OR_RETURN(ClusterMap map, ParseClusterMap(*text, store.grid().step_e5(),
                                                       "store " + store.dir() + " cluster map " +
                                                           std::to_string(version)));
  map.version = version;
  return map;
}

Result<std::optional<ClusterMap>> LoadCurrentClusterMap(const Store& store) {
  STC_ASSIGN_OR_RETURN(std::optional<uint64_t> current, store.CurrentClusterMap());
  if (!current.has_value()) return std::optional<ClusterMap>();
  STC_ASSIGN_OR_RETURN(ClusterMap map, LoadClusterMap(store, *current));
  return std::optional<ClusterMap>(std::move(map));
}

Result<ClusterMap> ReadClusterMapFile(const std::string& path, int32_t default_grid_e5) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read cluster map file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError("reading cluster map file " + path + " failed");
  STC_ASSIGN_OR_RETURN(ClusterMap map,
                       ParseClusterMap(ss.str(), default_grid_e5, "cluster map file " + path));
  if (map.origin.empty()) map.origin = "file:" + path;
  return map;
}

Status WriteClusterMapFile(const ClusterMap& map, const std::string& path) {
  // Through OutputFile for its errors: a failed write names the system's
  // reason.
  return WriteWholeFile(path, EncodeClusterMap(map));
}

}  // namespace stc::cluster
