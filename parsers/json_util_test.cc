#include "parsers/json_util.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "parsers/person_json.h"

namespace stc {
namespace {

TEST(JsonUtil, PeekJsonStringFindsMemberStrings) {
  std::string_view v;
  ASSERT_TRUE(PeekJsonString(R"({"a":1,"eid":"2-s2.0-1","b":"x"})", "\"eid\"", &v));
  EXPECT_EQ(v, "2-s2.0-1");
  ASSERT_TRUE(PeekJsonString(R"({"eid" :	 "k 2"})", "\"eid\"", &v));  // Spaces, tab.
  EXPECT_EQ(v, "k 2");
  // "eid" as a value first, then as a member name.
  ASSERT_TRUE(PeekJsonString(R"({"x":"eid","eid":"k3"})", "\"eid\"", &v));
  EXPECT_EQ(v, "k3");
  ASSERT_TRUE(PeekJsonString(R"({"eid":""})", "\"eid\"", &v));
  EXPECT_EQ(v, "");
  EXPECT_FALSE(PeekJsonString(R"({"eid":5})", "\"eid\"", &v));             // Not a string.
  EXPECT_FALSE(PeekJsonString(R"({"eid":"a\"b"})", "\"eid\"", &v));        // An escape.
  EXPECT_FALSE(PeekJsonString(R"({"eid":"a\u0041"})", "\"eid\"", &v));     // An escape.
  EXPECT_FALSE(PeekJsonString(R"({"eid":"unterminated)", "\"eid\"", &v));  // No end.
  EXPECT_FALSE(PeekJsonString(R"({"key":"k"})", "\"eid\"", &v));           // Absent.
  EXPECT_FALSE(PeekJsonString(R"({"x":"eid"})", "\"eid\"", &v));           // Only a value.
  EXPECT_FALSE(PeekJsonString(R"({"eid":)", "\"eid\"", &v));               // Line ends.
}

TEST(JsonUtil, PeekJsonStringAtTheLineStart) {
  std::string_view v;
  ASSERT_TRUE(PeekJsonString(R"({"eid":"k1","x":"eid"})", "\"eid\"", &v));
  EXPECT_EQ(v, "k1");
  ASSERT_TRUE(PeekJsonString(R"({"eid" : "k2"})", "\"eid\"", &v));
  EXPECT_EQ(v, "k2");
  EXPECT_FALSE(PeekJsonString(R"({"eid":7,"eid":"k3"})", "\"eid\"", &v));  // First is a number.
  EXPECT_FALSE(PeekJsonString(R"({"eid":"a\"b"})", "\"eid\"", &v));
  EXPECT_FALSE(PeekJsonString(R"({"eid":"k4)", "\"eid\"", &v));
  // The name opens the line but is not followed by ':': the search goes on.
  ASSERT_TRUE(PeekJsonString(R"({"eid","eid":"k5"})", "\"eid\"", &v));
  EXPECT_EQ(v, "k5");
  EXPECT_FALSE(PeekJsonString(R"({"eid")", "\"eid\"", &v));
  EXPECT_FALSE(PeekJsonString("{", "\"eid\"", &v));
}

// The first occurrence found by a plain search, then the rules above: the
// reference PeekJsonString must agree with on any line.
bool PeekReference(std::string_view line, std::string_view name, std::string_view* out) {
  for (size_t at = line.find(name); at != std::string_view::npos; at = line.find(name, at + 1)) {
    size_t p = at + name.size();
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    if (p == line.size() || line[p] != ':') continue;
    ++p;
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    if (p == line.size() || line[p] != '"') return false;
    const size_t end = line.find('"', p + 1);
    if (end == std::string_view::npos) return false;
    *out = line.substr(p + 1, end - p - 1);
    return out->find('\\') == std::string_view::npos;
  }
  return false;
}

TEST(JsonUtil, PeekJsonStringEqualsAPlainSearchOnRandomLines) {
  // Lines built from pieces that make every branch likely: the name at the
  // start or later, spaces, values of every kind, escapes, cut ends.
  const std::vector<std::string> pieces = {"{",  "\"eid\"", ":", " ", "\t",    "\"",  "k1",
                                           "\\", ",",       "}", "5", "\"x\"", "eid", "\"eid\":"};
  uint64_t state = 12345;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  int found = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string line = next(2) == 0 ? "{\"eid\"" : "{";
    const uint64_t n = next(12);
    for (uint64_t j = 0; j < n; ++j) line += pieces[next(pieces.size())];
    std::string_view a, b;
    const bool got = PeekJsonString(line, "\"eid\"", &a);
    ASSERT_EQ(got, PeekReference(line, "\"eid\"", &b)) << line;
    if (got) {
      ASSERT_EQ(a, b) << line;
      ++found;
    }
  }
  EXPECT_GT(found, 1000);  // Both outcomes were exercised.
}

TEST(JsonUtil, ParseDateForms) {
  int32_t y = 0, v = 0;
  ASSERT_TRUE(ParseDate("2021-05-01", &y, &v));
  EXPECT_EQ(y, 2021);
  EXPECT_EQ(v, 20210501);
  ASSERT_TRUE(ParseDate("20190312", &y, &v));
  EXPECT_EQ(v, 20190312);
  ASSERT_TRUE(ParseDate(" 2020-07 ", &y, &v));
  EXPECT_EQ(v, 20200700);
  ASSERT_TRUE(ParseDate("2018", &y, &v));
  EXPECT_EQ(y, 2018);
  EXPECT_EQ(v, 20180000);
}

