// The pending aggregate deltas (store.h: ApplyWithPendingAggregates,
// FoldPendingAggregates) and the aggregates scan that adds them
// (ForEachAggregate).
//
// Each flush of a large ingest writes its sorted cell deltas as one entry of
// the "pending" column family (a few 1 MiB chunks), atomically with its
// records. Folding merges the entries (k sorted runs, pending_merger.h) into
// one sorted run of summed deltas and writes it to the aggregates with a
// range deletion of the entries, in one atomic write. A large fold splits
// the keys in two ranges, merged and written on two threads; onto stored
// aggregates in one run it merges their values in and replaces their files
// (the rewrite, stores/README.md).
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "stores/keys.h"
#include "stores/pending_merger.h"
#include "stores/store.h"
#include "stores/store_impl.h"
#include "stores/table_run.h"

namespace stc {
namespace {

namespace sk = store_keys;
using store_internal::PendingMerger;
using store_internal::SplitKey;
using store_internal::ToView;

Status FromRocksStatus(const rocksdb::Status& s, const std::string& dir, const char* what) {
  if (s.ok()) return Status::Ok();
  std::string msg = "store " + dir + ": " + what + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(msg);
  return Status::IoError(msg);
}

}  // namespace

Result<bool> Store::FoldPendingAggregates() {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  if (impl_->pending == nullptr) return false;
  rocksdb::DB* db = impl_->db;
  auto merger = std::make_unique<PendingMerger>(db, impl_->pending);
  STC_RETURN_IF_ERROR(merger->status());
  if (merger->empty()) return false;
  const std::string begin = sk::EncodePendingKey(merger->first_flush(), 0);
  const std::string end = merger->last_flush() == UINT64_MAX
                              ? std::string(sk::kPendingKeyBytes, '\xff')
                              : sk::EncodePendingKey(merger->last_flush() + 1, 0);

  // Small logs go through one WriteBatch (the memtable); larger ones as
  // table files of merge operands, streamed from the merge.
  std::vector<std::pair<std::string, Units>> head;
  std::string key;
  Units sum = 0;
  while (head.size() < store_internal::kBulkIngestThreshold && merger->Next(&key, &sum)) {
    head.emplace_back(key, sum);
  }
  STC_RETURN_IF_ERROR(merger->status());
  std::string value;
  if (head.size() < store_internal::kBulkIngestThreshold) {
    rocksdb::WriteBatch wb;
    for (const auto& [k, d] : head) {
      value.clear();
      sk::AppendInt64Le(&value, d);
      STC_RETURN_IF_ERROR(
          impl_->Rocks(wb.Merge(impl_->aggregates, k, value), "preparing the pending fold"));
    }
    STC_RETURN_IF_ERROR(
        impl_->Rocks(wb.DeleteRange(impl_->pending, begin, end), "preparing the pending fold"));
    merger.reset();
    STC_RETURN_IF_ERROR(impl_->Rocks(db->Write(impl_->write_options, &wb), "folding pending"));
    return true;
  }

  const std::vector<uint64_t> flushes = merger->flushes();
  merger.reset();  // Each part merges its own key range below.

  static std::atomic<uint64_t> counter{0};
  const std::string tmp_dir = dir_ + "/bulk.tmp";
  std::error_code ec;
  std::filesystem::create_directories(tmp_dir, ec);
  if (ec) return Status::IoError("store " + dir_ + ": cannot create " + tmp_dir);
  const std::string stem = tmp_dir + "/fold-" + std::to_string(counter++);
  const std::string del_path = stem + "-pending.sst";
  // Two key ranges, each merged and written to its own table files on its own
  // thread (the merge of every flush's run is most of a large fold's work).
  struct Part {
    std::string begin, end;          // Keys in [begin, end); "" for no bound.
    std::vector<std::string> paths;  // Its table files, in key order.
    Status status;
  };
  const std::string split = SplitKey(db, impl_->pending, flushes);
  std::vector<Part> parts(split.empty() ? 1 : 2);
  if (parts.size() == 2) {
    parts[0].end = split;
    parts[1].begin = split;
  }
  auto cleanup = [&] {
    for (const Part& part : parts) {
      for (const std::string& path : part.paths) std::filesystem::remove(path, ec);
    }
    std::filesystem::remove(del_path, ec);
  };
  // Into empty aggregates (a fresh load) the sums are the values: written as
  // such, scans read them without merging (a table file of merge operands in
  // the last level is never compacted, and every scan would merge each one).
  STC_ASSIGN_OR_RETURN(const bool fresh, impl_->IsEmpty(impl_->aggregates));
  // Into stored aggregates without a level-0 file, the fold rewrites them:
  // each part merges its range of the stored values with the sums and writes
  // the new values, which replace the stored files (replace_aggregates). The
  // ingest would otherwise compact the sums' operands into the stored ones,
  // the same rewrite through RocksDB's merge machinery, on one thread.
  STC_ASSIGN_OR_RETURN(const bool rewrite,
                       fresh ? Result<bool>(false) : impl_->CanRewriteAggregates());
  rocksdb::Options agg_options = db->GetOptions(impl_->aggregates);
  agg_options.bottommost_compression = agg_options.compression;  // As bulk writes do.
  const uint64_t file_bytes = agg_options.target_file_size_base;
  // The rewrite reads the stored aggregates at a snapshot (nothing else
  // writes them meanwhile), from their table files when they are one run.
  std::shared_ptr<const rocksdb::Snapshot> snapshot;
  std::shared_ptr<const store_internal::TableRun> run;
  // The keys the rewrite replaces, [rewrite_lo, rewrite_hi]: all of them
  // (above every aggregate key, as ClearAggregates), or, when the stored
  // aggregates are one run, the run's files whose key ranges the log's keys
  // meet (consecutive files) and the log's own range. A night of recent
  // years leaves the other years' files as they are: the rewrite writes its
  // files cut at every (source, year), so that none spans two.
  std::string rewrite_lo, rewrite_hi(33, '\xff');
  bool whole = true;
  if (rewrite) {
    snapshot.reset(db->GetSnapshot(), [db](const rocksdb::Snapshot* s) { db->ReleaseSnapshot(s); });
    run = store_internal::OpenTableRun(db, impl_->aggregates, snapshot.get(), /*read_only=*/false);
    std::string first, last;
    if (run != nullptr &&
        store_internal::PendingKeyRange(db, impl_->pending, flushes, &first, &last)) {
      const auto& files = run->files();
      size_t a = files.size(), b = 0;  // The files met: [a, b).
      for (size_t i = 0; i < files.size(); ++i) {
        if (files[i].largest < first || files[i].smallest > last) continue;
        a = std::min(a, i);
        b = i + 1;
      }
      rewrite_lo = a < b ? std::min(first, files[a].smallest) : first;
      rewrite_hi = a < b ? std::max(last, files[b - 1].largest) : last;
      whole = false;
    }
  }
  auto write_part = [&](Part* part, size_t index) {
    PendingMerger m(db, impl_->pending, part->begin, part->end);
    part->status = m.status();
    const rocksdb::Options options = agg_options;  // This thread's copy.
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, impl_->aggregates,
                                  /*invalidate_page_cache=*/false);  // As bulk writes.
    bool open = false;
    std::string v;
    std::string group;  // The (source, year) of the last key written.
    uint64_t written = 0;
    auto add = [&](std::string_view k, Units d, bool value) -> Status {
      const std::string_view k_group = k.substr(0, 3);
      if (open && (rewrite || fresh) && (writer.FileSize() >= file_bytes || k_group != group)) {
        STC_RETURN_IF_ERROR(
            FromRocksStatus(writer.Finish(), dir_, "finishing the fold's table file"));
        open = false;
      }
      if (!open) {
        part->paths.push_back(stem + "-aggregates-" + std::to_string(index) + "-" +
                              std::to_string(part->paths.size()) + ".sst");
        STC_RETURN_IF_ERROR(FromRocksStatus(writer.Open(part->paths.back()), dir_,
                                            "opening the fold's table file"));
        open = true;
      }
      group.assign(k_group);
      ++written;
      v.clear();
      sk::AppendInt64Le(&v, d);
      return FromRocksStatus(value ? writer.Put(ToSlice(k), v) : writer.Merge(ToSlice(k), v), dir_,
                             "writing the fold's table file");
    };
    // The stored values of the range, read as full scans read them: the
    // table files of the one sorted run directly when they can be.
    std::optional<store_internal::ScanIterator> stored;
    if (rewrite) {
      std::optional<std::string> lower, upper;  // The part's range within the rewritten keys.
      if (!part->begin.empty()) lower = part->begin;
      if (!part->end.empty()) upper = part->end;
      if (!whole) {
        if (!lower.has_value() || *lower < rewrite_lo) lower = rewrite_lo;
        const std::string above = rewrite_hi + '\0';  // The least key above rewrite_hi.
        if (!upper.has_value() || above < *upper) upper = above;
      }
      // A part outside [rewrite_lo, rewrite_hi] has no stored key to read
      // (nor any sum: the range holds the log's).
      if (!lower.has_value() || !upper.has_value() || *lower < *upper) {
        stored.emplace(db, impl_->aggregates, run.get(), snapshot.get(), std::move(lower),
                       std::move(upper));
      }
    }
    std::string k;
    Units d = 0;
    bool has_sum = part->status.ok() && m.Next(&k, &d);
    while (part->status.ok()) {
      if (stored.has_value() && stored->Valid()) {
        const std::string_view stored_key = ToView(stored->key());
        const rocksdb::Slice sv = stored->value();
        if (sv.size() != sk::kAggregateValueBytes) {
          part->status = Status::Corruption("store " + dir_ + ": malformed aggregate entry, key " +
                                            store_internal::Hex(stored_key));
          break;
        }
        const int c = has_sum ? stored_key.compare(k) : -1;
        if (c <= 0) {
          Units units = sk::LoadInt64Le(sv.data());
          if (c == 0) {
            units = static_cast<Units>(static_cast<uint64_t>(units) + static_cast<uint64_t>(d));
            has_sum = m.Next(&k, &d);
          }
          if (units != 0) part->status = add(stored_key, units, true);
          stored->Next();
          continue;
        }
      }
      if (!has_sum) break;
      part->status = add(k, d, fresh || rewrite);
      if (part->status.ok()) has_sum = m.Next(&k, &d);
    }
    if (part->status.ok()) part->status = m.status();
    if (part->status.ok() && stored.has_value()) {
      part->status = impl_->Rocks(stored->status(), "reading the aggregates");
    }
    if (part->status.ok() && open) {
      part->status = FromRocksStatus(writer.Finish(), dir_, "finishing the fold's table file");
    }
    if (rewrite) impl_->aggregate_entries_rewritten.fetch_add(written, std::memory_order_relaxed);
  };
  {
    // The flushes' runs are read once and deleted after: their pages are
    // dropped from the page cache as they are read, and the sums written
    // into them instead of into fresh ones (stores/page_cache_fs.h). So are
    // the stored aggregates' files when the fold rewrites them.
    std::vector<std::string> read_once = store_internal::TableFileBaseNames(db, impl_->pending);
    if (rewrite) {
      for (std::string& name : store_internal::TableFileBaseNames(db, impl_->aggregates)) {
        read_once.push_back(std::move(name));
      }
    }
    const store_internal::DropReadsScope drop(impl_->fs.get(), std::move(read_once));
    std::thread second;
    if (parts.size() == 2) second = std::thread(write_part, &parts[1], size_t{1});
    write_part(&parts[0], 0);
    if (second.joinable()) second.join();
  }
  run.reset();  // Its readers keep the stored files open.
  snapshot.reset();
  Status st;
  for (const Part& part : parts) {
    if (st.ok()) st = part.status;
  }
  if (st.ok()) {
    rocksdb::Options options = db->GetOptions(impl_->pending);
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, impl_->pending,
                                  /*invalidate_page_cache=*/false);
    st = FromRocksStatus(writer.Open(del_path), dir_, "opening the fold's table file");
    if (st.ok()) {
      st = FromRocksStatus(writer.DeleteRange(begin, end), dir_, "writing the fold's table file");
    }
    if (st.ok()) st = FromRocksStatus(writer.Finish(), dir_, "finishing the fold's table file");
  }
  if (!st.ok()) {
    cleanup();
    return st;
  }
  // The rewritten aggregates replace the stored ones, under the mark of a
  // deferred load (BeginDeferredAggregates): no step below is atomic with
  // the next, and a stop between them leaves the store marked, for the next
  // ingest to rebuild the aggregates from the records. Compactions wait
  // meanwhile: none may take a file before it is removed.
  auto replace_aggregates = [&](std::vector<rocksdb::IngestExternalFileArg>& ingest) -> Status {
    STC_RETURN_IF_ERROR(impl_->Rocks(db->PauseBackgroundWork(), "pausing compactions"));
    struct Resume {
      rocksdb::DB* db;
      ~Resume() { db->ContinueBackgroundWork(); }
    } resume{db};
    STC_RETURN_IF_ERROR(BeginDeferredAggregates("a fold rewriting the aggregates"));
    // The files of [rewrite_lo, rewrite_hi] lie wholly in it (a whole file
    // or none of it is rewritten): removed, the others kept.
    const rocksdb::Slice lo_slice(rewrite_lo), hi_slice(rewrite_hi);
    const rocksdb::RangePtr range(&lo_slice, &hi_slice);
    STC_RETURN_IF_ERROR(
        impl_->Rocks(rocksdb::DeleteFilesInRanges(db, impl_->aggregates, &range, 1, true),
                     "removing the stored aggregates"));
    if (impl_->stop_next_rewrite.exchange(false, std::memory_order_relaxed)) {
      return Status::IoError("store " + dir_ + ": the fold's rewrite stopped (a test)");
    }
    STC_ASSIGN_OR_RETURN(const bool removed, impl_->NoAggregatesIn(rewrite_lo, rewrite_hi));
    if (!removed) {
      return Status::Internal("store " + dir_ +
                              ": the fold could not remove the stored aggregates; the next "
                              "ingest rebuilds them from the records");
    }
    for (rocksdb::IngestExternalFileArg& a : ingest) a.options.allow_blocking_flush = false;
    STC_RETURN_IF_ERROR(
        FromRocksStatus(db->IngestExternalFiles(ingest), dir_, "ingesting the fold"));
    impl_->aggregates_rewritten.fetch_add(1, std::memory_order_relaxed);
    return EndDeferredAggregates();
  };
  std::vector<rocksdb::IngestExternalFileArg> args(2);
  args[0].column_family = impl_->aggregates;
  for (const Part& part : parts) {
    for (const std::string& path : part.paths) args[0].external_files.push_back(path);
  }
  args[1].column_family = impl_->pending;
  args[1].external_files = {del_path};
  if (args[0].external_files.empty()) args.erase(args.begin());
  for (rocksdb::IngestExternalFileArg& a : args) {
    a.options.move_files = true;
    a.options.snapshot_consistency = true;
    a.options.allow_global_seqno = true;
    a.options.allow_blocking_flush = true;
    a.options.write_global_seqno = false;
  }
  st = rewrite ? replace_aggregates(args)
               : FromRocksStatus(db->IngestExternalFiles(args), dir_, "ingesting the fold");
  cleanup();  // Moved files are gone already; this removes leftovers after a failure.
  if (!st.ok()) {
    impl_->write_failed = true;
    return st;
  }
  // Reclaim the log's space now. Its table files below level 0 (every
  // flush's, usually: their keys do not overlap) hold only deleted entries:
  // removed whole, unread. The compaction then reads what is left (the
  // range deletion's file, a log file in level 0) and writes nothing. It
  // used to read every flush's file again, from the disk since the merge
  // above had dropped their pages, on one thread at the run's end (1.1 GB
  // and 0.7 s after a 20M-record load). If the removal fails, the
  // compaction reads the files as it did.
  const size_t files_before = store_internal::TableFileBaseNames(db, impl_->pending).size();
  const rocksdb::Slice range_begin(begin), range_end(end);
  const rocksdb::RangePtr range(&range_begin, &range_end);
  if (rocksdb::DeleteFilesInRanges(db, impl_->pending, &range, 1, /*include_end=*/false).ok()) {
    const size_t files_after = store_internal::TableFileBaseNames(db, impl_->pending).size();
    if (files_after < files_before) {
      impl_->pending_files_dropped.fetch_add(files_before - files_after, std::memory_order_relaxed);
    }
  }
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  STC_RETURN_IF_ERROR(impl_->Rocks(db->CompactRange(compact, impl_->pending, nullptr, nullptr),
                                   "compacting the pending log"));
  return true;
}

