// The `ingest` subcommand.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/command.h"
#include "core/threads.h"
#include "geo/gazetteer.h"
#include "geo/resolver.h"
#include "parsers/registry.h"
#include "pipeline/ingest.h"

namespace stc {
namespace {

struct IngestArgs {
  std::string db;
  std::vector<std::string> inputs;
  int threads = 0;
  std::string format = "auto";
  std::string stats_json;
  std::string rejects;
  double grid_deg = 0.01;
  bool quiet = false;
  bool sync = false;
  bool compress_records = false;
  std::string gazetteer;  // Empty: DefaultGazetteerPath(), optional.
  bool no_geocode = false;
  bool force = false;
  std::string replace;
  double max_reject_rate = 0;
  int flush_mb = 256;
  std::vector<std::string> scopus_subtypes = ReaderOptions().scopus_subtypes;
  std::vector<std::string> openalex_types = ReaderOptions().openalex_types;
  std::vector<std::string> excluded_subject_areas = ReaderOptions().excluded_subject_areas;
  bool keep_ssh = false;
};

// Progress on a terminal: compressed bytes done of total, records/s, ETA.
class Progress {
 public:
  Progress(bool enabled, uint64_t total_bytes)
      : enabled_(enabled && isatty(STDERR_FILENO)),
        total_(total_bytes),
        start_(std::chrono::steady_clock::now()),
        last_(start_) {}
  void Update(uint64_t done, uint64_t records) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 0;
    double eta = frac > 0 ? secs / frac - secs : 0;
    std::fprintf(stderr, "\r%5.1f%%  %.0f/%.0f MB  %.0f records/s  ETA %.0f s   ", 100 * frac,
                 done / 1e6, total_ / 1e6, records / std::max(secs, 1e-9), eta);
    shown_ = true;
  }
  void Done() {
    if (shown_) std::fprintf(stderr, "\r%70s\r", "");
  }

 private:
  bool enabled_;
  uint64_t total_;
  std::chrono::steady_clock::time_point start_, last_;
  bool shown_ = false;
};

int RunIngest(const IngestArgs& args) {
  double step = args.grid_deg * kE5PerDegree;
  if (std::fabs(step - std::llround(step)) > 1e-6 || !Grid::IsValidStep(std::llround(step))) {
    std::cerr << "stcluster: --grid-deg must be a multiple of 0.00001 that divides 180 (e.g. 0.01, "
                 "0.05, 0.1)\n";
    return kExitUsage;
  }
  auto files = ExpandInputs(args.inputs);
  if (!files.ok()) return Fail(files.status(), kExitInput);
  uint64_t total = 0;
  for (const auto& f : *files) {
    std::error_code ec;
    total += std::filesystem::file_size(f, ec);
  }
  StoreOptions so;
  so.create_if_missing = true;
  so.grid_step_e5 = static_cast<int32_t>(std::llround(step));
  so.sync_writes = args.sync;
  so.compress_records = args.compress_records;
  // The store's merges at the end of the run (records, aggregates) use as many.
  so.threads = ResolveThreads(args.threads);
  auto store = Store::Open(args.db, so);
  if (!store.ok()) return StoreFail(store.status());

  // Geocoding: on when the index is there (an explicit --gazetteer must be).
  std::unique_ptr<geo::Gazetteer> gazetteer;
  std::unique_ptr<geo::GeoResolver> resolver;
  std::string geocoding = "off (--no-geocode)";
  if (!args.no_geocode) {
    std::string path = args.gazetteer.empty() ? DefaultGazetteerPath() : args.gazetteer;
    auto g = geo::Gazetteer::Open(path);
    if (g.ok()) {
      gazetteer = std::move(g).value();
      resolver = std::make_unique<geo::GeoResolver>(*gazetteer);
      geocoding = "on (" + path + ", " + std::to_string(gazetteer->size()) + " places)";
    } else if (!args.gazetteer.empty()) {
      return Fail(g.status(), kExitInput);
    } else {
      geocoding = "off (no gazetteer index at " + path + "; run scripts/setup)";
    }
  }

  Progress progress(!args.quiet, total);
  IngestOptions io;
  io.resolver = resolver.get();
  io.threads = args.threads;
  io.format = args.format;
  io.rejects_path = args.rejects;
  io.progress = [&](uint64_t done, uint64_t records) { progress.Update(done, records); };
  io.reread_unchanged = args.force;
  io.reader.scopus_subtypes = args.scopus_subtypes;
  io.reader.openalex_types = args.openalex_types;
  io.reader.excluded_subject_areas =
      args.keep_ssh ? std::vector<std::string>() : args.excluded_subject_areas;
  io.flush_bytes = static_cast<size_t>(args.flush_mb) << 20;
  if (!args.replace.empty()) {
    ReplaceSpec spec;
    if (!ParseReplaceSpec(args.replace, &spec)) {
      std::cerr << "stcluster: --replace must be SOURCE:YEAR (e.g. pct:2021, article:2019), got '"
                << args.replace << "'\n";
      return kExitUsage;
    }
    io.replace = spec;
  }
  auto stats = Ingest(store->get(), args.inputs, io);
  progress.Done();
  if (!stats.ok()) {
    const Status& st = stats.status();
    if (st.code() == StatusCode::kInvalidArgument) return Fail(st, kExitUsage);
    if (st.code() == StatusCode::kNotFound) return Fail(st, kExitInput);
    return Fail(st, kExitStore);
  }
  std::cerr << "geocoding: " << geocoding << "\n" << stats->ToText();
  if (!args.stats_json.empty()) {
    if (int rc = WriteOutput(args.stats_json, stats->ToJson() + "\n"); rc != kExitOk) return rc;
  }
  // Rejected records above the accepted share, or any failed file, make the
  // run fail for the scheduler (exit 1); the data that was good has landed.
  double rate = stats->records_read == 0 ? 0.0
                                         : static_cast<double>(stats->records_rejected) /
                                               static_cast<double>(stats->records_read);
  if (stats->files_failed > 0 || rate > args.max_reject_rate) {
    std::cerr << "input was rejected (" << stats->records_rejected << " records, "
              << stats->files_failed << " files; accepted share --max-reject-rate "
              << args.max_reject_rate << "): see "
              << (args.rejects.empty() ? args.db + "/rejects.jsonl" : args.rejects) << "\n";
    return kExitRejected;
  }
  return kExitOk;
}

}  // namespace

