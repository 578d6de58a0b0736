#include "parsers/source_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "parsers/country_names.h"
#include "parsers/csv_util.h"
#include "parsers/json_util.h"
#include "parsers/pct_number.h"

namespace stc {
namespace {

TEST(SourceUtil, DecodesCommonEntities) {
  EXPECT_EQ(DecodeEntities("US Fish &amp; Wildlife Service"), "US Fish & Wildlife Service");
  EXPECT_EQ(DecodeEntities("Universit&eacute; &#233;&#xE9; &lt;x&gt; &quot;q&quot;"),
            "Universit\xC3\xA9 \xC3\xA9\xC3\xA9 <x> \"q\"");
  EXPECT_EQ(DecodeEntities("AT&T &bogus; &#0; &"), "AT&T &bogus; &#0; &");
  EXPECT_EQ(DecodeEntities("M&uuml;nchen"), "M\xC3\xBCnchen");
}

TEST(SourceUtil, ScopeFilter) {
  ReaderOptions o;
  EXPECT_TRUE(AllSubjectsExcluded({"3300", "1200"}, o));
  EXPECT_FALSE(AllSubjectsExcluded({"3300", "1710"}, o));
  EXPECT_FALSE(AllSubjectsExcluded({}, o));
  o.excluded_subject_areas.clear();
  EXPECT_FALSE(AllSubjectsExcluded({"3300"}, o));
  EXPECT_TRUE(OneOf(" AR ", {"ar"}));
  EXPECT_FALSE(OneOf("re", {"ar"}));
}

TEST(SourceUtil, VersionRanksOrderSourcesBeforeDates) {
  EXPECT_GT(RankedVersion(VersionRank::kScopusAbstract, 19000101),
            RankedVersion(VersionRank::kScopusSearch, 21001231));
  EXPECT_GT(RankedVersion(VersionRank::kScopusSearch, 19000101), 21001231);
}

TEST(SourceUtil, NameKeyIgnoresCaseOrderAndPunctuation) {
  EXPECT_EQ(NameKey("TANAKA, Taro"), NameKey("Taro  Tanaka"));
  EXPECT_NE(NameKey("Tanaka Taro"), NameKey("Tanaka Jiro"));
  EXPECT_EQ(NameKey("  O'Brien-Smith, J.R. 2nd "), "2nd brien j o r smith");
  EXPECT_EQ(NameKey("M\xC3\xBCller, \xC3\x89mile"), "m\xC3\xBCller \xC3\x89mile");
  EXPECT_EQ(NameKey(" ,;"), "");
}

// Against the definition written plainly (words of ASCII letters, digits and
// non-ASCII bytes, lower-cased, sorted, joined by one space), on random names;
// one output buffer reused throughout.
TEST(SourceUtil, NameKeyIntoMatchesTheDefinition) {
  std::mt19937 rng(5);
  const char alphabet[] = "aAbBzZ09 ,.-'\t\xC3\xA9";
  std::string out;
  for (int trial = 0; trial < 5000; ++trial) {
    std::string name;
    for (int i = rng() % 30; i > 0; --i) name.push_back(alphabet[rng() % (sizeof alphabet - 1)]);
    std::vector<std::string> words(1);
    for (char c : name) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u >= 0x80 || std::isdigit(u) || std::islower(u)) {
        words.back().push_back(c);
      } else if (std::isupper(u)) {
        words.back().push_back(static_cast<char>(std::tolower(u)));
      } else if (!words.back().empty()) {
        words.emplace_back();
      }
    }
    if (words.back().empty()) words.pop_back();
    std::sort(words.begin(), words.end());
    std::string want;
    for (const std::string& w : words) want += (want.empty() ? "" : " ") + w;
    NameKeyInto(name, &out);
    ASSERT_EQ(out, want) << name;
    ASSERT_EQ(NameKey(name), want);
  }
}

TEST(SourceUtil, Framing) {
  EXPECT_EQ(JsonFramingFor("{\n  \"a\": 1\n}\n").kind, Framing::Kind::kDocuments);
  EXPECT_EQ(JsonFramingFor("\n{\"a\": 1}\n{\"a\": 2}\n").kind, Framing::Kind::kLines);
  EXPECT_EQ(JsonFramingFor("{\"a\": \"}{\", \"b\": [\n{\"c\": 1}]}\n").line_prefix, "");
  EXPECT_EQ(JsonFramingFor("{\"a\": \"}{\", \"b\": [\n{\"c\": 1}]}\n").kind,
            Framing::Kind::kDocuments);
  EXPECT_EQ(JsonFramingFor("{\"a\": \"x\\\"{\"}\n").kind, Framing::Kind::kLines);
  EXPECT_TRUE(HeadHasKey("{\"search-results\" : {", "search-results"));
  EXPECT_FALSE(HeadHasKey("{\"x\": \"search-results\"}", "search-results"));
}

