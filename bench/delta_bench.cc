// Cost of a nightly delta: ingesting the same 1% delta (new records and
// corrections of stored ones) into stores of different sizes must take about
// the same time: the cost follows the delta, not the store. Each iteration
// starts from a fresh checkpoint copy of the base store (copy not timed).
#include <benchmark/benchmark.h>
#include <unistd.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "gen/generator.h"
#include "pipeline/ingest.h"

namespace stc {
namespace {

namespace fs = std::filesystem;

constexpr int kDeltaRecords = 4000;  // 1% of the largest base.

std::string TempRoot() {
  static std::string root =
      (fs::temp_directory_path() / ("stc_delta_bench_" + std::to_string(::getpid()))).string();
  return root;
}

std::string Decompress(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string z = ss.str();
  std::string out, buf(1 << 20, '\0');
  ZSTD_DStream* ds = ZSTD_createDStream();
  ZSTD_inBuffer ib{z.data(), z.size(), 0};
  while (ib.pos < ib.size) {
    ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
    if (ZSTD_isError(ZSTD_decompressStream(ds, &ob, &ib))) break;
    out.append(buf.data(), ob.pos);
  }
  ZSTD_freeDStream(ds);
  return out;
}

// A base store of `records` records (built once per size) and the delta file.
struct Base {
  std::string store_dir;
  std::string delta_file;
};

const Base& GetBase(int64_t records) {
  static std::map<int64_t, Base> bases;
  auto it = bases.find(records);
  if (it != bases.end()) return it->second;
  Base b;
  std::string dir = TempRoot() + "/base-" + std::to_string(records);
  GeneratorOptions g;
  g.records = static_cast<uint64_t>(records);
  g.seed = 9;
  g.files_per_source = 1;
  g.pct_share = 1.0;
  g.duplicate_rate = 0;
  g.correction_rate = 0;
  g.compress = true;
  g.out_dir = dir + "/dump";
  auto sum = GenerateNormalisedDump(g);
  if (!sum.ok()) std::abort();
  StoreOptions so;
  so.create_if_missing = true;
  b.store_dir = dir + "/store";
  auto store = Store::Open(b.store_dir, so);
  if (!store.ok()) std::abort();
  IngestOptions io;
  io.rejects_path = dir + "/rejects.jsonl";
  if (!Ingest(store->get(), sum->files, io).ok()) std::abort();
  // The delta: half corrections of stored records (a newer version), half
  // new records (their keys moved to an unused year).
  std::string lines;
  for (const std::string& f : sum->files) {
    if (f.find("/pct-") != std::string::npos) lines += Decompress(f);
  }
  std::string delta;
  std::istringstream in(lines);
  std::string line;
  for (int i = 0; i < kDeltaRecords && std::getline(in, line); ++i) {
    if (i % 2 == 0) {
      delta += "{\"updated\":\"2030-01-01\"," + line.substr(1) + "\n";
    } else {
      size_t k = line.find("PCT/");
      if (k != std::string::npos) line.replace(k, 4, "PCT/ZZ");  // A new key.
      delta += line + "\n";
    }
  }
  b.delta_file = dir + "/delta.jsonl";
  std::ofstream(b.delta_file) << delta;
  return bases.emplace(records, b).first->second;
}

void BM_IngestDelta(benchmark::State& state) {
  const Base& base = GetBase(state.range(0));
  int64_t records = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string copy = TempRoot() + "/copy";
    fs::remove_all(copy);
    {
      StoreOptions so;
      auto src = Store::Open(base.store_dir, so);
      if (!src.ok() || !(*src)->Checkpoint(copy).ok()) {
        state.SkipWithError("checkpoint failed");
        return;
      }
    }
    StoreOptions so;
    auto store = Store::Open(copy, so);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    IngestOptions io;
    io.threads = 2;
    io.rejects_path = TempRoot() + "/rejects.jsonl";
    state.ResumeTiming();
    auto stats = Ingest(store->get(), {base.delta_file}, io);
    if (!stats.ok() || stats->records_new + stats->records_updated != kDeltaRecords) {
      state.SkipWithError("the delta did not land as expected");
      return;
    }
    records += static_cast<int64_t>(stats->records_read);
  }
  state.SetItemsProcessed(records);
  state.counters["store_records"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_IngestDelta)
    ->Arg(100000)
    ->Arg(400000)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace stc
