#include "pipeline/write_stage.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/compact_key.h"
#include "core/hash.h"
#include "core/record_codec.h"

namespace stc {
Writer::Writer(Store* store, IngestStats* stats, RejectsLog* log,
               const std::vector<std::string>* files, size_t flush_bytes)
    : store_(store), stats_(stats), log_(log), files_(files), flush_bytes_(flush_bytes) {
  // Room for a full buffer (half the budget, plus the chunk that crosses
  // it), mapped but untouched until used: buffers fill without reallocating
  // (no copy, no second first-touch of the same bytes).
  const size_t half = std::min(flush_bytes / 2, size_t{1} << 30);
  for (Buffer& b : buffers_) {
    b.pending.Reserve(half + half / 8);
    b.deltas.Reserve(half + half / 8);
  }
  // Encoded, a cell takes about half of what the map counts for it.
  flush_scratch_.aggregates.Reserve((half + half / 8) / 2);
}

Writer::~Writer() {
  if (flush_thread_.joinable()) flush_thread_.join();
}

Status Writer::Start() {
  STC_ASSIGN_OR_RETURN(store_was_empty_, store_->HasNoRecords());
  return Status::Ok();
}

void Writer::LookUp(Work* w) const {
  // The epoch first: a buffer emptied after this read makes Write redo the
  // look-up; one emptied before it was in the store, and in the filter
  // published before it was emptied, before the reads below.
  const uint64_t epoch = epoch_.load(std::memory_order_acquire);
  std::shared_ptr<const KeyFilter> filter;
  if (store_was_empty_) {
    std::lock_guard<std::mutex> lock(published_mu_);
    filter = published_;
  }
  KeyFilter none;  // Nothing written yet.
  // Recognised items keep the state the store had when they were recognised,
  // earlier: the look-up counts as that old.
  ChunkLookup& l = w->lookup;
  LookUpChunk(*store_, store_was_empty_ ? (filter ? filter.get() : &none) : nullptr,
              l.has_recognised ? std::min(epoch, l.recognised_epoch) : epoch, w,
              /*trust_recognised=*/true);
}

Status Writer::Write(Work* w) {
  FileSummary& fsum = stats_->files[w->file_index];
  if (file_lines_.size() < files_->size()) file_lines_.resize(files_->size(), 0);
  const std::string& path = (*files_)[w->file_index];
  if (!w->file_error_reason.empty()) {
    FileError(fsum, path, w->chunk.error_offset, w->file_error_reason, w->file_error_detail);
    return Status::Ok();
  }
  if (w->format != nullptr && fsum.format.empty()) fsum.format = std::string(w->format->name());
  fsum.compression = w->compression;
  uint64_t chunk_bytes = w->data_size;
  for (const auto& o : w->chunk.oversized) chunk_bytes += o.length + 1;
  fsum.bytes += chunk_bytes;
  stats_->bytes += chunk_bytes;
  stats_->compressed_bytes += w->compressed_done - fsum.compressed_bytes;
  fsum.compressed_bytes = w->compressed_done;
  for (const auto& [what, n] : w->warnings) stats_->warnings[what] += n;
  for (const auto& [what, n] : w->geocoding) stats_->geocoding[what] += n;
  Source source = w->format != nullptr ? w->format->source() : Source::kPct;

  // The stored state of the chunk's keys: looked up by a parse thread
  // (LookUp), or again here when a buffer was emptied since (its keys may
  // have reached the store after that look-up read it).
  ChunkLookup& stored = w->lookup;
  if (!stored.done || stored.epoch != epoch_.load(std::memory_order_acquire)) {
    LookUpChunk(*store_, store_was_empty_ ? &written_ : nullptr, epoch_.load(), w);
  }
  STC_RETURN_IF_ERROR(stored.status);
  stored.done = false;  // The Work is reused for another chunk.

  // Look every key up in both buffers, in batches whose slots are
  // prefetched first (the tables are larger than the caches).
  lookups_.resize(w->n_items);
  std::string full;
  const PendingTable& active = active_->pending;
  for (size_t b0 = 0; b0 < w->n_items; b0 += kLookupBatch) {
    const size_t b1 = std::min(w->n_items, b0 + kLookupBatch);
    for (size_t i = b0; i < b1; ++i) {
      const Item& it = w->items[i];
      if (it.kind != Item::Kind::kRecord && it.kind != Item::Kind::kDelete) continue;
      active.Prefetch(stored.hashes[i]);
      if (flushing_ != nullptr) flushing_->pending.Prefetch(stored.hashes[i]);
    }
    for (size_t i = b0; i < b1; ++i) {
      const Item& it = w->items[i];
      if (it.kind != Item::Kind::kRecord && it.kind != Item::Kind::kDelete) continue;
      Lookup& l = lookups_[i];
      const char prefix = static_cast<char>(source);
      l.active = active.FindIndex(prefix, it.counted.key, stored.hashes[i]);
      l.in_flight = l.active != 0 || flushing_ == nullptr
                        ? 0
                        : flushing_->pending.FindIndex(prefix, it.counted.key, stored.hashes[i]);
    }
  }
  // Keys inserted into the active buffer by this chunk (a later copy in the
  // same chunk must find them; the look-ups above predate them).
  chunk_inserted_.assign(std::bit_ceil(2 * w->n_items + 16), 0);
  const size_t chunk_mask = chunk_inserted_.size() - 1;
  auto inserted_in_chunk = [&](uint64_t hash) {
    const uint64_t h = hash | 1;  // 0 marks an empty slot.
    for (size_t j = h & chunk_mask;; j = (j + 1) & chunk_mask) {
      if (chunk_inserted_[j] == 0) return false;
      if (chunk_inserted_[j] == h) return true;
    }
  };
  auto note_inserted = [&](uint64_t hash) {
    const uint64_t h = hash | 1;
    size_t j = h & chunk_mask;
    while (chunk_inserted_[j] != 0 && chunk_inserted_[j] != h) j = (j + 1) & chunk_mask;
    chunk_inserted_[j] = h;
  };

  for (size_t i = 0; i < w->n_items; ++i) {
    Item& it = w->items[i];
    if (i + 2 < w->n_items) {
      // What the cell deltas and the buffer copy read of the item after next
      // (written by a parse thread on the other core).
      const Item& ahead = w->items[i + 2];
      __builtin_prefetch(w->points.data() + ahead.points_at);
      __builtin_prefetch(w->encoded.data() + ahead.encoded_at);
      active_->pending.Prefetch(stored.hashes[i + 2]);  // Its slot, for the insert.
    }
    ++stats_->records_read;
    ++fsum.records;
    if (it.kind == Item::Kind::kReject) {
      ++stats_->records_rejected;
      ++stats_->rejected_by_reason[it.reason];
      log_->Add(path, it.offset, file_lines_[w->file_index] + it.line + 1, it.reason, it.detail,
                it.prefix);
      continue;
    }
    if (it.recognised) ++stats_->records_recognised;
    if (it.kind == Item::Kind::kSkip) {
      ++stats_->records_skipped;
      ++stats_->skipped_by_reason[it.reason];
      continue;
    }
    // Replace mode: only the replaced (source, year) is read from the files;
    // there, the files are the truth: they win over what the store held
    // (but among copies within the files the usual version rule applies).
    bool authoritative = false;
    if (replace_.has_value() && it.kind == Item::Kind::kRecord) {
      if (source != replace_->source || it.counted.year != replace_->year) {
        ++stats_->records_skipped;
        ++stats_->skipped_by_reason[source != replace_->source ? "outside_replace_source"
                                                               : "outside_replace_year"];
        continue;
      }
      SetStoreRecordKey(source, it.counted.key, &full);
      authoritative = replace_seen_.insert(full).second;  // First copy seen in this run.
    }
    const Lookup& l = lookups_[i];
    const uint64_t hash = stored.hashes[i];
    // The current state: in the active buffer, else in the buffer being
    // written (read-only), else fetched from the store, else absent.
    PendingTable& pending = active_->pending;
    uint32_t active_index = l.active;
    const char prefix = static_cast<char>(source);
    if (active_index == 0 && inserted_in_chunk(hash)) {
      active_index = pending.FindIndex(prefix, it.counted.key, hash);
    }
    PendingTable::Entry* p = active_index != 0 ? &pending.at(active_index - 1) : nullptr;
    const PendingTable::Entry* q = p;  // The buffered state, in either buffer.
    const PendingTable* q_table = &pending;
    if (q == nullptr && l.in_flight != 0) {
      q = &flushing_->pending.at(l.in_flight - 1);
      q_table = &flushing_->pending;
    }
    const ChunkLookup::Stored* f = nullptr;
    const uint32_t fetch = stored.fetch[i];
    if (q == nullptr && fetch != 0 && stored.stored[fetch - 1].found) f = &stored.stored[fetch - 1];
    // A recognised item's fingerprint, left to here (Item): needed against a
    // buffered state, and when it is buffered itself (below).
    auto compute_fingerprint = [&] {
      if (it.recognised && it.fingerprint == 0)
        it.fingerprint = FingerprintEncoded(EncodedOf(*w, it));
    };
    if (q != nullptr) compute_fingerprint();
    bool exists = q != nullptr ? q->exists : f != nullptr;
    int32_t version = q != nullptr ? q->version : f != nullptr ? f->version : 0;
    uint64_t fingerprint = q != nullptr ? q->fingerprint : f != nullptr ? f->fingerprint : 0;
    // The old version's bytes (LookUpChunk keeps a stored value for exactly
    // the deletions and changed copies that come here).
    auto current_value = [&](std::string_view* out) -> Status {
      if (q == nullptr && !f->value_kept) {
        return Status::Internal("ingest: the stored value of " + std::string(SourceName(source)) +
                                " " + it.counted.key + " was not kept");
      }
      *out = q != nullptr ? q_table->Value(*q) : stored.Value(*f);
      return Status::Ok();
    };
    std::string_view old_bytes;
    DeltaMap& deltas = active_->deltas;
    // The item's record becomes the key's state in the active buffer.
    auto buffer_record = [&] {
      if (p == nullptr) {
        p = pending.Insert(prefix, it.counted.key, hash);
        note_inserted(hash);
      }
      compute_fingerprint();
      p->exists = true;
      p->version = it.counted.version;
      p->fingerprint = it.fingerprint;
      pending.SetValue(p, EncodedOf(*w, it));
    };
    if (it.kind == Item::Kind::kDelete) {
      ++stats_->records_deleted;
      if (!exists) continue;
      CountedRecord& old = scratch_;
      old.source = source;
      STC_RETURN_IF_ERROR(current_value(&old_bytes));
      STC_RETURN_IF_ERROR(DecodeStored(old_bytes, &old));
      deltas.Add(old, -1, store_->grid());
      if (p == nullptr) {
        p = pending.Insert(prefix, it.counted.key, hash);
        note_inserted(hash);
      }
      p->exists = false;
      pending.SetValue(p, {});
      continue;
    }
    if (!exists) {
      ++stats_->records_new;
    } else if (fingerprint == it.fingerprint) {
      ++stats_->records_unchanged;
      // A copy stored without a unit hash (by a version before them), or
      // with one of other bytes or settings (another gazetteer, other
      // OpenAlex institutions), gets this one's, so that later runs
      // recognise it; nothing else changes.
      const uint64_t stored_hash = q != nullptr ? PeekUnitHash(q_table->Value(*q)) : f->unit_hash;
      if (it.counted.unit_hash == 0 || stored_hash == it.counted.unit_hash) continue;
      ++(stored_hash == 0 ? stats_->unit_hashes_added : stats_->unit_hashes_replaced);
      buffer_record();
      continue;
    } else if (authoritative || std::make_pair(it.counted.version, it.fingerprint) >
                                    std::make_pair(version, fingerprint)) {
      ++stats_->records_updated;
      CountedRecord& old = scratch_;
      old.source = source;
      STC_RETURN_IF_ERROR(current_value(&old_bytes));
      STC_RETURN_IF_ERROR(DecodeStored(old_bytes, &old));
      deltas.Add(old, -1, store_->grid());
      stats_->units_written -= kUnit;
      stats_->units_unlocated -= old.unlocated;
    } else {
      ++stats_->records_unchanged;
      ++stats_->records_older_ignored;
      continue;
    }
    if (it.recognised) {
      // Its counts are in its encoding (the stored value it was recognised by).
      CountedRecord& added = recognised_;
      added.source = source;
      added.key = it.counted.key;
      STC_RETURN_IF_ERROR(DecodeStored(EncodedOf(*w, it), &added));
      deltas.Add(added, +1, store_->grid());
      stats_->units_unlocated += added.unlocated;
    } else {
      deltas.Add(it.counted, PointsOf(*w, it), +1, store_->grid());
      stats_->units_unlocated += it.counted.unlocated;
    }
    stats_->units_written += kUnit;
    buffer_record();
  }
  file_lines_[w->file_index] += w->newlines;
  if (w->chunk.last && !w->chunk.stream_error.ok()) {
    const Status& err = w->chunk.stream_error;
    std::string reason = err.code() != StatusCode::kDataError                   ? "read_error"
                         : err.message().find("truncated") != std::string::npos ? "truncated_stream"
                                                                                : "bad_compression";
    FileError(fsum, path, w->chunk.error_offset, reason, err.message());
  }
  // Each of the two buffers gets half the budget.
  if (active_->pending.bytes() + active_->deltas.bytes() >= flush_bytes_ / 2) {
    STC_RETURN_IF_ERROR(StartFlush());
  }
  return Status::Ok();
}

Status Writer::Finish() {
  Status st = FlushAll();
  // The buffers are done with: their memory goes back before the fold needs
  // its own (the fold's cursors hold a chunk of every flush).
  Status waited = WaitForFlush();  // None in flight after FlushAll; never skip the join.
  if (st.ok()) st = waited;
  for (Buffer& b : buffers_) b = Buffer();
  if (deferred_ != nullptr && !deferred_->spilled) {
    // After a failure the map may hold deltas of records that were not
    // written: it is dropped, and the store stays marked for a rebuild.
    if (!st.ok()) {
      deferred_->cells = DeltaMap();
      return st;
    }
    return WriteDeferred();
  }
  if (st.ok() && deferred_ != nullptr && !deferred_->ended) {
    // The run's last flush spilled the map: every stored record's deltas
    // are in the store now (the fold below sums them).
    st = store_->EndDeferredAggregates();
    deferred_->ended = st.ok();
  }
  // Every flush of a run of several left its aggregate deltas pending: add
  // them in one write (also after a failure: the flushes that reached the
  // store stay whole). Nothing is pending after a run of one flush.
  Result<bool> folded = store_->FoldPendingAggregates();
  if (st.ok() && !folded.ok()) st = folded.status();
  return st;
}

Status Writer::WriteDeferred() {
  SortedAggregates cells;
  StoreBatch totals;  // None: every flush wrote its own.
  STC_RETURN_IF_ERROR(deferred_->cells.FlushSorted(&cells, &totals));
  deferred_->cells = DeltaMap();  // Its memory goes back before the write.
  // Into the empty aggregates, as values, in one atomic write (of a table
  // file per core: nothing else runs now).
  STC_RETURN_IF_ERROR(
      store_->ApplyWithSortedRecords({}, cells, totals, /*records_in_parallel=*/true));
  STC_RETURN_IF_ERROR(store_->EndDeferredAggregates());
  deferred_->ended = true;
  return Status::Ok();
}

Status Writer::FlushAll() {
  flushing_all_ = true;  // The parse is over: the flushes below run alone.
  // The run's last flush, unless a replace removes records after it.
  last_flush_ = !replace_.has_value();
  STC_RETURN_IF_ERROR(StartFlush());
  STC_RETURN_IF_ERROR(WaitForFlush());
  if (!replace_.has_value()) return Status::Ok();
  // Remove the replaced year's records that the files no longer hold.
  const Source source = replace_->source;
  CountedRecord old;
  std::vector<std::string> doomed;
  STC_RETURN_IF_ERROR(
      store_->ForEachRecord([&](Source s, std::string_view key, std::string_view value) -> Status {
        if (s != source) return Status::Ok();
        int32_t year = 0, version = 0;
        if (!PeekYearVersion(value, &year, &version)) {
          return Status::Corruption("store " + store_->dir() + ": malformed stored record");
        }
        if (year != replace_->year) return Status::Ok();
        std::string full;
        SetStoreRecordKey(s, key, &full);
        if (replace_seen_.count(full) != 0) return Status::Ok();
        old.source = s;
        old.key.assign(key);
        STC_RETURN_IF_ERROR(DecodeStored(value, &old));
        active_->deltas.Add(old, -1, store_->grid());
        doomed.push_back(std::move(full));
        return Status::Ok();
      }));
  for (const std::string& full : doomed) {
    PendingTable::Entry* p = active_->pending.Insert(full, MemoryHash64(full));
    p->exists = false;
  }
  stats_->records_removed_by_replace += doomed.size();
  last_flush_ = true;
  STC_RETURN_IF_ERROR(StartFlush());
  return WaitForFlush();
}

Status Writer::WaitForFlush() {
  if (flushing_ == nullptr) return first_failure_;
  flush_thread_.join();
  flushing_->pending.Clear();
  flushing_ = nullptr;
  // Its keys are now only in the store: look-ups that began before this may
  // have missed them.
  epoch_.fetch_add(1, std::memory_order_release);
  if (first_failure_.ok()) first_failure_ = flush_status_;
  return first_failure_;
}

Status Writer::StartFlush() {
  STC_RETURN_IF_ERROR(WaitForFlush());
  if (deferred_ != nullptr && deferred_->spilled && !deferred_->ended) {
    // The flush just written spilled the map with its records: every
    // stored record's deltas are in the store, and the rest go pending.
    STC_RETURN_IF_ERROR(store_->EndDeferredAggregates());
    deferred_->ended = true;
  }
  Buffer* b = active_;
  if (b->pending.size() == 0 && b->deltas.size() == 0) return Status::Ok();
  if (store_was_empty_ && !flushing_all_) {
    // From now on these keys may be in the store: lookups of keys the filter
    // has not seen can skip the store (it was empty when the run started).
    // FlushAll's flushes skip this: no chunk is looked up after the parse.
    // (The filter's lines fetched a few entries ahead: see KeyFilter::PrefetchAdd.)
    const LargeVector<PendingTable::Entry>& entries = b->pending.entries();
    constexpr size_t kAhead = 8;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i + kAhead < entries.size()) written_.PrefetchAdd(entries[i + kAhead].hash);
      if (entries[i].exists) written_.AddHash(entries[i].hash);
    }
    // For LookUp on the parse threads (a copy: they read it while the next
    // flush adds to written_).
    auto published = std::make_shared<const KeyFilter>(written_);
    std::lock_guard<std::mutex> lock(published_mu_);
    published_ = std::move(published);
  }
  // The last flush skips the pending log only when no flush before it used
  // it: the fold's one table file of a run's sums goes below the stored
  // aggregates it does not overlap (a fresh store's last level), while a
  // table file of the last flush's deltas beside it would overlap it, and
  // RocksDB would have to merge the two.
  const bool only = last_flush_ && flushes_started_ == 0;
  if (store_was_empty_ && !only && deferred_ == nullptr) {
    // A fresh load of several buffers: from this flush on, the cell deltas
    // wait in one map for Finish (the top comment of write_stage.h). The
    // store is marked first, and for good until Finish has written them.
    STC_RETURN_IF_ERROR(store_->BeginDeferredAggregates("a fresh load begun " + RunId()));
    deferred_ = std::make_unique<Deferred>();
    deferred_->budget = deferred_budget_ != 0 ? deferred_budget_ : flush_bytes_ / 2;
  }
  flushing_ = b;
  active_ = b == &buffers_[0] ? &buffers_[1] : &buffers_[0];
  const bool alone = flushing_all_;
  ++flushes_started_;
  Deferred* deferred = deferred_ != nullptr && !deferred_->spilled ? deferred_.get() : nullptr;
  flush_thread_ = std::thread([this, b, only, alone, deferred] {
    if (flush_hook_) flush_hook_();
    flush_status_ = WriteBuffer(store_, b, &flush_scratch_, only, alone, deferred);
  });
  return Status::Ok();
}

