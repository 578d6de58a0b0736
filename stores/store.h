// The stcluster store: an embedded RocksDB database holding every counted
// record (for dedup and rebuilds) and the aggregates derived from them.
//
// Layout (column families, key and value encodings) is documented in
// stores/README.md. Aggregates are int64 unit sums updated through an
// associative merge operator (stores/merge_operator.h), so adding a record's
// contributions is a blind write and removing a replaced version is a merge of
// the negated contributions.
//
// Thread-safety: a Store may be shared by threads; Apply() calls are atomic
// (one RocksDB WriteBatch each) and may come from any thread, but the pipeline
// keeps lookups-then-writes of one key in a single serial stage so that
// decisions are never made on stale reads.
//
// Readers: every iteration (ForEach*, GetTotals) reads one consistent
// snapshot taken when it starts, so it sees each Apply entirely or not at
// all. A read-only Store (another process, or this one) sees the state at the
// moment it was opened (RocksDB replays the writer's WAL into its memory) and
// no later writes; reopen it to see newer data.
#ifndef STCLUSTER_STORES_STORE_H_
#define STCLUSTER_STORES_STORE_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/grid.h"
#include "core/large_alloc.h"
#include "core/record.h"
#include "core/status.h"
#include "core/units.h"

namespace stc {

namespace store_internal {
class TableRun;  // stores/table_run.h.
}  // namespace store_internal

struct StoreOptions {
  // Create the store when `dir` does not hold one (the directory too).
  bool create_if_missing = false;
  // Open without writing (export, stats, rank); works while a writer runs.
  // A read-only open never creates a store (create_if_missing is ignored).
  bool read_only = false;
  // Grid step for a new store, 1e-5 degrees (1000 = 0.01 degree). Ignored
  // when opening an existing store: the step is fixed at creation and read
  // from the store's metadata.
  int32_t grid_step_e5 = 1000;
  // For a new store: write the records' table files LZ4-compressed. Off by
  // default: at 20M bench records compression took the store from 1.8 to
  // 1.3 GB but cost 4-7% of a cold ingest's CPU and 7-12% of a forced
  // re-read's (every look-up of a stored record decompresses its block) and
  // of a profile scan's (docs/performance.md, "Records stored
  // uncompressed"). Like the grid step, fixed at creation (kept in the
  // metadata; a store created before the setting existed compresses) and
  // ignored when opening an existing store. Aggregates are always compressed.
  bool compress_records = false;
  // fsync the WAL on every Apply (slower; survives power loss, not only
  // process crashes).
  bool sync_writes = false;
  // Threads the store may use for its own merges (1-8, clamped):
  // CompactRecordsIfLayered and CompactAggregatesIfLayered run in parallel
  // parts from 2 on (at least three parts, see CompactIfLayered). The ingest
  // passes its --threads.
  int threads = 1;
};

// Identity of an aggregate cell.
struct AggregateKey {
  Source source = Source::kPct;
  int32_t year = 0;  // 0..65535
  Cell cell;
  char country[2] = {0, 0};  // ISO-2 or {0,0}.
  std::string field;         // At most 255 bytes.

  friend bool operator==(const AggregateKey&, const AggregateKey&) = default;
};

// Per (source, year) totals.
struct YearTotals {
  Source source = Source::kPct;
  int32_t year = 0;
  Units world = 0;      // Units of every record (kUnit per record).
  Units unlocated = 0;  // The part of `world` without a location.
  int64_t records = 0;  // Number of records.
};

// Writes collected for one atomic Apply. Writes to one record key take effect
// in the order they were added (the last wins). A plain value: not
// synchronised.
class StoreBatch {
 public:
  void PutRecord(Source source, std::string_view key, std::string_view encoded_value);
  void DeleteRecord(Source source, std::string_view key);
  // Adds `delta` (may be negative) to an aggregate cell. The key must respect
  // AggregateKey's ranges (year 0..65535, field <= 255 bytes), else Apply
  // fails with InvalidArgument.
  void AddAggregate(const AggregateKey& key, Units delta);
  // Adds to the (source, year) totals (year 0..65535, else Apply fails).
  void AddTotals(Source source, int32_t year, Units world, Units unlocated, int64_t records);
  bool empty() const;
  void Clear();
  // Visit the buffered deltas, in the order they were added (batch producers
  // and their checks: verify, tests).
  void ForEachAggregateDelta(const std::function<void(const AggregateKey&, Units)>& fn) const {
    for (const auto& [k, u] : aggregates_) fn(k, u);
  }
  void ForEachTotalsDelta(
      const std::function<void(Source, int32_t, Units, Units, int64_t)>& fn) const {
    for (const auto& t : totals_) fn(t.source, t.year, t.world, t.unlocated, t.records);
  }

