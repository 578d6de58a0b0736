#include "core/threads.h"

#include <gtest/gtest.h>

#include <thread>

namespace stc {
namespace {

TEST(ResolveThreadsTest, KeepsAPositiveRequest) {
  EXPECT_EQ(ResolveThreads(1), 1);
  EXPECT_EQ(ResolveThreads(7), 7);
}

TEST(ResolveThreadsTest, ZeroOrNegativeMeansEveryCoreAndAtLeastOne) {
  const unsigned cores = std::thread::hardware_concurrency();
  const int expected = cores == 0 ? 1 : static_cast<int>(cores);
  EXPECT_EQ(ResolveThreads(0), expected);
  EXPECT_EQ(ResolveThreads(-3), expected);
  EXPECT_GE(ResolveThreads(0), 1);
}

}  // namespace
}  // namespace stc
