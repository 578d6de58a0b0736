// NoiseLocations (report.h).
#include "report/report.h"

namespace stc::report {

std::vector<NoisePoint> NoiseLocations(const cluster::DelineationData& data,
                                       const cluster::ClusterMap& map, Units min_units) {
  std::vector<NoisePoint> out;
  const size_t metrics = data.metrics();
  for (size_t i = 0; i < data.cells.size(); ++i) {
    Units sum = 0;
    for (size_t m = 0; m < metrics; ++m) sum += data.UnitsOf(i, m);
    if (sum < min_units || sum <= 0) continue;
    const int32_t lat = data.cells[i].lat_idx * data.grid_step_e5;
    const int32_t lon = data.cells[i].lon_idx * data.grid_step_e5;
    if (map.ClusterAt(lat, lon) != 0) continue;
    out.push_back({lat, lon, sum});
  }
  return out;
}

}  // namespace stc::report
