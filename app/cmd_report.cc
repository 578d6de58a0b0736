// The `report` subcommand: one self-contained HTML page with the map, the
// bar chart, the tables and the cluster profiles (docs/report.md).
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "app/command.h"
#include "app/ranking_input.h"
#include "cluster/delineate.h"
#include "cluster/intensity.h"
#include "cluster/map_store.h"
#include "cluster/naming.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "cluster/saved_ranking.h"
#include "report/report.h"
#include "report/topojson.h"

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

int RunReport(const ReportArgs& a) {
  RankingInput in;
  if (int rc = LoadRankingInput(a.db, a.clusters, a.edition, &in); rc != kExitOk) return rc;
  const Store& store = *in.store;
  cl::ClusterMap& map = in.map;
  cl::Ranking& ranking = in.ranking;
  if (!a.previous.empty()) {
    auto text = ReadAll(a.previous, "previous ranking");
    if (!text.ok()) return Fail(text.status(), kExitInput);
    auto prev = cl::ParsePreviousRanking(*text, "previous ranking " + a.previous);
    if (!prev.ok()) return Fail(prev.status(), kExitInput);
    cl::ApplyPreviousRanking(*prev, &ranking);
  }
  report::ReportOptions options;
  options.top = a.top;
  options.bar_top = a.bar_top;
  report::ReportInput input;
  input.ranking = &ranking;
  input.map = &map;
  input.title = a.title;
  input.generator = "stcluster 0.1.0 report";
  // The noise locations: those delineate kept while the store is unchanged,
  // else from the edition's weighted cells (read once: the ranking's load
  // may have read them already).
  std::optional<std::vector<cl::NoisePoint>> saved_noise;
  if (!in.data) {
    auto saved = cl::LoadNoiseLocations(store, map, in.edition, options.noise_min_units);
    if (!saved.ok()) return StoreFail(saved.status());
    saved_noise = std::move(*saved);
  }
  if (saved_noise) {
    input.noise = std::move(*saved_noise);
  } else {
    if (!in.data) {
      auto loaded = cl::LoadDelineationData(store, in.edition);
      if (!loaded.ok()) return StoreFail(loaded.status());
      in.data = std::move(*loaded);
    }
    input.noise = report::NoiseLocations(*in.data, map, options.noise_min_units);
  }

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

  // Populations (intensity table, profiles) and the profiles of the shown clusters.
  cl::ClusterPopulations populations;
  if (int rc = LoadPopulations(a.gazetteer, map, /*required=*/false, &populations); rc != kExitOk) {
    return rc;
  }
  cl::IntensityRanking intensity;
  if (!populations.source.empty()) {
    intensity = cl::ComputeIntensityRanking(ranking, populations, /*pool=*/100);  // WIPO's top 100.
    input.intensity = &intensity;
    input.population_source = populations.source +
                              "; population = summed population of the gazetteer places inside "
                              "the cluster footprint";
  }
  std::vector<cl::ClusterProfile> profiles;
  if (!a.no_profiles) {
    cl::Ranking shown = ranking;
    if (shown.rows.size() > static_cast<size_t>(a.top)) shown.rows.resize(a.top);
    cl::ProfileOptions popt;
    popt.top_items = 3;
    popt.population = populations.source.empty() ? nullptr : &populations;
    auto p = ProfilesOf(in, shown, popt);
    if (!p.ok()) return Fail(p.status(), kExitStore);
    profiles = std::move(*p);
    input.profiles = &profiles;
  }

  std::string html = report::RenderReport(input, options);
  if (int rc = WriteOutput(a.output, html); rc != kExitOk) return rc;
  std::cerr << "report: " << (IsStdout(a.output) ? "standard output" : a.output) << " ("
            << html.size() / 1024
            << " KiB): " << std::min(ranking.rows.size(), static_cast<size_t>(a.top)) << " of "
            << ranking.rows.size() << " clusters, " << input.noise.size()
            << " noise locations, edition " << in.edition.name << "\n";
  return kExitOk;
}

}  // namespace

Command AddReportCommand(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand(
      "report", "Write one self-contained HTML report: map, top-25 chart, tables, profiles.");
  sub->add_option("--db", a->db, "Store directory")->required();
  sub->add_option("-o,--output", a->output, "Output HTML file (-: stdout)")->required();
  sub->add_option("--edition", a->edition,
                  "Edition: gii2023, gii2024, gii2025 or an edition file (default: the map's, else "
                  "gii2024)");
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
                  "Gazetteer index for populations: intensity table and profiles (default: the "
                  "installed one; none: no populations)");
  sub->add_flag("--no-profiles", a->no_profiles, "Leave out the profiles (no record scan)");
  sub->add_option("--title", a->title, "Page title")->capture_default_str();
  return {sub, [a] { return RunReport(*a); }};
}

}  // namespace stc
