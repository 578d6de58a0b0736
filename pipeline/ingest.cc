#include "pipeline/ingest.h"

#include <tbb/concurrent_queue.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>

#include "core/record_codec.h"
#include "io/byte_source.h"
#include "parsers/registry.h"
#include "pipeline/contributions.h"
#include "pipeline/counting.h"
#include "pipeline/rejects_log.h"

namespace stc {
namespace fs = std::filesystem;

Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& in : inputs) {
    std::error_code ec;
    fs::file_status st = fs::status(in, ec);
    if (ec || !fs::exists(st)) return Status::NotFound("input not found: " + in);
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(in, fs::directory_options::skip_permission_denied, ec);
      if (ec) return Status::IoError("cannot list " + in + ": " + ec.message());
      for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
        if (ec) return Status::IoError("cannot list " + in + ": " + ec.message());
        std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file()) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(in);
    }
  }
  return files;
}

namespace {

// One parsed item of a chunk, in stream order.
struct Item {
  enum class Kind { kRecord, kReject, kSkip };
  Kind kind = Kind::kRecord;
  uint64_t offset = 0;
  std::string reason;
  std::string detail;
  std::string prefix;       // Rejects: first 200 bytes of the unit.
  CountedRecord counted;    // Records.
  std::string encoded;      // Records: EncodeCountedRecord(counted).
  uint64_t fingerprint = 0;
};

// A unit of work flowing through the pipeline: one chunk of one file.
struct Work {
  size_t file_index = 0;
  const Format* format = nullptr;
  Chunk chunk;
  size_t data_size = 0;              // chunk.data minus the padding appended.
  uint64_t compressed_done = 0;      // File's compressed bytes consumed so far.
  bool file_start = false;           // First chunk of a file.
  const char* compression = "";      // Of the file.
  std::string file_error_reason;     // File-level failure (no chunk data).
  std::string file_error_detail;
  std::vector<Item> items;
  size_t n_items = 0;                // items[0..n_items) valid (items reused).
  std::map<std::string, uint64_t> warnings;
};

// Collects a parser's output for one unit into Work::items.
class ItemSink : public ParseSink {
 public:
  void Begin(Work* work, uint64_t offset, std::string_view unit) {
    work_ = work;
    offset_ = offset;
    unit_ = unit;
    pending_ = false;
    emitted_ = 0;
  }
  Record* NewRecord() override {
    FlushPending();
    record_.Clear();
    pending_ = true;
    return &record_;
  }
  void Reject(std::string_view reason, std::string_view detail) override {
    Item& it = Emit(Item::Kind::kReject);
    it.reason.assign(reason);
    it.detail.assign(detail);
    it.prefix.assign(unit_.substr(0, 200));
    pending_ = false;
  }
  void Skip(std::string_view reason) override {
    Item& it = Emit(Item::Kind::kSkip);
    it.reason.assign(reason);
    pending_ = false;
  }
  void Warn(std::string_view what) override { ++work_->warnings[std::string(what)]; }

  // Called after Parse returns: commits a pending record; a unit that produced
  // nothing at all is a record rejected as empty_unit.
  void End() {
    FlushPending();
    if (emitted_ == 0) Reject("malformed_json", "no record in this line");
  }

 private:
  Item& Emit(Item::Kind kind) {
    if (work_->n_items == work_->items.size()) work_->items.emplace_back();
    Item& it = work_->items[work_->n_items++];
    it.kind = kind;
    it.offset = offset_;
    it.reason.clear();
    it.detail.clear();
    it.prefix.clear();
    ++emitted_;
    return it;
  }
  void FlushPending() {
    if (!pending_) return;
    pending_ = false;
    Item& it = Emit(Item::Kind::kRecord);
    CountRecord(record_, &it.counted);
    it.encoded.clear();
    EncodeCountedRecord(it.counted, &it.encoded);
    it.fingerprint = FingerprintEncoded(it.encoded);
  }

