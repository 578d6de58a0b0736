#include "core/large_alloc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/smaps_test_util.h"

namespace stc {
namespace {

TEST(LargeAlloc, BlocksAroundTheThresholdAreWritableAndAligned) {
  for (size_t bytes : {size_t{1}, size_t{4096}, kLargeAllocBytes - 1, kLargeAllocBytes,
                       kLargeAllocBytes + 1, 3 * kLargeAllocBytes + 12345}) {
    SCOPED_TRACE(bytes);
    auto* p = static_cast<unsigned char*>(AllocateLarge(bytes));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % alignof(std::max_align_t), 0u);
    if (IsMappedLarge(bytes)) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (size_t{2} << 20), 0u);
    }
    // Every byte is ours: write a pattern and read it back.
    for (size_t i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(i * 131 + 7);
    size_t bad = 0;
    for (size_t i = 0; i < bytes; ++i) bad += p[i] != static_cast<unsigned char>(i * 131 + 7);
    EXPECT_EQ(bad, 0u);
    FreeLarge(p, bytes);
  }
  FreeLarge(nullptr, kLargeAllocBytes);  // A no-op, like operator delete.
}

// Mapped blocks are advised for huge pages ("hg") only while the setting
// says so; blocks already mapped keep their advice.
TEST(LargeAlloc, HugePageAdviceFollowsTheSetting) {
  const size_t bytes = 8 * kLargeAllocBytes;
  if (!IsMappedLarge(bytes)) GTEST_SKIP() << "blocks come from operator new in this build";
  const bool before = LargeBlocksOnHugePages();
  EXPECT_FALSE(before);  // The default.
  auto* small = static_cast<char*>(AllocateLarge(bytes));
  SetLargeBlocksOnHugePages(true);
  EXPECT_TRUE(LargeBlocksOnHugePages());
  auto* huge = static_cast<char*>(AllocateLarge(bytes));
  SetLargeBlocksOnHugePages(false);
  small[0] = huge[0] = 1;
  const std::string small_flags = VmFlagsOf(small), huge_flags = VmFlagsOf(huge);
  FreeLarge(small, bytes);
  FreeLarge(huge, bytes);
  if (small_flags.empty() || huge_flags.empty()) GTEST_SKIP() << "no /proc/self/smaps entries";
  EXPECT_EQ(small_flags.find(" hg"), std::string::npos) << small_flags;
  EXPECT_NE(huge_flags.find(" hg"), std::string::npos) << huge_flags;
}

// ScopedHugePages sets the choice for its lifetime and restores the one it
// found, and the hook sees every change.
bool hook_seen = false;
int hook_calls = 0;
void RecordHook(bool on) {
  hook_seen = on;
  ++hook_calls;
}

TEST(LargeAlloc, ScopedHugePagesRestoresTheChoiceAndCallsTheHook) {
  SetHugePagesHook(&RecordHook);
  ASSERT_FALSE(LargeBlocksOnHugePages());
  {
    const ScopedHugePages outer(true);
    EXPECT_TRUE(LargeBlocksOnHugePages());
    EXPECT_TRUE(hook_seen);
    {
      const ScopedHugePages inner(false);
      EXPECT_FALSE(LargeBlocksOnHugePages());
      EXPECT_FALSE(hook_seen);
    }
    EXPECT_TRUE(LargeBlocksOnHugePages());
    EXPECT_TRUE(hook_seen);
  }
  EXPECT_FALSE(LargeBlocksOnHugePages());
  EXPECT_FALSE(hook_seen);
  EXPECT_EQ(hook_calls, 4);
  SetHugePagesHook(nullptr);
}

TEST(LargeAlloc, VectorAndStringGrowLikeTheStandardOnes) {
  // Grown past several mapped sizes (reallocations copy between blocks).
  LargeVector<uint64_t> v;
  std::vector<uint64_t> ref;
  LargeString s;
  std::string ref_s;
  for (uint64_t i = 0; i < 1'500'000; ++i) {
    v.push_back(i * 0x9e3779b97f4a7c15ull);
    ref.push_back(i * 0x9e3779b97f4a7c15ull);
    const char c = static_cast<char>('a' + i % 26);
    s.push_back(c);
    ref_s.push_back(c);
  }
  ASSERT_EQ(v.size(), ref.size());
  EXPECT_TRUE(std::equal(v.begin(), v.end(), ref.begin()));
  EXPECT_EQ(std::string_view(s), std::string_view(ref_s));
  LargeVector<uint64_t> copy = v;  // Copies allocate their own block.
  v.clear();
  EXPECT_GE(v.capacity(), ref.size());  // Capacity kept for the next fill.
  EXPECT_TRUE(std::equal(copy.begin(), copy.end(), ref.begin(), ref.end()));
}

}  // namespace
}  // namespace stc
