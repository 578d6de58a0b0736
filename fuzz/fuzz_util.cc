#include "fuzz/fuzz_util.h"

#include <simdjson.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "core/record_codec.h"
#include "core/units.h"
#include "geo/gazetteer.h"
#include "geo/gazetteer_builder.h"
#include "geo/resolver.h"
#include "pipeline/ingest.h"
#include "pipeline/parse_outcome_test_util.h"
#include "pipeline/read_stage.h"
#include "pipeline/rejects_log.h"

namespace stc::fuzz {
namespace {

namespace fs = std::filesystem;

std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 300)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > 300) out += "...";
  return out;
}

void RemoveScratch() {
  std::error_code ec;
  fs::remove_all(ScratchDir(), ec);
}

bool InLatitude(int32_t v) { return v >= -90 * kE5PerDegree && v <= 90 * kE5PerDegree; }
bool InLongitude(int32_t v) { return v >= -180 * kE5PerDegree && v <= 180 * kE5PerDegree; }

// The invariants of one counted record (core/record.h, pipeline/counting.h,
// core/record_codec.h).
void CheckRecord(const Item& it, const Work& w) {
  const Format* format = w.format;
  const CountedRecord& item = it.counted;  // The key and the scalar fields.
  const std::string_view encoded = EncodedOf(w, it);
  STC_FUZZ_CHECK(!item.key.empty(), "a record has an empty key");
  STC_FUZZ_CHECK(item.source == format->source(), std::string(format->name()));
  // The whole record is its encoding (pipeline/work.h): decoded, it must
  // agree with the item's fields and the Work's points.
  CountedRecord c;
  c.source = item.source;
  c.key = item.key;
  Status st = DecodeCountedRecord(encoded, &c);
  STC_FUZZ_CHECK(st.ok(), c.key + ": " + st.message());
  STC_FUZZ_CHECK(c.year == item.year && c.version == item.version && c.field == item.field &&
                     c.unlocated == item.unlocated && c.persons == item.persons &&
                     c.truncated == item.truncated,
                 c.key + ": the item's fields differ from its encoding");
  STC_FUZZ_CHECK(
      item.codes.empty() && item.orgs.empty() && item.points.empty() && item.unresolved.empty(),
      c.key + ": an item carries lists");
  const std::span<const WeightedPoint> points = PointsOf(w, it);
  STC_FUZZ_CHECK(std::equal(points.begin(), points.end(), c.points.begin(), c.points.end()),
                 c.key + ": the Work's points differ from the encoded ones");
  STC_FUZZ_CHECK(c.persons >= 1, c.key);
  STC_FUZZ_CHECK(c.unlocated >= 0 && c.unlocated <= kUnit, c.key);
  Units sum = c.unlocated;
  for (size_t i = 0; i < c.points.size(); ++i) {
    const WeightedPoint& p = c.points[i];
    STC_FUZZ_CHECK(p.units > 0 && p.units <= kUnit, c.key);
    STC_FUZZ_CHECK(InLatitude(p.lat_e5) && InLongitude(p.lon_e5), c.key);
    if (i > 0) {
      // Sorted by (lat, lon, country) and merged (pipeline/counting.cc's order).
      const WeightedPoint& q = c.points[i - 1];
      bool ascending = q.lat_e5 != p.lat_e5           ? q.lat_e5 < p.lat_e5
                       : q.lon_e5 != p.lon_e5         ? q.lon_e5 < p.lon_e5
                       : q.country[0] != p.country[0] ? q.country[0] < p.country[0]
                                                      : q.country[1] < p.country[1];
      STC_FUZZ_CHECK(ascending, c.key + ": points not sorted and merged");
    }
    sum += p.units;
  }
  // The counting invariant: every record is worth exactly one unit.
  STC_FUZZ_CHECK(sum == kUnit, c.key + ": units sum to " + std::to_string(sum));
  Units unresolved = 0;
  for (const auto& [label, units] : c.unresolved) {
    STC_FUZZ_CHECK(!label.empty() && units > 0, c.key);
    unresolved += units;
  }
  STC_FUZZ_CHECK(c.truncated ? unresolved <= c.unlocated : unresolved == c.unlocated, c.key);

  // The store's value codec round trip: encode(decode(bytes)) == bytes.
  std::string again;
  EncodeCountedRecord(c, &again);
  STC_FUZZ_CHECK(again == encoded, c.key + ": encode(decode(encoding)) differs");
  STC_FUZZ_CHECK(it.recognised || it.fingerprint == FingerprintEncoded(encoded), c.key);
  int32_t year = 0, version = 0;
  STC_FUZZ_CHECK(PeekYearVersion(encoded, &year, &version), c.key);
  STC_FUZZ_CHECK(year == c.year && version == c.version, c.key);
}

