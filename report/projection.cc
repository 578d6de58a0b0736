#include "report/projection.h"

#include <numbers>

namespace stc::report {
namespace {
constexpr double kRadPerDeg = std::numbers::pi / 180.0;
}  // namespace

XY NaturalEarth1(double lon_deg, double lat_deg) {
  const double lambda = lon_deg * kRadPerDeg;
  const double phi = lat_deg * kRadPerDeg;
  const double phi2 = phi * phi;
  const double phi4 = phi2 * phi2;
  return {lambda * (0.8707 - 0.131979 * phi2 +
                    phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))),
          phi * (1.007226 +
                 phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))};
}

MapFrame::MapFrame(double width, double lat_top, double lat_bottom) : width_(width) {
  scale_ = width / (2 * NaturalEarth1(180, 0).x);
  y_top_ = NaturalEarth1(0, lat_top).y;
  height_ = (y_top_ - NaturalEarth1(0, lat_bottom).y) * scale_;
}

XY MapFrame::ToCanvas(double lon_deg, double lat_deg) const {
  XY p = NaturalEarth1(lon_deg, lat_deg);
  return {width_ / 2 + p.x * scale_, (y_top_ - p.y) * scale_};
}

}  // namespace stc::report
