#include "pipeline/contributions.h"

#include "core/hash.h"

namespace stc {

size_t AggregateKeyHash::operator()(const AggregateKey& k) const {
  uint64_t h = static_cast<uint64_t>(k.source) * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<uint64_t>(static_cast<uint32_t>(k.year)) * 0xC2B2AE3D27D4EB4FULL;
  h ^= (static_cast<uint64_t>(static_cast<uint32_t>(k.cell.lat_idx)) << 32 |
        static_cast<uint32_t>(k.cell.lon_idx)) *
       0x165667B19E3779F9ULL;
  h ^= (static_cast<uint64_t>(static_cast<uint8_t>(k.country[0])) << 8 |
        static_cast<uint8_t>(k.country[1])) *
       0x27D4EB2F165667C5ULL;
  if (!k.field.empty()) h ^= Hash64(k.field);
  return static_cast<size_t>(h ^ (h >> 29));
}

void DeltaMap::Add(const CountedRecord& record, int sign, const Grid& grid) {
  AggregateKey key;
  key.source = record.source;
  key.year = record.year;
  key.field = record.field;
  for (const WeightedPoint& p : record.points) {
    key.cell = grid.CellOf(p.lat_e5, p.lon_e5);
    key.country[0] = p.country[0];
    key.country[1] = p.country[1];
    cells_[key] += sign * p.units;
  }
  TotalsDelta& t =
      totals_[static_cast<uint32_t>(record.source) << 16 | static_cast<uint16_t>(record.year)];
  t.world += sign * kUnit;
  t.unlocated += sign * record.unlocated;
  t.records += sign;
}

void DeltaMap::Flush(StoreBatch* batch) {
  for (const auto& [key, units] : cells_) {
    if (units != 0) batch->AddAggregate(key, units);
  }
  for (const auto& [sy, t] : totals_) {
    if (t.world != 0 || t.unlocated != 0 || t.records != 0) {
      batch->AddTotals(static_cast<Source>(sy >> 16), static_cast<int32_t>(sy & 0xffff), t.world,
                       t.unlocated, t.records);
    }
  }
  cells_.clear();
  totals_.clear();
}

}  // namespace stc
