// FormatRanking (ranking.h): table, CSV, JSON and Markdown.
#include <cstdio>
#include <string>
#include <vector>

#include "cluster/format_util.h"
#include "cluster/ranking.h"
#include "core/csv.h"

namespace stc::cluster {
namespace {

std::string Change(const RankedCluster& row) {
  if (!row.previous_rank.has_value()) return "new";
  int d = *row.previous_rank - row.rank;
  return d > 0 ? "+" + std::to_string(d) : std::to_string(d);
}

// CSV text cell, neutralised (core/csv.h).
std::string SafeCsv(const std::string& v) { return CsvText(v); }

bool HasPrevious(const Ranking& r) {
  for (const RankedCluster& row : r.rows)
    if (row.previous_rank.has_value()) return true;
  return false;
}

std::string Preamble(const Ranking& r, const std::string& prefix) {
  std::string out = prefix + "Edition " + r.edition.name + ": " + r.edition.description + "\n";
  out += prefix + "Settings: " + r.edition.Settings() + "\n";
  char fp[24];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(r.map_fingerprint));
  out += prefix + "Cluster map: version " + std::to_string(r.map_version) + ", delineated for " +
         (r.map_edition.empty() ? "?" : r.map_edition) + ", input fingerprint " + fp + "\n";
  out += prefix + "World totals:";
  for (size_t m = 0; m < r.world.size(); ++m) {
    out += (m ? "; " : " ") + std::string(r.edition.metrics[m].Title()) + " " +
           r.edition.metrics[m].Years() + " " + RoundedCount(r.world[m]);
  }
  return out + "\n";
}

std::string Footer(const Ranking& r, int top) {
  std::string out;
  for (const auto& [code, n] : EconomyCounts(r, top)) {
    out += (out.empty() ? "" : ", ") + code + " " + std::to_string(n);
  }
  return "Clusters per economy: " + (out.empty() ? std::string("none") : out) + "\n";
}

std::vector<std::vector<std::string>> TextRows(const Ranking& r, int top, bool previous) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"Rank", "Cluster", "Economy"};
  for (const MetricSpec& m : r.edition.metrics) {
    head.emplace_back(m.Title());
    head.emplace_back("Share (%)");
  }
  head.emplace_back("Total (%)");
  if (previous) head.emplace_back("Change");
  rows.push_back(head);
  for (const RankedCluster& row : r.rows) {
    if (row.rank > top) break;
    std::vector<std::string> cells = {std::to_string(row.rank), row.name, row.economy};
    for (size_t m = 0; m < row.units.size(); ++m) {
      cells.push_back(RoundedCount(row.units[m]));
      cells.push_back(Fixed(row.share_pct[m], 1));
    }
    cells.push_back(Fixed(row.score, 1));
    if (previous) cells.push_back(Change(row));
    rows.push_back(cells);
  }
  return rows;
}

std::string Table(const Ranking& r, int top) {
  auto rows = TextRows(r, top, HasPrevious(r));
  std::vector<bool> left(rows[0].size(), false);
  left[1] = left[2] = true;  // Cluster and economy.
  return Preamble(r, "") + AlignColumns(rows, left) + Footer(r, top);
}

std::string Markdown(const Ranking& r, int top) {
  auto rows = TextRows(r, top, HasPrevious(r));
  std::string out = Preamble(r, "") + "\n";
  out += MarkdownRows(rows);
  return out + "\n" + Footer(r, top);
}