TEST(JsonUtil, ParseDateRejectsBadDates) {
  int32_t y, v;
  for (const char* bad : {"", "21-05-01", "2021-13-01", "2021-00-10", "2021-05-32", "1899-01-01",
                          "2101-01-01", "2021/05/01", "2021-05-01T00:00", "abcd", "2021-05-00"}) {
    EXPECT_FALSE(ParseDate(bad, &y, &v)) << bad;
  }
}

TEST(JsonUtil, ToE5RoundsAndChecksRange) {
  int32_t a, b;
  ASSERT_TRUE(ToE5(35.689501, 139.691706, &a, &b));
  EXPECT_EQ(a, 3568950);
  EXPECT_EQ(b, 13969171);
  ASSERT_TRUE(ToE5(-90, 180, &a, &b));
  EXPECT_FALSE(ToE5(90.0001, 0, &a, &b));
  EXPECT_FALSE(ToE5(0, -180.5, &a, &b));
}

TEST(JsonUtil, Country2) {
  EXPECT_EQ(NormaliseCountry2("jp"), "JP");
  EXPECT_EQ(NormaliseCountry2(" US "), "US");
  EXPECT_EQ(NormaliseCountry2("USA"), "");
  EXPECT_EQ(NormaliseCountry2("U1"), "");
}

// Keys and string values with and without escapes, null, and non-strings:
// views equal the unescaped text; plain strings are views into the input.
TEST(JsonUtil, StringViewsAndFieldKeys) {
  std::string json = R"({"plain":"Boston","esc\u0061ped":"a\"b\\c\u00e9","empty":"","null":null,)"
                     R"("num":5,"list":["x"],"last":"tail"})";
  const size_t size = json.size();
  json.append(simdjson::SIMDJSON_PADDING, ' ');
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  ASSERT_EQ(parser.iterate(PaddedView(std::string_view(json.data(), size), 64)).get(doc),
            simdjson::SUCCESS);
  simdjson::ondemand::object obj;
  ASSERT_EQ(doc.get_object().get(obj), simdjson::SUCCESS);
  std::vector<std::string> keys, values;
  std::vector<bool> oks;
  std::vector<bool> in_input;
  for (auto field : obj) {
    std::string_view key;
    ASSERT_EQ(FieldKey(field, &key), simdjson::SUCCESS);
    keys.emplace_back(key);
    simdjson::ondemand::value v;
    ASSERT_EQ(field.value().get(v), simdjson::SUCCESS);
    std::string_view sv = "unset";
    oks.push_back(ReadStringViewOrNull(v, &sv));
    values.emplace_back(sv);
    in_input.push_back(sv.data() >= json.data() && sv.data() < json.data() + json.size());
  }
  EXPECT_EQ(keys,
            (std::vector<std::string>{"plain", "escaped", "empty", "null", "num", "list", "last"}));
  EXPECT_EQ(oks, (std::vector<bool>{true, true, true, true, false, false, true}));
  EXPECT_EQ(values[0], "Boston");
  EXPECT_TRUE(in_input[0]);
  EXPECT_EQ(values[1], "a\"b\\c\xc3\xa9");
  EXPECT_FALSE(in_input[1]);  // Unescaped into the parser's buffer.
  EXPECT_EQ(values[2], "");
  EXPECT_EQ(values[3], "");
  EXPECT_EQ(values[6], "tail");
  EXPECT_TRUE(in_input[6]);
  EXPECT_TRUE(AtDocumentEnd(doc));
}

// Coordinates from a DOM document: every JSON type, as the On-Demand reader
// reads them (numbers, numeric strings, null; the rest is bad).
TEST(JsonUtil, DomCoordinates) {
  const simdjson::padded_string json(std::string_view(
      R"([12, -0, 18446744073709551615, 35.5, " 7.25 ", "", "x", null, true, [1]])"));
  simdjson::dom::parser parser;
  simdjson::dom::array values_in;
  ASSERT_EQ(parser.parse(json).get_array().get(values_in), simdjson::SUCCESS);
  std::vector<CoordStatus> got;
  std::vector<double> values;
  for (simdjson::dom::element e : values_in) {
    double d = -1;
    got.push_back(ReadCoordinate(e, &d));
    values.push_back(d);
  }
  using C = CoordStatus;
  EXPECT_EQ(got, (std::vector<C>{C::kOk, C::kOk, C::kOk, C::kOk, C::kOk, C::kAbsent, C::kBad,
                                 C::kAbsent, C::kBad, C::kBad}));
  EXPECT_EQ(values[0], 12.0);
  EXPECT_EQ(values[1], 0.0);
  EXPECT_EQ(values[2], 18446744073709551615.0);
  EXPECT_EQ(values[3], 35.5);
  EXPECT_EQ(values[4], 7.25);
  EXPECT_EQ(values[5], -1);  // Untouched when absent.
}

TEST(JsonUtil, Country2IntoBuffer) {
  std::string out = "previous";
  NormaliseCountry2(" jp ", &out);
  EXPECT_EQ(out, "JP");
  NormaliseCountry2("Japan", &out);
  EXPECT_EQ(out, "");
  NormaliseCountry2("J1", &out);
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace stc
