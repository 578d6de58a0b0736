// The pending aggregate deltas (store.h: ApplyWithPendingAggregates,
// FoldPendingAggregates) and the aggregates scan that adds them
// (ForEachAggregate).
//
// Each flush of a large ingest writes its sorted cell deltas as one entry of
// the "pending" column family (a few 1 MiB chunks), atomically with its
// records. Folding merges the entries (k sorted runs) into one sorted run of
// summed deltas and writes it to the aggregates with a range deletion of the
// entries, in one atomic write: RocksDB then compacts one file of deltas
// instead of one per flush. A large fold merges on a second thread while the
// calling thread writes the table file (MergeFeed).
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "stores/keys.h"
#include "stores/store.h"
#include "stores/store_impl.h"

namespace stc {
namespace {

namespace sk = store_keys;
using store_internal::ToView;

// One flush's entries, in key order: its chunks one after the other.
class FlushCursor {
 public:
  FlushCursor(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, uint64_t flush)
      : flush_(flush), upper_(sk::EncodePendingKey(flush + 1, 0)) {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;  // Read once.
    upper_slice_ = rocksdb::Slice(upper_);
    ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ro, cf));
    it_->Seek(sk::EncodePendingKey(flush, 0));
    LoadChunk();
  }

  bool Valid() const { return valid_; }
  std::string_view key() const { return key_; }
  Units delta() const { return delta_; }
  const Status& status() const { return status_; }

  void Next() {
    if (pos_ < chunk_.size()) {
      Decode();
    } else {
      it_->Next();
      LoadChunk();
    }
  }

 private:
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
    if (chunk_.size() - pos_ - 2 < len + sk::kAggregateValueBytes) return Fail();
    std::string_view k = chunk_.substr(pos_ + 2, len);
    if (!prev_.empty() && !(prev_ < k)) return Fail();
    key_ = k;
    delta_ = sk::LoadInt64Le(chunk_.data() + pos_ + 2 + len);
    pos_ += 2 + len + sk::kAggregateValueBytes;
    prev_.assign(k);
    valid_ = true;
  }

  void Fail() {
    status_ = Status::Corruption("malformed pending log entry in flush " + std::to_string(flush_));
  }

  uint64_t flush_;
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string_view chunk_;  // The iterator's value: valid until it moves.
  size_t pos_ = 0;
  std::string_view key_;
  std::string prev_;  // Keys must ascend within a flush.
  Units delta_ = 0;
  bool valid_ = false;
  Status status_;
};

// Every pending entry summed per key, in key order, zero sums skipped: a
// k-way merge of the flushes.
class PendingMerger {
 public:
  PendingMerger(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekToFirst(); it->Valid();) {
      uint64_t flush = 0;
      uint32_t chunk = 0;
      if (!sk::DecodePendingKey(ToView(it->key()), &flush, &chunk)) {
        status_ = Status::Corruption("malformed pending log key " +
                                     store_internal::Hex(ToView(it->key())));
        return;
      }
      if (cursors_.empty()) first_flush_ = flush;
      last_flush_ = flush;
      cursors_.push_back(std::make_unique<FlushCursor>(db, cf, flush));
      if (flush == UINT64_MAX) break;
      it->Seek(sk::EncodePendingKey(flush + 1, 0));
    }
    if (!it->status().ok()) {
      status_ = Status::IoError("reading the pending log: " + it->status().ToString());
    }
    for (size_t i = 0; i < cursors_.size(); ++i) Push(i);
  }

  bool empty() const { return cursors_.empty(); }
  uint64_t first_flush() const { return first_flush_; }
  uint64_t last_flush() const { return last_flush_; }
  const Status& status() const { return status_; }

  // The next key with a non-zero sum; false at the end or on an error.
  bool Next(std::string* key, Units* sum) {
    while (status_.ok() && !heap_.empty()) {
      key->assign(cursors_[heap_.top()]->key());
      Units total = 0;
      while (!heap_.empty() && cursors_[heap_.top()]->key() == *key) {
        const size_t i = heap_.top();
        heap_.pop();
        // Wraps like the merge operator (modulo 2^64), never signed overflow.
        total = static_cast<Units>(static_cast<uint64_t>(total) +
                                   static_cast<uint64_t>(cursors_[i]->delta()));
        cursors_[i]->Next();
        Push(i);
      }
      if (total != 0) {
        *sum = total;
        return status_.ok();
      }
    }
    return false;
  }

 private:
  void Push(size_t i) {
    if (cursors_[i]->Valid()) {
      heap_.push(i);
    } else if (!cursors_[i]->status().ok() && status_.ok()) {
      status_ = cursors_[i]->status();
    }
  }

  struct Greater {
    const std::vector<std::unique_ptr<FlushCursor>>* cursors;
    bool operator()(size_t a, size_t b) const {
      return (*cursors)[a]->key() > (*cursors)[b]->key();
    }
  };

  std::vector<std::unique_ptr<FlushCursor>> cursors_;
  std::priority_queue<size_t, std::vector<size_t>, Greater> heap_{Greater{&cursors_}};
  uint64_t first_flush_ = 0, last_flush_ = 0;
  Status status_;
};

