#include "cluster/ranking.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "cluster/delineate.h"
#include "core/csv.h"
#include "core/threads.h"

namespace stc::cluster {

namespace {

Ranking NewRanking(const ClusterMap& map, const Edition& edition) {
  Ranking r;
  r.edition = edition;
  r.map_version = map.version;
  r.map_edition = map.edition;
  r.map_fingerprint = map.fingerprint;
  r.world.assign(edition.metrics.size(), 0);
  r.clustered.assign(edition.metrics.size(), 0);
  return r;
}

// Adds `units` of metric `m` to cluster `id`'s sums.
void AddToCluster(int32_t id, size_t m, Units units, size_t metrics, RankingSums* sums) {
  std::vector<Units>& v = sums->clusters[id];
  if (v.empty()) v.assign(metrics, 0);
  v[m] += units;
  sums->clustered[m] += units;
}

}  // namespace

Ranking RankSums(const RankingSums& sums, const ClusterMap& map, const Edition& edition) {
  Ranking r = NewRanking(map, edition);
  r.world = sums.world;
  r.clustered = sums.clustered;
  const size_t metrics = edition.metrics.size();
  for (const ClusterInfo& c : map.clusters) {
    auto it = sums.clusters.find(c.id);
    if (it == sums.clusters.end()) continue;
    RankedCluster row;
    row.id = c.id;
    row.name = c.name;
    row.economy = c.economy;
    row.units = it->second;
    row.share_pct.assign(metrics, 0);
    for (size_t m = 0; m < metrics; ++m) {
      if (r.world[m] > 0) {
        row.share_pct[m] =
            100.0 * static_cast<double>(row.units[m]) / static_cast<double>(r.world[m]);
      }
      row.score += edition.metrics[m].weight * row.share_pct[m];
    }
    if (row.score > 0) r.rows.push_back(std::move(row));
  }
  std::sort(r.rows.begin(), r.rows.end(), [](const RankedCluster& a, const RankedCluster& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.units != b.units) return a.units > b.units;  // Lexicographic, metric order.
    return a.id < b.id;
  });
  for (size_t i = 0; i < r.rows.size(); ++i) r.rows[i].rank = static_cast<int>(i + 1);
  return r;
}

Result<Ranking> ComputeRanking(const Store& store, const ClusterMap& map, const Edition& edition) {
  const size_t metrics = edition.metrics.size();
  const Grid store_grid = store.grid(), map_grid(map.grid_step_e5);
  const bool same_grid = store_grid.step_e5() == map.grid_step_e5;
  const CellIndex cells(map);

  // The aggregates in key ranges on every core, each part summing into its
  // own sums (made by the part's thread and aligned: parts never share a
  // cache line), added up at the end (integer sums: the split does not
  // change them).
  struct alignas(64) Part {
    RankingSums sums;
  };
  std::vector<std::unique_ptr<Part>> parts(static_cast<size_t>(ResolveThreads(0)));
  STC_RETURN_IF_ERROR(store.ForEachAggregateParallel(
      parts.size(), [&](size_t part_index, const AggregateKey& k, Units u) -> Status {
        std::unique_ptr<Part>& part = parts[part_index];
        if (part == nullptr) {
          part = std::make_unique<Part>();
          part->sums.clustered.assign(metrics, 0);
        }
        for (size_t m = 0; m < metrics; ++m) {
          const MetricSpec& spec = edition.metrics[m];
          if (k.source != spec.source || k.year < spec.year_from || k.year > spec.year_to) continue;
          if (!spec.Counts(k.field)) continue;
          int32_t id = same_grid ? cells.ClusterOfCell(k.cell)
                                 : cells.ClusterAt(store_grid.CentreLatE5(k.cell),
                                                   store_grid.CentreLonE5(k.cell));
          if (id != 0) AddToCluster(id, m, u, metrics, &part->sums);
        }
        return Status::Ok();
      }));
  RankingSums sums;
  sums.clustered.assign(metrics, 0);
  for (const std::unique_ptr<Part>& part : parts) {
    if (part == nullptr) continue;
    for (const auto& [id, units] : part->sums.clusters) {
      for (size_t m = 0; m < metrics; ++m) AddToCluster(id, m, units[m], metrics, &sums);
    }
  }
  STC_ASSIGN_OR_RETURN(sums.world, WorldTotals(store, edition));
  return RankSums(sums, map, edition);
}

Result<RankingSums> SumClusters(const DelineationData& data, const ClusterMap& map) {
  if (data.grid_step_e5 != map.grid_step_e5) {
    return Status::InvalidArgument(
        "the delineation data's grid (" + std::to_string(data.grid_step_e5) +
        " e-5 degrees) is not the cluster map's (" + std::to_string(map.grid_step_e5) + ")");
  }
  const size_t metrics = data.metrics();
  const CellIndex cells(map);
  RankingSums sums;
  sums.clustered.assign(metrics, 0);
  for (size_t i = 0; i < data.cells.size(); ++i) {
    const int32_t id = cells.ClusterOfCell(data.cells[i]);
    if (id == 0) continue;
    for (size_t m = 0; m < metrics; ++m) AddToCluster(id, m, data.UnitsOf(i, m), metrics, &sums);
  }
  sums.world = data.world;
  return sums;
}

Result<Ranking> ComputeRanking(const DelineationData& data, const ClusterMap& map) {
  STC_ASSIGN_OR_RETURN(RankingSums sums, SumClusters(data, map));
  return RankSums(sums, map, data.edition);
}

Result<std::map<std::string, int>> ParsePreviousRanking(std::string_view text,
                                                        std::string_view what) {
  std::map<std::string, int> out;
  std::vector<std::string> f;
  int rank_col = -1, name_col = -1;
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    auto fail = [&](const std::string& why) {
      return Status::DataError(std::string(what) + ", line " + std::to_string(line_no) + ": " +
                               why);
    };
    if (!SplitCsvLine(line, &f)) return fail("unterminated quote");
    if (rank_col < 0) {
      for (size_t i = 0; i < f.size(); ++i) {
        if (f[i] == "rank") rank_col = static_cast<int>(i);
        if (f[i] == "cluster") name_col = static_cast<int>(i);
      }
      if (rank_col < 0 || name_col < 0)
        return fail("the header needs columns 'rank' and 'cluster'");
      continue;
    }
    if (static_cast<int>(f.size()) <= std::max(rank_col, name_col)) return fail("too few fields");
    int rank = 0;
    try {
      size_t used = 0;
      rank = std::stoi(f[rank_col], &used);
      if (used != f[rank_col].size() || rank < 1) throw 1;
    } catch (...) {
      return fail("bad rank '" + f[rank_col] + "'");
    }
    // The first (best) rank of a repeated name wins.
    out.emplace(CsvUnneutralise(f[name_col]), rank);
  }
  if (rank_col < 0) return Status::DataError(std::string(what) + ": empty (no header)");
  return out;
}

void ApplyPreviousRanking(const std::map<std::string, int>& previous, Ranking* ranking) {
  for (RankedCluster& row : ranking->rows) {
    auto it = previous.find(row.name);
    row.previous_rank = it == previous.end() ? std::nullopt : std::optional<int>(it->second);
  }
}

std::vector<std::pair<std::string, int>> EconomyCounts(const Ranking& ranking, int top) {
  std::map<std::string, int> counts;
  for (const RankedCluster& row : ranking.rows) {
    if (row.rank > top) break;
    std::string lead = row.economy.substr(0, row.economy.find('/'));
    ++counts[lead.empty() ? "??" : lead];
  }
  std::vector<std::pair<std::string, int>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace stc::cluster