 private:
  friend class Store;
  struct RecordOp {
    Source source;
    std::string key;
    bool is_delete;
    std::string value;
  };
  std::vector<RecordOp> records_;
  std::vector<std::pair<AggregateKey, Units>> aggregates_;
  struct TotalsOp {
    Source source;
    int32_t year;
    Units world, unlocated;
    int64_t records;
  };
  std::vector<TotalsOp> totals_;
};

// Aggregate deltas already encoded as store aggregate keys (stores/keys.h:
// EncodeAggregateKey), in strictly ascending key order, for
// Store::ApplyWithSortedRecords: producers that combine and sort their
// deltas themselves (the ingest) hand them over without per-key strings.
// A plain value: not synchronised.
class SortedAggregates {
 public:
  // Bytes per chunk of the encoding (an entry never straddles two chunks).
  static constexpr size_t kChunkBytes = size_t{1} << 20;

  // Appends a key (greater than the previous one) and its delta. A zero
  // delta changes nothing and is not kept. A key longer than 65535 bytes is
  // not kept either; the store refuses the whole set (InvalidArgument).
  void Add(std::string_view encoded_key, Units delta) {
    if (delta == 0) return;
    if (encoded_key.size() > 0xffff) {
      oversized_ = true;
      return;
    }
    const size_t n = encoded_key.size();
    const size_t at = bytes_.size();
    bytes_.resize(at + 2 + n + 8);
    char* p = bytes_.data() + at;
    p[0] = static_cast<char>(n & 0xff);
    p[1] = static_cast<char>(n >> 8);
    if (n != 0) std::memcpy(p + 2, encoded_key.data(), n);
    const uint64_t d = static_cast<uint64_t>(delta);
    for (int i = 0; i < 8; ++i) p[2 + n + i] = static_cast<char>((d >> (8 * i)) & 0xff);
    ++n_;
    if (bytes_.size() - chunk_start() >= kChunkBytes) chunk_ends_.push_back(bytes_.size());
  }
  // Room for `bytes` of encoding without reallocating (mapped, untouched
  // until used).
  void Reserve(size_t bytes) { bytes_.reserve(bytes); }
  // The kept deltas.
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  // Reads the entries in order: `*pos` starts at 0 and is advanced; false
  // after the last one. The key views this object's storage.
  bool Next(size_t* pos, std::string_view* key, Units* delta) const {
    if (*pos >= bytes_.size()) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data() + *pos);
    const size_t n = static_cast<size_t>(p[0]) | static_cast<size_t>(p[1]) << 8;
    *key = std::string_view(bytes_.data() + *pos + 2, n);
    uint64_t d = 0;
    for (int i = 7; i >= 0; --i) d = d << 8 | p[2 + n + i];
    *delta = static_cast<Units>(d);
    *pos += 2 + n + 8;
    return true;
  }
  // The entries as the store's pending log encodes them (stores/README.md:
  // per entry a 2-byte little-endian key length, the key, the delta as 8
  // bytes little-endian), in chunks of about kChunkBytes: the log's values
  // as they are written, without another copy. The views live until the
  // next Add or Clear.
  size_t chunks() const { return chunk_ends_.size() + (bytes_.size() > chunk_start() ? 1 : 0); }
  std::string_view chunk(size_t i) const {
    const size_t begin = chunk_offset(i);
    const size_t end = i < chunk_ends_.size() ? chunk_ends_[i] : bytes_.size();
    return std::string_view(bytes_.data() + begin, end - begin);
  }
  // Where chunk i begins, as a position for Next.
  size_t chunk_offset(size_t i) const { return i == 0 ? 0 : chunk_ends_[i - 1]; }
  // Whether a key too long to encode was given (and dropped).
  bool oversized() const { return oversized_; }
  void Clear() {
    bytes_.clear();
    chunk_ends_.clear();
    n_ = 0;
    oversized_ = false;
  }

