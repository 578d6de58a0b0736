// Store::ForEachRecordParallel and Store::ForEachAggregateParallel against
// the serial scans.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "stores/keys.h"
#include "stores/store.h"
#include "stores/store_test_util.h"

namespace stc {
namespace {

using Visit = std::pair<std::string, std::string>;  // (source byte + key, value).

class RecordScanTest : public StoreTest {
 protected:
  // `batches` bulk writes (table files) of `per_batch` records each, with
  // ascending keys: every file lands in the last level, none overlapping.
  void Fill(Store* store, int batches, int per_batch) {
    std::vector<std::string> keys, values;
    for (int b = 0; b < batches; ++b) {
      keys.clear();
      values.clear();
      for (int i = 0; i < per_batch; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "WO%02d%08d", b, i);
        std::string k;
        store_keys::EncodeRecordKey(Source::kPct, id, &k);
        keys.push_back(std::move(k));
        values.push_back("value " + std::to_string(b * per_batch + i));
      }
      std::vector<Store::RecordWrite> writes;
      for (size_t i = 0; i < keys.size(); ++i) writes.push_back({keys[i], values[i]});
      Status s = store->ApplyWithSortedRecords(writes, StoreBatch());
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }

  // RocksDB's event lines in the store's LOG and its table files.
  std::string StoreEvents() const;

