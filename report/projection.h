// The report's map projection: Natural Earth I (Šavrič, Jenny, Patterson,
// Petrovič and Hurni 2011; the polynomial of d3.geoNaturalEarth1), a
// pseudocylindrical compromise projection of the whole world, and the frame
// that places it on the SVG canvas.
//
// Thread-safety: plain values and pure functions.
#ifndef STCLUSTER_REPORT_PROJECTION_H_
#define STCLUSTER_REPORT_PROJECTION_H_

namespace stc::report {

struct XY {
  double x = 0;
  double y = 0;
};

// Natural Earth I on the unit sphere: longitude and latitude in degrees
// (longitude in [-180, 180], latitude in [-90, 90]) to projected coordinates,
// x east and y north. x = lambda * P(phi), y = phi * Q(phi) with lambda, phi
// in radians; the equator spans x in [-0.8707 pi, 0.8707 pi] and the poles
// are lines at y = +-1.42239.
XY NaturalEarth1(double lon_deg, double lat_deg);

// Places Natural Earth I on a canvas `width` pixels wide showing every
// longitude and the latitudes from `lat_bottom` to `lat_top`: x grows east
// from 0 at 180 W, y grows south from 0 at `lat_top`. Points outside the
// latitude band map outside [0, height()].
class MapFrame {
 public:
  // Preconditions: width > 0, -90 <= lat_bottom < lat_top <= 90.
  MapFrame(double width, double lat_top, double lat_bottom);

  XY ToCanvas(double lon_deg, double lat_deg) const;
  double width() const { return width_; }
  double height() const { return height_; }
  double scale() const { return scale_; }  // Pixels per unit of NaturalEarth1.

 private:
  double width_, height_, scale_, y_top_;
};

}  // namespace stc::report

#endif  // STCLUSTER_REPORT_PROJECTION_H_
