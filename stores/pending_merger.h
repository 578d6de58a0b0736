// Internal header: only stores/*.cc include it.
//
// Reading the pending aggregate log (stores/README.md, "Pending log"): one
// flush's entries in key order (FlushCursor), every flush's entries summed
// per key by a k-way merge (PendingMerger), and a key that splits the log
// about in half (SplitKey). Used by the fold and by the aggregate scans
// (pending_aggregates.cc). Each object reads through its own RocksDB
// iterators: thread-compatible, one per thread; the database must outlive it.
#ifndef STCLUSTER_STORES_PENDING_MERGER_H_
#define STCLUSTER_STORES_PENDING_MERGER_H_

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/units.h"
#include "stores/keys.h"
#include "stores/store_impl.h"

namespace stc::store_internal {

// The first 16 bytes of a key as two big-endian words, zero-padded: keys
// whose words differ compare like the words (a zero pad sorts first, as a
// shorter key does); equal words leave the order to the whole keys.
struct KeyPrefix {
  uint64_t w0 = 0, w1 = 0;
  explicit KeyPrefix(std::string_view k) {
    unsigned char b[16] = {0};
    if (!k.empty())
      std::memcpy(b, k.data(), std::min<size_t>(k.size(), 16));  // data() may be null.
    std::memcpy(&w0, b, 8);
    std::memcpy(&w1, b + 8, 8);
    if constexpr (std::endian::native == std::endian::little) {
      w0 = __builtin_bswap64(w0);
      w1 = __builtin_bswap64(w1);
    }
  }
  KeyPrefix() = default;
};

// -1, 0 or 1 as a <, == or > b (bytewise), from the prefixes where they
// decide: always for keys of up to 16 bytes (aggregate keys of fields of up
// to 3 bytes), where equal prefixes leave the shorter key first.
inline int CompareKeys(const KeyPrefix& pa, std::string_view a, const KeyPrefix& pb,
                       std::string_view b) {
  if (pa.w0 != pb.w0) return pa.w0 < pb.w0 ? -1 : 1;
  if (pa.w1 != pb.w1) return pa.w1 < pb.w1 ? -1 : 1;
  if (a.size() <= 16 && b.size() <= 16) {
    return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
  }
  const int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// The key of the first entry of a pending log chunk; false if malformed.
inline bool ChunkFirstKey(std::string_view chunk, std::string_view* key) {
  if (chunk.size() < 2) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const size_t len = static_cast<size_t>(p[0]) | static_cast<size_t>(p[1]) << 8;
  if (chunk.size() - 2 < len) return false;
  *key = chunk.substr(2, len);
  return true;
}

// One flush's entries with keys in [begin, end) ("" for no bound), in key
// order: its chunks one after the other.
class FlushCursor {
 public:
  FlushCursor(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, uint64_t flush,
              std::string_view begin = {}, std::string_view end = {})
      : flush_(flush),
        upper_(store_keys::EncodePendingKey(flush + 1, 0)),
        end_(end),
        end_prefix_(end) {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;  // Read once.
    upper_slice_ = rocksdb::Slice(upper_);
    ro.iterate_upper_bound = flush == UINT64_MAX ? nullptr : &upper_slice_;
    it_.reset(db->NewIterator(ro, cf));
    it_->Seek(store_keys::EncodePendingKey(flush, StartChunk(begin)));
    LoadChunk();
    while (valid_ && !begin.empty() && key_ < begin) Next();
  }

  bool Valid() const { return valid_; }
  std::string_view key() const { return key_; }
  const KeyPrefix& prefix() const { return prefix_; }
  Units delta() const { return delta_; }
  const Status& status() const { return status_; }

  void Next() {
    if (pos_ < chunk_.size()) {
      Decode();
    } else {
      prev_.assign(key_);  // key_ views the chunk the iterator leaves.
      it_->Next();
      LoadChunk();
    }
  }

 private:
  // The last chunk whose first key is at most `begin` (0 if none, or
  // without a bound): a binary search that reads O(log chunks) chunks.
  uint32_t StartChunk(std::string_view begin) {
    if (begin.empty()) return 0;
    it_->SeekForPrev(store_keys::EncodePendingKey(flush_, UINT32_MAX));
    uint64_t flush = 0;
    uint32_t last = 0;
    if (!it_->Valid() || !store_keys::DecodePendingKey(ToView(it_->key()), &flush, &last) ||
        flush != flush_) {
      return 0;
    }
    uint32_t lo = 0, hi = last;  // The answer is in [lo, hi].
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo + 1) / 2;
      it_->Seek(store_keys::EncodePendingKey(flush_, mid));
      std::string_view first;
      if (!it_->Valid() || !ChunkFirstKey(ToView(it_->value()), &first))
        return lo;  // Read as usual.
      if (first <= begin) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  // Positions on the first entry of the iterator's chunk (or ends).
  void LoadChunk() {
    valid_ = false;
    if (!it_->Valid()) {
      if (!it_->status().ok())
        status_ = Status::IoError("reading the pending log: " + it_->status().ToString());
      return;
    }
    chunk_ = ToView(it_->value());
    pos_ = 0;
    if (chunk_.empty()) {
      status_ = Status::Corruption("empty pending log chunk in flush " + std::to_string(flush_));
      return;
    }
    Decode();
  }

  void Decode() {
    valid_ = false;
    if (chunk_.size() - pos_ < 2) return Fail();
    const auto* p = reinterpret_cast<const unsigned char*>(chunk_.data() + pos_);
    const size_t len = static_cast<size_t>(p[0]) | static_cast<size_t>(p[1]) << 8;
    if (chunk_.size() - pos_ - 2 < len + store_keys::kAggregateValueBytes) return Fail();
    std::string_view k = chunk_.substr(pos_ + 2, len);
    const KeyPrefix kp(k);
    // The previous key: in this chunk, or the last one of the chunk before.
    if (decoded_ && CompareKeys(prefix_, pos_ == 0 ? std::string_view(prev_) : key_, kp, k) >= 0) {
      return Fail();
    }
    if (!end_.empty() && CompareKeys(kp, k, end_prefix_, end_) >= 0) return;  // The range ends.
    key_ = k;
    prefix_ = kp;
    delta_ = store_keys::LoadInt64Le(chunk_.data() + pos_ + 2 + len);
    pos_ += 2 + len + store_keys::kAggregateValueBytes;
    decoded_ = true;
    valid_ = true;
  }

  void Fail() {
    status_ = Status::Corruption("malformed pending log entry in flush " + std::to_string(flush_));
  }

  uint64_t flush_;
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::string end_;
  KeyPrefix end_prefix_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string_view chunk_;  // The iterator's value: valid until it moves.
  size_t pos_ = 0;
  std::string_view key_;
  KeyPrefix prefix_;
  std::string prev_;      // The last key of the chunk before (keys ascend within a flush).
  bool decoded_ = false;  // An entry was decoded: prefix_ and the previous key are set.
  Units delta_ = 0;
  bool valid_ = false;
  Status status_;
};

// Every pending entry with a key in [begin, end) ("" for no bound) summed
// per key, in key order, zero sums skipped: a k-way merge of the flushes.
class PendingMerger {
 public:
  PendingMerger(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view begin = {},
                std::string_view end = {}) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekToFirst(); it->Valid();) {
      uint64_t flush = 0;
      uint32_t chunk = 0;
      if (!store_keys::DecodePendingKey(ToView(it->key()), &flush, &chunk)) {
        status_ = Status::Corruption("malformed pending log key " +
                                     store_internal::Hex(ToView(it->key())));
        return;
      }
      if (cursors_.empty()) first_flush_ = flush;
      last_flush_ = flush;
      flushes_.push_back(flush);
      cursors_.push_back(std::make_unique<FlushCursor>(db, cf, flush, begin, end));
      if (flush == UINT64_MAX) break;
      it->Seek(store_keys::EncodePendingKey(flush + 1, 0));
    }
    if (!it->status().ok()) {
      status_ = Status::IoError("reading the pending log: " + it->status().ToString());
    }
    for (const auto& c : cursors_) {
      if (!c->Valid() && !c->status().ok() && status_.ok()) status_ = c->status();
    }
    // A loser tree over the cursors: every node holds the loser of its
    // match, tree_[0] the overall winner. Knuth's build: all nodes start as
    // a virtual cursor that beats every other, and each leaf plays its way up.
    tree_.assign(cursors_.size(), Minus());
    for (size_t i = cursors_.size(); i-- > 0;) Replay(static_cast<uint32_t>(i));
  }

