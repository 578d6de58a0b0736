// A map from short ids (a Scopus entry's author ids, its affiliation ids) to
// small integers, for one entry at a time. The readers used to build an
// std::unordered_map<std::string, size_t> per entry: one heap node per author
// and per affiliation, about a tenth of a Scopus ingest's CPU. This one keeps
// its keys back to back in one buffer and probes a table of hashes; Clear()
// keeps the memory, so a parser thread allocates only while its largest entry
// grows.
//
// Not thread-safe: one per parser (parsers are per thread).
#ifndef STCLUSTER_PARSERS_ID_INDEX_H_
#define STCLUSTER_PARSERS_ID_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stc {

class IdIndex {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  // Forgets every id.
  void Clear();

  // The value of `id` when it is there; otherwise inserts it with `value`,
  // sets *inserted and returns `value`. The key is copied.
  uint32_t FindOrInsert(std::string_view id, uint32_t value, bool* inserted);

  // The value of `id`, or kMissing.
  uint32_t Find(std::string_view id) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t hash;
    uint32_t key_off, key_len;
    uint32_t value;
  };
  static constexpr size_t kMinSlots = 64;

  // The slot holding `id` (hash `h`), or the empty slot where it would go.
  size_t Probe(std::string_view id, uint64_t h) const;
  void Grow();

  std::vector<uint32_t> slots_;  // Index + 1 into entries_; 0 = empty. Size: a power of 2.
  std::vector<Entry> entries_;
  std::string keys_;  // The keys, back to back.
};

}  // namespace stc

#endif  // STCLUSTER_PARSERS_ID_INDEX_H_
