#include "core/threads.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <thread>
#include <vector>

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

// Room for 512 bytes at least, whatever the element's size; the contents
// kept; a larger capacity left as it is.
TEST(ReserveThreadScratchTest, GivesRoomForWholeLinesAndKeepsTheContents) {
  std::vector<uint32_t> small = {7, 8, 9};
  ReserveThreadScratch(&small);
  EXPECT_GE(small.capacity() * sizeof(uint32_t), kThreadScratchBytes);
  EXPECT_EQ(small, (std::vector<uint32_t>{7, 8, 9}));

  struct Odd {
    char bytes[24];
  };
  std::vector<Odd> odd;
  ReserveThreadScratch(&odd);
  EXPECT_GE(odd.capacity() * sizeof(Odd), kThreadScratchBytes);
  EXPECT_TRUE(odd.empty());

  std::vector<std::string_view> large;
  large.reserve(1000);
  const std::string_view* before = large.data();
  ReserveThreadScratch(&large);
  EXPECT_EQ(large.capacity(), 1000u);
  EXPECT_EQ(large.data(), before);
}

}  // namespace
}  // namespace stc
