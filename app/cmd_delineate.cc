// The `delineate` subcommand: cluster maps (docs/clusters.md).
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "app/command.h"
#include "cluster/delineate.h"
#include "cluster/map_store.h"
#include "cluster/naming.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "cluster/saved_profiles.h"
#include "cluster/saved_ranking.h"
#ifdef STC_CLUSTER_GAZETTEER
#include "cluster/gazetteer_places.h"
#include "geo/gazetteer.h"
#endif

namespace stc {
namespace {

namespace cl = stc::cluster;

struct DelineateArgs {
  std::string db;
  std::string edition = cl::kDefaultEdition;
  double eps_km = -1;      // < 0: the edition's.
  double merge_km = -1;    // < 0: the edition's.
  std::string min_weight;  // "" = the edition's; "120" records; "0.01%" of the world total.
  std::string names;       // Name overrides file.
  std::string clusters;    // Import this map instead of delineating.
  std::string out;         // Also write the map here.
  std::string gazetteer;   // "" = the default index; "none" = coordinate names.
  bool dry_run = false;
  bool no_profiles = false;  // Do not keep the profiles' tallies.
  bool list = false;
  int64_t use = 0;
};

#ifdef STC_CLUSTER_GAZETTEER
// $STC_GAZETTEER, else the index scripts/setup builds.
std::string DefaultGazetteer() {
  if (const char* env = std::getenv("STC_GAZETTEER"); env != nullptr && *env != 0) return env;
  return STC_CLUSTER_GAZETTEER_DEFAULT;
}
#endif

// Applies --eps-km, --merge-km and --min-weight to every metric of `e`.
bool ApplyOverrides(const DelineateArgs& a, cl::Edition* e) {
  for (cl::MetricSpec& m : e->metrics) {
    if (a.eps_km >= 0) m.eps_km = a.eps_km;
  }
  if (a.merge_km >= 0)
    e->merge_km = a.merge_km;
  else if (a.eps_km >= 0)
    e->merge_km = a.eps_km;
  if (a.min_weight.empty()) return true;
  std::string text = a.min_weight;
  bool share = !text.empty() && text.back() == '%';
  if (share) text.pop_back();
  Units units = 0;
  if (!ParseUnits(text, &units) || units < 0) return false;
  for (cl::MetricSpec& m : e->metrics) {
    m.min_weight = share ? 0 : units;
    m.min_share = share ? static_cast<double>(units) / static_cast<double>(kUnit) / 100.0 : 0;
  }
  return true;
}

int List(const Store& store) {
  auto versions = store.ClusterMapVersions();
  if (!versions.ok()) return Fail(versions.status(), kExitStore);
  auto current = store.CurrentClusterMap();
  if (!current.ok()) return Fail(current.status(), kExitStore);
  std::cout << "version\tcurrent\tedition\tclusters\tcells\torigin\n";
  for (uint64_t v : *versions) {
    auto map = cl::LoadClusterMap(store, v);
    if (!map.ok()) return Fail(map.status(), kExitStore);
    std::cout << v << "\t" << (current->value_or(0) == v ? "*" : "") << "\t" << map->edition << "\t"
              << map->clusters.size() << "\t" << map->cells.size() << "\t" << map->origin << "\n";
  }
  return kExitOk;
}

int RunDelineate(const DelineateArgs& a) {
  StoreOptions so;
  so.read_only = a.list || a.dry_run;
  auto opened = Store::Open(a.db, so);
  if (!opened.ok()) return StoreFail(opened.status());
  Store& store = **opened;
  if (a.list) return List(store);
  if (Status st = CheckNoReplaceInProgress(store); !st.ok()) return Fail(st, kExitStore);
  if (a.use > 0) {
    Status st = store.SetCurrentClusterMap(static_cast<uint64_t>(a.use));
    if (!st.ok()) return Fail(st, st.code() == StatusCode::kNotFound ? kExitUsage : kExitStore);
    std::cerr << "cluster map version " << a.use << " is now current\n";
    return kExitOk;
  }

  auto edition = cl::LoadEdition(a.edition);
  if (!edition.ok()) {
    return Fail(edition.status(),
                edition.status().code() == StatusCode::kNotFound ? kExitUsage : kExitInput);
  }
  if (!ApplyOverrides(a, &*edition)) {
    std::cerr << "stcluster: --min-weight must be records (\"120\", \"0.5\") or a percentage of "
                 "the world total (\"0.01%\"), got '"
              << a.min_weight << "'\n";
    return kExitUsage;
  }
  auto data = cl::LoadDelineationData(store, *edition);
  if (!data.ok()) return StoreFail(data.status());

  cl::ClusterMap map;
  // Names come from the gazetteer when this build has geo/ and the index
  // opens; otherwise they are coordinates unless pinned (--names, imports).
  const cl::PlaceLookup* places = nullptr;
#ifdef STC_CLUSTER_GAZETTEER
  std::unique_ptr<geo::Gazetteer> gazetteer;
  std::unique_ptr<cl::GazetteerPlaces> gazetteer_places;
  if (a.gazetteer != "none") {
    std::string path = a.gazetteer.empty() ? DefaultGazetteer() : a.gazetteer;
    auto g = geo::Gazetteer::Open(path);
    if (g.ok()) {
      gazetteer = std::move(g).value();
      gazetteer_places = std::make_unique<cl::GazetteerPlaces>(gazetteer.get());
      places = gazetteer_places.get();
    } else if (!a.gazetteer.empty()) {
      return Fail(g.status(), kExitInput);
    } else {
      std::cerr << "warning: no gazetteer (" << g.status().ToString()
                << "): clusters are named by coordinates\n";
    }
  }
#else
  if (!a.gazetteer.empty() && a.gazetteer != "none") {
    std::cerr << "warning: this build has no gazetteer support: clusters are named by "
                 "coordinates\n";
  }
#endif
  if (!a.clusters.empty()) {
    auto imported = cl::ReadClusterMapFile(a.clusters, data->grid_step_e5);
    if (!imported.ok()) return Fail(imported.status(), kExitInput);
    map = std::move(*imported);
    // A map cell must hold whole store cells: a finer or misaligned grid
    // would split a store cell between clusters (verify reports it).
    const int32_t store_step = store.grid().step_e5();
    if (map.grid_step_e5 < store_step || map.grid_step_e5 % store_step != 0) {
      return Fail(Status::InvalidArgument(
                      a.clusters + ": the map's grid (" + FormatE5(map.grid_step_e5) +
                      " degrees) is not a multiple of the store's grid (" + FormatE5(store_step) +
                      " degrees); re-make the map on a grid of " + FormatE5(store_step) +
                      " degrees or a multiple of it"),
                  kExitInput);
    }
    if (map.edition.empty()) map.edition = edition->name;
    map.fingerprint = data->fingerprint;
    cl::NameClusters(*data, places, &map);
    std::cerr << "imported " << map.clusters.size() << " clusters (" << map.cells.size()
              << " cells) from " << a.clusters << "\n";
  } else {
    cl::DelineationReport rep;
    map = cl::Delineate(*data, places, &rep);
    for (const std::string& w : rep.warnings) std::cerr << "warning: " << w << "\n";
    std::cerr << "edition " << edition->name << ": " << edition->Settings() << "\n";
    for (const cl::MetricReport& m : rep.metrics) {
      std::cerr << SourceName(m.source) << ": world " << FormatUnits(m.world) << ", core threshold "
                << FormatUnits(m.threshold) << ", " << m.locations << " locations, " << m.cores
                << " core, " << m.clustered << " clustered, " << m.clusters << " clusters\n";
    }
    std::cerr << "merged: " << rep.clusters << " clusters over " << rep.cluster_cells << " cells\n";
  }
  if (!a.names.empty()) {
    std::ifstream in(a.names, std::ios::binary);
    if (!in) return Fail(Status::NotFound("cannot read names file " + a.names), kExitInput);
    std::stringstream ss;
    ss << in.rdbuf();
    std::vector<std::string> unmatched;
    Status st = cl::ApplyNameOverrides(ss.str(), "names file " + a.names, edition->place_radius_km,
                                       &map, &unmatched);
    if (!st.ok()) return Fail(st, kExitInput);
    for (const std::string& u : unmatched) std::cerr << "warning: " << u << "\n";
  }
  // The profiles' record scan runs while the map is written and stored.
  std::unique_ptr<cl::ProfileScan> scan;
  if (!a.dry_run && !a.no_profiles) {
    scan = cl::ProfileScan::Start(store, map, *edition, /*threads=*/0);
  }
  if (!a.out.empty()) {
    Status st = cl::WriteClusterMapFile(map, a.out);
    if (!st.ok()) return Fail(st, kExitInput);
  }
  if (a.dry_run) {
    std::cerr << "dry run: the store is unchanged\n";
    return kExitOk;
  }
  Status st = cl::SaveClusterMap(&store, &map);
  if (!st.ok()) return Fail(st, kExitStore);
  // An edition from a file is kept in the store under its name, so that
  // rank/show/export use it for this map without --edition.
  bool builtin = false;
  for (const std::string& n : cl::BuiltinEditionNames()) builtin |= n == edition->name;
  if (!builtin && map.edition == edition->name) {
    st = store.PutMeta(cl::kEditionMetaPrefix + edition->name, cl::EditionToJson(*edition));
    if (!st.ok()) return Fail(st, kExitStore);
  }
  // The ranking's sums and the noise locations, as the last write: rank,
  // show, report and export --by profile use them instead of reading every
  // aggregate again while the store stays unchanged (cluster/saved_ranking.h). A map on another
  // grid than the edition's (an imported file) has none. With them the profiles' tallies
  // (cluster/saved_profiles.h): show, report and export --by profile then need not scan every
  // record.
  if (auto sums = cl::SumClusters(*data, map); sums.ok()) {
    std::optional<cl::ProfileTallies> tallies;
    if (scan != nullptr) {
      auto scanned = scan->FinishTallies(cl::kSavedProfileOrgs);
      if (scanned.ok()) {
        tallies = std::move(*scanned);
      } else {
        std::cerr << "warning: " << scanned.status().ToString()
                  << ": the profiles are not kept (show, report and export --by profile will "
                     "scan the records)\n";
      }
    }
    // The noise locations `report` draws (those of at least five records).
    const std::vector<cl::NoisePoint> noise =
        cl::NoiseLocations(*data, map, cl::kSavedNoiseMinUnits);
    st = cl::SaveRankingSums(&store, map, *edition, *sums, tallies ? &*tallies : nullptr, &noise);
    if (!st.ok()) return Fail(st, kExitStore);
    if (tallies) {
      std::cerr << "profiles of " << tallies->clusters.size()
                << " clusters kept: show, report and export --by profile read them while the "
                   "store is unchanged\n";
    }
  }
  // The map out of the log: later commands do not read it back on opening.
  st = store.Flush();
  if (!st.ok()) return Fail(st, kExitStore);
  std::cerr << "cluster map version " << map.version << " is now current\n";
  return kExitOk;
}

}  // namespace

Command AddDelineateCommand(CLI::App& app) {
  auto a = std::make_shared<DelineateArgs>();
  CLI::App* sub = app.add_subcommand(
      "delineate",
      "Find the clusters (weighted DBSCAN per metric, merged) and store them as the current "
      "cluster map.");
  sub->add_option("--db", a->db, "Store directory")->required();
  sub->add_option("--edition", a->edition,
                  "Edition: gii2023, gii2024, gii2025, or an edition file (docs/clusters.md)")
      ->capture_default_str();
  sub->add_option("--eps-km", a->eps_km, "DBSCAN radius for every metric (default: the edition's)")
      ->check(CLI::Range(0.0, 20000.0));
  sub->add_option("--merge-km", a->merge_km,
                  "Merge clusters of different metrics closer than this (default: --eps-km, or "
                  "the edition's)")
      ->check(CLI::Range(0.0, 20000.0));
  sub->add_option("--min-weight", a->min_weight,
                  "Core threshold for every metric: records (\"120\") or a share of the world "
                  "total (\"0.01%\")");
  sub->add_option("--names", a->names, "Name overrides file (lat,lon,name[,economy])");
  sub->add_option("--clusters", a->clusters,
                  "Store this cluster map file (made elsewhere) instead of delineating");
  sub->add_option("--gazetteer", a->gazetteer,
                  "Gazetteer index for cluster names (default: the installed one; none: "
                  "coordinates)");
  sub->add_option("--out", a->out, "Also write the cluster map to this file");
  sub->add_flag("--dry-run", a->dry_run, "Do not store the map (use with --out)");
  sub->add_flag("--no-profiles", a->no_profiles,
                "Do not keep the clusters' profiles in the store (skips a scan of every "
                "record; show, report and export --by profile then scan the records "
                "themselves)");
  sub->add_flag("--list", a->list, "List the stored cluster map versions");
  sub->add_option("--use", a->use, "Make stored version N current")->check(CLI::PositiveNumber);
  return {sub, [a] { return RunDelineate(*a); }};
}

}  // namespace stc
