// Internal header: only stores/*.cc include it.
//
// A table file's entries read straight from its blocks. RocksDB reads a
// table file through its iterators (rocksdb::SstFileReader wraps the
// table's in a DBIter): for each entry the iterator parses the key, checks
// its sequence number and type against the read's snapshot, compares it
// with the entry before to skip older versions, copies it, checks the upper
// bound and goes through two or three virtual calls. On the aggregates of a
// 0.01-degree store (54 million entries of about 30 bytes, key and value)
// that was about 70% of `export --by cluster`'s CPU (docs/performance.md,
// "Table files read block by block"). A full scan of one sorted run needs
// little of it: every entry is visible and a value.
//
// RawTable reads the block-based table format RocksDB 7.8 writes with the
// store's options (the layout is spelled out at the top of raw_table.cc):
// format versions 2 to 5 (a later RocksDB writing version 6 or more is read
// through RocksDB), XXH3 or no block checksums, plain or LZ4 blocks,
// a binary-search index that is not partitioned, no hash index in the data
// blocks, only values (no deletions, merge operands or range deletions, by
// the file's properties). Any other file is left to RocksDB (Open returns
// null). The cursor verifies every block's checksum, as RocksDB's scans do,
// and stops with Failed() at the first block or entry it cannot read (a
// checksum mismatch, a malformed block, an entry that is not a value, a
// key not above the one before):
// the caller then reads the rest of the file through RocksDB, which
// reports the corruption if there is one. Older versions of a key (a file
// written while a snapshot was held) are skipped, as RocksDB's iterator
// skips them: the newest comes first.
#ifndef STCLUSTER_STORES_RAW_TABLE_H_
#define STCLUSTER_STORES_RAW_TABLE_H_

#include <rocksdb/table_properties.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stc::store_internal {

// One table file, open, with its index read. Immutable; thread-safe (each
// scan makes its own RawTableCursor). Owns its file descriptor: a file
// deleted after Open (a compaction) stays readable.
class RawTable {
 public:
  // Opens the table file at `path` whose properties (as RocksDB read them)
  // are `props`. Null when the file is laid out in a way this reader does
  // not handle, or does not open or read: the caller reads it through
  // RocksDB, which reports any error.
  static std::unique_ptr<const RawTable> Open(const std::string& path,
                                              const rocksdb::TableProperties& props);
  ~RawTable();
  RawTable(const RawTable&) = delete;
  RawTable& operator=(const RawTable&) = delete;

  struct Block {
    uint64_t offset = 0;  // In the file.
    uint64_t size = 0;    // Without the 5-byte trailer.
  };
  // The data blocks in key order, and for each the user-key part of its
  // index entry: at least the block's last user key, at most the next
  // block's first.
  const std::vector<Block>& blocks() const { return blocks_; }
  std::string_view separator(size_t i) const {
    return std::string_view(separator_bytes_)
        .substr(separator_offsets_[i], separator_offsets_[i + 1] - separator_offsets_[i]);
  }
  int fd() const { return fd_; }
  uint8_t checksum_type() const { return checksum_type_; }

 private:
  RawTable() = default;
  int fd_ = -1;
  uint8_t checksum_type_ = 0;
  std::vector<Block> blocks_;
  std::string separator_bytes_;
  std::vector<size_t> separator_offsets_;  // blocks_.size() + 1 offsets.
};

// Reads a table file's blocks: their bytes through a window of the file
// read ahead (one pread per kWindowBytes of a forward scan), each block's
// checksum verified and its contents decompressed. Thread-compatible.
class BlockReader {
 public:
  static constexpr size_t kWindowBytes = size_t{1} << 20;
  // The contents of block `b` (uncompressed) of the file `fd`, valid until
  // the next call; the read ahead stops at `limit` (a file offset: the end
  // of the last block the caller will read), so that a short scan reads and
  // holds no more than it needs. False on a read error, a checksum mismatch
  // or a malformed or unknown compressed block.
  bool Read(int fd, uint8_t checksum_type, const RawTable::Block& b, uint64_t limit,
            std::string_view* contents);

 private:
  std::unique_ptr<char[]> window_;  // File bytes [window_offset_, + window_size_).
  size_t window_capacity_ = 0, window_size_ = 0;
  uint64_t window_offset_ = 0;
  std::string plain_;  // A decompressed block.
};

// A forward scan of one RawTable's entries with user keys in [lower,
// upper). Thread-compatible; the table must outlive it.
class RawTableCursor {
 public:
  // Positioned on the first entry of at least `lower` (null: the first)
  // and below `upper` (null: unbounded). Both must outlive the cursor.
  RawTableCursor(const RawTable* table, const std::string* lower, const std::string* upper);

  bool Valid() const { return state_ == State::kEntry; }
  // The scan stopped at a block or an entry it cannot read. RocksDB must
  // read the rest of the file: from resume_key() on when
  // resume_inclusive(), else from the first key after it; from the range's
  // start when resume_key() is empty and inclusive (empty and not inclusive:
  // after the empty key, which is a key like any other).
  bool Failed() const { return state_ == State::kFailed; }
  std::string_view resume_key() const { return Failed() ? user_key() : std::string_view(); }
  bool resume_inclusive() const { return resume_inclusive_; }
  // Precondition: Valid(). Views valid until the next Next().
  std::string_view user_key() const { return std::string_view(key_.data(), user_key_size_); }
  std::string_view value() const { return value_; }
  // Precondition: Valid().
  void Next() { Advance(/*load=*/false); }
  // The index (in table->blocks()) of the block the entry was read from
  // (tests and the fuzzer check the index against the blocks with it).
  // Precondition: Valid().
  size_t block() const { return block_index_; }

 private:
  enum class State { kEntry, kEnd, kFailed };
  // Moves to the next entry to show: from the entry at pos_ of the current
  // block, or from the start of block block_index_ when `load`.
  void Advance(bool load);
  // The order of the user key (of `new_user` bytes) of the entry whose key
  // shares `shared` bytes with key_ and goes on with `unshared`, against the
  // last user key: < 0 below it, 0 the same (an older version), > 0 above.
  // Precondition: has_key_.
  int CompareWithLastUserKey(size_t shared, const char* unshared, size_t new_user) const;
  // Fails with every entry up to the last decoded one (key_) handled.
  void FailAfterLast() {
    if (!has_key_) user_key_size_ = 0;
    resume_inclusive_ = !has_key_;
    state_ = State::kFailed;
  }

  const RawTable* table_;
  const std::string* upper_;
  BlockReader reader_;
  size_t block_index_ = 0;
  uint64_t read_limit_ = 0;      // The end of the last block the range may need.
  bool block_in_bound_ = false;  // Every key of the block is below *upper_.
  std::string_view contents_;    // The current block's.
  size_t pos_ = 0, entries_end_ = 0;
  std::string key_;  // The last decoded entry's internal key.
  size_t user_key_size_ = 0;
  bool has_key_ = false;  // key_ holds a decoded entry.
  std::string_view value_;
  bool resume_inclusive_ = false;
  State state_ = State::kEnd;
};

}  // namespace stc::store_internal

#endif  // STCLUSTER_STORES_RAW_TABLE_H_
