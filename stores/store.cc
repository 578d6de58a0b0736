#include "stores/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "core/threads.h"
#include "stores/bulk_ingest.h"
#include "stores/keys.h"
#include "stores/merge_operator.h"
#include "stores/store_impl.h"
#include "stores/store_logger.h"
#include "stores/writer_lock.h"

namespace stc {

namespace store_internal {

// RocksDB reports a held LOCK file as an IOError naming "<dir>/LOCK": from
// another process "While lock file: <dir>/LOCK: Resource temporarily
// unavailable", from this process "lock hold by current process, ...:
// <dir>/LOCK: No locks available".
bool IsLockError(const rocksdb::Status& s, const std::string& dir) {
  if (!s.IsIOError()) return false;
  std::string text = s.ToString();
  return text.find(dir + "/LOCK: ") != std::string::npos ||
         text.find("lock hold by current process") != std::string::npos;
}

// Maps a non-OK RocksDB status to stc::Status; `what` names the operation.
Status FromRocks(const rocksdb::Status& s, const std::string& dir, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string msg = "store " + dir + ": " + std::string(what) + ": " + s.ToString();
  if (IsLockError(s, dir)) {
    return Status::Busy("store " + dir + " is locked by another writer: " + s.ToString());
  }
  if (s.IsNoSpace()) return Status::IoError(msg + " (disk full)");
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return Status::NotFound(std::move(msg));
    case rocksdb::Status::kCorruption:
      return Status::Corruption(std::move(msg));
    case rocksdb::Status::kIOError:
      return Status::IoError(std::move(msg));
    case rocksdb::Status::kInvalidArgument:
    case rocksdb::Status::kNotSupported:
      return Status::InvalidArgument(std::move(msg));
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
      return Status::Busy(std::move(msg));
    default:
      return Status::Internal(std::move(msg));
  }
}

}  // namespace store_internal

namespace {

using store_internal::FromRocks;
using store_internal::Hex;
using store_internal::MakeCfOptions;
using store_internal::ParseInt64;
using store_internal::ToSlice;
using store_internal::ToView;

namespace fs = std::filesystem;
namespace sk = store_keys;

constexpr size_t kMiB = size_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

rocksdb::CompressionType PickCompression(rocksdb::CompressionType preferred) {
  std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
  for (rocksdb::CompressionType t :
       {preferred, rocksdb::kLZ4Compression, rocksdb::kSnappyCompression}) {
    if (std::find(supported.begin(), supported.end(), t) != supported.end()) return t;
  }
  return rocksdb::kNoCompression;
}

rocksdb::DBOptions MakeDbOptions(const StoreOptions& options) {
  rocksdb::DBOptions o;
  o.create_if_missing = options.create_if_missing && !options.read_only;
  o.create_missing_column_families = o.create_if_missing;
  o.max_background_jobs = 2;  // The machines have 2 cores.
  // Opening a store loads every table file's handle with this many threads
  // per column family, and RocksDB starts all but one of them whatever the
  // number of files (16 by default: about 80 threads created and joined by
  // every command, for a handful of files). One per core, as --threads 0.
  o.max_file_opening_threads = std::min(ResolveThreads(0), 16);
  o.bytes_per_sync = kMiB;
  o.wal_bytes_per_sync = kMiB;
  // Compactions read their inputs in 256 KiB pieces (block by block
  // otherwise): fewer reads, and fewer page-cache drops in the merges that
  // drop their inputs (stores/page_cache_fs.h). A piece is buffered per input
  // file and part of a merge: at most 64 level-0 files x 3 parts x 256 KiB
  // (2 MiB pieces added 80 MiB to a 20M-record load's peak).
  o.compaction_readahead_size = 256 * 1024;
  o.db_write_buffer_size = 256 * kMiB;  // All memtables together.
  o.max_total_wal_size = 256 * kMiB;    // Flushes small CFs that pin old WALs.
  o.keep_log_file_num = 5;
  // Every table file stays open: a read-only instance keeps reading the files
  // it opened even after the writer's compactions delete them.
  o.max_open_files = -1;
  return o;
}

// True when the RocksDB database in `dir` holds no key in any of `cf_names`
// (its existing CFs). Opens it read-only: changes nothing.
Result<bool> IsEmptyDatabase(const std::string& dir, const std::vector<std::string>& cf_names) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : cf_names) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  STC_RETURN_IF_ERROR(
      FromRocks(rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, descriptors, &handles, &db),
                dir, "opening to inspect"));
  bool empty = true;
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(store_internal::TotalOrder(), h));
    it->SeekToFirst();
    // Unreadable content (e.g. merge operands of an unknown operator) is not empty.
    if (it->Valid() || !it->status().ok()) empty = false;
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  delete db;
  return empty;
}

}  // namespace

