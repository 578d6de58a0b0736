#include "stores/store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <rocksdb/db.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "stores/keys.h"
#include "stores/store_test_util.h"

extern char** environ;

namespace stc {
namespace {

namespace fs = std::filesystem;

AggregateKey Agg(Source source, int32_t year, int32_t lat, int32_t lon, const char* country,
                 std::string field) {
  return TestAggregateKey(source, year, lat, lon, country, std::move(field));
}

std::vector<std::pair<AggregateKey, Units>> AllAggregates(const Store& store) {
  std::vector<std::pair<AggregateKey, Units>> out;
  Status s = store.ForEachAggregate([&](const AggregateKey& k, Units u) {
    out.emplace_back(k, u);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

std::vector<std::tuple<Source, std::string, std::string>> AllRecords(const Store& store) {
  std::vector<std::tuple<Source, std::string, std::string>> out;
  Status s = store.ForEachRecord([&](Source src, std::string_view k, std::string_view v) {
    out.emplace_back(src, std::string(k), std::string(v));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST_F(StoreTest, CreateWritesMetaAndGrid) {
  auto store = Create(500);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->grid().step_e5(), 500);
  EXPECT_EQ(store->dir(), dir_);
  auto version = store->GetMeta("format_version");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, std::optional<std::string>("1"));
  auto step = store->GetMeta("grid_step_e5");
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(*step, std::optional<std::string>("500"));
  auto missing = store->GetMeta("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(StoreTest, ReopenKeepsGridAndIgnoresGridOption) {
  Create(500).reset();
  StoreOptions o;
  o.grid_step_e5 = 2000;
  auto store = OpenOrDie(o);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->grid().step_e5(), 500);
  store.reset();
  o.create_if_missing = true;
  o.grid_step_e5 = 7;  // Invalid, but ignored for an existing store.
  store = OpenOrDie(o);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->grid().step_e5(), 500);
}

TEST_F(StoreTest, InvalidGridStepForNewStore) {
  for (int32_t step : {0, -1000, 7}) {
    StoreOptions o;
    o.create_if_missing = true;
    o.grid_step_e5 = step;
    auto r = Store::Open(dir_, o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  }
  auto r = Store::Open(dir_, StoreOptions());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, NonStoreDirectoryIsNotFound) {
  auto missing = Store::Open(dir_, StoreOptions());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(fs::create_directories(dir_));
  auto r = Store::Open(dir_, StoreOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no stcluster store at " + dir_ + " (create one with ingest)");
  StoreOptions ro;
  ro.read_only = true;
  ro.create_if_missing = true;  // Read-only never creates.
  auto r2 = Store::Open(dir_, ro);
  EXPECT_EQ(r2.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "CURRENT"));
}

TEST_F(StoreTest, ForeignRocksDbIsRejected) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, dir_, &db).ok());
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "hello", "world").ok());
  delete db;
  auto r = Store::Open(dir_, StoreOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
  StoreOptions create;
  create.create_if_missing = true;  // Has data, no format_version: not adopted.
  auto r2 = Store::Open(dir_, create);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), StatusCode::kCorruption) << r2.status().ToString();
  EXPECT_NE(r2.status().message().find("not an stcluster store"), std::string::npos);
  std::vector<std::string> cfs;  // The foreign database was not modified.
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_, &cfs).ok());
  EXPECT_EQ(cfs, std::vector<std::string>{"default"});
}

TEST_F(StoreTest, EmptyRocksDbBecomesAStore) {
  // A creation interrupted after RocksDB created its files but before the
  // store's column families and metadata existed.
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, dir_, &db).ok());
  delete db;
  auto store = Create(250);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->grid().step_e5(), 250);
}

