// The calibrated world's building blocks: the published table compiled in
// gen/world_spec.cc against gen/data/gii2023-top34.csv, the quota allocator,
// and the address texts' round trip through the real geocoder.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "gen/synth.h"
#include "gen/world_model.h"
#include "gen/world_records.h"
#include "gen/world_spec.h"
#include "geo/gazetteer.h"
#include "geo/geocoder.h"

namespace stc::gen_internal {
namespace {

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

TEST(WorldSpec, MatchesThePublishedTable) {
  std::ifstream in(std::string(STC_SOURCE_DIR) + "/gen/data/gii2023-top34.csv");
  ASSERT_TRUE(in.good());
  std::string line;
  std::getline(in, line);  // Header.
  const auto& spec = Gii2023Clusters();
  size_t i = 0;
  while (std::getline(in, line)) {
    auto f = SplitCsv(line);
    ASSERT_LT(i, spec.size());
    const WorldClusterSpec& c = spec[i++];
    EXPECT_EQ(std::stoi(f[0]), c.rank);
    EXPECT_EQ(f[1], c.name);
    EXPECT_EQ(f[2], c.economy);
    EXPECT_EQ(std::stoll(f[3]), c.pct);
    EXPECT_EQ(std::stoll(f[4]), c.pub);
    EXPECT_DOUBLE_EQ(std::stod(f[5]), c.pct_share_pct);
    EXPECT_DOUBLE_EQ(std::stod(f[6]), c.pub_share_pct);
    EXPECT_DOUBLE_EQ(std::stod(f[7]), c.total);
    // The implied world totals reproduce every published share.
    EXPECT_NEAR(100.0 * c.pct / kGii2023WorldPct, c.pct_share_pct, 0.05 + 1e-9) << c.name;
    EXPECT_NEAR(100.0 * c.pub / kGii2023WorldPub, c.pub_share_pct, 0.05 + 1e-9) << c.name;
    EXPECT_FALSE(c.places.empty());
  }
  EXPECT_EQ(i, spec.size());
  EXPECT_EQ(spec.size(), 34u);
}

// Property: whatever the share sizes (up to one record), each target ends
// within its bound when the shares sum to the targets; with a handful of
// entities (the published clusters) that is about one record.
TEST(QuotaAllocator, EveryTargetWithinItsBound) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng(seed);
    int n = 2 + static_cast<int>(rng.Below(300));
    std::vector<double> targets;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      targets.push_back(rng.Chance(0.1) ? 1000 * rng.Unit() : 10 * rng.Unit() + 0.01);
      sum += targets.back();
    }
    QuotaAllocator alloc(targets);
    double given = 0;
    int picks = 0;
    while (given < sum - 1e-9) {
      double share = std::min(sum - given, 1.0 / static_cast<double>(1 + rng.Below(20)));
      int e = alloc.Pick();
      alloc.Add(e, share);
      given += share;
      ++picks;
    }
    // The documented bound: one share + T*n*s/S (s <= 1).
    for (int i = 0; i < n; ++i) {
      EXPECT_LE(std::abs(alloc.allocated(i) - targets[i]), 1.0 + targets[i] * n / sum + 1e-9)
          << "seed " << seed << " entity " << i << " target " << targets[i];
    }
    EXPECT_GT(picks, 0);
  }
}

TEST(QuotaAllocator, SkipsZeroTargets) {
  QuotaAllocator alloc({0.0, 5.0, 0.0});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(alloc.Pick(), 1);
    alloc.Add(1, 1.0);
  }
}

// With the real index: every published cluster is built, its main place
// first, and the texts of every text-capable place geocode back to it.
TEST(World, PlacesRoundTripThroughTheGeocoder) {
  const char* env = std::getenv("STC_GAZETTEER");
  std::string path =
      env && *env ? env : STC_SOURCE_DIR "/third_party_data/gazetteer/cities500.stcgaz";
  auto gaz = geo::Gazetteer::Open(path);
  if (!gaz.ok()) GTEST_SKIP() << "no gazetteer index: " << gaz.status().ToString();
  WorldOptions o;
  o.scale = 0.001;
  auto world = World::Build(**gaz, o);
  ASSERT_TRUE(world.ok()) << world.status().ToString();
  const World& w = **world;
  int published = 0, tail = 0;
  for (const WorldEntity& e : w.entities()) {
    if (e.rank >= 1 && e.rank <= 34) ++published;
    if (e.rank > 34) ++tail;
    EXPECT_FALSE(e.text_places.empty()) << e.label;
  }
  EXPECT_EQ(published, 34);
  EXPECT_GE(tail, 66);  // Clusters 35-100 at least.
  geo::Geocoder geocoder(**gaz);
  int checked = 0;
  for (const WorldPlace& p : w.places()) {
    if (!p.text_ok) continue;
    const std::string address = PlaceAddress(p, 4242);  // GeoQuery holds views.
    geo::GeoQuery q;
    q.country = p.country;
    q.city = p.name;
    q.address = address;
    geo::GeoResult r = geocoder.Geocode(q);
    ASSERT_TRUE(r.has_place()) << p.name;
    EXPECT_EQ(r.place->geoname_id(), p.geoname_id) << p.name << " / " << q.address;
    if (++checked >= 2000) break;
  }
  EXPECT_GT(checked, 1000);
  // Targets: published clusters at their published counts; all located
  // targets sum to the world totals.
  double sum[2] = {0, 0};
  for (const WorldEntity& e : w.entities()) sum[0] += e.target[0], sum[1] += e.target[1];
  EXPECT_NEAR(sum[0], w.world(kMetricPct), 1e-6 * w.world(kMetricPct));
  EXPECT_NEAR(sum[1], w.world(kMetricPub), 1e-6 * w.world(kMetricPub));
  EXPECT_NEAR(w.entities()[0].target[kMetricPct], 127418 * 0.001, 1e-9);
}

}  // namespace
}  // namespace stc::gen_internal
