// LookUpChunk: which items of a chunk are looked up in the store (all
// records and deletions, or only those the written-keys filter may hold),
// and what their look-up finds.
#include "pipeline/chunk_lookup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "core/hash.h"
#include "core/record_codec.h"
#include "pipeline/key_filter.h"
#include "pipeline/work.h"
#include "stores/store.h"

namespace stc {
namespace {

namespace fs = std::filesystem;

CountedRecord MakeRecord(const std::string& key, int32_t version) {
  CountedRecord r;
  r.source = Source::kPct;
  r.key = key;
  r.year = 2021;
  r.version = version;
  r.persons = 1;
  r.unlocated = kUnit;
  return r;
}

void AddItem(Work* w, Item::Kind kind, const CountedRecord& r) {
  if (w->items.size() <= w->n_items) w->items.resize(w->n_items + 1);
  Item& it = w->items[w->n_items++];
  it = Item();
  it.kind = kind;
  if (kind == Item::Kind::kRecord) {
    EncodeItem(w, &it, r);
  } else {
    it.counted = r;
  }
}

uint64_t StoreKeyHash(const std::string& key) {
  std::string full;
  SetStoreRecordKey(Source::kPct, key, &full);
  return MemoryHash64(full);
}

class ChunkLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("stc_chunk_lookup_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    StoreOptions options;
    options.create_if_missing = true;
    Result<std::unique_ptr<Store>> store = Store::Open(dir_.string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store.value());
    // Stored: every third key, version 7.
    StoreBatch batch;
    for (int k = 0; k < kKeys; k += 3) {
      std::string encoded;
      EncodeCountedRecord(MakeRecord(Key(k), 7), &encoded);
      batch.PutRecord(Source::kPct, Key(k), encoded);
    }
    ASSERT_TRUE(store_->Apply(batch).ok());
    // The chunk: a record per key (version 1), a deletion and a reject
    // among them, a repeat of key 0 at the end.
    for (int k = 0; k < kKeys; ++k) {
      AddItem(&work_, Item::Kind::kRecord, MakeRecord(Key(k), 1));
      if (k == 10) AddItem(&work_, Item::Kind::kDelete, MakeRecord(Key(5), 0));
      if (k == 20) AddItem(&work_, Item::Kind::kReject, MakeRecord("", 0));
    }
    AddItem(&work_, Item::Kind::kRecord, MakeRecord(Key(0), 2));
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  static std::string Key(int k) { return "PCT/JP2021/" + std::to_string(100000 + k); }

  // Checks what LookUpChunk found for a looked-up item.
  void ExpectFound(size_t i) const {
    const ChunkLookup& l = work_.lookup;
    ASSERT_NE(l.fetch[i], 0u) << i;
    const ChunkLookup::Stored& s = l.stored[l.fetch[i] - 1];
    const std::string& key = work_.items[i].counted.key;
    const int k = std::stoi(key.substr(key.size() - 2));
    EXPECT_EQ(s.found, k % 3 == 0) << key;
    if (s.found) {
      EXPECT_EQ(s.version, 7) << key;
      std::string encoded;
      EncodeCountedRecord(MakeRecord(key, 7), &encoded);
      EXPECT_EQ(s.fingerprint, FingerprintEncoded(encoded)) << key;
      // Kept for a changed copy or a deletion (all of them here).
      ASSERT_TRUE(s.value_kept) << key;
      EXPECT_EQ(l.Value(s), encoded) << key;
    }
  }

  static constexpr int kKeys = 40;  // More than the filter's look-ahead.
  fs::path dir_;
  std::unique_ptr<Store> store_;
  Work work_;
};

TEST_F(ChunkLookupTest, WithoutFilterEveryRecordAndDeletionIsLookedUp) {
  LookUpChunk(*store_, nullptr, 3, &work_);
  const ChunkLookup& l = work_.lookup;
  ASSERT_TRUE(l.status.ok()) << l.status.ToString();
  EXPECT_TRUE(l.done);
  EXPECT_EQ(l.epoch, 3u);
  ASSERT_EQ(l.fetch.size(), work_.n_items);
  for (size_t i = 0; i < work_.n_items; ++i) {
    const Item& it = work_.items[i];
    if (it.kind == Item::Kind::kReject) {
      EXPECT_EQ(l.hashes[i], 0u);
      EXPECT_EQ(l.fetch[i], 0u);
      continue;
    }
    EXPECT_EQ(l.hashes[i], StoreKeyHash(it.counted.key)) << i;
    ExpectFound(i);
  }
  // One look-up per distinct key: key 0's two copies and key 5's record
  // and deletion share theirs.
  EXPECT_EQ(l.stored.size(), static_cast<size_t>(kKeys));
  EXPECT_EQ(l.fetch[0], l.fetch[work_.n_items - 1]);
}

// With a filter, an item is looked up exactly when the filter may hold its
// key: keys it holds always (no false negative may be skipped), others only
// on a false positive.
TEST_F(ChunkLookupTest, FilterSkipsExactlyTheKeysItRulesOut) {
  KeyFilter filter(/*keys_per_segment=*/4);  // Several segments, a few false positives.
  for (int k = 0; k < kKeys; k += 2) filter.AddHash(StoreKeyHash(Key(k)));
  ASSERT_GT(filter.segments(), 1u);
  LookUpChunk(*store_, &filter, 0, &work_);
  const ChunkLookup& l = work_.lookup;
  ASSERT_TRUE(l.status.ok()) << l.status.ToString();
  size_t looked_up = 0, skipped = 0;
  for (size_t i = 0; i < work_.n_items; ++i) {
    const Item& it = work_.items[i];
    if (it.kind == Item::Kind::kReject) {
      EXPECT_EQ(l.fetch[i], 0u);
      continue;
    }
    const bool maybe =
        filter.MayContain(std::string(1, static_cast<char>(Source::kPct)) + it.counted.key);
    EXPECT_EQ(l.fetch[i] != 0, maybe) << it.counted.key;
    if (maybe) {
      ++looked_up;
      ExpectFound(i);
    } else {
      ++skipped;
    }
  }
  EXPECT_GE(looked_up, static_cast<size_t>(kKeys / 2));  // The even keys at least.
  EXPECT_GT(skipped, 0u);
}

// SortKey::Sort orders keys bytewise through either path: many short keys
// (the radix sort), few, and many with one over 24 bytes (std::sort).
TEST(ChunkLookupSortKey, SortsBytewiseThroughEitherPath) {
  std::mt19937_64 rng(8);
  for (size_t n : {size_t{40}, 2 * ChunkLookup::SortKey::kRadixMin}) {
    for (bool long_key : {false, true}) {
      std::vector<std::string> keys;
      for (size_t i = 0; i < n; ++i) {
        char buf[32];  // One layout, as application numbers.
        std::snprintf(buf, sizeof buf, "PCT/%cP20%02d/%06d", static_cast<char>('A' + rng() % 20),
                      static_cast<int>(10 + rng() % 14), static_cast<int>(rng() % 1000000));
        std::string k = buf;
        if (i % 7 == 0) k.push_back('\0');
        keys.push_back(k);
        if (i % 9 == 0) keys.push_back(k);  // Repeats.
      }
      if (long_key) keys.push_back("PCT/XX2020/0123456789012345");
      std::vector<ChunkLookup::SortKey> order;
      for (uint32_t i = 0; i < keys.size(); ++i) {
        order.push_back(ChunkLookup::SortKey::Of(keys[i], i));
      }
      ChunkLookup::SortKey::Sort(&order, [&](uint32_t i) -> const std::string& { return keys[i]; });
      std::vector<std::string> want = keys, got;
      std::sort(want.begin(), want.end());
      std::vector<bool> seen(keys.size(), false);
      for (const ChunkLookup::SortKey& k : order) {
        ASSERT_LT(k.item, keys.size());
        EXPECT_FALSE(seen[k.item]);
        seen[k.item] = true;
        got.push_back(keys[k.item]);
      }
      EXPECT_EQ(got, want) << n << " keys, long key " << long_key;
    }
  }
}

}  // namespace
}  // namespace stc
