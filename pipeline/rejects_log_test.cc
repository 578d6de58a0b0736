#include "pipeline/rejects_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace stc {
namespace {

TEST(RejectsLog, EscapesAndReplacesInvalidUtf8) {
  std::string out;
  AppendJsonEscaped("a\"b\\c\n\x01 \xff é", &out);
  EXPECT_EQ(out, "a\\\"b\\\\c\\u000a\\u0001 \xEF\xBF\xBD é");
}

TEST(RejectsLog, AppendsOneJsonLinePerReject) {
  auto path = std::filesystem::temp_directory_path() /
              ("stc_rejects_" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  {
    RejectsLog log;
    ASSERT_TRUE(log.Open(path.string(), "run1").ok());
    log.Add("a.zst", 17, 3, "bad_date", "unreadable", std::string(300, 'x'));
    ASSERT_TRUE(log.Close().ok());
  }
  {
    RejectsLog log;
    ASSERT_TRUE(log.Open(path.string(), "run2").ok());
    log.Add("b", 0, 0, "malformed_json", "", "{");
    ASSERT_TRUE(log.Close().ok());
  }
  std::ifstream in(path);
  std::string l1, l2, l3;
  ASSERT_TRUE(std::getline(in, l1));
  ASSERT_TRUE(std::getline(in, l2));
  EXPECT_FALSE(std::getline(in, l3));
  EXPECT_EQ(l1,
            "{\"run\":\"run1\",\"file\":\"a.zst\",\"offset\":17,\"line\":3,\"reason\":\"bad_date\","
            "\"detail\":\"unreadable\",\"prefix\":\"" +
                std::string(200, 'x') + "\"}");
  EXPECT_EQ(
      l2,
      "{\"run\":\"run2\",\"file\":\"b\",\"offset\":0,\"line\":0,\"reason\":\"malformed_json\","
      "\"detail\":\"\",\"prefix\":\"{\"}");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace stc
