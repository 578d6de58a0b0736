// OpenTableRun and ScanIterator (table_run.h) on plain RocksDB databases:
// the direct read of one sorted run gives what the database's iterator
// gives, over any range, and is refused whenever the database holds more
// than that run.
#include "stores/table_run.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "stores/keys.h"
#include "stores/merge_operator.h"

namespace stc::store_internal {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%06d", i);
  return buf;
}

std::string Value(int64_t v) {
  std::string out;
  store_keys::AppendInt64Le(&out, v);
  return out;
}

class TableRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::path(::testing::TempDir()) /
            ("stc_table_run_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override {
    Close();
    std::filesystem::remove_all(dir_);
  }

  // Small table files (many per level) and the store's merge operator.
  static rocksdb::Options Options() {
    rocksdb::Options o;
    o.create_if_missing = true;
    o.disable_auto_compactions = true;
    o.target_file_size_base = 8 << 10;
    o.compression = rocksdb::kNoCompression;
    o.merge_operator = NewInt64VectorAddOperator();
    return o;
  }
  void OpenWritable() {
    Close();
    ASSERT_TRUE(rocksdb::DB::Open(Options(), dir_, &db_).ok());
  }
  void OpenReadOnly() {
    Close();
    ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(Options(), dir_, &db_).ok());
  }
  void Close() {
    delete db_;
    db_ = nullptr;
  }
  rocksdb::ColumnFamilyHandle* Cf() { return db_->DefaultColumnFamily(); }

  // The entries of [lower, upper) read through `run` (null: the database).
  Entries Scan(const TableRun* run, std::optional<std::string> lower,
               std::optional<std::string> upper) {
    Entries out;
    ScanIterator it(db_, Cf(), run, nullptr, std::move(lower), std::move(upper));
    for (; it.Valid(); it.Next()) out.emplace_back(it.key().ToString(), it.value().ToString());
    last_status_ = it.status();
    if (expect_ok_) {
      EXPECT_TRUE(it.status().ok()) << it.status().ToString();
    }
    raw_files_ += it.raw_files();
    raw_fallbacks_ += it.raw_fallbacks();
    return out;
  }

  // The number of table files per level.
  std::map<int, size_t> Levels() {
    rocksdb::ColumnFamilyMetaData meta;
    db_->GetColumnFamilyMetaData(Cf(), &meta);
    std::map<int, size_t> out;
    for (const auto& l : meta.levels) {
      if (!l.files.empty()) out[l.level] = l.files.size();
    }
    return out;
  }

  std::string dir_;
  rocksdb::DB* db_ = nullptr;
  // Of the scans so far: the files read block by block, and those whose
  // rest RocksDB read (ScanIterator's diagnostics); the last scan's status.
  size_t raw_files_ = 0, raw_fallbacks_ = 0;
  rocksdb::Status last_status_;
  bool expect_ok_ = true;
};

// 6,000 keys compacted into many files of the last level: every range,
// bounded or not, inside a file, across files, between keys, before the
// first and past the last, reads the same entries through the run as
// through the database, and both equal the brute-force selection.
TEST_F(TableRunTest, ManyFilesOfOneLevelReadAsTheDatabaseDoes) {
  OpenWritable();
  std::map<std::string, std::string> want;
  for (int i = 0; i < 6000; ++i) {
    const std::string k = Key(2 * i);  // Odd numbers are gaps between keys.
    want[k] = Value(i * 7 - 3000);
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), k, want[k]).ok());
  }
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  rocksdb::CompactRangeOptions cro;
  cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  ASSERT_TRUE(db_->CompactRange(cro, nullptr, nullptr).ok());
  OpenReadOnly();
  const std::map<int, size_t> levels = Levels();
  ASSERT_EQ(levels.size(), 1u);
  ASSERT_GT(levels.begin()->first, 0);
  ASSERT_GT(levels.begin()->second, 5u);

  const std::shared_ptr<const TableRun> run = OpenTableRun(db_, Cf(), nullptr, /*read_only=*/true);
  ASSERT_NE(run, nullptr);
  ASSERT_EQ(run->files().size(), levels.begin()->second);
  // Open for writing: only with a snapshot.
  EXPECT_EQ(OpenTableRun(db_, Cf(), nullptr, /*read_only=*/false), nullptr);

  const Entries all(want.begin(), want.end());
  EXPECT_EQ(Scan(run.get(), std::nullopt, std::nullopt), all);
  EXPECT_EQ(Scan(nullptr, std::nullopt, std::nullopt), all);

  // Bounds at every file's first and last key, just past them and random.
  std::vector<std::optional<std::string>> bounds = {std::nullopt, "", "a", "k", "z"};
  for (const TableRun::File& f : run->files()) {
    bounds.push_back(f.smallest);
    bounds.push_back(f.largest);
    bounds.push_back(f.largest + '\0');
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 12; ++i) bounds.push_back(Key(static_cast<int>(rng() % 12100)));
  size_t nonempty = 0;
  for (const auto& lower : bounds) {
    for (const auto& upper : bounds) {
      Entries expect;
      for (const auto& [k, v] : want) {  // Brute force.
        if ((!lower.has_value() || k >= *lower) && (!upper.has_value() || k < *upper)) {
          expect.emplace_back(k, v);
        }
      }
      nonempty += !expect.empty();
      SCOPED_TRACE((lower ? *lower : "-") + " .. " + (upper ? *upper : "-"));
      ASSERT_EQ(Scan(run.get(), lower, upper), expect);
      ASSERT_EQ(Scan(nullptr, lower, upper), expect);
    }
  }
  EXPECT_GT(nonempty, bounds.size() * bounds.size() / 4);
  // The run's files were read block by block (raw_table.h), never falling back.
  EXPECT_GT(raw_files_, bounds.size() * bounds.size() / 4);
  EXPECT_EQ(raw_fallbacks_, 0u);
}

