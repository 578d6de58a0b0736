// Tests of Store::ForEachStoredRecord's merge of sorted keys with the stored
// ones (store_writes.cc): every layout of the keys, dense runs, gaps, keys
// spread thinly (the fall-back to point look-ups), absent keys and keys past
// the last stored one, gives what point look-ups (GetRecords) give, on a
// store of several sorted runs with overwrites and deletions; so does the
// walk's prefix mode, on sorted runs that hold other prefixes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "stores/store.h"
#include "stores/store_test_util.h"

namespace stc {
namespace {

// An application number: office, year and a six-digit serial.
std::string AppNumber(const char* office, int year, int serial) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "PCT/%s%d/%06d", office, year, serial);
  return buf;
}

using Visit = std::vector<std::pair<size_t, std::string>>;

Visit Visited(const Store& store, Source source, const std::vector<std::string>& owned) {
  const std::vector<std::string_view> keys(owned.begin(), owned.end());
  Visit seen;
  Status st = store.ForEachStoredRecord(source, keys, [&](size_t i, std::string_view v) {
    seen.emplace_back(i, std::string(v));
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return seen;
}

// The same visit from point look-ups, key by key.
Visit Expected(const Store& store, Source source, const std::vector<std::string>& owned) {
  const std::vector<std::string_view> keys(owned.begin(), owned.end());
  std::vector<std::optional<std::string>> values;
  Status st = store.GetRecords(source, keys, &values);
  EXPECT_TRUE(st.ok()) << st.ToString();
  Visit out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i]) out.emplace_back(i, *values[i]);
  }
  return out;
}

