// The fixture shared by the store's tests: a fresh store directory per test.
#ifndef STCLUSTER_STORES_STORE_TEST_UTIL_H_
#define STCLUSTER_STORES_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "stores/store.h"

namespace stc {

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
