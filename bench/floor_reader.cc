// stc_floor_reader: the reference "floor" of scripts/bench: the least work
// any ingest of pct-jsonl files must do. Streaming zstd decompression plus one
// simdjson On-Demand pass per line reading the id, the year of the
// publication date and every inventor address's lat/lon/country, over T
// threads (each thread takes whole files from a shared counter). No
// validation, no counting, no store.
//
// Prints one line: `records R persons P bytes B compressed C seconds S
// checksum X` (the checksum keeps the compiler from skipping work and lets
// two runs on the same files be compared).
//
// --dom reads the same fields from a simdjson DOM parse of each line instead
// (the API the ingest's JSON Lines readers use): the same output, a cheaper
// parse for lines read whole (docs/performance.md, "The floor is the issue's,
// not the cheapest parse"). The floor of scripts/bench is the On-Demand pass
// the issue defines; the DOM pass is printed beside it.
//
// Usage: stc_floor_reader [--threads 2] [--dom] FILE...
// Exit 1 on an unreadable or corrupt file, 2 on a bad command line.
#include <simdjson.h>
#include <zstd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using simdjson::ondemand::object;

struct Totals {
  uint64_t records = 0, persons = 0, bytes = 0, compressed = 0, checksum = 0;
};

// Parses one line; adds what it read to `t`. False when the line is not JSON.
bool ReadLine(simdjson::ondemand::parser& parser, std::string_view line, Totals* t) {
  simdjson::ondemand::document doc;
  if (parser.iterate(line.data(), line.size(), line.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
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
      t->checksum += id.size() + static_cast<unsigned char>(id.back());
    } else if (key == "publication_date") {
      std::string_view d;
      if (field.value().get_string().get(d) || d.size() < 4) return false;
      t->checksum += static_cast<uint64_t>((d[0] - '0') * 1000 + (d[1] - '0') * 100 +
                                           (d[2] - '0') * 10 + (d[3] - '0'));
    } else if (key == "inventors") {
      simdjson::ondemand::array persons;
      if (field.value().get_array().get(persons)) return false;
      for (auto p : persons) {
        object po;
        if (p.get_object().get(po)) return false;
        ++t->persons;
        simdjson::ondemand::array addrs;
        if (po["addresses"].get_array().get(addrs)) return false;
        for (auto a : addrs) {
          object ao;
          if (a.get_object().get(ao)) return false;
          for (auto af : ao) {
            std::string_view ak;
            if (af.unescaped_key().get(ak)) return false;
            if (ak == "lat" || ak == "lon") {
              double v;
              if (af.value().get_double().get(v)) return false;
              t->checksum += static_cast<uint64_t>(static_cast<int64_t>(v * 1e5));
            } else if (ak == "country") {
              std::string_view c;
              if (af.value().get_string().get(c)) return false;
              if (!c.empty()) t->checksum += static_cast<unsigned char>(c[0]);
            }
          }
        }
      }
    }
  }
  ++t->records;
  return true;
}

// ReadLine through the DOM API.
bool ReadLineDom(simdjson::dom::parser& parser, std::string_view line, Totals* t) {
  simdjson::dom::element doc;
  if (parser.parse(line.data(), line.size(), false).get(doc)) return false;
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return false;
  for (auto [key, value] : obj) {
    if (key == "application_number") {
      std::string_view id;
      if (value.get_string().get(id)) return false;
      t->checksum += id.size() + static_cast<unsigned char>(id.back());
    } else if (key == "publication_date") {
      std::string_view d;
      if (value.get_string().get(d) || d.size() < 4) return false;
      t->checksum += static_cast<uint64_t>((d[0] - '0') * 1000 + (d[1] - '0') * 100 +
                                           (d[2] - '0') * 10 + (d[3] - '0'));
    } else if (key == "inventors") {
      simdjson::dom::array persons;
      if (value.get_array().get(persons)) return false;
      for (simdjson::dom::element p : persons) {
        simdjson::dom::object po;
        if (p.get_object().get(po)) return false;
        ++t->persons;
        simdjson::dom::array addrs;
        if (po["addresses"].get_array().get(addrs)) return false;
        for (simdjson::dom::element a : addrs) {
          simdjson::dom::object ao;
          if (a.get_object().get(ao)) return false;
          for (auto [ak, av] : ao) {
            if (ak == "lat" || ak == "lon") {
              double v;
              if (av.get_double().get(v)) return false;
              t->checksum += static_cast<uint64_t>(static_cast<int64_t>(v * 1e5));
            } else if (ak == "country") {
              std::string_view c;
              if (av.get_string().get(c)) return false;
              if (!c.empty()) t->checksum += static_cast<unsigned char>(c[0]);
            }
          }
        }
      }
    }
  }
  ++t->records;
  return true;
}

