#include "pipeline/pending_table.h"

#include <algorithm>

namespace stc {

PendingTable::PendingTable() { slots_.assign(1 << 12, 0); }

namespace {

uint64_t Tag(uint64_t hash) { return hash & 0xffffffff00000000ull; }

}  // namespace

template <typename SameKey>
uint32_t PendingTable::Probe(uint64_t hash, SameKey same_key) const {
  const size_t mask = slots_.size() - 1;
  const uint64_t tag = Tag(hash);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint64_t s = slots_[i];
    if (s == 0) return 0;
    if ((s & 0xffffffff00000000ull) != tag) continue;
    const uint32_t index = static_cast<uint32_t>(s);
    const Entry& e = entries_[index - 1];
    if (e.hash == hash && same_key(Key(e))) return index;
  }
}

uint32_t PendingTable::FindIndex(std::string_view key, uint64_t hash) const {
  return Probe(hash, [key](std::string_view k) { return k == key; });
}

uint32_t PendingTable::FindIndex(char prefix, std::string_view rest, uint64_t hash) const {
  return Probe(hash, [prefix, rest](std::string_view k) {
    return k.size() == rest.size() + 1 && k[0] == prefix && k.substr(1) == rest;
  });
}

template <typename AppendKey>
PendingTable::Entry* PendingTable::Add(uint64_t hash, AppendKey append_key) {
  if ((entries_.size() + 1) * 4 > slots_.size() * 3) Grow();
  Entry e;
  e.hash = hash;
  e.key_off = arena_.size();
  append_key(&arena_);
  e.key_len = static_cast<uint32_t>(arena_.size() - e.key_off);
  entries_.push_back(e);
  size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = Tag(hash) | entries_.size();
  return &entries_.back();
}

PendingTable::Entry* PendingTable::Insert(std::string_view key, uint64_t hash) {
  return Add(hash, [key](LargeString* arena) { arena->append(key); });
}

PendingTable::Entry* PendingTable::Insert(char prefix, std::string_view rest, uint64_t hash) {
  return Add(hash, [prefix, rest](LargeString* arena) {
    arena->push_back(prefix);
    arena->append(rest);
  });
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
