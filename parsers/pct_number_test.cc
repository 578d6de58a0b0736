#include "parsers/pct_number.h"

#include <gtest/gtest.h>

namespace stc {
namespace {

TEST(PctNumber, NewFormKeptAndCleaned) {
  EXPECT_EQ(NormalisePctNumber("PCT/CN2021/123456"), "PCT/CN2021/123456");
  EXPECT_EQ(NormalisePctNumber(" pct/cn2021/123456 "), "PCT/CN2021/123456");
  EXPECT_EQ(NormalisePctNumber("PCT/JP2021/12345"), "PCT/JP2021/012345");
}

TEST(PctNumber, OldFormWidened) {
  EXPECT_EQ(NormalisePctNumber("PCT/US99/12345"), "PCT/US1999/012345");
  EXPECT_EQ(NormalisePctNumber("PCT/EP02/01234"), "PCT/EP2002/001234");
  EXPECT_EQ(NormalisePctNumber("PCT/GB78/00001"), "PCT/GB1978/000001");
  // The old and new forms of one application are one key.
  EXPECT_EQ(NormalisePctNumber("PCT/US03/4567"), NormalisePctNumber("PCT/US2003/004567"));
}

TEST(PctNumber, OtherTextKeptUpperCasedWithoutSpaces) {
  EXPECT_EQ(NormalisePctNumber("wo 2021/123456"), "WO2021/123456");
  EXPECT_EQ(NormalisePctNumber("PCT/U1/2"), "PCT/U1/2");
  EXPECT_EQ(NormalisePctNumber("PCT/US2021/1234567"), "PCT/US2021/1234567");
}

// The buffer form gives the same text as the returning form, whatever the
// buffer held before.
TEST(PctNumber, IntoBufferMatchesReturnedForm) {
  std::string out = "a previous key much longer than any PCT number";
  for (const char* text : {"pct/us99/12345", "PCT/CN2021/123456", " PCT/JP2021/1 ", "wo 2021/1",
                           "PCT/U1/2", "", "PCT/US2021/1234567", "PCT/GB78/00001"}) {
    NormalisePctNumber(text, &out);
    EXPECT_EQ(out, NormalisePctNumber(std::string_view(text))) << text;
  }
  NormalisePctNumber("pct/de77/5", &out);
  EXPECT_EQ(out, "PCT/DE2077/000005");
}

}  // namespace
}  // namespace stc