  bool empty() const { return cursors_.empty(); }
  uint64_t first_flush() const { return first_flush_; }
  uint64_t last_flush() const { return last_flush_; }
  const std::vector<uint64_t>& flushes() const { return flushes_; }
  const Status& status() const { return status_; }

  // The next key with a non-zero sum; false at the end or on an error.
  bool Next(std::string* key, Units* sum) {
    while (status_.ok() && !cursors_.empty() && cursors_[tree_[0]]->Valid()) {
      key->assign(cursors_[tree_[0]]->key());
      const KeyPrefix kp = cursors_[tree_[0]]->prefix();
      Units total = 0;
      for (;;) {
        const uint32_t w = tree_[0];
        FlushCursor& c = *cursors_[w];
        if (!c.Valid() || CompareKeys(c.prefix(), c.key(), kp, *key) != 0) break;
        // Wraps like the merge operator (modulo 2^64), never signed overflow.
        total = static_cast<Units>(static_cast<uint64_t>(total) + static_cast<uint64_t>(c.delta()));
        c.Next();
        if (!c.Valid() && !c.status().ok() && status_.ok()) status_ = c.status();
        Replay(w);  // One match per level (a heap's sift plays two).
      }
      if (total != 0) {
        *sum = total;
        return status_.ok();
      }
    }
    return false;
  }

