#include "pipeline/rebuild.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/record_codec.h"
#include "core/threads.h"
#include "pipeline/contributions.h"

namespace stc {

Result<int64_t> RebuildAggregates(Store* store, int threads) {
  // All of it goes, whatever a stopped load left (its flushes' totals, the
  // cells of its map's spills): everything is recomputed below.
  STC_RETURN_IF_ERROR(store->ClearAggregates());
  const size_t n = static_cast<size_t>(ResolveThreads(threads));
  struct Part {
    std::unique_ptr<DeltaMap> deltas;
    CountedRecord record;
    int64_t records = 0;
  };
  std::vector<Part> parts(n);
  // Runs of 1/(2n) of the default size keep the n maps below one default
  // map's unmerged runs (as verify's).
  for (Part& part : parts) {
    part.deltas = std::make_unique<DeltaMap>(std::max<size_t>((size_t{1} << 20) / (2 * n), 4096));
  }
  STC_RETURN_IF_ERROR(store->ForEachRecordParallel(
      n, [&](size_t index, Source source, std::string_view key, std::string_view value) -> Status {
        Part& part = parts[index];
        Status st = DecodeCountedRecord(value, &part.record);
        if (!st.ok()) {
          return Status::Corruption("store " + store->dir() + ": record " +
                                    std::string(SourceName(source)) + " " + std::string(key) +
                                    " does not decode: " + st.message());
        }
        part.record.source = source;
        part.deltas->Add(part.record, +1, store->grid());
        ++part.records;
        return Status::Ok();
      }));
  // Each part's sums as one pending entry (its own sorted run), then one fold
  // sums the parts' runs into the aggregates.
  int64_t records = 0;
  for (Part& part : parts) {
    SortedAggregates cells;
    StoreBatch totals;
    Status st = part.deltas->FlushSorted(&cells, &totals);
    if (!st.ok()) return Status::Corruption("store " + store->dir() + ": " + st.message());
    part.deltas.reset();
    STC_RETURN_IF_ERROR(store->ApplyWithPendingAggregates({}, cells, totals));
    records += part.records;
  }
  STC_RETURN_IF_ERROR(store->FoldPendingAggregates().status());
  STC_RETURN_IF_ERROR(store->EndDeferredAggregates());
  return records;
}

}  // namespace stc