std::vector<std::string> SortedUnique(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

using Layouts = std::vector<std::pair<const char*, std::vector<std::string>>>;

// Appends a layout of every key of the others and 3000 random application
// numbers of the offices and of 2018-2021, serials below `serials`.
void AddMixedLayout(int serials, std::mt19937* rng, Layouts* layouts) {
  const char* offices[] = {"CN", "JP", "US"};
  std::vector<std::string> keys;
  for (const auto& [name, layout] : *layouts) keys.insert(keys.end(), layout.begin(), layout.end());
  for (int k = 0; k < 3000; ++k) {
    keys.push_back(AppNumber(offices[(*rng)() % 3], 2018 + static_cast<int>((*rng)() % 4),
                             static_cast<int>((*rng)() % serials)));
  }
  layouts->emplace_back("mixed", SortedUnique(keys));
}

// Each layout's walk (of the PCT keys, and of the same keys as articles')
// against point look-ups, on the store's sorted runs, then compacted into
// one; `check` sees each layout's point look-ups (PCT, articles).
void ExpectPointLookUps(Store* store, const Layouts& layouts,
                        const std::function<void(std::string_view name, const Visit& pct,
                                                 const Visit& articles)>& check) {
  for (int pass = 0; pass < 2; ++pass) {  // Several runs, then one.
    for (const auto& [name, keys] : layouts) {
      SCOPED_TRACE(std::string(name) + (pass == 0 ? ", several runs" : ", compacted"));
      ASSERT_GE(keys.size(), 64u);
      const Visit pct = Expected(*store, Source::kPct, keys);
      EXPECT_EQ(Visited(*store, Source::kPct, keys), pct);
      const Visit articles = Expected(*store, Source::kArticle, keys);
      EXPECT_EQ(Visited(*store, Source::kArticle, keys), articles);
      check(name, pct, articles);
    }
    ASSERT_TRUE(store->Compact().ok());
  }
}

TEST_F(StoreTest, ForEachStoredRecordEqualsPointLookUpsForEveryLayout) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  const char* offices[] = {"CN", "JP", "US"};
  // Three sorted runs: two batches large enough to become table files of
  // their own (one overwriting every seventh key of the other, adding new
  // serials), then a small batch in the memtable deleting every eleventh
  // key, overwriting others and adding keys of another source.
  StoreBatch first, second, third;
  for (const char* office : offices) {
    for (int year = 2019; year <= 2020; ++year) {
      for (int serial = 0; serial < 9000; ++serial) {
        const std::string key = AppNumber(office, year, serial);
        first.PutRecord(Source::kPct, key, "1:" + key);
        if (serial % 7 == 0) second.PutRecord(Source::kPct, key, "2:" + key);
        if (serial % 11 == 0) third.DeleteRecord(Source::kPct, key);
        if (serial % 13 == 0) third.PutRecord(Source::kPct, key, "3:" + key);
      }
      for (int serial = 9000; serial < 9000 + 50000 / 6; ++serial) {
        const std::string key = AppNumber(office, year, serial);
        second.PutRecord(Source::kPct, key, "2:" + key);
      }
    }
  }
  third.PutRecord(Source::kArticle, AppNumber("CN", 2019, 5), "article");
  ASSERT_TRUE(store->Apply(first).ok());
  ASSERT_TRUE(store->Apply(second).ok());
  ASSERT_TRUE(store->Apply(third).ok());

  std::mt19937 rng(7);
  Layouts layouts;
  {  // One dense run (deleted and overwritten keys inside it).
    std::vector<std::string> keys;
    for (int s = 100; s < 1100; ++s) keys.push_back(AppNumber("CN", 2019, s));
    layouts.emplace_back("dense", keys);
  }
  {  // Runs with gaps of 1 to 40 stored keys, across offices and years.
    std::vector<std::string> keys;
    for (const char* office : offices) {
      for (int year = 2019; year <= 2020; ++year) {
        for (int s = 0; s < 17000; s += 1 + static_cast<int>(rng() % 40)) {
          keys.push_back(AppNumber(office, year, s));
        }
      }
    }
    layouts.emplace_back("gaps", SortedUnique(keys));
  }
  {  // Keys spread thinly: point look-ups take over.
    std::vector<std::string> keys;
    for (const char* office : offices) {
      for (int year = 2019; year <= 2020; ++year) {
        for (int s = 0; s < 17000; s += 997) keys.push_back(AppNumber(office, year, s));
      }
    }
    layouts.emplace_back("thin", SortedUnique(keys));
  }
  {  // Absent keys before the first stored key and past the last.
    std::vector<std::string> keys;
    for (int s = 0; s < 100; ++s) keys.push_back(AppNumber("AA", 2019, s));
    for (int s = 0; s < 300; ++s) keys.push_back(AppNumber("CN", 2019, s));
    for (int s = 20000; s < 20300; ++s) keys.push_back(AppNumber("US", 2020, s));
    for (int s = 0; s < 100; ++s) keys.push_back(AppNumber("ZZ", 2030, s));
    layouts.emplace_back("absent", SortedUnique(keys));
  }
  {  // Stored keys and absent ones that extend them or that they extend.
    std::vector<std::string> keys;
    for (int s = 0; s < 1000; ++s) {
      const std::string key = AppNumber("JP", 2020, s);
      keys.push_back(key);
      if (s % 10 == 0) keys.push_back(key.substr(0, key.size() - 1));
      if (s % 10 == 5) keys.push_back(key + "x");
    }
    layouts.emplace_back("prefixes", SortedUnique(keys));
  }
  {  // Absent keys between all stored ones: point look-ups take over.
    std::vector<std::string> keys;
    for (int s = 0; s < 400; ++s) keys.push_back(AppNumber("CN", 2019, s) + "x");
    layouts.emplace_back("between", SortedUnique(keys));
  }
  AddMixedLayout(20000, &rng, &layouts);
  // The other source's keys are never the PCT ones.
  ExpectPointLookUps(store.get(), layouts, [](std::string_view, const Visit&, const Visit&) {});
  // The layouts hold stored, deleted and overwritten keys alike.
  const auto& mixed = layouts.back().second;
  const Visit seen = Visited(*store, Source::kPct, mixed);
  size_t second_run = 0, third_run = 0;
  for (const auto& [i, v] : seen) {
    second_run += v[0] == '2';
    third_run += v[0] == '3';
  }
  EXPECT_GT(second_run, 100u);
  EXPECT_GT(third_run, 100u);
  EXPECT_LT(seen.size(), mixed.size());
}