 private:
  uint32_t Minus() const { return static_cast<uint32_t>(cursors_.size()); }

  // Cursor a comes out before cursor b: the virtual one first, exhausted ones
  // last, else by key, the flush order breaking ties (any order of equal keys
  // gives the same sum).
  bool Beats(uint32_t a, uint32_t b) const {
    if (a == Minus()) return true;
    if (b == Minus()) return false;
    const FlushCursor& x = *cursors_[a];
    const FlushCursor& y = *cursors_[b];
    if (x.Valid() != y.Valid()) return x.Valid();
    if (!x.Valid()) return a < b;
    const int c = CompareKeys(x.prefix(), x.key(), y.prefix(), y.key());
    return c < 0 || (c == 0 && a < b);
  }

  // Plays leaf i (its cursor moved on) up to the root: at each node the
  // loser stays, the winner goes on.
  void Replay(uint32_t i) {
    const size_t n = cursors_.size();
    uint32_t winner = i;
    for (size_t t = (i + n) / 2; t > 0; t /= 2) {
      if (Beats(tree_[t], winner)) std::swap(winner, tree_[t]);
    }
    tree_[0] = winner;
  }

  std::vector<std::unique_ptr<FlushCursor>> cursors_;
  std::vector<uint64_t> flushes_;
  std::vector<uint32_t> tree_;  // Cursor indexes: [0] the winner, [1, n) the losers.
  uint64_t first_flush_ = 0, last_flush_ = 0;
  Status status_;
};

// A key that splits the log about in half: the first key of the middle chunk
// of the flush with the most chunks; "" when no flush has two.
inline std::string SplitKey(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                            const std::vector<uint64_t>& flushes) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  uint64_t best_flush = 0;
  uint32_t best_last = 0;
  for (uint64_t f : flushes) {
    it->SeekForPrev(store_keys::EncodePendingKey(f, UINT32_MAX));
    uint64_t flush = 0;
    uint32_t last = 0;
    if (it->Valid() && store_keys::DecodePendingKey(ToView(it->key()), &flush, &last) &&
        flush == f && last > best_last) {
      best_flush = f;
      best_last = last;
    }
  }
  if (best_last == 0) return "";
  it->Seek(store_keys::EncodePendingKey(best_flush, (best_last + 1) / 2));
  if (!it->Valid()) return "";
  std::string_view first;
  if (!ChunkFirstKey(ToView(it->value()), &first)) return "";
  return std::string(first);  // An empty key (never a real one) means no split.
}

// The smallest and the largest key of the entries of `flushes` (each
// flush's first key, and the last key of its last chunk); false when the log
// has no entry or a chunk is malformed. Reads two chunks per flush.
inline bool PendingKeyRange(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                            const std::vector<uint64_t>& flushes, std::string* first,
                            std::string* last) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  bool any = false;
  for (uint64_t f : flushes) {
    it->Seek(store_keys::EncodePendingKey(f, 0));
    std::string_view key;
    uint64_t flush = 0;
    uint32_t chunk = 0;
    if (!it->Valid() || !store_keys::DecodePendingKey(ToView(it->key()), &flush, &chunk) ||
        flush != f || !ChunkFirstKey(ToView(it->value()), &key)) {
      return false;
    }
    if (!any || key < *first) first->assign(key);
    it->SeekForPrev(store_keys::EncodePendingKey(f, UINT32_MAX));
    if (!it->Valid()) return false;
    // The last chunk's entries: [key length u16 LE][key][delta int64 LE]...
    const std::string_view c = ToView(it->value());
    size_t pos = 0;
    std::string_view last_key;
    while (pos < c.size()) {
      if (c.size() - pos < 2) return false;
      const auto* p = reinterpret_cast<const unsigned char*>(c.data() + pos);
      const size_t len = static_cast<size_t>(p[0]) | static_cast<size_t>(p[1]) << 8;
      if (c.size() - pos - 2 < len + store_keys::kAggregateValueBytes) return false;
      last_key = c.substr(pos + 2, len);
      pos += 2 + len + store_keys::kAggregateValueBytes;
    }
    if (last_key.empty()) return false;
    if (!any || last_key > *last) last->assign(last_key);
    any = true;
  }
  return any && it->status().ok();
}

}  // namespace stc::store_internal

#endif  // STCLUSTER_STORES_PENDING_MERGER_H_
