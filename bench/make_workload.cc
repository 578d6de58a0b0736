// stc_bench_workload: writes the performance workload of scripts/bench
// (docs/performance.md): N pct-jsonl lines of about 390 bytes, 1-8 inventors
// (mean 3.2)
// each with one address carrying country, lat and lon, split into F zstd
// level-3 files; a share of the lines (default 3%) repeat an earlier record
// byte for byte (same id, same content).
//
// Deterministic: line i depends only on (seed, i), so the files are identical
// on every run and machine, and a repeated line is regenerated from the index
// of the record it copies (constant memory at any size). Files are written in
// parallel (one thread per file, at most --threads at a time).
//
// Usage: stc_bench_workload --records N --out DIR [--files 4] [--dup 0.03]
//        [--seed 1] [--level 3] [--threads 2]
// Prints the file paths; exit 1 on a write error, 2 on a bad command line.
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(Mix(seed)) {}
  uint64_t Next() { return s_ = Mix(s_); }
  uint64_t Below(uint64_t n) { return Next() % n; }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t s_;
};

struct Country {
  const char* code;
  double lat, lon;  // A centre; addresses spread +-2 degrees around it.
};
constexpr Country kCountries[] = {
    {"JP", 35.68, 139.69},  {"CN", 31.23, 121.47}, {"US", 37.77, -122.42}, {"DE", 48.14, 11.58},
    {"KR", 37.57, 126.98},  {"FR", 48.86, 2.35},   {"GB", 51.51, -0.13},   {"CH", 47.38, 8.54},
    {"SE", 59.33, 18.07},   {"NL", 52.37, 4.90},   {"IT", 45.46, 9.19},    {"CA", 43.65, -79.38},
    {"IN", 12.97, 77.59},   {"IL", 32.08, 34.78},  {"FI", 60.17, 24.94},   {"AU", -33.87, 151.21},
    {"BR", -23.55, -46.63}, {"SG", 1.35, 103.82},  {"ES", 40.42, -3.70},   {"DK", 55.68, 12.57}};
constexpr int kNumCountries = sizeof(kCountries) / sizeof(kCountries[0]);
constexpr const char* kNames[] = {"SATO", "SUZUKI", "WANG",   "LI",    "ZHANG", "SMITH",   "MULLER",
                                  "KIM",  "PARK",   "MARTIN", "JONES", "ROSSI", "NILSSON", "COHEN"};
constexpr const char* kGiven[] = {"Wei", "Hiro", "Anna", "Jin", "Paul", "Eva", "Min", "Lars"};
constexpr const char kIpc[] = "ABCDEFGH";

void AppendCoord(std::string* out, double v) {
  // Five decimals, exactly as a 1e-5 integer (no rounding surprises downstream).
  long long e5 = std::llround(v * 100000.0);
  char buf[32];
  const char* sign = e5 < 0 ? "-" : "";
  long long a = e5 < 0 ? -e5 : e5;
  int n = std::snprintf(buf, sizeof buf, "%s%lld.%05lld", sign, a / 100000, a % 100000);
  out->append(buf, static_cast<size_t>(n));
}

// Appends record `index` (its content depends on seed and index only).
void AppendRecord(uint64_t seed, uint64_t index, std::string* out) {
  Rng rng(seed * 0x100000001b3ULL ^ index);
  const uint64_t combos = static_cast<uint64_t>(kNumCountries) * 9;
  const Country& office = kCountries[index % kNumCountries];
  const int year = 2015 + static_cast<int>((index / kNumCountries) % 9);
  const uint64_t serial = index / combos;
  char head[160];
  int n = std::snprintf(
      head, sizeof head,
      "{\"application_number\":\"PCT/%s%d/%06llu\",\"publication_date\":\"%d-%02d-"
      "%02d\",\"kind\":\"A1\",\"ipc\":[\"%c%02d%c %d/%02d\"],\"inventors\":[",
      office.code, year - 1, static_cast<unsigned long long>(serial), year,
      1 + static_cast<int>(rng.Below(12)), 1 + static_cast<int>(rng.Below(28)), kIpc[rng.Below(8)],
      static_cast<int>(rng.Below(99)), static_cast<char>('A' + rng.Below(26)),
      static_cast<int>(rng.Below(99)), static_cast<int>(rng.Below(99)));
  out->append(head, static_cast<size_t>(n));
  // 1-8 persons, small teams more frequent (mean about 3.2, lines about 390 B).
  const int persons = 1 + static_cast<int>(std::min(rng.Below(8), rng.Below(8)));
  for (int p = 0; p < persons; ++p) {
    // Mostly the office's country, sometimes another one.
    const Country& c = rng.Below(4) == 0 ? kCountries[rng.Below(kNumCountries)] : office;
    if (p > 0) out->push_back(',');
    out->append("{\"name\":\"");
    out->append(kNames[rng.Below(sizeof(kNames) / sizeof(kNames[0]))]);
    out->push_back(' ');
    out->append(kGiven[rng.Below(sizeof(kGiven) / sizeof(kGiven[0]))]);
    out->push_back(' ');
    out->push_back(static_cast<char>('A' + p));  // Persons of a record are distinct.
    out->append("\",\"addresses\":[{\"country\":\"");
    out->append(c.code);
    out->append("\",\"lat\":");
    AppendCoord(out, c.lat + (rng.Unit() - 0.5) * 4);
    out->append(",\"lon\":");
    AppendCoord(out, c.lon + (rng.Unit() - 0.5) * 4);
    out->append("}]}");
  }
  out->append("]}\n");
}