Command AddIngestCommand(CLI::App& app) {
  auto a = std::make_shared<IngestArgs>();
  CLI::App* sub = app.add_subcommand(
      "ingest",
      "Read dump files (plain, .zst or .gz; folders walked in sorted order) into the store.\n"
      "Records are deduplicated by (source, key); re-running on the same files changes nothing.\n"
      "Exit code 0 = ok, 1 = something was rejected (see DB/rejects.jsonl), 3 = input error,\n"
      "4 = store error.");
  sub->add_option("--db", a->db, "Store directory (created when missing)")->required();
  sub->add_option("inputs", a->inputs, "Files or folders to read")->required();
  sub->add_option("--threads", a->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  sub->add_option("--format", a->format,
                  "Reader: auto (detect per file) or one of: " + FormatNames())
      ->capture_default_str();
  sub->add_option("--stats-json", a->stats_json,
                  "Also write the run summary as JSON here (-: stdout)");
  sub->add_option("--rejects", a->rejects, "Rejects log (default: DB/rejects.jsonl)");
  sub->add_option("--grid-deg", a->grid_deg,
                  "Rounded-location grid step in degrees for a NEW store (fixed afterwards)")
      ->capture_default_str();
  sub->add_flag(
      "--compress-records", a->compress_records,
      "For a NEW store (fixed afterwards): write the stored records LZ4-compressed, about "
      "30% less disk for 5-12% more CPU in ingests and profile scans (default: plain)");
  sub->add_flag("--quiet,-q", a->quiet, "No progress display");
  sub->add_flag("--sync", a->sync, "fsync every write batch (survives power loss)");
  sub->add_option("--gazetteer", a->gazetteer,
                  "GeoNames index for geocoding addresses without coordinates (default: "
                  "$STC_GAZETTEER or the one scripts/setup builds; geocoding is skipped when "
                  "the default is missing)");
  sub->add_flag("--no-geocode", a->no_geocode,
                "Do not geocode: locations without coordinates stay unlocated");
  sub->add_flag("--force", a->force,
                "Read every file, even those the store registered as ingested and unchanged "
                "(records are deduplicated either way; a unit whose bytes the store holds "
                "from an earlier read with the same settings is taken from the store, not "
                "parsed again: see records_recognised in the summary)");
  sub->add_option(
      "--replace", a->replace,
      "SOURCE:YEAR (e.g. pct:2021): the files replace that year of that source. Their "
      "records of other years or sources are skipped; stored records of that year "
      "absent from the files are removed. Re-run an interrupted replace to complete it");
  sub->add_option("--scopus-subtypes", a->scopus_subtypes,
                  "Scopus subtype codes in scope (others are skipped, counted as doc_type)")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--openalex-types", a->openalex_types, "OpenAlex work types in scope")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--exclude-subject-areas", a->excluded_subject_areas,
                  "ASJC subject areas treated as social sciences and humanities: a record whose "
                  "subjects are all in them is skipped (ssh_subject); see docs/formats.md")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_flag("--keep-ssh", a->keep_ssh, "Do not skip social-science and humanities records");
  sub->add_option("--flush-mb", a->flush_mb,
                  "Memory for writes buffered between atomic store writes, MiB, split between the "
                  "buffer being filled and the one being written (advanced: larger = fewer, "
                  "bigger writes; a crash loses at most this much work, which a re-run redoes; "
                  "also bounds the cells a first load keeps in memory until its end)")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  sub->add_option("--max-reject-rate", a->max_reject_rate,
                  "Share of records (0..1) that may be rejected without failing the run (exit 1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();

  return {sub, [a] { return RunIngest(*a); }};
}

}  // namespace stc
