// The pipeline's last stage: dedup of each chunk's records against the store
// and the records pending in memory, and atomic writes.
//
// Runs serially, in stream order. Decisions (new / updated / unchanged /
// older version / deleted) are made per record as it arrives, so the counts
// are exact; the writes themselves are buffered across chunks (records and
// the combined aggregate deltas) and applied in one atomic batch whenever the
// buffer exceeds its budget and at the end (Finish). A crash therefore loses
// at most the unflushed buffers, never half of one: a re-run re-does that part.
//
// A fresh load (into a store without records) of more than one buffer
// defers its cell aggregates: each flush writes its records and totals, and
// its cell deltas are merged into one map kept for the run (a second sort
// and merge of every flush's deltas, the pending log's, is saved). Finish
// writes the map, in one more atomic write, straight into the empty
// aggregates. The store marks the aggregates as deferred meanwhile
// (Store::BeginDeferredAggregates: readers refuse); a load that stops before
// Finish leaves the mark, and the next ingest rebuilds the aggregates from
// the stored records (pipeline/rebuild.h). The map pays only when cells
// repeat across flushes (a coarse grid), and it is bounded: when the first
// flush's deltas sum to nearly as many cells as were added (a fine grid), or
// once the map holds more than half the flush budget (as DeltaMap::bytes
// counts it), it is written as an entry of the pending log with the flush's
// records, the store is unmarked, and the load goes on as one into a store
// with records (each flush's deltas pending, Finish folds them).
//
// Writes overlap with reading: a full buffer is handed to a background
// thread that sorts and writes it while the pipeline goes on filling the
// other buffer. At most one flush is in flight; until it is done the dedup
// decisions look a key up in the active buffer, then in the one being
// written (read-only on both threads), then in the store. Flushes reach the
// store in order, so the store only ever holds complete, ordered batches.
// Internal to pipeline/.
#ifndef STCLUSTER_PIPELINE_WRITE_STAGE_H_
#define STCLUSTER_PIPELINE_WRITE_STAGE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pipeline/contributions.h"
#include "pipeline/ingest.h"
#include "pipeline/key_filter.h"
#include "pipeline/pending_table.h"
#include "pipeline/rejects_log.h"
#include "pipeline/work.h"
#include "stores/store.h"

namespace stc {

class Writer {
 public:
  // All pointers must outlive the Writer. `flush_bytes`: buffer budget
  // (encoded record bytes) that triggers a write.
  Writer(Store* store, IngestStats* stats, RejectsLog* log, const std::vector<std::string>* files,
         size_t flush_bytes);
  // Waits for a flush still in flight (its result is lost: call Finish to
  // see it).
  ~Writer();

  // Reads the store state the Writer needs (whether it is empty).
  Status Start();
  // Looks up the stored state of `w`'s keys (Work::lookup) for a later
  // Write(w): the parse threads call it, concurrently with each other and
  // with Write, so that store reads leave the serial stage. Write uses the
  // result only if no buffer was emptied since the look-up began (the epoch):
  // until then every key written by a flush is still in a buffer, which Write
  // consults first; otherwise Write looks the chunk up again. Call after
  // Start. A chunk with recognised items (ChunkLookup::has_recognised) counts
  // as looked up when they were recognised, and they are not read again.
  void LookUp(Work* w) const;
  // Where the parse threads may recognise units (read_stage.h): the store
  // and the epoch, unless the store was empty when the run began (a fresh
  // load has nothing to recognise). Call after Start.
  Recognition recognition() const {
    if (store_was_empty_) return Recognition{};
    const Store* store = store_;
    return Recognition{[store](Source source, const std::vector<std::string_view>& sorted_keys,
                               const std::function<Status(size_t, std::string_view)>& found) {
                         return store->ForEachStoredRecord(source, sorted_keys, found);
                       },
                       &epoch_};
  }
  // Dedups one chunk (or records its file-level error); may flush. Fails only
  // when the store fails.
  Status Write(Work* w);
  // Replace mode (ingest --replace): records of other sources or years are
  // skipped, the files' records of (source, year) win over the stored ones,
  // and Finish removes the stored records of (source, year) the files did not
  // hold. Call before the first Write.
  void SetReplace(Source source, int32_t year) { replace_ = ReplaceSpec{source, year}; }
  // Writes whatever is still buffered (and, in replace mode, removes what the
  // files no longer hold), waits until it is in the store, then folds the
  // aggregate deltas the flushes left pending (Store::FoldPendingAggregates).
  // Returns the first failure of any flush of this run.
  Status Finish();

  // Tests: runs `hook` on the flush thread before each buffer is written
  // (e.g. to hold a flush in flight while later chunks are decided).
  void SetFlushHookForTesting(std::function<void()> hook) { flush_hook_ = std::move(hook); }
  // Tests: the deferred cell map's budget (as DeltaMap::bytes counts it;
  // half the flush budget by default). Call before the first Write.
  void SetDeferredBudgetForTesting(size_t bytes) { deferred_budget_ = bytes; }
  // Diagnostics (tests): whether this run deferred its cell aggregates, and
  // whether it stopped early (the first flush's cells barely repeated, or
  // the map outgrew its budget). Call after Finish.
  bool deferred() const { return deferred_ != nullptr; }
  bool deferral_ended_early() const { return deferred_ != nullptr && deferred_->spilled; }

