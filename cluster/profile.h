// Cluster profiles: who and what is behind each ranked cluster, year by year,
// and how intense its activity is per inhabitant (docs/clusters.md,
// "Profiles").
//
// ComputeProfiles scans the stored records once (Store::ForEachRecordParallel:
// key ranges scanned by several threads, their tallies combined in key order,
// so the result is that of a serial scan). A
// record counts towards an edition metric when its source and year fall in
// the metric's window. Its weight in a cluster is the sum of the units of its
// weighted points whose cell the cluster map assigns to that cluster (the same
// units the size ranking sums from the aggregates, so the year counts of a
// profile add up exactly to the ranking's units). That weight is attributed:
//   - to its organisations (PCT applicants; article affiliations): split
//     equally over the record's distinct organisation names (trimmed, compared
//     case-insensitively; the first spelling seen names the group);
//   - to its technology fields (PCT): the record's IPC codes mapped to WIPO's
//     35 technology fields (tech_fields.h), split equally over the distinct
//     fields of all its codes;
//   - to its scientific fields (articles): the distinct ASJC subject areas
//     (two leading digits of its subject codes; OpenAlex fields are the same
//     codes), split equally; without codes, the record's aggregation field.
// An equal split of w units over k items gives each w / k units, the
// remainder (< k units) going one unit each to the first items in name
// order, so attributed units are integers and sum exactly to w. Records
// without any organisation (or field) leave their weight unattributed:
// shares are of the cluster's whole metric count, so they may sum to less
// than 100%.
//
// Shares are fractions in [0, 1]. Ties in "top" lists: more units first,
// then name order.
//
// A scan's tallies (ProfileTallies, from ProfileScan::FinishTallies) can be
// kept: `delineate` saves them in the store (saved_profiles.h), and
// ProfilesFromTallies builds from them the profiles a scan would give.
//
// Thread-safety: functions of their arguments; the store must stay open and
// `options.population` must outlive the call.
#ifndef STCLUSTER_CLUSTER_PROFILE_H_
#define STCLUSTER_CLUSTER_PROFILE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/edition.h"
#include "cluster/population.h"
#include "cluster/ranking.h"
#include "core/record.h"
#include "core/status.h"
#include "core/units.h"
#include "stores/store.h"

namespace stc::cluster {

// One organisation or field with the cluster weight attributed to it.
struct ProfileItem {
  std::string code;  // Field code ("13" = WIPO field 13, "17" = ASJC 17); "" for organisations.
  std::string name;  // "Medical technology", "Computer Science", "Huawei Technologies Co Ltd".
  Units units = 0;   // Attributed units (kUnit = one whole record).
  double share = 0;  // units / the cluster's units of the metric, in [0, 1].

  bool operator==(const ProfileItem&) const = default;
};

// Every field of one (cluster, metric) with its units per window year (the
// rows of the profile export).
struct FieldSeries {
  std::string code, name;         // As in ProfileItem.
  Units units = 0;                // Sum of year_units.
  std::vector<Units> year_units;  // As MetricProfile::year_units.

  bool operator==(const FieldSeries&) const = default;
};

// One edition metric of one cluster.
struct MetricProfile {
  Source source = Source::kPct;
  int32_t year_from = 0, year_to = 0;  // The metric's window.
  std::vector<Units> year_units;       // year_to - year_from + 1 entries, year_from first.
  Units units = 0;                     // Sum of year_units (= RankedCluster::units[m]).
  double share_pct = 0;                // Of the world total, as in the ranking.
  // Compound annual growth from the first to the last year of the window:
  // (last / first)^(1 / (years - 1)) - 1, as a fraction; nullopt when the
  // first year has no units or the window is a single year.
  std::optional<double> growth;
  // Records per million inhabitants over the window: units / kUnit / population
  // * 1e6; nullopt when the population is 0 (unknown).
  std::optional<double> per_million;
  // Top organisations (applicants for PCT, affiliations for articles, funded
  // companies for VC) and top fields (technology fields for PCT, ASJC subject
  // areas for articles; none for VC), at most ProfileOptions::top_items each,
  // largest first.
  std::vector<ProfileItem> top_orgs;
  std::vector<ProfileItem> top_fields;
  // Every field with units, in code order (technology fields numerically).
  std::vector<FieldSeries> fields;
};

struct ClusterProfile {
  int rank = 0;  // Size rank (RankedCluster::rank).
  int32_t id = 0;
  std::string name, economy;
  double score = 0;  // Size score, as in the ranking.
  // Footprint: cells, centre, radius (from the cluster map).
  int64_t cells = 0;
  int32_t centre_lat_e5 = 0, centre_lon_e5 = 0;
  double radius_km = 0;
  // Summed population of the gazetteer places inside the footprint
  // (population.h); 0 when unknown or no population source was given.
  int64_t population = 0;
  int32_t places = 0;                  // Number of those places.
  std::vector<MetricProfile> metrics;  // Per edition metric, edition order.

