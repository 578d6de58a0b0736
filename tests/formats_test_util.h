// Helpers shared by the reader tests (tests/formats_*_test.cc): parse one
// unit with a reader and look at what it emitted; fixture paths.
#ifndef STCLUSTER_TESTS_FORMATS_TEST_UTIL_H_
#define STCLUSTER_TESTS_FORMATS_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "core/record_codec.h"
#include "parsers/record_parser.h"
#include "parsers/registry.h"
#include "pipeline/counting.h"
#include "tests/test_util.h"

namespace stc::testing {

inline std::string Fixture(const std::string& rel) {
  return std::string(STC_SOURCE_DIR) + "/tests/fixtures/" + rel;
}

// Records everything a parser emits.
class CollectingSink : public ParseSink {
 public:
  Record* NewRecord() override {
    records.emplace_back();
    pending = true;
    return &records.back();
  }
  void Reject(std::string_view reason, std::string_view detail) override {
    if (pending) records.pop_back();
    pending = false;
    rejects.emplace_back(reason);
    details.emplace_back(detail);
  }
  void Skip(std::string_view reason) override {
    if (pending) records.pop_back();
    pending = false;
    skips.emplace_back(reason);
  }
  void Warn(std::string_view what) override { warnings.emplace_back(what); }
  void Ignore(std::string_view what) override { ignored.emplace_back(what); }
  void Delete(std::string_view key) override { deletes.emplace_back(key); }

  std::vector<Record> records;
  std::vector<std::string> rejects, details, skips, warnings, ignored, deletes;
  bool pending = false;
};

// Parses `unit` with the reader `format` (default scope), as one unit.
inline CollectingSink ParseUnit(const std::string& format, const std::string& unit,
                                const std::string& path = "", const ReaderContext* ctx = nullptr) {
  const Format* f = FindFormat(format);
  EXPECT_NE(f, nullptr) << format;
  CollectingSink sink;
  if (f == nullptr) return sink;
  auto parser = ctx != nullptr ? f->NewParser(*ctx) : f->NewParser();
  FileContext file;
  file.path = path;
  size_t nl = unit.find('\n');
  file.first_line = unit.substr(0, nl);
  parser->BeginFile(file);
  std::string padded = unit + std::string(kUnitPadding, ' ');
  parser->Parse(std::string_view(padded.data(), unit.size()), &sink);
  sink.pending = false;
  return sink;
}

inline CountedRecord Count(const Record& r) {
  CountedRecord c;
  CountRecord(r, &c);
  return c;
}

inline std::string Gzip(const std::string& data) {
  z_stream s{};
  deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&s, data.size()) + 64, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// Ingest with options (threads, format, scope, limits).
inline IngestStats IngestWith(Store* store, const std::vector<std::string>& inputs,
                              const IngestOptions& o) {
  auto r = Ingest(store, inputs, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  const IngestStats& s = *r;
  EXPECT_EQ(s.records_read, s.records_new + s.records_updated + s.records_unchanged +
                                s.records_skipped + s.records_rejected + s.records_deleted);
  return *r;
}

// Ingests `file` into a new store at `dir`, then again. The first run finds
// `records` new records; the second finds them unchanged, `recognised` of
// them by their bytes (pipeline/README.md, "Recognised units"), and the same
// rejects. Returns the store.
inline std::unique_ptr<Store> ExpectReadAgain(const std::string& dir, const std::string& file,
                                              uint64_t records, uint64_t recognised) {
  auto store = OpenStore(dir);
  if (store == nullptr) return store;
  const IngestStats first = IngestOk(store.get(), {file});
  EXPECT_EQ(first.records_new, records);
  const IngestStats again = IngestOk(store.get(), {file});
  EXPECT_EQ(again.records_unchanged, records);
  EXPECT_EQ(again.records_recognised, recognised);
  EXPECT_EQ(again.records_rejected, first.records_rejected);
  return store;
}

// Every record of `store` was stored without a unit hash, and there are `n`.
inline void ExpectNoUnitHashes(const Store& store, size_t n) {
  size_t records = 0;
  Status st = store.ForEachRecord([&](Source, std::string_view key, std::string_view value) {
    ++records;
    EXPECT_EQ(PeekUnitHash(value), 0u) << key;
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(records, n);
}

inline uint64_t Get(const std::map<std::string, uint64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

}  // namespace stc::testing

#endif  // STCLUSTER_TESTS_FORMATS_TEST_UTIL_H_
