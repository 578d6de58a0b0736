// Profile tallies kept by delineate (cluster/saved_profiles.h): the profiles
// built from them equal a record scan's, on the hand-computed world of
// cluster_profile_test.cc and on a random one with ties; they are current
// only while the store is unchanged, for the same map version and metrics;
// their encoding round-trips and every damaged form is Corruption.
#include <gtest/gtest.h>

#include <random>

#include "cluster/delineate.h"
#include "cluster/map_store.h"
#include "cluster/profile.h"
#include "cluster/profile_format.h"
#include "cluster/ranking.h"
#include "cluster/saved_profiles.h"
#include "cluster/saved_ranking.h"
#include "tests/profile_world.h"
#include "tests/test_util.h"

namespace stc::cluster {
namespace {

using namespace profile_world;  // NOLINT(build/namespaces)
using stc::testing::TempDir;

std::string Json(const Ranking& ranking, const std::vector<ClusterProfile>& profiles) {
  ProfileSet set;
  set.ranking = ranking;
  set.profiles = profiles;
  return FormatProfileExport(set, ProfileFormat::kJson);
}

Result<ProfileTallies> Tallies(const Store& store, const ClusterMap& map, const Edition& ed,
                               int kept) {
  return ProfileScan::Start(store, map, ed, 2)->FinishTallies(kept);
}

TEST(SavedProfiles, HandComputedTalliesGiveTheScansProfiles) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  WriteWorld(store.get());
  const ClusterMap map = WorldMap(store->grid());
  const Edition ed = BuiltinEdition("gii2024").value();
  auto ranking = ComputeRanking(*store, map, ed);
  ASSERT_TRUE(ranking.ok());
  auto tallies = Tallies(*store, map, ed, 2);
  ASSERT_TRUE(tallies.ok()) << tallies.status().ToString();
  EXPECT_EQ(tallies->kept_orgs, 2);
  // Alpha (1), Beta (2), Gamma (3) have units; Paris is noise.
  ASSERT_EQ(tallies->clusters.size(), 3u);
  const MetricTally& ap = tallies->clusters.at(1)[0];
  // Alpha, PCT (cluster_profile_test.cc): 1 (2019), 0.5 (2020), 2 (2023);
  // Sony Corp 1.25, Toyota 0.75, Denso 0.5: two kept.
  EXPECT_EQ(ap.year_units, (std::vector<Units>{U(1), U(0.5), 0, 0, U(2)}));
  ASSERT_EQ(ap.orgs.size(), 2u);
  EXPECT_EQ(ap.orgs[0].name, "Sony Corp");
  EXPECT_EQ(ap.orgs[0].units, U(1.25));
  EXPECT_EQ(ap.orgs[1].name, "Toyota");
  EXPECT_EQ(ap.orgs[1].units, U(0.75));
  ASSERT_EQ(ap.fields.size(), 3u);  // 4, 6, 14: every field is kept.
  EXPECT_EQ(ap.fields[0].code, "4");
  EXPECT_EQ(ap.fields[0].year_units, (std::vector<Units>{U(1), U(0.25), 0, 0, 0}));
  EXPECT_EQ(ap.fields[2].units, U(1));
  for (int top : {0, 1, 2}) {
    ProfileOptions o;
    o.top_items = top;
    auto scanned = ComputeProfiles(*store, map, *ranking, o);
    auto saved = ProfilesFromTallies(*tallies, map, *ranking, o);
    ASSERT_TRUE(scanned.ok() && saved.ok()) << saved.status().ToString();
    EXPECT_EQ(Json(*ranking, *saved), Json(*ranking, *scanned)) << top << " top items";
    EXPECT_EQ((*saved)[0].metrics[0].top_fields.size(), static_cast<size_t>(top));
  }
  ProfileOptions three;
  three.top_items = 3;  // More than the tallies kept.
  EXPECT_EQ(ProfilesFromTallies(*tallies, map, *ranking, three).status().code(),
            StatusCode::kInvalidArgument);
  // Tallies of other windows (one year shorter) do not fit this ranking.
  Edition shorter = ed;
  shorter.metrics[0].year_to -= 1;
  auto other = Tallies(*store, map, shorter, 2);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(
      ProfilesFromTallies(*other, map, *ranking, ProfileOptions{.top_items = 2}).status().code(),
      StatusCode::kInvalidArgument);
}

// Many records, organisations spelt several ways and tied units: the kept
// prefix of each organisation list is the scan's top list.
TEST(SavedProfiles, RandomWorldTalliesGiveTheScansProfiles) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  const Grid& g = store->grid();
  const Pt places[] = {kTokyoA, kTokyoB, kParis, kCambridge, kSydney};
  const char* const orgs[] = {"Acme Corp", "ACME CORP", "acme  corp", "Sony",  "SONY",
                              "Univ X",    "Univ Y",    "Univ Z",     "B Ltd", "A Ltd"};
  const char* const codes[] = {"H04W 72/04", "G06F 3/01", "A61K 8/02", "C12N 15/10", "B60L 50/00"};
  std::mt19937 rng(7);
  StoreBatch b;
  for (int i = 0; i < 3000; ++i) {
    const Source s = i % 3 == 0 ? Source::kArticle : Source::kPct;
    char key[32];
    std::snprintf(key, sizeof key, "K%06d", i);
    std::vector<Pt> points;
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k) points.push_back(At(places[rng() % 5], 1.0 / n));
    Put(&b, g, s, key, 2017 + static_cast<int>(rng() % 8), s == Source::kPct ? "H" : "17",
        {codes[rng() % 5], codes[rng() % 5]}, {orgs[rng() % 10], orgs[rng() % 10]}, points);
  }
  ASSERT_TRUE(store->Apply(b).ok());
  const ClusterMap map = WorldMap(g);
  const Edition ed = BuiltinEdition("gii2024").value();
  auto ranking = ComputeRanking(*store, map, ed);
  ASSERT_TRUE(ranking.ok());
  auto tallies = Tallies(*store, map, ed, 4);
  ASSERT_TRUE(tallies.ok());
  for (int top : {1, 3, 4}) {
    ProfileOptions o;
    o.top_items = top;
    auto scanned = ComputeProfiles(*store, map, *ranking, o);
    auto saved = ProfilesFromTallies(*tallies, map, *ranking, o);
    ASSERT_TRUE(scanned.ok() && saved.ok());
    EXPECT_EQ(Json(*ranking, *saved), Json(*ranking, *scanned)) << top << " top items";
    EXPECT_EQ((*saved)[0].metrics[0].top_orgs.size(), static_cast<size_t>(top));
  }
}

