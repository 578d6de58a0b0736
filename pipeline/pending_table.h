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

#include "core/large_alloc.h"

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

  // The index + 1 of the entry for `key` (hash = MemoryHash64(key)), or 0 when
  // absent. Indexes stay valid until Clear (pointers only until Insert).
  uint32_t FindIndex(std::string_view key, uint64_t hash) const;
  // The same for the key `prefix` + `rest` (a store record key: source byte,
  // then the record's key), without building it.
  uint32_t FindIndex(char prefix, std::string_view rest, uint64_t hash) const;
  // The entry for `key` (hash = MemoryHash64(key)), or null.
  Entry* Find(std::string_view key, uint64_t hash) {
    uint32_t i = FindIndex(key, hash);
    return i == 0 ? nullptr : &entries_[i - 1];
  }
  Entry& at(uint32_t index) { return entries_[index]; }
  const Entry& at(uint32_t index) const { return entries_[index]; }
  // Hints the CPU to load the slot `hash` starts probing at (batched
  // look-ups: the table is larger than the caches).
  void Prefetch(uint64_t hash) const {
    __builtin_prefetch(slots_.data() + (hash & (slots_.size() - 1)));
  }
  // Adds an entry for an absent `key`; its value is empty until SetValue.
  // Pointers returned earlier stay valid only until the next Insert.
  Entry* Insert(std::string_view key, uint64_t hash);
  // The same for the key `prefix` + `rest`.
  Entry* Insert(char prefix, std::string_view rest, uint64_t hash);
  // Replaces the value (the old bytes stay in the arena until Clear).
  void SetValue(Entry* e, std::string_view value);

  std::string_view Key(const Entry& e) const { return {arena_.data() + e.key_off, e.key_len}; }
  std::string_view Value(const Entry& e) const { return {arena_.data() + e.val_off, e.val_len}; }

  const LargeVector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  // Approximate memory used by the entries held, for the flush budget (not
  // the capacity kept after Clear, which the next fill reuses: counting it
  // would trigger a flush after every chunk).
  size_t bytes() const {
    return arena_.size() + entries_.size() * (sizeof(Entry) + 2 * sizeof(uint64_t));
  }
  void Clear();
  // Room for entries and arena up to about `bytes` (as counted by bytes()),
  // so that filling that far never reallocates. Large reservations are
  // mapped, not touched (core/large_alloc.h): they cost no memory until used.
  void Reserve(size_t bytes);

 private:
  void Grow();
  // The index + 1 of the entry with `hash` whose key `same_key` accepts, or 0.
  template <typename SameKey>
  uint32_t Probe(uint64_t hash, SameKey same_key) const;
  // Adds an entry whose key `append_key` appends to the arena.
  template <typename AppendKey>
  Entry* Add(uint64_t hash, AppendKey append_key);

  // Large buffers (core/large_alloc.h): written once, kept across Clear.
  LargeString arena_;
  LargeVector<Entry> entries_;
  // Slot: the hash's high 32 bits (a tag: most probes of other keys are
  // rejected without touching their entry) << 32 | entry index + 1; 0 =
  // empty. Size is a power of 2; a key starts probing at hash & (size - 1).
  LargeVector<uint64_t> slots_;
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_PENDING_TABLE_H_