Status Writer::WriteBuffer(Store* store, Buffer* b, FlushScratch* scratch, bool only, bool alone,
                           Deferred* deferred) {
  // Records in store key order straight from the buffer (no copies): by a
  // radix sort of their compact keys when it applies (below), else sorted on
  // the keys' first 24 bytes as three big-endian words (contiguous, no
  // pointer chasing; record keys are about 18 bytes), then the length: keys
  // of up to 24 bytes with equal padded words differ only by trailing zeros,
  // and the shorter sorts first. Longer keys tie-break on their bytes.
  // The cell deltas are combined and encoded meanwhile on a second thread
  // (the last flush of an ingest runs alone: this halves its wait).
  scratch->batch.Clear();
  scratch->aggregates.Clear();
  Status delta_status;
  std::thread deltas([b, scratch, deferred, &delta_status] {
    if (deferred == nullptr) {
      delta_status = b->deltas.FlushSorted(&scratch->aggregates, &scratch->batch);
      return;
    }
    // The totals are written now; the cells join the run's map, which goes
    // to the pending log with these records once past its budget, for good.
    const size_t added = b->deltas.cells_added();
    const bool first = deferred->flushes++ == 0;
    b->deltas.MoveInto(&deferred->cells, &scratch->batch);
    // On a fine grid the cells barely repeat: the first flush's deltas sum
    // to nearly as many cells as were added (the 2M bench workload: 99.7% at
    // 0.01°, against 75% at 0.1°), and the map would grow with the load,
    // past its budget, having saved nothing (the fold costs less then): it
    // ends now.
    const bool repeats_little = first && deferred->cells.size() * 10 > added * 9;
    if (repeats_little || deferred->cells.bytes() > deferred->budget) {
      StoreBatch none;  // The map holds no totals.
      delta_status = deferred->cells.FlushSorted(&scratch->aggregates, &none);
      deferred->cells = DeltaMap();  // Its memory back: no longer used.
      deferred->spilled = true;
    }
  });
  PendingTable& pending = b->pending;
  const LargeVector<PendingTable::Entry>& entries = pending.entries();
  LargeVector<FlushScratch::SortKey>& order = scratch->order;
  order.resize(entries.size());
  scratch->writes.clear();
  scratch->writes.reserve(order.size());
  auto add_write = [&](size_t index) {
    const PendingTable::Entry& e = entries[index];
    scratch->writes.push_back({pending.Key(e), pending.Value(e), !e.exists});
  };
  static_assert(sizeof(FlushScratch::SortKey) >=
                2 * sizeof(KeyedItem));  // Room for the radix sort.
  // A radix sort of the keys' compact keys when there are many (an
  // application number varies in a few bits of a few bytes): the sorted
  // (key, entry index) pairs, in `order`'s bytes.
  const unsigned char* sorted =
      entries.size() < 2048 ? nullptr
                            : RadixSortShortStrings(
                                  entries.size(), [&](size_t i) { return pending.Key(entries[i]); },
                                  reinterpret_cast<unsigned char*>(order.data()));
  if (sorted != nullptr) {
    for (size_t i = 0; i < order.size(); ++i) add_write(LoadKeyed(sorted, i).payload);
  } else {
    for (size_t i = 0; i < order.size(); ++i) {
      std::string_view k = pending.Key(entries[i]);
      unsigned char bytes[24] = {0};
      std::memcpy(bytes, k.data(), std::min<size_t>(k.size(), 24));
      uint64_t w[3] = {0, 0, 0};
      for (int j = 0; j < 24; ++j) w[j / 8] = w[j / 8] << 8 | bytes[j];
      order[i] = {w[0], w[1], w[2], static_cast<uint32_t>(k.size()), static_cast<uint32_t>(i)};
    }
    std::sort(order.begin(), order.end(),
              [&](const FlushScratch::SortKey& x, const FlushScratch::SortKey& y) {
                if (x.w0 != y.w0) return x.w0 < y.w0;
                if (x.w1 != y.w1) return x.w1 < y.w1;
                if (x.w2 != y.w2) return x.w2 < y.w2;
                if (x.len <= 24 && y.len <= 24) return x.len < y.len;
                return pending.Key(entries[x.index]) < pending.Key(entries[y.index]);
              });
    for (const FlushScratch::SortKey& o : order) add_write(o.index);
  }
  deltas.join();
  Status st = delta_status;
  if (st.ok() &&
      (!scratch->writes.empty() || !scratch->aggregates.empty() || !scratch->batch.empty())) {
    // The deltas stay pending (one log entry per flush, with its records);
    // Finish folds them all at once. Those of a run's only flush go
    // straight to the aggregates, in the same atomic write as its records:
    // writing them to the log only for the fold to read them back would
    // cost the whole fold (a nightly file is one flush).
    // The run's final flushes have the cores to themselves: their records
    // are written as one table file per thread.
    // A deferring flush writes no cell deltas, except the map's spill.
    const bool direct = only || (deferred != nullptr && scratch->aggregates.empty());
    st = direct ? store->ApplyWithSortedRecords(scratch->writes, scratch->aggregates,
                                                scratch->batch, alone)
                : store->ApplyWithPendingAggregates(scratch->writes, scratch->aggregates,
                                                    scratch->batch, alone);
  }
  // The pending table is still read by the writer's lookups: it is emptied
  // after the join (WaitForFlush).
  scratch->batch.Clear();
  scratch->aggregates.Clear();
  scratch->writes.clear();
  return st;
}

Status Writer::DecodeStored(std::string_view value, CountedRecord* out) {
  Status st = DecodeCountedRecord(value, out);
  if (!st.ok()) return Status::Corruption("store " + store_->dir() + ": " + st.message());
  return Status::Ok();
}

void Writer::FileError(FileSummary& fsum, const std::string& path, uint64_t offset,
                       const std::string& reason, const std::string& detail) {
  ++stats_->files_failed;
  ++stats_->rejected_by_reason[reason];
  fsum.error = reason + ": " + detail;
  log_->Add(path, offset, 0, reason, detail, "");
}

}  // namespace stc
