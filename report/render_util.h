// Internal to report/: number formatting, colours and the parts of the page
// (map_svg.cc, chart_svg.cc, report.cc). Not a public header.
#ifndef STCLUSTER_REPORT_RENDER_UTIL_H_
#define STCLUSTER_REPORT_RENDER_UTIL_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/ranking.h"
#include "core/units.h"
#include "report/report.h"

namespace stc::report {

// "%.*f".
std::string Fixed(double v, int decimals);
// Whole records, rounded half up, with thousands separators: "127,418".
std::string RoundedCount(Units u);
// Records with one decimal below 100, whole ones above: "3.5", "1,204".
std::string Records(Units u);
// The leading code of an economy: "CN" of "CN/HK"; "" stays "".
std::string LeadingEconomy(std::string_view economy);

// Colours of the leading economies of the shown clusters: the economies
// with most clusters (EconomyCounts order) get the palette's colours, the
// rest share kOtherColour.
class EconomyColours {
 public:
  static constexpr const char* kOtherColour = "#9a9a9a";
  EconomyColours(const cluster::Ranking& ranking, int top);
  const char* Of(std::string_view economy) const;  // By the leading code.
  // (code, colour, clusters) in legend order; the last entry is "other"
  // (code "") when some economy has no colour of its own.
  struct Entry {
    std::string code;
    const char* colour;
    int clusters;
  };
  const std::vector<Entry>& legend() const { return legend_; }

 private:
  std::map<std::string, const char*, std::less<>> colour_;
  std::vector<Entry> legend_;
};

// The colour of edition metric `m` in the bar chart.
const char* MetricColour(size_t m);

// The number of rows shown: min(top, ranking rows), >= 0.
size_t ShownRows(const cluster::Ranking& ranking, int top);

// The ring with longitudes made continuous: every step of more than 180
// degrees is taken the short way round, so a ring crossing the antimeridian
// leaves [-180, 180] on one side instead of jumping across the map. Sets
// *encircles_pole when the ring winds once around a pole (it does not close
// after unwrapping).
std::vector<LonLat> UnwrapLongitudes(const Ring& ring, bool* encircles_pole);

// Appends the world map <svg> (outlines, noise dots, cluster circles, legend).
void AppendMapSvg(const ReportInput& in, const ReportOptions& opt, const EconomyColours& colours,
                  std::string* out);
// Appends the bar chart <svg> of the first opt.bar_top rows.
void AppendBarChartSvg(const ReportInput& in, const ReportOptions& opt, std::string* out);

// Appends the hidden profile <div>s (id "p-<cluster id>") of the shown rows.
void AppendProfiles(const ReportInput& in, const ReportOptions& opt, std::string* out);

}  // namespace stc::report

#endif  // STCLUSTER_REPORT_RENDER_UTIL_H_
