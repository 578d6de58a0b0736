// Rebuilding a store's aggregates from its records: how a fresh load that
// stopped before writing its deferred aggregates is completed
// (Store::BeginDeferredAggregates, pipeline/write_stage.h).
//
// Every aggregate, total and pending delta is removed, every stored record is
// decoded and its contributions added again with the writer's own code
// (DeltaMap::Add, sign +1, the store's grid), and the sums are written and
// folded; the store's mark is removed last. A rebuild that stops midway
// leaves the mark, and running it again starts over: it never counts twice.
//
// Memory: the records are streamed on every core; the sums are held in
// memory until written (one map per thread, bounded by the distinct
// (source, year, cell, country, field) keys, as `verify`'s single pass).
// Library code: prints nothing.
#ifndef STCLUSTER_PIPELINE_REBUILD_H_
#define STCLUSTER_PIPELINE_REBUILD_H_

#include <cstdint>

#include "core/status.h"
#include "stores/store.h"

namespace stc {

// Rebuilds `store`'s aggregates and totals from its records (see above) and
// ends its deferred aggregates. Returns the number of records read.
// `threads`: of the record scan (0: one per core). Corruption (nothing
// written but the clear, the mark kept) when a stored record does not
// decode or cannot be keyed; InvalidArgument on a read-only store; IoError.
Result<int64_t> RebuildAggregates(Store* store, int threads = 0);

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_REBUILD_H_
