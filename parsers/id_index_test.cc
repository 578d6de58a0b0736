#include "parsers/id_index.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>

#include "parsers/dom_util.h"
#include "parsers/json_util.h"
#include "parsers/scopus_common.h"
#include "parsers/source_util.h"

namespace stc {
namespace {

// Against std::unordered_map over rounds of random ids (short, long, empty,
// repeated), cleared between rounds like a reader clears it between entries.
TEST(IdIndex, AgreesWithAHashMapAcrossClears) {
  std::mt19937_64 rng(7);
  IdIndex index;
  for (int round = 0; round < 200; ++round) {
    index.Clear();
    std::unordered_map<std::string, uint32_t> ref;
    // Some rounds are large, so the table grows and shrinks back.
    const int n = round % 10 == 0 ? 3000 : static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      std::string id = std::to_string(rng() % (n + 1));  // About a third repeat.
      if (rng() % 7 == 0) id += std::string(40, 'x');    // Past the short-string size.
      if (rng() % 50 == 0) id.clear();
      const uint32_t value = static_cast<uint32_t>(rng() % 1000);
      bool inserted = false;
      const uint32_t got = index.FindOrInsert(id, value, &inserted);
      auto [it, fresh] = ref.emplace(id, value);
      ASSERT_EQ(inserted, fresh) << id;
      ASSERT_EQ(got, it->second) << id;
    }
    ASSERT_EQ(index.size(), ref.size());
    for (const auto& [id, value] : ref) ASSERT_EQ(index.Find(id), value) << id;
    EXPECT_EQ(index.Find("absent-id"), IdIndex::kMissing);
  }
  index.Clear();
  EXPECT_EQ(index.Find("0"), IdIndex::kMissing);
  EXPECT_EQ(index.size(), 0u);
}

// The view readers return what the copying ones do, for every shape the
// readers meet: strings with spaces and entities, numbers, {"$": x}, lists,
// null, missing keys.
TEST(DomViews, FieldViewAndTextViewMatchFieldAndText) {
  const std::string doc = R"({"items": [
    {"k": "  plain id  "}, {"k": "Universit&eacute; &amp; co "}, {"k": 60012345},
    {"k": -7}, {"k": 1.5}, {"k": true}, {"k": {"$": " 42 "}}, {"k": [" first ", "second"]},
    {"k": {"$": [12, 13]}}, {"k": null}, {"other": "x"}, {"k": ""}, {"k": {"@id": "9"}},
    {"k": "&#233;"}, {"k": []}]})";
  const std::string padded = doc + std::string(simdjson::SIMDJSON_PADDING, ' ');
  simdjson::dom::parser parser;
  element root;
  std::string detail;
  ASSERT_TRUE(ParseDom(parser, std::string_view(padded.data(), doc.size()), &root, &detail));
  int n = 0;
  ForEach(Member(root, "items"), [&](Node item) {
    SCOPED_TRACE(n++);
    std::string scratch;
    // Field is built on FieldView: compare both with the definition.
    const std::string want(TrimAscii(DecodeEntities(Text(Member(item, "k")))));
    EXPECT_EQ(FieldView(item, "k", &scratch), want);
    EXPECT_EQ(Field(item, "k"), want);
    EXPECT_EQ(TextView(Member(item, "k"), &scratch), Text(Member(item, "k")));
  });
  EXPECT_EQ(n, 15);
}

// Members looks several keys up in one pass: the same nodes as a Member call
// per key, for repeated keys (the first wins), missing keys, null members,
// keys that prefix one another, and values that are not objects.
TEST(DomViews, MembersMatchMemberPerKey) {
  const std::string doc = R"({"items": [
    {"a": 1, "b": "x", "a": 2, "ab": 3},
    {"b": null, "abc": {"a": 9}},
    {},
    [1, 2],
    "text",
    {"c": [1], "b": "y", "a": "z", "": "empty key"}]})";
  const std::string padded = doc + std::string(simdjson::SIMDJSON_PADDING, ' ');
  simdjson::dom::parser parser;
  element root;
  std::string detail;
  ASSERT_TRUE(ParseDom(parser, std::string_view(padded.data(), doc.size()), &root, &detail));
  static constexpr std::array<std::string_view, 5> kKeys = {"a", "ab", "b", "missing", ""};
  int n = 0;
  ForEach(Member(root, "items"), [&](Node item) {
    SCOPED_TRACE(n++);
    const std::array<Node, 5> m = Members(item, kKeys);
    for (size_t i = 0; i < kKeys.size(); ++i) {
      const Node want = Member(item, kKeys[i]);
      ASSERT_EQ(m[i].valid, want.valid) << kKeys[i];
      if (want.valid) {
        EXPECT_EQ(simdjson::minify(m[i].e), simdjson::minify(want.e)) << kKeys[i];
        std::string s1, s2;
        EXPECT_EQ(FieldViewOf(m[i], &s1), FieldView(item, kKeys[i], &s2));
      }
    }
  });
  EXPECT_EQ(n, 6);
}

TEST(ScopusIds, EveryShapeOfAnAfid) {
  const std::string doc = R"({"a": [" 60001 ", {"$": "60002"}, 60003, {"@id": "60004"},
    {"$": ""}, null, "", "6&amp;5"], "b": {"$": "70001"}, "c": 70002})";
  const std::string padded = doc + std::string(simdjson::SIMDJSON_PADDING, ' ');
  simdjson::dom::parser parser;
  element root;
  std::string detail;
  ASSERT_TRUE(ParseDom(parser, std::string_view(padded.data(), doc.size()), &root, &detail));
  // Entities in a plain id are kept as written (only the @id form decodes).
  EXPECT_EQ(ScopusIds(Member(root, "a")),
            (std::vector<std::string>{"60001", "60002", "60003", "60004", "6&amp;5"}));
  EXPECT_EQ(ScopusIds(Member(root, "b")), std::vector<std::string>{"70001"});
  EXPECT_EQ(ScopusIds(Member(root, "c")), std::vector<std::string>{"70002"});
  EXPECT_TRUE(ScopusIds(Member(root, "missing")).empty());
}

}  // namespace
}  // namespace stc