 private:
  size_t chunk_start() const { return chunk_ends_.empty() ? 0 : chunk_ends_.back(); }

  // A large buffer (core/large_alloc.h), capacity kept across Clear.
  LargeString bytes_;
  std::vector<size_t> chunk_ends_;
  size_t n_ = 0;
  bool oversized_ = false;
};

class Store {
 public:
  // Opens or creates the store in `dir`. Errors: NotFound (no store and
  // !create_if_missing, or read_only: "no stcluster store at DIR (create one
  // with ingest)"), Busy (another writer holds it: "store DIR is locked by
  // another writer: ..."), Corruption (another format version, a RocksDB
  // database that is not a store, bad metadata), IoError, InvalidArgument
  // (bad grid step for a new store).
  // The returned Store must be destroyed before `dir` is reused; destruction
  // syncs the WAL of a writable store (best effort) and releases the lock.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const StoreOptions& options);
  ~Store();

  const Grid& grid() const { return grid_; }
  const std::string& dir() const { return dir_; }
  // Whether the store writes its records' table files compressed (the
  // setting fixed at its creation, StoreOptions::compress_records).
  bool compresses_records() const { return compresses_records_; }

  // A record write for ApplyWithSortedRecords. `store_key` is the store's
  // record key: the source byte followed by the record key.
  struct RecordWrite {
    std::string_view store_key;
    std::string_view value;  // Encoded record; ignored when is_delete.
    bool is_delete = false;
  };

  // Like Apply(deltas) plus the record writes `records`, which must be sorted
  // by store_key with no duplicates (InvalidArgument otherwise, nothing
  // written). Saves the copies and the sort of a StoreBatch for producers
  // that already hold their writes in order. The views need only live during
  // the call.
  Status ApplyWithSortedRecords(std::span<const RecordWrite> records, const StoreBatch& deltas);
  // The same with the aggregate deltas given as `aggregates` (sorted, see
  // SortedAggregates; `deltas` then carries only totals and must hold no
  // aggregate or record). Into empty aggregates they are written as the
  // values (as FoldPendingAggregates writes its sums), else as merge
  // operands. InvalidArgument, nothing written, when the keys are out of
  // order, repeated or malformed.
  //
  // `records_in_parallel` (both overloads with `aggregates`): a caller with
  // nothing else running (an ingest's last flush) has a large set of
  // records written as StoreOptions::threads table files of consecutive
  // keys on as many threads instead of one; the same atomic write. So are
  // large sorted aggregates written to the aggregates (not the pending log)
  // without records of their own (a fresh load's deferred cells).
  Status ApplyWithSortedRecords(std::span<const RecordWrite> records,
                                const SortedAggregates& aggregates, const StoreBatch& deltas,
                                bool records_in_parallel = false);
  // The same, except that the aggregate deltas are kept *pending* instead of
  // being added to the aggregates: written, in the same atomic write as the
  // records and totals, as one entry of a log in the store (column family
  // "pending", stores/README.md). FoldPendingAggregates adds every pending
  // delta to the aggregates in one write; a writable Open does it for a log
  // left by a process that stopped before (crash safety is unchanged: the
  // deltas are durable with their records). Readers see no difference:
  // ForEachAggregate adds the pending deltas. A large ingest thus merges
  // its flushes' deltas once, itself, instead of RocksDB compacting one
  // level-0 file of deltas per flush. Same errors as ApplyWithSortedRecords.
  Status ApplyWithPendingAggregates(std::span<const RecordWrite> records,
                                    const SortedAggregates& aggregates, const StoreBatch& deltas,
                                    bool records_in_parallel = false);
  // Diagnostics: how many entries of the pending log (one per call of
  // ApplyWithPendingAggregates with deltas) this handle has written, on
  // every thread (tests, benchmarks).
  uint64_t pending_flushes_written() const;
  // Diagnostics: how many table files of the pending log the folds of this
  // handle removed whole, without reading them, once their entries were
  // deleted (tests).
  uint64_t pending_files_dropped() const;
  // Diagnostics: how many folds of this handle rewrote stored aggregates
  // (FoldPendingAggregates) instead of adding their sums as merge operands
  // (tests).
  uint64_t aggregates_rewritten() const;
  // Diagnostics: how many aggregate entries those rewrites wrote (tests).
  uint64_t aggregate_entries_rewritten() const;
  // Tests: the next fold that rewrites the aggregates stops with an IoError
  // right after it removed the stored ones, as a process killed there would,
  // leaving the store marked (BeginDeferredAggregates). Once.
  void StopNextRewriteForTesting();
  // Adds every pending aggregate delta to the aggregates and removes the
  // log, in one atomic write (a table file when large). Returns whether any
  // delta was pending. InvalidArgument on a read-only store; Corruption on a
  // malformed log entry (nothing changed); IoError.
  //
  // A large fold onto stored aggregates with no table file in level 0 (the
  // state every ingest leaves) rewrites them instead: the stored values and
  // the sums merged, on two threads, into new table files (cut at every
  // (source, year)) that replace the stored ones; when the stored ones are
  // one run, only its files that the log's key range meets. The replacement
  // is several steps, under the mark of BeginDeferredAggregates: an error or
  // a stop between them leaves the store marked, its aggregates to be
  // rebuilt from the records (pipeline/rebuild.h). Otherwise the sums are
  // added as merge operands, which CompactAggregatesIfLayered merges later.
  Result<bool> FoldPendingAggregates();

