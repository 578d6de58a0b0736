#include "cluster/cluster_map.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <unordered_map>

#include "cluster/geo_math.h"
#include "core/csv.h"

namespace stc::cluster {
namespace {

constexpr char kHeader[] = "stcluster-clusters";
constexpr char kFormatVersion[] = "1";

std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

bool ParseHex64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

bool ParseInt(std::string_view s, int64_t lo, int64_t hi, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  if (s[0] == '-') v = -v;
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace

bool SplitCsvLine(std::string_view line, std::vector<std::string>* fields) {
  fields->clear();
  std::string cur;
  size_t i = 0;
  while (true) {
    cur.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cur.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cur.push_back(line[i++]);
      }
      while (i < line.size() && line[i] != ',') cur.push_back(line[i++]);  // Lenient tail.
    } else {
      while (i < line.size() && line[i] != ',') cur.push_back(line[i++]);
    }
    fields->push_back(cur);
    if (i >= line.size()) return true;
    ++i;  // Skip the comma.
  }
}

std::string CsvField(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool ParseDegreesE5(std::string_view t, int32_t limit_deg, int32_t* out) {
  bool neg = false;
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) neg = t[i++] == '-';
  int64_t whole = 0;
  size_t digits = 0;
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++digits) {
    whole = whole * 10 + (t[i] - '0');
    if (whole > 1000) return false;
  }
  int64_t frac = 0;
  int frac_digits = 0;
  bool round_up = false;
  if (i < t.size() && t[i] == '.') {
    ++i;
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++digits) {
      if (frac_digits < 5) {
        frac = frac * 10 + (t[i] - '0');
        ++frac_digits;
      } else if (frac_digits == 5) {
        round_up = t[i] >= '5';
        ++frac_digits;
      }
    }
  }
  if (digits == 0 || i != t.size()) return false;
  for (int k = std::min(frac_digits, 5); k < 5; ++k) frac *= 10;
  int64_t v = whole * 100000 + frac + (round_up ? 1 : 0);
  if (v > static_cast<int64_t>(limit_deg) * 100000) return false;
  *out = static_cast<int32_t>(neg ? -v : v);
  return true;
}

int32_t ClusterMap::ClusterOfCell(const Cell& cell) const {
  auto it = std::lower_bound(cells.begin(), cells.end(), cell,
                             [](const auto& e, const Cell& c) { return e.first < c; });
  return it != cells.end() && it->first == cell ? it->second : 0;
}

namespace {

// Tiles with at least this many cluster cells (1 in 64) are dense, the
// densest first, up to kMaxDenseBytes of packed indexes: at worst 2 bytes a
// cell (a palette of more than 256 ids) against about 24 in the hash table,
// bounded.
constexpr size_t kDenseMinCells = 64;
constexpr size_t kMaxDenseBytes = size_t{64} << 20;

// Slots for `n` keys at most half full: log2 of the count.
int SlotBits(size_t n) {
  int bits = 1;
  while ((size_t{1} << bits) < 2 * n) ++bits;
  return bits;
}

// Bits of an index into a palette of `n` ids: 0, 1, 2, 4, 8 or 16 (fields
// never straddle two 64-bit words).
uint32_t IndexBits(size_t n) {
  uint32_t bits = 0;
  while ((size_t{1} << bits) < n) bits = bits == 0 ? 1 : 2 * bits;
  return bits;
}

}  // namespace