// Files whose blocks RawTableCursor cannot read (a hash index in the data
// blocks) are read by RocksDB from where it stopped: the same entries as
// the database gives. A damaged block: the entries before it, then
// RocksDB's error.
TEST_F(TableRunTest, RocksDbReadsWhereTheBlocksCannotBeRead) {
  for (const bool hashed : {true, false}) {
    SCOPED_TRACE(hashed ? "hash index" : "damaged block");
    std::filesystem::remove_all(dir_);
    rocksdb::Options o = Options();
    rocksdb::BlockBasedTableOptions t;
    t.checksum = rocksdb::kXXH3;
    t.block_size = 512;
    if (hashed) t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    o.target_file_size_base = 1 << 20;  // One file.
    ASSERT_TRUE(rocksdb::DB::Open(o, dir_, &db_).ok());
    std::map<std::string, std::string> want;
    for (int i = 0; i < 2000; ++i) {
      want[Key(i)] = Value(i);
      ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), Key(i), Value(i)).ok());
    }
    ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
    Close();
    ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(o, dir_, &db_).ok());
    ASSERT_EQ(Levels(), (std::map<int, size_t>{{0, 1}}));
    rocksdb::ColumnFamilyMetaData meta;
    db_->GetColumnFamilyMetaData(Cf(), &meta);
    const std::string path = meta.levels[0].files[0].db_path + "/" + meta.levels[0].files[0].name;
    std::shared_ptr<const TableRun> run = OpenTableRun(db_, Cf(), nullptr, /*read_only=*/true);
    ASSERT_NE(run, nullptr);
    ASSERT_NE(run->files()[0].raw, nullptr);
    const Entries all(want.begin(), want.end());
    raw_fallbacks_ = 0;
    if (hashed) {
      EXPECT_EQ(Scan(run.get(), std::nullopt, std::nullopt), all);
      EXPECT_EQ(Scan(run.get(), Key(700), Key(900)),
                Entries(want.find(Key(700)), want.find(Key(900))));
      EXPECT_EQ(raw_fallbacks_, 2u);
      Close();
      continue;
    }
    // Damage the middle block of the file, then read it again.
    const RawTable& raw = *run->files()[0].raw;
    const size_t middle = raw.blocks().size() / 2;
    ASSERT_GT(middle, 2u);
    const RawTable::Block victim = raw.blocks()[middle];
    const std::string last_before(raw.separator(middle - 1));
    run.reset();
    Close();
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(victim.offset + victim.size / 2));
      f.put('\x5a');
    }
    ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(o, dir_, &db_).ok());
    run = OpenTableRun(db_, Cf(), nullptr, /*read_only=*/true);
    ASSERT_NE(run, nullptr);
    expect_ok_ = false;
    const Entries got = Scan(run.get(), std::nullopt, std::nullopt);
    EXPECT_TRUE(last_status_.IsCorruption()) << last_status_.ToString();
    EXPECT_EQ(got, Entries(want.begin(), want.upper_bound(last_before)));
    EXPECT_EQ(raw_fallbacks_, 1u);
    expect_ok_ = true;
    Close();
  }
}