  // A fresh load's deferred aggregates (pipeline/write_stage.h). While the
  // meta entry kMetaAggregatesDeferred is stored, records may be stored
  // without their contributions to the aggregates and totals: every read of
  // those (ForEachAggregate, ForEachAggregateParallel,
  // ForEachAggregateOfYears, ApproximateAggregateBytes, SplitAggregates,
  // GetTotals) fails with Busy, on this handle and on any opened meanwhile.
  // Begin writes the entry (`note`: when and what, for people) with a synced
  // write, before the first write that relies on it; End removes it (synced)
  // once every stored record's contributions are written. A load that stops
  // in between leaves it: RebuildAggregates (pipeline/rebuild.h) recomputes
  // the aggregates from the records and ends it. InvalidArgument on a
  // read-only store; IoError. Not thread-safe with each other.
  Status BeginDeferredAggregates(std::string_view note);
  Status EndDeferredAggregates();
  // Whether the entry above was stored when this handle opened the store,
  // or Begin has run since (and End not).
  bool aggregates_deferred() const;
  // Removes every aggregate, total and pending delta in one atomic write
  // (range deletions): the first step of a rebuild from the records.
  // InvalidArgument on a read-only store; IoError.
  Status ClearAggregates();

  // Looks up `sorted_keys` (all of one `source`, ascending, unique) and calls
  // `found(i, value)` for each stored one, in key order; `value` is valid
  // only during the call. Each key is read as stored at some moment during
  // the call (batches of keys are read one after the other, not from one
  // snapshot). An error from `found` stops the look-up and is returned. No
  // allocation per key (the batched look-up of the ingest). From
  // kMergeLookUpMin keys on, an iterator merges the keys with the stored ones
  // while they are dense in the store and point look-ups take the rest.
  Status ForEachStoredRecord(
      Source source, const std::vector<std::string_view>& sorted_keys,
      const std::function<Status(size_t i, std::string_view value)>& found) const;
  // Diagnostics: how many batched point look-ups (RocksDB MultiGet calls, up
  // to 32 keys each) ForEachStoredRecord has made on this handle so far, on
  // every thread. Each call visits every sorted run that may hold its keys,
  // so fewer calls for the same keys cost less (tests, benchmarks).
  uint64_t point_lookup_calls() const;
  // Diagnostics: how many full scans (ForEachRecordParallel,
  // ForEachAggregateParallel, ForEachAggregateOfYears, SplitAggregates) read
  // the column family's table files directly instead of through RocksDB's
  // iterator: a store opened read-only whose column family is one sorted run
  // on disk (stores/table_run.h; tests, benchmarks).
  uint64_t table_run_scans() const;
  // Diagnostics: how many of those read every table file of the run block by
  // block (stores/raw_table.h), the store's own layout being one that reader
  // knows (tests, benchmarks).
  uint64_t raw_table_scans() const;
  // Diagnostics: how many reads of table files the merges of
  // CompactRecordsIfLayered, CompactAggregatesIfLayered and
  // FoldPendingAggregates dropped from the page cache after reading them
  // (stores/page_cache_fs.h; tests).
  uint64_t page_cache_drops() const;