namespace store_internal {

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

const rocksdb::SliceTransform* RecordKeyPrefix() {
  // store_keys::RecordKeyPrefix as a RocksDB prefix extractor. The name goes
  // into every table file's properties: a file written under another name
  // (or none, as before this extractor) has its prefixes ignored, correctly.
  class Prefix : public rocksdb::SliceTransform {
   public:
    const char* Name() const override { return "stc.RecordKeyPrefix.PctCap15"; }
    rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
      return ToSlice(sk::RecordKeyPrefix(ToView(key)));
    }
    bool InDomain(const rocksdb::Slice&) const override { return true; }
  };
  static const Prefix* const kPrefix = new Prefix;
  return kPrefix;
}

// Column family options; `cache` is the block cache shared by all CFs.
rocksdb::ColumnFamilyOptions MakeCfOptions(const std::string& name,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  o.compaction_style = rocksdb::kCompactionStyleLevel;
  o.level_compaction_dynamic_level_bytes = true;
  o.compression = PickCompression(rocksdb::kLZ4Compression);
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.block_size = 16 * 1024;
  if (name == sk::kRecordsCf) {
    o.write_buffer_size = 64 * kMiB;
    o.max_write_buffer_number = 3;
    o.target_file_size_base = 64 * kMiB;
    // The level-0 files of a large load are merged once, at its end
    // (Store::CompactRecordsIfLayered, called by the ingest), not while it
    // runs: level 0 is compacted by RocksDB itself only at 64 files, and its
    // size never triggers a compaction first (RocksDB also compacts level 0
    // once it holds max_bytes_for_level_base; at 256 MiB that was every 8-9
    // flushes). A 20M-record load: one rewrite of the records instead of
    // about 1.6, and a store left in one sorted run (docs/performance.md,
    // "Records compacted once, at the end of a large load").
    o.max_bytes_for_level_base = 8 * kGiB;
    // LZ4 on every level, the last included, for a store created with
    // compressed records; Store::Open switches a store created without them
    // (the default) to no compression. Records are read back far more often
    // than they are written (every record of a re-read or a nightly ingest
    // is looked up, a profile scans them all): a block of LZ4 decompresses
    // several times faster than one of ZSTD (at 20M records, against ZSTD
    // level 1 on the last level: `--force` 20-40% less CPU, `export --by
    // profile` 15-40% less, the store 10% larger), and a plain block is
    // only copied (docs/performance.md, "Records stored uncompressed").
    o.bottommost_compression = o.compression;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    o.prefix_extractor.reset(RecordKeyPrefix(), [](const rocksdb::SliceTransform*) {});
    // Large ingests add one overlapping level-0 table file per buffer flush
    // (keys arrive in random order), and each level-0 compaction rewrites the
    // overlapping part of the level below, i.e. nearly all records. Look-ups
    // check the level-0 files' Bloom filters first, so waiting costs little.
    o.level0_file_num_compaction_trigger = 64;
    o.level0_slowdown_writes_trigger = 192;
    o.level0_stop_writes_trigger = 256;
  } else if (name == sk::kAggregatesCf || name == sk::kTotalsCf) {
    bool big = name == sk::kAggregatesCf;
    o.write_buffer_size = (big ? 64 : 4) * kMiB;
    o.max_write_buffer_number = big ? 3 : 2;
    o.target_file_size_base = (big ? 64 : 8) * kMiB;
    o.merge_operator = NewInt64VectorAddOperator();
    o.compaction_filter = ZeroValueCompactionFilter();
    if (big) {
      // Each bulk write adds a level-0 file of deltas for nearly every cell
      // it touches; each level-0 compaction rewrites all the cells. The
      // ingest merges what is left in one compaction before it returns
      // (CompactAggregatesIfLayered), so scans never see many files; in
      // between, fewer and larger merges (at 20M records: 10 rewrites of
      // every cell at 4 files, 2 at 16).
      o.level0_file_num_compaction_trigger = 16;
      o.level0_slowdown_writes_trigger = 48;
      o.level0_stop_writes_trigger = 64;
    }
  } else if (name == sk::kPendingCf) {
    // A log written once, read once at the end of the ingest, then deleted.
    o.compression = rocksdb::kNoCompression;
    o.write_buffer_size = 16 * kMiB;
    o.max_write_buffer_number = 2;
  } else {  // meta and any unknown CF.
    o.write_buffer_size = 4 * kMiB;
    o.max_write_buffer_number = 2;
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

bool ParseInt64(std::string_view text, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && p == end;
}

}  // namespace store_internal

// ---- Store

Store::Store() : grid_(1000) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, const StoreOptions& options) {
  if (dir.empty()) return Status::InvalidArgument("store directory is empty");
  std::error_code ec;
  const bool exists = fs::exists(fs::path(dir) / "CURRENT", ec);
  if (!exists) {
    if (!options.create_if_missing || options.read_only) {
      return Status::NotFound("no stcluster store at " + dir + " (create one with ingest)");
    }
    if (!Grid::IsValidStep(options.grid_step_e5)) {
      return Status::InvalidArgument("invalid grid step " + std::to_string(options.grid_step_e5) +
                                     " (1e-5 degrees): it must be > 0 and divide 180 degrees");
    }
    fs::create_directories(dir, ec);
    if (ec) return Status::IoError("cannot create store directory " + dir + ": " + ec.message());
  }

  std::unique_ptr<Store> store(new Store());
  store->dir_ = dir;
  auto impl = std::make_unique<Impl>();
  if (!options.read_only) {
    // Our own lock first: its message names the holder (RocksDB's LOCK does not).
    STC_ASSIGN_OR_RETURN(impl->writer_lock, WriterLock::Acquire(dir));
  }
  impl->dir = dir;
  impl->read_only = options.read_only;
  impl->threads = std::clamp(options.threads, 1, 8);
  impl->write_options.sync = options.sync_writes;
  impl->cache = rocksdb::NewLRUCache(64 * kMiB);

  rocksdb::DBOptions db_options = MakeDbOptions(options);
  impl->fs = std::make_shared<store_internal::DropReadsFileSystem>(rocksdb::FileSystem::Default());
  impl->env = rocksdb::NewCompositeEnv(impl->fs);
  db_options.env = impl->env.get();
  std::vector<std::string> cf_names = {sk::kMetaCf, sk::kRecordsCf, sk::kAggregatesCf,
                                       sk::kTotalsCf};
  if (exists) {
    std::vector<std::string> existing;
    STC_RETURN_IF_ERROR(impl->Rocks(rocksdb::DB::ListColumnFamilies(db_options, dir, &existing),
                                    "listing column families"));
    for (const std::string& name : cf_names) {
      if (std::find(existing.begin(), existing.end(), name) != existing.end()) continue;
      if (!db_options.create_missing_column_families) {
        return Status::Corruption("store " + dir +
                                  " is not a complete stcluster store (column family '" + name +
                                  "' is missing)");
      }
      // Creating the CFs is only for an interrupted creation, never for a
      // foreign database with data.
      STC_ASSIGN_OR_RETURN(bool empty, IsEmptyDatabase(dir, existing));
      if (!empty) {
        return Status::Corruption("store " + dir +
                                  " is not an stcluster store (a RocksDB database without its "
                                  "column families)");
      }
      break;
    }
    // A writable open must name every CF; keep unknown ones (a later format) open as is.
    for (const std::string& name : existing) {
      if (std::find(cf_names.begin(), cf_names.end(), name) == cf_names.end()) {
        cf_names.push_back(name);
      }
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : cf_names) {
    descriptors.emplace_back(name, MakeCfOptions(name, impl->cache));
  }
  if (!options.read_only) {
    // Our info log (store_logger.h): RocksDB's own aborts on a full disk.
    db_options.info_log = store_internal::NewStoreLogger(dir, db_options.keep_log_file_num);
  }
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, dir, descriptors, &impl->handles, &impl->db)
          : rocksdb::DB::Open(db_options, dir, descriptors, &impl->handles, &impl->db);
  STC_RETURN_IF_ERROR(impl->Rocks(s, "opening"));
  if (!options.read_only) {
    // Table files of a bulk write that a killed process did not ingest.
    fs::remove_all(fs::path(dir) / "bulk.tmp", ec);
  }
  for (rocksdb::ColumnFamilyHandle* h : impl->handles) {
    if (h->GetName() == sk::kMetaCf) impl->meta = h;
    if (h->GetName() == sk::kRecordsCf) impl->records = h;
    if (h->GetName() == sk::kAggregatesCf) impl->aggregates = h;
    if (h->GetName() == sk::kTotalsCf) impl->totals = h;
    if (h->GetName() == sk::kClustersCf) impl->clusters = h;
    if (h->GetName() == sk::kPendingCf) impl->pending = h;
  }
  if (!impl->meta || !impl->records || !impl->aggregates || !impl->totals) {
    return Status::Internal("store " + dir + ": a column family handle is missing after open");
  }

  STC_ASSIGN_OR_RETURN(std::optional<std::string> version,
                       impl->Get(impl->meta, sk::kMetaFormatVersion));
  if (!version.has_value()) {
    // A new store (or one whose creation stopped before its metadata was
    // written): only an empty database may be initialised.
    STC_ASSIGN_OR_RETURN(bool empty, impl->IsEmpty());
    if (options.read_only || !options.create_if_missing || !empty) {
      return Status::Corruption("store " + dir +
                                " is not an stcluster store (no format_version in its metadata)");
    }
    if (!Grid::IsValidStep(options.grid_step_e5)) {
      return Status::InvalidArgument("invalid grid step " + std::to_string(options.grid_step_e5) +
                                     " (1e-5 degrees): it must be > 0 and divide 180 degrees");
    }
    rocksdb::WriteBatch wb;
    STC_RETURN_IF_ERROR(impl->Rocks(wb.Put(impl->meta, sk::kMetaFormatVersion, sk::kFormatVersion),
                                    "preparing metadata"));
    STC_RETURN_IF_ERROR(
        impl->Rocks(wb.Put(impl->meta, sk::kMetaGridStep, std::to_string(options.grid_step_e5)),
                    "preparing metadata"));
    STC_RETURN_IF_ERROR(impl->Rocks(
        wb.Put(impl->meta, sk::kMetaRecordCompression, options.compress_records ? "lz4" : "none"),
        "preparing metadata"));
    rocksdb::WriteOptions sync_write;
    sync_write.sync = true;
    STC_RETURN_IF_ERROR(impl->Rocks(impl->db->Write(sync_write, &wb), "writing metadata"));
    version = sk::kFormatVersion;
  }
  if (*version != sk::kFormatVersion) {
    return Status::Corruption("store " + dir + " has format version '" + *version +
                              "'; this build reads format version " + sk::kFormatVersion);
  }
  STC_ASSIGN_OR_RETURN(std::optional<std::string> step_text,
                       impl->Get(impl->meta, sk::kMetaGridStep));
  int64_t step = 0;
  if (!step_text.has_value() || !ParseInt64(*step_text, &step) || !Grid::IsValidStep(step)) {
    return Status::Corruption("store " + dir + " has a missing or invalid grid_step_e5 '" +
                              step_text.value_or("") + "'");
  }
  store->grid_ = Grid(static_cast<int32_t>(step));
  STC_ASSIGN_OR_RETURN(std::optional<std::string> compression,
                       impl->Get(impl->meta, sk::kMetaRecordCompression));
  if (compression.has_value() && *compression != "lz4" && *compression != "none") {
    return Status::Corruption("store " + dir + " has an invalid record_compression '" +
                              *compression + "'");
  }
  store->compresses_records_ = !compression.has_value() || *compression == "lz4";
  STC_ASSIGN_OR_RETURN(std::optional<std::string> deferred,
                       impl->Get(impl->meta, sk::kMetaAggregatesDeferred));
  impl->aggregates_deferred.store(deferred.has_value(), std::memory_order_relaxed);
  if (!store->compresses_records_ && !options.read_only) {
    // The records' column family opens with LZ4 (MakeCfOptions: the options
    // exist before the metadata can be read); from here on its flushes,
    // bulk files and merges write plain blocks.
    STC_RETURN_IF_ERROR(impl->Rocks(
        impl->db->SetOptions(impl->records, {{"compression", "kNoCompression"},
                                             {"bottommost_compression", "kNoCompression"}}),
        "setting the records' compression"));
  }
  if (!options.read_only) {
    if (impl->pending == nullptr) {  // A store of an earlier version, or a new one.
      STC_ASSIGN_OR_RETURN(impl->pending, impl->CreateCf(sk::kPendingCf));
    }
    std::unique_ptr<rocksdb::Iterator> it(
        impl->db->NewIterator(rocksdb::ReadOptions(), impl->pending));
    it->SeekToLast();
    if (it->Valid()) {
      uint64_t flush = 0;
      uint32_t chunk = 0;
      if (!sk::DecodePendingKey(ToView(it->key()), &flush, &chunk) || flush == UINT64_MAX) {
        return Status::Corruption("store " + dir + ": malformed pending log key " +
                                  Hex(ToView(it->key())));
      }
      impl->next_pending_flush = flush + 1;
    }
    STC_RETURN_IF_ERROR(impl->Rocks(it->status(), "reading the pending log"));
  }
  store->impl_ = std::move(impl);
  if (!options.read_only) {
    // Deltas a process left pending (it stopped before folding them): their
    // records are stored, so they are added now.
    STC_RETURN_IF_ERROR(store->FoldPendingAggregates().status());
  }
  return store;
}

