// The fixture shared by the store's tests: a fresh store directory per test.
#ifndef STCLUSTER_STORES_STORE_TEST_UTIL_H_
#define STCLUSTER_STORES_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "stores/keys.h"
#include "stores/store.h"

namespace stc {

// Descriptors of every column family of a store, meta first (default
// options): for opening a store raw, around the Store.
inline std::vector<rocksdb::ColumnFamilyDescriptor> AllColumnFamilies() {
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const char* name : {store_keys::kMetaCf, store_keys::kRecordsCf, store_keys::kAggregatesCf,
                           store_keys::kTotalsCf, store_keys::kPendingCf}) {
    descs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  return descs;
}

// Calls fn(db, handle) with a raw RocksDB read-only instance of the closed
// store in `dir` and the handle of its column family `cf` (or null); returns
// false when the store does not open.
template <typename Fn>
bool WithRawColumnFamily(const std::string& dir, const std::string& cf, Fn fn) {
  const std::vector<rocksdb::ColumnFamilyDescriptor> descs = AllColumnFamilies();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, descs, &handles, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return false;
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  for (auto* h : handles) {
    if (h->GetName() == cf) handle = h;
  }
  fn(db, handle);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  delete db;
  return true;
}

// Writes meta entry `name` = *value (or deletes it when `value` is null)
// straight into the closed store in `dir`, bypassing the Store's checks;
// false when the store does not open or the write fails.
inline bool WriteRawMeta(const std::string& dir, const std::string& name, const char* value) {
  const std::vector<rocksdb::ColumnFamilyDescriptor> descs = AllColumnFamilies();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, descs, &handles, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return false;
  s = value == nullptr ? db->Delete(rocksdb::WriteOptions(), handles[0], name)
                       : db->Put(rocksdb::WriteOptions(), handles[0], name, value);
  EXPECT_TRUE(s.ok()) << s.ToString();
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  delete db;
  return s.ok();
}

// Counts the physical keys of a column family of the closed store (no merge
// operator: count the aggregates after a compaction).
inline size_t RawKeyCount(const std::string& dir, const std::string& cf) {
  size_t count = 0;
  const bool opened =
      WithRawColumnFamily(dir, cf, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* h) {
        if (h == nullptr) return;
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h));
        for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
        EXPECT_TRUE(it->status().ok()) << it->status().ToString();
      });
  return opened ? count : SIZE_MAX;
}

// Counts the table files of a column family of the closed store.
inline size_t RawFileCount(const std::string& dir, const std::string& cf) {
  size_t count = 0;
  const bool opened =
      WithRawColumnFamily(dir, cf, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle*) {
        std::vector<rocksdb::LiveFileMetaData> files;
        db->GetLiveFilesMetaData(&files);
        for (const auto& f : files) count += f.column_family_name == cf;
      });
  return opened ? count : SIZE_MAX;
}

// An aggregate key of the tests: `country` two letters or "" (none).
inline AggregateKey TestAggregateKey(Source source, int32_t year, int32_t lat_idx, int32_t lon_idx,
                                     const char* country, std::string field) {
  AggregateKey k;
  k.source = source;
  k.year = year;
  k.cell = Cell{lat_idx, lon_idx};
  k.country[0] = country[0];
  k.country[1] = country[0] ? country[1] : 0;
  k.field = std::move(field);
  return k;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (std::filesystem::path(::testing::TempDir()) /
            ("stc_store_test_" + std::to_string(getpid()) + "_" + info->name() + "_" +
             std::to_string(counter++)))
               .string();
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> OpenOrDie(StoreOptions options) {
    auto r = Store::Open(dir_, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  std::unique_ptr<Store> Create(int32_t step = 1000, bool compress_records = false) {
    StoreOptions o;
    o.create_if_missing = true;
    o.grid_step_e5 = step;
    o.compress_records = compress_records;
    return OpenOrDie(o);
  }

  std::string dir_;
};

}  // namespace stc

#endif  // STCLUSTER_STORES_STORE_TEST_UTIL_H_
