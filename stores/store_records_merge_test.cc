// Tests of the records' merge at the end of a large ingest
// (Store::CompactRecordsIfLayered): its threshold, its parallel parts, and
// the uncompressed level-0 files written once it is certain
// (Store::MergeRecordsAt); the records' compression setting.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stores/keys.h"
#include "stores/store.h"
#include "stores/store_test_util.h"

namespace stc {
namespace {

namespace fs = std::filesystem;

// The test records' key i: interleaved batches of them span one another.
std::string RecordKey(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "PCT/CN2019/%07d", i);
  return buf;
}

// The store's records are exactly RecordKey(i) with value(i), i = 0..n-1,
// in key order.
void ExpectRecordsInOrder(const Store& store, int n, const std::function<std::string(int)>& value) {
  int next = 0;
  bool same = true;
  ASSERT_TRUE(store
                  .ForEachRecord([&](Source, std::string_view k, std::string_view v) {
                    same = same && next < n && k == RecordKey(next) && v == value(next);
                    ++next;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(next, n);
  EXPECT_TRUE(same);
}

// The deltas and totals of `records` PCT records of 2019, each one unit in
// one cell.
void OneCellDeltas(int records, SortedAggregates* deltas, StoreBatch* totals) {
  std::string agg;
  AggregateKey key;
  key.year = 2019;
  key.cell = Cell{1, 2};
  store_keys::EncodeAggregateKey(key, &agg);
  deltas->Add(agg, kUnit * records);
  totals->AddTotals(Source::kPct, 2019, kUnit * records, 0, records);
}

// The sum of the store's aggregates.
Units AggregateSum(const Store& store) {
  Units units = 0;
  EXPECT_TRUE(store
                  .ForEachAggregate([&](const AggregateKey&, Units u) {
                    units += u;
                    return Status::Ok();
                  })
                  .ok());
  return units;
}

// Bulk writes of interleaved keys leave one level-0 file of records each:
// CompactRecordsIfLayered merges them once there are enough, keeps every
// record and leaves nothing for a second call.
TEST_F(StoreTest, CompactRecordsIfLayeredMergesLevelZeroFilesFromTheThreshold) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  constexpr int kBatches = 5;
  constexpr int kPerBatch = 60000;  // Over the bulk threshold: table files.
  auto key = RecordKey;
  std::map<std::string, std::string> want;
  for (int b = 0; b < kBatches; ++b) {
    // Batch b holds every kBatches-th key from b: each spans the others.
    StoreBatch batch;
    for (int j = 0; j < kPerBatch; ++j) {
      const int i = j * kBatches + b;
      const std::string value = "v" + std::to_string(i * 7);
      batch.PutRecord(Source::kPct, key(i), value);
      want[key(i)] = value;
    }
    ASSERT_TRUE(store->Apply(batch).ok());
    if (b == 1) {
      // The first file went to the last level (nothing to overlap), the
      // second to level 0: one file, under a threshold of two.
      Result<bool> early = store->CompactRecordsIfLayered(2);
      ASSERT_TRUE(early.ok()) << early.status().ToString();
      EXPECT_FALSE(early.value());
    }
  }
  auto collect = [&](std::map<std::string, std::string>* out) {
    ASSERT_TRUE(store
                    ->ForEachRecord([&](Source s, std::string_view k, std::string_view v) {
                      EXPECT_EQ(s, Source::kPct);
                      (*out)[std::string(k)] = std::string(v);
                      return Status::Ok();
                    })
                    .ok());
  };
  std::map<std::string, std::string> before, after;
  collect(&before);
  EXPECT_EQ(before, want);
  Result<bool> compacted = store->CompactRecordsIfLayered(2);  // Three level-0 files.
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  EXPECT_TRUE(compacted.value());
  collect(&after);
  EXPECT_EQ(after, want);
  Result<bool> again = store->CompactRecordsIfLayered(1);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value());
  // Point look-ups read the merged run.
  std::vector<std::optional<std::string>> values;
  const std::vector<std::string> owned = {key(0), key(kBatches * kPerBatch - 1), key(-1)};
  const std::vector<std::string_view> keys(owned.begin(), owned.end());
  ASSERT_TRUE(store->GetRecords(Source::kPct, keys, &values).ok());
  EXPECT_EQ(values[0], want[key(0)]);
  EXPECT_EQ(values[1], want[key(kBatches * kPerBatch - 1)]);
  EXPECT_FALSE(values[2].has_value());
}

// The table files of `dir` and their sizes.
std::map<std::string, uintmax_t> TableFiles(const std::string& dir) {
  std::map<std::string, uintmax_t> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".sst") out[e.path().filename().string()] = e.file_size();
  }
  return out;
}

