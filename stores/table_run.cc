// Full scans straight from a column family's table files (table_run.h).
#include "stores/table_run.h"

#include <rocksdb/metadata.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/table.h>
#include <rocksdb/table_properties.h>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace stc::store_internal {
namespace {

// The column family's options for its readers: the store's (the merge
// operator, the prefix extractor, the comparator), with table options that
// load no filter (a scan never probes one; the database holds its own copy)
// and use no block cache (a full scan reads each block once).
rocksdb::Options ReaderOptions(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
  rocksdb::Options options(db->GetDBOptions(), db->GetOptions(cf));
  const auto* table = options.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
  if (table != nullptr) {
    rocksdb::BlockBasedTableOptions t = *table;
    t.filter_policy.reset();
    t.block_cache.reset();
    t.no_block_cache = true;
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  }
  return options;
}

}  // namespace

std::shared_ptr<const TableRun> OpenTableRun(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                             const rocksdb::Snapshot* snapshot, bool read_only) {
  if (cf == nullptr || (!read_only && snapshot == nullptr)) return nullptr;
  for (const char* property :
       {"rocksdb.num-entries-active-mem-table", "rocksdb.num-entries-imm-mem-tables"}) {
    uint64_t n = 0;
    if (!db->GetIntProperty(cf, property, &n) || n != 0) return nullptr;
  }
  rocksdb::ColumnFamilyMetaData meta;
  db->GetColumnFamilyMetaData(cf, &meta);
  const rocksdb::LevelMetaData* level = nullptr;
  for (const rocksdb::LevelMetaData& l : meta.levels) {
    if (l.files.empty()) continue;
    if (level != nullptr) return nullptr;  // A second sorted run.
    level = &l;
  }
  if (level == nullptr) return nullptr;
  if (level->level == 0 && level->files.size() != 1) return nullptr;  // Overlapping files.
  std::vector<const rocksdb::SstFileMetaData*> order;
  for (const rocksdb::SstFileMetaData& f : level->files) order.push_back(&f);
  std::sort(order.begin(), order.end(),
            [](const auto* a, const auto* b) { return a->smallestkey < b->smallestkey; });
  const rocksdb::Options options = ReaderOptions(db, cf);
  std::vector<TableRun::File> files;
  for (const rocksdb::SstFileMetaData* f : order) {
    // Disjoint ranges, as on every level past 0 (the bytewise comparator).
    if (!files.empty() && !(files.back().largest < f->smallestkey)) return nullptr;
    if (snapshot != nullptr && f->largest_seqno > snapshot->GetSequenceNumber()) return nullptr;
    TableRun::File file;
    file.reader = std::make_unique<rocksdb::SstFileReader>(options);
    if (!file.reader->Open(f->directory + "/" + f->relative_filename).ok()) return nullptr;
    const std::shared_ptr<const rocksdb::TableProperties> props = file.reader->GetTableProperties();
    if (props == nullptr || props->num_range_deletions != 0) return nullptr;
    file.raw = RawTable::Open(f->directory + "/" + f->relative_filename, *props);
    file.smallest = f->smallestkey;
    file.largest = f->largestkey;
    files.push_back(std::move(file));
  }
  return std::make_shared<const TableRun>(std::move(files));
}

ScanIterator::ScanIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const TableRun* run,
                           const rocksdb::Snapshot* snapshot, std::optional<std::string> lower,
                           std::optional<std::string> upper)
    : lower_(std::move(lower)), upper_(std::move(upper)), ro_(TotalOrder()), run_(run) {
  ro_.fill_cache = false;  // A full scan would evict the lookup working set.
  ro_.readahead_size = kScanReadaheadBytes;
  if (lower_.has_value()) {
    lower_slice_ = *lower_;
    ro_.iterate_lower_bound = &lower_slice_;
  }
  if (upper_.has_value()) {
    upper_slice_ = *upper_;
    ro_.iterate_upper_bound = &upper_slice_;
  }
  if (run_ == nullptr) {
    ro_.snapshot = snapshot;
    it_.reset(db->NewIterator(ro_, cf));
    if (lower_.has_value()) {
      it_->Seek(lower_slice_);
    } else {
      it_->SeekToFirst();
    }
    return;
  }
  // The files whose key ranges meet [lower, upper).
  const std::vector<TableRun::File>& files = run_->files();
  file_ = 0;
  end_file_ = files.size();
  if (lower_.has_value()) {
    while (file_ < end_file_ && files[file_].largest < *lower_) ++file_;
  }
  if (upper_.has_value()) {
    while (end_file_ > file_ && !(files[end_file_ - 1].smallest < *upper_)) --end_file_;
  }
  if (file_ == end_file_) return;  // Nothing in range: it_ stays null, !Valid().
  OpenFile();
  NextFile();
}

void ScanIterator::OpenFile() {
  const TableRun::File& file = run_->files()[file_];
  if (file.raw != nullptr) {
    ++raw_files_;
    raw_.emplace(file.raw.get(), lower_.has_value() ? &*lower_ : nullptr,
                 upper_.has_value() ? &*upper_ : nullptr);
    raw_active_ = true;
    if (raw_->Failed()) AfterRawFile();
    return;
  }
  raw_active_ = false;
  it_.reset(file.reader->NewIterator(ro_));
  if (lower_.has_value()) {
    it_->Seek(lower_slice_);
  } else {
    it_->SeekToFirst();
  }
}

void ScanIterator::AfterRawFile() {
  if (!raw_->Failed()) {
    NextFile();
    return;
  }
  // The file's iterator takes over where the cursor stopped.
  ++raw_fallbacks_;
  const std::string resume(raw_->resume_key());
  const bool inclusive = raw_->resume_inclusive();
  raw_active_ = false;
  it_.reset(run_->files()[file_].reader->NewIterator(ro_));
  if (resume.empty() && inclusive) {
    if (lower_.has_value()) {
      it_->Seek(lower_slice_);
    } else {
      it_->SeekToFirst();
    }
  } else if (lower_.has_value() && resume < *lower_) {
    it_->Seek(lower_slice_);  // Every key before `lower` was skipped.
  } else {
    it_->Seek(resume);
    if (!inclusive && it_->Valid() && it_->key() == resume) it_->Next();
  }
  if (!it_->Valid()) NextFile();
}

void ScanIterator::NextFile() {
  while (FileDone() && file_ + 1 < end_file_) {
    ++file_;
    OpenFile();
  }
}

PerfCountersOff::PerfCountersOff() : level_(rocksdb::GetPerfLevel()) {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
}

PerfCountersOff::~PerfCountersOff() {
  rocksdb::SetPerfLevel(static_cast<rocksdb::PerfLevel>(level_));
}

}  // namespace stc::store_internal
