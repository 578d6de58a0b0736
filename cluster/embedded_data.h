// Data files compiled into the cluster library (generated from cluster/data/
// by CMake, see cluster/CMakeLists.txt).
//
// Thread-safety: static immutable text.
#ifndef STCLUSTER_CLUSTER_EMBEDDED_DATA_H_
#define STCLUSTER_CLUSTER_EMBEDDED_DATA_H_

#include <string_view>

namespace stc::cluster {

// cluster/data/ipc_technology.csv, verbatim.
std::string_view EmbeddedIpcTechnology();

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_EMBEDDED_DATA_H_