struct Options {
  uint64_t records = 2000000;
  int files = 4;
  double dup = 0.03;
  uint64_t seed = 1;
  int level = 3;
  int threads = 2;
  std::string out;
};

// Whether line `line` repeats an earlier record (line 0 never does).
bool IsRepeat(const Options& o, uint64_t line) {
  if (line == 0) return false;
  Rng draw(o.seed ^ (line * 0x9e3779b97f4a7c15ULL) ^ 0x5bd1e995);
  return draw.Unit() < o.dup;
}

// Writes lines [begin, end) to `path`. Line i repeats an earlier record with
// probability dup; otherwise it is the next new record (record ids are line
// indices minus the repeats before them, computed from the same draws).
bool WriteFile(const Options& o, const std::string& path, uint64_t begin, uint64_t end) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot create %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, o.level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string in, out(ZSTD_CStreamOutSize(), '\0');
  bool ok = true;
  auto flush = [&](ZSTD_EndDirective mode) {
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    size_t left;
    do {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      left = ZSTD_compressStream2(cctx, &ob, &ib, mode);
      if (ZSTD_isError(left)) {
        ok = false;
        return;
      }
      if (std::fwrite(out.data(), 1, ob.pos, f) != ob.pos) ok = false;
    } while (mode == ZSTD_e_end ? left != 0 : ib.pos < ib.size);
    in.clear();
  };
  // The record of a new line is its line index (indices of repeated lines
  // are never used as ids: the key space stays unique without a prefix count).
  for (uint64_t line = begin; line < end && ok; ++line) {
    if (IsRepeat(o, line)) {
      Rng draw(o.seed ^ (line * 0xc2b2ae3d27d4eb4fULL));
      uint64_t j;
      do {
        j = draw.Below(line);  // An earlier line holding a new record.
      } while (IsRepeat(o, j));
      AppendRecord(o.seed, j, &in);
    } else {
      AppendRecord(o.seed, line, &in);
    }
    if (in.size() >= (1 << 20)) flush(ZSTD_e_continue);
  }
  if (ok) flush(ZSTD_e_end);
  ZSTD_freeCCtx(cctx);
  if (std::fclose(f) != 0) ok = false;
  if (!ok) std::fprintf(stderr, "write failed: %s\n", path.c_str());
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--records") {
      o.records = std::strtoull(next(), nullptr, 10);
    } else if (a == "--files") {
      o.files = std::atoi(next());
    } else if (a == "--dup") {
      o.dup = std::atof(next());
    } else if (a == "--seed") {
      o.seed = std::strtoull(next(), nullptr, 10);
    } else if (a == "--level") {
      o.level = std::atoi(next());
    } else if (a == "--threads") {
      o.threads = std::atoi(next());
    } else if (a == "--out") {
      o.out = next();
    } else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (o.out.empty() || o.files < 1 || o.threads < 1 || o.records == 0) {
    std::fprintf(stderr,
                 "usage: stc_bench_workload --records N --out DIR [--files 4] [--dup 0.03] "
                 "[--seed 1] [--level 3] [--threads 2]\n");
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  std::vector<std::string> paths(static_cast<size_t>(o.files));
  for (int k = 0; k < o.files; ++k) {
    char name[64];
    std::snprintf(name, sizeof name, "/pct-%03d.jsonl.zst", k);
    paths[static_cast<size_t>(k)] = o.out + name;
  }
  std::atomic<int> next{0};
  std::atomic<bool> ok{true};
  std::vector<std::thread> pool;
  for (int t = 0; t < std::min(o.threads, o.files); ++t) {
    pool.emplace_back([&] {
      for (int k; (k = next.fetch_add(1)) < o.files;) {
        uint64_t begin = o.records * static_cast<uint64_t>(k) / static_cast<uint64_t>(o.files);
        uint64_t end = o.records * static_cast<uint64_t>(k + 1) / static_cast<uint64_t>(o.files);
        if (!WriteFile(o, paths[static_cast<size_t>(k)], begin, end)) ok = false;
      }
    });
  }
  for (auto& t : pool) t.join();
  if (!ok) return 1;
  for (const auto& p : paths) std::printf("%s\n", p.c_str());
  return 0;
}
