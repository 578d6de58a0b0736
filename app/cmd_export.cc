// The `export` subcommand.
#include <fstream>
#include <iostream>

#include "app/command.h"
#include "cluster/map_store.h"
#include "pipeline/export.h"

namespace stc {
namespace {

struct ExportArgs {
  std::string db;
  std::string by = "cell";
  std::string source;
  std::string years;
  std::string format = "csv";
  std::string output;    // Empty = stdout.
  std::string clusters;  // --by cluster: this map file instead of the store's current map.
};

int RunExport(const ExportArgs& args) {
  ExportOptions eo;
  eo.format = args.format == "json" ? ExportOptions::Format::kJson : ExportOptions::Format::kCsv;
  if (!args.source.empty()) {
    Source s;
    if (!ParseSource(args.source, &s)) {
      std::cerr << "stcluster: unknown --source '" << args.source << "' (pct, article, vc)\n";
      return kExitUsage;
    }
    eo.source = s;
  }
  if (!ParseYears(args.years, &eo.year_from, &eo.year_to)) {
    std::cerr << "stcluster: --years must be A-B or a year, got '" << args.years << "'\n";
    return kExitUsage;
  }
  auto store = OpenForReading(args.db);
  if (!store.ok()) return StoreFail(store.status());
  if (Status st = CheckNoReplaceInProgress(**store); !st.ok()) return Fail(st, kExitStore);
  cluster::ClusterMap map;
  if (args.by == "cluster") {
    if (!args.clusters.empty()) {
      auto m = cluster::ReadClusterMapFile(args.clusters, (*store)->grid().step_e5());
      if (!m.ok()) return Fail(m.status(), kExitInput);
      map = std::move(*m);
    } else {
      auto m = cluster::LoadCurrentClusterMap(**store);
      if (!m.ok()) return Fail(m.status(), kExitStore);
      if (!m->has_value()) {
        std::cerr << "stcluster: store " << args.db << " has no cluster map: run `stcluster "
                  << "delineate --db " << args.db << "` first, or pass --clusters FILE\n";
        return kExitStore;
      }
      map = std::move(**m);
    }
    const Grid grid = (*store)->grid();
    eo.cluster_of = [&map, grid](const Cell& c) {
      return map.grid_step_e5 == grid.step_e5()
                 ? map.ClusterOfCell(c)
                 : map.ClusterAt(grid.CentreLatE5(c), grid.CentreLonE5(c));
    };
    eo.cluster_name = [&map](int32_t id) {
      const cluster::ClusterInfo* c = map.Find(id);
      return c ? c->name : std::string();
    };
  }
  Status st;
  if (args.output.empty()) {
    st = ExportAggregates(**store, eo, std::cout);
  } else {
    std::ofstream out(args.output, std::ios::binary);
    if (!out) return Fail(Status::IoError("cannot write " + args.output), kExitInput);
    st = ExportAggregates(**store, eo, out);
  }
  if (!st.ok()) return Fail(st, kExitStore);
  return kExitOk;
}

}  // namespace

Command AddExportCommand(CLI::App& app) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* sub = app.add_subcommand(
      "export", "Write the aggregates (units as exact decimals) and per-year world totals.");
  sub->add_option("--db", a->db, "Store directory")->required();
  sub->add_option("--by", a->by, "Aggregation level: cell, or cluster (through the current map)")
      ->check(CLI::IsMember({"cell", "cluster"}))
      ->capture_default_str();
  sub->add_option("--source", a->source, "Only this source (pct, article)");
  sub->add_option("--years", a->years, "Year range A-B or a single year");
  sub->add_option("--format", a->format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  sub->add_option("-o,--output", a->output, "Output file (default: stdout)");
  sub->add_option("--clusters", a->clusters, "With --by cluster: use this cluster map file");

  return {sub, [a] { return RunExport(*a); }};
}

}  // namespace stc
