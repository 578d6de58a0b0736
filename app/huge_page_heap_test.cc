// huge_page_heap.cc: the program break it keeps (this test binary links it, so
// its sbrk() is the one called here), and, when built with tcmalloc-minimal
// (STC_TEST_TCMALLOC), that tcmalloc grows its heap through it; the size of
// its reservation under limits, and the choice of page size.
#include "app/huge_page_heap.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/large_alloc.h"
#include "core/smaps_test_util.h"

namespace {

using stc::VmFlagsOf;

char* Break() { return static_cast<char*>(sbrk(0)); }

TEST(HugePageHeap, BreakMovesAsTheKernelsDoes) {
  char* const start = Break();
  ASSERT_NE(start, reinterpret_cast<char*>(-1));
  const intptr_t grow = 3 * 4096 + 5;
  EXPECT_EQ(static_cast<char*>(sbrk(grow)), start);  // The old break.
  EXPECT_EQ(Break(), start + grow);
  std::memset(start, 0x5a, grow);  // Writable.
  // Shrinking returns the old break too; growing again reads zeros in the
  // whole pages above the break (the page holding it keeps its bytes).
  EXPECT_EQ(static_cast<char*>(sbrk(-grow)), start + grow);
  EXPECT_EQ(Break(), start);
  EXPECT_EQ(static_cast<char*>(sbrk(grow)), start);
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const auto first_whole = (reinterpret_cast<uintptr_t>(start) + page - 1) / page * page -
                           reinterpret_cast<uintptr_t>(start);
  for (intptr_t i = static_cast<intptr_t>(first_whole); i + static_cast<intptr_t>(page) <= grow;
       ++i) {
    ASSERT_EQ(start[i], 0) << "byte " << i << " above the break survived a shrink";
  }
  EXPECT_EQ(static_cast<char*>(sbrk(-grow)), start + grow);
}

TEST(HugePageHeap, RefusesMoreThanItsReservation) {
  char* const start = Break();
  errno = 0;
  EXPECT_EQ(sbrk(intptr_t{1} << 40), reinterpret_cast<void*>(-1));  // 1 TiB.
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_EQ(Break(), start);  // Unchanged.
  errno = 0;
  EXPECT_EQ(sbrk(-(intptr_t{1} << 40)), reinterpret_cast<void*>(-1));  // Below its start.
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_EQ(Break(), start);
}

// The heap starts on the system's default pages; SetHeapOnHugePages advises
// the whole reservation for huge pages and back ("hg" and "nh": the kernel
// keeps the advice even where THP is off). SetLargeBlocksOnHugePages reaches
// it through the hook this file registers.
TEST(HugePageHeap, RegionFollowsTheChoiceOfPageSize) {
  char* const start = Break();
  ASSERT_NE(sbrk(4096), reinterpret_cast<void*>(-1));
  const std::string before = VmFlagsOf(start);
  if (before.empty()) GTEST_SKIP() << "no /proc/self/smaps entry for the break";
  EXPECT_FALSE(stc::HeapOnHugePages());
  EXPECT_EQ(before.find(" hg"), std::string::npos) << before;
  stc::SetHeapOnHugePages(true);
  EXPECT_TRUE(stc::HeapOnHugePages());
  const std::string on = VmFlagsOf(start);
  EXPECT_NE(on.find(" hg"), std::string::npos) << on;
  stc::SetHeapOnHugePages(false);
  const std::string off = VmFlagsOf(start);
  EXPECT_EQ(off.find(" hg"), std::string::npos) << off;
  EXPECT_NE(off.find(" nh"), std::string::npos) << off;
  stc::SetLargeBlocksOnHugePages(true);  // Through the hook.
  EXPECT_TRUE(stc::HeapOnHugePages());
  EXPECT_NE(VmFlagsOf(start).find(" hg"), std::string::npos);
  stc::SetLargeBlocksOnHugePages(false);
  EXPECT_FALSE(stc::HeapOnHugePages());
  sbrk(-4096);
}

TEST(HugePageHeap, ReservationFollowsLimits) {
  constexpr uint64_t kGiB = uint64_t{1} << 30, kMiB = uint64_t{1} << 20;
  // Unlimited address space, heuristic or always overcommit: 64 GiB.
  EXPECT_EQ(stc::HugePageHeapReservation(UINT64_MAX, 0), 64 * kGiB);
  EXPECT_EQ(stc::HugePageHeapReservation(UINT64_MAX, 1), 64 * kGiB);
  EXPECT_EQ(stc::HugePageHeapReservation(512 * kGiB, 0), 64 * kGiB);
  // Strict overcommit: none, whatever the limit.
  EXPECT_EQ(stc::HugePageHeapReservation(UINT64_MAX, 2), 0u);
  EXPECT_EQ(stc::HugePageHeapReservation(8 * kGiB, 2), 0u);
  // ulimit -v: a quarter, rounded down to 2 MiB.
  EXPECT_EQ(stc::HugePageHeapReservation(8 * kGiB, 0), 2 * kGiB);
  EXPECT_EQ(stc::HugePageHeapReservation(kGiB + 12345, 0), 256 * kMiB);
  EXPECT_EQ(stc::HugePageHeapReservation(kGiB - 1, 0), 254 * kMiB);
  // Less than 64 MiB left: none.
  EXPECT_EQ(stc::HugePageHeapReservation(256 * kMiB, 0), 64 * kMiB);
  EXPECT_EQ(stc::HugePageHeapReservation(256 * kMiB - 1, 0), 0u);
}

#ifdef STC_TEST_TCMALLOC
// tcmalloc-minimal's small objects come from this break: allocating 64 MiB of
// them moves it, and they lie below it.
TEST(HugePageHeap, TcmallocGrowsThisHeap) {
  stc::SetHeapOnHugePages(true);
  char* const before = Break();
  std::vector<void*> blocks;
  for (int i = 0; i < (64 << 20) / 256; ++i) blocks.push_back(std::malloc(256));
  char* const after = Break();
  EXPECT_GT(after, before);
  const auto* last = static_cast<const char*>(blocks.back());
  EXPECT_GE(last, before);
  EXPECT_LT(last, after);
  EXPECT_NE(VmFlagsOf(last).find(" hg"), std::string::npos);
  for (void* b : blocks) std::free(b);
  stc::SetHeapOnHugePages(false);
}
#endif

}  // namespace
