// A RocksDB FileSystem for the store that can drop what a compaction has read
// from the page cache, so that the compaction's output reuses those pages.
//
// Why: on the virtual machines we run on, a page the page cache takes for the
// first time costs about 1.7 ms of system time per MiB (free memory is handed
// back to the host and supplied afresh when touched), against about 0.3 ms
// for pages just freed (docs/performance.md, design choice "Merges drop
// their inputs from the page cache"). A merge of every table file of a column family into its last
// level (Store::CompactRecordsIfLayered, CompactAggregatesIfLayered) reads
// each input once and writes as many bytes again, and deletes its inputs when
// done: with the inputs' pages dropped as they are read, the output is written
// into them instead of into fresh pages.
//
// What: DropReadsFileSystem passes every call to its base file system. The
// table files (".sst") it opens for random access are wrapped: while a
// DropReadsScope naming the file is alive, each read of it that completes a
// 2 MiB-aligned piece of it (or reads to its end) is followed by
// FSRandomAccessFile::InvalidateCache over the pieces it read into
// (posix_fadvise(POSIX_FADV_DONTNEED) on POSIX), a hint that changes no data:
// a later read of the range reads the file again. Pages not yet written back
// (dirty) are not dropped; the store's table files are synced when written.
// Files a scope does not name (the merge's output, read back by RocksDB to
// check it) keep their pages.
//
// Thread-safety: as the base file system; scopes may be opened and closed
// from any thread, and may overlap. The pages of a named file are dropped
// for every reader of it, in this process or another (read-only stores
// reading the same files): a store names only the inputs of a merge, which
// it deletes after the merge; a reader that still has them open reads the
// pages again from the disk, and gets the same bytes.
#ifndef STCLUSTER_STORES_PAGE_CACHE_FS_H_
#define STCLUSTER_STORES_PAGE_CACHE_FS_H_

#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace stc::store_internal {

class DropReadsFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit DropReadsFileSystem(const std::shared_ptr<rocksdb::FileSystem>& base)
      : rocksdb::FileSystemWrapper(base) {}
  const char* Name() const override { return "StcDropReadsFileSystem"; }

  rocksdb::IOStatus NewRandomAccessFile(const std::string& fname,
                                        const rocksdb::FileOptions& options,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                                        rocksdb::IODebugContext* dbg) override;

  // Whether the reads of the table file `base_name` ("000123.sst") are
  // dropped now.
  bool Dropping(std::string_view base_name) const;
  // Drops made so far (a diagnostic count, relaxed): reads of named table
  // files that completed a piece.
  uint64_t dropped_reads() const { return dropped_reads_.load(std::memory_order_relaxed); }

 private:
  friend class DropReadsScope;
  class File;
  std::atomic<int> scopes_{0};  // Open scopes: no lock taken while none is.
  mutable std::mutex mu_;
  std::multiset<std::string, std::less<>> names_;  // Named by open scopes; guarded by mu_.
  std::atomic<uint64_t> dropped_reads_{0};
};

// The last component of `path`: "000123.sst" of "/000123.sst" (the name
// RocksDB's file metadata gives) or of "dir/000123.sst".
std::string BaseName(std::string_view path);

// Reads of `fs`'s table files `base_names` ("000123.sst") are dropped from
// the page cache for the scope's lifetime. `fs` must outlive it.
class DropReadsScope {
 public:
  DropReadsScope(DropReadsFileSystem* fs, std::vector<std::string> base_names);
  ~DropReadsScope();
  DropReadsScope(const DropReadsScope&) = delete;
  DropReadsScope& operator=(const DropReadsScope&) = delete;

 private:
  DropReadsFileSystem* fs_;
  std::vector<std::string> names_;
};

}  // namespace stc::store_internal

#endif  // STCLUSTER_STORES_PAGE_CACHE_FS_H_