TEST_F(StoreTest, OtherFormatVersionIsRefused) {
  Create().reset();
  ASSERT_TRUE(WriteRawMeta(dir_, "format_version", "2"));
  auto r = Store::Open(dir_, StoreOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(r.status().message(),
            "store " + dir_ + " has format version '2'; this build reads format version 1");
}

TEST_F(StoreTest, SecondWriterInProcessIsBusy) {
  auto first = Create();
  ASSERT_NE(first, nullptr);
  StoreOptions o;
  o.create_if_missing = true;
  auto second = Store::Open(dir_, o);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kBusy) << second.status().ToString();
  // The message names the holder: here this very process.
  const std::string prefix = "store " + dir_ + " is being written by another process (pid " +
                             std::to_string(getpid()) + ", started ";
  EXPECT_EQ(second.status().message().substr(0, prefix.size()), prefix);
  first.reset();  // The lock goes with the first writer.
  auto third = Store::Open(dir_, o);
  EXPECT_TRUE(third.ok()) << third.status().ToString();
}

// A child process (stc_stores_lock_holder) holding the store open as writer.
class LockHolder {
 public:
  bool Start(const std::string& dir, const std::string& key, const std::string& value) {
    int in_pipe[2], out_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_addclose(&actions, in_pipe[1]);
    posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    std::string exe = STC_LOCK_HOLDER;
    std::vector<char*> argv = {exe.data(), const_cast<char*>(dir.c_str()),
                               const_cast<char*>(key.c_str()), const_cast<char*>(value.c_str()),
                               nullptr};
    int rc = posix_spawn(&pid_, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in_pipe[0]);
    close(out_pipe[1]);
    to_child_ = in_pipe[1];
    from_child_ = out_pipe[0];
    if (rc != 0) {
      pid_ = -1;
      return false;
    }
    return true;
  }
  // Reads the child's first line (30 s at most).
  std::string ReadLine() {
    std::string line;
    char c;
    while (true) {
      pollfd p{from_child_, POLLIN, 0};
      if (poll(&p, 1, 30000) <= 0) break;
      if (read(from_child_, &c, 1) != 1 || c == '\n') break;
      line.push_back(c);
    }
    return line;
  }
  // Closes the child's stdin and returns its exit status.
  int Stop() {
    if (to_child_ >= 0) close(to_child_);
    to_child_ = -1;
    int status = -1;
    if (pid_ > 0) waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  ~LockHolder() {
    Stop();
    if (from_child_ >= 0) close(from_child_);
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
};

TEST_F(StoreTest, SecondWriterProcessIsBusyAndReadOnlyOpenWorks) {
  Create(500).reset();
  LockHolder holder;
  ASSERT_TRUE(holder.Start(dir_, "PCT/JP2021/000001", "payload"));
  ASSERT_EQ(holder.ReadLine(), "ready");

  StoreOptions writer;
  writer.create_if_missing = true;
  auto second = Store::Open(dir_, writer);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kBusy);
  // The message names the holder process.
  const std::string prefix = "store " + dir_ + " is being written by another process (pid " +
                             std::to_string(holder.pid()) + ", started ";
  EXPECT_EQ(second.status().message().substr(0, prefix.size()), prefix)
      << second.status().message();

  // A reader opens while the writer holds the lock and sees its applied batch.
  StoreOptions ro;
  ro.read_only = true;
  auto reader = OpenOrDie(ro);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->grid().step_e5(), 500);
  std::vector<std::optional<std::string>> values;
  ASSERT_TRUE(reader->GetRecords(Source::kPct, {"PCT/JP2021/000001"}, &values).ok());
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0], std::optional<std::string>("payload"));
  reader.reset();

  int status = holder.Stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(OpenOrDie(writer), nullptr);  // The lock is free again.
}

