// ExportAggregates by cluster: the sums per (source, year, cluster, country,
// field) against a brute-force sum of the serial scan, for 1 to 3 threads
// reading key ranges of a store large enough to be split.
#include "pipeline/export.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <sstream>
#include <string>
#include <tuple>

#include "core/csv.h"
#include "core/units.h"
#include "stores/store_test_util.h"

namespace stc {
namespace {

class ExportByClusterTest : public StoreTest {};

// Cluster of a cell: bands of latitude, every fourth band noise (0).
int32_t BandCluster(const Cell& c) {
  const int32_t band = (c.lat_idx + 1000) / 7;
  return band % 4 == 3 ? 0 : band % 11 + 1;
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

  // Brute force: the serial scan summed in a std::map in the output order
  // (source, year, cluster with noise last, country, field).
  using Key = std::tuple<uint8_t, int32_t, uint32_t, std::string, std::string>;
  std::map<Key, Units> want;
  ASSERT_TRUE(store
                  ->ForEachAggregate([&](const AggregateKey& k, Units u) {
                    const int32_t id = BandCluster(k.cell);
                    const uint32_t order = id > 0 ? static_cast<uint32_t>(id) : UINT32_MAX;
                    std::string country = k.country[0] ? std::string(k.country, 2) : std::string();
                    want[Key(static_cast<uint8_t>(k.source), k.year, order, country, k.field)] += u;
                    return Status::Ok();
                  })
                  .ok());
  std::ostringstream expected;
  expected << "kind,source,year,cluster,name,country,field,units\n";
  size_t rows = 0;
  for (const auto& [key, units] : want) {
    if (units == 0) continue;
    const auto& [source, year, order, country, field] = key;
    const bool noise = order == UINT32_MAX;
    expected << (noise ? "noise," : "cluster,") << SourceName(static_cast<Source>(source)) << ","
             << year << "," << (noise ? "" : std::to_string(order)) << ","
             << (noise ? "" : "C" + std::to_string(order)) << "," << country << ","
             << CsvText(field) << "," << FormatUnits(units) << "\n";
    ++rows;
  }
  expected << "world,pct,2016,,,,," << FormatUnits(12345) << "\nunlocated,pct,2016,,,,,"
           << FormatUnits(67) << "\n";
  ASSERT_GT(rows, 1000u);

  for (size_t threads : {size_t{1}, size_t{2}, size_t{3}}) {
    SCOPED_TRACE(threads);
    ExportOptions o;
    o.threads = threads;
    o.cluster_of = BandCluster;
    o.cluster_name = [](int32_t id) { return "C" + std::to_string(id); };
    std::ostringstream out;
    Status s = ExportAggregates(*store, o, out);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(out.str(), expected.str());
  }
}

}  // namespace
}  // namespace stc
