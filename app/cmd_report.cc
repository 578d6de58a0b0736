// The `report` subcommand: one self-contained HTML page with the map, the
// bar chart, the tables and the cluster profiles (docs/report.md).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command.h"
#include "cluster/delineate.h"
#include "cluster/map_store.h"
#include "cluster/naming.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "report/report.h"
#include "report/topojson.h"
#ifdef STC_CLUSTER_GAZETTEER
#include "cluster/gazetteer_places.h"
#include "geo/gazetteer.h"
#endif

namespace stc {
namespace {

namespace cl = stc::cluster;

struct ReportArgs {
  std::string db;
  std::string output;
  std::string edition;  // "" = the map's edition when built in, else the default.
  int top = 100;
  int bar_top = 25;
  std::string clusters;
  std::string previous;
  std::string atlas;      // "" = $STC_WORLD_ATLAS, else the one scripts/setup fetches.
  std::string gazetteer;  // Populations: "" = the default index, "none" = no populations.
  bool no_profiles = false;
  std::string title = "Science and technology clusters";
};

std::string DefaultAtlas() {
  if (const char* env = std::getenv("STC_WORLD_ATLAS"); env != nullptr && *env != 0) return env;
  return STC_WORLD_ATLAS_DEFAULT;
}

Result<std::string> ReadAll(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + what + " " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The cluster map: --clusters FILE, else the store's current one.
Result<cl::ClusterMap> LoadMap(const Store& store, const ReportArgs& a, int* exit_code) {
  if (!a.clusters.empty()) {
    *exit_code = kExitInput;
    return cl::ReadClusterMapFile(a.clusters, store.grid().step_e5());
  }
  *exit_code = kExitStore;
  auto m = cl::LoadCurrentClusterMap(store);
  if (!m.ok()) return m.status();
  if (!m->has_value()) {
    return Status::NotFound("store " + a.db +
                            " has no cluster map: run `stcluster delineate --db " + a.db +
                            "` first, or pass --clusters FILE");
  }
  return std::move(**m);
}

int RunReport(const ReportArgs& a) {
  auto opened = OpenForReading(a.db);
  if (!opened.ok()) return StoreFail(opened.status());
  const Store& store = **opened;
  if (Status st = CheckNoReplaceInProgress(store); !st.ok()) return Fail(st, kExitStore);

  int map_exit = kExitStore;
  auto map = LoadMap(store, a, &map_exit);
  if (!map.ok()) return Fail(map.status(), map_exit);

  std::string edition_name = a.edition;
  if (edition_name.empty()) {
    edition_name = cl::kDefaultEdition;
    for (const std::string& n : cl::BuiltinEditionNames())
      if (n == map->edition) edition_name = n;
  }
  auto edition = cl::BuiltinEdition(edition_name);
  if (!edition.ok()) return Fail(edition.status(), kExitUsage);

  // The edition's weighted cells: names missing from an imported map, the
  // noise locations, and the check that the map fits the data.
  auto data = cl::LoadDelineationData(store, *edition);
  if (!data.ok()) return StoreFail(data.status());
  bool unnamed = false;
  for (const cl::ClusterInfo& c : map->clusters) unnamed |= c.name.empty();
  if (unnamed) cl::NameClusters(*data, nullptr, &*map);
  if (map->edition == edition->name && map->fingerprint != 0 &&
      map->fingerprint != data->fingerprint) {
    std::cerr << "note: the store's " << edition->name
              << " aggregates changed since the cluster map was made; its clusters are kept as "
                 "they are (run delineate to redo them)\n";
  }

  auto ranking = cl::ComputeRanking(store, *map, *edition);
  if (!ranking.ok()) return Fail(ranking.status(), kExitStore);
  if (!a.previous.empty()) {
    auto text = ReadAll(a.previous, "previous ranking");
    if (!text.ok()) return Fail(text.status(), kExitInput);
    auto prev = cl::ParsePreviousRanking(*text, "previous ranking " + a.previous);
    if (!prev.ok()) return Fail(prev.status(), kExitInput);
    cl::ApplyPreviousRanking(*prev, &*ranking);
  }

  report::ReportOptions options;
  options.top = a.top;
  options.bar_top = a.bar_top;
  report::ReportInput input;
  input.ranking = &*ranking;
  input.map = &*map;
  input.title = a.title;
  input.generator = "stcluster 0.1.0 report";
  input.noise = report::NoiseLocations(*data, *map, options.noise_min_units);

  std::vector<report::GeoFeature> countries;
  if (a.atlas != "none") {
    const std::string path = a.atlas.empty() ? DefaultAtlas() : a.atlas;
    auto decoded = report::ReadTopoJsonFile(path, "countries");
    if (!decoded.ok()) {
      std::cerr << "stcluster: " << decoded.status().ToString()
                << "\n  (run scripts/setup to fetch world-atlas, or pass --atlas FILE or "
                   "--atlas none)\n";
      return kExitInput;
    }
    countries = std::move(*decoded);
    input.countries = &countries;
    input.countries_source = "Natural Earth 1:110m (public domain) via world-atlas 2.0.2 (" +
                             std::to_string(countries.size()) + " countries)";
  }

  // Profiles of the shown clusters, with populations when a gazetteer is there.
  std::vector<cl::ClusterProfile> profiles;
  if (!a.no_profiles) {
    cl::Ranking shown = *ranking;
    if (shown.rows.size() > static_cast<size_t>(a.top)) shown.rows.resize(a.top);
    cl::ProfileOptions popt;
    popt.top_items = 3;
    cl::ClusterPopulations populations;
#ifdef STC_CLUSTER_GAZETTEER
    std::unique_ptr<geo::Gazetteer> gazetteer;
    if (a.gazetteer != "none") {
      std::string path = a.gazetteer.empty() ? DefaultGazetteerPath() : a.gazetteer;
      auto g = geo::Gazetteer::Open(path);
      if (g.ok()) {
        gazetteer = std::move(g).value();
        cl::GazetteerPopulation source(gazetteer.get(),
                                       std::filesystem::path(path).filename().string());
        auto pops = cl::ComputeClusterPopulations(*map, source);
        if (!pops.ok()) return Fail(pops.status(), kExitInput);
        populations = std::move(*pops);
        popt.population = &populations;
        input.population_source = populations.source +
                                  "; population = summed population of "
                                  "the places inside the footprint";
      } else if (!a.gazetteer.empty()) {
        return Fail(g.status(), kExitInput);
      } else {
        std::cerr << "warning: no gazetteer (" << g.status().ToString()
                  << "): profiles have no population\n";
      }
    }
#endif
    auto p = cl::ComputeProfiles(store, *map, shown, popt);
    if (!p.ok()) return Fail(p.status(), kExitStore);
    profiles = std::move(*p);
    input.profiles = &profiles;
  }

  std::string html = report::RenderReport(input, options);
  std::ofstream out(a.output, std::ios::binary);
  out << html;
  out.close();
  if (!out) return Fail(Status::IoError("cannot write " + a.output), kExitInput);
  std::cerr << "report: " << a.output << " (" << html.size() / 1024
            << " KiB): " << std::min(ranking->rows.size(), static_cast<size_t>(a.top)) << " of "
            << ranking->rows.size() << " clusters, " << input.noise.size()
            << " noise locations, edition " << edition->name << "\n";
  return kExitOk;
}

}  // namespace

Command AddReportCommand(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand(
      "report", "Write one self-contained HTML report: map, top-25 chart, tables, profiles.");
  sub->add_option("--db", a->db, "Store directory")->required();
  sub->add_option("-o,--output", a->output, "Output HTML file")->required();
  sub->add_option("--edition", a->edition,
                  "Edition: gii2023, gii2024, gii2025 (default: the map's, else gii2024)");
  sub->add_option("--top", a->top, "Clusters on the map, in the table and with a profile")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--bar-top", a->bar_top, "Clusters in the bar chart")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--clusters", a->clusters, "Use this cluster map file instead of the store's");
  sub->add_option("--previous", a->previous,
                  "A previous ranking (CSV with columns rank and cluster) for the rank change");
  sub->add_option("--atlas", a->atlas,
                  "World-atlas TopoJSON with a `countries` object (default: the one scripts/setup "
                  "fetches; none: no outlines)");
  sub->add_option("--gazetteer", a->gazetteer,
                  "Gazetteer index for cluster populations (default: the installed one; none: "
                  "no populations)");
  sub->add_flag("--no-profiles", a->no_profiles, "Leave out the profiles (no record scan)");
  sub->add_option("--title", a->title, "Page title")->capture_default_str();
  return {sub, [a] { return RunReport(*a); }};
}

}  // namespace stc
