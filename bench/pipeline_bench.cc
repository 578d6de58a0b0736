// Micro-benchmarks of the ingest hot path: parsing + counting per reader, and
// a whole ingest into a fresh store. Inputs come from the generator (fixed
// seed), so runs are comparable. Reports bytes/s and items/s (records).
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/grid.h"
#include "core/record_codec.h"
#include "gen/generator.h"
#include "parsers/registry.h"
#include "pipeline/chunk_lookup.h"
#include "pipeline/contributions.h"
#include "pipeline/counting.h"
#include "pipeline/ingest.h"
#include "stores/keys.h"

namespace stc {
namespace {

namespace fs = std::filesystem;

struct Workload {
  std::string dir;
  std::vector<std::string> files;
  std::string pct;      // Decompressed pct-jsonl lines.
  std::string article;  // Decompressed article-jsonl lines.
};

std::string Decompress(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string z = ss.str();
  std::string out;
  ZSTD_DStream* ds = ZSTD_createDStream();
  ZSTD_inBuffer ib{z.data(), z.size(), 0};
  std::string buf(1 << 20, '\0');
  while (ib.pos < ib.size) {
    ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
    ZSTD_decompressStream(ds, &ob, &ib);
    out.append(buf.data(), ob.pos);
  }
  ZSTD_freeDStream(ds);
  return out;
}

const Workload& GetWorkload() {
  static Workload* w = [] {
    auto* w = new Workload;
    w->dir = (fs::temp_directory_path() / ("stc_bench_" + std::to_string(::getpid()))).string();
    GeneratorOptions o;
    o.records = 200000;
    o.seed = 42;
    o.out_dir = w->dir + "/dump";
    auto sum = GenerateNormalisedDump(o);
    if (!sum.ok()) std::abort();
    w->files = sum->files;
    for (const auto& f : w->files) {
      (f.find("pct-") != std::string::npos ? w->pct : w->article) += Decompress(f);
    }
    return w;
  }();
  return *w;
}

// Counts and encodes each record, as the ingest's sink does (persons as
// views when `views`, as the ingest takes them).
class NullSink : public ParseSink {
 public:
  explicit NullSink(bool views = true) : views_(views) {}
  bool AcceptsPersonViews() const override { return views_; }
  Record* NewRecord() override {
    Flush();
    record_.Clear();
    pending_ = true;
    return &record_;
  }
  void Reject(std::string_view, std::string_view) override {
    pending_ = false;
    ++rejects;
  }
  void Skip(std::string_view) override { pending_ = false; }
  void Warn(std::string_view) override {}
  void Delete(std::string_view) override {}
  void Flush() {
    if (!pending_) return;
    pending_ = false;
    CountRecordTaking(&record_, &counted_);  // As the ingest's sink.
    encoded_.clear();
    EncodeCountedRecord(counted_, &encoded_);
    benchmark::DoNotOptimize(FingerprintEncoded(encoded_));
    ++records;
  }
  int64_t records = 0, rejects = 0;

