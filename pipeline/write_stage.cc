#include "pipeline/write_stage.h"

#include "core/record_codec.h"

namespace stc {

Status Writer::Write(Work* w) {
  FileSummary& fsum = stats_->files[w->file_index];
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

  // Look up every distinct key of the chunk once.
  keys_.clear();
  index_.clear();
  for (size_t i = 0; i < w->n_items; ++i) {
    const Item& it = w->items[i];
    if (it.kind != Item::Kind::kRecord && it.kind != Item::Kind::kDelete) continue;
    if (index_.emplace(it.counted.key, keys_.size()).second) keys_.push_back(it.counted.key);
  }
  Source source = w->format != nullptr ? w->format->source() : Source::kPct;
  if (!keys_.empty()) {
    STC_RETURN_IF_ERROR(store_->GetRecords(source, keys_, &stored_));
  }
  states_.assign(keys_.size(), KeyState());
  for (size_t k = 0; k < keys_.size(); ++k) {
    if (stored_[k].has_value()) {
      KeyState& s = states_[k];
      s.exists = true;
      s.value = &*stored_[k];
      s.fingerprint = FingerprintEncoded(*s.value);
      CountedRecord& old = scratch_;
      STC_RETURN_IF_ERROR(DecodeStored(*s.value, path, &old));
      s.version = old.version;
    }
  }

  for (size_t i = 0; i < w->n_items; ++i) {
    Item& it = w->items[i];
    ++stats_->records_read;
    ++fsum.records;
    if (it.kind == Item::Kind::kReject) {
      ++stats_->records_rejected;
      ++stats_->rejected_by_reason[it.reason];
      log_->Add(path, it.offset, it.reason, it.detail, it.prefix);
      continue;
    }
    if (it.kind == Item::Kind::kDelete) {
      ++stats_->records_deleted;
      KeyState& s = states_[index_[it.counted.key]];
      if (!s.exists) continue;
      CountedRecord& old = scratch_;
      old.source = source;
      STC_RETURN_IF_ERROR(DecodeStored(*s.value, path, &old));
      deltas_.Add(old, -1, store_->grid());
      s = KeyState();
      s.dirty = true;  // exists == false: written as a delete.
      continue;
    }
    if (it.kind == Item::Kind::kSkip) {
      ++stats_->records_skipped;
      ++stats_->skipped_by_reason[it.reason];
      continue;
    }
    KeyState& s = states_[index_[it.counted.key]];
    if (!s.exists) {
      ++stats_->records_new;
    } else if (s.fingerprint == it.fingerprint) {
      ++stats_->records_unchanged;
      continue;
    } else if (std::make_pair(it.counted.version, it.fingerprint) >
               std::make_pair(s.version, s.fingerprint)) {
      ++stats_->records_updated;
      CountedRecord& old = scratch_;
      old.source = source;
      STC_RETURN_IF_ERROR(DecodeStored(*s.value, path, &old));
      deltas_.Add(old, -1, store_->grid());
      stats_->units_written -= kUnit;
      stats_->units_unlocated -= old.unlocated;
    } else {
      ++stats_->records_unchanged;
      ++stats_->records_older_ignored;
      continue;
    }
    deltas_.Add(it.counted, +1, store_->grid());
    stats_->units_written += kUnit;
    stats_->units_unlocated += it.counted.unlocated;
    s.exists = true;
    s.version = it.counted.version;
    s.fingerprint = it.fingerprint;
    s.value = &it.encoded;
    s.dirty = true;
  }

  batch_.Clear();
  for (size_t k = 0; k < keys_.size(); ++k) {
    if (!states_[k].dirty) continue;
    if (states_[k].exists) {
      batch_.PutRecord(source, keys_[k], *states_[k].value);
    } else {
      batch_.DeleteRecord(source, keys_[k]);
    }
  }
  deltas_.Flush(&batch_);
  if (!batch_.empty()) STC_RETURN_IF_ERROR(store_->Apply(batch_));
  if (w->chunk.last && !w->chunk.stream_error.ok()) {
    const Status& err = w->chunk.stream_error;
    std::string reason = err.code() != StatusCode::kDataError                   ? "read_error"
                         : err.message().find("truncated") != std::string::npos ? "truncated_stream"
                                                                                : "bad_compression";
    FileError(fsum, path, w->chunk.error_offset, reason, w->chunk.stream_error.message());
  }
  return Status::Ok();
}

Status Writer::DecodeStored(const std::string& value, const std::string& path, CountedRecord* out) {
  Status st = DecodeCountedRecord(value, out);
  if (!st.ok()) return Status::Corruption("store " + store_->dir() + ": " + st.message());
  return Status::Ok();
}

void Writer::FileError(FileSummary& fsum, const std::string& path, uint64_t offset,
                       const std::string& reason, const std::string& detail) {
  ++stats_->files_failed;
  ++stats_->rejected_by_reason[reason];
  fsum.error = reason + ": " + detail;
  log_->Add(path, offset, reason, detail, "");
}

}  // namespace stc
