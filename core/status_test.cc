#include "core/status.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace stc {
namespace {

TEST(Status, OkHasNoCodeOrMessage) {
  const Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), StatusCode::kOk);
  EXPECT_EQ(ok.message(), "");
  EXPECT_EQ(ok.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
  // An OK code makes an OK status whatever the message.
  const Status ok_with_text(StatusCode::kOk, "ignored");
  EXPECT_TRUE(ok_with_text.ok());
  EXPECT_EQ(ok_with_text.message(), "");
}

TEST(Status, ErrorsKeepCodeAndMessage) {
  const Status e = Status::IoError("cannot open x.zst");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.code(), StatusCode::kIoError);
  EXPECT_EQ(e.message(), "cannot open x.zst");
  EXPECT_EQ(e.ToString(), "io_error: cannot open x.zst");
  EXPECT_EQ(Status::Corruption("c").code(), StatusCode::kCorruption);
  EXPECT_EQ(Status::DataError("d").code(), StatusCode::kDataError);
}

// Copies are deep and independent; a moved-from status is OK.
TEST(Status, CopiesAndMovesKeepTheirOwnState) {
  Status a = Status::NotFound("a");
  Status b = a;
  EXPECT_EQ(b.ToString(), "not_found: a");
  a = Status::Busy("held");
  EXPECT_EQ(b.ToString(), "not_found: a");
  EXPECT_EQ(a.ToString(), "busy: held");
  b = a;
  a = Status::Ok();
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(b.ToString(), "busy: held");
  b = b;  // Self-assignment keeps the state.
  EXPECT_EQ(b.ToString(), "busy: held");
  Status c = std::move(b);
  EXPECT_EQ(c.ToString(), "busy: held");
  Status d;
  d = std::move(c);
  EXPECT_EQ(d.code(), StatusCode::kBusy);
  Status from_ok = Status::Ok();
  Status copy_of_ok = from_ok;
  EXPECT_TRUE(copy_of_ok.ok());
}

TEST(Status, ResultHoldsAValueOrAnError) {
  Result<std::string> v(std::string("x"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "x");
  Result<std::string> e(Status::InvalidArgument("bad flag"));
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().ToString(), "invalid_argument: bad flag");
}

}  // namespace
}  // namespace stc
