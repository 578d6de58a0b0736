#include "io/byte_buffer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>

namespace stc {
namespace {

// Random operations applied to a ByteBuffer and to a std::string alike: the
// two must hold the same bytes after every step.
TEST(ByteBufferTest, MatchesAStringUnderRandomOperations) {
  std::mt19937 rng(7);
  ByteBuffer b;
  std::string s;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 8);
    const size_t n = rng() % 300;
    const char c = static_cast<char>('a' + rng() % 26);
    switch (op) {
      case 0:
        b.append(n, c);
        s.append(n, c);
        break;
      case 1: {
        std::string t(n, c);
        b.append(t);
        s.append(t);
        break;
      }
      case 2: {
        // Grown bytes are then written, as a reader writes them.
        char* p = b.GrowUninitialized(n);
        for (size_t i = 0; i < n; ++i) p[i] = static_cast<char>(c + i % 3);
        for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(c + i % 3));
        break;
      }
      case 3:
        if (!s.empty()) {
          const size_t k = rng() % (s.size() + 1);
          b.Truncate(k);
          s.resize(k);
        }
        break;
      case 4:
        if (!s.empty()) {
          const size_t k = rng() % (s.size() + 1);
          b.EraseFront(k);
          s.erase(0, k);
        }
        break;
      case 5:
        if (!s.empty()) {
          // A piece of its own bytes, which growth may move.
          const size_t from = rng() % s.size();
          const size_t len = rng() % (s.size() - from + 1);
          b.append(b.data() + from, len);
          s.append(s, from, len);
        }
        break;
      case 6:
        if (rng() % 50 == 0) {
          b.clear();
          s.clear();
        }
        break;
      default:
        b.reserve(s.size() + n);
        break;
    }
    ASSERT_EQ(b.size(), s.size()) << "step " << step;
    ASSERT_GE(b.capacity(), b.size());
    ASSERT_EQ(b.view(), s) << "step " << step;
  }
}

TEST(ByteBufferTest, GrowthKeepsTheContentAndClearKeepsTheCapacity) {
  ByteBuffer b;
  b.append("abc");
  char* p = b.GrowUninitialized(1 << 20);  // Forces a reallocation.
  p[0] = 'd';
  b.Truncate(4);
  EXPECT_EQ(b, "abcd");
  const size_t cap = b.capacity();
  EXPECT_GE(cap, (1u << 20) + 3);
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.capacity(), cap);
  // Truncate never lengthens.
  b.append("xy");
  b.Truncate(10);
  EXPECT_EQ(b, "xy");
}

TEST(ByteBufferTest, CopiesAreDeepAndMovesEmptyTheSource) {
  ByteBuffer a(std::string_view("hello"));
  ByteBuffer copy = a;
  copy.append(" world");
  EXPECT_EQ(a, "hello");
  EXPECT_EQ(copy, "hello world");
  copy = a;
  EXPECT_EQ(copy, "hello");
  ByteBuffer moved = std::move(copy);
  EXPECT_EQ(moved, "hello");
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): the documented state.
  EXPECT_EQ(copy.capacity(), 0u);
  copy.append("again");  // A moved-from buffer is usable.
  EXPECT_EQ(copy, "again");
  moved = std::string_view("assigned");
  EXPECT_EQ(moved, "assigned");
}

}  // namespace
}  // namespace stc
