// Turning counted records into aggregate deltas, combined before writing.
//
// The writer adds a new record's contributions with sign +1 and a replaced
// record's with sign -1. Deltas are appended to a flat vector of packed keys
// (no hashing per point) and combined by sorting, both periodically (so memory
// follows the number of distinct cells, not of contributions) and when
// flushed into a StoreBatch. Not thread-safe.
#ifndef STCLUSTER_PIPELINE_CONTRIBUTIONS_H_
#define STCLUSTER_PIPELINE_CONTRIBUTIONS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/grid.h"
#include "core/large_alloc.h"
#include "core/record.h"
#include "core/status.h"
#include "stores/store.h"

namespace stc {

class DeltaMap {
 public:
  // Buffered cells are combined when they reach twice the combined ones plus
  // `combine_min` (tests use small values to combine often).
  explicit DeltaMap(size_t combine_min = size_t{1} << 20) : combine_min_(combine_min) {}

  // Adds sign * (record's contributions): every point to its cell, and the
  // record's unit, unlocated units and a record count to the totals.
  void Add(const CountedRecord& record, int sign, const Grid& grid);

  // Room for cells up to about `bytes` (as counted by bytes()) without
  // reallocating (see PendingTable::Reserve).
  void Reserve(size_t bytes) {
    cells_.reserve(bytes / (2 * sizeof(Packed)));
    scratch_.reserve(bytes / (2 * sizeof(Packed)));
  }

  // Appends every non-zero combined delta to `batch` and clears the map.
  void Flush(StoreBatch* batch);
  // The same with the cell deltas encoded as store keys in key order into
  // `cells` (for Store::ApplyWithSortedRecords; no AggregateKey or string
  // per cell) and the totals into `totals`, and clears the map.
  // InvalidArgument (the other cells still added) for a key with a field too
  // long for the store.
  Status FlushSorted(SortedAggregates* cells, StoreBatch* totals);

  // Buffered entries (an upper bound of the distinct cells).
  size_t size() const { return cells_.size() + long_cells_.size() + totals_.size(); }
  // Approximate bytes used, for the flush budget.
  // (Used, not capacity: see PendingTable::bytes. Combining needs as much
  // again while it merges.)
  size_t bytes() const { return 2 * cells_.size() * sizeof(Packed) + long_cells_.size() * 96; }

 private:
  // An aggregate key packed into three words: the store's key bytes
  // (source, year, lat index, lon index, country, field zero-padded to 11
  // bytes) big-endian, so that equal keys compare equal as integers and
  // sorting the words gives the store's key order (Flush hands the store
  // sorted cells). Fields of up to 11 bytes without NUL; longer ones go to
  // long_cells_.
  struct Packed {
    uint64_t w0, w1, w2;
    Units units;
  };
  static bool Pack(const AggregateKey& k, Packed* p);
  static void Unpack(const Packed& p, AggregateKey* k);
  void Combine();  // Sorts and merges cells_, dropping zeros.
  // Calls fn for every non-zero cell with a field too long to pack.
  void ForEachLongCell(const std::function<void(const AggregateKey&, Units)>& fn) const;
  // Adds the non-zero totals to `batch` and clears the map.
  void FlushTotals(StoreBatch* batch);

  LargeVector<Packed> cells_;
  size_t combined_size_ = 0;     // cells_[0, combined_size_) is sorted and combined.
  LargeVector<Packed> scratch_;  // Combine's output, swapped with cells_ (capacity kept).
  size_t combine_min_;
  std::map<std::pair<std::pair<int, int32_t>, std::pair<std::pair<int32_t, int32_t>, std::string>>,
           Units>
      long_cells_;  // Keyed by ((source, year), ((lat, lon), country + field)).
  struct TotalsDelta {
    Units world = 0;
    Units unlocated = 0;
    int64_t records = 0;
  };
  std::map<std::pair<int, int32_t>, TotalsDelta> totals_;  // (source, year).
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_CONTRIBUTIONS_H_
