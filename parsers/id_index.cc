#include "parsers/id_index.h"

#include "core/hash.h"

namespace stc {

void IdIndex::Clear() {
  entries_.clear();
  keys_.clear();
  // A large entry grew the table: shrink it back (the capacity stays), so
  // that clearing after every entry costs little.
  slots_.assign(kMinSlots, 0);
}

size_t IdIndex::Probe(std::string_view id, uint64_t h) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const uint32_t s = slots_[i];
    if (s == 0) return i;
    const Entry& e = entries_[s - 1];
    if (e.hash == h && std::string_view(keys_).substr(e.key_off, e.key_len) == id) return i;
  }
}

uint32_t IdIndex::Find(std::string_view id) const {
  if (entries_.empty()) return kMissing;
  const uint32_t s = slots_[Probe(id, MemoryHash64(id))];
  return s == 0 ? kMissing : entries_[s - 1].value;
}

uint32_t IdIndex::FindOrInsert(std::string_view id, uint32_t value, bool* inserted) {
  *inserted = false;
  if (slots_.empty()) slots_.assign(kMinSlots, 0);
  const uint64_t h = MemoryHash64(id);
  size_t slot = Probe(id, h);
  if (slots_[slot] != 0) return entries_[slots_[slot] - 1].value;
  // At most half full: probes stay short.
  if (2 * (entries_.size() + 1) > slots_.size()) {
    Grow();
    slot = Probe(id, h);
  }
  entries_.push_back(
      Entry{h, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(id.size()), value});
  keys_.append(id);
  slots_[slot] = static_cast<uint32_t>(entries_.size());
  *inserted = true;
  return value;
}

void IdIndex::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (size_t k = 0; k < entries_.size(); ++k) {
    size_t i = entries_[k].hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<uint32_t>(k + 1);
  }
}

}  // namespace stc
