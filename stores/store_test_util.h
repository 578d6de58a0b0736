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

#include "stores/keys.h"
#include "stores/store.h"

namespace stc {

// Counts the physical keys of a column family of the closed store with a raw
// RocksDB read-only instance (no merge operator: count the aggregates after a
// compaction).
inline size_t RawKeyCount(const std::string& dir, const std::string& cf) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const char* name : {store_keys::kMetaCf, store_keys::kRecordsCf, store_keys::kAggregatesCf,
                           store_keys::kTotalsCf, store_keys::kPendingCf}) {
    descs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, descs, &handles, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return SIZE_MAX;
  size_t count = 0;
  for (auto* h : handles) {
    if (h->GetName() != cf) continue;
    rocksdb::ReadOptions ro;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  delete db;
  return count;
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
  std::unique_ptr<Store> Create(int32_t step = 1000) {
    StoreOptions o;
    o.create_if_missing = true;
    o.grid_step_e5 = step;
    return OpenOrDie(o);
  }

  std::string dir_;
};

}  // namespace stc

#endif  // STCLUSTER_STORES_STORE_TEST_UTIL_H_
