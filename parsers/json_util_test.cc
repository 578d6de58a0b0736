#include "parsers/json_util.h"

#include <gtest/gtest.h>

namespace stc {
namespace {

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

}  // namespace
}  // namespace stc
