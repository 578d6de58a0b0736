// The world map of the report (report.h): Natural Earth I outlines, noise
// dots, cluster circles, legend.
#include <algorithm>
#include <cmath>

#include "report/html_escape.h"
#include "report/projection.h"
#include "report/render_util.h"

namespace stc::report {
namespace {

// Appends "x,y" with one decimal (a tenth of a pixel is below what a screen
// shows; it keeps the page small).
void AppendPoint(const XY& p, std::string* out) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f,%.1f", p.x, p.y);
  out->append(buf);
}

// Appends one ring, shifted by `shift` degrees of longitude, as an SVG
// subpath; points that round to the previous one are left out.
void AppendRing(const MapFrame& frame, const std::vector<LonLat>& ring, double shift,
                std::string* out) {
  std::string last;
  size_t n = 0;
  for (const LonLat& p : ring) {
    std::string pt;
    AppendPoint(frame.ToCanvas(p.lon + shift, std::clamp(p.lat, -90.0, 90.0)), &pt);
    if (pt == last) continue;
    out->append(n == 0 ? "M" : "L");
    out->append(pt);
    last = std::move(pt);
    ++n;
  }
  out->append("Z");
}

// The outline of the projected world within the latitude band: the clip
// path of the outlines (rings unwrapped past the antimeridian are drawn on
// both sides and clipped here).
std::string GlobeOutline(const MapFrame& frame, double lat_top, double lat_bottom) {
  std::string d;
  const int steps = 64;
  for (int i = 0; i <= steps; ++i) {
    double lat = lat_top + (lat_bottom - lat_top) * i / steps;
    d += (i == 0 ? "M" : "L");
    AppendPoint(frame.ToCanvas(-180, lat), &d);
  }
  for (int i = 0; i <= steps; ++i) {
    double lat = lat_bottom + (lat_top - lat_bottom) * i / steps;
    d += "L";
    AppendPoint(frame.ToCanvas(180, lat), &d);
  }
  return d + "Z";
}

void AppendOutlines(const std::vector<GeoFeature>& countries, const MapFrame& frame,
                    const ReportOptions& opt, std::string* out) {
  out->append("<g class=\"countries\" clip-path=\"url(#globe)\">\n");
  for (const GeoFeature& f : countries) {
    if (f.id == "010") continue;  // Antarctica, outside the band.
    std::string d;
    for (const Polygon& polygon : f.polygons) {
      for (const Ring& ring : polygon) {
        bool pole = false;
        std::vector<LonLat> r = UnwrapLongitudes(ring, &pole);
        if (pole || r.empty()) continue;
        double lat_max = -90, lon_min = 1e9, lon_max = -1e9;
        for (const LonLat& p : r) {
          lat_max = std::max(lat_max, p.lat);
          lon_min = std::min(lon_min, p.lon);
          lon_max = std::max(lon_max, p.lon);
        }
        if (lat_max < opt.lat_bottom) continue;
        AppendRing(frame, r, 0, &d);
        if (lon_min < -180) AppendRing(frame, r, 360, &d);
        if (lon_max > 180) AppendRing(frame, r, -360, &d);
      }
    }
    if (d.empty()) continue;
    out->append("<path d=\"");
    out->append(d);
    out->append("\"><title>");
    AppendEscaped(f.name, out);
    out->append("</title></path>\n");
  }
  out->append("</g>\n");
}

}  // namespace

std::vector<LonLat> UnwrapLongitudes(const Ring& ring, bool* encircles_pole) {
  std::vector<LonLat> out;
  out.reserve(ring.size());
  for (const LonLat& p : ring) {
    if (out.empty()) {
      out.push_back(p);
      continue;
    }
    double d = p.lon - ring[out.size() - 1].lon;
    if (d > 180) d -= 360;
    if (d < -180) d += 360;
    out.push_back({out.back().lon + d, p.lat});
  }
  *encircles_pole = !out.empty() && std::fabs(out.back().lon - out.front().lon) > 180;
  return out;
}

