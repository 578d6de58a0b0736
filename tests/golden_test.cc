// Golden cases: small hand-written inputs with their hand-computed export
// (tests/golden/<case>/expected.csv; see the case's README for the arithmetic).
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/test_util.h"

namespace stc {
namespace {

using testing::ExportCsv;
using testing::FirstDifference;
using testing::IngestOk;
using testing::OpenStore;
using testing::ReadFile;
using testing::TempDir;

const std::string kBasic = std::string(STC_SOURCE_DIR) + "/tests/golden/basic";

std::vector<std::string> BasicFiles() {
  return {kBasic + "/input/a-pct.jsonl", kBasic + "/input/b-pct.jsonl",
          kBasic + "/input/c-articles.jsonl"};
}

TEST(Golden, BasicFolderMatchesHandComputedExport) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  IngestStats s = IngestOk(store.get(), {kBasic + "/input"});  // A folder: sorted walk.
  EXPECT_EQ(s.files.size(), 3u);
  EXPECT_EQ(s.files_failed, 0u);
  EXPECT_EQ(s.records_read, 7u);
  EXPECT_EQ(s.records_new, 5u);
  EXPECT_EQ(s.records_updated, 1u);
  EXPECT_EQ(s.records_unchanged, 1u);
  EXPECT_EQ(s.records_rejected, 0u);
  std::string expected = ReadFile(kBasic + "/expected.csv");
  std::string got = ExportCsv(*store);
  EXPECT_EQ(got, expected) << FirstDifference(got, expected);
}

TEST(Golden, BasicIsIndependentOfThreadsOrderAndRepetition) {
  std::string expected = ReadFile(kBasic + "/expected.csv");
  for (int threads : {1, 2, 4}) {
    std::vector<std::string> files = BasicFiles();
    do {
      TempDir dir;
      auto store = OpenStore(dir.Path("db"));
      for (const auto& f : files) IngestOk(store.get(), {f}, threads);
      IngestStats again = IngestOk(store.get(), files, threads);
      EXPECT_EQ(again.records_new + again.records_updated, 0u);
      std::string got = ExportCsv(*store);
      ASSERT_EQ(got, expected) << "threads=" << threads << " first=" << files[0] << "\n"
                               << FirstDifference(got, expected);
    } while (std::next_permutation(files.begin(), files.end()));
  }
}

TEST(Golden, ReverseOrderCountsOlderVersionAsIgnored) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  std::vector<std::string> files = BasicFiles();
  std::reverse(files.begin(), files.end());
  IngestStats s;
  for (const auto& f : files) {
    IngestStats one = IngestOk(store.get(), {f});
    s.records_new += one.records_new;
    s.records_updated += one.records_updated;
    s.records_older_ignored += one.records_older_ignored;
    s.records_unchanged += one.records_unchanged;
  }
  EXPECT_EQ(s.records_new, 5u);
  EXPECT_EQ(s.records_updated, 0u);
  EXPECT_EQ(s.records_unchanged, 2u);
  EXPECT_EQ(s.records_older_ignored, 1u);
}

TEST(Golden, FiltersBySourceAndYears) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  IngestOk(store.get(), BasicFiles());
  ExportOptions o;
  o.source = Source::kPct;
  o.year_from = o.year_to = 2022;
  std::ostringstream out;
  ASSERT_TRUE(ExportAggregates(*store, o, out).ok());
  EXPECT_EQ(out.str(),
            "kind,source,year,lat,lon,country,field,units\n"
            "cell,pct,2022,22.32,114.17,HK,G,0.333333333\n"
            "cell,pct,2022,22.54,114.06,CN,G,0.333333334\n"
            "cell,pct,2022,23.13,113.26,CN,G,0.333333333\n"
            "world,pct,2022,,,,,1\n"
            "unlocated,pct,2022,,,,,0\n");
}

TEST(Golden, CoarserGridMergesCells) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"), 100000);  // 1 degree.
  IngestOk(store.get(), BasicFiles());
  ExportOptions o;
  o.source = Source::kPct;
  o.year_from = o.year_to = 2022;
  std::ostringstream out;
  ASSERT_TRUE(ExportAggregates(*store, o, out).ok());
  // Hong Kong 22.32,114.17 -> (22,114); Shenzhen 22.54,114.06 -> (23,114);
  // Guangzhou 23.13,113.26 -> (23,113). Rows in (lat, lon) cell order.
  EXPECT_EQ(out.str(),
            "kind,source,year,lat,lon,country,field,units\n"
            "cell,pct,2022,22,114,HK,G,0.333333333\n"
            "cell,pct,2022,23,113,CN,G,0.333333333\n"
            "cell,pct,2022,23,114,CN,G,0.333333334\n"
            "world,pct,2022,,,,,1\n"
            "unlocated,pct,2022,,,,,0\n");
}

}  // namespace
}  // namespace stc
