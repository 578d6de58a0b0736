// The visual report: one self-contained HTML page (inline CSS, SVG and a few
// lines of script; nothing fetched at view time) with
//   - the edition, its settings and the cluster map it ranks;
//   - a world map (Natural Earth I, projection.h) of the country outlines,
//     the ranked clusters as circles whose area is proportional to the size
//     score, coloured by leading economy, and the noise locations as faint
//     dots;
//   - a bar chart of the top clusters with the score stacked by metric share;
//   - the size ranking table, the intensity ranking table (when populations
//     are known) and the clusters per economy;
//   - a profile per ranked cluster, shown on click (circle, bar or table
//     row) and summarised in the hover title of each circle.
// Layout and definitions: docs/report.md.
//
// Every text from records or files is escaped (html_escape.h). The output is
// deterministic: the same inputs give the same bytes (no clock, no random).
//
// Thread-safety: functions of their arguments.
#ifndef STCLUSTER_REPORT_REPORT_H_
#define STCLUSTER_REPORT_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/delineate.h"
#include "cluster/intensity.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "core/units.h"
#include "report/topojson.h"

namespace stc::report {

// The noise locations (cluster/delineate.h; delineate keeps them with the
// ranking's sums, cluster/saved_ranking.h).
using cluster::NoiseLocations;
using cluster::NoisePoint;

struct ReportOptions {
  int top = 100;         // Clusters on the map, in the table and with a profile.
  int bar_top = 25;      // Clusters in the bar chart.
  int map_width = 1000;  // Pixels (the SVG scales with the page).
  // Latitude band of the map; Antarctica is left out.
  double lat_top = 84, lat_bottom = -58;
  Units noise_min_units = 5 * kUnit;  // Stated in the page.
};

// What the page shows. Pointers are borrowed for the call; `ranking` and
// `map` are required, the others may be null or empty.
struct ReportInput {
  const cluster::Ranking* ranking = nullptr;
  const cluster::ClusterMap* map = nullptr;            // The map `ranking` was computed on.
  const std::vector<GeoFeature>* countries = nullptr;  // Outlines; null = none drawn.
  std::string countries_source;  // "Natural Earth 1:110m via world-atlas 2.0.2", stated.
  std::vector<NoisePoint> noise;
  // Profiles by rank order (ComputeProfiles); may be empty or cover fewer
  // clusters, matched by cluster id.
  const std::vector<cluster::ClusterProfile>* profiles = nullptr;
  std::string population_source;  // Stated when profiles carry populations.
  // The intensity ranking (per million inhabitants); null = no such table.
  const cluster::IntensityRanking* intensity = nullptr;
  std::string title = "Science and technology clusters";
  std::string generator = "stcluster report";  // Stated in the footer.
};

// Renders the page. Never fails: missing parts are left out and said so.
std::string RenderReport(const ReportInput& input, const ReportOptions& options);

}  // namespace stc::report

#endif  // STCLUSTER_REPORT_REPORT_H_