  Work* work_ = nullptr;
  uint64_t offset_ = 0;
  std::string_view unit_;
  Record record_;
  bool pending_ = false;
  size_t emitted_ = 0;
};

struct ThreadState {
  std::unordered_map<const Format*, std::unique_ptr<RecordParser>> parsers;
  ItemSink sink;
};

void ParseWork(Work* w, ThreadState* ts) {
  w->n_items = 0;
  w->warnings.clear();
  for (const OversizedLine& o : w->chunk.oversized) {
    ts->sink.Begin(w, o.offset, o.prefix);
    ts->sink.Reject("line_too_long", "line of " + std::to_string(o.length) + " bytes");
  }
  if (w->format == nullptr) return;
  std::unique_ptr<RecordParser>& parser = ts->parsers[w->format];
  if (!parser) parser = w->format->NewParser();
  std::string_view data(w->chunk.data.data(), w->data_size);
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    size_t end = nl == std::string_view::npos ? data.size() : nl;
    std::string_view line = data.substr(pos, end - pos);
    uint64_t offset = w->chunk.offset + pos;
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ts->sink.Begin(w, offset, line);
    parser->Parse(line, &ts->sink);
    ts->sink.End();
  }
  if (w->chunk.has_partial_line) {
    ts->sink.Begin(w, w->chunk.partial_line_offset, w->chunk.partial_line_prefix);
    ts->sink.Reject("truncated_record", "the stream ended inside this record");
  }
}

std::string RunId() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm;
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// State of one stored or pending key during a chunk's dedup.
struct KeyState {
  bool exists = false;
  int32_t version = 0;
  uint64_t fingerprint = 0;
  const std::string* value = nullptr;  // Current encoded value.
  bool dirty = false;                  // Must be written.
};

// The serial stage: dedups a chunk against the store and writes it atomically.
class Writer {
 public:
  Writer(Store* store, IngestStats* stats, RejectsLog* log, const std::vector<std::string>* files)
      : store_(store), stats_(stats), log_(log), files_(files) {}

  Status Write(Work* w) {
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

    // Look up every distinct key of the chunk once.
    keys_.clear();
    index_.clear();
    for (size_t i = 0; i < w->n_items; ++i) {
      const Item& it = w->items[i];
      if (it.kind != Item::Kind::kRecord) continue;
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
      if (states_[k].dirty) batch_.PutRecord(source, keys_[k], *states_[k].value);
    }
    deltas_.Flush(&batch_);
    if (!batch_.empty()) STC_RETURN_IF_ERROR(store_->Apply(batch_));
    if (w->chunk.last && !w->chunk.stream_error.ok()) {
      const Status& err = w->chunk.stream_error;
      std::string reason = err.code() != StatusCode::kDataError ? "read_error"
                           : err.message().find("truncated") != std::string::npos
                               ? "truncated_stream"
                               : "bad_compression";
      FileError(fsum, path, w->chunk.error_offset, reason, w->chunk.stream_error.message());
    }
    return Status::Ok();
  }

 private:
  Status DecodeStored(const std::string& value, const std::string& path, CountedRecord* out) {
    Status st = DecodeCountedRecord(value, out);
    if (!st.ok()) return Status::Corruption("store " + store_->dir() + ": " + st.message());
    return Status::Ok();
  }

  void FileError(FileSummary& fsum, const std::string& path, uint64_t offset,
                 const std::string& reason, const std::string& detail) {
    ++stats_->files_failed;
    ++stats_->rejected_by_reason[reason];
    fsum.error = reason + ": " + detail;
    log_->Add(path, offset, reason, detail, "");
  }

  Store* store_;
  IngestStats* stats_;
  RejectsLog* log_;
  const std::vector<std::string>* files_;
  std::vector<std::string_view> keys_;
  std::unordered_map<std::string_view, size_t> index_;
  std::vector<std::optional<std::string>> stored_;
  std::vector<KeyState> states_;
  CountedRecord scratch_;
  DeltaMap deltas_;
  StoreBatch batch_;
};

// The serial input stage: walks the files and cuts them into chunks.
class Reader {
 public:
  Reader(const std::vector<std::string>* files, const IngestOptions* options,
         const Format* forced_format)
      : files_(files), options_(options), forced_(forced_format) {}