Status Store::ForEachAggregate(const std::function<Status(const AggregateKey&, Units)>& fn) const {
  STC_RETURN_IF_ERROR(impl_->CheckAggregatesComplete());
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = store_internal::kScanReadaheadBytes;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->aggregates));
  // Deltas a writer has not folded yet (an ingest in progress, or one that
  // stopped): added here, so every reader sees the same sums.
  std::unique_ptr<PendingMerger> pending;
  std::string pkey;
  Units pdelta = 0;
  bool has_pending = false;
  if (impl_->pending != nullptr) {
    pending = std::make_unique<PendingMerger>(impl_->db, impl_->pending);
    STC_RETURN_IF_ERROR(pending->status());
    has_pending = pending->Next(&pkey, &pdelta);
    STC_RETURN_IF_ERROR(pending->status());
  }
  AggregateKey key;
  auto emit = [&](std::string_view k, Units units) -> Status {
    if (units == 0) return Status::Ok();  // Added then removed; dropped at the next compaction.
    if (!sk::DecodeAggregateKey(k, &key)) {
      return Status::Corruption("store " + dir_ + ": malformed aggregate key " + Hex(k));
    }
    return fn(key, units);
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view k = ToView(it->key());
    rocksdb::Slice v = it->value();
    if (v.size() != sk::kAggregateValueBytes) {
      return Status::Corruption("store " + dir_ + ": malformed aggregate entry, key " + Hex(k) +
                                ", value of " + std::to_string(v.size()) + " bytes");
    }
    Units units = sk::LoadInt64Le(v.data());
    while (has_pending && std::string_view(pkey) < k) {
      STC_RETURN_IF_ERROR(emit(pkey, pdelta));
      has_pending = pending->Next(&pkey, &pdelta);
      STC_RETURN_IF_ERROR(pending->status());
    }
    if (has_pending && std::string_view(pkey) == k) {
      units = static_cast<Units>(static_cast<uint64_t>(units) + static_cast<uint64_t>(pdelta));
      has_pending = pending->Next(&pkey, &pdelta);
      STC_RETURN_IF_ERROR(pending->status());
    }
    STC_RETURN_IF_ERROR(emit(k, units));
  }
  STC_RETURN_IF_ERROR(impl_->Rocks(it->status(), "scanning aggregates"));
  while (has_pending) {
    STC_RETURN_IF_ERROR(emit(pkey, pdelta));
    has_pending = pending->Next(&pkey, &pdelta);
    STC_RETURN_IF_ERROR(pending->status());
  }
  return Status::Ok();
}

}  // namespace stc
