// Checks the real pipeline (ingest + export) against the brute-force
// reference (tests/reference.h) on a generated dump of ~100k records, under
// several thread counts and file orders, and checks the reference itself on
// hand-written files with a hand-computed CSV.
#include "tests/reference.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/large_alloc.h"
#include "gen/generator.h"
#include "pipeline/export.h"
#include "pipeline/ingest.h"
#include "stores/store.h"

namespace stc {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kRecords = 100000;
constexpr int32_t kGridStepE5 = 1000;

fs::path TempRoot() {
  return fs::temp_directory_path() / ("stc_reference_test_" + std::to_string(::getpid()));
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Equality of two CSVs; on mismatch names the first differing line only.
::testing::AssertionResult SameCsv(const std::string& expected, const std::string& actual) {
  if (expected == actual) return ::testing::AssertionSuccess();
  std::vector<std::string> e = SplitLines(expected), a = SplitLines(actual);
  size_t i = 0;
  while (i < e.size() && i < a.size() && e[i] == a[i]) ++i;
  auto show = [](const std::vector<std::string>& v, size_t i) {
    return i < v.size() ? v[i] : std::string("<end of file>");
  };
  return ::testing::AssertionFailure()
         << "CSV differs from the reference at line " << i + 1 << " (reference " << e.size()
         << " lines, pipeline " << a.size() << " lines):\n  reference: " << show(e, i)
         << "\n  pipeline:  " << show(a, i);
}

std::unique_ptr<Store> OpenFreshStore(const fs::path& dir) {
  fs::remove_all(dir);
  StoreOptions options;
  options.create_if_missing = true;
  options.grid_step_e5 = kGridStepE5;
  Result<std::unique_ptr<Store>> store = Store::Open(dir.string(), options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store.value()) : nullptr;
}

IngestStats IngestOk(Store* store, const std::vector<std::string>& inputs, int threads,
                     size_t flush_bytes = IngestOptions().flush_bytes) {
  IngestOptions options;
  options.threads = threads;
  options.flush_bytes = flush_bytes;
  options.reread_unchanged = true;  // Record-level dedup, not the file registry, is under test.
  Result<IngestStats> stats = Ingest(store, inputs, options);
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  if (!stats.ok()) return IngestStats{};
  const IngestStats& s = stats.value();
  EXPECT_EQ(s.records_read, s.records_new + s.records_updated + s.records_unchanged +
                                s.records_skipped + s.records_rejected + s.records_deleted)
      << s.ToText();
  return s;
}

std::string ExportCsv(const Store& store) {
  std::ostringstream out;
  Status status = ExportAggregates(store, {}, out);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out.str();
}

void ExpectClean(const IngestStats& s) {
  EXPECT_EQ(s.records_rejected, 0u) << s.ToText();
  EXPECT_EQ(s.files_failed, 0u) << s.ToText();
  EXPECT_EQ(s.records_skipped, 0u) << "generated records are all in scope\n" << s.ToText();
}

// Deterministic Fisher-Yates shuffle (std::shuffle differs across libraries).
void Shuffle(std::vector<std::string>* v, uint64_t seed) {
  for (size_t i = v->size(); i > 1; --i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    std::swap((*v)[i - 1], (*v)[(seed >> 33) % i]);
  }
}

// The generated dump and its reference CSV, shared by the tests of a process.
struct Dump {
  fs::path dir;
  GeneratorSummary summary;
  std::string expected;
  ReferenceStats stats;
};

class PipelineVsReferenceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dump_ = new Dump;
    dump_->dir = TempRoot() / "dump";
    fs::remove_all(dump_->dir);
    GeneratorOptions options;
    options.records = kRecords;
    options.seed = 20240611;
    options.files_per_source = 3;
    options.duplicate_rate = 0.05;
    options.correction_rate = 0.03;
    options.out_dir = dump_->dir.string();
    Result<GeneratorSummary> summary = GenerateNormalisedDump(options);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    dump_->summary = summary.value();
    dump_->expected = ReferenceExportCsv(dump_->summary.files, kGridStepE5, &dump_->stats);
  }
  static void TearDownTestSuite() {
    fs::remove_all(TempRoot());
    delete dump_;
    dump_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(dump_, nullptr);
    ASSERT_EQ(dump_->summary.files.size(), 6u);
    ASSERT_EQ(dump_->stats.rejected, 0u);
    ASSERT_EQ(dump_->stats.records, dump_->summary.lines);
    ASSERT_EQ(dump_->stats.keys, kRecords);
    store_dir_ = TempRoot() / ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  void TearDown() override {
    fs::remove_all(store_dir_);
    fs::remove_all(store_dir_.string() + "_list");
  }

  const std::vector<std::string>& files() const { return dump_->summary.files; }
  const std::string& expected() const { return dump_->expected; }
  uint64_t lines() const { return dump_->summary.lines; }

  static Dump* dump_;
  fs::path store_dir_;
};

Dump* PipelineVsReferenceTest::dump_ = nullptr;

TEST_F(PipelineVsReferenceTest, OneThreadFromTheFolder) {
  std::unique_ptr<Store> store = OpenFreshStore(store_dir_);
  ASSERT_NE(store, nullptr);
  IngestStats s = IngestOk(store.get(), {dump_->dir.string()}, 1);
  ExpectClean(s);
  EXPECT_EQ(s.records_read, lines());
  EXPECT_EQ(s.records_new, kRecords);
  EXPECT_EQ(s.files.size(), 6u);
  EXPECT_TRUE(SameCsv(expected(), ExportCsv(*store)));
}

TEST_F(PipelineVsReferenceTest, FourThreadsOversubscribed) {
  std::unique_ptr<Store> store = OpenFreshStore(store_dir_);
  ASSERT_NE(store, nullptr);
  IngestStats s = IngestOk(store.get(), files(), 4);
  ExpectClean(s);
  EXPECT_EQ(s.records_read, lines());
  EXPECT_EQ(s.records_new, kRecords);
  EXPECT_GT(s.records_updated, 0u);
  EXPECT_GT(s.records_unchanged, 0u);
  EXPECT_TRUE(SameCsv(expected(), ExportCsv(*store)));
}

TEST_F(PipelineVsReferenceTest, SecondIngestChangesNothing) {
  std::unique_ptr<Store> store = OpenFreshStore(store_dir_);
  ASSERT_NE(store, nullptr);
  IngestStats first = IngestOk(store.get(), files(), 2);
  ExpectClean(first);
  EXPECT_EQ(first.records_new, kRecords);
  IngestStats second = IngestOk(store.get(), files(), 2);
  ExpectClean(second);
  EXPECT_EQ(second.records_read, lines());
  EXPECT_EQ(second.records_new, 0u);
  EXPECT_EQ(second.records_updated, 0u);
  EXPECT_EQ(second.records_unchanged, lines());
  EXPECT_EQ(second.units_written, 0);
  EXPECT_TRUE(SameCsv(expected(), ExportCsv(*store)));
}

// A tiny write budget: the writer hands a buffer to the background flush
// every few chunks, so repeats and corrections of a record are often decided
// while its earlier copy is still being written (the lookups must see the
// buffer in flight; the store does not hold it yet). Same counts and the same
// aggregates as one big write at the end.
TEST_F(PipelineVsReferenceTest, ManySmallBackgroundFlushes) {
  std::unique_ptr<Store> big = OpenFreshStore(store_dir_.string() + "_list");
  ASSERT_NE(big, nullptr);
  IngestStats one = IngestOk(big.get(), files(), 2);
  std::unique_ptr<Store> store = OpenFreshStore(store_dir_);
  ASSERT_NE(store, nullptr);
  IngestStats s = IngestOk(store.get(), files(), 2, /*flush_bytes=*/64 << 10);
  ExpectClean(s);
  EXPECT_EQ(s.records_read, lines());
  EXPECT_EQ(s.records_new, kRecords);
  EXPECT_EQ(s.records_updated, one.records_updated);
  EXPECT_EQ(s.records_unchanged, one.records_unchanged);
  EXPECT_EQ(s.units_written, one.units_written);
  EXPECT_GT(s.records_updated, 0u);
  EXPECT_TRUE(SameCsv(expected(), ExportCsv(*store)));
  // Again with the same budget: everything is an unchanged duplicate.
  IngestStats again = IngestOk(store.get(), files(), 2, 64 << 10);
  EXPECT_EQ(again.records_unchanged, lines());
  EXPECT_EQ(again.units_written, 0);
  EXPECT_TRUE(SameCsv(expected(), ExportCsv(*store)));
}

// The write buffers' page size (core/large_alloc.h): huge pages when the
// input is at least twice the write budget, small pages otherwise; set for
// the run only (seen from the progress callback, on the serial stage).
TEST_F(PipelineVsReferenceTest, BuffersOnHugePagesOnlyWhenRefilledAndOnlyForTheRun) {
  EXPECT_TRUE(BuffersOnHugePages(uint64_t{512} << 20, size_t{256} << 20));
  EXPECT_FALSE(BuffersOnHugePages((uint64_t{512} << 20) - 1, size_t{256} << 20));
  EXPECT_FALSE(BuffersOnHugePages(0, size_t{1} << 20));
  uint64_t input_bytes = 0;
  for (const std::string& f : files()) input_bytes += std::filesystem::file_size(f);
  ASSERT_GT(input_bytes, uint64_t{256} << 10);  // Twice the small budget below.
  for (const size_t flush_bytes : {size_t{128} << 10, IngestOptions().flush_bytes}) {
    SCOPED_TRACE(flush_bytes);
    std::unique_ptr<Store> store =
        OpenFreshStore(store_dir_.string() + std::to_string(flush_bytes));
    ASSERT_NE(store, nullptr);
    IngestOptions options;
    options.threads = 2;
    options.flush_bytes = flush_bytes;
    int huge = 0, small = 0;
    options.progress = [&](uint64_t, uint64_t) { ++(LargeBlocksOnHugePages() ? huge : small); };
    Result<IngestStats> s = Ingest(store.get(), files(), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const bool expect_huge = BuffersOnHugePages(input_bytes, flush_bytes);
    EXPECT_EQ(expect_huge, flush_bytes < IngestOptions().flush_bytes);
    EXPECT_GT(expect_huge ? huge : small, 0);
    EXPECT_EQ(expect_huge ? small : huge, 0);
    EXPECT_FALSE(LargeBlocksOnHugePages());  // Restored.
    EXPECT_TRUE(SameCsv(expected(), ExportCsv(*store)));
  }
}

TEST_F(PipelineVsReferenceTest, FilesInReverseOrder) {
  std::unique_ptr<Store> store = OpenFreshStore(store_dir_);
  ASSERT_NE(store, nullptr);
  std::vector<std::string> reversed(files().rbegin(), files().rend());
  // Ingest sorts folders' files, not an explicit list: give them one by one.
  uint64_t read = 0, created = 0;
  for (const std::string& f : reversed) {
    IngestStats s = IngestOk(store.get(), {f}, 2);
    ExpectClean(s);
    read += s.records_read;
    created += s.records_new;
  }
  EXPECT_EQ(read, lines());
  EXPECT_EQ(created, kRecords);
  EXPECT_TRUE(SameCsv(expected(), ExportCsv(*store)));

  std::unique_ptr<Store> store2 = OpenFreshStore(store_dir_.string() + "_list");
  ASSERT_NE(store2, nullptr);
  IngestStats s = IngestOk(store2.get(), reversed, 2);
  ExpectClean(s);
  EXPECT_EQ(s.records_new, kRecords);
  EXPECT_TRUE(SameCsv(expected(), ExportCsv(*store2)));
}

TEST_F(PipelineVsReferenceTest, EachFileSeparatelyInShuffledOrder) {
  std::unique_ptr<Store> store = OpenFreshStore(store_dir_);
  ASSERT_NE(store, nullptr);
  std::vector<std::string> order = files();
  Shuffle(&order, 7);
  ASSERT_NE(order, files());
  uint64_t read = 0, created = 0, updated = 0, unchanged = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    IngestStats s = IngestOk(store.get(), {order[i]}, 1 + static_cast<int>(i % 3));
    ExpectClean(s);
    read += s.records_read;
    created += s.records_new;
    updated += s.records_updated;
    unchanged += s.records_unchanged;
  }
  EXPECT_EQ(read, lines());
  EXPECT_EQ(created, kRecords);
  EXPECT_EQ(created + updated + unchanged, lines());
  EXPECT_TRUE(SameCsv(expected(), ExportCsv(*store)));
}

// ---------------------------------------------------------------------------
// The reference on hand-written files, with a CSV computed by hand.

// Record 1: 3 distinct inventors (one listed twice): shares 333333334,
//   333333333, 333333333; SATO splits hers over a Tokyo point (166666667)
//   and an unlocated address (166666666); SUZUKI has no address.
//   Tokyo point: 333333334 + 166666667 = 500000001; unlocated 499999999.
// Record 2: three copies of PCT/US1999/012345 (old form, lower case, old
//   version first): the 2021-03-01 version wins; 42.365/-71.055 snaps with
//   ties upwards to 42.37/-71.05, field G.
// Record 3: 2 of 4 declared authors listed: 0.25 at Taveuni (lon 179.996
//   snaps to 180, folded to -180), 0.75 unlocated.
// Record 4: integer coordinates, non-numeric subject, key with spaces.
const char kPctLines[] =
    R"({"application_number": "pct/jp2021/012345", "publication_date": "2021-09-23", "ipc": ["h04W 72/04"], "inventors": [)"
    R"({"name": "TANAKA Taro", "addresses": [{"text": "1-7-1 Konan", "city": "Tokyo", "country": "JP", "lat": 35.68, "lon": 139.77}]},)"
    R"({"name": "SATO Hanako", "addresses": [{"text": "Shiba 5-7", "city": "Tokyo", "country": "jp", "lat": 35.68, "lon": 139.77}, {"text": "Umeda", "city": "Osaka", "country": "JP"}]},)"
    R"({"name": "SUZUKI Ken", "addresses": []},)"
    R"({"name": "TANAKA Taro", "addresses": [{"text": "1-7-1 Konan", "city": "Tokyo", "country": "JP", "lat": 35.68, "lon": 139.77}]}]})"
    "\n"
    R"({"application_number": "PCT/US1999/012345", "publication_date": "2021-01-05", "ipc": ["A61K 31/00"], "inventors": [{"name": "X", "addresses": [{"text": "1 Main St", "city": "Boston", "country": "US", "lat": 42.3601, "lon": -71.0589}]}]})"
    "\n"
    "this is not json\n"
    R"({"application_number": "  ", "publication_date": "2021-01-05", "inventors": [{"name": "Y"}]})"
    "\n"
    R"({"application_number": "pct/us99/12345", "publication_date": "20210105", "updated": "2021-03-01", "ipc": ["G06F 3/01"], "inventors": [{"name": "X", "addresses": [{"text": "1 Main St", "city": "Boston", "country": "us", "lat": 42.365, "lon": -71.055}]}]})"
    "\n   \n"
    R"({"application_number": "pct/us99/12345", "publication_date": "20210105", "updated": "2021-03-01", "ipc": ["G06F 3/01"], "inventors": [{"name": "X", "addresses": [{"text": "1 Main St", "city": "Boston", "country": "us", "lat": 42.365, "lon": -71.055}]}]})"
    "\n";

const char kArticleLines[] =
    R"({"key": "2-s2.0-1", "cover_date": "2020-05", "subjects": ["1710", "2208"], "author_count": 4, "authors": [)"
    R"({"name": "Tuivaga S.", "affiliations": [{"name": "Fiji National University", "city": "Taveuni", "country": "FJ", "lat": -16.8, "lon": 179.996}]},)"
    R"({"name": "Naidu J.", "affiliations": [{"name": "USP", "city": "Suva", "country": "FJ"}]}]})"
    "\n"
    R"({"key": "2-s2.0-2", "cover_date": "2020", "authors": [{"name": "Z", "affiliations": [{"lat": 91, "lon": 0}]}]})"
    "\n"
    R"({"key": "2-s2.0-3", "cover_date": "2020", "authors": [{"name": "Z", "affiliations": [{"lat": 45}]}]})"
    "\n"
    R"({"key": "2-s2.0-4", "cover_date": "1899-12-31", "authors": [{"name": "Z"}]})"
    "\n"
    R"({"key": "2-s2.0-5", "cover_date": "2020", "authors": []})"
    "\n"
    R"({"key": " 2-s2.0-6 ", "cover_date": "2019", "subjects": ["COMP"], "authors": [)"
    R"({"name": "Lee K.", "affiliations": [{"name": "KAIST", "city": "Daejeon", "country": "KR", "lat": 36, "lon": 127}]},)"
    R"({"name": "Kim J.", "affiliations": []}]})";  // No final newline.

const char kHandCsv[] =
    "kind,source,year,lat,lon,country,field,units\n"
    "cell,pct,2021,35.68,139.77,JP,H,0.500000001\n"
    "cell,pct,2021,42.37,-71.05,US,G,1\n"
    "cell,article,2019,36,127,KR,COMP,0.5\n"
    "cell,article,2020,-16.8,-180,FJ,17,0.25\n"
    "world,pct,2021,,,,,2\n"
    "unlocated,pct,2021,,,,,0.499999999\n"
    "world,article,2019,,,,,1\n"
    "unlocated,article,2019,,,,,0.5\n"
    "world,article,2020,,,,,1\n"
    "unlocated,article,2020,,,,,0.75\n";

class HandWrittenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempRoot() /
           ("hand_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    pct_ = (dir_ / "pct-hand.jsonl").string();
    std::ofstream(pct_, std::ios::binary) << kPctLines;
    article_ = (dir_ / "article-hand.jsonl.zst").string();
    std::string packed(ZSTD_compressBound(sizeof(kArticleLines)), '\0');
    size_t n =
        ZSTD_compress(packed.data(), packed.size(), kArticleLines, sizeof(kArticleLines) - 1, 3);
    ASSERT_FALSE(ZSTD_isError(n));
    std::ofstream(article_, std::ios::binary).write(packed.data(), static_cast<std::streamsize>(n));
  }
  void TearDown() override {
    fs::remove_all(dir_);
    std::error_code ec;
    fs::remove(TempRoot(), ec);  // Only when empty.
  }