// Keys far apart from one another (one per thousand serials: no two share
// the walk's "near" test) go to point look-ups together, in batches of up to
// 32 keys, not one MultiGet call per key: each call visits every sorted run
// that may hold its keys (up to ~50 level-0 files in a large fresh load,
// whose repeats of other dumps look like this).
TEST_F(StoreTest, ForEachStoredRecordBatchesLoneKeysIntoFewPointLookUps) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  StoreBatch first, second;
  for (int serial = 0; serial < 100000; ++serial) {
    const std::string key = AppNumber("JP", 2019, serial);
    first.PutRecord(Source::kPct, key, "1:" + key);
    if (serial % 3 == 0) second.PutRecord(Source::kPct, key, "2:" + key);
  }
  ASSERT_TRUE(store->Apply(first).ok());
  ASSERT_TRUE(store->Apply(second).ok());
  std::vector<std::string> keys;
  for (int serial = 5; serial < 100000; serial += 1009)
    keys.push_back(AppNumber("JP", 2019, serial));
  keys.push_back(AppNumber("JP", 2019, 100500));  // Absent.
  ASSERT_GE(keys.size(), 64u);  // Store::kMergeLookUpMin: the walk, not only point look-ups.
  for (int pass = 0; pass < 2; ++pass) {  // Two sorted runs, then one.
    SCOPED_TRACE(pass == 0 ? "two runs" : "compacted");
    const Visit expected = Expected(*store, Source::kPct, keys);
    ASSERT_EQ(expected.size(), keys.size() - 1);
    const uint64_t before = store->point_lookup_calls();
    EXPECT_EQ(Visited(*store, Source::kPct, keys), expected);
    const uint64_t calls = store->point_lookup_calls() - before;
    // The first key is sought (the walk starts there); the other 100 are
    // lone: 4 calls of up to 32 keys (100 with a call per key).
    EXPECT_GE(calls, 1u);
    EXPECT_LE(calls, (keys.size() - 1 + 31) / 32)
        << "point look-up calls for " << keys.size() << " keys";
    ASSERT_TRUE(store->Compact().ok());
  }
}

