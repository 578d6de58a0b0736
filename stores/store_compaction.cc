// Store's flushes and compactions: Flush, Compact, and the merges of a
// layered column family into its last level (CompactAggregatesIfLayered,
// CompactRecordsIfLayered).
#include <rocksdb/db.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "stores/store.h"
#include "stores/store_impl.h"

namespace stc {
namespace store_internal {

std::vector<std::string> TableFileBaseNames(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
  rocksdb::ColumnFamilyMetaData meta;
  db->GetColumnFamilyMetaData(cf, &meta);
  std::vector<std::string> names;
  for (const rocksdb::LevelMetaData& level : meta.levels) {
    for (const rocksdb::SstFileMetaData& file : level.files) names.push_back(BaseName(file.name));
  }
  return names;
}

}  // namespace store_internal

Status Store::Flush() {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  rocksdb::FlushOptions flush;
  flush.wait = true;
  return impl_->Rocks(impl_->db->Flush(flush, impl_->handles), "flushing");
}

Status Store::Compact() {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  rocksdb::FlushOptions flush;
  flush.wait = true;
  STC_RETURN_IF_ERROR(impl_->Rocks(impl_->db->Flush(flush, impl_->handles), "flushing"));
  // Everything moves into the last level first (merging operands into
  // values), then every last level is rewritten once more:
  //  - the zero-dropping filter sees values only as a compaction reads them,
  //    not the ones its own merges produce (aggregates, totals). RocksDB's
  //    kIfHaveCompactionFilter would skip that pass when the last level was
  //    empty before, e.g. when every file was in level 0;
  //  - a file the first pass only moved down (a CF without a filter, one
  //    level-0 file) keeps its sequence numbers, and RocksDB 7.8 rewrites
  //    such last-level files by itself, in the background, as soon as no
  //    snapshot needs them ("BottommostFiles" in its LOG): the store would
  //    not be quiet when this returns, and a scan started then could find a
  //    file gone between two opens of it (stores/parallel_scan_test.cc saw
  //    it once as a table file read through RocksDB instead of block by
  //    block). Rewritten here while no snapshot is held, every file
  //    carries sequence number 0.
  // One kForce pass would not do: RocksDB 7.8's CompactRange picks the
  // deepest level holding files before it walks the levels, so with every
  // file in level 0 that pass only moves them down (CompactRangeInternal).
  rocksdb::CompactRangeOptions merge;
  merge.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kSkip;
  rocksdb::CompactRangeOptions rewrite;
  rewrite.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* h : impl_->handles) {
    STC_RETURN_IF_ERROR(impl_->Rocks(impl_->db->CompactRange(merge, h, nullptr, nullptr),
                                     "compacting " + h->GetName()));
    STC_RETURN_IF_ERROR(impl_->Rocks(impl_->db->CompactRange(rewrite, h, nullptr, nullptr),
                                     "compacting " + h->GetName()));
  }
  return Status::Ok();
}

Result<bool> Store::CompactAggregatesIfLayered(uint64_t min_level0_files) {
  return CompactIfLayered(LayeredCf::kAggregates, min_level0_files);
}

void Store::MergeRecordsAt(uint64_t files) { impl_->merge_records_at = files; }

Result<bool> Store::CompactRecordsIfLayered(uint64_t min_level0_files) {
  return CompactIfLayered(LayeredCf::kRecords, min_level0_files);
}

Result<bool> Store::CompactIfLayered(LayeredCf which, uint64_t min_level0_files) {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  rocksdb::DB* db = impl_->db;
  const bool records = which == LayeredCf::kRecords;
  rocksdb::ColumnFamilyHandle* cf = records ? impl_->records : impl_->aggregates;
  const char* what = records ? "compacting records" : "compacting aggregates";
  // One compaction of every table file into the last level. (CompactRange
  // merges level 0 into the last level, then rewrites that level once more
  // because of the aggregates' compaction filter: 0.5 s more at 2M records,
  // only to drop the zeros merged in that compaction, which scans skip
  // anyway.) A compaction RocksDB started by itself (level 0 reached its
  // trigger) may hold some of the files: wait for it (up to a minute), it
  // does the same work.
  constexpr int kMaxAttempts = 6000;  // 10 ms each.
  for (int attempt = 0;; ++attempt) {
    rocksdb::ColumnFamilyMetaData meta;
    db->GetColumnFamilyMetaData(cf, &meta);
    std::vector<std::string> inputs;
    bool busy = false;
    uint64_t level0 = 0;
    int last_level = 0;
    for (const rocksdb::LevelMetaData& level : meta.levels) {
      for (const rocksdb::SstFileMetaData& file : level.files) {
        busy = busy || file.being_compacted;
        inputs.push_back(file.name);
        if (level.level == 0) ++level0;
        last_level = std::max(last_level, level.level);
      }
    }
    if (!records) {
      // Aggregates: a file between level 0 and the last level counts too. A
      // table file ingested onto them goes to the deepest level its keys do
      // not overlap in, which is level 5 once the last level outgrows the
      // base level's size (dynamic level sizing: a 0.01-degree store of 15M
      // records), not level 0. Left there, every scan merged its operands:
      // a cell export of the 20M store took 5.3 s instead of 1.8 s.
      for (const rocksdb::LevelMetaData& level : meta.levels) {
        if (level.level > 0 && level.level < last_level) level0 += level.files.size();
      }
    }
    if (!busy) {
      if (level0 < std::max<uint64_t>(min_level0_files, 1)) return false;
      rocksdb::CompactionOptions compact;
      // Parts merged in parallel, cut by RocksDB at keys that divide the
      // input files' sizes evenly, each part at least a target file: one per
      // thread, but at least three, as RocksDB 7.8 runs a merge cut in two
      // as one (CompactionJob::Prepare forms parts only from two cuts on).
      compact.max_subcompactions =
          impl_->threads < 2 ? 1u : static_cast<uint32_t>(std::max(impl_->threads, 3));
      compact.compression = rocksdb::kDisableCompressionOption;  // The level's own.
      // Files of the size RocksDB's own compactions write (one file
      // otherwise): a later compaction rewrites only the files its input
      // overlaps.
      compact.output_file_size_limit = db->GetOptions(cf).target_file_size_base;
      const int output = std::max(last_level, static_cast<int>(meta.levels.size()) - 1);
      // Every input is read once and deleted after: its pages are dropped
      // from the page cache as they are read, and the output written into
      // them instead of into fresh ones (stores/page_cache_fs.h).
      rocksdb::Status s;
      {
        std::vector<std::string> names;
        for (const std::string& input : inputs) names.push_back(store_internal::BaseName(input));
        const store_internal::DropReadsScope drop(impl_->fs.get(), std::move(names));
        s = db->CompactFiles(compact, cf, inputs, output);
      }
      if (s.ok()) return true;
      // Aborted: a background compaction took some of the files meanwhile.
      if (!s.IsAborted() || attempt >= kMaxAttempts) return impl_->Rocks(s, what);
    } else if (attempt >= kMaxAttempts) {
      return false;  // Still busy: reads merge what is left; nothing is lost.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace stc
