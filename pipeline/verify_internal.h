// Internal header of VerifyStore (pipeline/verify.cc, verify_maps.cc): only
// those two files include it.
#ifndef STCLUSTER_PIPELINE_VERIFY_INTERNAL_H_
#define STCLUSTER_PIPELINE_VERIFY_INTERNAL_H_

#include <string>
#include <utility>
#include <vector>

#include "core/grid.h"
#include "core/status.h"
#include "pipeline/verify.h"
#include "stores/store.h"

namespace stc::verify_internal {

// Collects the listed and counted problems.
class Problems {
 public:
  Problems(VerifyReport* report, size_t max) : report_(report), max_(max) {}
  void Add(std::string text) {
    ++report_->problem_count;
    if (report_->problems.size() < max_) report_->problems.push_back(std::move(text));
  }

 private:
  VerifyReport* report_;
  size_t max_;
};

// A cell's centre as "lat,lon" in degrees.
std::string CellText(const Grid& grid, const Cell& c);

// The checks of the stored cluster maps (verify_maps.cc): every version
// parses and holds its invariants, the current one is stored, and what
// delineate saved with the current map (ranking sums, noise locations,
// profile tallies), while still current, equals what a new read of the
// aggregates and records gives. `data_cells` (sorted, the store's grid) are
// the cells holding units. Counts and notes go to *report; store errors are
// returned.
Status CheckClusterMaps(const Store& store, const std::vector<Cell>& data_cells, Problems* problems,
                        VerifyReport* report);

}  // namespace stc::verify_internal

#endif  // STCLUSTER_PIPELINE_VERIFY_INTERNAL_H_
