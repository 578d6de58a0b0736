// The cluster map: which rounded-location cell belongs to which cluster, the
// clusters' names and economies, and how the map was made.
//
// A map is made by delineation (delineate.h) or read from a file made
// elsewhere; it is kept versioned in the store (map_store.h) and every
// cluster-level output resolves cells through it. Its text encoding (the
// file format, also the value stored in the store) is documented in
// docs/clusters.md:
//
//   stcluster-clusters,1
//   grid_deg,0.01
//   edition,gii2024
//   settings,"grid_deg=0.01 merge_km=12 ..."
//   fingerprint,9f86d081884c7d65
//   origin,delineate
//   cluster,1,Tokyo–Yokohama,JP,0
//   cluster,2,"San Jose–San Francisco, CA",US,1
//   cell,35.68,139.77,1
//
// Plain values; thread-compatible (const methods are safe concurrently).
#ifndef STCLUSTER_CLUSTER_CLUSTER_MAP_H_
#define STCLUSTER_CLUSTER_CLUSTER_MAP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/grid.h"
#include "core/status.h"

namespace stc::cluster {

struct ClusterInfo {
  int32_t id = 0;            // >= 1.
  std::string name;          // "Osaka–Kobe–Kyoto"; may be empty in an imported file.
  std::string economy;       // "CN/HK"; may be empty in an imported file.
  bool name_pinned = false;  // Set by an overrides file or an imported name: never recomputed.
  // Footprint summary, derived from the cells (ComputeFootprints).
  int64_t cells = 0;
  int32_t centre_lat_e5 = 0;  // Spherical mean of the cell centres.
  int32_t centre_lon_e5 = 0;
  double radius_km = 0;  // Largest distance from the centre to a cell centre.
};

struct ClusterMap {
  uint64_t version = 0;  // Store version; 0 = not stored.
  int32_t grid_step_e5 = 1000;
  std::string edition;                          // Edition it was delineated for ("" when unknown).
  std::string settings;                         // Edition::Settings() of the delineation.
  uint64_t fingerprint = 0;                     // Hash of the aggregates used (0 = unknown).
  std::string origin;                           // "delineate" or "file:PATH".
  std::vector<ClusterInfo> clusters;            // Sorted by id, ids unique.
  std::vector<std::pair<Cell, int32_t>> cells;  // Sorted by cell, unique; cluster ids.

  // The cluster of `cell` (on this map's grid), 0 when none. O(log n).
  int32_t ClusterOfCell(const Cell& cell) const;
  // The cluster of the cell holding the point (snapped to this map's grid).
  int32_t ClusterAt(int32_t lat_e5, int32_t lon_e5) const;
  // The cluster with this id, or nullptr.
  const ClusterInfo* Find(int32_t id) const;
  ClusterInfo* Find(int32_t id);
  // Recomputes every cluster's footprint summary from `cells`.
  void ComputeFootprints();
};

// An index of a map's cells, for scans that look up every cell or point of
// a store (ClusterMap::ClusterOfCell is a binary search: at 20M records, a
// fifth of a profile's time). The cells are cut into tiles of 64 x 64; a
// tile holding many cluster cells (a cluster's core) is dense: found through
// a small table of tiles, it keeps its cells' ids as indexes into the tile's
// own palette of distinct ids, packed in as few bits as the palette needs
// (0 bits for a tile inside one cluster, 1 for a cluster's edge, up to 16).
// Nearby points read nearby memory, and the tiles of a large map stay in the
// CPU's caches (980 dense tiles of a 0.01-degree map: 0.5 MB, against 8 MB
// as 16-bit ids). The cells of other tiles go into a hash table. A copy of
// the map's cells: later changes to the map are not seen. Thread-compatible.
class CellIndex {
 public:
  explicit CellIndex(const ClusterMap& map);
  // As map.ClusterOfCell(cell): the cluster of `cell` (on the map's grid), 0
  // when none. O(1) expected.
  int32_t ClusterOfCell(const Cell& cell) const;
  // As map.ClusterAt(lat_e5, lon_e5).
  int32_t ClusterAt(int32_t lat_e5, int32_t lon_e5) const {
    return ClusterOfCell(grid_.CellOf(lat_e5, lon_e5));
  }
  // Tiles kept dense, and the bytes of their packed indexes (for tests and
  // benchmarks).
  size_t dense_tiles() const { return tiles_.size(); }
  size_t dense_bytes() const { return packed_.size() * sizeof(uint64_t) - sizeof(uint64_t); }

