// The per-thread tables of the profile scan: the tally map against
// std::map, organisation grouping, field resolution.
#include "cluster/profile_items.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace stc::cluster::profile_internal {
namespace {

TEST(TallyMap, AgreesWithStdMapThroughGrowth) {
  std::mt19937_64 rng(8);
  TallyMap flat;
  std::map<uint32_t, std::pair<uint32_t, Units>> ref;  // key -> (tag, units)
  for (int i = 0; i < 200000; ++i) {
    // Dense small keys and sparse large ones (up to kNoItem - 1).
    const uint32_t key =
        rng() % 3 ? static_cast<uint32_t>(rng() % 5000) : static_cast<uint32_t>(rng() % kNoItem);
    const Units add = static_cast<Units>(rng() % 1000) - 500;
    bool inserted = false;
    TallyMap::Entry& e = flat.Get(key, &inserted);
    ASSERT_EQ(e.key, key);
    const bool fresh = ref.find(key) == ref.end();
    ASSERT_EQ(inserted, fresh) << key;
    if (inserted) {
      ASSERT_EQ(e.units, 0);
      ASSERT_EQ(e.tag, 0u);
      e.tag = static_cast<uint32_t>(i);  // The first insertion's, kept through growth.
      ref[key].first = e.tag;
    }
    e.units += add;
    ref[key].second += add;
  }
  ASSERT_EQ(flat.size(), ref.size());
  std::map<uint32_t, std::pair<uint32_t, Units>> seen;
  flat.ForEach([&](const TallyMap::Entry& e) {
    ASSERT_TRUE(seen.emplace(e.key, std::make_pair(e.tag, e.units)).second) << e.key;
  });
  EXPECT_EQ(seen, ref);
}

TEST(OrgNames, GroupsSpellingsByTrimmedLowerCase) {
  OrgNames names;
  const uint32_t a = names.Intern("  Acme\t Corp ");
  const uint32_t b = names.Intern("ACME CORP");
  const uint32_t c = names.Intern("Sony");
  const uint32_t blank = names.Intern(" \t ");
  EXPECT_EQ(names.Intern("  Acme\t Corp "), a);  // The same spelling: the same index.
  EXPECT_NE(a, b);
  EXPECT_EQ(names.spelling(a).name, "Acme Corp");
  EXPECT_EQ(names.spelling(b).name, "ACME CORP");
  EXPECT_EQ(names.spelling(a).key, names.spelling(b).key);
  EXPECT_NE(names.spelling(a).key, names.spelling(c).key);
  EXPECT_EQ(names.key(names.spelling(a).key), "acme corp");
  EXPECT_EQ(names.spelling(blank).key, kNoItem);
  EXPECT_EQ(names.keys(), 2u);
}

TEST(FieldNames, TechnologyFieldsAreasAndOtherFields) {
  FieldNames fields;
  CountedRecordView r;
  std::vector<uint32_t> out;
  // PCT: three codes, two of them in field 4 (digital communication), one
  // unmapped.
  r.codes = {"H04W 72/04", "A61K 31/00", "H04L 9/32", "garbage"};
  fields.Of(Source::kPct, r, &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(fields.field(out[0]).code, "4");
  EXPECT_EQ(fields.field(out[0]).key, "04");
  EXPECT_EQ(fields.field(out[0]).name, "Digital communication");
  EXPECT_EQ(fields.field(out[1]).code, "16");
  // Articles: subject codes by area; without any, the aggregation field.
  r.codes = {"1702", "1712", "2700"};
  fields.Of(Source::kArticle, r, &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(fields.field(out[0]).code, "17");
  EXPECT_EQ(fields.field(out[0]).name, "Computer Science");
  EXPECT_EQ(fields.field(out[1]).code, "27");
  r.codes.clear();
  r.field = "1303";
  fields.Of(Source::kArticle, r, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(fields.field(out[0]).code, "13");
  r.field = "Physics";
  fields.Of(Source::kArticle, r, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(fields.field(out[0]).code, "Physics");
  EXPECT_EQ(fields.field(out[0]).name, "Physics");
  // VC deals have no fields.
  fields.Of(Source::kVc, r, &out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(fields.size(), 6u);  // 4, 16, 17, 27, 13, Physics: each met once, then reused.
}

}  // namespace
}  // namespace stc::cluster::profile_internal