// A store of two threads merges its records in parallel parts: RocksDB cuts
// the merge at keys that divide the input's size evenly, each part at least
// a target file (64 MiB), and (7.8) only from three parts on. 200 MB of
// records in three overlapping bulk writes make three parts. (RocksDB 7.8
// reckons the input's size from samples of each file's index, and it counts
// some 150 MB of 400-byte values in 16 KiB blocks as too small for three.)
TEST_F(StoreTest, CompactRecordsIfLayeredMergesInParallelParts) {
  StoreOptions options;
  options.create_if_missing = true;
  options.threads = 2;
  auto store = OpenOrDie(options);
  ASSERT_NE(store, nullptr);
  constexpr int kBatches = 3;
  constexpr int kPerBatch = 500000;
  constexpr size_t kValueBytes = 120;  // Random: LZ4 keeps them whole.
  auto key = RecordKey;
  auto value = [](int i) {  // xorshift64 from a seed of i.
    uint64_t x = 88172645463325252ull ^ (static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull);
    std::string v(kValueBytes, '\0');
    for (size_t j = 0; j < v.size(); j += 8) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      std::memcpy(v.data() + j, &x, 8);
    }
    return v;
  };
  for (int b = 0; b < kBatches; ++b) {
    StoreBatch batch;  // Every kBatches-th key from b: each spans the others.
    for (int j = 0; j < kPerBatch; ++j) {
      const int i = j * kBatches + b;
      batch.PutRecord(Source::kPct, key(i), value(i));
    }
    ASSERT_TRUE(store->Apply(batch).ok());
  }
  // Every 2 MiB piece of the inputs the merge reads to its end is dropped
  // from the page cache once (stores/page_cache_fs.h): all but each file's
  // last, which ends in its index and filter blocks.
  ExpectRecordsInOrder(*store, kBatches * kPerBatch, value);
  EXPECT_EQ(store->page_cache_drops(), 0u);  // Reads outside a merge keep their pages.
  uint64_t pieces = 0;
  for (const auto& [name, bytes] : TableFiles(dir_)) {
    if (bytes >= (uint64_t{4} << 20)) pieces += bytes / (uint64_t{2} << 20) - 1;  // Records.
  }
  ASSERT_GT(pieces, 80u);                                      // 200 MB of records.
  Result<bool> compacted = store->CompactRecordsIfLayered(2);  // Two level-0 files.
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  EXPECT_TRUE(compacted.value());
  const uint64_t drops = store->page_cache_drops();
  EXPECT_GE(drops, pieces);
  ExpectRecordsInOrder(*store, kBatches * kPerBatch, value);
  EXPECT_EQ(store->page_cache_drops(), drops);  // Nor do reads of the merged run.
  store.reset();                                // Flushes the info log.
  // RocksDB's event for the merge of all the records.
  std::ifstream in(fs::path(dir_) / "LOG");
  std::string line, event;
  const std::string inputs = "\"num_input_records\": " + std::to_string(kBatches * kPerBatch) + ",";
  while (std::getline(in, line)) {
    if (line.find("\"compaction_finished\"") != std::string::npos &&
        line.find(inputs) != std::string::npos) {
      event = line;
    }
  }
  EXPECT_NE(event.find("\"num_subcompactions\": 3,"), std::string::npos) << event;
}