// Streams one file through zstd and parses its complete lines in place.
bool ReadFile(const char* path, bool dom, Totals* t) {
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot open %s\n", path);
    return false;
  }
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  simdjson::ondemand::parser parser;
  simdjson::dom::parser dom_parser;
  constexpr size_t kOut = 4 << 20;
  std::vector<char> in(ZSTD_DStreamInSize());
  std::vector<char> buf(kOut + (1 << 20) + simdjson::SIMDJSON_PADDING);
  size_t have = 0;  // Bytes of buf holding an unfinished line.
  bool ok = true;
  size_t n;
  auto parse_lines = [&](bool last) {
    size_t start = 0;
    while (start < have) {
      void* nl = std::memchr(buf.data() + start, '\n', have - start);
      if (nl == nullptr && !last) break;
      size_t end = nl ? static_cast<size_t>(static_cast<char*>(nl) - buf.data()) : have;
      const std::string_view line(buf.data() + start, end - start);
      if (end > start && !(dom ? ReadLineDom(dom_parser, line, t) : ReadLine(parser, line, t))) {
        ok = false;
      }
      t->bytes += end - start + (nl ? 1 : 0);
      start = end + 1;
    }
    if (start >= have) {
      have = 0;
    } else {
      std::memmove(buf.data(), buf.data() + start, have - start);
      have -= start;
    }
  };
  while (ok && (n = std::fread(in.data(), 1, in.size(), f)) > 0) {
    t->compressed += n;
    ZSTD_inBuffer ib{in.data(), n, 0};
    while (ib.pos < ib.size) {
      if (buf.size() - simdjson::SIMDJSON_PADDING - have < (256 << 10)) {
        buf.resize(buf.size() * 2);  // A line longer than the buffer.
      }
      ZSTD_outBuffer ob{buf.data() + have, buf.size() - simdjson::SIMDJSON_PADDING - have, 0};
      size_t r = ZSTD_decompressStream(dctx, &ob, &ib);
      if (ZSTD_isError(r)) {
        std::fprintf(stderr, "%s: %s\n", path, ZSTD_getErrorName(r));
        ok = false;
        break;
      }
      have += ob.pos;
      if (have >= kOut) parse_lines(false);
    }
  }
  if (ok) parse_lines(true);
  ZSTD_freeDCtx(dctx);
  std::fclose(f);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2;
  bool dom = false;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--dom") == 0) {
      dom = true;
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty() || threads < 1) {
    std::fprintf(stderr, "usage: stc_floor_reader [--threads 2] [--dom] FILE...\n");
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  std::atomic<bool> ok{true};
  std::vector<Totals> totals(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k) {
    pool.emplace_back([&, k] {
      for (size_t i; (i = next.fetch_add(1)) < files.size();) {
        if (!ReadFile(files[i], dom, &totals[static_cast<size_t>(k)])) ok = false;
      }
    });
  }
  for (auto& t : pool) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Totals all;
  for (const Totals& t : totals) {
    all.records += t.records;
    all.persons += t.persons;
    all.bytes += t.bytes;
    all.compressed += t.compressed;
    all.checksum += t.checksum;
  }
  std::printf(
      "records %llu persons %llu bytes %llu compressed %llu seconds %.3f checksum %llu\n",
      static_cast<unsigned long long>(all.records), static_cast<unsigned long long>(all.persons),
      static_cast<unsigned long long>(all.bytes), static_cast<unsigned long long>(all.compressed),
      secs, static_cast<unsigned long long>(all.checksum));
  return ok ? 0 : 1;
}
