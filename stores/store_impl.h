// Internals shared by the store's implementation files (store.cc, the
// store's core; store_writes.cc, batches, writes and batched look-ups;
// store_maps.cc, cluster maps and checkpoints). Not a public
// header: only stores/*.cc include it.
#ifndef STCLUSTER_STORES_STORE_IMPL_H_
#define STCLUSTER_STORES_STORE_IMPL_H_

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "stores/page_cache_fs.h"
#include "stores/store.h"
#include "stores/writer_lock.h"

namespace stc {
namespace store_internal {

inline rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// The base names of the table files of `cf` ("000123.sst"), every level.
std::vector<std::string> TableFileBaseNames(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf);

// Maps a non-OK RocksDB status to stc::Status; `what` names the operation.
Status FromRocks(const rocksdb::Status& s, const std::string& dir, std::string_view what);

// Lower-case hex of `bytes` (error messages).
std::string Hex(std::string_view bytes);
// Column family options of the store's CF `name` sharing the block `cache`.
rocksdb::ColumnFamilyOptions MakeCfOptions(const std::string& name,
                                           const std::shared_ptr<rocksdb::Cache>& cache);
// Batches with at least this many distinct keys are written as table files.
inline constexpr size_t kBulkIngestThreshold = 50000;
// Read-ahead of the full scans (records, aggregates): one read of 2 MiB per
// table file instead of a pread per 16 KiB block (RocksDB's automatic
// read-ahead grows only to 256 KiB). A scan of 20M records spent 8% of its
// samples in those system calls.
inline constexpr size_t kScanReadaheadBytes = size_t{2} << 20;

// The records CF has a prefix extractor (RecordKeyPrefix): an iterator made
// with default ReadOptions would be in prefix mode, its Seek free to skip
// every table file without the target's prefix, and a scan past that prefix
// would miss their keys. Every iterator that is not a prefix walk takes these.
inline rocksdb::ReadOptions TotalOrder() {
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  return ro;
}

// The records CF's prefix extractor (store_keys::RecordKeyPrefix). Static.
const rocksdb::SliceTransform* RecordKeyPrefix();
// Parses a decimal int64; false on anything else.
bool ParseInt64(std::string_view text, int64_t* out);

}  // namespace store_internal

using store_internal::FromRocks;
using store_internal::Hex;
using store_internal::MakeCfOptions;
using store_internal::ParseInt64;
using store_internal::ToSlice;

struct Store::Impl {
  std::string dir;
  bool read_only = false;
  int threads = 1;  // StoreOptions::threads, clamped to 1-8.
  rocksdb::WriteOptions write_options;
  std::shared_ptr<rocksdb::Cache> cache;
  // The database's file system and the Env over it (page_cache_fs.h); both
  // outlive `db` (members are destroyed after ~Impl closes it).
  std::shared_ptr<store_internal::DropReadsFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // Every opened CF (owned).
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  rocksdb::ColumnFamilyHandle* records = nullptr;
  rocksdb::ColumnFamilyHandle* aggregates = nullptr;
  rocksdb::ColumnFamilyHandle* totals = nullptr;
  std::unique_ptr<WriterLock> writer_lock;          // Writers only; released after the DB closes.
  rocksdb::ColumnFamilyHandle* clusters = nullptr;  // Null until the first cluster map.
  // Null in a read-only store written by an earlier version (no pending log).
  rocksdb::ColumnFamilyHandle* pending = nullptr;
  uint64_t next_pending_flush = 0;  // Writers: the next pending log entry's number.
  std::mutex clusters_mu;           // Serialises AddClusterMap.
  // Store::point_lookup_calls (relaxed: a diagnostic count, one add per call
  // of up to 32 keys).
  mutable std::atomic<uint64_t> point_lookup_calls{0};
  // Store::table_run_scans (relaxed: a diagnostic count).
  mutable std::atomic<uint64_t> table_run_scans{0};
  // Store::raw_table_scans (relaxed: a diagnostic count).
  mutable std::atomic<uint64_t> raw_table_scans{0};
  // Store::pending_flushes_written.
  std::atomic<uint64_t> pending_flushes_written{0};
  // Store::pending_files_dropped.
  std::atomic<uint64_t> pending_files_dropped{0};
  // Store::aggregates_rewritten and Store::StopNextRewriteForTesting.
  std::atomic<uint64_t> aggregates_rewritten{0};
  std::atomic<uint64_t> aggregate_entries_rewritten{0};
  std::atomic<bool> stop_next_rewrite{false};
  uint64_t merge_records_at = 0;  // Store::MergeRecordsAt.
  // Store::aggregates_deferred: read at Open, set and cleared by this handle's
  // Begin/EndDeferredAggregates (relaxed: the writer sets it on one thread
  // before any flush that relies on it).
  std::atomic<bool> aggregates_deferred{false};