// One level-0 file is one sorted run: its merge operands are added and its
// deletions hidden, as the database does. A second level-0 file, or
// entries in the memtable, make the run unusable.
TEST_F(TableRunTest, OneLevelZeroFileWithOperandsButNotTwo) {
  OpenWritable();
  std::map<std::string, std::string> want;
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), Key(i), Value(i)).ok());
    want[Key(i)] = Value(i);
  }
  for (int i = 0; i < 300; i += 3) {
    ASSERT_TRUE(db_->Merge(rocksdb::WriteOptions(), Key(i), Value(1000)).ok());
    want[Key(i)] = Value(i + 1000);
  }
  for (int i = 1; i < 300; i += 10) {
    ASSERT_TRUE(db_->Delete(rocksdb::WriteOptions(), Key(i)).ok());
    want.erase(Key(i));
  }
  ASSERT_TRUE(db_->Merge(rocksdb::WriteOptions(), Key(500), Value(-4)).ok());  // Operand only.
  want[Key(500)] = Value(-4);
  // Entries in the memtable: refused (a read-only open would have replayed
  // them from the log into its memtable).
  EXPECT_EQ(OpenTableRun(db_, Cf(), nullptr, /*read_only=*/true), nullptr);
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  OpenReadOnly();
  ASSERT_EQ(Levels(), (std::map<int, size_t>{{0, 1}}));
  const std::shared_ptr<const TableRun> run = OpenTableRun(db_, Cf(), nullptr, /*read_only=*/true);
  ASSERT_NE(run, nullptr);
  const Entries all(want.begin(), want.end());
  EXPECT_EQ(Scan(run.get(), std::nullopt, std::nullopt), all);
  EXPECT_EQ(Scan(nullptr, std::nullopt, std::nullopt), all);
  EXPECT_EQ(Scan(run.get(), Key(10), Key(20)), Entries(want.find(Key(10)), want.find(Key(20))));

  // A second level-0 file: two sorted runs.
  OpenWritable();
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), Key(5), Value(5)).ok());
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  OpenReadOnly();
  ASSERT_EQ(Levels(), (std::map<int, size_t>{{0, 2}}));
  EXPECT_EQ(OpenTableRun(db_, Cf(), nullptr, /*read_only=*/true), nullptr);
}

// A store open for writing: the run is read at a snapshot that no table
// file postdates. Anything written after the snapshot and moved into the run
// by a flush and a compaction refuses it.
TEST_F(TableRunTest, WritableStoresNeedASnapshotTheFilesDoNotPostdate) {
  OpenWritable();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), Key(i), Value(i)).ok());
  }
  rocksdb::CompactRangeOptions cro;
  cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  ASSERT_TRUE(db_->CompactRange(cro, nullptr, nullptr).ok());
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  EXPECT_EQ(OpenTableRun(db_, Cf(), nullptr, /*read_only=*/false), nullptr);
  const std::shared_ptr<const TableRun> run =
      OpenTableRun(db_, Cf(), snapshot, /*read_only=*/false);
  ASSERT_NE(run, nullptr);
  // Written after the snapshot: the run read before still shows the
  // snapshot's entries; a run asked for later at that snapshot is refused.
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), Key(7), Value(700)).ok());
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), Key(200), Value(200)).ok());
  EXPECT_EQ(OpenTableRun(db_, Cf(), snapshot, /*read_only=*/false), nullptr);  // Memtable.
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  ASSERT_TRUE(db_->CompactRange(cro, nullptr, nullptr).ok());
  EXPECT_EQ(OpenTableRun(db_, Cf(), snapshot, /*read_only=*/false), nullptr);  // Newer files.
  Entries want;
  for (int i = 0; i < 100; ++i) want.emplace_back(Key(i), Value(i));
  EXPECT_EQ(Scan(run.get(), std::nullopt, std::nullopt), want);
  db_->ReleaseSnapshot(snapshot);
  const rocksdb::Snapshot* later = db_->GetSnapshot();
  EXPECT_NE(OpenTableRun(db_, Cf(), later, /*read_only=*/false), nullptr);
  db_->ReleaseSnapshot(later);
}

// A range deletion in the only table file: refused.
TEST_F(TableRunTest, RangeDeletionsRefuseTheRun) {
  OpenWritable();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), Key(i), Value(i)).ok());
  }
  ASSERT_TRUE(db_->DeleteRange(rocksdb::WriteOptions(), Cf(), Key(50), Key(60)).ok());
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  OpenReadOnly();
  ASSERT_EQ(Levels(), (std::map<int, size_t>{{0, 1}}));
  EXPECT_EQ(OpenTableRun(db_, Cf(), nullptr, /*read_only=*/true), nullptr);
  EXPECT_EQ(Scan(nullptr, std::nullopt, std::nullopt).size(), 90u);
}

// No table file: nothing to read directly.
TEST_F(TableRunTest, NoTableFileNoRun) {
  OpenWritable();
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  OpenReadOnly();
  EXPECT_EQ(OpenTableRun(db_, Cf(), nullptr, /*read_only=*/true), nullptr);
  EXPECT_TRUE(Scan(nullptr, std::nullopt, std::nullopt).empty());
}

}  // namespace
}  // namespace stc::store_internal
