// OrgIndex against a std::map: inserts, replacements and look-ups across
// the table's growth, ids of every length, and absent ids.
#include "parsers/org_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace stc {
namespace {

OrgPlace PlaceOf(int64_t n) {
  OrgPlace p;
  p.has_coords = n % 2 == 0;
  p.lat_e5 = static_cast<int32_t>(n % 9000000);
  p.country = n % 3 == 0 ? "JP" : "FR";
  p.city = "City " + std::to_string(n);
  p.geonames_city_id = n;
  return p;
}

TEST(OrgIndex, AgreesWithAMapAcrossGrowth) {
  OrgIndex index;
  std::map<std::string, int64_t> want;
  std::mt19937_64 rng(7);
  EXPECT_EQ(index.Find("I1"), nullptr);  // Empty.
  for (int64_t n = 0; n < 50000; ++n) {
    // Ids of 0 to 40 characters from a small alphabet: repeats replace.
    const size_t len = rng() % 41;
    std::string id;
    for (size_t i = 0; i < len; ++i) id.push_back("IA7/"[rng() % 4]);
    if (rng() % 2 == 0) id = "https://openalex.org/I" + std::to_string(rng() % 20000);
    index.Put(id, PlaceOf(n));
    want[id] = n;
    if (n % 4999 == 0) {  // Every id so far, while the table grows.
      ASSERT_EQ(index.size(), want.size());
      for (const auto& [key, v] : want) {
        const OrgPlace* p = index.Find(key);
        ASSERT_NE(p, nullptr) << key;
        EXPECT_EQ(p->geonames_city_id, v) << key;
        EXPECT_EQ(p->city, "City " + std::to_string(v));
      }
    }
  }
  ASSERT_EQ(index.size(), want.size());
  for (int i = 0; i < 1000; ++i) {
    const std::string absent = "https://openalex.org/I" + std::to_string(20000 + i);
    EXPECT_EQ(index.Find(absent), nullptr) << absent;
    EXPECT_EQ(want.count(absent), 0u);
  }
}

// Identity is of the content: the same final places in any order of Puts
// (replacements included) give the same identity; any difference in a
// place's fields or in the ids gives another.
TEST(OrgIndex, IdentityIsOfTheContent) {
  OrgIndex a, b, c;
  EXPECT_EQ(a.Identity(), b.Identity());
  for (int64_t n = 0; n < 300; ++n) a.Put("I" + std::to_string(n), PlaceOf(n));
  for (int64_t n = 299; n >= 0; --n) {
    b.Put("I" + std::to_string(n), PlaceOf(n + 1000));  // Replaced below.
    b.Put("I" + std::to_string(n), PlaceOf(n));
  }
  EXPECT_EQ(a.Identity(), b.Identity());
  EXPECT_NE(a.Identity(), 0u);
  const uint64_t same = a.Identity();
  auto changed = [&](auto&& edit) {
    OrgPlace p = PlaceOf(42);
    edit(&p);
    a.Put("I42", p);
    const uint64_t id = a.Identity();
    a.Put("I42", PlaceOf(42));  // Back: the identity returns.
    EXPECT_EQ(a.Identity(), same);
    return id;
  };
  EXPECT_NE(changed([](OrgPlace* p) { p->has_coords = !p->has_coords; }), same);
  EXPECT_NE(changed([](OrgPlace* p) { ++p->lat_e5; }), same);
  EXPECT_NE(changed([](OrgPlace* p) { ++p->lon_e5; }), same);
  EXPECT_NE(changed([](OrgPlace* p) { p->country = "DE"; }), same);
  EXPECT_NE(changed([](OrgPlace* p) { p->city += "x"; }), same);
  EXPECT_NE(changed([](OrgPlace* p) { ++p->geonames_city_id; }), same);
  // Field boundaries count: "JP" + "City" is not "J" + "PCity".
  OrgPlace split = PlaceOf(1), joined = PlaceOf(1);
  split.country = "JP";
  split.city = "City";
  joined.country = "J";
  joined.city = "PCity";
  OrgIndex d, e;
  d.Put("I1", split);
  e.Put("I1", joined);
  EXPECT_NE(d.Identity(), e.Identity());
  for (int64_t n = 0; n < 300; ++n) c.Put("I" + std::to_string(n + 1), PlaceOf(n));
  EXPECT_NE(c.Identity(), same);  // The same places under other ids.
}

}  // namespace
}  // namespace stc
