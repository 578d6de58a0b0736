// The per-cluster profiles of the report (report.h): one hidden <div> per
// shown cluster, revealed by the page script on click.
#include <map>

#include "report/html_escape.h"
#include "report/render_util.h"

namespace stc::report {
namespace {

// The labels of the top lists of a metric, as WIPO's profiles name them.
struct TopLabels {
  const char* orgs;
  const char* fields;
};
TopLabels LabelsOf(Source s) {
  switch (s) {
    case Source::kPct:
      return {"Top PCT applicants", "Top technology fields"};
    case Source::kArticle:
      return {"Top scientific organisations", "Top scientific fields"};
    case Source::kVc:
      return {"Top funded companies", "Top fields"};
  }
  return {"Top organisations", "Top fields"};
}

void AppendItems(const char* label, const std::vector<cluster::ProfileItem>& items,
                 std::string* out) {
  if (items.empty()) return;
  out->append("<p class=\"tops\"><b>");
  out->append(label);
  out->append(":</b> ");
  for (size_t i = 0; i < items.size() && i < 3; ++i) {
    if (i) out->append("; ");
    AppendEscaped(items[i].name.empty() ? items[i].code : items[i].name, out);
    out->append(" <span class=\"share\">" + Fixed(100 * items[i].share, 1) + "%</span>");
  }
  out->append("</p>\n");
}

void AppendMetric(const cluster::MetricProfile& mp, const cluster::MetricSpec& spec,
                  std::string* out) {
  out->append("<h4>");
  AppendEscaped(std::string(spec.Title()) + " " + spec.Years(), out);
  out->append("</h4>\n<p>" + Records(mp.units) + " records, " + Fixed(mp.share_pct, 2) +
              "% of the world");
  if (mp.growth.has_value()) {
    out->append(", growth " + Fixed(100 * *mp.growth, 1) + "% a year");
  }
  if (mp.per_million.has_value()) {
    out->append(", " + Fixed(*mp.per_million, 1) + " per million inhabitants");
  }
  out->append("</p>\n");
  if (!mp.year_units.empty()) {
    out->append("<table class=\"years\"><tr>");
    for (size_t y = 0; y < mp.year_units.size(); ++y) {
      out->append("<th>" + std::to_string(mp.year_from + static_cast<int32_t>(y)) + "</th>");
    }
    out->append("</tr><tr>");
    for (Units u : mp.year_units) out->append("<td>" + Records(u) + "</td>");
    out->append("</tr></table>\n");
  }
  TopLabels labels = LabelsOf(mp.source);
  AppendItems(labels.orgs, mp.top_orgs, out);
  AppendItems(labels.fields, mp.top_fields, out);
}

}  // namespace

void AppendProfiles(const ReportInput& in, const ReportOptions& opt, std::string* out) {
  const cluster::Ranking& r = *in.ranking;
  std::map<int32_t, const cluster::ClusterProfile*> by_id;
  if (in.profiles != nullptr) {
    for (const cluster::ClusterProfile& p : *in.profiles) by_id[p.id] = &p;
  }
  const size_t shown = ShownRows(r, opt.top);
  for (size_t i = 0; i < shown; ++i) {
    const cluster::RankedCluster& row = r.rows[i];
    out->append("<div class=\"profile\" id=\"p-" + std::to_string(row.id) + "\" hidden>\n<h3>" +
                std::to_string(row.rank) + ". ");
    AppendEscaped(row.name, out);
    out->append(" <span class=\"eco\">");
    AppendEscaped(row.economy, out);
    out->append("</span></h3>\n<p>Score " + Fixed(row.score, 3) + " (sum of world shares, %)");
    if (row.previous_rank.has_value()) {
      out->append(", previous rank " + std::to_string(*row.previous_rank));
    }
    out->append("</p>\n");
    if (const cluster::ClusterInfo* info = in.map->Find(row.id)) {
      out->append("<p>Footprint: " + std::to_string(info->cells) + " cells around " +
                  Fixed(info->centre_lat_e5 / 1e5, 2) + ", " + Fixed(info->centre_lon_e5 / 1e5, 2) +
                  ", radius " + Fixed(info->radius_km, 1) + " km</p>\n");
    }
    auto it = by_id.find(row.id);
    if (it == by_id.end()) {
      for (size_t m = 0; m < r.edition.metrics.size() && m < row.units.size(); ++m) {
        out->append("<p>");
        AppendEscaped(
            std::string(r.edition.metrics[m].Title()) + " " + r.edition.metrics[m].Years(), out);
        out->append(": " + Records(row.units[m]) + " records, " + Fixed(row.share_pct[m], 2) +
                    "% of the world</p>\n");
      }
      out->append("<p class=\"note\">No profile computed for this cluster.</p>\n</div>\n");
      continue;
    }
    const cluster::ClusterProfile& p = *it->second;
    if (p.population > 0) {
      out->append("<p>Population " + RoundedCount(p.population * kUnit) + " (" +
                  std::to_string(p.places) + " gazetteer places in the footprint)</p>\n");
    }
    for (size_t m = 0; m < p.metrics.size() && m < r.edition.metrics.size(); ++m) {
      AppendMetric(p.metrics[m], r.edition.metrics[m], out);
    }
    out->append("</div>\n");
  }
}

}  // namespace stc::report
