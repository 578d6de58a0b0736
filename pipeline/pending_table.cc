#include "pipeline/pending_table.h"

#include <algorithm>

namespace stc {

PendingTable::PendingTable() { slots_.assign(1 << 12, 0); }

namespace {

uint64_t Tag(uint64_t hash) { return hash & 0xffffffff00000000ull; }

}  // namespace

uint32_t PendingTable::FindIndex(std::string_view key, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  const uint64_t tag = Tag(hash);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint64_t s = slots_[i];
    if (s == 0) return 0;
    if ((s & 0xffffffff00000000ull) != tag) continue;
    const uint32_t index = static_cast<uint32_t>(s);
    const Entry& e = entries_[index - 1];
    if (e.hash == hash && Key(e) == key) return index;
  }
}

PendingTable::Entry* PendingTable::Insert(std::string_view key, uint64_t hash) {
  if ((entries_.size() + 1) * 4 > slots_.size() * 3) Grow();
  Entry e;
  e.hash = hash;
  e.key_off = arena_.size();
  e.key_len = static_cast<uint32_t>(key.size());
  arena_.append(key);
  entries_.push_back(e);
  size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = Tag(hash) | entries_.size();
  return &entries_.back();
}

void PendingTable::SetValue(Entry* e, std::string_view value) {
  e->val_off = arena_.size();
  e->val_len = static_cast<uint32_t>(value.size());
  arena_.append(value);
}

void PendingTable::Grow() {
  LargeVector<uint64_t> bigger(slots_.size() * 2, 0);
  size_t mask = bigger.size() - 1;
  for (size_t k = 0; k < entries_.size(); ++k) {
    size_t i = entries_[k].hash & mask;
    while (bigger[i] != 0) i = (i + 1) & mask;
    bigger[i] = Tag(entries_[k].hash) | (k + 1);
  }
  slots_.swap(bigger);
}

void PendingTable::Reserve(size_t bytes) {
  arena_.reserve(bytes);
  entries_.reserve(bytes / (sizeof(Entry) + 2 * sizeof(uint64_t)));
}

void PendingTable::Clear() {
  arena_.clear();
  entries_.clear();
  // Keeps the table's size: the next buffer fills it about as far (no
  // re-growing, no fresh pages).
  std::fill(slots_.begin(), slots_.end(), 0);
}

}  // namespace stc
