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
      uint64_t h = Hash64(key);
      PendingTable::Entry* e = t.Find(key, h);
      ASSERT_EQ(e != nullptr, ref.count(key) == 1) << key;
      if (e == nullptr) e = t.Insert(key, h);
      t.SetValue(e, value);
      ref[key] = value;
    }
    ASSERT_EQ(t.size(), ref.size());
    for (const auto& [k, v] : ref) {
      PendingTable::Entry* e = t.Find(k, Hash64(k));
      ASSERT_NE(e, nullptr);
      ASSERT_EQ(t.Key(*e), k);
      ASSERT_EQ(t.Value(*e), v);
    }
    EXPECT_EQ(t.Find("absent", Hash64("absent")), nullptr);
    t.Clear();
    ref.clear();
    EXPECT_EQ(t.size(), 0u);
  }
}

}  // namespace
}  // namespace stc