TEST(SavedProfiles, SavedWithTheSumsAndCurrentUntilTheStoreIsWritten) {
  TempDir dir;
  auto store = stc::testing::OpenStore(dir.Path("db"));
  WriteWorld(store.get());
  ClusterMap map = WorldMap(store->grid());
  const Edition ed = BuiltinEdition("gii2024").value();
  auto data = LoadDelineationData(*store, ed);
  ASSERT_TRUE(data.ok());
  auto sums = SumClusters(*data, map);
  ASSERT_TRUE(sums.ok());
  auto tallies = Tallies(*store, map, ed, kSavedProfileOrgs);
  ASSERT_TRUE(tallies.ok());
  ASSERT_TRUE(SaveClusterMap(store.get(), &map).ok());
  EXPECT_FALSE(LoadProfileTallies(*store, map, ed)->has_value());  // None saved yet.
  ASSERT_TRUE(SaveRankingSums(store.get(), map, ed, *sums, &*tallies).ok());
  // Both are current after their one write.
  auto loaded = LoadProfileTallies(*store, map, ed);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, *tallies);
  ASSERT_TRUE(LoadRankingSums(*store, map, ed)->has_value());
  // Weights change only the scores: still these tallies. Another map
  // version or other metrics: not.
  Edition weights = ed;
  weights.metrics[0].weight = 0.9;
  EXPECT_TRUE(LoadProfileTallies(*store, map, weights)->has_value());
  ClusterMap other = map;
  other.version = map.version + 1;
  EXPECT_FALSE(LoadProfileTallies(*store, other, ed)->has_value());
  Edition years = ed;
  years.metrics[1].year_to -= 1;
  EXPECT_FALSE(LoadProfileTallies(*store, map, years)->has_value());
  Edition filtered = ed;
  filtered.metrics[1].exclude_fields = {"17"};
  EXPECT_FALSE(LoadProfileTallies(*store, map, filtered)->has_value());
  // Any later write makes them stale, as the sums.
  ASSERT_TRUE(store->PutMeta("unrelated", "1").ok());
  EXPECT_FALSE(LoadProfileTallies(*store, map, ed)->has_value());
  EXPECT_FALSE(LoadRankingSums(*store, map, ed)->has_value());
  // Saved again without tallies: the sums only.
  ASSERT_TRUE(SaveRankingSums(store.get(), map, ed, *sums).ok());
  EXPECT_TRUE(LoadRankingSums(*store, map, ed)->has_value());
  EXPECT_FALSE(LoadProfileTallies(*store, map, ed)->has_value());
  // Damaged bytes are Corruption, not a silent scan.
  ASSERT_TRUE(store->PutMetas({{kSavedProfilesMeta, "stcluster-profile-tallies,1\n\x05"}}).ok());
  EXPECT_EQ(LoadProfileTallies(*store, map, ed).status().code(), StatusCode::kCorruption);
}