Result<bool> Store::HasNoRecords() const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(store_internal::TotalOrder(), impl_->records));
  it->SeekToFirst();
  if (it->Valid()) return false;
  STC_RETURN_IF_ERROR(impl_->Rocks(it->status(), "scanning records"));
  return true;
}

Status Store::ForEachRecord(
    const std::function<Status(Source, std::string_view key, std::string_view value)>& fn) const {
  rocksdb::ReadOptions ro = store_internal::TotalOrder();
  ro.fill_cache = false;  // A full scan would evict the lookup working set.
  ro.readahead_size = store_internal::kScanReadaheadBytes;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->records));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Source source;
    std::string_view key;
    if (!sk::DecodeRecordKey(ToView(it->key()), &source, &key)) {
      return Status::Corruption("store " + dir_ + ": malformed record key " +
                                Hex(ToView(it->key())));
    }
    STC_RETURN_IF_ERROR(fn(source, key, ToView(it->value())));
  }
  return impl_->Rocks(it->status(), "scanning records");
}

Result<std::vector<YearTotals>> Store::GetTotals() const {
  STC_RETURN_IF_ERROR(impl_->CheckAggregatesComplete());
  std::vector<YearTotals> out;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->totals));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view k = ToView(it->key());
    rocksdb::Slice v = it->value();
    YearTotals t;
    if (!sk::DecodeTotalsKey(k, &t.source, &t.year) || v.size() != sk::kTotalsValueBytes) {
      return Status::Corruption("store " + dir_ + ": malformed totals entry, key " + Hex(k) +
                                ", value of " + std::to_string(v.size()) + " bytes");
    }
    t.world = sk::LoadInt64Le(v.data());
    t.unlocated = sk::LoadInt64Le(v.data() + 8);
    t.records = sk::LoadInt64Le(v.data() + 16);
    if (t.records == 0 && t.world == 0) continue;
    out.push_back(t);
  }
  STC_RETURN_IF_ERROR(impl_->Rocks(it->status(), "scanning totals"));
  return out;
}

