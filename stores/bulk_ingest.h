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
#include "stores/store.h"

namespace stc::store_internal {

// One write of a prepared batch.
struct SortedEntry {
  enum class Op { kPut, kDelete, kMerge };
  std::string_view key;
  std::string_view value;  // Unused for kDelete.
  Op op = Op::kPut;
};

// Entries for one column family, sorted by key, keys unique: `entries`, or
// record writes (puts and deletes) as the store's callers give them.
struct CfEntries {
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  std::span<const SortedEntry> entries;
  std::span<const Store::RecordWrite> records;
  // Written without compression (a file that a merge will soon rewrite and
  // compress: Store::MergeRecordsAt); otherwise with the CF's compression.
  bool uncompressed = false;
  size_t size() const { return entries.size() + records.size(); }
};

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

// Writes each non-empty CfEntries to a table file under `tmp_dir` and ingests
// them all atomically into `db`. The files are moved into the database (or
// removed on failure). Errors name `store_dir`.
Status IngestSorted(rocksdb::DB* db, const std::string& store_dir, const std::string& tmp_dir,
                    const std::vector<CfEntries>& cfs);

}  // namespace stc::store_internal

#endif  // STCLUSTER_STORES_BULK_INGEST_H_
