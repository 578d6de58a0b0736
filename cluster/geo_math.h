// Great-circle geometry on the sphere used by the delineation.
//
// Distances are great-circle distances on a sphere of radius kEarthRadiusKm
// (the IUGG mean radius). DBSCAN compares them through the squared chord
// between unit vectors, which is monotonic in the great-circle distance, exact
// enough in double precision for distances from metres to the antipode, and
// needs no trigonometry per pair. "Within eps" is defined once, here, as
// Chord2(a, b) <= Chord2Limit(eps_km); every caller (the index, DBSCAN, the
// brute-force reference of the tests) uses this same predicate, so they agree
// even for points exactly at eps.
//
// Pure functions; thread-safe.
#ifndef STCLUSTER_CLUSTER_GEO_MATH_H_
#define STCLUSTER_CLUSTER_GEO_MATH_H_

#include <cmath>
#include <cstdint>
#include <numbers>

namespace stc::cluster {

inline constexpr double kEarthRadiusKm = 6371.0088;
// "Within eps" accepts distances up to eps * (1 + kEpsTolerance): a point
// placed exactly at eps (as computed by any of our formulas) is a neighbour
// despite rounding. 1e-9 of 10 km is 10 micrometres.
inline constexpr double kEpsTolerance = 1e-9;

struct UnitVec {
  double x = 0, y = 0, z = 0;
};

inline double E5ToRadians(int32_t v) { return v * (std::numbers::pi / 180.0 / 100000.0); }

// Cosine and sine of an angle in 1e-5 degrees: the factors of ToUnitVec, so
// that a caller caching them per latitude or longitude gets the same bits.
struct CosSin {
  double cos = 1, sin = 0;
};
inline CosSin CosSinE5(int32_t v_e5) {
  const double a = E5ToRadians(v_e5);
  return {std::cos(a), std::sin(a)};
}
inline UnitVec ToUnitVec(const CosSin& lat, const CosSin& lon) {
  return {lat.cos * lon.cos, lat.cos * lon.sin, lat.sin};
}
inline UnitVec ToUnitVec(int32_t lat_e5, int32_t lon_e5) {
  return ToUnitVec(CosSinE5(lat_e5), CosSinE5(lon_e5));
}

// Squared chord length between two unit vectors (0 .. 4).
inline double Chord2(const UnitVec& a, const UnitVec& b) {
  double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return dx * dx + dy * dy + dz * dz;
}

// The squared chord of a great-circle distance of eps_km (tolerance
// included). eps_km <= 0 gives 0 (only identical points are within).
inline double Chord2Limit(double eps_km) {
  if (eps_km <= 0) return 0;
  double angle = eps_km * (1 + kEpsTolerance) / kEarthRadiusKm;
  if (angle >= std::numbers::pi) return 4.0;
  double c = 2 * std::sin(angle / 2);
  return c * c;
}

// Great-circle distance in km from a squared chord.
inline double ChordToKm(double chord2) {
  double c = std::sqrt(chord2) / 2;
  return 2 * kEarthRadiusKm * std::asin(c < 1 ? c : 1);
}

// Haversine distance in km between two points in 1e-5 degrees.
inline double HaversineKm(int32_t lat1_e5, int32_t lon1_e5, int32_t lat2_e5, int32_t lon2_e5) {
  double p1 = E5ToRadians(lat1_e5), p2 = E5ToRadians(lat2_e5);
  double dp = p2 - p1, dl = E5ToRadians(lon2_e5) - E5ToRadians(lon1_e5);
  double h = std::sin(dp / 2) * std::sin(dp / 2) +
             std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(h < 1 ? h : 1));
}

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_GEO_MATH_H_
