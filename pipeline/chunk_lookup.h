// The stored state of one chunk's record keys, looked up in one batch: what
// the writer's dedup needs from the store (found, version, fingerprint, the
// value for a replaced or deleted record). Internal to pipeline/.
//
// The parse threads fill it (Writer::LookUp) so that the store reads run in
// parallel, off the serial writer; the writer uses it when it is still
// valid and otherwise fills it again itself (see Writer::LookUp).
#ifndef STCLUSTER_PIPELINE_CHUNK_LOOKUP_H_
#define STCLUSTER_PIPELINE_CHUNK_LOOKUP_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/compact_key.h"
#include "core/record.h"
#include "core/status.h"

namespace stc {

class KeyFilter;
class Store;
struct Work;

struct ChunkLookup {
  struct Stored {
    bool found = false;
    int32_t version = 0;
    uint64_t fingerprint = 0;
    uint64_t unit_hash = 0;  // PeekUnitHash of the stored value.
    // The stored value is in `values` only when an item of the chunk with
    // this key may need it: a deletion, or a copy with another fingerprint
    // (the writer takes the old version's counts back from it).
    bool value_kept = false;
    size_t value_off = 0;  // Of the stored value in `values`.
    size_t value_len = 0;
  };
  // Keys sorted by their first 16 bytes as two numbers, and whole keys only
  // on a tie (keys share long prefixes such as "PCT/JP2014/"): bytewise key
  // order, as the store's.
  struct SortKey {
    uint64_t hi = 0, lo = 0;  // The key's first 16 bytes, big-endian, zero-padded.
    uint32_t item = 0;

    static SortKey Of(std::string_view key, uint32_t item) {
      SortKey k;
      k.item = item;
      for (size_t b = 0; b < 16; ++b) {
        const uint64_t byte = b < key.size() ? static_cast<unsigned char>(key[b]) : 0u;
        (b < 8 ? k.hi : k.lo) |= byte << (8 * (7 - b % 8));
      }
      return k;
    }
    // Sorts `keys` (made by Of) by key; key_of(item) gives an item's key.
    // Keys of up to 24 bytes go through a radix sort of their compact keys
    // when there are enough of them (RadixSort), others through std::sort.
    template <typename KeyOf>
    static void Sort(std::vector<SortKey>* keys, KeyOf key_of) {
      if (keys->size() >= kRadixMin &&
          RadixSort(keys, [&](uint32_t item) { return std::string_view(key_of(item)); })) {
        return;
      }
      std::sort(keys->begin(), keys->end(), [&](const SortKey& a, const SortKey& b) {
        if (a.hi != b.hi) return a.hi < b.hi;
        if (a.lo != b.lo) return a.lo < b.lo;
        return key_of(a.item) < key_of(b.item);
      });
    }
    static constexpr size_t kRadixMin = 512;
    // Sorts `keys` by a radix sort of each key's 24 bytes (zero-padded) and
    // length as a compact key (core/compact_key.h; a chunk's application
    // numbers vary in a few bits of a few bytes) and returns true; false,
    // nothing changed, when a key is longer or the varying bits exceed 64.
    // (Inline: the fuzzers' read stage links without this module's store
    // look-ups.)
    static bool RadixSort(std::vector<SortKey>* keys,
                          const std::function<std::string_view(uint32_t)>& key_of);
  };
  bool done = false;   // Filled for the chunk the Work now holds.
  uint64_t epoch = 0;  // The writer's epoch when the look-up began (Writer::LookUp).
  // Set by ParseWork: the chunk has recognised items (Item::recognised), and
  // the writer's epoch before the store read that recognised them.
  bool has_recognised = false;
  uint64_t recognised_epoch = 0;
  Status status;  // Of the look-up (a store error, a malformed stored record).
  // Per item (records and deletions; 0 for the others): MemoryHash64 of the store
  // record key (source byte + key).
  std::vector<uint64_t> hashes;
  // Per item: index + 1 into `stored`; 0 when not looked up (certainly not
  // stored: the filter said so).
  std::vector<uint32_t> fetch;
  std::vector<Stored> stored;  // Per distinct key looked up, in key order.
  std::string values;          // The stored values kept (Stored::value_kept), back to back.

  std::string_view Value(const Stored& s) const {
    return std::string_view(values).substr(s.value_off, s.value_len);
  }

  // Scratch.
  std::vector<uint32_t> items;         // Items looked up, sorted by key.
  std::vector<SortKey> order;          // For sorting them.
  std::vector<std::string_view> keys;  // Their keys, unique.
  std::vector<uint32_t> key_start;     // Per key: its first position in `items`; then the end.
  std::string full;
};

// The store record key: source byte + key.
void SetStoreRecordKey(Source source, std::string_view key, std::string* full);

inline bool ChunkLookup::SortKey::RadixSort(
    std::vector<SortKey>* keys, const std::function<std::string_view(uint32_t)>& key_of) {
  // Per thread, reused: a chunk's keys, twice (the sort's two buffers), and
  // the keys in their new order.
  thread_local std::vector<KeyedItem> room;
  thread_local std::vector<SortKey> sorted;
  const size_t n = keys->size();
  room.resize(2 * n);
  const unsigned char* order = RadixSortShortStrings(
      n, [&](size_t i) { return key_of((*keys)[i].item); },
      reinterpret_cast<unsigned char*>(room.data()));
  if (order == nullptr) return false;
  sorted.resize(n);
  for (size_t i = 0; i < n; ++i) sorted[i] = (*keys)[LoadKeyed(order, i).payload];
  std::copy(sorted.begin(), sorted.end(), keys->begin());
  return true;
}

// Fills w->lookup for w's records and deletions: every key is hashed, and
// looked up in `store` unless `absent` (may be null) says it is certainly not
// there. With `trust_recognised`, a recognised item is not looked up again:
// its stored state is its own (found, its version, fingerprint and unit
// hash), as the store held it when it was recognised (pass an `epoch` no
// later than w->lookup.recognised_epoch). Thread-safe for distinct Works
// (the store's reads are).
void LookUpChunk(const Store& store, const KeyFilter* absent, uint64_t epoch, Work* w,
                 bool trust_recognised = false);

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_CHUNK_LOOKUP_H_