// Runs a PendingMerger on its own thread and hands its output over in
// batches, so that merging (that thread) and writing the table file (the
// caller's) overlap: each is about half of a large fold. The merger must
// outlive the feed and is used only by the feed's thread until Next has
// returned null or the feed is destroyed.
class MergeFeed {
 public:
  struct Batch {
    std::string keys;            // Concatenated.
    std::vector<uint32_t> ends;  // End of each key in `keys`.
    std::vector<Units> sums;
    std::string_view key(size_t i) const {
      const uint32_t begin = i == 0 ? 0 : ends[i - 1];
      return std::string_view(keys).substr(begin, ends[i] - begin);
    }
  };

  explicit MergeFeed(PendingMerger* merger) : merger_(merger) {
    for (auto& b : batches_) free_.push_back(&b);
    thread_ = std::thread([this] { Run(); });
  }
  ~MergeFeed() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // The next batch (valid until the next call), or null when the merge has
  // ended (see the merger's status).
  const Batch* Next() {
    std::unique_lock<std::mutex> lock(mu_);
    if (held_ != nullptr) {
      free_.push_back(held_);
      held_ = nullptr;
      cv_.notify_all();
    }
    cv_.wait(lock, [&] { return !full_.empty() || done_; });
    if (full_.empty()) return nullptr;
    held_ = full_.front();
    full_.pop_front();
    return held_;
  }

 private:
  static constexpr size_t kBatchEntries = 8192;