Status Store::BeginDeferredAggregates(std::string_view note) {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  // Synced whatever StoreOptions::sync_writes says: the records written
  // after it are table files the MANIFEST records durably, and must never
  // outlive the entry that says their aggregates are missing.
  rocksdb::WriteOptions wo = impl_->write_options;
  wo.sync = true;
  STC_RETURN_IF_ERROR(impl_->Rocks(
      impl_->db->Put(wo, impl_->meta, ToSlice(sk::kMetaAggregatesDeferred), ToSlice(note)),
      "writing meta " + std::string(sk::kMetaAggregatesDeferred)));
  impl_->aggregates_deferred.store(true, std::memory_order_relaxed);
  return Status::Ok();
}

Status Store::EndDeferredAggregates() {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  rocksdb::WriteOptions wo = impl_->write_options;
  wo.sync = true;
  STC_RETURN_IF_ERROR(
      impl_->Rocks(impl_->db->Delete(wo, impl_->meta, ToSlice(sk::kMetaAggregatesDeferred)),
                   "deleting meta " + std::string(sk::kMetaAggregatesDeferred)));
  impl_->aggregates_deferred.store(false, std::memory_order_relaxed);
  return Status::Ok();
}

bool Store::aggregates_deferred() const {
  return impl_->aggregates_deferred.load(std::memory_order_relaxed);
}