  // Looks up the encoded values of `keys` (all of one `source`).
  // (*values)[i] is empty std::nullopt when keys[i] is not stored. `*values`
  // is resized to keys.size(); its content is unspecified on error.
  Status GetRecords(Source source, const std::vector<std::string_view>& keys,
                    std::vector<std::optional<std::string>>* values) const;

  // True when the store holds no record at all (a fresh load: the pipeline
  // then needs no lookups for keys it has not written itself).
  Result<bool> HasNoRecords() const;

  // Applies every write of `batch` atomically. Large batches (50,000 keys or
  // more) are written as table files ingested in one atomic step instead of
  // through the WAL and memtables; either way the batch is all-or-nothing and
  // survives a process crash once Apply returns (power loss too with
  // sync_writes, and always for table-file batches). Fails with IoError (e.g. disk
  // full) without applying anything. InvalidArgument (nothing applied) on a
  // read-only store or an out-of-range aggregate/totals key. Deltas to one
  // aggregate or totals key within a batch are summed before writing.
  Status Apply(const StoreBatch& batch);

  // Visits stored records in key order (source, key). Stops and returns the
  // callback's error if it returns non-OK.
  Status ForEachRecord(
      const std::function<Status(Source, std::string_view key, std::string_view value)>& fn) const;
  // The same scan split into up to `parts` key ranges of about equal size,
  // each visited by its own thread (the calling thread takes part 0), all
  // reading one snapshot taken at the call. `fn(part, ...)` is called
  // concurrently for different parts, never for one part from two threads;
  // within a part in key order, and every key of part i sorts before those
  // of part i + 1, so a caller keeping per-part state and combining it in
  // part order sees the records in key order, as ForEachRecord. Fewer parts
  // (down to 1) when the store is small: the split follows its table files.
  // After a callback error the other parts stop at their next record; the
  // error of the lowest failing part is returned.
  Status ForEachRecordParallel(size_t parts,
                               const std::function<Status(size_t part, Source, std::string_view key,
                                                          std::string_view value)>& fn) const;

  // Visits non-zero aggregates in key order (source, year, cell, country, field).
  Status ForEachAggregate(const std::function<Status(const AggregateKey&, Units)>& fn) const;
  // The same visit split into up to `parts` key ranges, as
  // ForEachRecordParallel: `fn(part, ...)` is called concurrently for
  // different parts, within a part in key order, every key of part i before
  // those of part i + 1; all parts read one snapshot. The AggregateKey passed
  // is the part's own, valid during the call. One part when the store is
  // small, or when it holds deltas not folded yet (an ingest in progress or
  // stopped: ForEachAggregate adds them in key order). Errors as
  // ForEachRecordParallel.
  Status ForEachAggregateParallel(
      size_t parts, const std::function<Status(size_t part, const AggregateKey&, Units)>& fn) const;

  // The aggregates split into key ranges, all read on one snapshot, for
  // callers that scan the ranges on their own threads in their own order and
  // combine the results in key order (the cell export formats ranges in
  // parallel and writes them in order). Every key of range i sorts before
  // those of range i + 1. Made by SplitAggregates; must not outlive the
  // store. Thread-safe: ranges may be scanned concurrently.
  class AggregateRanges {
   public:
    ~AggregateRanges();
    AggregateRanges(const AggregateRanges&) = delete;
    AggregateRanges& operator=(const AggregateRanges&) = delete;
    // At least 1.
    size_t size() const { return splits_.size() + 1; }
    // Visits the non-zero aggregates of range `i` (< size()) in key order,
    // as ForEachAggregate; the AggregateKey passed is valid during the call.
    // The first error of `fn` stops the scan and is returned; store errors
    // as ForEachAggregate.
    Status Scan(size_t i, const std::function<Status(const AggregateKey&, Units)>& fn) const;

