// The bar chart of the report (report.h): the top clusters' size scores,
// each bar stacked by the edition's metric shares.
#include <algorithm>
#include <cmath>

#include "report/html_escape.h"
#include "report/render_util.h"

namespace stc::report {
namespace {

// A "nice" tick step (1, 2 or 5 times a power of ten) giving about 5 ticks.
double TickStep(double max_value) {
  if (max_value <= 0) return 1;
  double raw = max_value / 5;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

}  // namespace

void AppendBarChartSvg(const ReportInput& in, const ReportOptions& opt, std::string* out) {
  const cluster::Ranking& r = *in.ranking;
  const size_t rows = ShownRows(r, std::min(opt.bar_top, opt.top));
  const size_t metrics = r.edition.metrics.size();
  const double label_w = 300, bar_w = 560, row_h = 20, top = 44, width = label_w + bar_w + 70;
  const double height = top + row_h * static_cast<double>(rows) + 8;
  double max_score = 0;
  for (size_t i = 0; i < rows; ++i) max_score = std::max(max_score, r.rows[i].score);
  const double step = TickStep(max_score);
  const double axis_max = max_score > 0 ? std::ceil(max_score / step) * step : 1;
  const double px = bar_w / axis_max;

  out->append("<svg id=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
              Fixed(width, 0) + " " + Fixed(height, 0) +
              "\" role=\"img\" aria-label=\"Bar chart of the top clusters\">\n");
  // Metric legend.
  double x = label_w;
  for (size_t m = 0; m < metrics; ++m) {
    std::string title(r.edition.metrics[m].Title());
    out->append("<rect x=\"" + Fixed(x, 1) + "\" y=\"6\" width=\"10\" height=\"10\" fill=\"" +
                MetricColour(m) + "\"/><text x=\"" + Fixed(x + 14, 1) + "\" y=\"15\">");
    AppendEscaped(title + " share (%)", out);
    out->append("</text>\n");
    x += 14 + 7.0 * static_cast<double>(title.size() + 12) + 16;
  }
  // Axis and grid lines.
  out->append("<g class=\"axis\">\n");
  for (double v = 0; v <= axis_max + step / 2; v += step) {
    double gx = label_w + v * px;
    out->append("<line x1=\"" + Fixed(gx, 1) + "\" y1=\"" + Fixed(top - 6, 1) + "\" x2=\"" +
                Fixed(gx, 1) + "\" y2=\"" + Fixed(height - 8, 1) + "\"/><text x=\"" + Fixed(gx, 1) +
                "\" y=\"" + Fixed(top - 10, 1) + "\">" +
                Fixed(v, step < 1 ? (step < 0.1 ? 2 : 1) : 0) + "</text>\n");
  }
  out->append("</g>\n");
  for (size_t i = 0; i < rows; ++i) {
    const cluster::RankedCluster& row = r.rows[i];
    const double y = top + row_h * static_cast<double>(i);
    out->append("<g class=\"bar\" data-c=\"" + std::to_string(row.id) + "\"><title>");
    out->append(std::to_string(row.rank) + ". ");
    AppendEscaped(row.name, out);
    out->append(": score " + Fixed(row.score, 2));
    for (size_t m = 0; m < metrics && m < row.share_pct.size(); ++m) {
      out->append("; " + std::string(r.edition.metrics[m].Title()) + " " +
                  Fixed(row.share_pct[m], 2) + "%");
    }
    out->append("</title><text class=\"label\" x=\"" + Fixed(label_w - 8, 1) + "\" y=\"" +
                Fixed(y + 14, 1) + "\">" + std::to_string(row.rank) + ". ");
    AppendEscaped(row.name, out);
    out->append("</text>");
    double bx = label_w;
    for (size_t m = 0; m < metrics && m < row.share_pct.size(); ++m) {
      double w = row.share_pct[m] * px;
      if (w <= 0) continue;
      out->append("<rect x=\"" + Fixed(bx, 2) + "\" y=\"" + Fixed(y + 3, 1) + "\" width=\"" +
                  Fixed(w, 2) + "\" height=\"" + Fixed(row_h - 6, 1) + "\" fill=\"" +
                  MetricColour(m) + "\"/>");
      bx += w;
    }
    out->append("<text class=\"value\" x=\"" + Fixed(bx + 4, 1) + "\" y=\"" + Fixed(y + 14, 1) +
                "\">" + Fixed(row.score, 2) + "</text></g>\n");
  }
  out->append("</svg>\n");
}

}  // namespace stc::report
