#include "report/projection.h"

#include <gtest/gtest.h>

#include <numbers>

#include "report/render_util.h"

namespace stc::report {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(Projection, NaturalEarth1HandComputed) {
  XY o = NaturalEarth1(0, 0);
  EXPECT_DOUBLE_EQ(o.x, 0);
  EXPECT_DOUBLE_EQ(o.y, 0);
  // Equator: x = lambda * 0.8707.
  EXPECT_NEAR(NaturalEarth1(180, 0).x, kPi * 0.8707, 1e-12);
  EXPECT_NEAR(NaturalEarth1(-90, 0).x, -kPi / 2 * 0.8707, 1e-12);
  // North pole, phi = pi/2: phi^2 = 2.4674011, phi^4 = 6.0880682;
  // -0.044475 + 0.028874 * 2.4674011 - 0.005916 * 6.0880682 = -0.0092482;
  // * phi^4 + 0.015085 = -0.0412187; * phi^2 + 1.007226 = 0.9055232;
  // * phi = 1.4223891.
  EXPECT_NEAR(NaturalEarth1(0, 90).y, 1.4223891, 2e-6);
  EXPECT_NEAR(NaturalEarth1(0, -90).y, -1.4223891, 2e-6);
  // (90 W, 45 N), phi = pi/4: phi^2 = 0.6168503, phi^4 = 0.3805043;
  // P = 0.8707 - 0.131979 phi^2 + phi^4 (-0.013791 + phi^4 (0.003971 phi^2
  //   - 0.001529 phi^4)) = 0.8707 - 0.0814113 - 0.0049771 = 0.7843116,
  // x = -pi/2 * P = -1.2319934;
  // Q = 1.007226 + phi^2 (0.015085 + phi^4 (-0.044475 + 0.028874 phi^2
  //   - 0.005916 phi^4)) = 1.007226 + 0.0025184 = 1.0097444, y = pi/4 * Q.
  XY p = NaturalEarth1(-90, 45);
  EXPECT_NEAR(p.x, -1.2319934, 2e-6);
  EXPECT_NEAR(p.y, 0.7930514, 2e-6);
  // Symmetric in both axes.
  XY q = NaturalEarth1(90, -45);
  EXPECT_DOUBLE_EQ(q.x, -p.x);
  EXPECT_DOUBLE_EQ(q.y, -p.y);
}

TEST(Projection, FrameMapsTheWorldOntoTheCanvas) {
  MapFrame f(1000, 90, -90);
  // scale = 1000 / (2 * 0.8707 pi) = 182.78960 px per unit.
  EXPECT_NEAR(f.scale(), 1000 / (2 * 0.8707 * kPi), 1e-9);
  EXPECT_NEAR(f.scale(), 182.7896, 1e-4);
  EXPECT_NEAR(f.height(), 2 * 1.4223891 * 182.7896, 1e-2);  // 519.99 px.
  XY west = f.ToCanvas(-180, 0), east = f.ToCanvas(180, 0), centre = f.ToCanvas(0, 0);
  EXPECT_NEAR(west.x, 0, 1e-9);
  EXPECT_NEAR(east.x, 1000, 1e-9);
  EXPECT_NEAR(centre.x, 500, 1e-9);
  EXPECT_NEAR(centre.y, f.height() / 2, 1e-9);
  EXPECT_NEAR(f.ToCanvas(0, 90).y, 0, 1e-9);
  EXPECT_NEAR(f.ToCanvas(0, -90).y, f.height(), 1e-9);
  // (90 W, 45 N): x = 500 - 1.2319934 * 182.7896 = 274.80, y = (1.4223891
  // - 0.7930514) * 182.7896 = 115.04.
  XY p = f.ToCanvas(-90, 45);
  EXPECT_NEAR(p.x, 274.80, 0.01);
  EXPECT_NEAR(p.y, 115.04, 0.01);
}

TEST(Projection, CroppedBandStartsAtTheTopLatitude) {
  MapFrame f(800, 84, -58);
  EXPECT_NEAR(f.ToCanvas(10, 84).y, 0, 1e-9);
  EXPECT_NEAR(f.ToCanvas(-10, -58).y, f.height(), 1e-9);
  EXPECT_LT(f.height(), MapFrame(800, 90, -90).height());
}

TEST(Projection, UnwrapAntimeridianRing) {
  // Fiji-like ring crossing 180: 179 -> -179 is a step of +2 degrees.
  Ring ring = {{179, 0}, {-179, 0}, {-179, 1}, {179, 1}, {179, 0}};
  bool pole = true;
  std::vector<LonLat> r = UnwrapLongitudes(ring, &pole);
  EXPECT_FALSE(pole);
  std::vector<LonLat> want = {{179, 0}, {181, 0}, {181, 1}, {179, 1}, {179, 0}};
  EXPECT_EQ(r, want);
  // A ring around the south pole gains 360 degrees.
  Ring around = {{0, -80}, {120, -80}, {-120, -80}, {0, -80}};
  UnwrapLongitudes(around, &pole);
  EXPECT_TRUE(pole);
  // An ordinary ring is unchanged.
  Ring square = {{10, 10}, {11, 10}, {11, 11}, {10, 10}};
  EXPECT_EQ(UnwrapLongitudes(square, &pole), std::vector<LonLat>(square));
  EXPECT_FALSE(pole);
}

}  // namespace
}  // namespace stc::report
