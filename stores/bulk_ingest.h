// Bulk writes through table files: sorted entries are written with
// rocksdb::SstFileWriter (one file per column family) and added to the
// database with one IngestExternalFiles call, atomic across the column
// families. Much faster than a WriteBatch for large batches (no memtable
// inserts, no WAL), and as durable: the ingestion is recorded in the MANIFEST
// before the call returns. Internal to stores/.
#ifndef STCLUSTER_STORES_BULK_INGEST_H_
#define STCLUSTER_STORES_BULK_INGEST_H_

#include <rocksdb/db.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/large_alloc.h"
#include "core/status.h"
#include "stores/keys.h"
#include "stores/store.h"

namespace stc::store_internal {

// One write of a prepared batch.
struct SortedEntry {
  enum class Op { kPut, kDelete, kMerge };
  std::string_view key;
  std::string_view value;  // Unused for kDelete.
  Op op = Op::kPut;
};

// Entries for one column family, sorted by key, keys unique: `entries`,
// record writes (puts and deletes) as the store's callers give them, or the
// cell deltas of a SortedAggregates, each written with `sorted_op` (kPut or
// kMerge) and its 8-byte delta as the value, read in place (no list of
// entries is built for them). At most one of the three is non-empty.
struct CfEntries {
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  std::span<const SortedEntry> entries;
  std::span<const Store::RecordWrite> records;
  // Written without compression (a file that a merge will soon rewrite and
  // compress: Store::MergeRecordsAt); otherwise with the CF's compression.
  bool uncompressed = false;
  const SortedAggregates* sorted = nullptr;  // Not owned; outlives the call.
  SortedEntry::Op sorted_op = SortedEntry::Op::kMerge;
  // `records` as up to this many table files of consecutive keys, written
  // in parallel (each of at least kMinRecordsPerFile records); 1 = one file.
  size_t record_files = 1;
  // `sorted` as up to this many table files of consecutive chunks, written
  // in parallel, when the CF has no entries or records; 1 = one file.
  size_t sorted_files = 1;
  size_t size() const {
    return entries.size() + records.size() + (sorted != nullptr ? sorted->size() : 0);
  }
};

// The value of a SortedAggregates entry: the 8 bytes that follow its key in
// the encoding (SortedAggregates::Next, stores/README.md).
inline std::string_view SortedValueOf(std::string_view key) {
  return std::string_view(key.data() + key.size(), store_keys::kAggregateValueBytes);
}

inline std::string_view KeyOf(const SortedEntry& e) { return e.key; }
inline std::string_view KeyOf(const Store::RecordWrite& w) { return w.store_key; }
inline std::string_view ValueOf(const SortedEntry& e) { return e.value; }
inline std::string_view ValueOf(const Store::RecordWrite& w) {
  return w.is_delete ? std::string_view() : w.value;
}
inline SortedEntry::Op OpOf(const SortedEntry& e) { return e.op; }
inline SortedEntry::Op OpOf(const Store::RecordWrite& w) {
  return w.is_delete ? SortedEntry::Op::kDelete : SortedEntry::Op::kPut;
}

// The fewest records in a table file of a CfEntries split by record_files.
inline constexpr size_t kMinRecordsPerFile = 50000;

// Writes each non-empty CfEntries to a table file under `tmp_dir` and ingests
// them all atomically into `db` (a CfEntries with record_files > 1: its
// records as several files of disjoint key ranges, one thread each). The
// files are moved into the database (or removed on failure). Errors name
// `store_dir`. InvalidArgument, nothing ingested, when a column family's
// keys (entries, sorted deltas, then records) do not ascend strictly: the
// table files' writers check each file, and IngestSorted the cuts between
// the ranges of a split set (the only check of large sets of records, see
// Store::ValidateSorted).
Status IngestSorted(rocksdb::DB* db, const std::string& store_dir, const std::string& tmp_dir,
                    const std::vector<CfEntries>& cfs);

}  // namespace stc::store_internal

#endif  // STCLUSTER_STORES_BULK_INGEST_H_
