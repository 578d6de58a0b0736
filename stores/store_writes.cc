// The store's write path (store.h: StoreBatch, Apply*, and the batched
// record look-ups of the ingest's dedup): sorting, summing deltas, and the
// choice between a WriteBatch and bulk-ingested table files.
#include <rocksdb/db.h>
#include <rocksdb/slice.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "stores/bulk_ingest.h"
#include "stores/keys.h"
#include "stores/merge_operator.h"
#include "stores/store.h"
#include "stores/store_impl.h"

namespace stc {
namespace {

using store_internal::ToView;
namespace sk = store_keys;

using store_internal::kBulkIngestThreshold;

// Whether the record writes' keys ascend strictly, as far as must be checked
// before writing: sets of kBulkIngestThreshold or more go to table files,
// whose writers refuse a key not above the one before (IngestSorted). The
// pass this saves walked the write buffer's arena out of order (about 1% of
// a 2M cold ingest's CPU, docs/performance.md "Bulk SST ingestion").
bool SortedAndUnique(std::span<const Store::RecordWrite> records) {
  if (records.size() >= kBulkIngestThreshold) return true;
  for (size_t i = 1; i < records.size(); ++i) {
    if (!(records[i - 1].store_key < records[i].store_key)) return false;
  }
  return true;
}

}  // namespace

// ---- StoreBatch

void StoreBatch::PutRecord(Source source, std::string_view key, std::string_view encoded_value) {
  records_.push_back({source, std::string(key), false, std::string(encoded_value)});
}

void StoreBatch::DeleteRecord(Source source, std::string_view key) {
  records_.push_back({source, std::string(key), true, std::string()});
}

void StoreBatch::AddAggregate(const AggregateKey& key, Units delta) {
  aggregates_.emplace_back(key, delta);
}

void StoreBatch::AddTotals(Source source, int32_t year, Units world, Units unlocated,
                           int64_t records) {
  totals_.push_back({source, year, world, unlocated, records});
}

bool StoreBatch::empty() const {
  return records_.empty() && aggregates_.empty() && totals_.empty();
}

void StoreBatch::Clear() {
  records_.clear();
  aggregates_.clear();
  totals_.clear();
}

// ---- Store: writes and batched look-ups

Status Store::GetRecords(Source source, const std::vector<std::string_view>& keys,
                         std::vector<std::optional<std::string>>* values) const {
  values->assign(keys.size(), std::nullopt);
  if (keys.empty()) return Status::Ok();
  const size_t n = keys.size();
  std::vector<std::string> encoded(n);
  std::vector<rocksdb::Slice> slices(n);
  for (size_t i = 0; i < n; ++i) {
    sk::EncodeRecordKey(source, keys[i], &encoded[i]);
    slices[i] = encoded[i];
  }
  auto pinned = std::make_unique<rocksdb::PinnableSlice[]>(n);
  std::vector<rocksdb::Status> statuses(n);
  // Unsorted input: RocksDB sorts internally and answers in caller order.
  impl_->db->MultiGet(rocksdb::ReadOptions(), impl_->records, n, slices.data(), pinned.get(),
                      statuses.data(), /*sorted_input=*/false);
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) continue;
    STC_RETURN_IF_ERROR(impl_->Rocks(statuses[i], "reading records"));
    (*values)[i].emplace(pinned[i].data(), pinned[i].size());
  }
  return Status::Ok();
}

