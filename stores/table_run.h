// Internal header: only stores/*.cc include it.
//
// Full scans that read a column family's table files directly. A scan
// through the database (DB::NewIterator) merges every sorted run of the
// column family: its memtables, each level-0 file and each level, through
// RocksDB's merging and level iterators, even when all but one of them are
// empty. After an ingest the aggregates and the records are one sorted run
// in one level (Store::CompactAggregatesIfLayered, CompactRecordsIfLayered),
// and a read-only store, or a scan's snapshot, does not change with later
// writes. Its table files can then be read one after the other, each through
// its own reader (rocksdb::SstFileReader), which skips the merging and level
// iterators: on the aggregates of a 0.01-degree store (54 million entries of
// 21 bytes) 35% less CPU an entry (docs/performance-history.md, the changes 0d8f706 to 70841ff).
//
// ScanIterator reads [lower, upper) of one column family either way, so the
// scans do not depend on which one is taken.
#ifndef STCLUSTER_STORES_TABLE_RUN_H_
#define STCLUSTER_STORES_TABLE_RUN_H_

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_reader.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stores/raw_table.h"
#include "stores/store_impl.h"

namespace stc::store_internal {

// The table files of one column family that form its only sorted run, each
// open, in key order. Immutable once made; thread-safe (each scan makes its
// own iterators).
class TableRun {
 public:
  struct File {
    std::unique_ptr<rocksdb::SstFileReader> reader;
    // The same file read block by block (raw_table.h); null when its
    // layout is one RawTable does not read.
    std::unique_ptr<const RawTable> raw;
    std::string smallest, largest;  // User keys.
  };
  explicit TableRun(std::vector<File> files) : files_(std::move(files)) {}
  const std::vector<File>& files() const { return files_; }

 private:
  std::vector<File> files_;
};

// The sorted run of `cf` when a scan of it at `snapshot` may read its table
// files directly: the column family's memtables are empty; its table files
// are all on one level (a single file on level 0), their key ranges
// disjoint; none holds range deletions; every file opens (the readers keep
// them open, so a compaction that deletes them later does not affect the
// scan); and the store cannot hold anything newer than the snapshot in
// them: it is open read-only (`read_only`), or `snapshot` is given and no
// file holds a sequence number past it. (The memtables are checked before
// the files are listed: anything written up to the snapshot is then in the
// files.) Null otherwise, also when the column family has no table file:
// the scan then reads through the database. Never fails: a file that does
// not open is a reason to read through the database, which reports the
// error if it has one.
std::shared_ptr<const TableRun> OpenTableRun(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                             const rocksdb::Snapshot* snapshot, bool read_only);

// Turns RocksDB's per-thread performance counters off for its lifetime (each
// step of an iterator otherwise adds to them: about 7% of a scan's CPU on
// small entries) and restores the thread's level after. Thread-local.
class PerfCountersOff {
 public:
  PerfCountersOff();
  ~PerfCountersOff();
  PerfCountersOff(const PerfCountersOff&) = delete;
  PerfCountersOff& operator=(const PerfCountersOff&) = delete;

 private:
  int level_;
};

// A forward scan of the entries of `cf` with keys in [lower, upper) (none:
// unbounded), positioned on the first one at construction. Reads the table
// files of `run` when it is not null (OpenTableRun of the same column
// family), each block by block (RawTableCursor) when RawTable reads it and
// from where that stops through the file's SstFileReader, otherwise
// through the database at `snapshot` (null: the latest state). Either way: no block cache fill,
// kScanReadaheadBytes of read-ahead, total-order seeks, RocksDB's performance counters off on the
// constructing thread for its lifetime (it must be used and destroyed there). Thread-compatible;
// `db`, `cf`, `run` and `snapshot` must outlive it.
class ScanIterator {
 public:
  ScanIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const TableRun* run,
               const rocksdb::Snapshot* snapshot, std::optional<std::string> lower,
               std::optional<std::string> upper);
  ScanIterator(const ScanIterator&) = delete;
  ScanIterator& operator=(const ScanIterator&) = delete;

  bool Valid() const { return raw_active_ ? raw_->Valid() : it_ != nullptr && it_->Valid(); }
  // Precondition: Valid().
  void Next() {
    if (raw_active_) {
      raw_->Next();
      if (!raw_->Valid()) AfterRawFile();
      return;
    }
    it_->Next();
    if (run_ != nullptr && !it_->Valid()) NextFile();
  }
  rocksdb::Slice key() const {
    if (raw_active_) {
      const std::string_view k = raw_->user_key();
      return rocksdb::Slice(k.data(), k.size());
    }
    return it_->key();
  }
  rocksdb::Slice value() const {
    if (raw_active_) {
      const std::string_view v = raw_->value();
      return rocksdb::Slice(v.data(), v.size());
    }
    return it_->value();
  }
  // OK unless a read failed (then !Valid()).
  rocksdb::Status status() const {
    return raw_active_ || it_ == nullptr ? rocksdb::Status::OK() : it_->status();
  }
  // Diagnostics (tests): the files of the run read block by block, and those
  // of them whose rest RocksDB read after RawTableCursor stopped.
  size_t raw_files() const { return raw_files_; }
  size_t raw_fallbacks() const { return raw_fallbacks_; }

 private:
  // Moves to the next file of the run that holds a key in range, while the
  // current one has none left and no error.
  void NextFile();
  // File `file_` of the run, on its first key in range: block by block when
  // it can, else through an iterator of its SstFileReader.
  void OpenFile();
  // The raw cursor of the current file stopped: at its end (the next file)
  // or where it cannot read (the file's iterator from there).
  void AfterRawFile();
  // Whether the current file has no entry left (and no error).
  bool FileDone() const {
    return raw_active_ ? !raw_->Valid() : !it_->Valid() && it_->status().ok();
  }

  PerfCountersOff perf_off_;  // First: the counters stay off until it_ is gone.
  std::optional<std::string> lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  rocksdb::ReadOptions ro_;
  const TableRun* run_;
  size_t file_ = 0, end_file_ = 0;  // The run's files still to read: [file_, end_file_).
  std::unique_ptr<rocksdb::Iterator> it_;
  std::optional<RawTableCursor> raw_;
  bool raw_active_ = false;  // The current file is read through raw_, not it_.
  size_t raw_files_ = 0, raw_fallbacks_ = 0;
};

}  // namespace stc::store_internal

#endif  // STCLUSTER_STORES_TABLE_RUN_H_
