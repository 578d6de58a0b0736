// ExportAggregates: by cluster, the sums per (source, year, cluster, country,
// field) against a brute-force sum of the serial scan, for 1 to 3 threads
// reading key ranges of a store large enough to be split (thousands of
// fields too); by cell, every row (key ranges formatted on every core)
// against the serial scan formatted here, and a failing stream.
#include "pipeline/export.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>
#include <tuple>

#include "core/csv.h"
#include "core/grid.h"
#include "core/units.h"
#include "pipeline/rejects_log.h"
#include "stores/store_test_util.h"

namespace stc {
namespace {

class ExportByClusterTest : public StoreTest {};

// Cluster of a cell: bands of latitude, every fourth band noise (0).
int32_t BandCluster(const Cell& c) {
  const int32_t band = (c.lat_idx + 1000) / 7;
  return band % 4 == 3 ? 0 : band % 11 + 1;
}

// The by-cluster CSV of `store` (clusters by BandCluster, names "C<id>"),
// by brute force: the serial scan summed in a std::map in the output order
// (source, year, cluster with noise last, country, field). *rows: the
// cluster and noise rows written.
std::string BruteForceByCluster(const Store& store, size_t* rows) {
  using Key = std::tuple<uint8_t, int32_t, uint32_t, std::string, std::string>;
  std::map<Key, Units> want;
  Status scan = store.ForEachAggregate([&](const AggregateKey& k, Units u) {
    const int32_t id = BandCluster(k.cell);
    const uint32_t order = id > 0 ? static_cast<uint32_t>(id) : UINT32_MAX;
    std::string country = k.country[0] ? std::string(k.country, 2) : std::string();
    want[Key(static_cast<uint8_t>(k.source), k.year, order, country, k.field)] += u;
    return Status::Ok();
  });
  EXPECT_TRUE(scan.ok()) << scan.ToString();
  std::ostringstream expected;
  expected << "kind,source,year,cluster,name,country,field,units\n";
  *rows = 0;
  for (const auto& [key, units] : want) {
    if (units == 0) continue;
    const auto& [source, year, order, country, field] = key;
    const bool noise = order == UINT32_MAX;
    expected << (noise ? "noise," : "cluster,") << SourceName(static_cast<Source>(source)) << ","
             << year << "," << (noise ? "" : std::to_string(order)) << ","
             << (noise ? "" : "C" + std::to_string(order)) << "," << country << ","
             << CsvText(field) << "," << FormatUnits(units) << "\n";
    ++*rows;
  }
  std::vector<YearTotals> totals = store.GetTotals().value();
  for (const YearTotals& t : totals) {
    expected << "world," << SourceName(t.source) << "," << t.year << ",,,,," << FormatUnits(t.world)
             << "\nunlocated," << SourceName(t.source) << "," << t.year << ",,,,,"
             << FormatUnits(t.unlocated) << "\n";
  }
  return expected.str();
}

// The by-cluster CSV export of `store` (clusters by BandCluster, names
// "C<id>") on `threads` threads; a failed export fails the test.
std::string ExportByBands(const Store& store, size_t threads) {
  ExportOptions o;
  o.threads = threads;
  o.cluster_of = BandCluster;
  o.cluster_name = [](int32_t id) { return "C" + std::to_string(id); };
  std::ostringstream out;
  Status s = ExportAggregates(store, o, out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out.str();
}

TEST_F(ExportByClusterTest, SumsEqualTheBruteForceSumsForAnyThreadCount) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  std::mt19937 rng(5);
  static const char* const kCountries[] = {"DE", "FR", "JP", "\0\0"};
  static const char* const kFields[] = {"", "A", "H", "chemistry", "a field, \"quoted\""};
  // Four bulk writes (table files) of 60,000 random deltas each, some keys
  // repeated across writes and some summing to zero.
  for (int b = 0; b < 4; ++b) {
    StoreBatch batch;
    for (int i = 0; i < 60000; ++i) {
      AggregateKey k;
      k.source = rng() % 3 == 0 ? Source::kArticle : Source::kPct;
      k.year = 2015 + static_cast<int32_t>(rng() % 4);
      k.cell = Cell{static_cast<int32_t>(rng() % 400) - 200, static_cast<int32_t>(rng() % 300)};
      const char* cc = kCountries[rng() % 4];
      k.country[0] = cc[0];
      k.country[1] = cc[1];
      k.field = kFields[rng() % 5];
      batch.AddAggregate(k, static_cast<Units>(rng() % 2001) - 1000);
    }
    ASSERT_TRUE(store->Apply(batch).ok());
  }
  StoreBatch totals;
  totals.AddTotals(Source::kPct, 2016, 12345, 67, 9);
  ASSERT_TRUE(store->Apply(totals).ok());

  size_t rows = 0;
  const std::string expected = BruteForceByCluster(*store, &rows);
  ASSERT_GT(rows, 1000u);

  for (size_t threads : {size_t{1}, size_t{2}, size_t{3}}) {
    SCOPED_TRACE(threads);
    EXPECT_EQ(ExportByBands(*store, threads), expected);
  }
}

// Thousands of distinct fields (the parts intern them in tables that grow),
// many rows to a cell, and cells of every cluster next to each other in key
// order.
TEST_F(ExportByClusterTest, ManyFieldsAndRowsPerCellEqualTheBruteForceSums) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  std::mt19937 rng(11);
  for (int b = 0; b < 3; ++b) {
    StoreBatch batch;
    for (int i = 0; i < 40000; ++i) {
      AggregateKey k;
      k.source = Source::kPct;
      k.year = 2020 + b % 2;
      k.cell = Cell{static_cast<int32_t>(rng() % 120) - 60, static_cast<int32_t>(rng() % 3)};
      k.country[0] = 'U';
      k.country[1] = rng() % 2 == 0 ? 'S' : 'Y';
      // 3,000 fields, some a prefix of others ("f1", "f12", "f123").
      k.field = "f" + std::to_string(rng() % 3000);
      batch.AddAggregate(k, static_cast<Units>(1 + rng() % 1000));
    }
    ASSERT_TRUE(store->Apply(batch).ok());
  }
  size_t rows = 0;
  const std::string expected = BruteForceByCluster(*store, &rows);
  ASSERT_GT(rows, 20000u);
  for (size_t threads : {size_t{1}, size_t{2}}) {
    SCOPED_TRACE(threads);
    const std::string got = ExportByBands(*store, threads);
    EXPECT_EQ(got.size(), expected.size());
    EXPECT_TRUE(got == expected);
  }
}

// Fields of every kind the cell export writes differently: empty, short,
// quoted in CSV, neutralised in CSV, non-ASCII, escaped in JSON, a control
// character, longer than the rows' fast path.
const char* const kCellFields[] = {"",
                                   "A",
                                   "H",
                                   "a \"field\", quoted",
                                   "=SUM(A1)",
                                   "Ünïcode",
                                   "back\\slash",
                                   "tab\there",
                                   "a field name of more than thirty-two bytes"};

// Writes 200,000 cell rows in 4 bulk writes: more rows than a few batches of
// the reading thread. Three rows share each cell (other countries and
// fields); some rows have no country.
void FillCells(Store* store) {
  std::mt19937 rng(9);
  for (int b = 0; b < 4; ++b) {
    StoreBatch batch;
    for (int i = 0; i < 50000; ++i) {
      AggregateKey k;
      k.source = i / 3 % 5 == 0 ? Source::kArticle : Source::kPct;
      k.year = 2015 + b;
      k.cell = Cell{i / 3 / 250 - 100, i / 3 % 250 - 125};
      k.country[0] = i % 4 == 3 ? 0 : 'J';
      k.country[1] = i % 4 == 3 ? 0 : i % 3 == 0 ? 'P' : 'O';
      k.field = kCellFields[(i + b) % std::size(kCellFields)];
      batch.AddAggregate(k, static_cast<Units>(1 + rng() % 100000));
    }
    ASSERT_TRUE(store->Apply(batch).ok());
  }
}

// One cell in every year and source: consecutive rows differ in their year
// or source only.
void FillOneCell(Store* store) {
  StoreBatch batch;
  Units u = 1;
  for (Source source : {Source::kPct, Source::kArticle}) {
    for (int32_t year = 2015; year <= 2018; ++year) {
      for (const char* field : {"A", "B"}) {
        AggregateKey k;
        k.source = source;
        k.year = year;
        k.cell = Cell{12, -34};
        k.country[0] = 'D';
        k.country[1] = 'E';
        k.field = field;
        batch.AddAggregate(k, u *= 3);
      }
    }
  }
  ASSERT_TRUE(store->Apply(batch).ok());
}

// The cell export as the serial scan gives it, formatted here.
std::string WantCells(const Store& store, bool csv, int32_t year_from) {
  const Grid& grid = store.grid();
  std::string want = csv ? "kind,source,year,lat,lon,country,field,units\n"
                         : "{\"grid_deg\":\"" + FormatE5(grid.step_e5()) + "\",\"cells\":[";
  size_t rows = 0;
  EXPECT_TRUE(store
                  .ForEachAggregate([&](const AggregateKey& k, Units u) {
                    if (k.year < year_from) return Status::Ok();
                    const std::string country =
                        k.country[0] ? std::string(k.country, 2) : std::string();
                    const std::string lat = FormatE5(grid.CentreLatE5(k.cell));
                    const std::string lon = FormatE5(grid.CentreLonE5(k.cell));
                    const std::string src(SourceName(k.source));
                    if (csv) {
                      want += "cell," + src + "," + std::to_string(k.year) + "," + lat + "," + lon +
                              "," + country + "," + CsvText(k.field) + "," + FormatUnits(u) + "\n";
                    } else {
                      std::string field;
                      AppendJsonEscaped(k.field, &field);
                      want += std::string(rows == 0 ? "\n" : ",\n") + "{\"source\":\"" + src +
                              "\",\"year\":" + std::to_string(k.year) + ",\"lat\":\"" + lat +
                              "\",\"lon\":\"" + lon + "\",\"country\":\"" + country +
                              "\",\"field\":\"" + field + "\",\"units\":\"" + FormatUnits(u) +
                              "\"}";
                    }
                    ++rows;
                    return Status::Ok();
                  })
                  .ok());
  want += csv ? "" : "],\"totals\":[";
  want += csv ? "" : "]}\n";
  return want;
}

TEST_F(ExportByClusterTest, CellRowsEqualTheSerialScanInBothFormats) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  FillCells(store.get());
  // In memory and in level-0 files, the store is one range; compacted, the
  // small ranges asked for below split it into many, formatted in parallel.
  for (bool compacted : {false, true}) {
    if (compacted) {
      ASSERT_TRUE(store->Compact().ok());
      auto ranges = store->SplitAggregates(64 << 10, 4096);
      ASSERT_TRUE(ranges.ok());
      EXPECT_GT(ranges.value()->size(), 8u);
    }
    for (bool csv : {true, false}) {
      for (int32_t year_from : {0, 2017}) {
        for (size_t threads : {1, 2, 3}) {
          SCOPED_TRACE(testing::Message()
                       << compacted << " " << csv << " " << year_from << " " << threads);
          ExportOptions o;
          o.format = csv ? ExportOptions::Format::kCsv : ExportOptions::Format::kJson;
          o.year_from = year_from;
          o.threads = threads;
          o.range_bytes = 64 << 10;
          std::ostringstream out;
          Status s = ExportAggregates(*store, o, out);
          ASSERT_TRUE(s.ok()) << s.ToString();
          const std::string want = WantCells(*store, csv, year_from);
          EXPECT_GT(want.size(), size_t{4} << 20);  // Several ranges and writes.
          // Not EXPECT_EQ: gtest's diff of two texts of megabytes takes minutes.
          EXPECT_EQ(out.str().size(), want.size());
          EXPECT_TRUE(out.str() == want) << "the export differs from the serial scan";
        }
      }
    }
  }
}