 private:
  Record record_;
  CountedRecord counted_;
  std::string encoded_;
  bool pending_ = false;
  bool views_;
};

void ParseAndCount(benchmark::State& state, const std::string& data, const char* format,
                   bool views = true) {
  auto parser = FindFormat(format)->NewParser();
  std::string padded = data + std::string(kUnitPadding, ' ');
  NullSink sink(views);
  for (auto _ : state) {
    size_t pos = 0;
    while (pos < data.size()) {
      size_t nl = data.find('\n', pos);
      if (nl == std::string::npos) nl = data.size();
      parser->Parse(std::string_view(padded.data() + pos, nl - pos), &sink);
      sink.Flush();
      pos = nl + 1;
    }
  }
  if (sink.rejects != 0) state.SkipWithError("rejects in a clean generated dump");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.SetItemsProcessed(sink.records);
}

void BM_ParseCountPct(benchmark::State& state) {
  ParseAndCount(state, GetWorkload().pct, "pct-jsonl");
}
void BM_ParseCountArticle(benchmark::State& state) {
  ParseAndCount(state, GetWorkload().article, "article-jsonl");
}
BENCHMARK(BM_ParseCountPct)->Unit(benchmark::kMillisecond);

// The parse half of scripts/bench's floor (bench/floor_reader.cc) on the same
// lines as BM_ParseCountPct: simdjson On-Demand reading the id, the year and
// every inventor address's lat/lon/country; no validation, no Record, no
// counting. BM_ParseCountPct / BM_FloorParsePct is the parse stage's distance
// from the floor.
void FloorParse(benchmark::State& state, const std::string& data) {
  using simdjson::ondemand::object;
  std::string padded = data + std::string(kUnitPadding, ' ');
  simdjson::ondemand::parser parser;
  uint64_t checksum = 0;
  int64_t records = 0;
  auto read_line = [&](std::string_view line) -> bool {
    simdjson::ondemand::document doc;
    if (parser.iterate(line.data(), line.size(), line.size() + kUnitPadding).get(doc)) {
      return false;
    }
    object obj;
    if (doc.get_object().get(obj)) return false;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return false;
      if (key == "application_number") {
        std::string_view id;
        if (field.value().get_string().get(id)) return false;
        checksum += id.size() + static_cast<unsigned char>(id.back());
      } else if (key == "publication_date") {
        std::string_view d;
        if (field.value().get_string().get(d) || d.size() < 4) return false;
        checksum += static_cast<uint64_t>((d[0] - '0') * 1000 + (d[1] - '0') * 100 +
                                          (d[2] - '0') * 10 + (d[3] - '0'));
      } else if (key == "inventors") {
        simdjson::ondemand::array persons;
        if (field.value().get_array().get(persons)) return false;
        for (auto p : persons) {
          object po;
          if (p.get_object().get(po)) return false;
          simdjson::ondemand::array addrs;
          if (po["addresses"].get_array().get(addrs)) continue;  // No address list.
          for (auto a : addrs) {
            object ao;
            if (a.get_object().get(ao)) return false;
            for (auto af : ao) {
              std::string_view ak;
              if (af.unescaped_key().get(ak)) return false;
              if (ak == "lat" || ak == "lon") {
                double v;
                if (af.value().get_double().get(v)) continue;
                checksum += static_cast<uint64_t>(static_cast<int64_t>(v * 1e5));
              } else if (ak == "country") {
                std::string_view c;
                if (af.value().get_string().get(c)) return false;
                if (!c.empty()) checksum += static_cast<unsigned char>(c[0]);
              }
            }
          }
        }
      }
    }
    return true;
  };
  for (auto _ : state) {
    size_t pos = 0;
    while (pos < data.size()) {
      size_t nl = data.find('\n', pos);
      if (nl == std::string::npos) nl = data.size();
      if (read_line(std::string_view(padded.data() + pos, nl - pos))) ++records;
      pos = nl + 1;
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.SetItemsProcessed(records);
}

void BM_FloorParsePct(benchmark::State& state) { FloorParse(state, GetWorkload().pct); }
BENCHMARK(BM_FloorParsePct)->Unit(benchmark::kMillisecond);

// The same pair on scripts/bench's workload (lean lines: country, lat, lon per
// address): the first 64 MiB of the file named by STC_BENCH_WORKLOAD, e.g.
// /tmp/stc-bench/workload-1000000-4/pct-000.jsonl.zst (skipped when unset).
const std::string& BenchWorkload() {
  static const std::string* data = [] {
    auto* d = new std::string;
    if (const char* path = std::getenv("STC_BENCH_WORKLOAD")) {
      *d = Decompress(path);
      if (d->size() > (64u << 20)) d->resize(d->rfind('\n', 64u << 20) + 1);
    }
    return d;
  }();
  return *data;
}
void BM_ParseCountPctWorkload(benchmark::State& state) {
  if (BenchWorkload().empty()) return state.SkipWithError("STC_BENCH_WORKLOAD not set");
  ParseAndCount(state, BenchWorkload(), "pct-jsonl");
}
// The same with every record's persons in the Record's own form (Person and
// Location objects), the path of readers and lines without views.
void BM_ParseCountPctWorkloadNoViews(benchmark::State& state) {
  if (BenchWorkload().empty()) return state.SkipWithError("STC_BENCH_WORKLOAD not set");
  ParseAndCount(state, BenchWorkload(), "pct-jsonl", /*views=*/false);
}
void BM_FloorParsePctWorkload(benchmark::State& state) {
  if (BenchWorkload().empty()) return state.SkipWithError("STC_BENCH_WORKLOAD not set");
  FloorParse(state, BenchWorkload());
}
BENCHMARK(BM_ParseCountPctWorkload)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseCountPctWorkloadNoViews)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloorParsePctWorkload)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseCountArticle)->Unit(benchmark::kMillisecond);

