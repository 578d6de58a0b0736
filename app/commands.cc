#include "app/commands.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "gen/generator.h"
#include "pipeline/export.h"
#include "pipeline/ingest.h"
#include "stores/store.h"

namespace stc {
namespace {

int Fail(const Status& st, int code) {
  std::cerr << "stcluster: " << st.ToString() << "\n";
  return code;
}

int StoreFail(const Status& st) {
  return Fail(st, st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitStore);
}

Result<std::unique_ptr<Store>> OpenForReading(const std::string& db) {
  StoreOptions o;
  o.read_only = true;
  return Store::Open(db, o);
}

// "2019-2023" or "2021".
bool ParseYears(const std::string& s, int32_t* from, int32_t* to) {
  if (s.empty()) return true;
  size_t dash = s.find('-');
  try {
    if (dash == std::string::npos) {
      *from = *to = std::stoi(s);
    } else {
      *from = std::stoi(s.substr(0, dash));
      *to = std::stoi(s.substr(dash + 1));
    }
  } catch (...) {
    return false;
  }
  return *from <= *to;
}

std::string Percent(Units part, Units whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%",
                whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

// Progress on a terminal: compressed bytes done of total, records/s, ETA.
class Progress {
 public:
  Progress(bool enabled, uint64_t total_bytes)
      : enabled_(enabled && isatty(STDERR_FILENO)), total_(total_bytes),
        start_(std::chrono::steady_clock::now()), last_(start_) {}
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

}  // namespace

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
  auto store = Store::Open(args.db, so);
  if (!store.ok()) return StoreFail(store.status());

  Progress progress(!args.quiet, total);
  IngestOptions io;
  io.threads = args.threads;
  io.format = args.format;
  io.rejects_path = args.rejects;
  io.progress = [&](uint64_t done, uint64_t records) { progress.Update(done, records); };
  auto stats = Ingest(store->get(), args.inputs, io);
  progress.Done();
  if (!stats.ok()) {
    const Status& st = stats.status();
    if (st.code() == StatusCode::kInvalidArgument) return Fail(st, kExitUsage);
    if (st.code() == StatusCode::kNotFound) return Fail(st, kExitInput);
    return Fail(st, kExitStore);
  }
  std::cerr << stats->ToText();
  if (!args.stats_json.empty()) {
    std::ofstream out(args.stats_json);
    out << stats->ToJson() << "\n";
    if (!out) {
      std::cerr << "stcluster: cannot write " << args.stats_json << "\n";
      return kExitInput;
    }
  }
  if (stats->AnyRejected()) {
    std::cerr << "some input was rejected: see "
              << (args.rejects.empty() ? args.db + "/rejects.jsonl" : args.rejects) << "\n";
    return kExitRejected;
  }
  return kExitOk;
}

int RunExport(const ExportArgs& args) {
  ExportOptions eo;
  eo.format = args.format == "json" ? ExportOptions::Format::kJson : ExportOptions::Format::kCsv;
  if (!args.source.empty()) {
    Source s;
    if (!ParseSource(args.source, &s)) {
      std::cerr << "stcluster: unknown --source '" << args.source << "' (pct, article, vc)\n";
      return kExitUsage;
    }
    eo.source = s;
  }
  if (!ParseYears(args.years, &eo.year_from, &eo.year_to)) {
    std::cerr << "stcluster: --years must be A-B or a year, got '" << args.years << "'\n";
    return kExitUsage;
  }
  auto store = OpenForReading(args.db);
  if (!store.ok()) return StoreFail(store.status());
  Status st;
  if (args.output.empty()) {
    st = ExportAggregates(**store, eo, std::cout);
  } else {
    std::ofstream out(args.output, std::ios::binary);
    if (!out) return Fail(Status::IoError("cannot write " + args.output), kExitInput);
    st = ExportAggregates(**store, eo, out);
  }
  if (!st.ok()) return Fail(st, kExitStore);
  return kExitOk;
}

int RunStats(const StatsArgs& args) {
  auto store = OpenForReading(args.db);
  if (!store.ok()) return StoreFail(store.status());
  auto totals = (*store)->GetTotals();
  if (!totals.ok()) return Fail(totals.status(), kExitStore);
  std::map<Source, int64_t> cells;
  Status st = (*store)->ForEachAggregate([&](const AggregateKey& k, Units) {
    ++cells[k.source];
    return Status::Ok();
  });
  if (!st.ok()) return Fail(st, kExitStore);
  std::string grid = FormatE5((*store)->grid().step_e5());
  if (args.json) {
    std::cout << "{\"grid_deg\":\"" << grid << "\",\"totals\":[";
    bool first = true;
    for (const auto& t : *totals) {
      std::cout << (first ? "" : ",") << "{\"source\":\"" << SourceName(t.source)
                << "\",\"year\":" << t.year << ",\"records\":" << t.records << ",\"world\":\""
                << FormatUnits(t.world) << "\",\"unlocated\":\"" << FormatUnits(t.unlocated)
                << "\"}";
      first = false;
    }
    std::cout << "],\"cells\":{";
    first = true;
    for (const auto& [s, n] : cells) {
      std::cout << (first ? "" : ",") << "\"" << SourceName(s) << "\":" << n;
      first = false;
    }
    std::cout << "}}\n";
    return kExitOk;
  }
  std::cout << "store:  " << (*store)->dir() << "\n";
  std::cout << "grid:   " << grid << " degree\n";
  std::cout << "source   year    records        world    unlocated  unlocated%\n";
  std::map<Source, YearTotals> sums;
  for (const auto& t : *totals) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%-8s %4d %10lld %12s %12s %10s\n",
                  std::string(SourceName(t.source)).c_str(), t.year,
                  static_cast<long long>(t.records), FormatUnits(t.world).c_str(),
                  FormatUnits(t.unlocated).c_str(), Percent(t.unlocated, t.world).c_str());
    std::cout << buf;
    YearTotals& s = sums[t.source];
    s.records += t.records;
    s.world += t.world;
    s.unlocated += t.unlocated;
  }
  for (const auto& [s, t] : sums) {
    std::cout << SourceName(s) << ": " << t.records << " records, " << cells[s]
              << " non-empty cells, unlocated " << Percent(t.unlocated, t.world) << "\n";
  }
  if (totals->empty()) std::cout << "(empty)\n";
  return kExitOk;
}

int RunGenerate(const GenerateArgs& args) {
  GeneratorOptions o;
  o.records = args.records;
  o.seed = args.seed;
  o.files_per_source = args.files;
  o.compress = !args.plain;
  o.out_dir = args.out;
  auto sum = GenerateNormalisedDump(o);
  if (!sum.ok()) return Fail(sum.status(), kExitInput);
  std::cerr << "wrote " << sum->files.size() << " files, " << sum->lines << " lines, "
            << sum->bytes / 1000000.0 << " MB uncompressed to " << args.out << "\n";
  for (const auto& f : sum->files) std::cout << f << "\n";
  return kExitOk;
}

}  // namespace stc
