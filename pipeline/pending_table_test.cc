#include "pipeline/pending_table.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

#include "core/hash.h"

namespace stc {
namespace {

TEST(PendingTable, BehavesLikeAMapAcrossGrowthAndClear) {
  std::mt19937_64 rng(3);
  PendingTable t;
  std::unordered_map<std::string, std::string> ref;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 200000; ++i) {
      std::string key = "k" + std::to_string(rng() % 50000);
      std::string value(rng() % 40, static_cast<char>('a' + rng() % 26));
      uint64_t h = MemoryHash64(key);
      PendingTable::Entry* e = t.Find(key, h);
      ASSERT_EQ(e != nullptr, ref.count(key) == 1) << key;
      if (e == nullptr) e = t.Insert(key, h);
      t.SetValue(e, value);
      ref[key] = value;
    }
    ASSERT_EQ(t.size(), ref.size());
    for (const auto& [k, v] : ref) {
      PendingTable::Entry* e = t.Find(k, MemoryHash64(k));
      ASSERT_NE(e, nullptr);
      ASSERT_EQ(t.Key(*e), k);
      ASSERT_EQ(t.Value(*e), v);
    }
    EXPECT_EQ(t.Find("absent", MemoryHash64("absent")), nullptr);
    t.Clear();
    ref.clear();
    EXPECT_EQ(t.size(), 0u);
  }
}

// Hashes chosen to collide: equal hashes for different keys, equal tags (high
// 32 bits) with different slots, and equal slots with different tags.
TEST(PendingTable, CollidingHashesAndTagsStayDistinct) {
  PendingTable t;
  const uint64_t hashes[] = {0x1234567800000001ULL, 0x1234567800000001ULL, 0x1234567800000002ULL,
                             0x8765432100000001ULL, 0};
  std::vector<std::string> keys;
  for (int round = 0; round < 3000; ++round) {  // Enough to grow several times.
    for (uint64_t h : hashes) {
      std::string k = std::to_string(round) + "/" + std::to_string(keys.size());
      ASSERT_EQ(t.Find(k, h + static_cast<uint64_t>(round) * 4096), nullptr);
      PendingTable::Entry* e = t.Insert(k, h + static_cast<uint64_t>(round) * 4096);
      t.SetValue(e, k);
      keys.push_back(k);
    }
  }
  size_t i = 0;
  for (int round = 0; round < 3000; ++round) {
    for (uint64_t h : hashes) {
      PendingTable::Entry* e = t.Find(keys[i], h + static_cast<uint64_t>(round) * 4096);
      ASSERT_NE(e, nullptr) << keys[i];
      EXPECT_EQ(t.Key(*e), keys[i]);
      EXPECT_EQ(t.Value(*e), keys[i]);
      EXPECT_EQ(t.Find(keys[i] + "x", h + static_cast<uint64_t>(round) * 4096), nullptr);
      ++i;
    }
  }
}

// A key given as (prefix byte, rest) is the key prefix + rest: found and
// inserted alike, and told apart from keys that differ in the prefix, the
// rest or the length. One hash for all, so that every probe compares keys.
TEST(PendingTable, KeysInTwoPartsEqualTheWholeKey) {
  PendingTable t;
  const uint64_t h = 42;
  PendingTable::Entry* whole = t.Insert(std::string("\x01PCT/1"), h);
  t.SetValue(whole, "a");
  PendingTable::Entry* parts = t.Insert('\x02', "PCT/1", h);
  t.SetValue(parts, "b");
  t.SetValue(t.Insert('\x01', "", h), "c");
  EXPECT_EQ(t.Key(t.at(1)), std::string("\x02PCT/1"));
  EXPECT_EQ(t.FindIndex('\x01', "PCT/1", h), 1u);
  EXPECT_EQ(t.FindIndex(std::string("\x02PCT/1"), h), 2u);
  EXPECT_EQ(t.FindIndex('\x02', "PCT/1", h), 2u);
  EXPECT_EQ(t.FindIndex(std::string("\x01"), h), 3u);
  EXPECT_EQ(t.FindIndex('\x01', "", h), 3u);
  EXPECT_EQ(t.FindIndex('\x03', "PCT/1", h), 0u);   // Other prefix.
  EXPECT_EQ(t.FindIndex('\x01', "PCT/2", h), 0u);   // Other rest.
  EXPECT_EQ(t.FindIndex('\x01', "PCT/1x", h), 0u);  // Longer.
  EXPECT_EQ(t.FindIndex('\x01', "PCT/", h), 0u);    // Shorter.
}

}  // namespace
}  // namespace stc