  fs::path dir_;
  std::string pct_, article_;
};

TEST_F(HandWrittenTest, ReferenceMatchesTheHandComputedCsv) {
  ReferenceStats stats;
  EXPECT_EQ(ReferenceExportCsv({article_, pct_}, kGridStepE5, &stats), kHandCsv);
  EXPECT_EQ(ReferenceExportCsv({pct_, article_}, kGridStepE5), kHandCsv);
  EXPECT_EQ(stats.records, 12u);
  EXPECT_EQ(stats.rejected, 6u);
  EXPECT_EQ(stats.keys, 4u);
  std::map<std::string, uint64_t> reasons = {{"bad_coordinates", 2},
                                             {"bad_date", 1},
                                             {"malformed_json", 1},
                                             {"missing_key", 1},
                                             {"no_persons", 1}};
  EXPECT_EQ(stats.rejected_by_reason, reasons);
}

TEST_F(HandWrittenTest, ReferenceUsesTheStepAndFailsOnAmbiguousVersions) {
  std::string csv = ReferenceExportCsv({pct_}, 100000);  // 1 degree.
  EXPECT_NE(csv.find("cell,pct,2021,36,140,JP,H,0.500000001\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("cell,pct,2021,42,-71,US,G,1\n"), std::string::npos) << csv;

  // Same key, same version, different content: the winner is ambiguous.
  static std::string path;
  path = (dir_ / "pct-ambiguous.jsonl").string();
  std::ofstream(path)
      << R"({"application_number": "PCT/JP2020/000001", "publication_date": "2020-01-01", "inventors": [{"name": "A"}]})"
      << "\n"
      << R"({"application_number": "PCT/JP2020/000001", "publication_date": "2020-01-01", "inventors": [{"name": "A", "addresses": [{"lat": 1, "lon": 2}]}]})"
      << "\n";
  EXPECT_NONFATAL_FAILURE(
      EXPECT_EQ(ReferenceExportCsv({path}, kGridStepE5).rfind("REFERENCE ERROR", 0), 0u),
      "two different contents");
}

TEST(ReferenceNormaliseTest, PctNumbers) {
  EXPECT_EQ(ReferenceNormalisePctNumber("pct/us99/12345"), "PCT/US1999/012345");
  EXPECT_EQ(ReferenceNormalisePctNumber(" PCT/CN2021/123456 "), "PCT/CN2021/123456");
  EXPECT_EQ(ReferenceNormalisePctNumber("PCT/IB 05/7"), "PCT/IB2005/000007");
  EXPECT_EQ(ReferenceNormalisePctNumber("PCT/EP78/1234567"), "PCT/EP1978/1234567");
  EXPECT_EQ(ReferenceNormalisePctNumber("wo 2021/1"), "WO2021/1");
}

// The pipeline on the same hand-written files (a small, readable version of
// the big comparison).
TEST_F(HandWrittenTest, PipelineMatchesTheHandComputedCsv) {
  std::unique_ptr<Store> store = OpenFreshStore(dir_ / "store");
  ASSERT_NE(store, nullptr);
  IngestStats s = IngestOk(store.get(), {pct_, article_}, 2);
  EXPECT_EQ(s.records_read, 12u) << s.ToText();
  EXPECT_EQ(s.records_rejected, 6u) << s.ToText();
  EXPECT_EQ(s.records_new, 4u) << s.ToText();
  EXPECT_EQ(s.records_updated, 1u) << s.ToText();
  EXPECT_EQ(s.records_unchanged, 1u) << s.ToText();
  EXPECT_TRUE(SameCsv(kHandCsv, ExportCsv(*store)));
}

}  // namespace
}  // namespace stc
