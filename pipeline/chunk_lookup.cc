#include "pipeline/chunk_lookup.h"

#include <algorithm>

#include "core/hash.h"
#include "core/record_codec.h"
#include "pipeline/key_filter.h"
#include "pipeline/work.h"
#include "stores/store.h"

namespace stc {
namespace {

// Looks up the keys of the items listed in w->lookup.items (in stream order)
// into w->lookup.stored, sets their fetch indices; see LookUpChunk.
void FetchItems(const Store& store, const KeyFilter* absent, Source source, Work* w);

}  // namespace

void SetStoreRecordKey(Source source, std::string_view key, std::string* full) {
  full->clear();
  full->push_back(static_cast<char>(source));
  full->append(key);
}

void LookUpChunk(const Store& store, const KeyFilter* absent, uint64_t epoch, Work* w,
                 bool trust_recognised) {
  ChunkLookup& l = w->lookup;
  l.done = true;
  l.epoch = epoch;
  l.status = Status::Ok();
  l.hashes.assign(w->n_items, 0);
  l.fetch.assign(w->n_items, 0);
  l.stored.clear();
  l.values.clear();
  l.items.clear();
  l.keys.clear();
  // As Writer::Write: a Work without a format (tests) holds PCT records.
  const Source source = w->format != nullptr ? w->format->source() : Source::kPct;
  size_t recognised = 0;
  for (size_t i = 0; i < w->n_items; ++i) {
    const Item& it = w->items[i];
    if (it.kind != Item::Kind::kRecord && it.kind != Item::Kind::kDelete) continue;
    SetStoreRecordKey(source, it.counted.key, &l.full);
    l.hashes[i] = MemoryHash64(l.full);
    if (trust_recognised && it.recognised) {
      ++recognised;
      continue;
    }
    l.items.push_back(static_cast<uint32_t>(i));
  }
  if (recognised > 0) {
    // Their states go after those of the keys fetched below (FetchItems
    // assigns `stored` for those); fetch indices are set once both are known.
    FetchItems(store, absent, source, w);
    for (size_t i = 0; i < w->n_items; ++i) {
      const Item& it = w->items[i];
      if (it.kind != Item::Kind::kRecord || !it.recognised) continue;
      ChunkLookup::Stored s;
      s.found = true;
      s.version = it.counted.version;
      s.fingerprint = it.fingerprint;
      s.unit_hash = it.counted.unit_hash;
      l.stored.push_back(s);
      l.fetch[i] = static_cast<uint32_t>(l.stored.size());
    }
    return;
  }
  FetchItems(store, absent, source, w);
}

namespace {

void FetchItems(const Store& store, const KeyFilter* absent, Source source, Work* w) {
  ChunkLookup& l = w->lookup;
  if (absent != nullptr) {
    // Keep the keys the filter may hold, fetching its lines a few keys ahead
    // of the one tested (a miss to memory per key and segment otherwise).
    constexpr size_t kAhead = 8;
    const size_t n = l.items.size();
    for (size_t j = 0; j < std::min(n, kAhead); ++j) absent->PrefetchLookUp(l.hashes[l.items[j]]);
    size_t kept = 0;
    for (size_t j = 0; j < n; ++j) {
      if (j + kAhead < n) absent->PrefetchLookUp(l.hashes[l.items[j + kAhead]]);
      const uint32_t i = l.items[j];
      if (absent->MayContainHash(l.hashes[i])) l.items[kept++] = i;
    }
    l.items.resize(kept);
  }
  if (l.items.empty()) return;
  // Sorted unique keys (one source per chunk: the record keys sort like the
  // store keys); items holding the same key share its stored state.
  const Item* items = w->items.data();
  l.order.clear();
  for (uint32_t i : l.items) l.order.push_back(ChunkLookup::SortKey::Of(items[i].counted.key, i));
  ChunkLookup::SortKey::Sort(
      &l.order, [items](uint32_t i) -> const std::string& { return items[i].counted.key; });
  l.key_start.clear();
  for (size_t j = 0; j < l.order.size(); ++j) {
    const uint32_t i = l.order[j].item;
    l.items[j] = i;
    std::string_view key = items[i].counted.key;
    if (l.keys.empty() || l.keys.back() != key) {
      l.keys.push_back(key);
      l.key_start.push_back(static_cast<uint32_t>(j));
    }
    l.fetch[i] = static_cast<uint32_t>(l.keys.size());
  }
  l.key_start.push_back(static_cast<uint32_t>(l.items.size()));
  l.stored.assign(l.keys.size(), ChunkLookup::Stored());
  l.status = store.ForEachStoredRecord(source, l.keys, [&](size_t k, std::string_view value) {
    ChunkLookup::Stored& s = l.stored[k];
    s.found = true;
    s.fingerprint = FingerprintEncoded(value);
    s.unit_hash = PeekUnitHash(value);
    int32_t year;
    if (!PeekYearVersion(value, &year, &s.version)) {
      return Status::Corruption("store " + store.dir() + ": malformed stored record");
    }
    // The writer reads a stored value only to take an old version's counts
    // back: for a deletion, or a copy whose content differs. Unchanged
    // duplicates (all of a re-read) leave it uncopied.
    bool needed = false;
    for (uint32_t j = l.key_start[k]; j < l.key_start[k + 1] && !needed; ++j) {
      const Item& it = items[l.items[j]];
      needed = it.kind == Item::Kind::kDelete || it.fingerprint != s.fingerprint;
    }
    if (needed) {
      s.value_kept = true;
      s.value_off = l.values.size();
      s.value_len = value.size();
      l.values.append(value);
    }
    return Status::Ok();
  });
}

}  // namespace
}  // namespace stc
