#include "cluster/intensity.h"

#include <algorithm>

#include "cluster/format_util.h"
#include "core/csv.h"

namespace stc::cluster {
namespace {

std::string Preamble(const IntensityRanking& r, const std::string& prefix) {
  const Ranking& s = r.size;
  std::string out = prefix + "Intensity ranking (top " + std::to_string(r.pool) +
                    " clusters by size, per million inhabitants)\n";
  out += prefix + "Edition " + s.edition.name + ": " + s.edition.description + "\n";
  out += prefix + "Settings: " + s.edition.Settings() + "\n";
  out += prefix + "Cluster map: version " + std::to_string(s.map_version) + ", delineated for " +
         (s.map_edition.empty() ? "?" : s.map_edition) + ", input fingerprint " +
         Hex16(s.map_fingerprint) + "\n";
  out += prefix + "Population: summed gazetteer population of the places inside each footprint (" +
         r.population_source + ")\n";
  return out;
}

std::vector<std::vector<std::string>> TextRows(const IntensityRanking& r, int top) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"Rank", "Cluster", "Economy", "Size rank", "Population"};
  for (const MetricSpec& m : r.size.edition.metrics) {
    head.push_back(std::string(m.Title()) + " per million");
  }
  rows.push_back(head);
  for (const IntensityRow& row : r.rows) {
    if (row.rank > top) break;
    std::vector<std::string> cells = {std::to_string(row.rank), row.name, row.economy,
                                      std::to_string(row.size_rank),
                                      RoundedCount(row.population * kUnit)};
    for (double v : row.per_million) cells.push_back(Fixed(v, 1));
    rows.push_back(cells);
  }
  return rows;
}

std::string Unpopulated(const IntensityRanking& r) {
  if (r.unpopulated.empty()) return "";
  std::string out = "Not ranked (no populated place in the footprint):";
  for (size_t i = 0; i < r.unpopulated.size(); ++i) {
    out += (i ? ", " : " ") + r.unpopulated[i].name + " (size rank " +
           std::to_string(r.unpopulated[i].size_rank) + ")";
  }
  return out + "\n";
}

std::string Csv(const IntensityRanking& r, int top) {
  std::string out = "rank,size_rank,cluster_id,cluster,economy,population,places";
  for (const MetricSpec& m : r.size.edition.metrics) {
    std::string s(SourceName(m.source));
    out += "," + s + "_units," + s + "_per_million";
  }
  out += ",score,intensity,edition,settings,population_source\n";
  const std::string tail = "," + CsvText(r.size.edition.name) + "," +
                           CsvText(r.size.edition.Settings()) + "," + CsvText(r.population_source) +
                           "\n";
  for (const IntensityRow& row : r.rows) {
    if (row.rank > top) break;
    out += std::to_string(row.rank) + "," + std::to_string(row.size_rank) + "," +
           std::to_string(row.id) + "," + CsvText(row.name) + "," + CsvText(row.economy) + "," +
           std::to_string(row.population) + "," + std::to_string(row.places);
    for (size_t m = 0; m < row.units.size(); ++m) {
      out += "," + FormatUnits(row.units[m]) + "," + Fixed(row.per_million[m], 6);
    }
    out += "," + Fixed(row.score, 6) + "," + Fixed(row.intensity, 6) + tail;
  }
  return out;
}

std::string JsonRow(const IntensityRanking& r, const IntensityRow& row) {
  std::string out = "{\"rank\":" + std::to_string(row.rank) +
                    ",\"size_rank\":" + std::to_string(row.size_rank) +
                    ",\"id\":" + std::to_string(row.id) + ",\"cluster\":" + JsonString(row.name) +
                    ",\"economy\":" + JsonString(row.economy) +
                    ",\"population\":" + std::to_string(row.population) +
                    ",\"places\":" + std::to_string(row.places) + ",\"metrics\":[";
  for (size_t m = 0; m < row.units.size(); ++m) {
    out += std::string(m ? "," : "") + "{\"source\":\"" +
           std::string(SourceName(r.size.edition.metrics[m].source)) + "\",\"units\":\"" +
           FormatUnits(row.units[m]) + "\",\"per_million\":" + Fixed(row.per_million[m], 6) + "}";
  }
  return out + "],\"score\":" + Fixed(row.score, 6) + ",\"intensity\":" + Fixed(row.intensity, 6) +
         "}";
}

