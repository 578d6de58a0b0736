#include "geo/string_cache.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>

#include "core/hash.h"

namespace stc::geo {
namespace {

// A hash of 2 bits: every key collides with a quarter of the others, in its
// slot and in its tag, so the keys themselves are compared.
struct WeakHash {
  uint64_t operator()(std::string_view key) const {
    return (Hash64(key) & 3) * 0x9E3779B97F4A7C15ull;
  }
};

// Against a map across the table's growths and the emptying at capacity.
template <typename Hasher>
void CheckAgainstMap(size_t capacity) {
  StringCache<int, Hasher> cache(capacity);
  std::unordered_map<std::string, int> model;
  auto hash = [](const std::string& k) { return Hasher{}(k); };
  std::mt19937 rng(static_cast<unsigned>(capacity));
  for (int step = 0; step < 20000; ++step) {
    const std::string key = "k" + std::to_string(rng() % 3000);
    const uint64_t h = hash(key);
    const int* got = cache.Find(key, h);
    auto it = model.find(key);
    ASSERT_EQ(got != nullptr, it != model.end()) << key << " at step " << step;
    if (got != nullptr) {
      EXPECT_EQ(*got, it->second) << key;
      continue;
    }
    if (model.size() >= capacity) model.clear();  // The cache empties itself when full.
    cache.Insert(key, h, step);
    model[key] = step;
    ASSERT_EQ(cache.size(), model.size());
  }
}

TEST(StringCache, AgreesWithAMap) {
  CheckAgainstMap<Hash64Of>(/*capacity=*/1 << 16);  // 3,000 keys: past 1,024 slots twice.
  CheckAgainstMap<Hash64Of>(/*capacity=*/700);      // Emptied when 700 are held.
  CheckAgainstMap<Hash64Of>(/*capacity=*/1);
  CheckAgainstMap<WeakHash>(/*capacity=*/1 << 16);
}

TEST(StringCache, KeysOfAnyBytes) {
  StringCache<std::string> cache(10);
  const std::string keys[] = {"", std::string("a\0b", 3), std::string("a\0c", 3), "a"};
  for (const std::string& k : keys) cache.Insert(k, Hash64(k), "v" + k);
  for (const std::string& k : keys) {
    const std::string* v = cache.Find(k, Hash64(k));
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(*v, "v" + k);
  }
  EXPECT_EQ(cache.Find("b", Hash64("b")), nullptr);
}

}  // namespace
}  // namespace stc::geo
