// The `export` subcommand.
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "app/command.h"
#include "app/ranking_input.h"
#include "cluster/map_store.h"
#include "cluster/profile.h"
#include "cluster/profile_format.h"
#include "core/large_alloc.h"
#include "io/output_file.h"
#include "pipeline/export.h"

namespace stc {
namespace {

struct ExportArgs {
  std::string db;
  std::string by = "cell";
  std::string source;
  std::string years;
  std::string format = "csv";
  std::string output;          // Empty = stdout.
  std::string clusters;        // --by cluster: this map file instead of the store's current map.
  std::string edition;         // --by profile.
  std::string gazetteer;       // --by profile: populations.
  int top = 0;                 // --by profile: 0 = every ranked cluster.
  bool direct_output = false;  // -o FILE around the page cache (io/output_file.h).
};

// --by profile: every ranked cluster's profile, one row per cluster x metric
// x year x field (cluster/profile_format.h).
int RunProfileExport(const ExportArgs& args) {
  namespace cl = stc::cluster;
  RankingInput in;
  // Without --top every ranked cluster is profiled: the record scan starts
  // as soon as the store, the map and the edition are known, and its sums
  // rank the clusters, so the aggregates are not read (unless the ranking
  // needs them: ranking_input.h). The tallies delineate kept, while
  // current, replace the scan.
  ProfileSource source;
  cl::ProfileOptions options;
  auto open = [&](const RankingInput& opened) { return source.Open(opened, options.top_items); };
  if (int rc = LoadRankingInput(args.db, args.clusters, args.edition, &in,
                                args.top > 0 ? nullptr : std::function(open));
      rc != kExitOk) {
    return rc;  // A scan started is stopped.
  }
  cl::ProfileSet set;
  set.ranking = in.ranking;
  if (args.top > 0 && set.ranking.rows.size() > static_cast<size_t>(args.top)) {
    set.ranking.rows.resize(args.top);
  }
  cl::ClusterPopulations populations;
  if (int rc = LoadPopulations(args.gazetteer, in.map, /*required=*/false, &populations);
      rc != kExitOk) {
    return rc;
  }
  set.population_source = populations.source;
  options.population = populations.source.empty() ? nullptr : &populations;
  auto profiles = source.Profiles(in, set.ranking, options);
  if (!profiles.ok()) return Fail(profiles.status(), kExitStore);
  set.profiles = std::move(*profiles);
  std::string text = cl::FormatProfileExport(
      set, args.format == "json" ? cl::ProfileFormat::kJson : cl::ProfileFormat::kCsv);
  return WriteOutput(args.output, text);
}

int RunExport(const ExportArgs& args) {
  if (args.direct_output && (IsStdout(args.output) || args.by == "profile")) {
    std::cerr << "stcluster: --direct-output applies to -o FILE of the cell and cluster exports\n";
    return kExitUsage;
  }
  if (args.by == "profile") return RunProfileExport(args);
  // The cell export on huge pages (core/large_alloc.h), set before the store
  // is opened: tens of millions of rows stream through buffers reused from
  // range to range, so their first touch matters less than the TLB misses
  // of every row (0.01-degree 20M store: 3.5-3.7 s on small pages against
  // 3.2-3.3 s; switched on only once the export starts, some runs took
  // 4.2-4.5 s).
  const ScopedHugePages pages(args.by == "cell");
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
    eo.cluster_of = [index = std::make_shared<const cluster::CellIndex>(map),
                     same_grid = map.grid_step_e5 == grid.step_e5(), grid](const Cell& c) {
      return same_grid ? index->ClusterOfCell(c)
                       : index->ClusterAt(grid.CentreLatE5(c), grid.CentreLonE5(c));
    };
    eo.cluster_name = [&map](int32_t id) {
      const cluster::ClusterInfo* c = map.Find(id);
      return c ? c->name : std::string();
    };
  }
  Status st;
  if (IsStdout(args.output)) {
    st = ExportAggregates(**store, eo, std::cout);
  } else {
    // A fine grid's cell export is gigabytes: written in small pieces by a
    // thread of its own, or around the page cache (io/output_file.h).
    OutputFileOptions oo;
    oo.direct = args.direct_output;
    auto out = OutputFile::Create(args.output, oo);
    if (!out.ok()) return Fail(out.status(), kExitInput);
    st = ExportAggregates(**store, eo, (*out)->stream());
    // The file's own error (with the system's message) over the export's
    // "writing the export failed".
    if (Status closed = (*out)->Close(); !closed.ok()) return Fail(closed, kExitInput);
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
  sub->add_option("--by", a->by,
                  "cell; cluster (through the current map); or profile (every ranked cluster x "
                  "metric x year x field, docs/clusters.md)")
      ->check(CLI::IsMember({"cell", "cluster", "profile"}))
      ->capture_default_str();
  sub->add_option("--source", a->source, "Only this source (pct, article)");
  sub->add_option("--years", a->years, "Year range A-B or a single year");
  sub->add_option("--format", a->format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  sub->add_option("-o,--output", a->output, "Output file (default, or -: stdout)");
  sub->add_flag("--direct-output", a->direct_output,
                "With -o FILE (cells, --by cluster): write a regular file around the page cache "
                "(O_DIRECT) where the file system allows: the export leaves the memory to the "
                "store's files, but a program reading the file right after reads it from the "
                "disk");
  sub->add_option("--clusters", a->clusters,
                  "With --by cluster or profile: use this cluster map file");
  sub->add_option("--edition", a->edition,
                  "With --by profile: gii2023, gii2024, gii2025 or an edition file (default: the "
                  "map's, else gii2024)");
  sub->add_option("--gazetteer", a->gazetteer,
                  "With --by profile: gazetteer index for populations (none = no populations)");
  sub->add_option("--top", a->top, "With --by profile: only the first N clusters by size");

  return {sub, [a] { return RunExport(*a); }};
}

}  // namespace stc