namespace {

// MultiGetStoredRecords looks keys up in batches of this size.
constexpr size_t kMultiGetBatch = 32;  // rocksdb::MultiGetContext::MAX_BATCH_SIZE.

// Whether `below` (< `key`, both of `prefix` bytes of prefix: see
// sk::RecordKeyPrefix) differs from `key` only in its last three bytes, in
// the same prefix: for keys that end in a serial number, within a thousand.
// (The walk's iterator keeps to one prefix: a key near but of another
// prefix is far.)
inline bool NearBelow(std::string_view below, std::string_view key, size_t prefix) {
  constexpr size_t kTail = 3;
  if (below.size() != key.size() || key.size() < kTail) return false;
  return std::memcmp(below.data(), key.data(), std::max(key.size() - kTail, prefix)) == 0;
}

// Past the keys from `i` on that follow one another near (NearBelow), at
// most `cap` of them.
size_t NearGroupEnd(Source source, const std::vector<std::string_view>& sorted_keys, size_t i,
                    size_t cap) {
  const size_t n = sorted_keys.size();
  size_t e = i + 1;
  while (e < n && e - i < cap &&
         NearBelow(sorted_keys[e - 1], sorted_keys[e],
                   sk::RecordKeyPrefixBytes(source, sorted_keys[e].size()) - 1)) {
    ++e;
  }
  return e;
}

}  // namespace

Status Store::MultiGetStoredRecords(
    Source source, const std::vector<std::string_view>& sorted_keys, size_t start, size_t end,
    const std::function<Status(size_t i, std::string_view value)>& found) const {
  // RocksDB looks keys up in batches of kMultiGetBatch anyway; a larger call
  // first copies a context per key into a heap vector grown key by key (1.5%
  // of the samples of a re-read, whose chunks look up ~10,000 keys each). So
  // the keys go in batches of that size, through buffers on the stack.
  // Each batch reads the latest state, as one call would for its keys; no
  // explicit snapshot: releasing one lets RocksDB compact the last level's
  // ingested table files again to zero their sequence numbers (46
  // compactions instead of 13 in a 20M-record ingest).
  const rocksdb::ReadOptions read;
  std::string encoded, one;
  std::array<size_t, kMultiGetBatch> ends;
  std::array<rocksdb::Slice, kMultiGetBatch> slices;
  std::array<rocksdb::PinnableSlice, kMultiGetBatch> pinned;
  std::array<rocksdb::Status, kMultiGetBatch> statuses;
  Status result;
  for (; start < end && result.ok(); start += kMultiGetBatch) {
    const size_t m = std::min(kMultiGetBatch, end - start);
    encoded.clear();
    for (size_t j = 0; j < m; ++j) {
      sk::EncodeRecordKey(source, sorted_keys[start + j], &one);
      encoded.append(one);
      ends[j] = encoded.size();
    }
    for (size_t j = 0, begin = 0; j < m; begin = ends[j], ++j) {
      slices[j] = rocksdb::Slice(encoded.data() + begin, ends[j] - begin);
    }
    impl_->db->MultiGet(read, impl_->records, m, slices.data(), pinned.data(), statuses.data(),
                        /*sorted_input=*/true);
    impl_->point_lookup_calls.fetch_add(1, std::memory_order_relaxed);
    for (size_t j = 0; j < m && result.ok(); ++j) {
      if (statuses[j].IsNotFound()) continue;
      result = impl_->Rocks(statuses[j], "reading records");
      if (result.ok()) result = found(start + j, ToView(pinned[j]));
    }
    for (size_t j = 0; j < m; ++j) pinned[j].Reset();  // Unpins the blocks.
  }
  return result;
}

uint64_t Store::point_lookup_calls() const {
  return impl_->point_lookup_calls.load(std::memory_order_relaxed);
}

uint64_t Store::table_run_scans() const {
  return impl_->table_run_scans.load(std::memory_order_relaxed);
}

uint64_t Store::raw_table_scans() const {
  return impl_->raw_table_scans.load(std::memory_order_relaxed);
}

uint64_t Store::page_cache_drops() const { return impl_->fs->dropped_reads(); }

uint64_t Store::pending_flushes_written() const {
  return impl_->pending_flushes_written.load(std::memory_order_relaxed);
}

uint64_t Store::pending_files_dropped() const {
  return impl_->pending_files_dropped.load(std::memory_order_relaxed);
}