std::string Json(const IntensityRanking& r, int top) {
  const Ranking& s = r.size;
  std::string out = "{\"ranking\":\"intensity\",\"pool\":" + std::to_string(r.pool) +
                    ",\"edition\":{\"name\":" + JsonString(s.edition.name) +
                    ",\"description\":" + JsonString(s.edition.description) +
                    ",\"settings\":" + JsonString(s.edition.Settings()) + "}";
  out += ",\"cluster_map\":{\"version\":" + std::to_string(s.map_version) +
         ",\"edition\":" + JsonString(s.map_edition) + ",\"fingerprint\":\"" +
         Hex16(s.map_fingerprint) + "\"}";
  out += ",\"population_source\":" + JsonString(r.population_source) + ",\"clusters\":[";
  bool first = true;
  for (const IntensityRow& row : r.rows) {
    if (row.rank > top) break;
    out += std::string(first ? "\n" : ",\n") + JsonRow(r, row);
    first = false;
  }
  out += "],\"unpopulated\":[";
  first = true;
  for (const IntensityRow& row : r.unpopulated) {
    out += std::string(first ? "" : ",") + "{\"size_rank\":" + std::to_string(row.size_rank) +
           ",\"id\":" + std::to_string(row.id) + ",\"cluster\":" + JsonString(row.name) + "}";
    first = false;
  }
  return out + "]}\n";
}

std::string Markdown(const IntensityRanking& r, int top) {
  auto rows = TextRows(r, top);
  std::string out = Preamble(r, "") + "\n";
  out += MarkdownRows(rows);
  return out + "\n" + Unpopulated(r);
}

}  // namespace

IntensityRanking ComputeIntensityRanking(const Ranking& size, const ClusterPopulations& population,
                                         int pool) {
  IntensityRanking r;
  r.size = size;
  r.pool = std::max(pool, 1);
  r.population_source = population.source;
  for (const RankedCluster& c : size.rows) {
    if (c.rank > r.pool) break;
    IntensityRow row;
    row.size_rank = c.rank;
    row.id = c.id;
    row.name = c.name;
    row.economy = c.economy;
    ClusterPopulation p = population.Of(c.id);
    row.population = p.population;
    row.places = p.places;
    row.units = c.units;
    row.score = c.score;
    row.per_million.assign(c.units.size(), 0);
    if (row.population <= 0) {
      r.unpopulated.push_back(std::move(row));
      continue;
    }
    const double millions = static_cast<double>(row.population) / 1e6;
    for (size_t m = 0; m < c.units.size(); ++m) {
      row.per_million[m] = static_cast<double>(c.units[m]) / static_cast<double>(kUnit) / millions;
    }
    row.intensity = c.score / millions;
    r.rows.push_back(std::move(row));
  }
  std::sort(r.rows.begin(), r.rows.end(), [](const IntensityRow& a, const IntensityRow& b) {
    if (a.intensity != b.intensity) return a.intensity > b.intensity;
    return a.size_rank < b.size_rank;
  });
  for (size_t i = 0; i < r.rows.size(); ++i) r.rows[i].rank = static_cast<int>(i + 1);
  return r;
}

std::string FormatIntensityRanking(const IntensityRanking& ranking, RankFormat format, int top) {
  switch (format) {
    case RankFormat::kCsv:
      return Csv(ranking, top);
    case RankFormat::kJson:
      return Json(ranking, top);
    case RankFormat::kMarkdown:
      return Markdown(ranking, top);
    case RankFormat::kTable: {
      auto rows = TextRows(ranking, top);
      std::vector<bool> left(rows[0].size(), false);
      left[1] = left[2] = true;
      return Preamble(ranking, "") + AlignColumns(rows, left) + Unpopulated(ranking);
    }
  }
  return "";
}

}  // namespace stc::cluster