  // Fills `w` with the next chunk or file error. Returns false at the end.
  bool Next(Work* w) {
    w->chunk.oversized.clear();
    w->file_error_reason.clear();
    w->file_error_detail.clear();
    w->file_start = false;
    while (true) {
      if (!chunker_) {
        if (next_file_ == files_->size()) return false;
        file_ = next_file_++;
        w->file_index = file_;
        auto src = OpenByteSource((*files_)[file_]);
        if (!src.ok()) {
          w->format = nullptr;
          w->chunk.error_offset = 0;
          w->file_error_reason =
              src.status().code() == StatusCode::kDataError ? "bad_compression" : "unreadable_file";
          w->file_error_detail = src.status().message();
          w->data_size = 0;
          return true;
        }
        compression_ = CompressionName((*src)->compression());
        w->compression = compression_;
        chunker_ = std::make_unique<LineChunker>(std::move(src).value(), options_->chunker);
        first_ = true;
        format_ = nullptr;
      }
      w->file_index = file_;
      w->compression = compression_;
      bool got = chunker_->Next(&w->chunk);
      w->compressed_done = chunker_->compressed_bytes_read();
      if (!got) {
        chunker_.reset();
        continue;
      }
      if (w->chunk.last) chunker_.reset();
      if (first_) w->file_start = true;
      first_ = false;
      // Detect on the first chunk holding anything but whitespace (a file may
      // start with an oversized line, leaving the first chunk empty).
      if (format_ == nullptr) {
        format_ = forced_;
        bool blank = w->chunk.data.find_first_not_of(" \t\r\n") == std::string::npos;
        if (format_ == nullptr && !blank) {
          format_ = DetectFormat(std::string_view(w->chunk.data).substr(0, 65536));
          if (format_ == nullptr) {
            w->format = nullptr;
            w->file_error_reason = "unknown_format";
            w->file_error_detail = "content matches none of: " + FormatNames() + " (use --format)";
            w->chunk.error_offset = w->chunk.offset;
            w->data_size = 0;
            chunker_.reset();
            return true;
          }
        }
      }
      w->format = format_;
      w->data_size = w->chunk.data.size();
      w->chunk.data.append(kUnitPadding, ' ');
      return true;
    }
  }

 private:
  const std::vector<std::string>* files_;
  const IngestOptions* options_;
  const Format* forced_;
  size_t next_file_ = 0;
  size_t file_ = 0;
  std::unique_ptr<LineChunker> chunker_;
  const Format* format_ = nullptr;
  bool first_ = false;
  const char* compression_ = "";
};

}  // namespace

Result<IngestStats> Ingest(Store* store, const std::vector<std::string>& inputs,
                           const IngestOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  const Format* forced = nullptr;
  if (options.format != "auto") {
    forced = FindFormat(options.format);
    if (forced == nullptr) {
      return Status::InvalidArgument("unknown format '" + options.format + "'; known: " +
                                     FormatNames() + ", auto");
    }
  }
  STC_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandInputs(inputs));
  IngestStats stats;
  stats.files.resize(files.size());
  for (size_t i = 0; i < files.size(); ++i) stats.files[i].path = files[i];

  RejectsLog log;
  std::string log_path =
      options.rejects_path.empty() ? store->dir() + "/rejects.jsonl" : options.rejects_path;
  STC_RETURN_IF_ERROR(log.Open(log_path, RunId()));

  int threads = options.threads > 0 ? options.threads
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  size_t tokens = static_cast<size_t>(threads) * 2 + 1;
  std::vector<std::unique_ptr<Work>> pool;
  tbb::concurrent_queue<Work*> free_works;
  for (size_t i = 0; i < tokens; ++i) {
    pool.push_back(std::make_unique<Work>());
    free_works.push(pool.back().get());
  }
  Reader reader(&files, &options, forced);
  Writer writer(store, &stats, &log, &files);
  tbb::enumerable_thread_specific<ThreadState> thread_states;
  Status failure;
  std::atomic<bool> failed{false};
  uint64_t compressed_total_done = 0;

  // Allow more workers than cores when asked (tests oversubscribe on purpose).
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(threads));
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, Work*>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& fc) -> Work* {
              if (failed.load()) {
                fc.stop();
                return nullptr;
              }
              Work* w = nullptr;
              if (!free_works.try_pop(w)) {  // Never expected: pool == tokens.
                pool.push_back(std::make_unique<Work>());
                w = pool.back().get();
              }
              if (!reader.Next(w)) {
                free_works.push(w);
                fc.stop();
                return nullptr;
              }
              return w;
            }) &
            tbb::make_filter<Work*, Work*>(tbb::filter_mode::parallel,
                                           [&](Work* w) -> Work* {
                                             if (!failed.load()) ParseWork(w, &thread_states.local());
                                             return w;
                                           }) &
            tbb::make_filter<Work*, void>(tbb::filter_mode::serial_in_order, [&](Work* w) {
              if (!failed.load()) {
                Status st = writer.Write(w);
                if (!st.ok()) {
                  failure = st;
                  failed.store(true);
                } else if (options.progress) {
                  compressed_total_done = stats.compressed_bytes;
                  options.progress(compressed_total_done, stats.records_read);
                }
              }
              free_works.push(w);
            }));
  });
  Status closed = log.Close();
  if (!failure.ok()) return failure;
  STC_RETURN_IF_ERROR(closed);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats;
}

}  // namespace stc
