// Verification of a store: every aggregate and every (source, year) total is
// recomputed from the stored records and compared with what the store holds;
// every record must decode and carry exactly one unit; the stored cluster maps
// must parse and fit the store's grid.
//
// The recomputation is the writer's own code (DeltaMap::Add with sign +1 and
// the store's grid), so a difference means the stored aggregates drifted from
// the records (a lost or doubled batch, a bug, tampering), not that two
// implementations disagree.
//
// Memory: records are streamed, on every core (VerifyOptions::threads); the
// recomputed aggregates of one group of (source, year) pairs are held in
// memory (VerifyOptions::group_bytes), bounded by the number of distinct
// (source, year, cell, country, field) keys of the group (and during the scan
// by that number once per thread).
// Reads one store snapshot per scan: run it on a store no one writes to (or a
// read-only open, which sees the state at the moment it was opened).
// Library code: prints nothing.
#ifndef STCLUSTER_PIPELINE_VERIFY_H_
#define STCLUSTER_PIPELINE_VERIFY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/grid.h"
#include "core/status.h"
#include "stores/store.h"

namespace stc {

struct VerifyOptions {
  // How many differences and problems are listed (all are counted).
  size_t max_differences = 20;
  // Check the stored cluster maps too.
  bool check_cluster_maps = true;
  // Threads of the record scan (0: one per core). The report does not depend
  // on it: the parts' sums are integers and their problems are listed in
  // key order.
  int threads = 0;
  // Recomputed aggregates held at a time. The (source, year) pairs, which
  // lead the aggregate keys, are compared in groups of about this many bytes
  // of stored aggregates (RocksDB's estimate), one pass over the records per
  // group: a record adds only to its own pair's aggregates. 0: one group.
  // The report does not depend on it.
  uint64_t group_bytes = uint64_t{32} << 20;
};

// One value that differs between the store and the recomputation.
struct VerifyDifference {
  bool is_totals = false;  // A (source, year) total, else an aggregate cell.
  // The aggregate key; for totals only source and year are set.
  AggregateKey key;
  // "units" for an aggregate; "world", "unlocated" or "records" for totals.
  std::string column;
  int64_t stored = 0;      // 0 when the store has no entry.
  int64_t recomputed = 0;  // 0 when no record contributes.
};

// "pct 2021 35.68,139.77 JP H" (cell centre on `grid`, "--" for no country,
// "-" for no field) or "pct 2021 totals".
std::string DescribeDifferenceKey(const VerifyDifference& d, const Grid& grid);

struct VerifyReport {
  int64_t records = 0;                // Records read.
  int64_t passes = 0;                 // Passes over the records (VerifyOptions::group_bytes).
  int64_t aggregates_stored = 0;      // Non-zero aggregate entries in the store.
  int64_t aggregates_recomputed = 0;  // Non-zero aggregates recomputed from the records.
  int64_t totals_stored = 0;          // (source, year) totals in the store.
  int64_t cluster_maps = 0;           // Cluster map versions checked.
  int64_t saved_rankings = 0;         // Saved ranking sums checked (0 or 1: the current map's).
  int64_t saved_profiles = 0;         // Saved profile tallies checked (0 or 1: the current map's).
  int64_t saved_noise = 0;            // Saved noise locations checked (0 or 1: the current map's).
  std::optional<uint64_t> current_cluster_map;

  int64_t difference_count = 0;               // Every difference (aggregates and totals columns).
  std::vector<VerifyDifference> differences;  // The first max_differences, in key order.
  int64_t problem_count = 0;  // Records that do not decode or do not sum to one unit; bad maps.
  std::vector<std::string> problems;  // The first max_differences.
  // Facts worth knowing that are not inconsistencies (a cluster without
  // cells, mapped cells holding no units: a map older than the data).
  std::vector<std::string> notes;

  bool ok() const { return difference_count == 0 && problem_count == 0; }
};

// Recomputes and compares as described above. The returned Status is an
// error only when the store cannot be read (IoError, Corruption of a key or
// value the store itself rejects); inconsistencies are in the report.
Result<VerifyReport> VerifyStore(const Store& store, const VerifyOptions& options);

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_VERIFY_H_
