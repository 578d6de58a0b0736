// Micro-benchmarks of the input path: zstd and gzip decompression through
// ByteSource (gzip against zlib's inflate, the library it replaced) and line
// chunking, in decompressed MB/s. The input (64 MiB of JSON-like
// lines) is generated in memory and written, compressed, to a temp dir.
#include <benchmark/benchmark.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "io/byte_source.h"
#include "io/line_chunker.h"
#include "io/unit_chunker.h"

namespace stc {
namespace {

constexpr size_t kInputBytes = 64 << 20;

std::string MakeJsonLines(size_t total) {
  std::mt19937_64 rng(42);
  static const char* const kNames[] = {"Sony Group Corp",    "Siemens AG",
                                       "Universite de Lyon", "Tsinghua University",
                                       "Acme Robotics Ltd",  "Max Planck Institute"};
  static const char* const kCountries[] = {"JP", "DE", "FR", "CN", "US", "GB", "KR"};
  std::string s;
  s.reserve(total + 1024);
  while (s.size() < total) {
    const uint64_t r = rng();
    s += "{\"application_number\":\"PCT/";
    s += kCountries[r % 7];
    s += "20" + std::to_string(10 + r % 14) + "/" + std::to_string(100000 + (r >> 8) % 900000);
    s += "\",\"publication_date\":\"20" + std::to_string(10 + (r >> 20) % 14) + "-0" +
         std::to_string(1 + (r >> 24) % 9) + "-1" + std::to_string((r >> 28) % 10) + "\",";
    s += "\"applicants\":[{\"name\":\"";
    s += kNames[(r >> 32) % 6];
    s += "\",\"country\":\"";
    s += kCountries[(r >> 36) % 7];
    s += "\",\"lat\":" + std::to_string(static_cast<double>((r >> 40) % 18000) / 100 - 90);
    s += ",\"lon\":" + std::to_string(static_cast<double>((r >> 44) % 36000) / 100 - 180);
    s += "}],\"ipc\":[\"H04W " + std::to_string((r >> 50) % 100) + "/0" +
         std::to_string((r >> 56) % 10) + "\"]}\n";
  }
  return s;
}

std::string ZstdCompress(const std::string& data, int level) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) return "";
  out.resize(n);
  return out;
}