// With MergeRecordsAt(3), in a store of compressed records, the bulk files
// of records written once level 0
// holds two files are uncompressed (the merge at 3 will compress them); the
// earlier ones, and every file without the promise, are compressed. The
// first batch goes straight to the last level of the empty store, each later
// one (spanning it) to level 0: batch b finds b - 1 files there, so batches
// 3 and 4 are written uncompressed. The merge leaves every record readable
// and compressed again.
TEST_F(StoreTest, MergeRecordsAtWritesTheFilesTheMergeRewritesUncompressed) {
  constexpr int kBatches = 5;
  constexpr int kPerBatch = 60000;  // Above the bulk threshold: one table file per batch.
  auto key = RecordKey;
  auto value = [](int i) { return std::string(200, static_cast<char>('a' + i % 26)); };
  for (const bool promised : {false, true}) {
    SCOPED_TRACE(promised ? "MergeRecordsAt(3)" : "no merge promised");
    fs::remove_all(dir_);
    auto store = Create(1000, /*compress_records=*/true);
    ASSERT_NE(store, nullptr);
    if (promised) store->MergeRecordsAt(3);
    std::vector<uintmax_t> sizes;  // Of each batch's new table file.
    for (int b = 0; b < kBatches; ++b) {
      const auto before = TableFiles(dir_);
      StoreBatch batch;  // Every kBatches-th key from b: each spans the others.
      for (int j = 0; j < kPerBatch; ++j) {
        const int i = j * kBatches + b;
        batch.PutRecord(Source::kPct, key(i), value(i));
      }
      ASSERT_TRUE(store->Apply(batch).ok());
      uintmax_t added = 0;
      int files = 0;
      for (const auto& [name, size] : TableFiles(dir_)) {
        if (!before.count(name)) added += size, ++files;
      }
      ASSERT_EQ(files, 1);
      sizes.push_back(added);
    }
    // 12 MB of values a batch: LZ4 takes its file far below 3 MB.
    const uintmax_t raw = static_cast<uintmax_t>(kPerBatch) * 200;
    for (int b = 0; b < kBatches; ++b) {
      const bool uncompressed = promised && b >= 3;
      if (uncompressed) {
        EXPECT_GT(sizes[b], raw) << "batch " << b << ": " << sizes[b];
      } else {
        EXPECT_LT(sizes[b], raw / 4) << "batch " << b << ": " << sizes[b];
      }
    }
    Result<bool> compacted = store->CompactRecordsIfLayered(3);
    ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
    EXPECT_TRUE(compacted.value());
    uintmax_t total = 0;
    for (const auto& [name, size] : TableFiles(dir_)) total += size;
    EXPECT_LT(total, raw * kBatches / 4);
    ExpectRecordsInOrder(*store, kBatches * kPerBatch, value);
  }
}

// The size of the one table file that a bulk batch of `n` records of 200
// bytes adds to the store (0 when it adds another count of files).
uintmax_t BatchFileSize(Store* store, const std::string& dir, int n) {
  const auto before = TableFiles(dir);
  StoreBatch batch;
  for (int i = 0; i < n; ++i) {
    batch.PutRecord(Source::kPct, RecordKey(i), std::string(200, static_cast<char>('a' + i % 26)));
  }
  if (!store->Apply(batch).ok()) return 0;
  uintmax_t added = 0;
  int files = 0;
  for (const auto& [name, size] : TableFiles(dir)) {
    if (!before.count(name)) added += size, ++files;
  }
  return files == 1 ? added : 0;
}

// StoreOptions::compress_records is fixed when the store is created: a
// reopen asking for the other setting keeps it, and the records' table files
// follow it (plain: larger than the raw values; LZ4: far smaller). A store
// whose metadata predates the setting compresses; an unknown setting is
// Corruption.
TEST_F(StoreTest, RecordCompressionIsFixedAtCreation) {
  constexpr int kRecords = 60000;  // Above the bulk threshold: one table file.
  const uintmax_t raw = uintmax_t{kRecords} * 200;
  for (const bool compressed : {false, true}) {
    SCOPED_TRACE(compressed ? "created compressed" : "created plain");
    fs::remove_all(dir_);
    Create(1000, compressed).reset();
    StoreOptions reopen;
    reopen.compress_records = !compressed;  // Ignored: the store exists.
    auto store = OpenOrDie(reopen);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->compresses_records(), compressed);
    const uintmax_t size = BatchFileSize(store.get(), dir_, kRecords);
    ASSERT_GT(size, 0u);
    if (compressed) {
      EXPECT_LT(size, raw / 4);
    } else {
      EXPECT_GT(size, raw);
    }
  }
  // Metadata without the entry (a store created before it existed), then
  // with a value this build does not know.
  for (const char* value : {static_cast<const char*>(nullptr), "zstd"}) {
    fs::remove_all(dir_);
    Create().reset();
    ASSERT_TRUE(WriteRawMeta(dir_, store_keys::kMetaRecordCompression, value));
    auto r = Store::Open(dir_, StoreOptions());
    if (value != nullptr) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
      EXPECT_EQ(r.status().message(),
                "store " + dir_ + " has an invalid record_compression 'zstd'");
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE((*r)->compresses_records());
    const uintmax_t size = BatchFileSize(r->get(), dir_, kRecords);
    ASSERT_GT(size, 0u);
    EXPECT_LT(size, raw / 4);
  }
}