  void Run() {
    std::string key;
    Units sum = 0;
    for (bool more = true; more;) {
      Batch* b = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !free_.empty() || stop_; });
        if (stop_) break;
        b = free_.back();
        free_.pop_back();
      }
      b->keys.clear();
      b->ends.clear();
      b->sums.clear();
      while (b->sums.size() < kBatchEntries && (more = merger_->Next(&key, &sum))) {
        b->keys.append(key);
        b->ends.push_back(static_cast<uint32_t>(b->keys.size()));
        b->sums.push_back(sum);
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!b->sums.empty()) {
          full_.push_back(b);
        } else {
          free_.push_back(b);
        }
      }
      cv_.notify_all();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
  }

  PendingMerger* merger_;
  Batch batches_[3];
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Batch*> free_;
  std::deque<Batch*> full_;  // In merge order.
  Batch* held_ = nullptr;    // Handed out by Next.
  bool done_ = false;
  bool stop_ = false;
  std::thread thread_;
};

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

  // Small logs go through one WriteBatch (the memtable); larger ones as a
  // table file of merge operands, streamed from the merge.
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

  static std::atomic<uint64_t> counter{0};
  const std::string tmp_dir = dir_ + "/bulk.tmp";
  std::error_code ec;
  std::filesystem::create_directories(tmp_dir, ec);
  if (ec) return Status::IoError("store " + dir_ + ": cannot create " + tmp_dir);
  const std::string stem = tmp_dir + "/fold-" + std::to_string(counter++);
  const std::string agg_path = stem + "-aggregates.sst";
  const std::string del_path = stem + "-pending.sst";
  auto cleanup = [&] {
    std::filesystem::remove(agg_path, ec);
    std::filesystem::remove(del_path, ec);
  };
  // Into empty aggregates (a fresh load) the sums are the values: written as
  // such, scans read them without merging (a table file of merge operands in
  // the last level is never compacted, and every scan would merge each one).
  bool fresh = false;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), impl_->aggregates));
    it->SeekToFirst();
    fresh = !it->Valid();
    STC_RETURN_IF_ERROR(impl_->Rocks(it->status(), "scanning aggregates"));
  }
  Status st;
  {
    rocksdb::Options options = db->GetOptions(impl_->aggregates);
    options.bottommost_compression = options.compression;  // As bulk writes (bulk_ingest.cc).
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, impl_->aggregates);
    st = FromRocksStatus(writer.Open(agg_path), dir_, "opening the fold's table file");
    auto put = [&](const std::string& k, Units d) {
      value.clear();
      sk::AppendInt64Le(&value, d);
      return FromRocksStatus(fresh ? writer.Put(k, value) : writer.Merge(k, value), dir_,
                             "writing the fold's table file");
    };
    for (size_t i = 0; st.ok() && i < head.size(); ++i) st = put(head[i].first, head[i].second);
    {
      MergeFeed feed(merger.get());
      while (st.ok()) {
        const MergeFeed::Batch* b = feed.Next();
        if (b == nullptr) break;
        for (size_t i = 0; st.ok() && i < b->sums.size(); ++i) {
          value.clear();
          sk::AppendInt64Le(&value, b->sums[i]);
          const rocksdb::Slice k(b->key(i).data(), b->key(i).size());
          st = FromRocksStatus(fresh ? writer.Put(k, value) : writer.Merge(k, value), dir_,
                               "writing the fold's table file");
        }
      }
    }  // Joins the merge thread.
    if (st.ok()) st = merger->status();
    if (st.ok()) st = FromRocksStatus(writer.Finish(), dir_, "finishing the fold's table file");
  }
  if (st.ok()) {
    rocksdb::Options options = db->GetOptions(impl_->pending);
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, impl_->pending);
    st = FromRocksStatus(writer.Open(del_path), dir_, "opening the fold's table file");
    if (st.ok()) {
      st = FromRocksStatus(writer.DeleteRange(begin, end), dir_, "writing the fold's table file");
    }
    if (st.ok()) st = FromRocksStatus(writer.Finish(), dir_, "finishing the fold's table file");
  }
  merger.reset();  // Its iterators pin the pending files.
  if (!st.ok()) {
    cleanup();
    return st;
  }
  std::vector<rocksdb::IngestExternalFileArg> args(2);
  args[0].column_family = impl_->aggregates;
  args[0].external_files = {agg_path};
  args[1].column_family = impl_->pending;
  args[1].external_files = {del_path};
  for (rocksdb::IngestExternalFileArg& a : args) {
    a.options.move_files = true;
    a.options.snapshot_consistency = true;
    a.options.allow_global_seqno = true;
    a.options.allow_blocking_flush = true;
    a.options.write_global_seqno = false;
  }
  st = FromRocksStatus(db->IngestExternalFiles(args), dir_, "ingesting the fold");
  cleanup();  // Moved files are gone already; this removes leftovers after a failure.
  if (!st.ok()) {
    impl_->write_failed = true;
    return st;
  }
  // Reclaim the log's space now: the entries are deleted, so the compaction
  // reads them once (about one key per MiB) and writes nothing.
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  STC_RETURN_IF_ERROR(impl_->Rocks(db->CompactRange(compact, impl_->pending, nullptr, nullptr),
                                   "compacting the pending log"));
  return true;
}

Status Store::ForEachAggregate(const std::function<Status(const AggregateKey&, Units)>& fn) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
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
