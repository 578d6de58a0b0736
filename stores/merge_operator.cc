#include "stores/merge_operator.h"

#include <rocksdb/env.h>

#include <cstdint>

#include "stores/keys.h"

namespace stc {
namespace {

void LogBadWidth(rocksdb::Logger* logger, const rocksdb::Slice& key, size_t width,
                 size_t expected) {
  if (logger == nullptr) return;
  rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, logger,
               "%s: malformed operand for key %s: %zu bytes (expected %zu, a non-zero "
               "multiple of 8)",
               kInt64VectorAddName, key.ToString(/*hex=*/true).c_str(), width, expected);
}

class Int64VectorAddOperator : public rocksdb::MergeOperator {
 public:
  const char* Name() const override { return kInt64VectorAddName; }

  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    std::string& acc = out->new_value;
    acc.clear();
    if (in.existing_value != nullptr) {
      if (!AddInt64Vector(ToView(*in.existing_value), &acc)) {
        LogBadWidth(in.logger, in.key, in.existing_value->size(), acc.size());
        return false;
      }
    }
    for (const rocksdb::Slice& op : in.operand_list) {
      if (!AddInt64Vector(ToView(op), &acc)) {
        LogBadWidth(in.logger, in.key, op.size(), acc.size());
        return false;
      }
    }
    return true;
  }

  bool PartialMerge(const rocksdb::Slice& key, const rocksdb::Slice& left,
                    const rocksdb::Slice& right, std::string* new_value,
                    rocksdb::Logger* logger) const override {
    new_value->clear();
    if (!AddInt64Vector(ToView(left), new_value) || !AddInt64Vector(ToView(right), new_value)) {
      LogBadWidth(logger, key, left.size() == right.size() ? left.size() : right.size(),
                  left.size());
      return false;
    }
    return true;
  }

  bool PartialMergeMulti(const rocksdb::Slice& key, const std::deque<rocksdb::Slice>& operands,
                         std::string* new_value, rocksdb::Logger* logger) const override {
    new_value->clear();
    for (const rocksdb::Slice& op : operands) {
      if (!AddInt64Vector(ToView(op), new_value)) {
        LogBadWidth(logger, key, op.size(), new_value->size());
        return false;
      }
    }
    return true;
  }

 private:
  static std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
};

class ZeroValueFilter : public rocksdb::CompactionFilter {
 public:
  const char* Name() const override { return "stc.DropZeroInt64Vectors"; }

  Decision FilterV2(int /*level*/, const rocksdb::Slice& /*key*/, ValueType value_type,
                    const rocksdb::Slice& existing_value, std::string* /*new_value*/,
                    std::string* /*skip_until*/) const override {
    // Only fully merged values: dropping an operand would lose its delta.
    if (value_type == ValueType::kValue && !existing_value.empty() &&
        store_keys::IsAllZero({existing_value.data(), existing_value.size()})) {
      return Decision::kRemove;
    }
    return Decision::kKeep;
  }
};

}  // namespace

bool AddInt64Vector(std::string_view operand, std::string* acc) {
  if (operand.empty() || operand.size() % 8 != 0) return false;
  if (acc->empty()) {
    acc->assign(operand);
    return true;
  }
  if (acc->size() != operand.size()) return false;
  char* out = acc->data();
  for (size_t i = 0; i < operand.size(); i += 8) {
    // Unsigned addition: wraps modulo 2^64 instead of signed-overflow UB.
    uint64_t sum = static_cast<uint64_t>(store_keys::LoadInt64Le(out + i)) +
                   static_cast<uint64_t>(store_keys::LoadInt64Le(operand.data() + i));
    store_keys::StoreInt64Le(out + i, static_cast<int64_t>(sum));
  }
  return true;
}

std::shared_ptr<rocksdb::MergeOperator> NewInt64VectorAddOperator() {
  return std::make_shared<Int64VectorAddOperator>();
}

const rocksdb::CompactionFilter* ZeroValueCompactionFilter() {
  static const ZeroValueFilter* const kFilter = new ZeroValueFilter();  // Never destroyed.
  return kFilter;
}

}  // namespace stc