// Collects parsed Records (for benchmarks of the steps after parsing).
class CollectSink : public ParseSink {
 public:
  Record* NewRecord() override {
    pending_ = true;
    return &records.emplace_back();
  }
  void Reject(std::string_view, std::string_view) override { Drop(); }
  void Skip(std::string_view) override { Drop(); }
  void Warn(std::string_view) override {}
  void Delete(std::string_view) override {}
  void EndUnit() { pending_ = false; }
  std::vector<Record> records;

 private:
  void Drop() {
    if (pending_) records.pop_back();
    pending_ = false;
  }
  bool pending_ = false;
};

const std::vector<Record>& PctRecords() {
  static const std::vector<Record>* records = [] {
    const std::string& data = GetWorkload().pct;
    std::string padded = data + std::string(kUnitPadding, ' ');
    auto parser = FindFormat("pct-jsonl")->NewParser();
    CollectSink sink;
    for (size_t pos = 0; pos < data.size();) {
      size_t nl = data.find('\n', pos);
      if (nl == std::string::npos) nl = data.size();
      parser->Parse(std::string_view(padded.data() + pos, nl - pos), &sink);
      sink.EndUnit();
      pos = nl + 1;
    }
    return new std::vector<Record>(std::move(sink.records));
  }();
  return *records;
}

