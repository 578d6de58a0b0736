// Apply throughput of the store: batches of 10k record puts (sorted or random
// keys), of 10k aggregate merges, and of 10k records with their aggregates and
// totals (what one ingest chunk writes). Items/s counts records or merges.
// Then the end-of-ingest fold of the pending aggregates (items: entries
// merged), and the batched record look-ups of a chunk's sorted keys
// (ForEachStoredRecord, against point look-ups of the same keys).
//
// Every benchmark writes into a fresh store under the system temp directory
// and removes it afterwards. Batches are built with the timer paused. Rates
// use wall time: RocksDB flushes and compacts on background threads.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"
#include "core/record_codec.h"
#include "stores/keys.h"
#include "stores/store.h"

namespace stc {
namespace {

constexpr int kBatch = 10000;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class BenchStore {
 public:
  explicit BenchStore(const char* name) {
    dir_ = (std::filesystem::temp_directory_path() /
            ("stc_stores_bench_" + std::to_string(getpid()) + "_" + name))
               .string();
    std::filesystem::remove_all(dir_);
    StoreOptions o;
    o.create_if_missing = true;
    auto r = Store::Open(dir_, o);
    if (r.ok())
      store_ = std::move(r).value();
    else
      error_ = r.status().ToString();
  }
  ~BenchStore() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Store* get() { return store_.get(); }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  std::string error_;
  std::unique_ptr<Store> store_;
};

// A typical encoded record: three inventors in two cities.
std::string SampleValue() {
  CountedRecord r;
  r.year = 2021;
  r.version = 20210923;
  r.field = "H";
  r.codes = {"H04W 72/04", "G06F 3/01"};
  r.orgs = {"Sony Group Corp"};
  r.points = {{3562840, 13973870, {'J', 'P'}, 666666667},
              {3468000, 13550000, {'J', 'P'}, 333333333}};
  r.persons = 3;
  std::string out;
  EncodeCountedRecord(r, &out);
  return out;
}

std::string RecordKey(uint64_t n, bool sorted) {
  char buf[40];
  uint64_t id = sorted ? n : SplitMix64(n);
  std::snprintf(buf, sizeof(buf), "PCT/%016llx", static_cast<unsigned long long>(id));
  return buf;
}

AggregateKey RandomCell(uint64_t n) {
  uint64_t h = SplitMix64(n);
  AggregateKey k;
  k.source = Source::kPct;
  k.year = 2015 + static_cast<int32_t>(h % 8);
  // 200k distinct cells: batches hit cells that earlier batches merged into.
  uint64_t cell = (h >> 8) % 200000;
  k.cell = {static_cast<int32_t>(cell / 400) - 250, static_cast<int32_t>(cell % 400) - 200};
  k.country[0] = 'J';
  k.country[1] = 'P';
  k.field = std::string(1, static_cast<char>('A' + (h >> 40) % 8));
  return k;
}

void Fail(benchmark::State& state, const std::string& what) { state.SkipWithError(what.c_str()); }

void BM_ApplyRecordPuts(benchmark::State& state) {
  const bool sorted = state.range(0) == 1;
  BenchStore store(sorted ? "puts_sorted" : "puts_random");
  if (!store.get()) return Fail(state, store.error());
  const std::string value = SampleValue();
  StoreBatch batch;
  uint64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batch.Clear();
    for (int i = 0; i < kBatch; ++i)
      batch.PutRecord(Source::kPct, RecordKey(next++, sorted), value);
    state.ResumeTiming();
    Status s = store.get()->Apply(batch);
    if (!s.ok()) return Fail(state, s.ToString());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetBytesProcessed(state.iterations() * kBatch * (20 + value.size()));
}
BENCHMARK(BM_ApplyRecordPuts)
    ->ArgName("sorted")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ApplyAggregateMerges(benchmark::State& state) {
  BenchStore store("merges");
  if (!store.get()) return Fail(state, store.error());
  StoreBatch batch;
  uint64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batch.Clear();
    for (int i = 0; i < kBatch; ++i) batch.AddAggregate(RandomCell(next++), 333333333);
    state.ResumeTiming();
    Status s = store.get()->Apply(batch);
    if (!s.ok()) return Fail(state, s.ToString());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_ApplyAggregateMerges)->Unit(benchmark::kMillisecond)->UseRealTime();

// 10k new records (random keys), 3 aggregate deltas each, and totals.
void BM_ApplyIngestChunk(benchmark::State& state) {
  BenchStore store("chunk");
  if (!store.get()) return Fail(state, store.error());
  const std::string value = SampleValue();
  StoreBatch batch;
  uint64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batch.Clear();
    for (int i = 0; i < kBatch; ++i) {
      uint64_t n = next++;
      batch.PutRecord(Source::kPct, RecordKey(n, false), value);
      for (uint64_t j = 0; j < 3; ++j) batch.AddAggregate(RandomCell(n * 3 + j), 333333333);
      batch.AddTotals(Source::kPct, 2021, kUnit, 1, 1);
    }
    state.ResumeTiming();
    Status s = store.get()->Apply(batch);
    if (!s.ok()) return Fail(state, s.ToString());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_ApplyIngestChunk)->Unit(benchmark::kMillisecond)->UseRealTime();

// FoldPendingAggregates after range(0) flushes of range(1) distinct cell
// deltas each, drawn from 2M cells (flushes share about a tenth of their
// cells), into empty aggregates: the k-way merge and the table files of a
// large ingest's end. The log is rewritten before each fold, untimed.
void BM_FoldPendingAggregates(benchmark::State& state) {
  const int flushes = static_cast<int>(state.range(0));
  const int entries = static_cast<int>(state.range(1));
  uint64_t next = 0;
  std::vector<std::string> keys;
  std::string encoded;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = std::make_unique<BenchStore>("fold");
    if (!store->get()) return Fail(state, store->error());
    for (int f = 0; f < flushes; ++f) {
      keys.clear();
      for (int i = 0; i < entries; ++i) {
        uint64_t h = SplitMix64(next++) % 2000000;
        AggregateKey k = RandomCell(h);
        k.cell = {static_cast<int32_t>(h / 2000), static_cast<int32_t>(h % 2000)};
        store_keys::EncodeAggregateKey(k, &encoded);
        keys.push_back(encoded);
      }
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      SortedAggregates cells;
      for (const std::string& k : keys) cells.Add(k, 333333333);
      StoreBatch totals;
      totals.AddTotals(Source::kPct, 2021, kUnit, 0, 1);
      Status s = store->get()->ApplyWithPendingAggregates({}, cells, totals);
      if (!s.ok()) return Fail(state, s.ToString());
    }
    state.ResumeTiming();
    Result<bool> folded = store->get()->FoldPendingAggregates();
    if (!folded.ok()) return Fail(state, folded.status().ToString());
    state.PauseTiming();  // The store's removal is not the fold's.
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * flushes * entries);
}
BENCHMARK(BM_FoldPendingAggregates)
    ->Args({4, 400000})
    ->Args({32, 400000})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);

