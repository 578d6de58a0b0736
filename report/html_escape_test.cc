#include "report/html_escape.h"

#include <gtest/gtest.h>

namespace stc::report {
namespace {

TEST(HtmlEscape, ScriptShowsAsText) {
  EXPECT_EQ(EscapeHtml("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
}

TEST(HtmlEscape, AttributeBreakers) {
  EXPECT_EQ(EscapeHtml(R"(a & "b" 'c')"), "a &amp; &quot;b&quot; &#39;c&#39;");
  EXPECT_EQ(EscapeHtml("\"><img src=x onerror=alert(2)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
  EXPECT_EQ(EscapeHtml("&amp;"), "&amp;amp;");  // Not decoded first.
}

TEST(HtmlEscape, Utf8KeptInvalidBytesReplaced) {
  EXPECT_EQ(EscapeHtml("Osaka\xE2\x80\x93Kobe Z\xC3\xBCrich \xF0\x9F\x98\x80"),
            "Osaka\xE2\x80\x93Kobe Z\xC3\xBCrich \xF0\x9F\x98\x80");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(EscapeHtml("a\xC3"), "a" + fffd);                            // Truncated.
  EXPECT_EQ(EscapeHtml("\xC0\xBC"), fffd + fffd);                        // Overlong '<'.
  EXPECT_EQ(EscapeHtml("\xED\xA0\x80"), fffd + fffd + fffd);             // Surrogate.
  EXPECT_EQ(EscapeHtml("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF.
  EXPECT_EQ(EscapeHtml("\x80<"), fffd + "&lt;");
}

TEST(HtmlEscape, ControlCharacters) {
  EXPECT_EQ(EscapeHtml(std::string("a\0b\x01\x7F\tc\nd", 10)), "ab\tc\nd");
}

}  // namespace
}  // namespace stc::report