   private:
    friend class Store;
    AggregateRanges(const Store* store, const void* snapshot, std::vector<std::string> splits)
        : store_(store), snapshot_(snapshot), splits_(std::move(splits)) {}
    const Store* store_;
    const void* snapshot_;  // rocksdb::Snapshot; null: one range, ForEachAggregate.
    std::vector<std::string> splits_;
    // The aggregates' table files when the ranges read them directly; null:
    // through the database at snapshot_.
    std::shared_ptr<const store_internal::TableRun> run_;
  };
  // A (source, year) pair, ordered as the aggregate keys are (by source,
  // then year), which they lead.
  using SourceYear = std::pair<Source, int32_t>;
  // The aggregates whose (source, year) is at least `from` and below `to`
  // (none: no bound), visited as ForEachAggregate visits them (pending deltas
  // added): verify compares a few years at a time. Errors as
  // ForEachAggregate.
  Status ForEachAggregateOfYears(SourceYear from, std::optional<SourceYear> to,
                                 const std::function<Status(const AggregateKey&, Units)>& fn) const;
  // RocksDB's estimate of the bytes (table files and memtables) of each
  // pair's aggregates, in the order given.
  Result<std::vector<uint64_t>> ApproximateAggregateBytes(
      const std::vector<SourceYear>& pairs) const;

  // Splits the aggregates into ranges of about `range_bytes` on disk each
  // (RocksDB's estimate from the table files' indexes), at most `max_ranges`
  // of them. One range for a small store (under 1 MiB on disk) and while
  // deltas of an unfinished ingest are pending (that range is scanned as
  // ForEachAggregate, which adds them). Store errors as ForEachAggregate.
  Result<std::unique_ptr<AggregateRanges>> SplitAggregates(uint64_t range_bytes,
                                                           size_t max_ranges) const;

  // All (source, year) totals with at least one record, in (source, year) order.
  Result<std::vector<YearTotals>> GetTotals() const;

  // Small string settings kept in the store (grid step, format version,
  // later: cluster map versions, file registry).
  Result<std::optional<std::string>> GetMeta(std::string_view name) const;
  // InvalidArgument on a read-only store, and for "format_version" and
  // "grid_step_e5", which are fixed when the store is created.
  Status PutMeta(std::string_view name, std::string_view value);
  Status DeleteMeta(std::string_view name);
  // Writes several meta entries (name, value) in one atomic write, in order;
  // the sequence number moves by entries.size(): values saved this way are
  // the last write exactly while LastSequence() is the number before it plus
  // entries.size(). Errors as PutMeta, nothing written then.
  Status PutMetas(const std::vector<std::pair<std::string, std::string>>& entries);
  // The sequence number of the store's last write (RocksDB's): it moves with
  // every write of records, aggregates, totals, metadata or maps, even one
  // that changes nothing, and not with flushes or compactions. Equal numbers
  // read at two times mean nothing was written in between (the same on a
  // read-only open). A value saved by a single PutMeta is the last write
  // exactly while LastSequence() is the number before it plus one.
  uint64_t LastSequence() const;
  // Visits the meta entries whose name starts with `prefix`, in name order.
  Status ForEachMeta(
      std::string_view prefix,
      const std::function<Status(std::string_view name, std::string_view value)>& fn) const;

  // ---- Cluster maps (cluster/map_store.h): numbered versions of an opaque
  // encoded value (the encoding belongs to cluster/), kept in the `clusters`
  // column family (created on first use), and the number of the current one
  // in meta "cluster_map_current".
  //
  // Stores `encoded` as version 1 + the highest stored version and makes it
  // current, both in one synced atomic write. Returns the version.
  // InvalidArgument on a read-only store; IoError.
  Result<uint64_t> AddClusterMap(std::string_view encoded);
  // Makes stored version `version` current. NotFound when it is not stored;
  // InvalidArgument on a read-only store.
  Status SetCurrentClusterMap(uint64_t version);
  // The current version, or nullopt when no map was ever added.
  Result<std::optional<uint64_t>> CurrentClusterMap() const;
  // The encoded value of `version`, or nullopt when it is not stored.
  Result<std::optional<std::string>> GetClusterMap(uint64_t version) const;
  // Every stored version, ascending.
  Result<std::vector<uint64_t>> ClusterMapVersions() const;

  // Writes a consistent copy of the store to `to_dir`, which must not exist
  // (missing parents are created): a RocksDB checkpoint (memtables flushed
  // first, table files hard-linked when on the same file system, else
  // copied), plus the store's rejects log `rejects.jsonl` when present. The
  // copy opens as a store with the same content. The source store is not
  // changed (apart from the flush). InvalidArgument when `to_dir` exists or
  // the store was opened read-only (a checkpoint needs the writer lock: see
  // stores/README.md, "Checkpoints"); IoError (nothing left at `to_dir`).
  Status Checkpoint(const std::string& to_dir) const;

