#include "geo/normalize.h"

#include <gtest/gtest.h>

#include "geo/geo_words.h"

namespace stc::geo {
namespace {

TEST(Normalize, CaseDiacriticsAndPunctuation) {
  EXPECT_EQ(NormalizeKey("Zürich"), "zurich");
  EXPECT_EQ(NormalizeKey("  SÃO   PAULO "), "sao paulo");
  EXPECT_EQ(NormalizeKey("Łódź"), "lodz");
  EXPECT_EQ(NormalizeKey("Straße"), "strasse");
  EXPECT_EQ(NormalizeKey("Đà Nẵng"), "da nang");
  EXPECT_EQ(NormalizeKey("Xi'an"), "xian");
  EXPECT_EQ(NormalizeKey("Xi’an"), "xian");
  EXPECT_EQ(NormalizeKey("Saint-Étienne"), "saint etienne");
  EXPECT_EQ(NormalizeKey("Cedex, 16."), "cedex 16");
  EXPECT_EQ(NormalizeKey("Sant Julià de Lòria"), "sant julia de loria");
  EXPECT_EQ(NormalizeKey("Ko\xCC\x88ln"), "koln");  // Combining diaeresis.
}

TEST(Normalize, OtherScriptsKeptAndBadUtf8Separates) {
  EXPECT_EQ(NormalizeKey("深圳市"), "深圳市");
  EXPECT_EQ(NormalizeKey("東京、日本"), "東京 日本");
  EXPECT_EQ(NormalizeKey(std::string("ab\xFF"
                                     "cd")),
            "ab cd");
  EXPECT_EQ(NormalizeKey(""), "");
  EXPECT_EQ(NormalizeKey(" ,;- "), "");
}

TEST(Normalize, LightFormKeepsDiacritics) {
  EXPECT_EQ(NormalizeLight("Zürich"), "zürich");
  EXPECT_EQ(NormalizeLight("ZURICH"), "zurich");
}

TEST(Normalize, TokensSegmentsAndFlags) {
  TokenizedText t;
  Tokenize("Kawasaki-shi, Kanagawa 210-0001", &t);
  ASSERT_EQ(t.tokens.size(), 5u);
  EXPECT_EQ(t.Tok(0), "kawasaki");
  EXPECT_EQ(t.Tok(1), "shi");
  EXPECT_TRUE(t.tokens[1].flags & kTokenHyphenBefore);
  EXPECT_EQ(t.tokens[1].segment, 0);
  EXPECT_EQ(t.tokens[2].segment, 1);
  EXPECT_TRUE(t.tokens[3].flags & kTokenAllDigits);
  EXPECT_EQ(t.Span(0, 2), "kawasaki shi kanagawa");
  EXPECT_EQ(t.segments, 2);
  Tokenize("Mountain View, CA 94043", &t);
  EXPECT_TRUE(t.tokens[2].flags & kTokenUpperInSource);
  EXPECT_FALSE(t.tokens[0].flags & kTokenUpperInSource);
  Tokenize("CB2 1TN", &t);
  EXPECT_TRUE(t.tokens[0].flags & kTokenHasDigit);
  EXPECT_FALSE(t.tokens[0].flags & kTokenAllDigits);
}

TEST(GeoWords, RolesAndStates) {
  EXPECT_EQ(RoleOf("shi"), WordRole::kCityMarker);
  EXPECT_EQ(RoleOf("gu"), WordRole::kWardMarker);
  EXPECT_EQ(RoleOf("province"), WordRole::kProvinceMarker);
  EXPECT_EQ(RoleOf("cedex"), WordRole::kNoise);
  EXPECT_EQ(RoleOf("strasse"), WordRole::kStreetAfter);
  EXPECT_EQ(RoleOf("rue"), WordRole::kStreetBefore);
  EXPECT_EQ(RoleOf("university"), WordRole::kNoStart);
  EXPECT_EQ(RoleOf("san"), WordRole::kWeakStart);
  EXPECT_EQ(RoleOf("shenzhen"), WordRole::kNone);
  EXPECT_EQ(UsStateCode("ca"), "CA");
  EXPECT_EQ(UsStateCode("new york"), "NY");
  EXPECT_EQ(UsStateCode("zz"), "");
}

}  // namespace
}  // namespace stc::geo
