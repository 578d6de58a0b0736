#include "pipeline/ingest.h"

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
#include <mutex>
#include <unordered_map>

#include "core/large_alloc.h"
#include "core/threads.h"
#include "io/byte_source.h"
#include "parsers/input_plan.h"
#include "parsers/registry.h"
#include "pipeline/file_registry.h"
#include "pipeline/read_stage.h"
#include "pipeline/rebuild.h"
#include "pipeline/rejects_log.h"
#include "pipeline/write_stage.h"

namespace stc {
namespace fs = std::filesystem;

namespace {

// The Works not in the pipeline, handed out last in, first out: the reader
// takes the one most recently given back, whose buffers are warm in the
// caches and already touched. When the pipeline is not full (the reader is
// the slower stage, as in a re-read of unchanged files), only the Works it
// actually needs in flight are ever touched, instead of every token's in
// turn (each costs its chunk, items and encodings: several MiB, first
// touches being expensive on virtual machines). Taken by the reader and given
// back by the writer, once per chunk each: a mutex is not on the hot path.
class WorkPool {
 public:
  explicit WorkPool(size_t works) {
    for (size_t i = 0; i < works; ++i) owned_.push_back(std::make_unique<Work>());
    for (auto it = owned_.rbegin(); it != owned_.rend(); ++it) free_.push_back(it->get());
  }
  Work* Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) {  // Never expected: works == tokens.
      owned_.push_back(std::make_unique<Work>());
      return owned_.back().get();
    }
    Work* w = free_.back();
    free_.pop_back();
    return w;
  }
  void GiveBack(Work* w) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(w);
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<Work>> owned_;
  std::vector<Work*> free_;  // The top (back) was given back last.
};

}  // namespace

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

bool ParseReplaceSpec(std::string_view text, ReplaceSpec* out) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  if (!ParseSource(text.substr(0, colon), &out->source)) return false;
  std::string_view year = text.substr(colon + 1);
  if (year.size() != 4) return false;
  int32_t y = 0;
  for (char c : year) {
    if (c < '0' || c > '9') return false;
    y = y * 10 + (c - '0');
  }
  out->year = y;
  return true;
}

std::string ReplaceSpecName(const ReplaceSpec& spec) {
  return std::string(SourceName(spec.source)) + ":" + std::to_string(spec.year);
}

namespace {

// Level-0 files of records from which an ingest merges them at its end
// (Store::CompactRecordsIfLayered): a 2M-record load leaves 4, which cost
// look-ups little; a 20M one about 40.
constexpr uint64_t kCompactRecordsAtFiles = 16;

}  // namespace

std::string RunId() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm;
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool BuffersOnHugePages(uint64_t input_bytes, size_t flush_bytes) {
  return input_bytes / 2 >= flush_bytes;
}