void AppendMapSvg(const ReportInput& in, const ReportOptions& opt, const EconomyColours& colours,
                  std::string* out) {
  const MapFrame frame(opt.map_width, opt.lat_top, opt.lat_bottom);
  const std::string w = Fixed(frame.width(), 0), h = Fixed(std::ceil(frame.height()), 0);
  out->append("<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + w + " " + h +
              "\" role=\"img\" aria-label=\"World map of the ranked clusters\">\n");
  const std::string outline = GlobeOutline(frame, opt.lat_top, opt.lat_bottom);
  out->append("<defs><clipPath id=\"globe\"><path d=\"" + outline + "\"/></clipPath></defs>\n");
  out->append("<path class=\"ocean\" d=\"" + outline + "\"/>\n");
  if (in.countries != nullptr) AppendOutlines(*in.countries, frame, opt, out);

  out->append("<g class=\"noise\">\n");
  for (const NoisePoint& p : in.noise) {
    XY c = frame.ToCanvas(p.lon_e5 / 1e5, p.lat_e5 / 1e5);
    out->append("<circle cx=\"" + Fixed(c.x, 1) + "\" cy=\"" + Fixed(c.y, 1) + "\" r=\"1.6\"/>");
  }
  out->append("\n</g>\n");

  // Circles: area proportional to the score; the largest drawn first so
  // that smaller ones stay on top and clickable.
  const cluster::Ranking& r = *in.ranking;
  const size_t shown = ShownRows(r, opt.top);
  double max_score = 0;
  for (size_t i = 0; i < shown; ++i) max_score = std::max(max_score, r.rows[i].score);
  const double r_max = opt.map_width * 0.026;
  out->append("<g class=\"clusters\">\n");
  for (size_t i = 0; i < shown; ++i) {
    const cluster::RankedCluster& row = r.rows[i];
    const cluster::ClusterInfo* info = in.map->Find(row.id);
    if (info == nullptr) continue;
    XY c = frame.ToCanvas(info->centre_lon_e5 / 1e5, info->centre_lat_e5 / 1e5);
    double radius = max_score > 0 ? r_max * std::sqrt(row.score / max_score) : 2;
    radius = std::max(radius, 2.0);
    out->append("<circle class=\"cluster\" data-c=\"" + std::to_string(row.id) + "\" cx=\"" +
                Fixed(c.x, 1) + "\" cy=\"" + Fixed(c.y, 1) + "\" r=\"" + Fixed(radius, 1) +
                "\" fill=\"" + colours.Of(row.economy) + "\"><title>");
    out->append(std::to_string(row.rank) + ". ");
    AppendEscaped(row.name, out);
    out->append(" (");
    AppendEscaped(row.economy, out);
    out->append(")\nScore " + Fixed(row.score, 2));
    for (size_t m = 0; m < row.share_pct.size() && m < r.edition.metrics.size(); ++m) {
      out->append("\n" + std::string(r.edition.metrics[m].Title()) + ": " + Records(row.units[m]) +
                  " (" + Fixed(row.share_pct[m], 2) + "%)");
    }
    out->append("</title></circle>\n");
  }
  out->append("</g>\n");

  // Legend: one swatch per coloured economy, bottom left.
  const auto& legend = colours.legend();
  double y = frame.height() - 14.0 * static_cast<double>(legend.size()) - 6;
  out->append("<g class=\"legend\">\n");
  for (const auto& e : legend) {
    out->append("<circle cx=\"16\" cy=\"" + Fixed(y, 1) + "\" r=\"5\" fill=\"" + e.colour +
                "\"/><text x=\"26\" y=\"" + Fixed(y + 4, 1) + "\">");
    AppendEscaped(e.code.empty() ? "other" : e.code, out);
    out->append(" (" + std::to_string(e.clusters) + ")</text>\n");
    y += 14;
  }
  out->append("</g>\n</svg>\n");
}

}  // namespace stc::report