uint64_t Store::aggregates_rewritten() const {
  return impl_->aggregates_rewritten.load(std::memory_order_relaxed);
}

uint64_t Store::aggregate_entries_rewritten() const {
  return impl_->aggregate_entries_rewritten.load(std::memory_order_relaxed);
}

void Store::StopNextRewriteForTesting() {
  impl_->stop_next_rewrite.store(true, std::memory_order_relaxed);
}

Status Store::ForEachStoredRecord(
    Source source, const std::vector<std::string_view>& sorted_keys,
    const std::function<Status(size_t i, std::string_view value)>& found) const {
  const size_t n = sorted_keys.size();
  if (n < kMergeLookUpMin) return MultiGetStoredRecords(source, sorted_keys, 0, n, found);
  // A merge of the sorted keys with the stored ones. A chunk's keys mostly
  // fall in runs that the store holds next to one another (the application
  // numbers of one office and year, a dump's article ids), so one step of
  // an iterator finds the next key. A point look-up binary-searches an index
  // block and a data block for every key (about 1.1 us a key, 40-45% of a
  // re-read's CPU); a step costs about a seventh of that. A seek costs some
  // 60 steps: it positions every sorted run of the store that holds the
  // target's prefix (below). So the iterator
  // steps towards a key that differs from the stored key it is at only in
  // the last bytes (NearBelow), for at most kSeekCost steps, and seeks a
  // farther one (the next office or year), unless fewer than kMinRun keys
  // follow near it: those are looked up by points. A key past the stored
  // ones of its prefix needs no seek for the keys after it in that prefix
  // (the new keys of a nightly file). Costs are counted in steps;
  // once the merge has cost more than point look-ups would have (a found key
  // kFoundCost, an absent one, which Bloom filters answer without reading a
  // block, kAbsentCost), the keys are spread thinly over the store there:
  // the next `window` keys go to MultiGet, and the merge starts again after
  // them with a new budget and a window twice as long, so keys spread thinly
  // over all the store cost at most a few seeks more than point look-ups.
  // The iterator reads one state of the store, as of its creation, without
  // a registered snapshot (see MultiGetStoredRecords).
  constexpr size_t kSeekCost = 64;
  constexpr size_t kFoundCost = 8;
  constexpr size_t kAbsentCost = 1;
  constexpr size_t kCostSlack = 4 * kSeekCost;
  constexpr size_t kFirstWindow = 64;
  constexpr size_t kMinRun = kSeekCost / kFoundCost;
  // The iterator walks in prefix mode (sk::RecordKeyPrefix: for PCT
  // application numbers, a thousand serials of one office and year): a seek
  // skips every sorted run whose filter lacks the target's prefix (in a
  // store of several dumps, the runs of the other dumps' serials), and the
  // iterator ends with the prefix instead of stepping into the next one.
  // A prefix's keys are an interval of the key order, so once the iterator
  // has ended at or past a key, the later keys of its prefix are absent.
  // Where the prefix is the source byte alone, prefix mode would only add a
  // filter probe to each seek and a prefix comparison to each step: the
  // walk reads in total order, and an iterator that ends has passed every
  // stored key.
  rocksdb::ReadOptions read =
      sk::HasRecordKeyPrefixes(source) ? rocksdb::ReadOptions() : store_internal::TotalOrder();
  read.prefix_same_as_start = sk::HasRecordKeyPrefixes(source);
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read, impl_->records));
  std::string target;
  std::string ended;  // The target at which the iterator last ended its prefix.
  size_t cost = 0, budget = kCostSlack, window = kFirstWindow;
  bool seek = true;
  size_t lone_end = 0;  // Past the lone keys from i on to look up by points.
  for (size_t i = 0; i < n; ++i) {
    sk::EncodeRecordKey(source, sorted_keys[i], &target);
    const rocksdb::Slice t(target);
    const size_t prefix = sk::RecordKeyPrefix(target).size();
    bool far = false;
    if (!seek) {
      if (!it->Valid()) {
        // No stored key of the prefix that ended at or after `ended` (< t).
        far = !NearBelow(ended, target, prefix);
      } else {
        for (size_t steps = 0; it->Valid() && it->key().compare(t) < 0; ++steps) {
          if (steps == kSeekCost || !NearBelow(ToView(it->key()), target, prefix)) {
            far = true;
            break;
          }
          it->Next();
          ++cost;
        }
        if (!far && !it->Valid()) {
          STC_RETURN_IF_ERROR(impl_->Rocks(it->status(), "reading records"));
          ended = target;
        }
      }
      if (far) {
        // Fewer than kMinRun keys near this one (a lone repeat of another
        // file's record) cost less as point look-ups: a Bloom filter per
        // sorted run and one block, where a seek reads a block of every
        // sorted run with the prefix; the iterator stays for the keys after.
        const size_t e = NearGroupEnd(source, sorted_keys, i, kMinRun);
        if (e - i < kMinRun) {
          // The keys after a far one are farther still from the iterator
          // (it is at or before key i, and a key of i's length near the
          // iterator would be near key i too; a point look-up answers any
          // key rightly), so the lone groups that follow join the same
          // point look-ups, up to the first group of kMinRun near keys: one
          // MultiGet for them all, in batches of kMultiGetBatch, instead of
          // one call per group, which visits every level-0 file each time
          // (the repeats of a large fresh load: one lone key per call).
          size_t g = e;
          while (g < n) {
            const size_t ge = NearGroupEnd(source, sorted_keys, g, kMinRun);
            if (ge - g >= kMinRun) break;
            g = ge;
          }
          lone_end = g;
        } else {
          seek = true;
        }
      }
    }
    if (lone_end != 0) {
      STC_RETURN_IF_ERROR(MultiGetStoredRecords(source, sorted_keys, i, lone_end, found));
      i = lone_end - 1;
      lone_end = 0;
      continue;
    }
    if (seek) {
      it->Seek(t);
      cost += kSeekCost;
      seek = false;
      if (!it->Valid()) {
        STC_RETURN_IF_ERROR(impl_->Rocks(it->status(), "reading records"));
        ended = target;
      }
    }
    if (it->Valid() && it->key() == t) {
      STC_RETURN_IF_ERROR(found(i, ToView(it->value())));
      budget += kFoundCost;
    } else {
      budget += kAbsentCost;
    }
    if (cost > budget) {
      const size_t end = std::min(n, i + 1 + window);
      STC_RETURN_IF_ERROR(MultiGetStoredRecords(source, sorted_keys, i + 1, end, found));
      i = end - 1;
      window *= 2;
      cost = 0;
      budget = kCostSlack;
      seek = true;
    }
  }
  return impl_->Rocks(it->status(), "reading records");
}