Result<IngestStats> Ingest(Store* store, const std::vector<std::string>& inputs,
                           const IngestOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  const Format* forced = nullptr;
  if (options.format != "auto") {
    forced = FindFormat(options.format);
    if (forced == nullptr) {
      return Status::InvalidArgument("unknown format '" + options.format +
                                     "'; known: " + FormatNames() + ", auto");
    }
  }
  // An interrupted replace must be completed (by running it again) before
  // anything else writes to the store.
  STC_ASSIGN_OR_RETURN(std::optional<std::string> pending_replace,
                       store->GetMeta(kReplaceInProgressMeta));
  if (pending_replace.has_value()) {
    std::string name = pending_replace->substr(0, pending_replace->find('\t'));
    if (!options.replace.has_value() || ReplaceSpecName(*options.replace) != name) {
      return Status::InvalidArgument("store " + store->dir() + ": the replace of " + name +
                                     " did not complete; run the same `ingest --replace " + name +
                                     " FILES...` again to complete it before other ingests");
    }
  }
  // The records' merge at the end (below) is promised: the flushes' record
  // files that it will rewrite are written uncompressed.
  store->MergeRecordsAt(kCompactRecordsAtFiles);
  STC_ASSIGN_OR_RETURN(std::vector<std::string> inputs_expanded, ExpandInputs(inputs));
  // Reader selection and snapshot preparation (OpenAlex): parsers/input_plan.h.
  STC_ASSIGN_OR_RETURN(InputPlan plan, PlanInputs(inputs_expanded, forced));
  const std::vector<std::string>& files = plan.files;
  IngestStats stats;
  stats.files.resize(files.size());
  if (store->aggregates_deferred()) {
    // A fresh load stopped before writing its aggregates (pipeline/
    // write_stage.h): they are rebuilt from its stored records first.
    STC_ASSIGN_OR_RETURN(const int64_t rebuilt, RebuildAggregates(store, options.threads));
    stats.records_rebuilt = static_cast<uint64_t>(rebuilt);
  }
  for (size_t i = 0; i < files.size(); ++i) stats.files[i].path = files[i];
  for (const auto& [what, n] : plan.notes) stats.warnings[what] += n;

  RejectsLog log;
  std::string log_path =
      options.rejects_path.empty() ? store->dir() + "/rejects.jsonl" : options.rejects_path;
  STC_RETURN_IF_ERROR(log.Open(log_path, RunId()));
  auto file_error = [&](const std::string& path, const std::string& reason,
                        const std::string& detail) {
    FileSummary* fsum = nullptr;
    for (FileSummary& f : stats.files) {
      if (f.path == path) fsum = &f;
    }
    if (fsum == nullptr) {
      stats.files.emplace_back().path = path;
      fsum = &stats.files.back();
    }
    ++stats.files_failed;
    ++stats.rejected_by_reason[reason];
    if (fsum->error.empty()) fsum->error = reason + ": " + detail;
    log.Add(path, 0, 0, reason, detail, "");
  };
  for (const PlanProblem& p : plan.problems) file_error(p.path, p.reason, p.detail);
  ReaderContext reader_context;
  reader_context.options = options.reader;
  reader_context.orgs = plan.orgs.get();

  int threads = ResolveThreads(options.threads);
  size_t tokens = static_cast<size_t>(threads) * 2 + 1;
  WorkPool works(tokens);
  // Files registered as ingested and unchanged are not read again.
  std::vector<bool> skip(files.size(), false);
  std::vector<FileIdentity> identities(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    STC_ASSIGN_OR_RETURN(identities[i], IdentifyFile(files[i]));
    if (options.reread_unchanged || options.replace.has_value()) continue;
    STC_ASSIGN_OR_RETURN(std::optional<FileEntry> known, LookupFile(*store, identities[i].path));
    if (known.has_value() && known->id == identities[i] && known->outcome == "ok") {
      skip[i] = true;
      stats.files[i].skipped = true;
      ++stats.files_skipped;
    }
  }
  Reader reader(&files, &options, forced, &plan.formats, &skip);
  uint64_t input_bytes = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!skip[i]) input_bytes += identities[i].size;
  }
  // The write buffers' and the heap's page size for this run (restored when
  // it ends).
  const ScopedHugePages pages(BuffersOnHugePages(input_bytes, options.flush_bytes));
  Writer writer(store, &stats, &log, &files, options.flush_bytes);
  STC_RETURN_IF_ERROR(writer.Start());
  if (options.replace.has_value()) {
    writer.SetReplace(options.replace->source, options.replace->year);
    STC_RETURN_IF_ERROR(
        store->PutMeta(kReplaceInProgressMeta, ReplaceSpecName(*options.replace) + "\t" + RunId()));
  }
  // Records outside a replace are skipped on the parse threads (ItemSink::
  // set_scope); the writer keeps its own check.
  const ReplaceSpec* replace_scope = options.replace.has_value() ? &*options.replace : nullptr;
  // Unchanged units are recognised by their bytes, except in a replace (its
  // files are the truth) and in a fresh load (ParseWork, Writer::recognition).
  const Recognition recognition = replace_scope != nullptr ? Recognition{} : writer.recognition();
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
        tokens, tbb::make_filter<void, Work*>(tbb::filter_mode::serial_in_order,
                                              [&](tbb::flow_control& fc) -> Work* {
                                                if (failed.load()) {
                                                  fc.stop();
                                                  return nullptr;
                                                }
                                                Work* w = works.Take();
                                                if (!reader.Next(w)) {
                                                  works.GiveBack(w);
                                                  fc.stop();
                                                  return nullptr;
                                                }
                                                return w;
                                              }) &
                    tbb::make_filter<Work*, Work*>(tbb::filter_mode::parallel,
                                                   [&](Work* w) -> Work* {
                                                     if (!failed.load()) {
                                                       ParseWork(w, &thread_states.local(),
                                                                 options.resolver, reader_context,
                                                                 replace_scope, &recognition);
                                                       writer.LookUp(w);
                                                     }
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
                      works.GiveBack(w);
                    }));
  });
  if (failure.ok()) failure = writer.Finish();
  if (failure.ok()) {
    // The fold of a large ingest's deltas (Writer::Finish) adds a level-0
    // file of aggregates to a store that had some, where every scan (rank,
    // export) would merge it at read time (up to 2x slower on a 20M-record
    // store): merge it now. Into an empty store the file goes straight to the
    // last level; small runs write through the memtable and add no file.
    Result<bool> compacted = store->CompactAggregatesIfLayered(1);
    if (!compacted.ok()) failure = compacted.status();
  }
  if (failure.ok()) {
    // A large load leaves a level-0 file of records per buffer flush (about
    // 500,000 records each): from kCompactRecordsAtFiles on, they are merged
    // into one sorted run now, once, instead of by RocksDB while the load
    // runs (stores/store.cc, the records' options). Nightly files add one or
    // two each, so a run of them is compacted as often as before.
    Result<bool> compacted = store->CompactRecordsIfLayered(kCompactRecordsAtFiles);
    if (!compacted.ok()) failure = compacted.status();
  }
  if (failure.ok()) {
    // Files whose record count differs from their snapshot manifest.
    for (size_t i = 0; i < files.size(); ++i) {
      if (skip[i]) continue;
      uint64_t want = plan.expected_records[i];
      if (want == kNoExpectedRecords || stats.files[i].records == want) continue;
      if (!stats.files[i].error.empty()) continue;  // Already failed (e.g. truncated).
      file_error(files[i], "short_file",
                 std::to_string(stats.files[i].records) + " records read, manifest says " +
                     std::to_string(want));
    }
  }
  if (failure.ok()) {
    // Register what was read, after its records are in the store (a crash
    // before this point only means the files are read again next time).
    std::string now = RunId();
    for (size_t i = 0; i < files.size() && failure.ok(); ++i) {
      if (skip[i]) continue;
      FileEntry e;
      e.id = identities[i];
      e.records = stats.files[i].records;
      e.time = now;
      e.outcome = stats.files[i].error.empty() ? "ok" : "failed: " + stats.files[i].error;
      failure = RegisterFile(store, e);
    }
  }
  if (failure.ok() && options.replace.has_value()) {
    failure = store->DeleteMeta(kReplaceInProgressMeta);  // The year is complete.
  }
  Status closed = log.Close();
  if (!failure.ok()) return failure;
  STC_RETURN_IF_ERROR(closed);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats;
}

}  // namespace stc