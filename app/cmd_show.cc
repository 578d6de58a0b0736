// The `show` subcommand: one cluster's profile (docs/clusters.md, "Profiles"),
// or, without --db, an edition's complete file.
#include <iostream>

#include "app/command.h"
#include "app/ranking_input.h"
#include "cluster/profile.h"
#include "cluster/profile_format.h"

namespace stc {
namespace {

namespace cl = stc::cluster;

struct ShowArgs {
  std::string cluster;
  std::string db;
  std::string edition;
  std::string clusters;
  std::string gazetteer;
  std::string format = "text";
  int top_items = 5;
};

int RunShow(const ShowArgs& a) {
  if (a.db.empty()) {
    if (a.edition.empty() || !a.cluster.empty()) {
      std::cerr << "stcluster: show needs --db DIR and a CLUSTER (rank, id:N or name), or "
                   "--edition NAME|FILE alone to print an edition file\n";
      return kExitUsage;
    }
    cl::Edition e;
    if (int rc = ResolveEdition(a.edition, &e); rc != kExitOk) return rc;
    std::cout << cl::EditionToJson(e);
    return kExitOk;
  }
  if (a.cluster.empty()) {
    std::cerr << "stcluster: which cluster? give its rank (3), id (id:12) or name\n";
    return kExitUsage;
  }
  // The profile's source opened with the store: a record scan, when the
  // tallies delineate kept are not current, starts at once and ranks the
  // clusters (no aggregates read: ranking_input.h).
  RankingInput in;
  ProfileSource source;
  auto open = [&](const RankingInput& opened) { return source.Open(opened, a.top_items); };
  if (int rc = LoadRankingInput(a.db, a.clusters, a.edition, &in, open); rc != kExitOk) return rc;
  auto row = cl::FindCluster(in.ranking, a.cluster);
  if (!row.ok()) return Fail(row.status(), kExitUsage);

  cl::ProfileSet set;
  set.ranking = in.ranking;
  set.ranking.rows = {**row};
  cl::ClusterPopulations populations;
  if (int rc = LoadPopulations(a.gazetteer, in.map, /*required=*/false, &populations);
      rc != kExitOk) {
    return rc;
  }
  set.population_source = populations.source;
  cl::ProfileOptions options;
  options.top_items = a.top_items;
  options.population = populations.source.empty() ? nullptr : &populations;
  auto profiles = source.Profiles(in, set.ranking, options);
  if (!profiles.ok()) return Fail(profiles.status(), kExitStore);
  set.profiles = std::move(*profiles);
  std::cout << cl::FormatClusterProfile(
      set, set.profiles.front(),
      a.format == "json" ? cl::ProfileFormat::kJson : cl::ProfileFormat::kText);
  std::cout.flush();
  if (!std::cout) return Fail(Status::IoError("writing the profile failed"), kExitInput);
  return kExitOk;
}

}  // namespace

Command AddShowCommand(CLI::App& app) {
  auto a = std::make_shared<ShowArgs>();
  CLI::App* sub = app.add_subcommand(
      "show",
      "Print one ranked cluster's profile (top applicant, organisation and fields, year by "
      "year counts, growth, population); without --db, print an edition's file.");
  sub->add_option("cluster", a->cluster, "The cluster: size rank (3), id (id:12) or name");
  sub->add_option("--db", a->db, "Store directory");
  sub->add_option("--edition", a->edition,
                  "Edition: gii2023, gii2024, gii2025 or an edition file (default: the map's, "
                  "else gii2024)");
  sub->add_option("--clusters", a->clusters, "Use this cluster map file instead of the store's");
  sub->add_option("--gazetteer", a->gazetteer,
                  "Gazetteer index for the population (default: $STC_GAZETTEER, else the one "
                  "scripts/setup builds; none = no population)");
  sub->add_option("--format", a->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub->add_option("--top-items", a->top_items, "Organisations and fields listed per metric")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  return {sub, [a] { return RunShow(*a); }};
}

}  // namespace stc
