// A RocksDB FileSystem for the store that can drop what a compaction has read
// from the page cache, so that the compaction's output reuses those pages.
//
// Why: on the virtual machines we run on, a page the page cache takes for the
// first time costs about 1.7 ms of system time per MiB (free memory is handed
// back to the host and supplied afresh when touched), against about 0.3 ms
// for pages just freed (docs/performance.md, "Page cache reused by the
// merges"). A merge of every table file of a column family into its last
// level (Store::CompactRecordsIfLayered, CompactAggregatesIfLayered) reads
// each input once and writes as many bytes again, and deletes its inputs when
// done: with the inputs' pages dropped as they are read, the output is written
// into them instead of into fresh pages.
//
// What: DropReadsFileSystem passes every call to its base file system. The
// table files (".sst") it opens for random access are wrapped: while a
// DropReadsScope of the file system is alive, each read of such a file that
// completes a 2 MiB-aligned piece of it (or reads to its end) is followed by
// FSRandomAccessFile::InvalidateCache over the pieces it read into
// (posix_fadvise(POSIX_FADV_DONTNEED) on POSIX), a hint that changes no data:
// a later read of the range reads the file again. Pages not yet written back
// (dirty) are not dropped; the store's table files are synced when written.
//
// Thread-safety: as the base file system; scopes may be opened and closed
// from any thread, and nest (dropping lasts while any is alive). Reads of
// every file during a scope are dropped, whoever reads: a store opens scopes
// only around merges whose inputs nobody else reads meanwhile.
#ifndef STCLUSTER_STORES_PAGE_CACHE_FS_H_
#define STCLUSTER_STORES_PAGE_CACHE_FS_H_

#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <string>

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

  // Whether reads of table files are dropped now.
  bool dropping() const { return scopes_.load(std::memory_order_relaxed) > 0; }
  // Drops made so far (a diagnostic count, relaxed): reads of table files
  // that completed a piece.
  uint64_t dropped_reads() const { return dropped_reads_.load(std::memory_order_relaxed); }

 private:
  friend class DropReadsScope;
  class File;
  std::atomic<int> scopes_{0};
  std::atomic<uint64_t> dropped_reads_{0};
};

// Reads of `fs`'s table files are dropped from the page cache for the
// scope's lifetime. `fs` must outlive it.
class DropReadsScope {
 public:
  explicit DropReadsScope(DropReadsFileSystem* fs) : fs_(fs) {
    fs_->scopes_.fetch_add(1, std::memory_order_relaxed);
  }
  ~DropReadsScope() { fs_->scopes_.fetch_sub(1, std::memory_order_relaxed); }
  DropReadsScope(const DropReadsScope&) = delete;
  DropReadsScope& operator=(const DropReadsScope&) = delete;

 private:
  DropReadsFileSystem* fs_;
};

}  // namespace stc::store_internal

#endif  // STCLUSTER_STORES_PAGE_CACHE_FS_H_