void CheckItem(const Item& it, const Work& w, uint64_t max_offset) {
  STC_FUZZ_CHECK(it.offset <= max_offset, std::to_string(it.offset));
  switch (it.kind) {
    case Item::Kind::kRecord:
      CheckRecord(it, w);
      break;
    case Item::Kind::kReject:
      CheckReasonCode(it.reason);
      STC_FUZZ_CHECK(it.prefix.size() <= 200, it.reason);
      // What the rejects log writes must stay valid JSON Lines.
      CheckJsonEscaping(it.detail);
      CheckJsonEscaping(it.prefix);
      break;
    case Item::Kind::kSkip:
      CheckReasonCode(it.reason);
      break;
    case Item::Kind::kDelete:
      STC_FUZZ_CHECK(!it.counted.key.empty(), "a deletion has an empty key");
      break;
  }
}

}  // namespace

void Fail(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "fuzz invariant violated: %.*s (%s)\n", static_cast<int>(what.size()),
               what.data(), Printable(detail).c_str());
  std::fflush(stderr);
  std::abort();
}

const std::string& ScratchDir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = tmp != nullptr && *tmp != '\0' ? tmp : "/dev/shm";
    if (::access(base.c_str(), W_OK) != 0) base = "/tmp";
    std::string templ = base + "/stc-fuzz-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) Fail("mkdtemp", templ);
    return templ;
  }();
  static const bool registered = (std::atexit(RemoveScratch), true);
  (void)registered;
  return dir;
}

std::string WriteScratchFile(const std::string& name, std::string_view bytes) {
  std::string path = ScratchDir() + "/" + name;
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) Fail("cannot write scratch file", path);
  return path;
}

LineChunkerOptions ChunkOptionsFor(size_t input_size) {
  LineChunkerOptions o;
  o.target_chunk_bytes = 1 + (input_size * 7919) % 2048;
  o.max_line_bytes = input_size % 5 == 0 ? 64 + input_size % 509 : size_t{1} << 20;
  return o;
}

uint64_t MaxOffsetFor(std::string_view b) {
  auto at = [&](size_t i) { return i < b.size() ? static_cast<unsigned char>(b[i]) : 0u; };
  bool zstd = at(1) == 0xb5 && at(2) == 0x2f && at(3) == 0xfd;
  bool skippable = (at(0) & 0xf0) == 0x50 && at(1) == 0x2a && at(2) == 0x4d && at(3) == 0x18;
  bool gzip = at(0) == 0x1f && at(1) == 0x8b;
  return zstd || skippable || gzip ? UINT64_MAX : b.size();
}

ReadStageCounts RunReadStage(const std::vector<std::string>& files, const Format* forced,
                             const std::vector<const Format*>* file_formats,
                             const ReaderContext& context, const LineChunkerOptions& chunking,
                             uint64_t max_offset) {
  IngestOptions options;
  options.chunker = chunking;
  options.reader = context.options;
  Reader reader(&files, &options, forced, file_formats);
  Work w;
  ThreadState ts;
  ReadStageCounts counts;
  // Recognition against a store that holds nothing: every reader's PeekKey
  // runs on every unit of a chunk (the first one, and any after a pause),
  // and its keys reach the look-up sorted and unique; nothing is found, so
  // every unit is still parsed.
  std::atomic<uint64_t> epoch{0};
  const Recognition nothing_stored{
      [](Source, const std::vector<std::string_view>& sorted_keys,
         const std::function<Status(size_t, std::string_view)>&) {
        STC_FUZZ_CHECK(std::adjacent_find(sorted_keys.begin(), sorted_keys.end(),
                                          std::greater_equal<>()) == sorted_keys.end(),
                       "peeked keys not sorted and unique");
        return Status::Ok();
      },
      &epoch};
  while (reader.Next(&w)) {
    if (!w.file_error_reason.empty()) {
      CheckReasonCode(w.file_error_reason);
      CheckJsonEscaping(w.file_error_detail);
      ++counts.file_errors;
      continue;
    }
    STC_FUZZ_CHECK(w.format != nullptr ||
                       w.chunk.data.view().find_first_not_of(" \t\r\n") == std::string::npos ||
                       w.data_size == 0,
                   "a chunk with data but no format");
    STC_FUZZ_CHECK(w.chunk.data.size() >= w.data_size + kUnitPadding, "unit padding missing");
    ParseWork(&w, &ts, nullptr, context, /*scope=*/nullptr, &nothing_stored);
    for (size_t i = 0; i < w.n_items; ++i) {
      const Item& it = w.items[i];
      CheckItem(it, w, max_offset);
      switch (it.kind) {
        case Item::Kind::kRecord:
          ++counts.records;
          break;
        case Item::Kind::kReject:
          ++counts.rejects;
          break;
        case Item::Kind::kSkip:
          ++counts.skips;
          break;
        case Item::Kind::kDelete:
          ++counts.deletes;
          break;
      }
    }
  }
  return counts;
}