Status Store::Apply(const StoreBatch& batch) {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  if (batch.empty()) return Status::Ok();
  STC_RETURN_IF_ERROR(ValidateDeltas(batch));  // Before writing anything.

  // The record writes sorted by key, one per key (the last write wins).
  using store_internal::SortedEntry;
  std::vector<const StoreBatch::RecordOp*> ops;
  ops.reserve(batch.records_.size());
  for (const auto& op : batch.records_) ops.push_back(&op);
  std::stable_sort(ops.begin(), ops.end(), [](const auto* a, const auto* b) {
    if (a->source != b->source) return a->source < b->source;
    return a->key < b->key;
  });
  std::vector<std::string> keys;
  keys.reserve(ops.size());
  std::vector<RecordWrite> records;
  records.reserve(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto* op = ops[i];
    if (i + 1 < ops.size() && ops[i + 1]->source == op->source && ops[i + 1]->key == op->key) {
      continue;  // A later write to the same key wins.
    }
    sk::EncodeRecordKey(op->source, op->key, &keys.emplace_back());
    records.push_back({keys.back(), op->value, op->is_delete});
  }
  return ApplyPrepared(records, batch);
}

Status Store::ApplyWithSortedRecords(std::span<const RecordWrite> records,
                                     const StoreBatch& deltas) {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  if (!SortedAndUnique(records)) {
    return Status::InvalidArgument("store " + dir_ + ": record writes not sorted and unique");
  }
  STC_RETURN_IF_ERROR(ValidateDeltas(deltas));
  return ApplyPrepared(records, deltas);
}