Status Store::ClearAggregates() {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  // Every key of these families sorts below 33 bytes of 0xff: aggregate and
  // totals keys begin with a source byte, pending keys are 12 bytes.
  const std::string end(33, '\xff');
  rocksdb::WriteBatch wb;
  for (rocksdb::ColumnFamilyHandle* cf : {impl_->aggregates, impl_->totals, impl_->pending}) {
    if (cf == nullptr) continue;
    STC_RETURN_IF_ERROR(impl_->Rocks(wb.DeleteRange(cf, "", end), "preparing the clear"));
  }
  return impl_->Rocks(impl_->db->Write(impl_->write_options, &wb), "clearing the aggregates");
}

Result<std::optional<std::string>> Store::GetMeta(std::string_view name) const {
  return impl_->Get(impl_->meta, name);
}

uint64_t Store::LastSequence() const { return impl_->db->GetLatestSequenceNumber(); }

Status Store::ForEachMeta(
    std::string_view prefix,
    const std::function<Status(std::string_view name, std::string_view value)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->meta));
  for (it->Seek(ToSlice(prefix));
       it->Valid() && ToView(it->key()).substr(0, prefix.size()) == prefix; it->Next()) {
    STC_RETURN_IF_ERROR(fn(ToView(it->key()), ToView(it->value())));
  }
  return impl_->Rocks(it->status(), "scanning meta");
}

