// Store::ForEachRecordParallel against the serial scan.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
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

}  // namespace
}  // namespace stc