void CheckPersonViews(const Format& format, const ReaderContext& context, std::string_view bytes,
                      const LocationResolver* resolver) {
  auto with_views = format.NewParser(context);
  auto without = format.NewParser(context);
  std::unique_ptr<ThreadResolver> viewing, owning;
  if (resolver != nullptr) {
    viewing = resolver->NewThreadResolver();
    owning = resolver->NewThreadResolver();
  }
  // Units: the lines of a reader of lines, else the whole input as one
  // document (a reader of documents reads every record a unit holds).
  const bool lines = format.FramingFor(bytes.substr(0, 65536)).kind == Framing::Kind::kLines;
  std::string padded;
  for (size_t start = 0; start < bytes.size();) {
    size_t end = lines ? bytes.find('\n', start) : bytes.size();
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view line = bytes.substr(start, end - start);
    start = end + 1;
    padded.assign(line).append(kUnitPadding, ' ');
    const std::string_view unit(padded.data(), line.size());
    const ParseOutcome a = DescribeParse(without.get(), unit, /*views=*/false, owning.get());
    const ParseOutcome b = DescribeParse(with_views.get(), unit, /*views=*/true, viewing.get());
    STC_FUZZ_CHECK(a.forms_ok && b.forms_ok && a.with_views == 0, Printable(line));
    if (a.text != b.text) Fail("persons as views change the outcome", Printable(line));
  }
}

const LocationResolver& MiniGeoResolver() {
  static const LocationResolver* resolver = [] {
    auto read = [](const char* name) {
      std::ifstream in(std::string(STC_GEO_TESTDATA) + "/" + name, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      return ss.str();
    };
    static const std::string cities = read("mini_cities500.txt");
    static const std::string en = read("mini_en.json");
    static const std::string codes = read("mini_codes.json");
    Result<std::string> bytes = geo::BuildGazetteerIndex({cities, en, codes});
    STC_FUZZ_CHECK(bytes.ok(), "the mini gazetteer: " + bytes.status().ToString());
    auto gazetteer = geo::Gazetteer::FromBytes(std::move(bytes).value());
    STC_FUZZ_CHECK(gazetteer.ok(), "the mini gazetteer: " + gazetteer.status().ToString());
    return new geo::GeoResolver(*std::move(gazetteer).value().release());
  }();
  return *resolver;
}

void CheckJsonEscaping(std::string_view s) {
  static simdjson::dom::parser parser;
  std::string json = "\"";
  AppendJsonEscaped(s, &json);
  json.push_back('"');
  simdjson::padded_string padded(json);
  std::string_view decoded;
  simdjson::error_code err = parser.parse(padded).get_string().get(decoded);
  STC_FUZZ_CHECK(err == simdjson::SUCCESS,
                 std::string(simdjson::error_message(err)) + " for " + json);
  if (simdjson::validate_utf8(s.data(), s.size())) {
    STC_FUZZ_CHECK(decoded == s, "escaping changed valid UTF-8: " + json);
  }
}

void CheckReasonCode(std::string_view reason) {
  STC_FUZZ_CHECK(!reason.empty() && reason.size() <= 64, reason);
  for (char c : reason) {
    STC_FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_', reason);
  }
}

}  // namespace stc::fuzz