TEST(CountryNames, MapsNamesAndCodes) {
  EXPECT_EQ(CountryToIso2("United States"), "US");
  EXPECT_EQ(CountryToIso2("usa"), "US");
  EXPECT_EQ(CountryToIso2("Russian Federation"), "RU");
  EXPECT_EQ(CountryToIso2("Viet Nam"), "VN");
  EXPECT_EQ(CountryToIso2("Korea, Republic of"), "KR");
  EXPECT_EQ(CountryToIso2("jp"), "JP");
  EXPECT_EQ(CountryToIso2("Atlantis"), "");
}

// The memo of recent look-ups (a direct-mapped table per thread) answers as
// the table does: every spelling, in other cases and spacing, and unknown
// texts, looked up again and again in a random order (hits, and evictions:
// far more texts than slots), against each text's answer on a thread of its
// own, whose memo was empty (the table's answer).
TEST(CountryNames, RepeatedLookUpsAnswerAsTheFirst) {
  std::vector<std::string> texts;
  ForEachCountrySpelling(
      [](std::string_view spelling, std::string_view, void* arg) {
        auto* v = static_cast<std::vector<std::string>*>(arg);
        std::string s(spelling);
        v->push_back(s);
        std::string upper = s, spaced = "  " + s + " ";
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        v->push_back(upper);
        v->push_back(spaced);
        v->push_back(s + "x");  // Unknown, most of them.
      },
      &texts);
  texts.push_back("Atlantis");
  texts.push_back("A country whose name is longer than the memo keeps");
  texts.push_back("1");
  std::sort(texts.begin(), texts.end());
  texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
  ASSERT_GT(texts.size(), 500u);
  std::vector<std::string> first(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    std::thread fresh([&] { first[i] = CountryToIso2(texts[i]); });
    fresh.join();
  }
  EXPECT_EQ(first[std::find(texts.begin(), texts.end(), "  Germany ") - texts.begin()], "DE");
  std::mt19937 rng(3);
  std::uniform_int_distribution<size_t> pick(0, texts.size() - 1);
  for (int n = 0; n < 20000; ++n) {
    // Runs of one text (hits) between random ones (misses and evictions).
    const size_t i = n % 3 == 0 ? pick(rng) : static_cast<size_t>(n / 3) % texts.size();
    ASSERT_EQ(CountryToIso2(texts[i]), first[i]) << "[" << texts[i] << "]";
    std::string out = "kept";
    AssignCountryCodeOrName(texts[i], &out);
    ASSERT_EQ(out, first[i].empty() ? std::string(TrimAscii(texts[i])) : first[i]);
  }
}

TEST(CsvUtil, SplitsQuotedFields) {
  std::vector<std::string> f;
  ASSERT_TRUE(SplitCsvLine("a,\"b, c\",\"d \"\"e\"\"\",\r", ',', &f));
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1], "b, c");
  EXPECT_EQ(f[2], "d \"e\"");
  EXPECT_EQ(f[3], "");
  EXPECT_FALSE(SplitCsvLine("a,\"b", ',', &f));
  EXPECT_FALSE(SplitCsvLine("a,\"b\"x", ',', &f));
}

TEST(PctNumber, ApplicationNumberSpellings) {
  EXPECT_EQ(NormalisePctApplication("", "PCT/US99/12345"), "PCT/US1999/012345");
  EXPECT_EQ(NormalisePctApplication("", "PCTUS9912345"), "PCT/US1999/012345");
  EXPECT_EQ(NormalisePctApplication("", "CN2021123456"), "PCT/CN2021/123456");
  EXPECT_EQ(NormalisePctApplication("", "cn2021/123456"), "PCT/CN2021/123456");
  EXPECT_EQ(NormalisePctApplication("JP", "2021/012345"), "PCT/JP2021/012345");
  EXPECT_EQ(NormalisePctApplication("", "  PCT/CN2021/123456 "), "PCT/CN2021/123456");
}

}  // namespace
}  // namespace stc