Status Store::DeleteMeta(std::string_view name) {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  return impl_->Rocks(impl_->db->Delete(impl_->write_options, impl_->meta, ToSlice(name)),
                      "deleting meta " + std::string(name));
}

Status Store::PutMeta(std::string_view name, std::string_view value) {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  if (name == sk::kMetaFormatVersion || name == sk::kMetaGridStep ||
      name == sk::kMetaRecordCompression) {
    return Status::InvalidArgument("store " + dir_ + ": meta '" + std::string(name) +
                                   "' is fixed when the store is created");
  }
  return impl_->Rocks(
      impl_->db->Put(impl_->write_options, impl_->meta, ToSlice(name), ToSlice(value)),
      "writing meta " + std::string(name));
}

Status Store::PutMetas(const std::vector<std::pair<std::string, std::string>>& entries) {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  rocksdb::WriteBatch batch;
  for (const auto& [name, value] : entries) {
    if (name == sk::kMetaFormatVersion || name == sk::kMetaGridStep ||
        name == sk::kMetaRecordCompression) {
      return Status::InvalidArgument("store " + dir_ + ": meta '" + name +
                                     "' is fixed when the store is created");
    }
    STC_RETURN_IF_ERROR(
        impl_->Rocks(batch.Put(impl_->meta, ToSlice(name), ToSlice(value)), "batching meta"));
  }
  return impl_->Rocks(impl_->db->Write(impl_->write_options, &batch), "writing meta entries");
}

}  // namespace stc
