// RenderReport (report.h): the page around the map, the chart and the tables.
#include "report/report.h"

#include <algorithm>
#include <cstdio>

#include "report/html_escape.h"
#include "report/render_util.h"

namespace stc::report {
namespace {

// Installed first, before anything can fail: records script errors and
// console.error calls into <html data-errors="N"> and a hidden list, so that
// a test reading the rendered DOM sees them.
constexpr char kErrorRecorder[] = R"(<script>
(function () {
  var n = 0;
  function record(msg) {
    n += 1;
    document.documentElement.setAttribute('data-errors', String(n));
    var li = document.createElement('li');
    li.textContent = String(msg);
    var list = document.getElementById('errors');
    if (list) list.appendChild(li);
  }
  window.addEventListener('error', function (e) { record(e.message || 'error'); });
  window.addEventListener('unhandledrejection', function (e) { record(String(e.reason)); });
  var original = console.error;
  console.error = function () {
    record(Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
</script>
)";

// Shows a cluster's profile when its circle, bar or row is clicked, and
// states what the browser rendered (read by the Chromium test).
constexpr char kPageScript[] = R"(<script>
(function () {
  var shown = null;
  function show(id) {
    var p = document.getElementById('p-' + id);
    if (!p) return;
    if (shown) shown.hidden = true;
    p.hidden = false;
    shown = p;
    document.getElementById('profile-hint').hidden = true;
    var marked = document.querySelectorAll('.selected');
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove('selected');
    var all = document.querySelectorAll('[data-c="' + id + '"]');
    for (var j = 0; j < all.length; j++) all[j].classList.add('selected');
  }
  // A link to report.html#c-ID opens that cluster's profile.
  var m = /^#c-(\d+)$/.exec(window.location.hash);
  if (m) show(m[1]);
  document.addEventListener('click', function (e) {
    var t = e.target.closest ? e.target.closest('[data-c]') : null;
    if (t) show(t.getAttribute('data-c'));
  });
  var root = document.documentElement;
  root.setAttribute('data-circles', String(document.querySelectorAll('#map circle.cluster').length));
  root.setAttribute('data-noise', String(document.querySelectorAll('#map .noise circle').length));
  root.setAttribute('data-bars', String(document.querySelectorAll('#bars g.bar').length));
  root.setAttribute('data-rows', String(document.querySelectorAll('#ranking tbody tr').length));
  root.setAttribute('data-intensity-rows',
                    String(document.querySelectorAll('#intensity tbody tr').length));
  root.setAttribute('data-ready', '1');
})();
</script>
)";

constexpr char kStyle[] = R"(<style>
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #222; background: #fafafa; }
header, section, footer { max-width: 1240px; margin: 0 auto; padding: 8px 20px; }
h1 { font-size: 24px; margin: 16px 0 4px; }
h2 { font-size: 18px; margin: 20px 0 8px; border-bottom: 1px solid #ddd; }
code { font-size: 12px; background: #eee; padding: 1px 3px; word-break: break-all; }
.meta { color: #555; font-size: 13px; }
.mapwrap { display: flex; gap: 16px; align-items: flex-start; }
#map { flex: 1 1 auto; width: 100%; max-width: 1000px; background: #fff; border: 1px solid #ddd; }
#map .ocean { fill: #eef4f8; }
#map .countries path { fill: #e4e4e0; stroke: #fff; stroke-width: 0.5; }
#map .noise circle { fill: #444; fill-opacity: 0.45; }
#map circle.cluster { fill-opacity: 0.72; stroke: #333; stroke-width: 0.6; cursor: pointer; }
#map circle.cluster:hover, #map circle.selected { stroke: #000; stroke-width: 2; fill-opacity: 0.9; }
#map .legend text { font-size: 11px; fill: #333; }
aside#profile { flex: 0 0 300px; background: #fff; border: 1px solid #ddd; padding: 8px 12px;
  font-size: 13px; max-height: 640px; overflow: auto; }
aside#profile h3 { margin: 4px 0; font-size: 15px; }
aside#profile h4 { margin: 10px 0 2px; font-size: 13px; }
aside#profile p { margin: 2px 0; }
.eco { color: #666; font-weight: normal; }
.share { color: #666; }
.note { color: #888; }
table.years { border-collapse: collapse; font-size: 12px; }
table.years th, table.years td { border: 1px solid #ddd; padding: 1px 4px; text-align: right; }
#bars { width: 100%; max-width: 930px; background: #fff; border: 1px solid #ddd; }
#bars text { font-size: 12px; fill: #222; }
#bars text.label { text-anchor: end; }
#bars .axis line { stroke: #ddd; }
#bars .axis text { text-anchor: middle; fill: #777; font-size: 11px; }
#bars g.bar { cursor: pointer; }
#bars g.bar:hover text.label, #bars g.selected text.label { font-weight: bold; }
table.rank { border-collapse: collapse; background: #fff; font-size: 13px; }
table.rank th, table.rank td { border-bottom: 1px solid #e4e4e4; padding: 3px 8px; text-align: right; }
table.rank th { background: #f0f0f0; position: sticky; top: 0; }
table.rank td.name, table.rank th.name, table.rank td.eco { text-align: left; }
table.rank tbody tr { cursor: pointer; }
table.rank tbody tr:hover, table.rank tr.selected { background: #fff6d5; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 5px;
  margin-right: 4px; vertical-align: middle; }
#errors:empty { display: none; }
#errors { color: #b00; }
</style>
)";

void AppendHeader(const ReportInput& in, const ReportOptions& opt, std::string* out) {
  const cluster::Ranking& r = *in.ranking;
  out->append("<header>\n<h1>");
  AppendEscaped(in.title, out);
  out->append("</h1>\n<p>Edition <b>");
  AppendEscaped(r.edition.name, out);
  out->append("</b>: ");
  AppendEscaped(r.edition.description, out);
  out->append("</p>\n<ul class=\"meta\">\n");
  for (size_t m = 0; m < r.edition.metrics.size(); ++m) {
    out->append("<li>");
    AppendEscaped(std::string(r.edition.metrics[m].Title()) + " " + r.edition.metrics[m].Years(),
                  out);
    if (m < r.world.size()) {
      out->append(": world total " + RoundedCount(r.world[m]) + " records");
      if (m < r.clustered.size()) {
        out->append(", " + RoundedCount(r.clustered[m]) + " in clusters");
      }
    }
    out->append("</li>\n");
  }
  out->append("<li>Settings: <code>");
  AppendEscaped(r.edition.Settings(), out);
  char fp[24];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(r.map_fingerprint));
  out->append("</code></li>\n<li>Cluster map: ");
  out->append(r.map_version ? "version " + std::to_string(r.map_version) : std::string("a file"));
  out->append(", delineated for ");
  AppendEscaped(r.map_edition.empty() ? "?" : r.map_edition, out);
  out->append(", input fingerprint " + std::string(fp) + " (origin ");
  AppendEscaped(in.map->origin, out);
  out->append(")</li>\n<li>" + std::to_string(r.rows.size()) + " clusters ranked, " +
              std::to_string(ShownRows(r, opt.top)) +
              " shown; size score = sum over metrics of "
              "the cluster's share of the world total (%)</li>\n");
  out->append("<li>Map: Natural Earth I projection, latitudes " + Fixed(opt.lat_bottom, 0) +
              "&deg; to " + Fixed(opt.lat_top, 0) +
              "&deg;; circle area proportional to the score, colour = leading economy; faint "
              "dots = " +
              std::to_string(in.noise.size()) +
              " noise locations (grid cells outside every cluster with at least " +
              Records(opt.noise_min_units) + " records over the edition's metrics)</li>\n");
  if (!in.population_source.empty()) {
    out->append("<li>Population: ");
    AppendEscaped(in.population_source, out);
    out->append("</li>\n");
  }
  out->append("</ul>\n<ul id=\"errors\"></ul>\n</header>\n");
}

void AppendIntensityTable(const cluster::IntensityRanking& ir, const ReportOptions& opt,
                          const EconomyColours& colours, std::string* out) {
  const cluster::Edition& e = ir.size.edition;
  const size_t shown = std::min(ir.rows.size(), static_cast<size_t>(std::max(opt.top, 0)));
  out->append("<h2>Intensity ranking</h2>\n<p class=\"meta\">The first " + std::to_string(ir.pool) +
              " clusters of the size ranking ordered by score per million inhabitants; " +
              std::to_string(ir.unpopulated.size()) +
              " of them have no populated gazetteer place in their footprint and are left "
              "out. Population: ");
  AppendEscaped(ir.population_source, out);
  out->append(
      ".</p>\n<table class=\"rank\" id=\"intensity\">\n<thead><tr><th>Rank</th>"
      "<th class=\"name\">Cluster</th><th class=\"name\">Economy</th><th>Size rank</th>"
      "<th>Population</th>");
  for (const cluster::MetricSpec& spec : e.metrics) {
    out->append("<th>");
    AppendEscaped(std::string(spec.Title()) + " per million", out);
    out->append("</th>");
  }
  out->append("<th>Score per million</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < shown; ++i) {
    const cluster::IntensityRow& row = ir.rows[i];
    out->append("<tr data-c=\"" + std::to_string(row.id) + "\"><td>" + std::to_string(row.rank) +
                "</td><td class=\"name\">");
    AppendEscaped(row.name, out);
    out->append("</td><td class=\"eco\"><span class=\"swatch\" style=\"background:" +
                std::string(colours.Of(row.economy)) + "\"></span>");
    AppendEscaped(row.economy, out);
    out->append("</td><td>" + std::to_string(row.size_rank) + "</td><td>" +
                RoundedCount(row.population * kUnit) + "</td>");
    for (size_t m = 0; m < e.metrics.size(); ++m) {
      double v = m < row.per_million.size() ? row.per_million[m] : 0;
      out->append("<td>" + Fixed(v, 1) + "</td>");
    }
    out->append("<td>" + Fixed(row.intensity, 3) + "</td></tr>\n");
  }
  out->append("</tbody>\n</table>\n");
}

void AppendRankingTable(const ReportInput& in, const ReportOptions& opt,
                        const EconomyColours& colours, std::string* out) {
  const cluster::Ranking& r = *in.ranking;
  const size_t shown = ShownRows(r, opt.top);
  bool previous = false;
  for (size_t i = 0; i < shown; ++i) previous |= r.rows[i].previous_rank.has_value();
  out->append(
      "<section>\n<h2>Size ranking</h2>\n<table class=\"rank\" id=\"ranking\">\n<thead><tr>"
      "<th>Rank</th><th class=\"name\">Cluster</th><th class=\"name\">Economy</th>");
  for (const cluster::MetricSpec& spec : r.edition.metrics) {
    out->append("<th>");
    AppendEscaped(std::string(spec.Title()) + " " + spec.Years(), out);
    out->append("</th><th>Share (%)</th>");
  }
  out->append("<th>Score</th>");
  if (previous) out->append("<th>Previous rank</th>");
  out->append("</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < shown; ++i) {
    const cluster::RankedCluster& row = r.rows[i];
    out->append("<tr data-c=\"" + std::to_string(row.id) + "\"><td>" + std::to_string(row.rank) +
                "</td><td class=\"name\">");
    AppendEscaped(row.name, out);
    out->append("</td><td class=\"eco\"><span class=\"swatch\" style=\"background:" +
                std::string(colours.Of(row.economy)) + "\"></span>");
    AppendEscaped(row.economy, out);
    out->append("</td>");
    for (size_t m = 0; m < r.edition.metrics.size(); ++m) {
      Units u = m < row.units.size() ? row.units[m] : 0;
      double s = m < row.share_pct.size() ? row.share_pct[m] : 0;
      out->append("<td>" + RoundedCount(u) + "</td><td>" + Fixed(s, 2) + "</td>");
    }
    out->append("<td>" + Fixed(row.score, 2) + "</td>");
    if (previous) {
      out->append("<td>" +
                  (row.previous_rank ? std::to_string(*row.previous_rank) : std::string("new")) +
                  "</td>");
    }
    out->append("</tr>\n");
  }
  out->append("</tbody>\n</table>\n");

  if (in.intensity != nullptr) AppendIntensityTable(*in.intensity, opt, colours, out);

  out->append("<h2>Clusters per economy (top " + std::to_string(shown) +
              ")</h2>\n<table class=\"rank\" id=\"economies\">\n<thead><tr>"
              "<th class=\"name\">Economy</th><th>Clusters</th></tr></thead>\n<tbody>\n");
  for (const auto& [code, n] : cluster::EconomyCounts(r, static_cast<int>(shown))) {
    out->append("<tr><td class=\"eco\"><span class=\"swatch\" style=\"background:" +
                std::string(colours.Of(code)) + "\"></span>");
    AppendEscaped(code, out);
    out->append("</td><td>" + std::to_string(n) + "</td></tr>\n");
  }
  out->append("</tbody>\n</table>\n</section>\n");
}

}  // namespace

std::string RenderReport(const ReportInput& in, const ReportOptions& opt) {
  const cluster::Ranking& r = *in.ranking;
  const size_t shown = ShownRows(r, opt.top);
  EconomyColours colours(r, static_cast<int>(shown));
  std::string out;
  out.reserve(256 * 1024);
  out.append(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  AppendEscaped(in.title + " \xE2\x80\x94 " + r.edition.name, &out);
  out.append("</title>\n");
  out.append(kErrorRecorder);
  out.append(kStyle);
  out.append("</head>\n<body>\n");
  AppendHeader(in, opt, &out);

  out.append("<section>\n<h2>Map</h2>\n<div class=\"mapwrap\">\n");
  AppendMapSvg(in, opt, colours, &out);
  out.append(
      "<aside id=\"profile\">\n<p id=\"profile-hint\" class=\"note\">Click a circle, a bar "
      "or a table row for the cluster's profile; hover a circle for its summary.</p>\n");
  AppendProfiles(in, opt, &out);
  out.append("</aside>\n</div>\n</section>\n");

  out.append("<section>\n<h2>Top " + std::to_string(ShownRows(r, std::min(opt.bar_top, opt.top))) +
             " by size score</h2>\n");
  AppendBarChartSvg(in, opt, &out);
  out.append("</section>\n");

  AppendRankingTable(in, opt, colours, &out);

  out.append("<footer class=\"meta\">\n<p>Made by ");
  AppendEscaped(in.generator, &out);
  out.append(". Country outlines: ");
  AppendEscaped(in.countries == nullptr
                    ? std::string("none")
                    : (in.countries_source.empty() ? std::string("TopoJSON") : in.countries_source),
                &out);
  out.append(
      ". Borders are drawn as in Natural Earth and imply no opinion on the status of any "
      "territory.</p>\n</footer>\n");
  out.append(kPageScript);
  out.append("</body>\n</html>\n");
  return out;
}

}  // namespace stc::report