// The walk's prefix mode (sk::RecordKeyPrefix: a thousand serials): three
// table files, each holding its own slice of every office's and year's
// serials (a seek skips the two files without the target's prefix), keys
// of other lengths among them (a prefix's keys are not all of one length),
// PCT keys shorter than a prefix (each its own prefix), and a memtable of
// deletions and overwrites. Every layout gives what point look-ups give.
TEST_F(StoreTest, ForEachStoredRecordPrefixWalkEqualsPointLookUps) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  const char* offices[] = {"CN", "JP", "US"};
  constexpr int kSlice = 9000;   // Serials per file, office and year.
  std::vector<std::string> odd;  // Keys of other lengths, stored in the first file.
  for (int s = 100; s < 140; s += 3) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "PCT/CN2019/%07d", s * 10 + 5);  // Sorts among 6 digits.
    odd.push_back(buf);
    std::snprintf(buf, sizeof(buf), "PCT/CN2019/%05d", s / 10);
    odd.push_back(buf);
    std::snprintf(buf, sizeof(buf), "PCT/CN2019/1%02d", s % 100);  // Shorter than a prefix.
    odd.push_back(buf);
  }
  for (int f = 0; f < 3; ++f) {
    StoreBatch batch;  // Over kBulkIngestThreshold records: a table file.
    for (const char* office : offices) {
      for (int year = 2019; year <= 2020; ++year) {
        for (int s = f * kSlice; s < (f + 1) * kSlice; ++s) {
          const std::string key = AppNumber(office, year, s);
          batch.PutRecord(Source::kPct, key, std::to_string(f) + ":" + key);
          // The same keys as another source's, whose prefix is the source
          // byte: that walk reads in total order.
          if (year == 2019 && s % 2 == 0) batch.PutRecord(Source::kArticle, key, "a:" + key);
        }
      }
    }
    if (f == 0) {
      for (const std::string& key : odd) batch.PutRecord(Source::kPct, key, "odd:" + key);
    }
    batch.PutRecord(Source::kArticle, "2-s2.0-85" + std::to_string(f), "article");
    ASSERT_TRUE(store->Apply(batch).ok());
  }
  StoreBatch last;  // In the memtable.
  for (int s = 0; s < 3 * kSlice; s += 17) {
    last.DeleteRecord(Source::kPct, AppNumber("JP", 2020, s));
    last.PutRecord(Source::kPct, AppNumber("US", 2019, s + 5), "3:");
  }
  last.DeleteRecord(Source::kPct, odd[4]);
  ASSERT_TRUE(store->Apply(last).ok());

  std::mt19937 rng(11);
  Layouts layouts;
  {  // Dense across the boundary of two files' slices.
    std::vector<std::string> keys;
    for (int s = kSlice - 300; s < kSlice + 300; ++s) keys.push_back(AppNumber("CN", 2019, s));
    layouts.emplace_back("boundary", keys);
  }
  {  // As a dump's chunk: runs of a few dozen serials from every file's
     // slice of every office and year, and 3% lone keys.
    std::vector<std::string> keys;
    for (const char* office : offices) {
      for (int year = 2019; year <= 2020; ++year) {
        for (int f = 0; f < 3; ++f) {
          const int from = f * kSlice + static_cast<int>(rng() % (kSlice - 100));
          for (int s = from; s < from + 40; ++s) {
            if (rng() % 5 != 0) keys.push_back(AppNumber(office, year, s));
          }
        }
      }
    }
    for (int k = 0; k < 20; ++k) {
      keys.push_back(AppNumber(offices[rng() % 3], 2019 + static_cast<int>(rng() % 2),
                               static_cast<int>(rng() % (3 * kSlice))));
    }
    layouts.emplace_back("chunk", SortedUnique(keys));
  }
  {  // Past the end of a prefix (27000 on is stored nowhere) and of a slice.
    std::vector<std::string> keys;
    for (int s = 3 * kSlice - 200; s < 3 * kSlice + 1200; ++s) {
      keys.push_back(AppNumber("US", 2020, s));
    }
    for (int s = 990; s < 1010; ++s) keys.push_back(AppNumber("ZZ", 2019, s));
    layouts.emplace_back("ends", SortedUnique(keys));
  }
  {  // Keys of other lengths and short keys among six-digit serials.
    std::vector<std::string> keys = odd;
    for (int s = 0; s < 1500; ++s) keys.push_back(AppNumber("CN", 2019, s));
    for (int s = 0; s < 100; ++s) {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "PCT/CN2019/1%02d", s);  // Stored or not.
      keys.push_back(buf);
    }
    layouts.emplace_back("lengths", SortedUnique(keys));
  }
  AddMixedLayout(30000, &rng, &layouts);
  ExpectPointLookUps(store.get(), layouts,
                     [](std::string_view name, const Visit& pct, const Visit& articles) {
                       EXPECT_GE(pct.size(), 100u);  // Stored keys in every layout.
                       if (name != "ends") {
                         EXPECT_GE(articles.size(), 20u);  // Articles too.
                       }
                     });
}

// An error from the callback stops the merge at that key and is returned.
TEST_F(StoreTest, ForEachStoredRecordMergeStopsAtAnError) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  for (int s = 0; s < 600; s += 3) {
    batch.PutRecord(Source::kPct, AppNumber("CN", 2019, s), "v");
  }
  ASSERT_TRUE(store->Apply(batch).ok());
  std::vector<std::string> owned;
  for (int s = 0; s < 500; ++s) owned.push_back(AppNumber("CN", 2019, s));
  const std::vector<std::string_view> keys(owned.begin(), owned.end());
  std::vector<size_t> visited;
  Status st = store->ForEachStoredRecord(Source::kPct, keys, [&](size_t i, std::string_view) {
    visited.push_back(i);
    return i >= 200 ? Status::Corruption("bad value") : Status::Ok();
  });
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  ASSERT_FALSE(visited.empty());
  EXPECT_EQ(visited.back(), 201u);  // The first stored key at or after 200.
  EXPECT_EQ(visited.size(), 68u);   // 0, 3, ..., 201.
}

}  // namespace
}  // namespace stc
