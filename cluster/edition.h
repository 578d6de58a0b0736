// Editions: the settings of one ranking (which metrics, their year windows,
// the DBSCAN and grid settings, how names and economies are made).
//
// An edition is a small JSON file (docs/clusters.md, "Edition files"; schema
// docs/schema/edition.schema.json). The built-in gii2023, gii2024 and gii2025
// are such files compiled into the library (edition.cc); settings a file
// leaves out take the defaults written below. docs/clusters.md says which
// values are published by WIPO and which are ours.
//
// Plain values; thread-compatible.
#ifndef STCLUSTER_CLUSTER_EDITION_H_
#define STCLUSTER_CLUSTER_EDITION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/status.h"
#include "core/units.h"

namespace stc::cluster {

// One metric of an edition: a source over an inclusive year window, with its
// DBSCAN settings.
struct MetricSpec {
  Source source = Source::kPct;
  int32_t year_from = 0;
  int32_t year_to = 0;
  // DBSCAN radius, great-circle km.
  double eps_km = 12.0;
  // Core threshold: the weight within eps_km must reach
  // max(min_weight, ceil(min_share * world total of the metric)).
  Units min_weight = 0;     // Absolute units (kUnit = one record).
  double min_share = 1e-4;  // Fraction of the world total (1e-4 = 0.01%).
  // Weight of the metric's share in the size score (WIPO: equal weights).
  double weight = 1.0;
  // Subject filter: aggregation fields (IPC section for PCT, ASJC subject
  // area for articles, docs/formats.md) left out of the metric: their
  // records count neither in clusters nor in the world total. Sorted, unique.
  std::vector<std::string> exclude_fields;

  // "PCT applications", "Scientific publications", "VC deals".
  std::string_view Title() const;
  // "2019-2023".
  std::string Years() const;
  // The threshold in units for a world total of `world` units.
  Units Threshold(Units world) const;
  // Whether records of `field` count (not excluded by the subject filter).
  bool Counts(std::string_view field) const;

  friend bool operator==(const MetricSpec&, const MetricSpec&) = default;
};

struct Edition {
  std::string name;                 // "gii2024".
  std::string description;          // One line: what it reproduces.
  std::vector<MetricSpec> metrics;  // Ranking columns in this order.
  // Clusters of different metrics merge when a cell of one lies within
  // merge_km of a cell of the other (0: only when they share a cell).
  double merge_km = 12.0;
  // Grid the delineation works on, 1e-5 degrees. Must be a multiple of the
  // store's grid step (cells are re-snapped onto it); 0 = the store's grid.
  int32_t grid_step_e5 = 1000;
  // Naming: each cluster cell is attributed to the most populous gazetteer
  // place within place_radius_km; the name joins the top place and the next
  // ones (up to max_name_places) whose activity is at least
  // name_min_ratio of the top place's.
  double place_radius_km = 15.0;
  int max_name_places = 3;
  double name_min_ratio = 0.2;
  // Economy: every country holding at least this fraction of the cluster's
  // activity, largest first, joined by "/".
  double economy_min_share = 0.02;

  // "eps_km=12 merge_km=12 grid_deg=0.01 pct:2019-2023:min_share=0.0001 ..."
  // (stored with every cluster map and printed with every ranking).
  std::string Settings() const;
  // The metric of `source`, or -1.
  int MetricIndex(Source source) const;

  friend bool operator==(const Edition&, const Edition&) = default;
};

// Names of the built-in editions, oldest first.
std::vector<std::string> BuiltinEditionNames();
// The built-in edition `name`. NotFound lists the known names.
Result<Edition> BuiltinEdition(std::string_view name);
// The edition every command uses without --edition.
inline constexpr char kDefaultEdition[] = "gii2024";

// Store meta entry (Store::PutMeta) "edition_file/NAME" holding the file of
// a non-built-in edition a stored cluster map was delineated with.
inline constexpr char kEditionMetaPrefix[] = "edition_file/";

// Parses an edition file (JSON). `what` names the source in errors. Keys left
// out take the defaults of the structs above; unknown keys are errors (a typo
// must not silently fall back to a default). DataError naming the source and
// the field, e.g. "edition file my.json: metrics[1].eps_km: must be > 0".
Result<Edition> ParseEdition(std::string_view json, std::string_view what);

// The complete edition file of `e`: every setting written, so that
// ParseEdition(EditionToJson(e)) == e. Deterministic.
std::string EditionToJson(const Edition& e);

// Checks every setting's range; DataError naming the field.
Status ValidateEdition(const Edition& e);

// `name_or_path`: a built-in name, else the path of an edition file.
// NotFound (listing the built-in names) when it is neither; IoError/DataError
// naming the file when unreadable or malformed.
Result<Edition> LoadEdition(const std::string& name_or_path);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_EDITION_H_