 private:
  Status FlushAll();  // Finish without the fold.
  // Buffered record states (by store record key: source byte + key) and the
  // combined aggregate deltas of the records they hold.
  struct Buffer {
    PendingTable pending;
    DeltaMap deltas;
  };
  // What a flush builds from a buffer for the store: one for both buffers,
  // since one flush runs at a time (each waits for the one before), used
  // only by the thread writing (its memory is first touched once, not once
  // per buffer).
  struct FlushScratch {
    struct SortKey {
      uint64_t w0, w1, w2;  // Key bytes 0-23, big-endian, zero-padded.
      uint32_t len;         // Key length.
      uint32_t index;       // Into pending.entries().
    };
    LargeVector<SortKey> order;
    LargeVector<Store::RecordWrite> writes;
    SortedAggregates aggregates;  // The cell deltas, encoded and sorted.
    StoreBatch batch;             // The totals.
  };

  // Hands the active buffer to the background thread (after waiting for the
  // previous flush) and makes the other one active.
  Status StartFlush();
  // Waits for the flush in flight, if any; returns its status.
  Status WaitForFlush();
  // Sorts and writes `b` in one atomic store write, then empties it. Runs on
  // the flush thread; touches nothing else of the Writer but `scratch`.
  // `only`: the only flush of the run, whose cell deltas go straight to
  // the aggregates (Store::ApplyWithSortedRecords); in a run of several
  // flushes, every flush's stay pending (Store::ApplyWithPendingAggregates)
  // until Finish folds them. `alone`: a flush of FlushAll, after the parse,
  // with the cores to itself (its records are written on every thread the
  // store has).
  // A fresh load's cell deltas kept across flushes (the top comment); the
  // flush thread's, and Finish's once no flush is in flight.
  struct Deferred {
    DeltaMap cells;
    size_t budget = 0;     // Past it (DeltaMap::bytes) the map goes to the pending log,
    bool spilled = false;  // which ends the deferral (set by the flush that does it),
    bool ended = false;    // and the store's mark (Store::EndDeferredAggregates).
    int flushes = 0;       // That moved cells into the map.
  };
  // `deferred`: the run's deferred map while it defers (null: the deltas go
  // to the store with the records, as described above).
  static Status WriteBuffer(Store* store, Buffer* b, FlushScratch* scratch, bool only, bool alone,
                            Deferred* deferred);
  // Finish of a run still deferring: writes the map straight into the
  // aggregates and unmarks the store.
  Status WriteDeferred();
  // The buffered state of `full` (active buffer first), or null.
  const PendingTable::Entry* FindBuffered(std::string_view full, uint64_t hash,
                                          const PendingTable** table);
  Status DecodeStored(std::string_view value, CountedRecord* out);
  void FileError(FileSummary& fsum, const std::string& path, uint64_t offset,
                 const std::string& reason, const std::string& detail);

  Store* store_;
  IngestStats* stats_;
  RejectsLog* log_;
  const std::vector<std::string>* files_;
  size_t flush_bytes_;
  std::vector<uint64_t> file_lines_;  // Lines before the current chunk, per file.
  bool store_was_empty_ = false;
  std::optional<ReplaceSpec> replace_;
  std::unordered_set<std::string> replace_seen_;  // Store keys of the replaced year seen.
  KeyFilter written_;  // Keys flushed during this run (store_was_empty_ only).
  // A copy of written_ as of the last flush, for LookUp on other threads.
  mutable std::mutex published_mu_;
  std::shared_ptr<const KeyFilter> published_;
  std::atomic<uint64_t> epoch_{0};  // Buffers emptied (WaitForFlush) so far.

  Buffer buffers_[2];
  FlushScratch flush_scratch_;  // For the flush in flight.
  Buffer* active_ = &buffers_[0];
  Buffer* flushing_ = nullptr;  // Being written by flush_thread_ (read-only here).
  std::thread flush_thread_;
  Status flush_status_;           // Of the flush in flight; read after joining.
  bool last_flush_ = false;       // The next StartFlush is the run's last (FlushAll).
  bool flushing_all_ = false;     // In FlushAll: the parse is over.
  uint64_t flushes_started_ = 0;  // By this Writer.
  Status first_failure_;
  std::function<void()> flush_hook_;
  size_t deferred_budget_ = 0;          // 0: flush_bytes_ / 2.
  std::unique_ptr<Deferred> deferred_;  // Set by the first flush that defers.

  // Per-chunk scratch.
  struct Lookup {
    uint32_t active = 0;     // Index + 1 in the active buffer when the chunk began; 0: absent.
    uint32_t in_flight = 0;  // Index + 1 in the buffer being written; 0: absent.
  };
  std::vector<Lookup> lookups_;               // Per item.
  static constexpr size_t kLookupBatch = 16;  // Slots prefetched before probing.
  std::vector<uint64_t> chunk_inserted_;      // Hashes (| 1) inserted by this chunk.
  CountedRecord scratch_;
  CountedRecord recognised_;  // A recognised item's record, decoded when it is written.
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_WRITE_STAGE_H_