Status Store::ValidateSorted(std::span<const RecordWrite> records,
                             const SortedAggregates& aggregates, const StoreBatch& deltas) const {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  if (!SortedAndUnique(records)) {
    return Status::InvalidArgument("store " + dir_ + ": record writes not sorted and unique");
  }
  if (!deltas.aggregates_.empty() || !deltas.records_.empty()) {
    return Status::InvalidArgument("store " + dir_ +
                                   ": sorted aggregates given with a batch of aggregates/records");
  }
  if (aggregates.oversized()) {
    return Status::InvalidArgument("store " + dir_ +
                                   ": sorted aggregates hold a key over 65535 bytes");
  }
  AggregateKey decoded;
  std::string_view key, prev;
  Units delta;
  for (size_t pos = 0, i = 0; aggregates.Next(&pos, &key, &delta); ++i, prev = key) {
    if (!sk::DecodeAggregateKey(key, &decoded) || (i > 0 && !(prev < key))) {
      return Status::InvalidArgument(
          "store " + dir_ + ": sorted aggregates malformed or out of order at " + Hex(key));
    }
  }
  return ValidateDeltas(deltas);
}

Status Store::ApplyWithSortedRecords(std::span<const RecordWrite> records,
                                     const SortedAggregates& aggregates, const StoreBatch& deltas,
                                     bool records_in_parallel) {
  STC_RETURN_IF_ERROR(ValidateSorted(records, aggregates, deltas));
  return ApplyPrepared(records, deltas, &aggregates, nullptr, records_in_parallel);
}

Status Store::ApplyWithPendingAggregates(std::span<const RecordWrite> records,
                                         const SortedAggregates& aggregates,
                                         const StoreBatch& deltas, bool records_in_parallel) {
  STC_RETURN_IF_ERROR(ValidateSorted(records, aggregates, deltas));
  return ApplyPrepared(records, deltas, nullptr, &aggregates, records_in_parallel);
}

Status Store::ValidateDeltas(const StoreBatch& batch) const {
  for (const auto& [key, delta] : batch.aggregates_) {
    if (!sk::IsEncodableAggregateKey(key)) {
      return Status::InvalidArgument("store " + dir_ + ": aggregate key out of range (year " +
                                     std::to_string(key.year) + ", field of " +
                                     std::to_string(key.field.size()) + " bytes)");
    }
  }
  for (const auto& t : batch.totals_) {
    if (t.year < 0 || t.year > sk::kMaxYear) {
      return Status::InvalidArgument("store " + dir_ +
                                     ": totals year out of range: " + std::to_string(t.year));
    }
  }
  return Status::Ok();
}

