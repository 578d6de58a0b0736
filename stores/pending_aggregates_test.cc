// Pending aggregate deltas: ApplyWithPendingAggregates, FoldPendingAggregates,
// the folded view of ForEachAggregate, and the fold a writable Open does for
// a log left behind. Every expectation is a brute-force sum of the deltas.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "stores/keys.h"
#include "stores/store.h"
#include "stores/store_test_util.h"

namespace stc {
namespace {

using Cells = std::map<std::string, Units>;  // Encoded aggregate key -> units.

AggregateKey Key(int32_t year, int32_t lat, int32_t lon, const char* country, std::string field) {
  return TestAggregateKey(Source::kPct, year, lat, lon, country, std::move(field));
}

std::string Encoded(const AggregateKey& k) {
  std::string out;
  store_keys::EncodeAggregateKey(k, &out);
  return out;
}

// What ForEachAggregate shows, by encoded key.
Cells Scan(const Store& store) {
  Cells out;
  Status s = store.ForEachAggregate([&](const AggregateKey& k, Units u) {
    EXPECT_NE(u, 0);
    EXPECT_TRUE(out.emplace(Encoded(k), u).second) << "key twice";
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// One flush: `deltas` (any order, repeats summed) as a SortedAggregates.
SortedAggregates Sorted(const std::vector<std::pair<AggregateKey, Units>>& deltas) {
  Cells summed;
  for (const auto& [k, d] : deltas) summed[Encoded(k)] += d;
  SortedAggregates out;
  for (const auto& [k, d] : summed) out.Add(k, d);
  return out;
}

// Adds `deltas` to the brute-force expectation (zeros removed).
void AddTo(Cells* want, const std::vector<std::pair<AggregateKey, Units>>& deltas) {
  for (const auto& [k, d] : deltas) {
    Units& u = (*want)[Encoded(k)];
    u += d;
    if (u == 0) want->erase(Encoded(k));
  }
}

class PendingTest : public StoreTest {
 protected:
  // Random deltas on a small grid (so flushes share keys), some cancelling.
  std::vector<std::pair<AggregateKey, Units>> RandomFlush(std::mt19937* rng, size_t n) {
    static const char* const kCountries[] = {"DE", "FR", "JP"};
    static const char* const kFields[] = {"", "A", "B", "chemistry"};
    std::vector<std::pair<AggregateKey, Units>> out;
    for (size_t i = 0; i < n; ++i) {
      AggregateKey k =
          Key(2015 + static_cast<int>((*rng)() % 3), static_cast<int>((*rng)() % 300),
              -static_cast<int>((*rng)() % 300), kCountries[(*rng)() % 3], kFields[(*rng)() % 4]);
      out.emplace_back(k, static_cast<Units>((*rng)() % 2001) - 1000);
    }
    return out;
  }

  void ApplyPending(Store* store, const std::vector<std::pair<AggregateKey, Units>>& deltas) {
    StoreBatch totals;
    totals.AddTotals(Source::kPct, 2015, kUnit, 0, 1);
    Status s = store->ApplyWithPendingAggregates({}, Sorted(deltas), totals);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
};

// Small flushes (one WriteBatch each) and a large one (table files), into
// empty aggregates (the fold writes values) or onto earlier ones (merge
// operands): the scan adds the pending deltas before the fold and shows the
// same after it; the fold leaves no pending entry and a second fold finds none.
TEST_F(PendingTest, FoldEqualsTheSumOfEveryFlush) {
  for (auto [large, with_base] : {std::pair{size_t{0}, true}, std::pair{size_t{120000}, true},
                                  std::pair{size_t{120000}, false}}) {
    SCOPED_TRACE(testing::Message() << large << " " << with_base);
    TearDown();
    auto store = Create();
    ASSERT_NE(store, nullptr);
    std::mt19937 rng(7 + static_cast<unsigned>(large));
    Cells want;
    if (with_base) {  // Already in the aggregates: the pending deltas add to them.
      StoreBatch base;
      auto first = RandomFlush(&rng, 500);
      for (const auto& [k, d] : first) base.AddAggregate(k, d);
      ASSERT_TRUE(store->Apply(base).ok());
      AddTo(&want, first);
    }
    for (size_t n : {size_t{1000}, large, size_t{3000}}) {
      if (n == 0) continue;
      auto flush = RandomFlush(&rng, n);
      ApplyPending(store.get(), flush);
      AddTo(&want, flush);
    }
    ASSERT_EQ(Scan(*store), want);
    Result<bool> folded = store->FoldPendingAggregates();
    ASSERT_TRUE(folded.ok()) << folded.status().ToString();
    EXPECT_TRUE(folded.value());
    EXPECT_EQ(Scan(*store), want);
    Result<bool> again = store->FoldPendingAggregates();
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again.value());
    // A second ingest onto what the first one folded.
    auto later = RandomFlush(&rng, large > 0 ? large : 2000);
    ApplyPending(store.get(), later);
    AddTo(&want, later);
    ASSERT_TRUE(store->FoldPendingAggregates().ok());
    EXPECT_EQ(Scan(*store), want);
    ASSERT_TRUE(store->Compact().ok());
    EXPECT_EQ(Scan(*store), want);
    store.reset();
    EXPECT_EQ(RawKeyCount(dir_, "pending"), 0u);
    EXPECT_EQ(RawKeyCount(dir_, "aggregates"), want.size());
  }
}

// Sorted deltas written with their records (ApplyWithSortedRecords: the
// only flush of an ingest) into empty aggregates are the values, written as
// such, as the fold writes its sums into empty aggregates: a raw read
// without the merge operator sees each delta as its key's value (merge
// operands would fail the read). Onto earlier aggregates they are merge
// operands, which add up. Small writes (a WriteBatch) and large ones (table
// files) alike.
TEST_F(PendingTest, SortedDeltasIntoEmptyAggregatesAreWrittenAsValues) {
  for (size_t n : {size_t{2000}, size_t{120000}}) {
    SCOPED_TRACE(n);
    TearDown();
    auto store = Create();
    ASSERT_NE(store, nullptr);
    std::mt19937 rng(11 + static_cast<unsigned>(n));
    auto flush = RandomFlush(&rng, n);
    Cells want;
    AddTo(&want, flush);
    SortedAggregates sorted;
    for (const auto& [k, d] : want) sorted.Add(k, d);
    StoreBatch totals;
    totals.AddTotals(Source::kPct, 2015, kUnit, 0, 1);
    ASSERT_TRUE(store->ApplyWithSortedRecords({}, sorted, totals).ok());
    EXPECT_EQ(Scan(*store), want);
    store.reset();
    Cells raw;
    ASSERT_TRUE(WithRawColumnFamily(
        dir_, "aggregates", [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* h) {
          ASSERT_NE(h, nullptr);
          std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h));
          for (it->SeekToFirst(); it->Valid(); it->Next()) {
            ASSERT_EQ(it->value().size(), store_keys::kAggregateValueBytes);
            raw[it->key().ToString()] = store_keys::LoadInt64Le(it->value().data());
          }
          EXPECT_TRUE(it->status().ok()) << it->status().ToString();
        }));
    EXPECT_EQ(raw, want);
    // Onto those aggregates, the same deltas again: operands that add up.
    store = OpenOrDie(StoreOptions());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->ApplyWithSortedRecords({}, sorted, totals).ok());
    for (auto& [k, u] : want) u *= 2;
    EXPECT_EQ(Scan(*store), want);
  }
}

// A writer that stops before folding (its log stays): readers already see
// the sums, and the next writable open folds the log.
TEST_F(PendingTest, LogLeftBehindIsFoldedByTheNextWriter) {
  Cells want;
  {
    auto store = Create();
    ASSERT_NE(store, nullptr);
    std::mt19937 rng(11);
    for (size_t n : {size_t{60000}, size_t{800}}) {
      auto flush = RandomFlush(&rng, n);
      ApplyPending(store.get(), flush);
      AddTo(&want, flush);
    }
  }  // Closed without FoldPendingAggregates.
  EXPECT_GT(RawKeyCount(dir_, "pending"), 0u);
  {
    StoreOptions ro;
    ro.read_only = true;
    auto reader = OpenOrDie(ro);
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(Scan(*reader), want);
    Result<bool> refused = reader->FoldPendingAggregates();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  }
  {
    StoreOptions w;
    auto writer = OpenOrDie(w);
    ASSERT_NE(writer, nullptr);
    EXPECT_EQ(Scan(*writer), want);
    Result<bool> nothing = writer->FoldPendingAggregates();
    ASSERT_TRUE(nothing.ok());
    EXPECT_FALSE(nothing.value());  // Open folded it.
    // New pending entries after the fold are numbered anew and fold too.
    std::vector<std::pair<AggregateKey, Units>> more = {{Key(2016, 1, 1, "DE", "A"), 5}};
    ApplyPending(writer.get(), more);
    AddTo(&want, more);
    EXPECT_EQ(Scan(*writer), want);
    ASSERT_TRUE(writer->FoldPendingAggregates().ok());
    EXPECT_EQ(Scan(*writer), want);
  }
  EXPECT_EQ(RawKeyCount(dir_, "pending"), 0u);
  auto totals = OpenOrDie(StoreOptions())->GetTotals();
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(totals->size(), 1u);
  EXPECT_EQ((*totals)[0].records, 3);  // Totals are written with each flush, never pending.
}

// A large fold merges two key ranges on two threads, split at the first key
// of a middle chunk of one flush. Keys held by every flush (the split key
// among them) are summed exactly once, whichever range holds them, and each
// range becomes its own table file.
TEST_F(PendingTest, LargeFoldSumsEveryFlushAcrossItsTwoRanges) {
  for (bool with_base : {false, true}) {  // Values into empty aggregates, or merge operands.
    SCOPED_TRACE(with_base);
    TearDown();
    auto store = Create();
    ASSERT_NE(store, nullptr);
    std::mt19937 rng(23);
    Cells want;
    if (with_base) {
      std::vector<std::pair<AggregateKey, Units>> base = {{Key(2018, 0, 0, "JP", "A"), 3}};
      StoreBatch batch;
      batch.AddAggregate(base[0].first, base[0].second);
      ASSERT_TRUE(store->Apply(batch).ok());
      AddTo(&want, base);
    }
    for (int f = 0; f < 3; ++f) {
      std::vector<std::pair<AggregateKey, Units>> flush;
      // Keys of this flush only, first: the flushes' chunks begin at
      // different keys.
      for (int i = 0; i < 3000 * f; ++i) flush.emplace_back(Key(2017, i, 0, "FR", ""), 5);
      for (int i = 0; i < 150000; ++i) {  // Several chunks, the same keys in every flush.
        flush.emplace_back(Key(2018, i / 500, -(i % 500), "JP", "A"),
                           static_cast<Units>(rng() % 1000 + 1));
      }
      for (int i = 0; i < 1000; ++i) flush.emplace_back(Key(2019 + f, i, i, "DE", ""), 7);
      ApplyPending(store.get(), flush);
      AddTo(&want, flush);
    }
    Result<bool> folded = store->FoldPendingAggregates();
    ASSERT_TRUE(folded.ok()) << folded.status().ToString();
    EXPECT_EQ(Scan(*store), want);
    // Each flush's table file of the log (none in level 0: their keys do not
    // overlap) is removed whole after the fold, not read by a compaction.
    EXPECT_EQ(store->pending_files_dropped(), 3u);
    if (with_base) {  // Merge operands: read through the store's operator.
      ASSERT_TRUE(store->Compact().ok());
      EXPECT_EQ(Scan(*store), want);
      store.reset();
    } else {  // Values, in one table file per year and range: 2017-2021, 2018 in both.
      store.reset();
      EXPECT_EQ(RawFileCount(dir_, "aggregates"), 6u);
      EXPECT_EQ(RawKeyCount(dir_, "aggregates"), want.size());
    }
    EXPECT_EQ(RawKeyCount(dir_, "pending"), 0u);
  }
}

// A large fold onto aggregates stored below level 0 (compacted, as every
// ingest leaves them) rewrites them, here whole (the log's keys span every
// stored key): stored values plus sums, zeros dropped, in new table files
// per year and range, the old file gone and the mark cleared. With a
// level-0 file present (a write since the last compaction) the sums go in as
// merge operands instead. Stopped after the stored files are removed, the
// fold leaves the store marked: readers refuse, and the mark survives a
// reopen (the rebuild is pipeline/rebuild.h's, tested there).
TEST_F(PendingTest, LargeFoldRewritesCompactedAggregatesWhole) {
  for (int mode : {0, 1, 2}) {  // 0: rewrite; 1: a level-0 file; 2: a stopped rewrite.
    SCOPED_TRACE(mode);
    TearDown();
    auto store = Create();
    ASSERT_NE(store, nullptr);
    Cells want;
    std::vector<std::pair<AggregateKey, Units>> base, later, cancel;
    for (int i = 0; i < 60000; ++i)
      base.emplace_back(Key(2016 + i % 3, i / 3, -1, "DE", "A"), i + 1);
    StoreBatch batch;
    for (const auto& [k, d] : base) batch.AddAggregate(k, d);
    ASSERT_TRUE(store->Apply(batch).ok());
    ASSERT_TRUE(store->Compact().ok());
    AddTo(&want, base);
    if (mode == 1) {
      StoreBatch small;
      small.AddAggregate(Key(2030, 1, 1, "FR", ""), 9);
      ASSERT_TRUE(store->Apply(small).ok());
      AddTo(&want, {{Key(2030, 1, 1, "FR", ""), 9}});
    }
    for (int f = 0; f < 2; ++f) {
      std::vector<std::pair<AggregateKey, Units>> flush;
      for (int i = f; i < 60000; i += 2) {  // Half the stored keys, a tenth of them cancelled.
        const Units d = i % 10 == 0 ? -base[i].second : 1000 + i;
        flush.emplace_back(base[i].first, d);
      }
      for (int i = 0; i < 20000; ++i)
        flush.emplace_back(Key(2020, i, f, "JP", ""), 3);  // New keys.
      ApplyPending(store.get(), flush);
      AddTo(&want, flush);
    }
    if (mode == 2) store->StopNextRewriteForTesting();
    Result<bool> folded = store->FoldPendingAggregates();
    if (mode == 2) {
      ASSERT_FALSE(folded.ok());
      EXPECT_EQ(folded.status().code(), StatusCode::kIoError) << folded.status().ToString();
      EXPECT_TRUE(store->aggregates_deferred());
      Status refused =
          store->ForEachAggregate([](const AggregateKey&, Units) { return Status::Ok(); });
      EXPECT_EQ(refused.code(), StatusCode::kBusy) << refused.ToString();
      store.reset();
      store = Create();  // Opens it again.
      ASSERT_NE(store, nullptr);
      EXPECT_TRUE(store->aggregates_deferred());
      continue;
    }
    ASSERT_TRUE(folded.ok()) << folded.status().ToString();
    EXPECT_EQ(store->aggregates_rewritten(), mode == 0 ? 1u : 0u);
    // Every key written once (the stored ones and the new ones, not the
    // cancelled ones).
    EXPECT_EQ(store->aggregate_entries_rewritten(), mode == 0 ? want.size() : 0u);
    EXPECT_FALSE(store->aggregates_deferred());
    EXPECT_EQ(Scan(*store), want);
    // The rewrite left one run (the old file gone); operands are layered.
    Result<bool> layered = store->CompactAggregatesIfLayered(1);
    ASSERT_TRUE(layered.ok()) << layered.status().ToString();
    EXPECT_EQ(layered.value(), mode == 1);
    store.reset();
    if (mode == 0) {
      // Values only (a raw read has no merge operator), the cancelled keys
      // gone, one file per year and part: years 2016-2018 and 2020, one of
      // them perhaps in both parts. (The compaction keeps the zeros its own merges
      // make until the next one: scans skip them.)
      EXPECT_EQ(RawKeyCount(dir_, "aggregates"), want.size());
      EXPECT_GE(RawFileCount(dir_, "aggregates"), 4u);
      EXPECT_LE(RawFileCount(dir_, "aggregates"), 5u);
    } else {
      EXPECT_EQ(RawFileCount(dir_, "aggregates"), 1u);
    }
    EXPECT_EQ(RawKeyCount(dir_, "pending"), 0u);
  }
}

// A fold whose cells lie in some years only rewrites the stored files of
// those years: the first fold onto the compacted aggregates of 2016-2018
// rewrites all of them, in files cut at every year; the second, with cells
// of 2018 and 2019 only, writes just those years' keys and leaves the
// others' files as they were. Sums are checked against a brute force.
TEST_F(PendingTest, LargeFoldRewritesOnlyTheYearsItsCellsTouch) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  Cells want;
  std::vector<std::pair<AggregateKey, Units>> base;
  for (int i = 0; i < 20000; ++i) base.emplace_back(Key(2016, i, 0, "DE", ""), 5);
  for (int i = 0; i < 20000; ++i) base.emplace_back(Key(2017, i, 0, "DE", ""), 6);
  for (int i = 0; i < 60000; ++i) base.emplace_back(Key(2018, i, 0, "DE", ""), 7);
  StoreBatch batch;
  for (const auto& [k, d] : base) batch.AddAggregate(k, d);
  ASSERT_TRUE(store->Apply(batch).ok());
  ASSERT_TRUE(store->Compact().ok());
  AddTo(&want, base);
  auto count_years = [&](int from, int to) {
    size_t n = 0;
    for (const auto& [k, u] : want) {
      AggregateKey a;
      EXPECT_TRUE(store_keys::DecodeAggregateKey(k, &a));
      if (a.year >= from && a.year <= to) ++n;
    }
    return n;
  };
  std::vector<std::pair<AggregateKey, Units>> all_years;  // 60,000 keys over every year.
  for (int i = 0; i < 60000; ++i) all_years.emplace_back(Key(2016 + i % 3, i / 3, 0, "DE", ""), 1);
  ApplyPending(store.get(), all_years);
  AddTo(&want, all_years);
  ASSERT_TRUE(store->FoldPendingAggregates().ok());
  EXPECT_EQ(store->aggregate_entries_rewritten(), want.size());
  EXPECT_EQ(Scan(*store), want);

