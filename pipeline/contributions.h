// Turning counted records into aggregate deltas, combined per chunk.
//
// The pipeline adds a new record's contributions with sign +1 and a replaced
// record's with sign -1; the same function rebuilds aggregates from scratch
// (verify). Not thread-safe: one DeltaMap per thread or per chunk.
#ifndef STCLUSTER_PIPELINE_CONTRIBUTIONS_H_
#define STCLUSTER_PIPELINE_CONTRIBUTIONS_H_

#include <cstdint>
#include <string>
#include <unordered_map>

#include "core/grid.h"
#include "core/record.h"
#include "stores/store.h"

namespace stc {

struct AggregateKeyHash {
  size_t operator()(const AggregateKey& k) const;
};

struct TotalsDelta {
  Units world = 0;
  Units unlocated = 0;
  int64_t records = 0;
};

// Sums of deltas keyed by aggregate cell and by (source, year).
class DeltaMap {
 public:
  // Adds sign * (record's contributions): every point to its cell, and the
  // record's unit, unlocated units and a record count to the totals.
  void Add(const CountedRecord& record, int sign, const Grid& grid);

  // Appends every non-zero delta to `batch` and clears the map.
  void Flush(StoreBatch* batch);

  bool empty() const { return cells_.empty() && totals_.empty(); }
  const std::unordered_map<AggregateKey, Units, AggregateKeyHash>& cells() const { return cells_; }

 private:
  std::unordered_map<AggregateKey, Units, AggregateKeyHash> cells_;
  std::unordered_map<uint32_t, TotalsDelta> totals_;  // (source << 16 | year).
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_CONTRIBUTIONS_H_
