// The small hand-computed world of the ranking tests (cluster_rank_test.cc,
// cluster_saved_ranking_test.cc): aggregates and totals of three clusters
// and a noise location written into a store, the edition they are ranked
// with, and a check that a ranking from delineation data equals one read
// from the store.
#ifndef STCLUSTER_TESTS_RANK_WORLD_H_
#define STCLUSTER_TESTS_RANK_WORLD_H_

#include <gtest/gtest.h>

#include <cmath>

#include "cluster/delineate.h"
#include "cluster/edition.h"
#include "cluster/ranking.h"
#include "core/grid.h"
#include "core/units.h"
#include "stores/store.h"

namespace stc::cluster::rank_world {

inline Units U(double records) { return static_cast<Units>(std::llround(records * kUnit)); }

inline void Add(StoreBatch* b, Source s, int year, double lat, double lon, const char* cc,
                double units, const Grid& g) {
  AggregateKey k;
  k.source = s;
  k.year = year;
  k.cell = g.CellOf(static_cast<int32_t>(std::lround(lat * 1e5)),
                    static_cast<int32_t>(std::lround(lon * 1e5)));
  k.country[0] = cc[0];
  k.country[1] = cc[1];
  k.field = s == Source::kPct ? "H" : "17";
  b->AddAggregate(k, U(units));
}

// PCT world 2019-2023: 100 records; articles 2018-2022: 200.
inline void WriteWorld(Store* store) {
  const Grid& g = store->grid();
  StoreBatch b;
  Add(&b, Source::kPct, 2020, 35.68, 139.77, "JP", 30, g);       // Alpha.
  Add(&b, Source::kPct, 2021, 35.70, 139.80, "JP", 10.5, g);     // Alpha, 3.4 km away.
  Add(&b, Source::kArticle, 2019, 35.68, 139.77, "JP", 20, g);   // Alpha.
  Add(&b, Source::kPct, 2022, 37.77, -122.42, "US", 20, g);      // Beta.
  Add(&b, Source::kArticle, 2020, 37.78, -122.41, "US", 40, g);  // Beta, 1.4 km away.
  Add(&b, Source::kPct, 2020, 22.54, 114.06, "CN", 12, g);       // Gamma (PCT side).
  Add(&b, Source::kArticle, 2020, 22.50, 114.10, "HK", 8, g);    // Gamma (articles), 6 km.
  Add(&b, Source::kPct, 2021, 48.85, 2.35, "FR", 1, g);          // Noise.
  Add(&b, Source::kPct, 2018, 51.50, -0.12, "GB", 50, g);        // Outside the window.
  b.AddTotals(Source::kPct, 2020, U(50), U(5), 50);
  b.AddTotals(Source::kPct, 2021, U(30), U(2), 30);
  b.AddTotals(Source::kPct, 2022, U(20), 0, 20);
  b.AddTotals(Source::kPct, 2018, U(50), 0, 50);
  b.AddTotals(Source::kArticle, 2019, U(120), U(9.5), 120);
  b.AddTotals(Source::kArticle, 2020, U(80), 0, 80);
  ASSERT_TRUE(store->Apply(b).ok());
}

// The ranking read from delineation data equals the one read from the store.
inline void ExpectRankedFromDataAlike(const DelineationData& data, const ClusterMap& map,
                                      const Ranking& from_store) {
  auto from_data = ComputeRanking(data, map);
  ASSERT_TRUE(from_data.ok()) << from_data.status().ToString();
  EXPECT_EQ(from_data->world, from_store.world);
  EXPECT_EQ(from_data->clustered, from_store.clustered);
  EXPECT_EQ(FormatRanking(*from_data, RankFormat::kJson, 1000),
            FormatRanking(from_store, RankFormat::kJson, 1000));
}

inline Edition TestEdition() {
  Edition e = BuiltinEdition("gii2024").value();
  for (MetricSpec& m : e.metrics) {
    m.eps_km = 12;
    m.min_share = 0;
    m.min_weight = U(5);
  }
  e.merge_km = 12;
  return e;
}

}  // namespace stc::cluster::rank_world

#endif  // STCLUSTER_TESTS_RANK_WORLD_H_
