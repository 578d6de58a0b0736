// The rounded-location grid: every located point is snapped to the nearest
// node of a regular latitude/longitude grid (a "cell"), the unit the
// aggregates and DBSCAN work on.
//
// The grid step is a store setting fixed when the store is created (default
// 0.01 degree, about 1.1 km; see docs/counting.md). Snapping works on integer
// 1e-5 degrees, so it is exact and identical everywhere; ties round up
// (towards +infinity). Longitudes that snap to +180 are folded onto -180.
#ifndef STCLUSTER_CORE_GRID_H_
#define STCLUSTER_CORE_GRID_H_

#include <cstdint>

#include "core/record.h"

namespace stc {

struct Cell {
  int32_t lat_idx = 0;  // Cell centre latitude  = lat_idx * step.
  int32_t lon_idx = 0;  // Cell centre longitude = lon_idx * step.
  friend bool operator==(const Cell&, const Cell&) = default;
  friend auto operator<=>(const Cell&, const Cell&) = default;
};

class Grid {
 public:
  // `step_e5`: grid step in 1e-5 degrees, > 0 and dividing 180 degrees
  // (18,000,000) exactly; IsValidStep checks it.
  explicit Grid(int32_t step_e5)
      : step_(step_e5),
        // ceil(2^64 / step) for the multiply-high division below; 0 (always
        // dividing) for a step of 1 or an invalid one.
        magic_(step_e5 > 1 ? UINT64_MAX / static_cast<uint64_t>(step_e5) + 1 : 0),
        // The smallest multiple of the step >= 2^31: added to a value, it
        // makes every int32 sum non-negative without changing its floor
        // quotient's fraction.
        offset_cells_(step_e5 > 0 ? ((int64_t{1} << 31) + step_e5 - 1) / step_e5 : 0),
        offset_(offset_cells_ * step_e5) {}
  static bool IsValidStep(int64_t step_e5) { return step_e5 > 0 && 18000000 % step_e5 == 0; }

  int32_t step_e5() const { return step_; }

  Cell CellOf(int32_t lat_e5, int32_t lon_e5) const {
    Cell c{Snap(lat_e5), Snap(lon_e5)};
    if (static_cast<int64_t>(c.lon_idx) * step_ >= 18000000) c.lon_idx -= 36000000 / step_;
    return c;
  }
  int32_t CentreLatE5(const Cell& c) const { return c.lat_idx * step_; }
  int32_t CentreLonE5(const Cell& c) const { return c.lon_idx * step_; }

 private:
  int32_t Snap(int32_t v) const {
    // floor((v + step/2) / step) with floor division for negatives.
    const int64_t x = static_cast<int64_t>(v) + step_ / 2;
    // Without a division (a cell per point, in the ingest's and the scans'
    // inner loops): u = x + offset_ is non-negative, and for u < 2^32 the
    // high half of u * ceil(2^64 / step) is exactly u / step (Lemire, Kaser
    // and Kurz, "Faster remainder by direct computation", 2019).
    const uint64_t u = static_cast<uint64_t>(x + offset_);
    if (magic_ != 0 && u <= UINT32_MAX) {
      const auto q = static_cast<uint64_t>((static_cast<unsigned __int128>(magic_) * u) >> 64);
      return static_cast<int32_t>(static_cast<int64_t>(q) - offset_cells_);
    }
    int64_t q = x / step_;
    if (x % step_ != 0 && x < 0) --q;
    return static_cast<int32_t>(q);
  }
  int32_t step_;
  uint64_t magic_;
  int64_t offset_cells_;  // offset_ / step_.
  int64_t offset_;
};

// Formats 1e-5 degrees as a decimal ("35.68", "-0.00001", "139").
std::string FormatE5(int32_t v);
// The same, appended to *out (no temporary strings).
void AppendE5(int32_t v, std::string* out);
// The same text written at `out`, which has room for kMaxE5Chars; returns its
// end. For loops that format many values into one buffer.
inline constexpr size_t kMaxE5Chars = 12;  // "-21474.83648"
char* WriteE5(int32_t v, char* out);

}  // namespace stc

#endif  // STCLUSTER_CORE_GRID_H_