TEST_F(StoreTest, ReadOnlyOpenInProcessWhileWriterRuns) {
  auto writer = Create();
  ASSERT_NE(writer, nullptr);
  StoreBatch batch;
  batch.PutRecord(Source::kArticle, "k1", "v1");
  batch.AddAggregate(Agg(Source::kArticle, 2020, 1, 2, "US", "17"), 250);
  ASSERT_TRUE(writer->Apply(batch).ok());

  StoreOptions o;
  o.read_only = true;
  auto reader = OpenOrDie(o);
  ASSERT_NE(reader, nullptr);
  auto records = AllRecords(*reader);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], std::make_tuple(Source::kArticle, std::string("k1"), std::string("v1")));
  auto aggs = AllAggregates(*reader);
  ASSERT_EQ(aggs.size(), 1u);
  EXPECT_EQ(aggs[0].second, 250);

  // Writes after the reader opened are not visible to it; a reopen sees them.
  StoreBatch later;
  later.PutRecord(Source::kArticle, "k2", "v2");
  ASSERT_TRUE(writer->Apply(later).ok());
  EXPECT_EQ(AllRecords(*reader).size(), 1u);
  auto reopened = OpenOrDie(o);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(AllRecords(*reopened).size(), 2u);

  Status s = reader->Apply(batch);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("read-only"), std::string::npos);
  EXPECT_EQ(reader->PutMeta("x", "y").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->Compact().code(), StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, ApplyWritesRecordsAggregatesAndTotalsAtomically) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  EXPECT_TRUE(batch.empty());
  batch.PutRecord(Source::kPct, "PCT/US2020/000002", "b");
  batch.PutRecord(Source::kPct, "PCT/JP2020/000001", "a");
  batch.PutRecord(Source::kArticle, "2-s2.0-1", "c");
  const AggregateKey tokyo = Agg(Source::kPct, 2020, 3568, 13974, "JP", "H");
  const AggregateKey south = Agg(Source::kPct, 2020, -3387, 15121, "AU", "H");
  const AggregateKey west = Agg(Source::kPct, 2020, 3568, -7400, "US", "");
  batch.AddAggregate(tokyo, 600'000'000);
  batch.AddAggregate(south, 150'000'000);
  batch.AddAggregate(tokyo, 150'000'000);  // Same cell twice in one batch.
  batch.AddAggregate(west, 100'000'000);
  batch.AddTotals(Source::kPct, 2020, 2 * kUnit, 0, 2);
  batch.AddTotals(Source::kArticle, 2021, kUnit, kUnit, 1);
  EXPECT_FALSE(batch.empty());
  ASSERT_TRUE(store->Apply(batch).ok());

  StoreBatch more;
  more.AddAggregate(tokyo, -50'000'000);
  more.AddTotals(Source::kPct, 2020, kUnit, 400'000'000, 1);
  ASSERT_TRUE(store->Apply(more).ok());

  auto records = AllRecords(*store);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0],
            std::make_tuple(Source::kPct, std::string("PCT/JP2020/000001"), std::string("a")));
  EXPECT_EQ(records[1],
            std::make_tuple(Source::kPct, std::string("PCT/US2020/000002"), std::string("b")));
  EXPECT_EQ(records[2],
            std::make_tuple(Source::kArticle, std::string("2-s2.0-1"), std::string("c")));

  auto aggs = AllAggregates(*store);
  ASSERT_EQ(aggs.size(), 3u);  // Order: lat -3387 first, then (3568, -7400), (3568, 13974).
  EXPECT_EQ(aggs[0], std::make_pair(south, Units{150'000'000}));
  EXPECT_EQ(aggs[1], std::make_pair(west, Units{100'000'000}));
  EXPECT_EQ(aggs[2], std::make_pair(tokyo, Units{700'000'000}));

  auto totals = store->GetTotals();
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(totals->size(), 2u);
  EXPECT_EQ((*totals)[0].source, Source::kPct);
  EXPECT_EQ((*totals)[0].year, 2020);
  EXPECT_EQ((*totals)[0].world, 3 * kUnit);
  EXPECT_EQ((*totals)[0].unlocated, 400'000'000);
  EXPECT_EQ((*totals)[0].records, 3);
  EXPECT_EQ((*totals)[1].source, Source::kArticle);
  EXPECT_EQ((*totals)[1].year, 2021);
  EXPECT_EQ((*totals)[1].world, kUnit);
  EXPECT_EQ((*totals)[1].unlocated, kUnit);
  EXPECT_EQ((*totals)[1].records, 1);

  // Survives a reopen (WAL replay) and a compaction.
  store.reset();
  store = OpenOrDie(StoreOptions());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_EQ(AllAggregates(*store), aggs);
  EXPECT_EQ(AllRecords(*store), records);
}