  // The published profile columns; nullptr when the edition has no metric of
  // that source or nothing was attributed.
  const ProfileItem* TopApplicant() const;        // Top PCT applicant.
  const ProfileItem* TopTechnologyField() const;  // Top WIPO technology field.
  const ProfileItem* TopScientificOrg() const;    // Top article organisation.
  const ProfileItem* TopScientificField() const;  // Top ASJC subject area.
  // The metric of `source`, or nullptr.
  const MetricProfile* Metric(Source source) const;
};

// What a profile is built from, for one (cluster, metric): the scan's
// tallies (ProfileScan::FinishTallies), kept in the store by `delineate`
// (saved_profiles.h).
struct MetricTally {
  std::vector<Units> year_units;  // As MetricProfile::year_units.
  // Organisations with units, most units first (ties: name order), at most
  // ProfileTallies::kept_orgs of them; code and share unset.
  std::vector<ProfileItem> orgs;
  std::vector<FieldSeries> fields;  // As MetricProfile::fields.

  bool operator==(const MetricTally&) const = default;
};

// The tallies of every cluster of a map with units in an edition's metrics.
struct ProfileTallies {
  // Organisations kept per (cluster, metric): profiles of up to that many
  // top organisations can be built from these tallies.
  int kept_orgs = 0;
  // By cluster id; a cluster of the map that is missing has no units in any
  // metric. Each vector has one entry per edition metric, edition order.
  std::map<int32_t, std::vector<MetricTally>> clusters;

  bool operator==(const ProfileTallies&) const = default;
};

struct ProfileOptions {
  // Entries kept in each top list.
  int top_items = 5;
  // Populations of the clusters (population.h); nullptr = unknown (0).
  const ClusterPopulations* population = nullptr;
  // Threads scanning the records (Store::ForEachRecordParallel); 0 = one per
  // core. The result does not depend on it.
  int threads = 0;
};

// Profiles of every row of `ranking` (rank order), computed from `store`'s
// records through `map` (the map the ranking was computed on). Store errors
// and record decoding errors (Corruption naming the key) as they come.
Result<std::vector<ClusterProfile>> ComputeProfiles(const Store& store, const ClusterMap& map,
                                                    const Ranking& ranking,
                                                    const ProfileOptions& options);

// The same scan started before the ranking is known: its Sums rank the
// clusters (export --by profile and show, without reading the aggregates),
// or it runs while the caller ranks otherwise (delineate stores the map
// meanwhile). It tallies every cluster of the map (ComputeProfiles only
// the ranked ones: without a score a cluster has no records in the edition's
// windows, so the extra tallies are empty), and Finish keeps the ranking's
// rows: the result equals ComputeProfiles(store, map, ranking, options) for a
// ranking of that map and edition. Not thread-safe; one Finish per scan.
class ProfileScan {
 public:
  // Starts the scan on a thread of its own (with `threads` parts, as
  // ProfileOptions::threads; without a thread to be had, it scans before
  // returning). `store` must outlive the scan; what it reads
  // of `map` (its cells) and `edition` are copied, so the caller may change
  // the map (e.g. name its clusters) meanwhile.
  static std::unique_ptr<ProfileScan> Start(const Store& store, const ClusterMap& map,
                                            const Edition& edition, int threads);
  // Waits for the scan; the profiles of `ranking`'s rows (rank order), as
  // ComputeProfiles. Store and decoding errors as ComputeProfiles;
  // InvalidArgument when the ranking's edition has other metrics than the
  // scan's or ranks a cluster that is not on the scanned map. `map` gives
  // the footprints, as in ComputeProfiles.
  Result<std::vector<ClusterProfile>> Finish(const ClusterMap& map, const Ranking& ranking,
                                             const ProfileOptions& options);
  // Waits for the scan; the tallies of every cluster of the map with units
  // in the edition (at most `kept_orgs` organisations each), for
  // ProfilesFromTallies. Store and decoding errors as ComputeProfiles. Use
  // either Finish or FinishTallies, once.
  Result<ProfileTallies> FinishTallies(int kept_orgs);
  // Waits for the scan; the sums the size ranking of the map's clusters
  // needs (RankSums), from the scanned records instead of the aggregates:
  // equal to the sums of the aggregates of a store the records agree with
  // (what `verify` checks), as the profiles' year counts are. The world
  // totals as WorldTotals (a metric with a subject filter counted in the
  // scan). Store and decoding errors as ComputeProfiles; Internal after
  // Finish or FinishTallies. Call it before either of them, as often as
  // wanted.
  Result<RankingSums> Sums();
  // A scan not finished is stopped (its result dropped) and waited for.
  ~ProfileScan();
  ProfileScan(const ProfileScan&) = delete;
  ProfileScan& operator=(const ProfileScan&) = delete;

 private:
  struct Impl;
  // Waits for the scan; its status. Internal when already finished.
  Status Wait();
  // Waits for the scan (again, if need be); its status.
  Status Join();
  explicit ProfileScan(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The profiles of `ranking`'s rows (rank order) from `tallies` of the map
// the ranking was computed on: equal to ComputeProfiles(store, map, ranking,
// options) for the tallies of a scan of that store, map and edition.
// InvalidArgument when options.top_items exceeds tallies.kept_orgs or a
// tally has another number of metrics or years than the ranking's edition.
Result<std::vector<ClusterProfile>> ProfilesFromTallies(const ProfileTallies& tallies,
                                                        const ClusterMap& map,
                                                        const Ranking& ranking,
                                                        const ProfileOptions& options);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_PROFILE_H_