// Rows of one cell that follow each other with another year or source: each
// row has its own year and source (the text of the cell is made again).
TEST_F(ExportByClusterTest, CellRowsOfOneCellInSeveralYearsAndSources) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  FillOneCell(store.get());
  for (bool csv : {true, false}) {
    SCOPED_TRACE(csv);
    ExportOptions o;
    o.format = csv ? ExportOptions::Format::kCsv : ExportOptions::Format::kJson;
    std::ostringstream out;
    ASSERT_TRUE(ExportAggregates(*store, o, out).ok());
    EXPECT_EQ(out.str(), WantCells(*store, csv, 0));
  }
  std::ostringstream out;
  ASSERT_TRUE(ExportAggregates(*store, ExportOptions(), out).ok());
  EXPECT_NE(out.str().find("cell,pct,2016,0.12,-0.34,DE,B,0.000000081\n"), std::string::npos)
      << out.str();
}

// A stream that fails after `limit` bytes.
class FailingBuf : public std::streambuf {
 public:
  explicit FailingBuf(size_t limit) : limit_(limit) {}

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    if (written_ + static_cast<size_t>(n) > limit_) return 0;
    written_ += static_cast<size_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    if (written_ + 1 > limit_) return traits_type::eof();
    ++written_;
    return c;
  }

 private:
  size_t limit_;
  size_t written_ = 0;
};

// A write that fails mid-export is an IoError, whether it fails at once or
// after some batches, and the reading thread is stopped (the call returns).
TEST_F(ExportByClusterTest, CellExportToAFailingStreamIsAnIoError) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  FillCells(store.get());
  for (bool compacted : {false, true}) {  // One range, then many in parallel.
    if (compacted) {
      ASSERT_TRUE(store->Compact().ok());
    }
    for (size_t limit : {size_t{0}, size_t{100}, size_t{3} << 20}) {
      SCOPED_TRACE(testing::Message() << compacted << " " << limit);
      FailingBuf buf(limit);
      std::ostream out(&buf);
      ExportOptions o;
      o.range_bytes = 64 << 10;
      Status s = ExportAggregates(*store, o, out);
      EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
    }
  }
}

}  // namespace
}  // namespace stc
