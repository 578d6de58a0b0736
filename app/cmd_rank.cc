// The `rank` subcommand: the size ranking (docs/clusters.md).
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command.h"
#include "cluster/delineate.h"
#include "cluster/map_store.h"
#include "cluster/naming.h"
#include "cluster/ranking.h"

namespace stc {
namespace {

namespace cl = stc::cluster;

struct RankArgs {
  std::string db;
  std::string edition;  // "" = the map's edition when built in, else the default.
  int top = 100;
  std::string format = "table";
  std::string previous;
  std::string clusters;
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
  auto opened = OpenForReading(a.db);
  if (!opened.ok()) return StoreFail(opened.status());
  const Store& store = **opened;
  if (Status st = CheckNoReplaceInProgress(store); !st.ok()) return Fail(st, kExitStore);

  cl::ClusterMap map;
  if (!a.clusters.empty()) {
    auto m = cl::ReadClusterMapFile(a.clusters, store.grid().step_e5());
    if (!m.ok()) return Fail(m.status(), kExitInput);
    map = std::move(*m);
  } else {
    auto m = cl::LoadCurrentClusterMap(store);
    if (!m.ok()) return Fail(m.status(), kExitStore);
    if (!m->has_value()) {
      std::cerr << "stcluster: store " << a.db << " has no cluster map: run `stcluster delineate "
                << "--db " << a.db << "` first, or pass --clusters FILE\n";
      return kExitStore;
    }
    map = std::move(**m);
  }

  std::string edition_name = a.edition;
  if (edition_name.empty()) {
    edition_name = cl::kDefaultEdition;
    for (const std::string& n : cl::BuiltinEditionNames())
      if (n == map.edition) edition_name = n;
  }
  auto edition = cl::BuiltinEdition(edition_name);
  if (!edition.ok()) return Fail(edition.status(), kExitUsage);

  // Names missing from an imported map, and a check that the map was made
  // from the data now in the store.
  bool unnamed = false;
  for (const cl::ClusterInfo& c : map.clusters) unnamed |= c.name.empty();
  if (unnamed || map.edition == edition->name) {
    auto data = cl::LoadDelineationData(store, *edition);
    if (!data.ok()) return StoreFail(data.status());
    if (unnamed) cl::NameClusters(*data, nullptr, &map);
    if (map.edition == edition->name && map.fingerprint != 0 &&
        map.fingerprint != data->fingerprint) {
      std::cerr << "note: the store's " << edition->name << " aggregates changed since cluster map "
                << (map.version ? "version " + std::to_string(map.version) : a.clusters)
                << " was made; its clusters are kept as they are (run delineate to redo them)\n";
    }
  }

  auto ranking = cl::ComputeRanking(store, map, *edition);
  if (!ranking.ok()) return Fail(ranking.status(), kExitStore);
  for (size_t m = 0; m < ranking->world.size(); ++m) {
    if (ranking->world[m] == 0) {
      std::cerr << "warning: no " << SourceName(edition->metrics[m].source) << " records in "
                << edition->metrics[m].Years() << ": its shares are 0\n";
    }
  }
  if (!a.previous.empty()) {
    auto text = ReadAll(a.previous, "previous ranking");
    if (!text.ok()) return Fail(text.status(), kExitInput);
    auto prev = cl::ParsePreviousRanking(*text, "previous ranking " + a.previous);
    if (!prev.ok()) return Fail(prev.status(), kExitInput);
    cl::ApplyPreviousRanking(*prev, &*ranking);
  }
  cl::RankFormat format = a.format == "csv"    ? cl::RankFormat::kCsv
                          : a.format == "json" ? cl::RankFormat::kJson
                          : a.format == "md"   ? cl::RankFormat::kMarkdown
                                               : cl::RankFormat::kTable;
  std::string text = cl::FormatRanking(*ranking, format, a.top);
  if (a.output.empty()) {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) return Fail(Status::IoError("writing the ranking failed"), kExitInput);
  } else {
    std::ofstream out(a.output, std::ios::binary);
    out << text;
    out.close();
    if (!out) return Fail(Status::IoError("cannot write " + a.output), kExitInput);
  }
  return kExitOk;
}

}  // namespace

Command AddRankCommand(CLI::App& app) {
  auto a = std::make_shared<RankArgs>();
  CLI::App* sub = app.add_subcommand(
      "rank", "Rank the clusters of the current cluster map by size (sum of world shares).");
  sub->add_option("--db", a->db, "Store directory")->required();
  sub->add_option("--edition", a->edition,
                  "Edition: gii2023, gii2024, gii2025 (default: the map's, else gii2024)");
  sub->add_option("--top", a->top, "Rows to print")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--format", a->format, "table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}))
      ->capture_default_str();
  sub->add_option("--previous", a->previous,
                  "A previous ranking (CSV with columns rank and cluster) for the rank change");
  sub->add_option("--clusters", a->clusters, "Use this cluster map file instead of the store's");
  sub->add_option("-o,--output", a->output, "Output file (default: stdout)");
  return {sub, [a] { return RunRank(*a); }};
}

}  // namespace stc