TEST(SavedProfiles, EncodingRoundTripsAndRejectsDamage) {
  ProfileTallies t;
  t.kept_orgs = 25;
  MetricTally pct;
  pct.year_units = {U(1), 0, U(2.5)};
  pct.orgs = {{"", "Sony Corp", U(1.25), 0}, {"", "Toyota, Inc.\n", U(0.75), 0}};
  pct.fields = {{"4", "Digital communication", U(1.25), {U(1), U(0.25), 0}},
                {"14", "Pharmaceuticals", U(1), {0, 0, U(1)}}};
  MetricTally empty;
  empty.year_units = {0, 0, 0};
  t.clusters[3] = {pct, empty};
  t.clusters[70000] = {empty, pct};
  const std::string bytes = EncodeSavedProfiles(9, "2-00ff", 1234567, t);
  uint64_t version = 0, sequence = 0;
  std::string key;
  ProfileTallies back;
  ASSERT_TRUE(DecodeSavedProfiles(bytes, &version, &key, &sequence, &back).ok());
  EXPECT_EQ(version, 9u);
  EXPECT_EQ(key, "2-00ff");
  EXPECT_EQ(sequence, 1234567u);
  EXPECT_EQ(back, t);
  // Every truncation, and a byte more, is Corruption (and reads nothing
  // past the end: the sanitizer build checks).
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(DecodeSavedProfiles(bytes.substr(0, n), &version, &key, &sequence, &back).code(),
              StatusCode::kCorruption)
        << n << " bytes";
  }
  EXPECT_EQ(DecodeSavedProfiles(bytes + '\0', &version, &key, &sequence, &back).code(),
            StatusCode::kCorruption);
  // Every single byte changed: Corruption or another valid value, never a crash.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x80);
    Status st = DecodeSavedProfiles(damaged, &version, &key, &sequence, &back);
    EXPECT_TRUE(st.ok() || st.code() == StatusCode::kCorruption) << i;
  }
  // Cluster ids out of order.
  ProfileTallies swapped;
  swapped.clusters[5] = {empty};
  std::string s = EncodeSavedProfiles(1, "k", 1, swapped);
  // The id is the first byte after the counts; 5 -> 0 is not ascending from 0.
  const size_t at = s.rfind('\x05');
  ASSERT_NE(at, std::string::npos);
  s[at] = '\0';
  Status st = DecodeSavedProfiles(s, &version, &key, &sequence, &back);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("cluster ids not ascending"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace stc::cluster