// Fixed-point splitting alone (CountRecord): records/s and persons/s.
void BM_CountRecord(benchmark::State& state) {
  const std::vector<Record>& records = PctRecords();
  CountedRecord out;
  int64_t persons = 0;
  for (const Record& r : records) persons += static_cast<int64_t>(r.persons.size());
  for (auto _ : state) {
    for (const Record& r : records) {
      CountRecord(r, &out);
      benchmark::DoNotOptimize(out.points.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.counters["persons/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * persons), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CountRecord)->Unit(benchmark::kMillisecond);

// Record encoding + fingerprint (what the parse stage does after counting):
// records/s and encoded bytes/s.
void BM_EncodeRecord(benchmark::State& state) {
  std::vector<CountedRecord> counted(PctRecords().size());
  for (size_t i = 0; i < counted.size(); ++i) CountRecord(PctRecords()[i], &counted[i]);
  std::string encoded;
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const CountedRecord& c : counted) {
      encoded.clear();
      EncodeCountedRecord(c, &encoded);
      benchmark::DoNotOptimize(FingerprintEncoded(encoded));
      bytes += static_cast<int64_t>(encoded.size());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(counted.size()));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_EncodeRecord)->Unit(benchmark::kMillisecond);

// Decoding stored records as views (what profile scans do per record):
// records/s and encoded bytes/s.
void BM_DecodeRecordView(benchmark::State& state) {
  std::vector<std::string> encoded(PctRecords().size());
  int64_t bytes_per_pass = 0;
  for (size_t i = 0; i < encoded.size(); ++i) {
    CountedRecord c;
    CountRecord(PctRecords()[i], &c);
    EncodeCountedRecord(c, &encoded[i]);
    bytes_per_pass += static_cast<int64_t>(encoded[i].size());
  }
  CountedRecordView view;
  for (auto _ : state) {
    for (const std::string& e : encoded) {
      if (!DecodeCountedRecordView(e, &view).ok()) {
        state.SkipWithError("decoding failed");
        return;
      }
      benchmark::DoNotOptimize(view.points.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(encoded.size()));
  state.SetBytesProcessed(state.iterations() * bytes_per_pass);
}
BENCHMARK(BM_DecodeRecordView)->Unit(benchmark::kMillisecond);

// A point's cell on a grid whose step is known only at run time (counting
// and profile scans, once per point): points/s over random coordinates.
void BM_GridCellOf(benchmark::State& state) {
  std::mt19937 rng(1);
  std::vector<std::pair<int32_t, int32_t>> points(1 << 20);
  for (auto& [lat, lon] : points) {
    lat = static_cast<int32_t>(rng() % 18000001) - 9000000;
    lon = static_cast<int32_t>(rng() % 36000001) - 18000000;
  }
  const Grid grid(static_cast<int32_t>(state.range(0)));
  for (auto _ : state) {
    int64_t sum = 0;
    for (const auto& [lat, lon] : points) {
      const Cell c = grid.CellOf(lat, lon);
      sum += c.lat_idx ^ c.lon_idx;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(points.size()));
}
BENCHMARK(BM_GridCellOf)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// The writer's cell deltas (DeltaMap): adding counted records (their points
// to cells) and a sorted flush, as a 2M-record buffer does: the generator's
// records repeated over 8 years so that most cells are distinct; 0.1 degree
// cells, as scripts/bench. Cells/s.
void BM_DeltaMapAddFlush(benchmark::State& state) {
  std::vector<CountedRecord> counted(PctRecords().size());
  for (size_t i = 0; i < counted.size(); ++i) CountRecord(PctRecords()[i], &counted[i]);
  const Grid grid(10000);
  size_t points = 0;
  for (const CountedRecord& c : counted) points += c.points.size();
  DeltaMap map;  // Reserved and reused, as the writer's buffers are.
  map.Reserve(8 * points * 2 * sizeof(DeltaMap::Packed));
  int64_t cells = 0;
  for (auto _ : state) {
    for (int32_t shift = 0; shift < 8; ++shift) {
      for (CountedRecord& c : counted) {
        c.year += shift;
        map.Add(c, +1, grid);
        c.year -= shift;
        cells += static_cast<int64_t>(c.points.size());
      }
    }
    SortedAggregates out;
    StoreBatch totals;
    benchmark::DoNotOptimize(map.FlushSorted(&out, &totals).ok());
    benchmark::DoNotOptimize(out.size());
  }
  state.SetItemsProcessed(cells);
}
BENCHMARK(BM_DeltaMapAddFlush)->Unit(benchmark::kMillisecond);

// Sorting a run of cell deltas (what DeltaMap does every `run_min` deltas,
// 262,144 by default): arg 1 = DeltaMap::SortCells (radix), arg 0 = plain
// std::sort, on the same 1M cells, packed from store keys as Pack packs them:
// 9 years, 0.1 degree cells scattered around 200 places (both signs of
// latitude and longitude), 20 countries, 8 one-letter fields. Cells/s.
void BM_SortCells(benchmark::State& state) {
  std::mt19937_64 rng(11);
  std::vector<std::pair<int32_t, int32_t>> places(200);
  for (auto& [lat, lon] : places) {
    lat = static_cast<int32_t>(rng() % 1400) - 600;
    lon = static_cast<int32_t>(rng() % 3600) - 1800;
  }
  std::vector<DeltaMap::Packed> cells(1 << 20);
  std::string key;
  for (DeltaMap::Packed& p : cells) {
    AggregateKey k;
    k.source = Source::kPct;
    k.year = 2015 + static_cast<int32_t>(rng() % 9);
    const auto& [lat, lon] = places[rng() % places.size()];
    k.cell = Cell{lat + static_cast<int32_t>(rng() % 21) - 10,
                  lon + static_cast<int32_t>(rng() % 21) - 10};
    k.country[0] = static_cast<char>('A' + rng() % 20);
    k.country[1] = 'X';
    k.field = std::string(1, static_cast<char>('A' + rng() % 8));
    store_keys::EncodeAggregateKey(k, &key);
    unsigned char b[16] = {0};
    std::memcpy(b, key.data(), std::min<size_t>(key.size(), 16));
    p.w0 = p.w1 = 0;
    for (int i = 0; i < 8; ++i) p.w0 = p.w0 << 8 | b[i];
    for (int i = 8; i < 16; ++i) p.w1 = p.w1 << 8 | b[i];
    p.units = 1;
  }
  std::vector<DeltaMap::Packed> work(cells.size());
  LargeVector<DeltaMap::Packed> scratch;
  for (auto _ : state) {
    state.PauseTiming();
    work = cells;
    state.ResumeTiming();
    if (state.range(0) == 1) {
      DeltaMap::SortCells(work.data(), work.size(), &scratch);
    } else {
      std::sort(work.begin(), work.end(), [](const auto& a, const auto& b) {
        return a.w0 != b.w0 ? a.w0 < b.w0 : a.w1 < b.w1;
      });
    }
    benchmark::DoNotOptimize(work.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cells.size()));
}
BENCHMARK(BM_SortCells)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Sorting record keys of one layout ("PCT/JP2014/000123", 17 bytes), as the
// chunk look-ups (10,000 keys) and a flush (400,000) do: arg 0 = 1 through
// ChunkLookup::SortKey::Sort (a radix sort of compact keys from 512 keys
// on), 0 = std::sort with SortKey's comparison. Keys/s.
void BM_SortRecordKeys(benchmark::State& state) {
  std::mt19937_64 rng(12);
  std::vector<std::string> keys(static_cast<size_t>(state.range(1)));
  for (std::string& k : keys) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "PCT/%cP20%02d/%06d", static_cast<char>('A' + rng() % 20),
                  static_cast<int>(14 + rng() % 9), static_cast<int>(rng() % 300000));
    k = buf;
  }
  std::vector<ChunkLookup::SortKey> order;
  auto key_of = [&](uint32_t i) -> const std::string& { return keys[i]; };
  for (auto _ : state) {
    order.clear();
    for (uint32_t i = 0; i < keys.size(); ++i)
      order.push_back(ChunkLookup::SortKey::Of(keys[i], i));
    if (state.range(0) == 1) {
      ChunkLookup::SortKey::Sort(&order, key_of);
    } else {
      std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
        if (a.hi != b.hi) return a.hi < b.hi;
        if (a.lo != b.lo) return a.lo < b.lo;
        return key_of(a.item) < key_of(b.item);
      });
    }
    benchmark::DoNotOptimize(order.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(keys.size()));
}
BENCHMARK(BM_SortRecordKeys)
    ->Args({0, 10000})
    ->Args({1, 10000})
    ->Args({0, 400000})
    ->Args({1, 400000})
    ->Unit(benchmark::kMicrosecond);

// Whole ingest of the generated dump into a fresh store, `threads` workers.
void BM_IngestFresh(benchmark::State& state) {
  const Workload& w = GetWorkload();
  int64_t records = 0, bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string db = w.dir + "/db";
    fs::remove_all(db);
    StoreOptions so;
    so.create_if_missing = true;
    auto store = Store::Open(db, so);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    IngestOptions o;
    o.threads = static_cast<int>(state.range(0));
    o.rejects_path = w.dir + "/rejects.jsonl";
    state.ResumeTiming();
    auto stats = Ingest(store->get(), w.files, o);
    if (!stats.ok()) {
      state.SkipWithError(stats.status().ToString().c_str());
      return;
    }
    records += static_cast<int64_t>(stats->records_read);
    bytes += static_cast<int64_t>(stats->bytes);
  }
  state.SetItemsProcessed(records);
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_IngestFresh)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace stc
