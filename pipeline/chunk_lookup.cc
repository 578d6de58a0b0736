#include "pipeline/chunk_lookup.h"

#include <algorithm>

#include "core/hash.h"
#include "core/record_codec.h"
#include "pipeline/key_filter.h"
#include "pipeline/work.h"
#include "stores/store.h"

namespace stc {

void SetStoreRecordKey(Source source, std::string_view key, std::string* full) {
  full->clear();
  full->push_back(static_cast<char>(source));
  full->append(key);
}

void LookUpChunk(const Store& store, const KeyFilter* absent, uint64_t epoch, Work* w) {
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
  for (size_t i = 0; i < w->n_items; ++i) {
    const Item& it = w->items[i];
    if (it.kind != Item::Kind::kRecord && it.kind != Item::Kind::kDelete) continue;
    SetStoreRecordKey(source, it.counted.key, &l.full);
    l.hashes[i] = Hash64(l.full);
    if (absent != nullptr && !absent->MayContainHash(l.hashes[i])) continue;
    l.items.push_back(static_cast<uint32_t>(i));
  }
  if (l.items.empty()) return;
  // Sorted unique keys (one source per chunk: the record keys sort like the
  // store keys); items holding the same key share its stored state.
  const Item* items = w->items.data();
  std::sort(l.items.begin(), l.items.end(), [items](uint32_t a, uint32_t b) {
    return items[a].counted.key < items[b].counted.key;
  });
  for (uint32_t i : l.items) {
    std::string_view key = items[i].counted.key;
    if (l.keys.empty() || l.keys.back() != key) l.keys.push_back(key);
    l.fetch[i] = static_cast<uint32_t>(l.keys.size());
  }
  l.stored.assign(l.keys.size(), ChunkLookup::Stored());
  l.status = store.ForEachStoredRecord(source, l.keys, [&](size_t k, std::string_view value) {
    ChunkLookup::Stored& s = l.stored[k];
    s.found = true;
    s.fingerprint = FingerprintEncoded(value);
    int32_t year;
    if (!PeekYearVersion(value, &year, &s.version)) {
      return Status::Corruption("store " + store.dir() + ": malformed stored record");
    }
    s.value_off = l.values.size();
    s.value_len = value.size();
    l.values.append(value);
    return Status::Ok();
  });
}

}  // namespace stc