// One gzip member (zlib, level 6, as `gzip` writes).
std::string GzipCompress(const std::string& data) {
  z_stream s{};
  if (deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return "";
  std::string out(deflateBound(&s, data.size()) + 64, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  const int ret = deflate(&s, Z_FINISH);
  out.resize(out.size() - s.avail_out);
  deflateEnd(&s);
  return ret == Z_STREAM_END ? out : "";
}

// The benchmark input, built once; its files are removed at exit.
struct Input {
  std::filesystem::path dir;
  std::string plain_path;
  std::string zstd_path;
  std::string zstd_bytes;
  std::string gzip_path;
  std::string gzip_bytes;
  size_t bytes = 0;

  Input() {
    dir = std::filesystem::temp_directory_path() / ("stc_io_bench_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string data = MakeJsonLines(kInputBytes);
    bytes = data.size();
    zstd_bytes = ZstdCompress(data, 3);
    plain_path = (dir / "input.jsonl").string();
    zstd_path = (dir / "input.jsonl.zst").string();
    std::ofstream(plain_path, std::ios::binary).write(data.data(), data.size());
    std::ofstream(zstd_path, std::ios::binary).write(zstd_bytes.data(), zstd_bytes.size());
    gzip_bytes = GzipCompress(data);
    gzip_path = (dir / "input.jsonl.gz").string();
    std::ofstream(gzip_path, std::ios::binary).write(gzip_bytes.data(), gzip_bytes.size());
  }
  ~Input() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const Input& GetInput() {
  static const Input* input = [] {
    static Input in;
    return &in;
  }();
  return *input;
}

// Ceiling: one-shot zstd decompression from memory into memory.
void BM_ZstdDecompressInMemory(benchmark::State& state) {
  const Input& in = GetInput();
  std::string out(in.bytes, '\0');
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  for (auto _ : state) {
    const size_t n = ZSTD_decompressDCtx(dctx, out.data(), out.size(), in.zstd_bytes.data(),
                                         in.zstd_bytes.size());
    if (ZSTD_isError(n) || n != in.bytes) state.SkipWithError("decompression failed");
    benchmark::DoNotOptimize(out.data());
  }
  ZSTD_freeDCtx(dctx);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.bytes));
}
BENCHMARK(BM_ZstdDecompressInMemory)->Unit(benchmark::kMillisecond);

// Reads the file at `path` through ByteSource (file in page cache) into a
// reused buffer of state.range(0) bytes, once per iteration.
void ReadThroughByteSource(benchmark::State& state, const std::string& path,
                           size_t compressed_bytes) {
  const Input& in = GetInput();
  std::vector<char> buf(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    Result<std::unique_ptr<ByteSource>> src = OpenByteSource(path);
    if (!src.ok()) {
      state.SkipWithError(src.status().ToString().c_str());
      break;
    }
    size_t total = 0;
    for (;;) {
      Result<size_t> n = (*src)->Read(buf.data(), buf.size());
      if (!n.ok() || *n == 0) break;
      total += *n;
    }
    if (total != in.bytes) state.SkipWithError("short read");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.bytes));
  state.counters["ratio"] = static_cast<double>(in.bytes) / static_cast<double>(compressed_bytes);
}

// Streaming zstd.
void BM_ZstdByteSource(benchmark::State& state) {
  ReadThroughByteSource(state, GetInput().zstd_path, GetInput().zstd_bytes.size());
}
BENCHMARK(BM_ZstdByteSource)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// Streaming gzip (ISA-L's inflate).
void BM_GzipByteSource(benchmark::State& state) {
  ReadThroughByteSource(state, GetInput().gzip_path, GetInput().gzip_bytes.size());
}
BENCHMARK(BM_GzipByteSource)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// Reference: zlib's one-shot inflate of the same member, memory to memory.
void BM_ZlibInflateInMemory(benchmark::State& state) {
  const Input& in = GetInput();
  std::string out(in.bytes, '\0');
  for (auto _ : state) {
    z_stream s{};
    if (inflateInit2(&s, 15 + 16) != Z_OK) {
      state.SkipWithError("inflateInit2 failed");
      break;
    }
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.gzip_bytes.data()));
    s.avail_in = static_cast<uInt>(in.gzip_bytes.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = static_cast<uInt>(out.size());
    const int ret = inflate(&s, Z_FINISH);
    inflateEnd(&s);
    if (ret != Z_STREAM_END || s.total_out != in.bytes) state.SkipWithError("inflate failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.bytes));
}
BENCHMARK(BM_ZlibInflateInMemory)->Unit(benchmark::kMillisecond);

// Chunks the file at `path` with LineChunker, or with UnitChunker when
// `unit_prefix` is given (a unit per line starting with it).
void ChunkFile(benchmark::State& state, const std::string& path,
               const char* unit_prefix = nullptr) {
  const Input& in = GetInput();
  LineChunkerOptions options;
  options.target_chunk_bytes = static_cast<size_t>(state.range(0));
  Chunk chunk;
  for (auto _ : state) {
    Result<std::unique_ptr<ByteSource>> src = OpenByteSource(path);
    if (!src.ok()) {
      state.SkipWithError(src.status().ToString().c_str());
      break;
    }
    std::unique_ptr<ChunkReader> chunker;
    if (unit_prefix != nullptr) {
      chunker =
          std::make_unique<UnitChunker>(std::move(src).value(), options, UnitRule{unit_prefix});
    } else {
      chunker = std::make_unique<LineChunker>(std::move(src).value(), options);
    }
    size_t total = 0;
    while (chunker->Next(&chunk)) total += chunk.data.size();
    if (total != in.bytes) state.SkipWithError("chunks do not add up");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.bytes));
}

// Decompression + chunking: the pipeline's serial input stage.
void BM_LineChunkerZstd(benchmark::State& state) { ChunkFile(state, GetInput().zstd_path); }
BENCHMARK(BM_LineChunkerZstd)->Arg(64 << 10)->Arg(4 << 20)->Unit(benchmark::kMillisecond);

// Chunking alone (plain file from the page cache).
void BM_LineChunkerPlain(benchmark::State& state) { ChunkFile(state, GetInput().plain_path); }
BENCHMARK(BM_LineChunkerPlain)->Arg(64 << 10)->Arg(4 << 20)->Unit(benchmark::kMillisecond);

// Unit chunking alone (the framing of XML and pretty-printed JSON documents):
// the same lines as units, each starting with `{"application_number"`.
void BM_UnitChunkerPlain(benchmark::State& state) {
  ChunkFile(state, GetInput().plain_path, "{\"application_number\"");
}
BENCHMARK(BM_UnitChunkerPlain)->Arg(4 << 20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace stc