  std::vector<std::pair<AggregateKey, Units>> recent;  // 2018, some cancelled, and 2019.
  for (int i = 0; i < 60000; i += 2) {
    recent.emplace_back(Key(2018, i, 0, "DE", ""),
                        i % 10 == 0 ? -(want[Encoded(Key(2018, i, 0, "DE", ""))]) : 3);
  }
  for (int i = 0; i < 30000; ++i) recent.emplace_back(Key(2019, i, 1, "FR", "A"), 2);
  ApplyPending(store.get(), recent);
  AddTo(&want, recent);
  const uint64_t before = store->aggregate_entries_rewritten();
  ASSERT_TRUE(store->FoldPendingAggregates().ok());
  EXPECT_EQ(store->aggregates_rewritten(), 2u);
  EXPECT_EQ(store->aggregate_entries_rewritten() - before, count_years(2018, 2019));
  EXPECT_LT(count_years(2018, 2019), want.size());
  EXPECT_EQ(Scan(*store), want);
  Result<bool> layered = store->CompactAggregatesIfLayered(1);
  ASSERT_TRUE(layered.ok());
  EXPECT_FALSE(layered.value());  // One run: the kept files and the new ones side by side.
  store.reset();
  EXPECT_EQ(RawKeyCount(dir_, "aggregates"), want.size());
}

// Deltas that cancel across flushes leave no aggregate at all.
TEST_F(PendingTest, CancellingFlushesLeaveNothing) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  std::vector<std::pair<AggregateKey, Units>> add, sub;
  for (int i = 0; i < 70000; ++i) {
    add.emplace_back(Key(2020, i, -i, "FR", "B"), i + 1);
    sub.emplace_back(Key(2020, i, -i, "FR", "B"), -(i + 1));
  }
  ApplyPending(store.get(), add);
  ApplyPending(store.get(), sub);
  EXPECT_TRUE(Scan(*store).empty());
  ASSERT_TRUE(store->FoldPendingAggregates().ok());
  EXPECT_TRUE(Scan(*store).empty());
  ASSERT_TRUE(store->Compact().ok());
  store.reset();
  EXPECT_EQ(RawKeyCount(dir_, "aggregates"), 0u);
}

// Unsorted or malformed sorted deltas are refused and nothing is written.
TEST_F(PendingTest, UnsortedDeltasAreRefused) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  SortedAggregates bad;
  bad.Add(Encoded(Key(2021, 2, 2, "DE", "")), 1);
  bad.Add(Encoded(Key(2021, 1, 1, "DE", "")), 1);
  Status s = store->ApplyWithPendingAggregates({}, bad, StoreBatch());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Scan(*store).empty());
  Result<bool> folded = store->FoldPendingAggregates();
  ASSERT_TRUE(folded.ok());
  EXPECT_FALSE(folded.value());
}

}  // namespace
}  // namespace stc