  // Writes every memtable to table files and waits: the log they came from
  // is then obsolete, so opens (read-only ones too) replay nothing. No
  // sequence number moves (LastSequence() is unchanged). `delineate` calls
  // it after storing a map (tens of MB of text on a fine grid), which every
  // later command would otherwise read back from the log, checksum by
  // checksum, on opening. InvalidArgument on a read-only store.
  Status Flush();
  // Forces memtables to disk and compacts every column family into one
  // sorted run of rewritten files (used by tests). Afterwards
  // no zero aggregate or totals entry remains on disk and, when no snapshot
  // was held meanwhile, RocksDB has no compaction of its own left to run
  // (store_compaction.cc). InvalidArgument on a read-only store.
  Status Compact();
  // Compacts the aggregates column family when level 0 holds at least
  // `min_level0_files` table files (each bulk write adds one): scans of the
  // aggregates (rank, export, show) then read one sorted run with merged
  // values instead of merging every file's operands at read time. Returns
  // whether it compacted. Cost: one rewrite of the aggregates (their size
  // follows the cells, not the records). Waits for a compaction RocksDB runs on
  // them by itself (up to a minute; then returns false, changing nothing).
  // InvalidArgument on a read-only store.
  Result<bool> CompactAggregatesIfLayered(uint64_t min_level0_files);
  // The same for the records: merges every table file of the records into
  // the last level when level 0 holds at least `min_level0_files` files. A
  // large load leaves one level-0 file per buffer flush (RocksDB compacts the
  // records by itself only at 64); merged once, they are one sorted run,
  // which every later look-up, re-read and scan reads instead of all of
  // them. Cost: one rewrite of the records (about 10 s of CPU for 20M), in
  // parallel parts on StoreOptions::threads. Blocks the caller until done.
  // Waits for a compaction RocksDB runs by itself, as above.
  // InvalidArgument on a read-only store.
  Result<bool> CompactRecordsIfLayered(uint64_t min_level0_files);
  // Announces that the caller will call CompactRecordsIfLayered(files) at
  // the end of its run (0, the default: no such promise). Bulk table files of
  // records written once level 0 holds at least files - 1 files (the merge is
  // then certain, unless the run fails first) are written without
  // compression: the merge reads and compresses them once, instead of each
  // being compressed at its flush and decompressed again by the merge and by
  // the run's own look-ups. If the run stops before its merge, those files
  // stay uncompressed (larger, equally valid) until a later merge or
  // RocksDB's own compaction rewrites them. Call before writing; not
  // concurrently with writes.
  void MergeRecordsAt(uint64_t files);

 private:
  // CompactAggregatesIfLayered and CompactRecordsIfLayered: one compaction of
  // every table file of the column family into its last level, in files of
  // the CF's target size.
  enum class LayeredCf { kRecords, kAggregates };
  Result<bool> CompactIfLayered(LayeredCf which, uint64_t min_level0_files);
  // ForEachStoredRecord merges its keys with the stored ones from this many
  // keys on (an iterator's creation and first seek cost more than a few
  // point look-ups); fewer go to MultiGetStoredRecords.
  static constexpr size_t kMergeLookUpMin = 64;
  // ForEachStoredRecord for sorted_keys[start, end) by point look-ups
  // (MultiGet).
  Status MultiGetStoredRecords(
      Source source, const std::vector<std::string_view>& sorted_keys, size_t start, size_t end,
      const std::function<Status(size_t i, std::string_view value)>& found) const;
  Status ValidateDeltas(const StoreBatch& batch) const;
  Status ValidateSorted(std::span<const RecordWrite> records, const SortedAggregates& aggregates,
                        const StoreBatch& deltas) const;
  // `pending`: deltas written as a pending log entry (its chunks, see
  // ApplyWithPendingAggregates) under the next pending flush number.
  Status ApplyPrepared(std::span<const RecordWrite> records, const StoreBatch& deltas,
                       const SortedAggregates* sorted_aggregates = nullptr,
                       const SortedAggregates* pending = nullptr, bool records_in_parallel = false);
  // Defined in store.cc: Impl is incomplete here (an inline constructor would
  // need its destructor in every file that includes this header).
  Store();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Grid grid_;
  bool compresses_records_ = true;
  std::string dir_;
};

}  // namespace stc

#endif  // STCLUSTER_STORES_STORE_H_