Status Store::ApplyPrepared(std::span<const RecordWrite> record_writes, const StoreBatch& batch,
                            const SortedAggregates* sorted_aggregates,
                            const SortedAggregates* pending_aggregates, bool records_in_parallel) {
  using store_internal::SortedEntry;
  LargeVector<SortedEntry> aggregates, totals;  // The records are written from record_writes.
  // Deltas to one key are summed (same result as separate merge operands,
  // fewer of them); keys whose deltas cancel out are not written. Sorting
  // brings equal keys together (integer sums: the order does not matter);
  // cheaper than a hash map of strings, and the writes need the order anyway.
  std::vector<std::pair<std::string, std::string>> agg_sums, totals_sums;  // Owners.
  agg_sums.reserve(batch.aggregates_.size());
  auto sum_deltas = [](auto&& for_each_delta,
                       std::vector<std::pair<std::string, std::string>>* sums,
                       LargeVector<SortedEntry>* out) {
    for_each_delta(
        [&](std::string&& k, const std::string& vec) { sums->emplace_back(std::move(k), vec); });
    auto key_less = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(sums->begin(), sums->end(), key_less)) {  // Producers often sort.
      std::sort(sums->begin(), sums->end(), key_less);
    }
    size_t kept = 0;
    for (size_t i = 0; i < sums->size(); ++i) {
      auto& cur = (*sums)[i];
      if (kept > 0 && (*sums)[kept - 1].first == cur.first) {
        AddInt64Vector(cur.second, &(*sums)[kept - 1].second);  // Same width by construction.
      } else {
        if (kept != i) (*sums)[kept] = std::move(cur);
        ++kept;
      }
    }
    sums->resize(kept);
    out->reserve(out->size() + kept);
    for (const auto& [k, vec] : *sums) {
      if (sk::IsAllZero(vec)) continue;
      out->push_back({k, vec, SortedEntry::Op::kMerge});
    }
  };
  sum_deltas(
      [&](auto&& add) {
        std::string k, v;
        for (const auto& [agg, delta] : batch.aggregates_) {
          sk::EncodeAggregateKey(agg, &k);
          v.clear();
          sk::AppendInt64Le(&v, delta);
          add(std::move(k), v);
        }
      },
      &agg_sums, &aggregates);
  sum_deltas(
      [&](auto&& add) {
        std::string k, v;
        for (const auto& t : batch.totals_) {
          sk::EncodeTotalsKey(t.source, t.year, &k);
          v.clear();
          sk::AppendInt64Le(&v, t.world);
          sk::AppendInt64Le(&v, t.unlocated);
          sk::AppendInt64Le(&v, t.records);
          add(std::move(k), v);
        }
      },
      &totals_sums, &totals);
  // Sorted deltas are read in place by the writes below, not listed.
  const SortedAggregates* sorted =
      sorted_aggregates != nullptr && !sorted_aggregates->empty() ? sorted_aggregates : nullptr;
  SortedEntry::Op sorted_op = SortedEntry::Op::kMerge;
  if (sorted != nullptr) {
    // Into empty aggregates (the only flush of a fresh load) the deltas are
    // the values: written as such, as FoldPendingAggregates writes its sums,
    // so that scans read them without merging (a table file of merge
    // operands in the last level is never compacted). ValidateSorted made
    // sure the batch holds no aggregates of its own.
    STC_ASSIGN_OR_RETURN(const bool fresh, impl_->IsEmpty(impl_->aggregates));
    if (fresh) sorted_op = SortedEntry::Op::kPut;
  }
  std::vector<std::string> pending_keys;  // Owners.
  LargeVector<SortedEntry> pending;
  size_t pending_rows = 0;
  if (pending_aggregates != nullptr && !pending_aggregates->empty()) {
    if (impl_->pending == nullptr) {
      return Status::Internal("store " + dir_ + ": no pending column family");
    }
    const size_t chunks = pending_aggregates->chunks();
    pending_keys.reserve(chunks);
    for (size_t i = 0; i < chunks; ++i) {
      pending_keys.push_back(
          sk::EncodePendingKey(impl_->next_pending_flush, static_cast<uint32_t>(i)));
      pending.push_back({pending_keys.back(), pending_aggregates->chunk(i), SortedEntry::Op::kPut});
    }
    pending_rows = pending_aggregates->size();
  }
  size_t n = record_writes.size() + aggregates.size() + totals.size() + pending_rows +
             (sorted != nullptr ? sorted->size() : 0);
  if (n == 0) return Status::Ok();
  if (!pending.empty()) {
    ++impl_->next_pending_flush;  // Never reused, even after a failure.
  }
  // Counted once written (a set refused while its table files are written
  // writes no entry).
  auto count_pending = [&](Status st) {
    if (st.ok() && !pending.empty()) {
      impl_->pending_flushes_written.fetch_add(1, std::memory_order_relaxed);
    }
    return st;
  };

  if (n >= kBulkIngestThreshold) {
    // Large batches: table files ingested atomically (no memtable, no WAL).
    // The records uncompressed when a merge will rewrite them (MergeRecordsAt).
    bool records_uncompressed = false;
    if (impl_->merge_records_at > 0 && !record_writes.empty()) {
      // (A string property: GetIntProperty does not answer it.)
      std::string level0;
      records_uncompressed =
          impl_->db->GetProperty(impl_->records, "rocksdb.num-files-at-level0", &level0) &&
          std::strtoull(level0.c_str(), nullptr, 10) + 1 >= impl_->merge_records_at;
    }
    store_internal::CfEntries records{impl_->records, {}, record_writes, records_uncompressed};
    store_internal::CfEntries cells{impl_->aggregates, aggregates, {}, false, sorted, sorted_op};
    if (records_in_parallel) {
      records.record_files = static_cast<size_t>(impl_->threads);
      cells.sorted_files = static_cast<size_t>(impl_->threads);
    }
    Status st = store_internal::IngestSorted(
        impl_->db, dir_, dir_ + "/bulk.tmp",
        {records, cells, {impl_->totals, totals, {}}, {impl_->pending, pending, {}}});
    // Keys out of order (InvalidArgument) leave nothing written and the
    // store as it was.
    if (!st.ok() && st.code() != StatusCode::kInvalidArgument) impl_->write_failed = true;
    return count_pending(std::move(st));
  }
  rocksdb::WriteBatch wb;
  auto add = [&]<typename Entry>(rocksdb::ColumnFamilyHandle* cf, std::span<const Entry> entries) {
    for (const Entry& e : entries) {
      const rocksdb::Slice key = ToSlice(store_internal::KeyOf(e));
      rocksdb::Status st;
      switch (store_internal::OpOf(e)) {
        case SortedEntry::Op::kPut:
          st = wb.Put(cf, key, ToSlice(store_internal::ValueOf(e)));
          break;
        case SortedEntry::Op::kDelete:
          st = wb.Delete(cf, key);
          break;
        case SortedEntry::Op::kMerge:
          st = wb.Merge(cf, key, ToSlice(store_internal::ValueOf(e)));
          break;
      }
      STC_RETURN_IF_ERROR(impl_->Rocks(st, "preparing batch"));
    }
    return Status::Ok();
  };
  STC_RETURN_IF_ERROR(add(impl_->records, record_writes));
  STC_RETURN_IF_ERROR(add(impl_->aggregates, std::span<const SortedEntry>(aggregates)));
  if (sorted != nullptr) {
    std::string_view key;
    Units delta;
    for (size_t pos = 0; sorted->Next(&pos, &key, &delta);) {
      const rocksdb::Slice k = ToSlice(key), v = ToSlice(store_internal::SortedValueOf(key));
      STC_RETURN_IF_ERROR(impl_->Rocks(sorted_op == SortedEntry::Op::kPut
                                           ? wb.Put(impl_->aggregates, k, v)
                                           : wb.Merge(impl_->aggregates, k, v),
                                       "preparing batch"));
    }
  }
  STC_RETURN_IF_ERROR(add(impl_->totals, std::span<const SortedEntry>(totals)));
  if (!pending.empty()) {
    STC_RETURN_IF_ERROR(add(impl_->pending, std::span<const SortedEntry>(pending)));
  }
  return count_pending(impl_->Rocks(impl_->db->Write(impl_->write_options, &wb), "writing batch"));
}

}  // namespace stc
