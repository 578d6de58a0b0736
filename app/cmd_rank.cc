// The `rank` subcommand: the size and intensity rankings (docs/clusters.md).
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command.h"
#include "app/ranking_input.h"
#include "cluster/intensity.h"
#include "cluster/ranking.h"

namespace stc {
namespace {

namespace cl = stc::cluster;

struct RankArgs {
  std::string db;
  std::string edition;  // "" = the map's edition when built in, else the default.
  std::string by = "size";
  int top = 100;
  int pool = 100;
  std::string format = "table";
  std::string previous;
  std::string clusters;
  std::string gazetteer;  // --by intensity: "" = the default index.
  std::string output;
};

Result<std::string> ReadAll(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + what + " " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunRank(const RankArgs& a) {
  RankingInput in;
  if (int rc = LoadRankingInput(a.db, a.clusters, a.edition, &in); rc != kExitOk) return rc;
  cl::Ranking& ranking = in.ranking;
  if (!a.previous.empty()) {
    auto text = ReadAll(a.previous, "previous ranking");
    if (!text.ok()) return Fail(text.status(), kExitInput);
    auto prev = cl::ParsePreviousRanking(*text, "previous ranking " + a.previous);
    if (!prev.ok()) return Fail(prev.status(), kExitInput);
    cl::ApplyPreviousRanking(*prev, &ranking);
  }
  cl::RankFormat format = a.format == "csv"    ? cl::RankFormat::kCsv
                          : a.format == "json" ? cl::RankFormat::kJson
                          : a.format == "md"   ? cl::RankFormat::kMarkdown
                                               : cl::RankFormat::kTable;
  std::string text;
  if (a.by == "intensity") {
    cl::ClusterPopulations populations;
    if (int rc = LoadPopulations(a.gazetteer, in.map, /*required=*/true, &populations);
        rc != kExitOk) {
      return rc;
    }
    cl::IntensityRanking ir = cl::ComputeIntensityRanking(ranking, populations, a.pool);
    text = cl::FormatIntensityRanking(ir, format, a.top);
  } else {
    text = cl::FormatRanking(ranking, format, a.top);
  }
  return WriteOutput(a.output, text);
}

}  // namespace

Command AddRankCommand(CLI::App& app) {
  auto a = std::make_shared<RankArgs>();
  CLI::App* sub = app.add_subcommand(
      "rank",
      "Rank the clusters of the current cluster map by size (weighted sum of world shares) or by "
      "intensity (per million inhabitants).");
  sub->add_option("--db", a->db, "Store directory")->required();
  sub->add_option("--edition", a->edition,
                  "Edition: gii2023, gii2024, gii2025 or an edition file (default: the map's, "
                  "else gii2024)");
  sub->add_option("--by", a->by,
                  "size, or intensity (the top --pool clusters by size, per inhabitant)")
      ->check(CLI::IsMember({"size", "intensity"}))
      ->capture_default_str();
  sub->add_option("--top", a->top, "Rows to print")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--pool", a->pool, "--by intensity: rank the first N clusters by size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--format", a->format, "table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}))
      ->capture_default_str();
  sub->add_option("--previous", a->previous,
                  "A previous ranking (CSV with columns rank and cluster) for the rank change");
  sub->add_option("--clusters", a->clusters, "Use this cluster map file instead of the store's");
  sub->add_option("--gazetteer", a->gazetteer,
                  "--by intensity: gazetteer index for populations (default: $STC_GAZETTEER, "
                  "else the one scripts/setup builds)");
  sub->add_option("-o,--output", a->output, "Output file (default, or -: stdout)");
  return {sub, [a] { return RunRank(*a); }};
}

}  // namespace stc