 private:
  static constexpr int kTileBits = 6;  // Tiles of 64 x 64 cells.
  static constexpr int32_t kTileMask = (1 << kTileBits) - 1;
  static constexpr size_t kTileCells = size_t{1} << (2 * kTileBits);

  // A dense tile: cell i's id is palette_[palette + index], where index is
  // the `bits`-bit field at bit i * bits of packed_, from word `word` on.
  // A palette of one id takes 0 bits (word 0, the zero word; mask 0).
  struct Tile {
    uint32_t word = 0;
    uint32_t palette = 0;
    uint32_t bits = 0;
    uint32_t mask = 0;
  };

  static uint64_t Pack(const Cell& c) {
    return (uint64_t{static_cast<uint32_t>(c.lat_idx)} << 32) | static_cast<uint32_t>(c.lon_idx);
  }
  static Cell TileOf(const Cell& c) {  // Arithmetic shifts: floor for negative indices.
    return Cell{c.lat_idx >> kTileBits, c.lon_idx >> kTileBits};
  }
  static size_t InTile(const Cell& c) {
    return (static_cast<size_t>(c.lat_idx & kTileMask) << kTileBits) |
           static_cast<size_t>(c.lon_idx & kTileMask);
  }
  static size_t Slot(uint64_t key, int shift) {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift);
  }
  // The dense tile holding `cell`, or null.
  const Tile* DenseTileOf(const Cell& cell) const {
    const uint64_t key = Pack(TileOf(cell));
    const size_t mask = tile_blocks_.size() - 1;
    for (size_t i = Slot(key, tile_shift_);; i = (i + 1) & mask) {
      const uint32_t b = tile_blocks_[i];
      if (b == 0) return nullptr;
      if (tile_keys_[i] == key) return &tiles_[b - 1];
    }
  }

  Grid grid_;
  // Dense tiles: packed tile -> index in tiles_ + 1 (0 = empty slot), linear
  // probing.
  int tile_shift_ = 63;
  std::vector<uint64_t> tile_keys_;
  std::vector<uint32_t> tile_blocks_;
  std::vector<Tile> tiles_;
  std::vector<uint64_t> packed_;  // Word 0 is zero; then the tiles' indexes.
  std::vector<int32_t> palette_;  // Each tile's distinct ids (0 = none), sorted.
  // The cells of the other tiles: packed cell -> id (0 = empty slot).
  int shift_ = 63;              // 64 - log2(slots).
  std::vector<uint64_t> keys_;  // Packed cells; linear probing.
  std::vector<int32_t> ids_;    // 0 = empty slot (cluster ids are >= 1).
};

// The text encoding (deterministic: same map, same bytes).
std::string EncodeClusterMap(const ClusterMap& map);

// Parses the text encoding. `default_grid_e5` applies when the text has no
// grid_deg row; `what` names the source in errors ("file clusters.csv").
// Cell coordinates are snapped to the grid. DataError, naming the line, for:
// a missing or unknown header, a malformed row, a bad coordinate, a cluster
// id < 1 or repeated, one cell given two different clusters, an unknown row
// type. A cell of a cluster without a cluster row creates that cluster with
// an empty name. Footprints are computed.
Result<ClusterMap> ParseClusterMap(std::string_view text, int32_t default_grid_e5,
                                   std::string_view what);

// Parses a decimal number of degrees ("35.68", "-0.5", "139") into 1e-5
// degrees, rounding half away from zero beyond five decimals. False on
// malformed text or |value| > limit_deg.
bool ParseDegreesE5(std::string_view text, int32_t limit_deg, int32_t* out);

// Splits one CSV line (RFC 4180 quoting; no embedded newlines) into fields.
// False on an unterminated quote.
bool SplitCsvLine(std::string_view line, std::vector<std::string>* fields);
// Quotes a CSV field when it holds a comma, quote, CR or LF.
std::string CsvField(std::string_view v);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_CLUSTER_MAP_H_
