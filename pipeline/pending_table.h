// The writer's buffer of record states not yet written to the store: an
// open-addressing hash table over an append-only byte arena, so buffering a
// record costs no allocation of its own (keys and values live in the arena).
// Not thread-safe.
#ifndef STCLUSTER_PIPELINE_PENDING_TABLE_H_
#define STCLUSTER_PIPELINE_PENDING_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stc {

class PendingTable {
 public:
  struct Entry {
    uint64_t hash = 0;
    uint64_t key_off = 0;
    uint64_t val_off = 0;
    uint32_t key_len = 0;
    uint32_t val_len = 0;
    int32_t version = 0;
    uint64_t fingerprint = 0;
    bool exists = false;  // false: deleted.
  };

  PendingTable();

  // The entry for `key` (hash = Hash64(key)), or null.
  Entry* Find(std::string_view key, uint64_t hash);
  // Adds an entry for an absent `key`; its value is empty until SetValue.
  // Pointers returned earlier stay valid only until the next Insert.
  Entry* Insert(std::string_view key, uint64_t hash);
  // Replaces the value (the old bytes stay in the arena until Clear).
  void SetValue(Entry* e, std::string_view value);

  std::string_view Key(const Entry& e) const { return {arena_.data() + e.key_off, e.key_len}; }
  std::string_view Value(const Entry& e) const { return {arena_.data() + e.val_off, e.val_len}; }

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  // Approximate memory held, for the flush budget.
  size_t bytes() const {
    return arena_.size() + entries_.capacity() * sizeof(Entry) + slots_.size() * sizeof(uint32_t);
  }
  void Clear();

 private:
  void Grow();

  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;  // Entry index + 1; 0 = empty. Size is a power of 2.
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_PENDING_TABLE_H_