// records_in_parallel: a large set of records goes in as one table file per
// store thread (consecutive key ranges, one atomic write, with its deltas
// and pending log entry), a small one (under two files' minimum) as one;
// without it, one file. Every record reads back, in order.
TEST_F(StoreTest, RecordsInParallelAreWrittenAsOneFilePerThread) {
  constexpr int kRecords = 120000;  // Over two files' minimum (kMinRecordsPerFile 50,000).
  auto value = [](int i) { return std::string(100, static_cast<char>('a' + i % 26)); };
  std::vector<std::string> keys(kRecords), values(kRecords);
  for (int i = 0; i < kRecords; ++i) {
    keys[i] = std::string(1, static_cast<char>(Source::kPct)) + RecordKey(i);
    values[i] = value(i);
  }
  struct Case {
    int threads, records;
    bool parallel, pending;
    size_t files;
  };
  for (const Case& c : {Case{3, kRecords, true, false, 2}, Case{2, kRecords, true, true, 2},
                        Case{2, kRecords, false, false, 1}, Case{4, 60000, true, false, 1}}) {
    SCOPED_TRACE(std::to_string(c.threads) + " threads, " + std::to_string(c.records) + " records" +
                 (c.parallel ? ", in parallel" : "") + (c.pending ? ", pending" : ""));
    fs::remove_all(dir_);
    StoreOptions o;
    o.create_if_missing = true;
    o.grid_step_e5 = 1000;
    o.threads = c.threads;
    auto store = OpenOrDie(o);
    ASSERT_NE(store, nullptr);
    std::vector<Store::RecordWrite> writes(c.records);
    for (int i = 0; i < c.records; ++i) writes[i] = {keys[i], values[i]};
    SortedAggregates deltas;
    StoreBatch totals;
    OneCellDeltas(c.records, &deltas, &totals);
    const Status st = c.pending
                          ? store->ApplyWithPendingAggregates(writes, deltas, totals, c.parallel)
                          : store->ApplyWithSortedRecords(writes, deltas, totals, c.parallel);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(AggregateSum(*store), kUnit * c.records);
    ExpectRecordsInOrder(*store, c.records, value);
    store.reset();
    EXPECT_EQ(RawFileCount(dir_, store_keys::kRecordsCf), c.files);
  }
}

// Record writes out of order or repeated are refused (InvalidArgument) with
// nothing written, whichever path would write them: a batch (small), one
// table file, or one file per thread with the disorder exactly at the cut
// between two files (each file's keys ascend). The store stays writable:
// the same writes in order go in afterwards.
TEST_F(StoreTest, RecordWritesOutOfOrderAreRefusedWithNothingWritten) {
  auto value = [](int i) { return "v" + std::to_string(i); };
  struct Case {
    const char* name;
    int records;
    bool parallel;
    int swap_at;  // Keys swap_at and swap_at + 1 swapped; -1: key 1 repeats key 0.
  };
  for (const Case& c :
       {Case{"batch", 1000, false, 500}, Case{"batch, repeated", 1000, false, -1},
        Case{"one file", 120000, false, 77777}, Case{"one file, repeated", 120000, false, -1},
        Case{"two files, at the cut", 120000, true, 59999}}) {
    SCOPED_TRACE(c.name);
    fs::remove_all(dir_);
    StoreOptions o;
    o.create_if_missing = true;
    o.grid_step_e5 = 1000;
    o.threads = 2;
    auto store = OpenOrDie(o);
    ASSERT_NE(store, nullptr);
    std::vector<std::string> keys(c.records), values(c.records);
    for (int i = 0; i < c.records; ++i) {
      keys[i] = std::string(1, static_cast<char>(Source::kPct)) + RecordKey(i);
      values[i] = value(i);
    }
    std::vector<Store::RecordWrite> writes(c.records);
    for (int i = 0; i < c.records; ++i) writes[i] = {keys[i], values[i]};
    if (c.swap_at >= 0) {
      std::swap(writes[c.swap_at], writes[c.swap_at + 1]);
    } else {
      writes[1].store_key = writes[0].store_key;
    }
    SortedAggregates deltas;
    StoreBatch totals;
    OneCellDeltas(c.records, &deltas, &totals);
    const uint64_t pending_before = store->pending_flushes_written();
    const Status refused = store->ApplyWithPendingAggregates(writes, deltas, totals, c.parallel);
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << refused.ToString();
    EXPECT_EQ(store->pending_flushes_written(), pending_before);
    int records = 0;
    ASSERT_TRUE(store
                    ->ForEachRecord([&](Source, std::string_view, std::string_view) {
                      ++records;
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(records, 0);
    int aggregates = 0;
    ASSERT_TRUE(store
                    ->ForEachAggregate([&](const AggregateKey&, Units) {
                      ++aggregates;
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(aggregates, 0);

    for (int i = 0; i < c.records; ++i) writes[i] = {keys[i], values[i]};
    const Status st = store->ApplyWithPendingAggregates(writes, deltas, totals, c.parallel);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ExpectRecordsInOrder(*store, c.records, value);
    EXPECT_EQ(AggregateSum(*store), kUnit * c.records);
  }
}

}  // namespace
}  // namespace stc