std::string Csv(const Ranking& r, int top) {
  std::string out = "rank,cluster_id,cluster,economy";
  for (const MetricSpec& m : r.edition.metrics) {
    std::string s(SourceName(m.source));
    out += "," + s + "_units," + s + "_share_pct";
  }
  out += ",total,previous_rank,rank_change,edition,settings\n";
  const std::string edition = "," + CsvText(r.edition.name) + "," + CsvText(r.edition.Settings());
  for (const RankedCluster& row : r.rows) {
    if (row.rank > top) break;
    out += std::to_string(row.rank) + "," + std::to_string(row.id) + "," + SafeCsv(row.name) + "," +
           SafeCsv(row.economy);
    for (size_t m = 0; m < row.units.size(); ++m) {
      out += "," + FormatUnits(row.units[m]) + "," + Fixed(row.share_pct[m], 6);
    }
    out += "," + Fixed(row.score, 6) + ",";
    if (row.previous_rank.has_value()) out += std::to_string(*row.previous_rank);
    out += "," + (row.previous_rank.has_value() ? Change(row) : std::string()) + edition + "\n";
  }
  return out;
}

std::string Json(const Ranking& r, int top) {
  char fp[24];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(r.map_fingerprint));
  std::string out = "{\"edition\":{\"name\":" + JsonString(r.edition.name) +
                    ",\"description\":" + JsonString(r.edition.description) +
                    ",\"settings\":" + JsonString(r.edition.Settings()) + "},";
  out += "\"cluster_map\":{\"version\":" + std::to_string(r.map_version) +
         ",\"edition\":" + JsonString(r.map_edition) + ",\"fingerprint\":\"" + fp + "\"},";
  out += "\"metrics\":[";
  for (size_t m = 0; m < r.world.size(); ++m) {
    const MetricSpec& s = r.edition.metrics[m];
    out += std::string(m ? "," : "") + "{\"source\":\"" + std::string(SourceName(s.source)) +
           "\",\"title\":" + JsonString(std::string(s.Title())) + ",\"years\":\"" + s.Years() +
           "\",\"world\":\"" + FormatUnits(r.world[m]) + "\",\"clustered\":\"" +
           FormatUnits(r.clustered[m]) + "\"}";
  }
  out += "],\"clusters\":[";
  bool first = true;
  for (const RankedCluster& row : r.rows) {
    if (row.rank > top) break;
    out += std::string(first ? "\n" : ",\n") + "{\"rank\":" + std::to_string(row.rank) +
           ",\"id\":" + std::to_string(row.id) + ",\"cluster\":" + JsonString(row.name) +
           ",\"economy\":" + JsonString(row.economy) + ",\"metrics\":[";
    for (size_t m = 0; m < row.units.size(); ++m) {
      out += std::string(m ? "," : "") + "{\"source\":\"" +
             std::string(SourceName(r.edition.metrics[m].source)) + "\",\"units\":\"" +
             FormatUnits(row.units[m]) + "\",\"share_pct\":" + Fixed(row.share_pct[m], 6) + "}";
    }
    out += "],\"total\":" + Fixed(row.score, 6) + ",\"previous_rank\":" +
           (row.previous_rank ? std::to_string(*row.previous_rank) : "null") + ",\"rank_change\":" +
           (row.previous_rank ? std::to_string(*row.previous_rank - row.rank) : "null") + "}";
    first = false;
  }
  out += "],\"economies\":[";
  first = true;
  for (const auto& [code, n] : EconomyCounts(r, top)) {
    out += std::string(first ? "" : ",") + "{\"economy\":" + JsonString(code) +
           ",\"clusters\":" + std::to_string(n) + "}";
    first = false;
  }
  return out + "]}\n";
}

}  // namespace

std::string AlignColumns(const std::vector<std::vector<std::string>>& rows,
                         const std::vector<bool>& left) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      std::string pad(width[i] - DisplayWidth(row[i]), ' ');
      bool l = i < left.size() && left[i];
      line += (i ? "  " : "") + (l ? row[i] + pad : pad + row[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string FormatRanking(const Ranking& ranking, RankFormat format, int top) {
  switch (format) {
    case RankFormat::kTable:
      return Table(ranking, top);
    case RankFormat::kCsv:
      return Csv(ranking, top);
    case RankFormat::kJson:
      return Json(ranking, top);
    case RankFormat::kMarkdown:
      return Markdown(ranking, top);
  }
  return "";
}

}  // namespace stc::cluster
