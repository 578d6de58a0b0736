// Turning counted records into aggregate deltas, summed before writing.
//
// The writer adds a new record's contributions with sign +1 and a replaced
// record's with sign -1. Deltas are appended to a flat vector of packed keys
// (no hashing per point; 24 bytes a cell for the usual fields of up to 3
// bytes, 32 for fields of 4-11). Every `run_min` of them are sorted and
// summed in place into a run (so repeated cells take the room of one per
// run); the runs are merged when there are more than kMaxRuns (the only time
// a second buffer is used) and when flushed, straight into the output. Not
// thread-safe.
#ifndef STCLUSTER_PIPELINE_CONTRIBUTIONS_H_
#define STCLUSTER_PIPELINE_CONTRIBUTIONS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <span>
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
  // The cells added since the last run become a run when they are
  // `run_min` (tests use small values to make many runs). A run's sort needs
  // scratch of 2/3 of it: 262,144 cells take 4 MiB of it per map instead of
  // 16 for a million (the 2M cold ingest's peak 417 MiB against 446, the
  // same CPU in alternating runs; runs of 65,536 cost 4.7% more CPU).
  explicit DeltaMap(size_t run_min = size_t{1} << 18) : run_min_(run_min) {}

  // Adds sign * (record's contributions): every point to its cell, and the
  // record's unit, unlocated units and a record count to the totals.
  void Add(const CountedRecord& record, int sign, const Grid& grid) {
    Add(record, record.points, sign, grid);
  }
  // The same with the record's points given apart (record.points ignored).
  void Add(const CountedRecord& record, std::span<const WeightedPoint> points, int sign,
           const Grid& grid);

  // Room for cells up to about `bytes` (as counted by bytes()) without
  // reallocating (see PendingTable::Reserve).
  // (The merge buffer is touched only when more than kMaxRuns runs are
  // merged before a flush.)
  void Reserve(size_t bytes) {
    narrow_.Reserve(bytes / (2 * sizeof(Packed)));
    wide_.Reserve(bytes / (2 * sizeof(WidePacked)));
  }

  // Appends every non-zero combined delta to `batch` and clears the map.
  void Flush(StoreBatch* batch);
  // The same with the cell deltas encoded as store keys in key order into
  // `cells` (for Store::ApplyWithSortedRecords; no AggregateKey or string
  // per cell) and the totals into `totals`, and clears the map.
  // InvalidArgument (the other cells still added) for a key with a field too
  // long for the store.
  Status FlushSorted(SortedAggregates* cells, StoreBatch* totals);

  // Moves this map's combined cell deltas into `into`, merged with what it
  // holds (this map's runs are merged, not sorted again; `into` keeps one
  // run), its totals into `totals`, and clears this map. For a fresh load's
  // cell deltas kept across flushes (pipeline/write_stage.h).
  void MoveInto(DeltaMap* into, StoreBatch* totals);

  // Cell deltas added (one per point of each Add) since the map was last
  // emptied, before any summing.
  size_t cells_added() const { return cells_added_; }

  // Buffered entries (an upper bound of the distinct cells).
  size_t size() const {
    return narrow_.size() + wide_.size() + long_cells_.size() + totals_.size();
  }
  // Approximate bytes used, for the flush budget: the cells and as much
  // again for merging them (MergeRuns), which a buffer of many runs needs.
  // (Used, not capacity: see PendingTable::bytes.)
  size_t bytes() const {
    return 2 * (narrow_.size() * sizeof(Packed) + wide_.size() * sizeof(WidePacked)) +
           long_cells_.size() * 96;
  }

  // An aggregate key packed into words: the store's key bytes (source,
  // year, lat index, lon index, country, field zero-padded) big-endian, so
  // that equal keys compare equal as integers and sorting the words gives the
  // store's key order (Flush hands the store sorted cells). Fields of up to 3
  // bytes (the readers' IPC sections and subject areas) fit two words; fields
  // of 4-11 bytes take a third (WidePacked). Fields with a NUL or longer than
  // 11 bytes go to long_cells_.
  struct Packed {
    uint64_t w0, w1;
    Units units;
  };
  struct WidePacked {
    uint64_t w0, w1, w2;
    Units units;
  };

  // Sorts packed cells in key order (what Seal does before summing; public
  // for tests and benchmarks). Batches of kRadixSortMin cells or more whose
  // varying bits fit 64 are radix-sorted through the cells' own bytes and
  // `scratch`'s (resized to 2/3 of n or more when smaller, its contents
  // overwritten); others go to std::sort.
  template <typename P>
  static void SortCells(P* cells, size_t n, LargeVector<P>* scratch);
  static constexpr size_t kRadixSortMin = 2048;

 private:
  static constexpr size_t kMaxRuns = 8;

  // The cells of one width: the runs, then the cells added since. Every
  // `run_min` cells are sorted and summed in place into a run (Seal); the
  // runs are merged when there are more than kMaxRuns (through a second
  // buffer, kept) and when flushed (Merger, straight into the output).
  template <typename P>
  class Runs {
   public:
    // Yields the non-zero sums of the runs' cells in key order (a k-way
    // merge, k <= kMaxRuns + 1). The runs must not change meanwhile.
    class Merger {
     public:
      explicit Merger(const Runs& runs);
      bool Next(P* out);

     private:
      struct Cursor {
        const P* at;
        const P* end;
      };
      Cursor cursors_[kMaxRuns + 1];
      size_t k_ = 0;
    };

    void Push(const P& p) { cells_.push_back(p); }
    size_t unsealed() const { return cells_.size() - sealed_; }
    size_t size() const { return cells_.size(); }
    void Reserve(size_t n) {
      cells_.reserve(n);
      scratch_.reserve(n);
    }
    void Seal();  // Makes the cells since the last run a run.
    // Merges `from`'s cells (its runs must be sealed) with this one's runs
    // into one run, through scratch_ (kept for the next call).
    void AbsorbMerged(const Runs& from);
    void Clear() {
      cells_.clear();
      sealed_ = 0;
      runs_.clear();
    }

   private:
    void MergeRuns();  // Merges all runs into one (through scratch_).

    LargeVector<P> cells_;      // The runs, then the cells added since.
    size_t sealed_ = 0;         // cells_[0, sealed_) are runs.
    std::vector<size_t> runs_;  // Each run's end in cells_.
    // MergeRuns' output, swapped with cells_ (capacity kept); SortCells'
    // scratch before.
    LargeVector<P> scratch_;
  };

  // The store key words of `k`; 2 when its field fits Packed, 3 when it
  // needs WidePacked, 0 when neither (long_cells_).
  static int Pack(const AggregateKey& k, uint64_t w[3]);
  static void Unpack(uint64_t w0, uint64_t w1, uint64_t w2, AggregateKey* k);
  // Calls fn(w0, w1, w2, units) for every non-zero cell of both widths, in
  // key order (w2 = 0 for Packed cells).
  template <typename Fn>
  void ForEachMerged(Fn&& fn) const;
  // Calls fn for every non-zero cell with a field too long to pack.
  void ForEachLongCell(const std::function<void(const AggregateKey&, Units)>& fn) const;
  // Adds the non-zero totals to `batch` and clears the map.
  void FlushTotals(StoreBatch* batch);

  Runs<Packed> narrow_;
  Runs<WidePacked> wide_;
  size_t run_min_;
  size_t cells_added_ = 0;  // cells_added().
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