  ~Impl() {
    if (db == nullptr) return;
    // Best effort: make every applied batch durable on a clean close (no one
    // to report a failure to; the WAL is replayed on the next open anyway).
    // Not after a failed write: RocksDB's WAL writer is then in an error state
    // (syncing it trips an assertion in some builds); what was acknowledged
    // is in the WAL already.
    if (!read_only && !write_failed) db->SyncWAL().PermitUncheckedError();
    for (rocksdb::ColumnFamilyHandle* h : handles)
      db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db->Close().PermitUncheckedError();
    delete db;
  }

  Status Rocks(const rocksdb::Status& s, std::string_view what) const {
    if (!s.ok() && (s.IsIOError() || s.IsNoSpace())) write_failed = true;
    return FromRocks(s, dir, what);
  }

  mutable bool write_failed = false;  // An I/O error happened (e.g. disk full).

  Status CheckWritable() const {
    if (read_only) return Status::InvalidArgument("store " + dir + " opened read-only");
    return Status::Ok();
  }

  // Busy while a fresh load's aggregates are deferred (their sums are not
  // all in the store): every read of aggregates or totals checks this.
  Status CheckAggregatesComplete() const {
    if (!aggregates_deferred.load(std::memory_order_relaxed)) return Status::Ok();
    return Status::Busy("store " + dir +
                        ": its aggregates are incomplete while an ingest writes them (a first "
                        "load, or the rewrite at the end of a large ingest), or after such an "
                        "ingest stopped; the next `stcluster ingest` into the store rebuilds "
                        "them from the stored records");
  }

  // Creates the column family `name` (a store opened for writing that lacks
  // an optional CF) with the store's options for it, and keeps its handle.
  Result<rocksdb::ColumnFamilyHandle*> CreateCf(const char* name) {
    rocksdb::ColumnFamilyHandle* h = nullptr;
    STC_RETURN_IF_ERROR(Rocks(db->CreateColumnFamily(MakeCfOptions(name, cache), name, &h),
                              std::string("creating the ") + name + " column family"));
    handles.push_back(h);
    return h;
  }

  // True when no CF of the store holds any key.
  Result<bool> IsEmpty() const {
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      STC_ASSIGN_OR_RETURN(bool empty, IsEmpty(h));
      if (!empty) return false;
    }
    return true;
  }
  // True when `cf` holds no key.
  Result<bool> IsEmpty(rocksdb::ColumnFamilyHandle* cf) const {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(store_internal::TotalOrder(), cf));
    it->SeekToFirst();
    if (it->Valid()) return false;
    STC_RETURN_IF_ERROR(Rocks(it->status(), "scanning " + cf->GetName()));
    return true;
  }

  // Whether a fold can rewrite stored aggregates (FoldPendingAggregates):
  // none of their table files in level 0 (where files overlap, and none can
  // be removed alone) or in a compaction, and no deferred load. Flushes the
  // aggregates' and the pending log's memtables first, so that neither the
  // check nor the fold's ingestion finds keys in memory.
  Result<bool> CanRewriteAggregates() const {
    if (aggregates_deferred.load(std::memory_order_relaxed)) return false;
    rocksdb::FlushOptions flush;
    flush.wait = true;
    STC_RETURN_IF_ERROR(Rocks(db->Flush(flush, {aggregates, pending}), "flushing the aggregates"));
    rocksdb::ColumnFamilyMetaData meta;
    db->GetColumnFamilyMetaData(aggregates, &meta);
    for (const rocksdb::LevelMetaData& level : meta.levels) {
      for (const rocksdb::SstFileMetaData& file : level.files) {
        if (level.level == 0 || file.being_compacted) return false;
      }
    }
    return true;
  }

  // True when no table file of the aggregates meets [lo, hi] and no key of
  // them is in it (the fold's rewrite, after it removed the range's files).
  Result<bool> NoAggregatesIn(const std::string& lo, const std::string& hi) const {
    rocksdb::ColumnFamilyMetaData meta;
    db->GetColumnFamilyMetaData(aggregates, &meta);
    for (const rocksdb::LevelMetaData& level : meta.levels) {
      for (const rocksdb::SstFileMetaData& file : level.files) {
        if (!(file.largestkey < lo || file.smallestkey > hi)) return false;
      }
    }
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(store_internal::TotalOrder(), aggregates));
    it->Seek(ToSlice(lo));
    if (it->Valid() && store_internal::ToView(it->key()) <= hi) return false;
    STC_RETURN_IF_ERROR(Rocks(it->status(), "scanning aggregates"));
    return true;
  }

  Result<std::optional<std::string>> Get(rocksdb::ColumnFamilyHandle* cf,
                                         std::string_view key) const {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cf, ToSlice(key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    STC_RETURN_IF_ERROR(Rocks(s, "reading " + std::string(key)));
    return std::optional<std::string>(std::move(value));
  }
};

}  // namespace stc

#endif  // STCLUSTER_STORES_STORE_IMPL_H_