// ---- Batched look-ups of a chunk's keys (ForEachStoredRecord)

// A store laid out as a re-read finds it: 4 table files of 250,000 records
// each (one per flush), every file holding a serial range of each of 48
// offices and years, so the files overlap over the whole key space.
constexpr int kLookUpFiles = 4;
constexpr int kLookUpPerFile = 250000;
constexpr int kLookUpRuns = 48;  // Offices x years.

// The key of record `i` of file `file`, in file order: the runs interleave
// (as a dump's lines do) and each run's serials ascend.
std::string LookUpKey(int file, int i) {
  static const char* kOffices[] = {"CN", "DE", "EP", "JP", "KR", "US"};
  const int run = i % kLookUpRuns;
  const int serial = file * (kLookUpPerFile / kLookUpRuns + 1) + i / kLookUpRuns;
  char buf[40];
  std::snprintf(buf, sizeof(buf), "PCT/%s%d/%06d", kOffices[run % 6], 2015 + run / 6, serial);
  return buf;
}

BenchStore* LookUpStore() {
  static BenchStore* store = [] {
    auto* s = new BenchStore("lookups");
    if (s->get() == nullptr) return s;
    const std::string value = SampleValue();
    for (int f = 0; f < kLookUpFiles; ++f) {
      StoreBatch batch;
      for (int i = 0; i < kLookUpPerFile; ++i)
        batch.PutRecord(Source::kPct, LookUpKey(f, i), value);
      if (!s->get()->Apply(batch).ok()) break;
    }
    return s;
  }();
  return store;
}

// One chunk's sorted keys (10,000): 0 = a chunk of file 1 (dense runs, all
// stored), 1 = keys spread thinly over the store (every 97th record of each
// file, all stored), 2 = the next file's keys (none stored, a nightly file),
// 3 = a chunk of file 1 with 3% of its keys lone repeats of records of the
// other files (as the bench workload's chunks).
std::vector<std::string> LookUpChunk(int layout) {
  std::vector<std::string> keys;
  for (int k = 0; k < kBatch; ++k) {
    if (layout == 0) keys.push_back(LookUpKey(1, 40000 + k));
    if (layout == 3) {
      const uint64_t h = SplitMix64(static_cast<uint64_t>(k));
      const int other = static_cast<int>(h % (kLookUpFiles - 1));
      keys.push_back(h % 100 < 3 ? LookUpKey(other == 1 ? kLookUpFiles - 1 : other,
                                             static_cast<int>((h >> 8) % kLookUpPerFile))
                                 : LookUpKey(1, 40000 + k));
    }
    if (layout == 1) keys.push_back(LookUpKey(k % kLookUpFiles, (k / kLookUpFiles) * 97));
    if (layout == 2) keys.push_back(LookUpKey(kLookUpFiles, 40000 + k));
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Args: layout, 0 = ForEachStoredRecord, 1 = GetRecords (point look-ups).
void BM_LookUpChunk(benchmark::State& state) {
  BenchStore* store = LookUpStore();
  if (store->get() == nullptr) return Fail(state, store->error());
  const std::vector<std::string> owned = LookUpChunk(static_cast<int>(state.range(0)));
  const std::vector<std::string_view> keys(owned.begin(), owned.end());
  std::vector<std::optional<std::string>> values;
  size_t found = 0;
  for (auto _ : state) {
    found = 0;
    Status st;
    if (state.range(1) == 0) {
      st = store->get()->ForEachStoredRecord(Source::kPct, keys, [&](size_t, std::string_view) {
        ++found;
        return Status::Ok();
      });
    } else {
      st = store->get()->GetRecords(Source::kPct, keys, &values);
      for (const auto& v : values) found += v.has_value();
    }
    if (!st.ok()) return Fail(state, st.ToString());
  }
  state.counters["found"] = static_cast<double>(found);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(keys.size()));
}
BENCHMARK(BM_LookUpChunk)
    ->ArgsProduct({{0, 1, 2, 3}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace stc