CellIndex::CellIndex(const ClusterMap& map) : grid_(map.grid_step_e5) {
  // Cluster cells per tile; the tiles with enough of them, densest first.
  std::unordered_map<uint64_t, size_t> per_tile;
  for (const auto& [cell, id] : map.cells) {
    if (id != 0) ++per_tile[Pack(TileOf(cell))];
  }
  std::vector<std::pair<size_t, Cell>> dense;  // (cells, tile)
  for (const auto& [tile, n] : per_tile) {
    if (n >= kDenseMinCells) {
      dense.emplace_back(n, Cell{static_cast<int32_t>(tile >> 32), static_cast<int32_t>(tile)});
    }
  }
  std::sort(dense.begin(), dense.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  // Each candidate's cells (position in the tile, id).
  std::unordered_map<uint64_t, size_t> candidate;
  for (size_t k = 0; k < dense.size(); ++k) candidate[Pack(dense[k].second)] = k;
  std::vector<std::vector<std::pair<uint32_t, int32_t>>> members(dense.size());
  for (const auto& [cell, id] : map.cells) {
    if (id == 0) continue;  // Not in a cluster: the same as absent.
    auto it = candidate.find(Pack(TileOf(cell)));
    if (it != candidate.end()) {
      members[it->second].emplace_back(static_cast<uint32_t>(InTile(cell)), id);
    }
  }
  // The candidates whose packed indexes fit the cap, with their palettes.
  packed_.assign(1, 0);
  std::vector<std::pair<Cell, size_t>> kept;  // (tile, index in tiles_)
  size_t bytes = 0;
  for (size_t k = 0; k < dense.size(); ++k) {
    std::vector<int32_t> palette;
    palette.reserve(members[k].size() + 1);
    for (const auto& m : members[k]) palette.push_back(m.second);
    if (members[k].size() < kTileCells) palette.push_back(0);  // Cells of no cluster.
    std::sort(palette.begin(), palette.end());
    palette.erase(std::unique(palette.begin(), palette.end()), palette.end());
    const uint32_t bits = IndexBits(palette.size());
    const size_t words = kTileCells * bits / 64;
    if (bytes + words * sizeof(uint64_t) > kMaxDenseBytes) continue;
    bytes += words * sizeof(uint64_t);
    Tile t;
    t.word = bits == 0 ? 0 : static_cast<uint32_t>(packed_.size());
    t.palette = static_cast<uint32_t>(palette_.size());
    t.bits = bits;
    t.mask = bits == 0 ? 0 : static_cast<uint32_t>((uint64_t{1} << bits) - 1);
    packed_.resize(packed_.size() + words, 0);
    for (const auto& [pos, id] : members[k]) {
      const uint64_t index = static_cast<uint64_t>(
          std::lower_bound(palette.begin(), palette.end(), id) - palette.begin());
      const size_t bit = pos * bits;
      packed_[t.word + bit / 64] |= index << (bit % 64);
    }
    palette_.insert(palette_.end(), palette.begin(), palette.end());
    kept.emplace_back(dense[k].second, tiles_.size());
    tiles_.push_back(t);
  }
  const int tile_bits = SlotBits(kept.size());
  tile_shift_ = 64 - tile_bits;
  tile_keys_.assign(size_t{1} << tile_bits, 0);
  tile_blocks_.assign(size_t{1} << tile_bits, 0);
  for (const auto& [tile, index] : kept) {
    const uint64_t key = Pack(tile);
    size_t i = Slot(key, tile_shift_);
    while (tile_blocks_[i] != 0) i = (i + 1) & (tile_blocks_.size() - 1);
    tile_keys_[i] = key;
    tile_blocks_[i] = static_cast<uint32_t>(index + 1);
  }
  size_t sparse = 0;
  for (const auto& [cell, id] : map.cells) {
    if (id != 0 && DenseTileOf(cell) == nullptr) ++sparse;
  }
  const int bits = SlotBits(sparse);
  shift_ = 64 - bits;
  keys_.assign(size_t{1} << bits, 0);
  ids_.assign(size_t{1} << bits, 0);
  const size_t mask = ids_.size() - 1;
  for (const auto& [cell, id] : map.cells) {
    if (id == 0 || DenseTileOf(cell) != nullptr) continue;
    const uint64_t key = Pack(cell);
    size_t i = Slot(key, shift_);
    while (ids_[i] != 0 && keys_[i] != key) i = (i + 1) & mask;
    keys_[i] = key;
    ids_[i] = id;
  }
}

int32_t CellIndex::ClusterOfCell(const Cell& cell) const {
  if (const Tile* t = DenseTileOf(cell)) {
    const size_t bit = InTile(cell) * t->bits;
    const uint64_t word = packed_[t->word + bit / 64];
    return palette_[t->palette + ((word >> (bit % 64)) & t->mask)];
  }
  const uint64_t key = Pack(cell);
  const size_t mask = keys_.size() - 1;
  for (size_t i = Slot(key, shift_);; i = (i + 1) & mask) {
    if (ids_[i] == 0) return 0;
    if (keys_[i] == key) return ids_[i];
  }
}

int32_t ClusterMap::ClusterAt(int32_t lat_e5, int32_t lon_e5) const {
  return ClusterOfCell(Grid(grid_step_e5).CellOf(lat_e5, lon_e5));
}

const ClusterInfo* ClusterMap::Find(int32_t id) const {
  auto it = std::lower_bound(clusters.begin(), clusters.end(), id,
                             [](const ClusterInfo& c, int32_t v) { return c.id < v; });
  return it != clusters.end() && it->id == id ? &*it : nullptr;
}

ClusterInfo* ClusterMap::Find(int32_t id) {
  return const_cast<ClusterInfo*>(static_cast<const ClusterMap*>(this)->Find(id));
}

void ClusterMap::ComputeFootprints() {
  // Every cell's unit vector summed per cluster, then the haversine distance
  // from the centre to the farthest cell. On a fine grid a map holds
  // millions of cells (3.1 million for 20M bench records at 0.01 degree), so
  // the trigonometry is cached: per row of cells (cells are sorted by
  // latitude, then longitude) and per column; and along a run of one
  // cluster's cells in a row, the distance from a fixed centre grows with
  // the longitude difference |dl| up to pi, so only the run's two ends can be
  // farthest (every cell is measured when the run's dl reaches +-pi). The
  // results are the bits of the direct computation (cluster_map_test.cc
  // compares them on random maps).
  const Grid grid(grid_step_e5);
  std::vector<UnitVec> sums(clusters.size());
  for (ClusterInfo& c : clusters) {
    c.cells = 0;
    c.radius_km = 0;
  }
  // Column trigonometry, by lon_idx + columns (at most 2 * 180 degrees /
  // step + 1 entries; computed when first needed). Without a table (steps
  // under 0.001 degree) each cell computes its own.
  const int64_t columns = int64_t{18'000'000} / std::max(grid_step_e5, 1);
  const bool table = columns <= (int64_t{1} << 20);
  std::vector<CosSin> lon_trig(table ? static_cast<size_t>(2 * columns + 1) : 0);
  std::vector<uint8_t> lon_known(lon_trig.size(), 0);
  auto lon_of = [&](const Cell& cell) {
    if (!table) return CosSinE5(grid.CentreLonE5(cell));
    const auto i = static_cast<size_t>(int64_t{cell.lon_idx} + columns);
    if (!lon_known[i]) {
      lon_trig[i] = CosSinE5(grid.CentreLonE5(cell));
      lon_known[i] = 1;
    }
    return lon_trig[i];
  };
  // The index in `clusters` (sorted by id) of `id`, -1 when absent; runs of
  // one id are the rule, so the last answer is kept.
  int32_t last_id = 0;
  ptrdiff_t last_index = -1;
  auto index_of = [&](int32_t id) {
    if (id != last_id) {
      last_id = id;
      const ClusterInfo* c = Find(id);
      last_index = c == nullptr ? -1 : c - clusters.data();
    }
    return last_index;
  };
  CosSin lat{};
  int32_t lat_row = 0;
  bool have_row = false;
  for (const auto& [cell, id] : cells) {
    const ptrdiff_t i = index_of(id);
    if (i < 0) continue;
    if (!have_row || cell.lat_idx != lat_row) {
      lat = CosSinE5(grid.CentreLatE5(cell));
      lat_row = cell.lat_idx;
      have_row = true;
    }
    const UnitVec v = ToUnitVec(lat, lon_of(cell));
    UnitVec& sum = sums[static_cast<size_t>(i)];
    sum.x += v.x;
    sum.y += v.y;
    sum.z += v.z;
    ++clusters[static_cast<size_t>(i)].cells;
  }
  for (size_t i = 0; i < clusters.size(); ++i) {
    ClusterInfo& c = clusters[i];
    const UnitVec& s = sums[i];
    double norm = std::sqrt(s.x * s.x + s.y * s.y + s.z * s.z);
    if (c.cells == 0 || norm == 0) continue;
    double lat_deg = std::asin(std::clamp(s.z / norm, -1.0, 1.0)) * 180 / M_PI;
    double lon_deg = std::atan2(s.y, s.x) * 180 / M_PI;
    c.centre_lat_e5 = static_cast<int32_t>(std::lround(lat_deg * 1e5));
    c.centre_lon_e5 = static_cast<int32_t>(std::lround(lon_deg * 1e5));
  }
  auto farther = [&](ClusterInfo* c, const Cell& cell) {
    c->radius_km =
        std::max(c->radius_km, HaversineKm(c->centre_lat_e5, c->centre_lon_e5,
                                           grid.CentreLatE5(cell), grid.CentreLonE5(cell)));
  };
  for (size_t begin = 0; begin < cells.size();) {
    // The run [begin, end): one cluster's consecutive cells in one row.
    const Cell& first = cells[begin].first;
    const int32_t id = cells[begin].second;
    size_t end = begin + 1;
    while (end < cells.size() && cells[end].second == id &&
           cells[end].first.lat_idx == first.lat_idx &&
           cells[end].first.lon_idx > cells[end - 1].first.lon_idx) {
      ++end;
    }
    const ptrdiff_t i = index_of(id);
    if (i >= 0) {
      ClusterInfo* c = &clusters[static_cast<size_t>(i)];
      const double centre = E5ToRadians(c->centre_lon_e5);
      const double dl_first = E5ToRadians(grid.CentreLonE5(first)) - centre;
      const double dl_last = E5ToRadians(grid.CentreLonE5(cells[end - 1].first)) - centre;
      constexpr double kNearPi = std::numbers::pi - 0.1, kPastPi = std::numbers::pi + 0.1;
      const bool spans_pi =
          (dl_first < kPastPi && dl_last > kNearPi) || (dl_first < -kNearPi && dl_last > -kPastPi);
      if (spans_pi) {
        for (size_t k = begin; k < end; ++k) farther(c, cells[k].first);
      } else {
        farther(c, first);
        if (end - begin > 1) farther(c, cells[end - 1].first);
      }
    }
    begin = end;
  }
}

std::string EncodeClusterMap(const ClusterMap& map) {
  const Grid grid(map.grid_step_e5);
  std::string out = std::string(kHeader) + "," + kFormatVersion + "\n";
  out += "grid_deg," + FormatE5(map.grid_step_e5) + "\n";
  out += "edition," + CsvText(map.edition) + "\n";
  out += "settings," + CsvField(map.settings) + "\n";
  out += "fingerprint," + Hex64(map.fingerprint) + "\n";
  out += "origin," + CsvText(map.origin) + "\n";
  for (const ClusterInfo& c : map.clusters) {
    out += "cluster," + std::to_string(c.id) + "," + CsvText(c.name) + "," + CsvText(c.economy) +
           "," + (c.name_pinned ? "1" : "0") + "\n";
  }
  for (const auto& [cell, id] : map.cells) {
    out += "cell," + FormatE5(grid.CentreLatE5(cell)) + "," + FormatE5(grid.CentreLonE5(cell)) +
           "," + std::to_string(id) + "\n";
  }
  return out;
}

Result<ClusterMap> ParseClusterMap(std::string_view text, int32_t default_grid_e5,
                                   std::string_view what) {
  ClusterMap map;
  map.grid_step_e5 = default_grid_e5;
  std::vector<std::string> f;
  std::map<int32_t, ClusterInfo> clusters;
  std::vector<std::pair<Cell, int32_t>> cells;
  bool header = false, cells_started = false;
  size_t line_no = 0, pos = 0;
  auto fail = [&](const std::string& why) {
    return Status::DataError(std::string(what) + ", line " + std::to_string(line_no) + ": " + why);
  };
  constexpr const char* kBadCell =
      "expected cell,LAT,LON,ID (degrees, |lat| <= 90, |lon| <= 180, ID >= 1)";
  int32_t last_id = 0;  // The cluster of the previous cell row (0: none yet).
  auto add_cell = [&](int32_t lat, int32_t lon, int32_t id) {
    cells_started = true;
    cells.emplace_back(Grid(map.grid_step_e5).CellOf(lat, lon), id);
    if (id != last_id) {
      last_id = id;
      if (!clusters.count(id)) {
        ClusterInfo c;
        c.id = id;
        clusters.emplace(c.id, c);
      }
    }
  };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    // Cell rows, millions on a fine grid, without the CSV splitter's copies.
    if (header && line.starts_with("cell,") && line.find('"') == std::string_view::npos) {
      std::string_view parts[5];
      size_t n = 0, from = 0;
      while (n < 5) {
        const size_t comma = line.find(',', from);
        parts[n++] = line.substr(from, comma == std::string_view::npos ? line.npos : comma - from);
        if (comma == std::string_view::npos) break;
        from = comma + 1;
      }
      int32_t lat = 0, lon = 0;
      int64_t id = 0;
      if (n != 4 || !ParseDegreesE5(parts[1], 90, &lat) || !ParseDegreesE5(parts[2], 180, &lon) ||
          !ParseInt(parts[3], 1, INT32_MAX, &id)) {
        return fail(kBadCell);
      }
      add_cell(lat, lon, static_cast<int32_t>(id));
      continue;
    }
    if (!SplitCsvLine(line, &f)) return fail("unterminated quote");
    const std::string& kind = f[0];
    if (!header) {
      if (kind != kHeader) return fail("expected the header 'stcluster-clusters,1'");
      if (f.size() < 2 || f[1] != kFormatVersion) return fail("unsupported format version");
      header = true;
      continue;
    }
    if (kind == "grid_deg") {
      int32_t step = 0;
      if (cells_started) return fail("grid_deg must come before the cells");
      if (f.size() != 2 || !ParseDegreesE5(f[1], 180, &step) || !Grid::IsValidStep(step)) {
        return fail("bad grid_deg (a step in degrees dividing 180, e.g. 0.01)");
      }
      map.grid_step_e5 = step;
    } else if (kind == "edition" || kind == "settings" || kind == "origin") {
      if (f.size() != 2) return fail("expected 2 fields");
      (kind == "edition"    ? map.edition
       : kind == "settings" ? map.settings
                            : map.origin) = CsvUnneutralise(f[1]);
    } else if (kind == "fingerprint") {
      if (f.size() != 2 || !ParseHex64(f[1], &map.fingerprint)) return fail("bad fingerprint");
    } else if (kind == "cluster") {
      int64_t id = 0;
      if (f.size() < 2 || f.size() > 5 || !ParseInt(f[1], 1, INT32_MAX, &id)) {
        return fail("expected cluster,ID[,NAME[,ECONOMY[,PINNED]]] with ID >= 1");
      }
      ClusterInfo c;
      c.id = static_cast<int32_t>(id);
      if (f.size() > 2) c.name = CsvUnneutralise(f[2]);
      if (f.size() > 3) c.economy = CsvUnneutralise(f[3]);
      // An imported name is a user's choice: pinned unless the file says otherwise.
      c.name_pinned = f.size() > 4 ? f[4] == "1" : !c.name.empty();
      if (!clusters.emplace(c.id, c).second) return fail("cluster " + f[1] + " given twice");
    } else if (kind == "cell") {
      int32_t lat = 0, lon = 0;
      int64_t id = 0;
      if (f.size() != 4 || !ParseDegreesE5(f[1], 90, &lat) || !ParseDegreesE5(f[2], 180, &lon) ||
          !ParseInt(f[3], 1, INT32_MAX, &id)) {
        return fail(kBadCell);
      }
      add_cell(lat, lon, static_cast<int32_t>(id));
    } else {
      return fail("unknown row type '" + kind + "'");
    }
  }
  if (!header)
    return Status::DataError(std::string(what) + ": empty (no stcluster-clusters header)");
  if (!std::is_sorted(cells.begin(), cells.end())) std::sort(cells.begin(), cells.end());
  for (size_t i = 1; i < cells.size(); ++i) {
    if (cells[i].first != cells[i - 1].first) continue;
    if (cells[i].second != cells[i - 1].second) {
      const Grid g(map.grid_step_e5);
      return Status::DataError(
          std::string(what) + ": cell " + FormatE5(g.CentreLatE5(cells[i].first)) + "," +
          FormatE5(g.CentreLonE5(cells[i].first)) + " is given to clusters " +
          std::to_string(cells[i - 1].second) + " and " + std::to_string(cells[i].second));
    }
  }
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  map.cells = std::move(cells);
  for (auto& [id, c] : clusters) map.clusters.push_back(std::move(c));
  map.ComputeFootprints();
  return map;
}

}  // namespace stc::cluster