  static std::vector<Visit> Serial(const Store& store) {
    std::vector<Visit> out;
    Status s = store.ForEachRecord([&](Source src, std::string_view k, std::string_view v) {
      out.emplace_back(std::string(1, static_cast<char>(src)) + std::string(k), std::string(v));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
};

// Every record once, each part in key order, parts in key order: the parts
// concatenated equal the serial scan. With several table files in the last
// level the scan really splits.
TEST_F(RecordScanTest, PartsConcatenatedEqualTheSerialScan) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  Fill(store.get(), 4, 60000);
  const std::vector<Visit> want = Serial(*store);
  ASSERT_EQ(want.size(), 240000u);
  for (size_t parts : {size_t{1}, size_t{2}, size_t{3}, size_t{8}}) {
    SCOPED_TRACE(parts);
    std::vector<std::vector<Visit>> got(parts);
    Status s = store->ForEachRecordParallel(
        parts, [&](size_t part, Source src, std::string_view k, std::string_view v) {
          if (part >= got.size()) return Status::Internal("part out of range");
          got[part].emplace_back(std::string(1, static_cast<char>(src)) + std::string(k),
                                 std::string(v));
          return Status::Ok();
        });
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::vector<Visit> all;
    size_t used = 0;
    for (const auto& p : got) {
      used += !p.empty();
      all.insert(all.end(), p.begin(), p.end());
    }
    EXPECT_EQ(all, want);
    EXPECT_LE(used, parts);
    if (parts > 1) {
      EXPECT_GT(used, 1u);  // Four table files: the scan splits.
    }
  }
}

// A callback error stops its part at once (and the others at their next
// record) and is returned; a small store (nothing in table files yet) is one
// part.
TEST_F(RecordScanTest, ErrorsStopTheScanAndSmallStoresAreOnePart) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  Fill(store.get(), 3, 60000);
  std::vector<std::vector<std::string>> seen(3);
  Status s = store->ForEachRecordParallel(
      3, [&](size_t part, Source, std::string_view k, std::string_view) -> Status {
        seen[part].emplace_back(k);
        if (k == "WO0100000010") return Status::DataError("stop here");
        return Status::Ok();
      });
  EXPECT_EQ(s.code(), StatusCode::kDataError);
  EXPECT_EQ(s.message(), "stop here");
  size_t failing = 0;
  while (failing < 3 && (seen[failing].empty() || seen[failing].back() != "WO0100000010")) {
    ++failing;
  }
  ASSERT_LT(failing, 3u) << "the failing part went on after the error";
  EXPECT_EQ(std::count(seen[failing].begin(), seen[failing].end(), "WO0100000010"), 1);

  store.reset();
  TearDown();
  store = Create();
  StoreBatch b;
  b.PutRecord(Source::kPct, "WO1", "a");
  b.PutRecord(Source::kPct, "WO2", "b");
  ASSERT_TRUE(store->Apply(b).ok());
  std::vector<size_t> parts;
  ASSERT_TRUE(
      store
          ->ForEachRecordParallel(4,
                                  [&](size_t part, Source, std::string_view, std::string_view) {
                                    parts.push_back(part);
                                    return Status::Ok();
                                  })
          .ok());
  EXPECT_EQ(parts, (std::vector<size_t>{0, 0}));
}

// Aggregates ------------------------------------------------------------

using AggVisit = std::pair<std::string, Units>;  // (encoded key, units).

std::string EncodedAggregate(const AggregateKey& k) {
  std::string out;
  store_keys::EncodeAggregateKey(k, &out);
  return out;
}

AggregateKey Agg(int32_t year, int32_t lat, int32_t lon, const char* country, std::string field) {
  return TestAggregateKey(Source::kArticle, year, lat, lon, country, std::move(field));
}

std::vector<AggVisit> SerialAggregates(const Store& store) {
  std::vector<AggVisit> out;
  Status s = store.ForEachAggregate([&](const AggregateKey& k, Units u) {
    out.emplace_back(EncodedAggregate(k), u);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// The parallel scan's parts, each checked to be in key order, concatenated.
std::vector<AggVisit> ParallelAggregates(const Store& store, size_t parts, size_t* used) {
  std::vector<std::vector<AggVisit>> got(parts);
  Status s =
      store.ForEachAggregateParallel(parts, [&](size_t part, const AggregateKey& k, Units u) {
        if (part >= got.size()) return Status::Internal("part out of range");
        got[part].emplace_back(EncodedAggregate(k), u);
        return Status::Ok();
      });
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<AggVisit> all;
  *used = 0;
  for (const auto& p : got) {
    *used += !p.empty();
    all.insert(all.end(), p.begin(), p.end());
  }
  return all;
}

// SplitAggregates' ranges, scanned on two threads from the last range to
// the first, concatenated in range order; *n: the number of ranges.
std::vector<AggVisit> RangeAggregates(const Store& store, uint64_t range_bytes, size_t max_ranges,
                                      size_t* n) {
  Result<std::unique_ptr<Store::AggregateRanges>> ranges =
      store.SplitAggregates(range_bytes, max_ranges);
  EXPECT_TRUE(ranges.ok()) << ranges.status().ToString();
  if (!ranges.ok()) return {};
  const Store::AggregateRanges& r = *ranges.value();
  *n = r.size();
  EXPECT_EQ(r.Scan(r.size(), [](const AggregateKey&, Units) { return Status::Ok(); }).code(),
            StatusCode::kInvalidArgument);
  std::vector<std::vector<AggVisit>> got(r.size());
  auto scan = [&](size_t parity) {
    for (size_t i = r.size(); i-- > 0;) {
      if (i % 2 != parity) continue;
      Status s = r.Scan(i, [&](const AggregateKey& k, Units u) {
        got[i].emplace_back(EncodedAggregate(k), u);
        return Status::Ok();
      });
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
  };
  std::thread odd(scan, 1);
  scan(0);
  odd.join();
  std::vector<AggVisit> all;
  for (const auto& p : got) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// Four bulk writes (table files) of 60,000 cells each, over two years and
// with two fields per cell, and a fifth write that cancels some of them to
// zero: every non-zero aggregate once, in key order across the parts, equal
// to the serial scan and to the brute-force sums.
TEST_F(RecordScanTest, AggregatePartsConcatenatedEqualTheSerialScan) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  std::map<std::string, Units> want;
  for (int b = 0; b < 4; ++b) {
    StoreBatch batch;
    for (int i = 0; i < 30000; ++i) {
      for (const char* field : {"A", "chemistry"}) {
        AggregateKey k = Agg(2018 + b % 2, b * 1000 + i / 100, i % 100, "DE", field);
        const Units u = 1 + i % 7 + b;
        batch.AddAggregate(k, u);
        want[EncodedAggregate(k)] += u;
      }
    }
    ASSERT_TRUE(store->Apply(batch).ok());
  }
  StoreBatch cancel;
  for (int i = 0; i < 3000; i += 3) {
    AggregateKey k = Agg(2019, 1000 + i / 100, i % 100, "DE", "A");
    cancel.AddAggregate(k, -want[EncodedAggregate(k)]);
    want.erase(EncodedAggregate(k));
  }
  ASSERT_TRUE(store->Apply(cancel).ok());
  // Before the compaction the cancelled cells are zero sums of merge
  // operands (in the memtable, over table files); after it they are gone.
  for (bool compacted : {false, true}) {
    SCOPED_TRACE(compacted);
    if (compacted) {
      ASSERT_TRUE(store->Compact().ok());
    }
    const std::vector<AggVisit> serial = SerialAggregates(*store);
    ASSERT_EQ(serial, std::vector<AggVisit>(want.begin(), want.end()));
    for (size_t parts : {size_t{1}, size_t{2}, size_t{3}, size_t{8}}) {
      SCOPED_TRACE(parts);
      size_t used = 0;
      EXPECT_EQ(ParallelAggregates(*store, parts, &used), serial);
      EXPECT_LE(used, parts);
      if (parts > 1) {
        EXPECT_GT(used, 1u);
      }
    }
    // The same ranges for callers with threads of their own: as many as
    // the size asks for, up to the maximum.
    size_t n = 0;
    EXPECT_EQ(RangeAggregates(*store, 64 << 10, 1000, &n), serial);
    EXPECT_GT(n, 4u);
    EXPECT_LE(n, 1000u);
    const size_t small_ranges = n;
    EXPECT_EQ(RangeAggregates(*store, 1, 3, &n), serial);
    EXPECT_EQ(n, 3u);
    EXPECT_EQ(RangeAggregates(*store, uint64_t{1} << 40, 1000, &n), serial);
    EXPECT_EQ(n, 1u);
    EXPECT_EQ(RangeAggregates(*store, 256 << 10, 1000, &n), serial);
    EXPECT_LT(n, small_ranges);
  }
}

// Deltas not folded yet are added by the serial scan, in one part: the
// parallel scan shows the same sums.
TEST_F(RecordScanTest, AggregatesWithPendingDeltasAreScannedInOnePart) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  StoreBatch base;
  for (int i = 0; i < 60000; ++i) base.AddAggregate(Agg(2020, i / 300, i % 300, "FR", "B"), 2);
  ASSERT_TRUE(store->Apply(base).ok());
  SortedAggregates pending;
  std::map<std::string, Units> deltas;
  deltas[EncodedAggregate(Agg(2020, 5, 7, "FR", "B"))] = 3;
  deltas[EncodedAggregate(Agg(2020, 6, 0, "FR", "B"))] = -2;  // Cancels to zero.
  deltas[EncodedAggregate(Agg(2021, 1, 1, "JP", "C"))] = 11;  // New.
  for (const auto& [k, d] : deltas) pending.Add(k, d);
  StoreBatch totals;
  totals.AddTotals(Source::kArticle, 2020, 1, 0, 1);
  ASSERT_TRUE(store->ApplyWithPendingAggregates({}, pending, totals).ok());
  const std::vector<AggVisit> serial = SerialAggregates(*store);
  ASSERT_EQ(serial.size(), 60000u);  // One cancelled, one added.
  size_t used = 0;
  EXPECT_EQ(ParallelAggregates(*store, 4, &used), serial);
  EXPECT_EQ(used, 1u);
  size_t ranges = 0;
  EXPECT_EQ(RangeAggregates(*store, 1, 4, &ranges), serial);
  EXPECT_EQ(ranges, 1u);
  ASSERT_TRUE(store->FoldPendingAggregates().ok());
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_EQ(SerialAggregates(*store), serial);
  EXPECT_EQ(ParallelAggregates(*store, 4, &used), serial);
}

// The aggregates of (source, year) pairs in [from, to), as visited.
std::vector<AggVisit> AggregatesOfYears(const Store& store, Store::SourceYear from,
                                        std::optional<Store::SourceYear> to) {
  std::vector<AggVisit> out;
  Status s = store.ForEachAggregateOfYears(from, to, [&](const AggregateKey& k, Units u) {
    out.emplace_back(EncodedAggregate(k), u);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// The records' parallel scan, parts concatenated.
std::vector<Visit> ParallelRecords(const Store& store, size_t parts) {
  std::vector<std::vector<Visit>> got(parts);
  Status s = store.ForEachRecordParallel(parts, [&](size_t part, Source src, std::string_view k,
                                                    std::string_view v) {
    if (part >= got.size()) return Status::Internal("part out of range");
    got[part].emplace_back(std::string(1, static_cast<char>(src)) + std::string(k), std::string(v));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<Visit> all;
  for (const auto& p : got) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// What RocksDB did in the test's store (its LOG's event lines: flushes,
// compactions, file deletions) and the table files left, for a failure's
// message.
std::string RecordScanTest::StoreEvents() const {
  std::string out = "\nstore events:\n";
  std::ifstream log(dir_ + "/LOG");
  for (std::string line; std::getline(log, line);) {
    if (line.find("EVENT_LOG_v1") != std::string::npos) out += line + "\n";
  }
  out += "table files:";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    if (e.path().extension() == ".sst") out += " " + e.path().filename().string();
  }
  return out;
}

// A store compacted into one sorted run per column family: its full scans
// read the table files directly (table_run_scans), open for writing (at the
// scan's snapshot) or read-only, and every one of them visits what the
// scans through RocksDB's iterator visit (before the compaction, and the
// serial scan).
TEST_F(RecordScanTest, StoresInOneSortedRunAreReadFromTheirTableFiles) {
  std::vector<Visit> records;
  std::vector<AggVisit> aggregates, of_2019, from_2020;
  {
    auto store = Create();
    ASSERT_NE(store, nullptr);
    Fill(store.get(), 4, 30000);
    for (int b = 0; b < 4; ++b) {
      StoreBatch batch;
      for (int i = 0; i < 60000; ++i) {
        batch.AddAggregate(Agg(2018 + b % 3, b * 1000 + i / 100, i % 100, "DE", "A"),
                           Units{1} + (i * 7919LL) % 1000003);
      }
      ASSERT_TRUE(store->Apply(batch).ok());
    }
    StoreBatch cancel;  // Zero sums, dropped by the compaction.
    for (int i = 0; i < 600; i += 2)
      cancel.AddAggregate(Agg(2019, 1000 + i / 100, i % 100, "DE", "A"),
                          -(Units{1} + (i * 7919LL) % 1000003));
    ASSERT_TRUE(store->Apply(cancel).ok());
    // Several sorted runs (level-0 files, the memtable): read through
    // RocksDB's iterator.
    records = Serial(*store);
    aggregates = SerialAggregates(*store);
    of_2019 = AggregatesOfYears(*store, {Source::kArticle, 2019},
                                Store::SourceYear{Source::kArticle, 2020});
    from_2020 = AggregatesOfYears(*store, {Source::kArticle, 2020}, std::nullopt);
    size_t used = 0;
    EXPECT_EQ(ParallelAggregates(*store, 3, &used), aggregates);
    EXPECT_EQ(store->table_run_scans(), 0u);
    // One sorted run each: the parallel scans read the files at their
    // snapshot.
    ASSERT_TRUE(store->Compact().ok());
    EXPECT_EQ(ParallelAggregates(*store, 3, &used), aggregates);
    EXPECT_EQ(used, 3u);
    EXPECT_EQ(ParallelRecords(*store, 2), records);
    EXPECT_EQ(store->table_run_scans(), 2u);
    // The store's own table files (its options: LZ4, XXH3 checksums) are
    // read block by block (stores/raw_table.h). (It counted 1 once, under
    // ASan: RocksDB was rewriting a file in the background that Compact had
    // only moved down, and a scan found it gone between two opens; Compact
    // now rewrites every last level. On a failure the store's events say
    // what RocksDB did.)
    EXPECT_EQ(store->raw_table_scans(), 2u) << StoreEvents();
  }
  ASSERT_EQ(records.size(), 120000u);
  ASSERT_EQ(aggregates.size(), 240000u - 300u);
  ASSERT_EQ(of_2019.size(), 60000u - 300u);
  ASSERT_EQ(from_2020.size(), 60000u);
  StoreOptions ro;
  ro.read_only = true;
  auto store = OpenOrDie(ro);
  ASSERT_NE(store, nullptr);
  for (size_t parts : {size_t{1}, size_t{2}, size_t{3}}) {
    SCOPED_TRACE(parts);
    const uint64_t before = store->table_run_scans();
    EXPECT_EQ(ParallelRecords(*store, parts), records);
    size_t used = 0;
    EXPECT_EQ(ParallelAggregates(*store, parts, &used), aggregates);
    EXPECT_EQ(used, parts);  // More than 1 MiB of table files: the scan splits.
    EXPECT_EQ(store->table_run_scans(), before + 2);
  }
  const uint64_t before = store->table_run_scans();
  size_t n = 0;
  EXPECT_EQ(RangeAggregates(*store, 32 << 10, 100, &n), aggregates);
  EXPECT_GT(n, 2u);
  EXPECT_EQ(AggregatesOfYears(*store, {Source::kArticle, 2019},
                              Store::SourceYear{Source::kArticle, 2020}),
            of_2019);
  EXPECT_EQ(AggregatesOfYears(*store, {Source::kArticle, 2020}, std::nullopt), from_2020);
  EXPECT_EQ(store->table_run_scans(), before + 3);
  EXPECT_EQ(store->raw_table_scans(), store->table_run_scans());
  // The serial scan still reads through the database: the same entries.
  EXPECT_EQ(SerialAggregates(*store), aggregates);
}

// A callback error stops the scan and is returned.
TEST_F(RecordScanTest, AggregateScanErrorsAreReturned) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  for (int b = 0; b < 3; ++b) {
    StoreBatch batch;
    for (int i = 0; i < 60000; ++i)
      batch.AddAggregate(Agg(2015 + b, i / 300, i % 300, "US", ""), 1);
    ASSERT_TRUE(store->Apply(batch).ok());
  }
  std::atomic<int> calls{0};
  Status s = store->ForEachAggregateParallel(3, [&](size_t, const AggregateKey& k, Units) {
    ++calls;
    return k.year == 2016 && k.cell.lat_idx == 10 ? Status::DataError("stop here") : Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kDataError);
  EXPECT_LT(calls.load(), 180000);
}

}  // namespace
}  // namespace stc
