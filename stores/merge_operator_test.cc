#include "stores/merge_operator.h"

#include <gtest/gtest.h>
#include <rocksdb/slice.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "stores/keys.h"

namespace stc {
namespace {

namespace sk = store_keys;

std::string Vec(std::initializer_list<int64_t> values) {
  std::string out;
  for (int64_t v : values) sk::AppendInt64Le(&out, v);
  return out;
}

std::vector<int64_t> Unpack(const std::string& v) {
  std::vector<int64_t> out;
  for (size_t i = 0; i + 8 <= v.size(); i += 8) out.push_back(sk::LoadInt64Le(v.data() + i));
  return out;
}

bool FullMerge(const rocksdb::MergeOperator& op, const std::string* existing,
               const std::vector<std::string>& operands, std::string* out) {
  std::vector<rocksdb::Slice> slices(operands.begin(), operands.end());
  rocksdb::Slice existing_slice = existing ? rocksdb::Slice(*existing) : rocksdb::Slice();
  rocksdb::Slice key("k");
  rocksdb::MergeOperator::MergeOperationInput in(key, existing ? &existing_slice : nullptr, slices,
                                                 nullptr);
  rocksdb::Slice existing_operand(nullptr, 0);  // Set by an operator that reuses an input.
  rocksdb::MergeOperator::MergeOperationOutput result(*out, existing_operand);
  bool ok = op.FullMergeV2(in, &result);
  if (ok && existing_operand.data() != nullptr) out->assign(existing_operand.ToString());
  return ok;
}

TEST(MergeOperatorTest, NameIsStable) {
  EXPECT_STREQ(NewInt64VectorAddOperator()->Name(), "stc.Int64VectorAdd");
}

TEST(MergeOperatorTest, AddInt64VectorAddsElementwise) {
  std::string acc;
  ASSERT_TRUE(AddInt64Vector(Vec({5, -7, 1000000000}), &acc));
  ASSERT_TRUE(AddInt64Vector(Vec({-5, 2, 1}), &acc));
  EXPECT_EQ(Unpack(acc), (std::vector<int64_t>{0, -5, 1000000001}));
}

TEST(MergeOperatorTest, RejectsMalformedWidths) {
  std::string acc = Vec({1});
  EXPECT_FALSE(AddInt64Vector(Vec({1, 2}), &acc));  // Width mismatch.
  acc = Vec({1});
  EXPECT_FALSE(AddInt64Vector(std::string(7, '\0'), &acc));
  std::string empty_acc;
  EXPECT_FALSE(AddInt64Vector("", &empty_acc));
  EXPECT_FALSE(AddInt64Vector(std::string(12, '\0'), &empty_acc));

  auto op = NewInt64VectorAddOperator();
  std::string out;
  EXPECT_FALSE(FullMerge(*op, nullptr, {Vec({1}), Vec({1, 2})}, &out));
  std::string bad_existing(9, '\0');
  EXPECT_FALSE(FullMerge(*op, &bad_existing, {Vec({1})}, &out));
  std::string existing = Vec({1, 2, 3});
  EXPECT_FALSE(FullMerge(*op, &existing, {Vec({1})}, &out));
  EXPECT_FALSE(op->PartialMerge("k", Vec({1}), std::string(5, 'x'), &out, nullptr));
  EXPECT_FALSE(op->PartialMerge("k", Vec({1}), Vec({1, 1}), &out, nullptr));
  std::deque<std::string> storage = {Vec({1, 1, 1}), Vec({2, 2, 2}), Vec({3})};
  std::deque<rocksdb::Slice> slices(storage.begin(), storage.end());
  EXPECT_FALSE(op->PartialMergeMulti("k", slices, &out, nullptr));
}

TEST(MergeOperatorTest, FullMergeWithAndWithoutExistingValue) {
  auto op = NewInt64VectorAddOperator();
  std::string out;
  ASSERT_TRUE(FullMerge(*op, nullptr, {Vec({1, 2, 3}), Vec({10, 20, 30})}, &out));
  EXPECT_EQ(Unpack(out), (std::vector<int64_t>{11, 22, 33}));
  std::string existing = Vec({100, -200, 0});
  ASSERT_TRUE(FullMerge(*op, &existing, {Vec({1, 2, 3})}, &out));
  EXPECT_EQ(Unpack(out), (std::vector<int64_t>{101, -198, 3}));
}

// Random operand sequences merged in random groupings (partial merges of
// random runs, pairwise or multi, then a full merge on a random base) always
// give the hand-computed elementwise sum.
TEST(MergeOperatorTest, AnyGroupingGivesTheSameSum) {
  auto op = NewInt64VectorAddOperator();
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    const size_t width = round % 2 == 0 ? 1 : 3;
    const size_t n = 1 + rng() % 12;
    std::vector<std::string> operands;
    std::vector<int64_t> expected(width, 0);
    for (size_t i = 0; i < n; ++i) {
      std::string v;
      for (size_t w = 0; w < width; ++w) {
        int64_t x = static_cast<int64_t>(rng() % 2000000001) - 1000000000;
        expected[w] += x;
        sk::AppendInt64Le(&v, x);
      }
      operands.push_back(v);
    }
    std::string base;
    const bool with_base = rng() % 2 == 0;
    if (with_base) {
      for (size_t w = 0; w < width; ++w) {
        int64_t x = static_cast<int64_t>(rng() % 1000) * 1000000000;
        expected[w] += x;
        sk::AppendInt64Le(&base, x);
      }
    }
    // Partial-merge random runs of adjacent operands.
    std::vector<std::string> grouped;
    for (size_t i = 0; i < n;) {
      size_t run = 1 + rng() % (n - i);
      std::string merged;
      if (run == 1) {
        merged = operands[i];
      } else if (run == 2 && rng() % 2 == 0) {
        ASSERT_TRUE(op->PartialMerge("k", operands[i], operands[i + 1], &merged, nullptr));
      } else {
        std::deque<rocksdb::Slice> slices(operands.begin() + i, operands.begin() + i + run);
        ASSERT_TRUE(op->PartialMergeMulti("k", slices, &merged, nullptr));
      }
      grouped.push_back(merged);
      i += run;
    }
    std::string direct, via_groups;
    ASSERT_TRUE(FullMerge(*op, with_base ? &base : nullptr, operands, &direct));
    ASSERT_TRUE(FullMerge(*op, with_base ? &base : nullptr, grouped, &via_groups));
    EXPECT_EQ(Unpack(direct), expected) << "round " << round;
    EXPECT_EQ(Unpack(via_groups), expected) << "round " << round;
  }
}

TEST(ZeroValueFilterTest, DropsOnlyZeroFullValues) {
  const rocksdb::CompactionFilter* filter = ZeroValueCompactionFilter();
  using CF = rocksdb::CompactionFilter;
  std::string new_value, skip;
  std::string zero3 = Vec({0, 0, 0});
  std::string nonzero = Vec({0, 1, 0});
  EXPECT_EQ(filter->FilterV2(1, "k", CF::ValueType::kValue, zero3, &new_value, &skip),
            CF::Decision::kRemove);
  EXPECT_EQ(filter->FilterV2(1, "k", CF::ValueType::kValue, nonzero, &new_value, &skip),
            CF::Decision::kKeep);
  EXPECT_EQ(filter->FilterV2(1, "k", CF::ValueType::kMergeOperand, zero3, &new_value, &skip),
            CF::Decision::kKeep);
  EXPECT_EQ(filter->FilterV2(1, "k", CF::ValueType::kValue, "", &new_value, &skip),
            CF::Decision::kKeep);
}

}  // namespace
}  // namespace stc