TEST_F(StoreTest, InvalidBatchWritesNothing) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  batch.PutRecord(Source::kPct, "k", "v");
  batch.AddAggregate(Agg(Source::kPct, 70000, 0, 0, "", "A"), 1);
  EXPECT_EQ(store->Apply(batch).code(), StatusCode::kInvalidArgument);
  batch.Clear();
  EXPECT_TRUE(batch.empty());
  batch.PutRecord(Source::kPct, "k", "v");
  batch.AddTotals(Source::kPct, -1, kUnit, 0, 1);
  EXPECT_EQ(store->Apply(batch).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(AllRecords(*store).empty());
  EXPECT_TRUE(store->Apply(StoreBatch()).ok());
}

TEST_F(StoreTest, AddThenSubtractLeavesNothingBehind) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  const AggregateKey gone = Agg(Source::kVc, 2022, -100, -200, "BR", "fintech");
  const AggregateKey stays = Agg(Source::kVc, 2022, 100, 200, "BR", "fintech");
  const AggregateKey flushed = Agg(Source::kVc, 2023, 5, 5, "BR", "");
  StoreBatch add;
  add.AddAggregate(gone, 333'333'334);
  add.AddAggregate(stays, 1);
  add.AddAggregate(flushed, 42);
  add.AddTotals(Source::kVc, 2022, kUnit, 0, 1);
  ASSERT_TRUE(store->Apply(add).ok());
  // `flushed` reaches an SST before its removal: the zero appears in a compaction merge.
  ASSERT_TRUE(store->Compact().ok());
  StoreBatch sub;
  sub.AddAggregate(gone, -333'333'334);
  sub.AddAggregate(flushed, -42);
  sub.AddTotals(Source::kVc, 2022, -kUnit, 0, -1);
  ASSERT_TRUE(store->Apply(sub).ok());
  // Added and removed in the same batch: never written.
  StoreBatch both;
  both.AddAggregate(Agg(Source::kPct, 2000, 0, 0, "", ""), 5);
  both.AddAggregate(Agg(Source::kPct, 2000, 0, 0, "", ""), -5);
  ASSERT_TRUE(store->Apply(both).ok());

  auto aggs = AllAggregates(*store);
  ASSERT_EQ(aggs.size(), 1u);
  EXPECT_EQ(aggs[0], std::make_pair(stays, Units{1}));
  auto totals = store->GetTotals();
  ASSERT_TRUE(totals.ok());
  EXPECT_TRUE(totals->empty());

  ASSERT_TRUE(store->Compact().ok());
  EXPECT_EQ(AllAggregates(*store), aggs);
  store.reset();
  EXPECT_EQ(RawKeyCount(dir_, "aggregates"), 1u);
  EXPECT_EQ(RawKeyCount(dir_, "totals"), 0u);
}

TEST_F(StoreTest, PutMetasWritesAllOrNoneAndMovesTheSequenceByTheirCount) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  const uint64_t before = store->LastSequence();
  ASSERT_TRUE(store->PutMetas({{"a", "1"}, {"b", "2"}, {"c", "3"}}).ok());
  EXPECT_EQ(store->LastSequence(), before + 3);
  EXPECT_EQ(store->GetMeta("a").value(), std::optional<std::string>("1"));
  EXPECT_EQ(store->GetMeta("c").value(), std::optional<std::string>("3"));
  // A fixed name anywhere in the list: nothing written, the sequence unmoved.
  EXPECT_EQ(store->PutMetas({{"d", "4"}, {"grid_step_e5", "500"}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->GetMeta("d").value(), std::optional<std::string>());
  EXPECT_EQ(store->LastSequence(), before + 3);
}

TEST_F(StoreTest, MetaRoundTripAndFixedNames) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutMeta("cluster_map_version", "3").ok());
  EXPECT_EQ(store->PutMeta("grid_step_e5", "500").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->PutMeta("format_version", "2").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->PutMeta("record_compression", "lz4").code(), StatusCode::kInvalidArgument);
  store.reset();
  StoreOptions o;
  o.sync_writes = true;
  store = OpenOrDie(o);
  ASSERT_NE(store, nullptr);
  auto v = store->GetMeta("cluster_map_version");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, std::optional<std::string>("3"));
  EXPECT_EQ(store->grid().step_e5(), 1000);
  EXPECT_FALSE(store->compresses_records());
}

}  // namespace
}  // namespace stc
