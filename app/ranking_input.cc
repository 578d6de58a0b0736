#include "app/ranking_input.h"

#include <filesystem>
#include <iostream>
#include <optional>

#include "app/command.h"
#include "cluster/delineate.h"
#include "cluster/map_store.h"
#include "cluster/naming.h"
#include "cluster/saved_profiles.h"
#include "cluster/saved_ranking.h"
#ifdef STC_CLUSTER_GAZETTEER
#include "cluster/gazetteer_places.h"
#include "geo/gazetteer.h"
#endif

namespace stc {

namespace cl = stc::cluster;

int ResolveEdition(const std::string& name_or_file, cl::Edition* out) {
  auto e = cl::LoadEdition(name_or_file);
  if (!e.ok()) {
    return Fail(e.status(), e.status().code() == StatusCode::kNotFound ? kExitUsage : kExitInput);
  }
  *out = std::move(*e);
  return kExitOk;
}

int LoadRankingInput(const std::string& db, const std::string& clusters_file,
                     const std::string& edition, RankingInput* out,
                     const std::function<cl::ProfileScan*(const RankingInput&)>& on_opened) {
  auto opened = OpenForReading(db);
  if (!opened.ok()) return StoreFail(opened.status());
  out->store = std::move(*opened);
  const Store& store = *out->store;
  if (Status st = CheckNoReplaceInProgress(store); !st.ok()) return Fail(st, kExitStore);

  if (!clusters_file.empty()) {
    auto m = cl::ReadClusterMapFile(clusters_file, store.grid().step_e5());
    if (!m.ok()) return Fail(m.status(), kExitInput);
    out->map = std::move(*m);
  } else {
    auto m = cl::LoadCurrentClusterMap(store);
    if (!m.ok()) return Fail(m.status(), kExitStore);
    if (!m->has_value()) {
      std::cerr << "stcluster: store " << db << " has no cluster map: run `stcluster delineate "
                << "--db " << db << "` first, or pass --clusters FILE\n";
      return kExitStore;
    }
    out->map = std::move(**m);
  }
  cl::ClusterMap& map = out->map;

  std::string edition_name = edition;
  bool resolved = false;
  if (edition_name.empty()) {
    edition_name = cl::kDefaultEdition;
    bool builtin = false;
    for (const std::string& n : cl::BuiltinEditionNames()) {
      if (n == map.edition) edition_name = n, builtin = true;
    }
    if (!builtin && !map.edition.empty()) {
      // An edition file delineate kept in the store with the map.
      auto kept = store.GetMeta(cl::kEditionMetaPrefix + map.edition);
      if (!kept.ok()) return Fail(kept.status(), kExitStore);
      if (kept->has_value()) {
        auto e = cl::ParseEdition(**kept, "edition '" + map.edition + "' kept in the store");
        if (!e.ok()) return Fail(e.status(), kExitStore);
        out->edition = std::move(*e);
        resolved = true;
      } else {
        std::cerr << "note: the cluster map was delineated for edition '" << map.edition
                  << "', which is not built in: ranking with " << edition_name
                  << " (pass --edition FILE to use its file)\n";
      }
    }
  }
  if (!resolved) {
    if (int rc = ResolveEdition(edition_name, &out->edition); rc != kExitOk) return rc;
  }
  const cl::Edition& ed = out->edition;
  cl::ProfileScan* scan = on_opened ? on_opened(*out) : nullptr;

  // Names missing from an imported map, and a check that the map was made
  // from the data now in the store.
  bool unnamed = false;
  for (const cl::ClusterInfo& c : map.clusters) unnamed |= c.name.empty();
  // The sums delineate saved, while the store is unchanged since: the
  // aggregates are those the map was made from (cluster/saved_ranking.h).
  std::optional<cl::RankingSums> saved;
  if (clusters_file.empty() && !unnamed && map.edition == ed.name) {
    auto loaded = cl::LoadRankingSums(store, map, ed);
    if (loaded.ok()) {
      saved = std::move(*loaded);
    } else {
      std::cerr << "warning: " << loaded.status().ToString()
                << ": ranking from the aggregates instead\n";
    }
  }
  // The check of the map against the aggregates needs their fingerprint: a
  // record scan that ranks the clusters reads no aggregates, so it takes the
  // fingerprint the last delineation saved, while the store is unchanged
  // since (cluster/saved_ranking.h).
  const bool check_map = map.edition == ed.name && map.fingerprint != 0;
  std::optional<uint64_t> fingerprint;
  if (!saved && !unnamed && check_map && scan != nullptr) {
    auto known = cl::CurrentDataFingerprint(store, ed);
    if (known.ok()) {
      fingerprint = *known;
    } else {
      std::cerr << "warning: " << known.status().ToString()
                << ": checking the map against the aggregates instead\n";
    }
  }
  std::optional<cl::DelineationData> data;
  if (!saved &&
      (unnamed || (check_map && !fingerprint) || (map.edition == ed.name && scan == nullptr))) {
    auto loaded = cl::LoadDelineationData(store, ed);
    if (!loaded.ok()) return StoreFail(loaded.status());
    data = std::move(*loaded);
    if (unnamed) cl::NameClusters(*data, nullptr, &map);
    fingerprint = data->fingerprint;
  }
  if (check_map && fingerprint && map.fingerprint != *fingerprint) {
    std::cerr << "note: the store's " << ed.name << " aggregates changed since cluster map "
              << (map.version ? "version " + std::to_string(map.version) : clusters_file)
              << " was made; its clusters are kept as they are (run delineate to redo them)\n";
  }
  // The aggregates read for that check rank the clusters when they are on
  // the map's grid; otherwise the sums of the caller's record scan, or the
  // aggregates read from the store.
  auto rank = [&]() -> Result<cl::Ranking> {
    if (saved) return cl::RankSums(*saved, map, ed);
    if (data && data->grid_step_e5 == map.grid_step_e5) return cl::ComputeRanking(*data, map);
    if (scan != nullptr) {
      STC_ASSIGN_OR_RETURN(cl::RankingSums sums, scan->Sums());
      return cl::RankSums(sums, map, ed);
    }
    return cl::ComputeRanking(store, map, ed);
  };
  auto ranking = rank();
  if (!ranking.ok()) return Fail(ranking.status(), kExitStore);
  for (size_t m = 0; m < ranking->world.size(); ++m) {
    if (ranking->world[m] == 0) {
      std::cerr << "warning: no " << SourceName(ed.metrics[m].source) << " records in "
                << ed.metrics[m].Years() << ": its shares are 0\n";
    }
  }
  out->ranking = std::move(*ranking);
  out->data = std::move(data);
  return kExitOk;
}

std::optional<cl::ProfileTallies> SavedProfileTallies(const RankingInput& in, int top_items) {
  if (top_items > cl::kSavedProfileOrgs) return std::nullopt;
  auto loaded = cl::LoadProfileTallies(*in.store, in.map, in.edition);
  if (!loaded.ok()) {
    std::cerr << "warning: " << loaded.status().ToString()
              << ": scanning the records for the profiles instead\n";
    return std::nullopt;
  }
  return std::move(*loaded);
}

Result<std::vector<cl::ClusterProfile>> ProfilesOf(const RankingInput& in,
                                                   const cl::Ranking& ranking,
                                                   const cl::ProfileOptions& options) {
  if (auto saved = SavedProfileTallies(in, options.top_items)) {
    return cl::ProfilesFromTallies(*saved, in.map, ranking, options);
  }
  return cl::ComputeProfiles(*in.store, in.map, ranking, options);
}

cl::ProfileScan* ProfileSource::Open(const RankingInput& in, int top_items) {
  saved_ = SavedProfileTallies(in, top_items);
  if (!saved_) scan_ = cl::ProfileScan::Start(*in.store, in.map, in.edition, /*threads=*/0);
  return scan_.get();
}

Result<std::vector<cl::ClusterProfile>> ProfileSource::Profiles(const RankingInput& in,
                                                                const cl::Ranking& ranking,
                                                                const cl::ProfileOptions& options) {
  if (saved_) return cl::ProfilesFromTallies(*saved_, in.map, ranking, options);
  if (scan_ != nullptr) return scan_->Finish(in.map, ranking, options);
  return ProfilesOf(in, ranking, options);
}

int LoadPopulations(const std::string& path, const cl::ClusterMap& map, bool required,
                    cl::ClusterPopulations* out) {
  *out = cl::ClusterPopulations{};
  if (path == "none") return kExitOk;
#ifdef STC_CLUSTER_GAZETTEER
  const std::string p = path.empty() ? DefaultGazetteerPath() : path;
  auto g = geo::Gazetteer::Open(p);
  if (!g.ok()) {
    if (required || !path.empty()) {
      std::cerr << "stcluster: " << g.status().ToString()
                << "\n  (populations come from the gazetteer index: run scripts/setup, or pass "
                   "--gazetteer FILE)\n";
      return kExitInput;
    }
    std::cerr << "warning: no gazetteer (" << g.status().ToString()
              << "): populations are unknown\n";
    return kExitOk;
  }
  cl::GazetteerPopulation source(g->get(), std::filesystem::path(p).filename().string());
  auto pops = cl::ComputeClusterPopulations(map, source);
  if (!pops.ok()) return Fail(pops.status(), kExitInput);
  *out = std::move(*pops);
  return kExitOk;
#else
  (void)map;
  if (required || !path.empty()) {
    std::cerr << "stcluster: this build has no gazetteer support (geo/): populations unknown\n";
    return kExitInput;
  }
  return kExitOk;
#endif
}

}  // namespace stc
