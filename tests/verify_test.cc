// stcluster verify (pipeline/verify.h) and backup (Store::Checkpoint) on
// stores built by ingesting small dumps, then tampered with.
#include "pipeline/verify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/delineate.h"
#include "cluster/edition.h"
#include "cluster/map_store.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "cluster/saved_profiles.h"
#include "cluster/saved_ranking.h"
#include "core/record_codec.h"
#include "tests/test_util.h"

namespace stc {
namespace {

using testing::ExportCsv;
using testing::IngestOk;
using testing::OpenStore;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;
using testing::Zstd;

// A PCT record with three inventors: two located in Japan, one unlocated.
std::string Pct(int i, int year = 2021) {
  const std::string lat = std::to_string(35 + i % 3), lon = std::to_string(139 + i % 2);
  return R"({"application_number":"PCT/JP)" + std::to_string(year) + "/" +
         std::to_string(100000 + i) + R"(","publication_date":")" + std::to_string(year) +
         R"(-03-04","ipc":["H04L 9/00"],"inventors":[)" +
         R"({"name":"A","addresses":[{"country":"JP","lat":)" + lat + ",\"lon\":" + lon + "}]}," +
         R"({"name":"B","addresses":[{"country":"JP","lat":34.7,"lon":135.5}]},)" +
         R"({"name":"C"}]})" + "\n";
}

// A store with 60 records over two years, ingested from a zstd dump.
std::unique_ptr<Store> MakeStore(const TempDir& dir) {
  std::string data;
  for (int i = 0; i < 40; ++i) data += Pct(i);
  for (int i = 0; i < 20; ++i) data += Pct(i, 2022);
  WriteFile(dir.Path("dump.jsonl.zst"), Zstd(data));
  auto store = OpenStore(dir.Path("db"));
  if (store == nullptr) return nullptr;
  IngestStats s = IngestOk(store.get(), {dir.Path("dump.jsonl.zst")});
  EXPECT_EQ(s.records_new, 60u);
  return store;
}

VerifyReport Verify(const Store& store, size_t max = 20) {
  VerifyOptions o;
  o.max_differences = max;
  auto r = VerifyStore(store, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : VerifyReport{};
}

// The first stored aggregate.
std::pair<AggregateKey, Units> FirstAggregate(const Store& store) {
  std::pair<AggregateKey, Units> first;
  bool found = false;
  EXPECT_TRUE(store
                  .ForEachAggregate([&](const AggregateKey& k, Units u) {
                    if (!found) first = {k, u};
                    found = true;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(found);
  return first;
}

// Adds to `batch` the stored record `*key` ("": the first, whose key is
// then set) with one unit too many on its first point, decoded into `*r`
// before the change. False when there is no such record or it has no point.
bool PutWithOneUnitTooMany(const Store& store, std::string* key, CountedRecord* r,
                           StoreBatch* batch) {
  const bool first = key->empty();
  bool found = false;
  Status st = store.ForEachRecord([&](Source s, std::string_view k, std::string_view v) {
    if (found || (!first && k != *key)) return Status::Ok();
    found = true;
    key->assign(k);
    r->source = s;
    return DecodeCountedRecord(v, r);
  });
  if (!st.ok() || !found || r->points.empty()) return false;
  CountedRecord changed = *r;
  changed.points[0].units += 1;
  std::string encoded;
  EncodeCountedRecord(changed, &encoded);
  batch->PutRecord(r->source, *key, encoded);
  return true;
}

TEST(Verify, IngestedStoreIsConsistent) {
  TempDir dir;
  auto store = MakeStore(dir);
  ASSERT_NE(store, nullptr);
  VerifyReport r = Verify(*store);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.records, 60);
  EXPECT_GT(r.aggregates_stored, 0);
  EXPECT_EQ(r.aggregates_stored, r.aggregates_recomputed);
  EXPECT_EQ(r.totals_stored, 2);
  EXPECT_EQ(r.difference_count, 0);
  EXPECT_EQ(r.problem_count, 0);
  EXPECT_EQ(r.cluster_maps, 0);

  // Still consistent after a compaction (zero entries dropped, merges folded).
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_TRUE(Verify(*store).ok());
}

TEST(Verify, TamperedAggregatesAndTotalsAreReportedExactly) {
  TempDir dir;
  auto store = MakeStore(dir);
  ASSERT_NE(store, nullptr);
  auto [key, units] = FirstAggregate(*store);
  AggregateKey ghost = key;
  ghost.cell.lat_idx = -4000;  // A cell no record touches.
  StoreBatch b;
  b.AddAggregate(key, 7);
  b.AddAggregate(ghost, 5);
  b.AddTotals(Source::kPct, 2022, 0, 0, 1);
  ASSERT_TRUE(store->Apply(b).ok());

  VerifyReport r = Verify(*store);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.problem_count, 0);
  ASSERT_EQ(r.difference_count, 3);
  ASSERT_EQ(r.differences.size(), 3u);
  // Aggregates in key order (the ghost cell sorts first), then totals.
  const VerifyDifference& g = r.differences[0];
  EXPECT_FALSE(g.is_totals);
  EXPECT_EQ(g.key, ghost);
  EXPECT_EQ(g.column, "units");
  EXPECT_EQ(g.stored, 5);
  EXPECT_EQ(g.recomputed, 0);
  const VerifyDifference& d = r.differences[1];
  EXPECT_EQ(d.key, key);
  EXPECT_EQ(d.stored, units + 7);
  EXPECT_EQ(d.recomputed, units);
  const VerifyDifference& t = r.differences[2];
  EXPECT_TRUE(t.is_totals);
  EXPECT_EQ(t.key.source, Source::kPct);
  EXPECT_EQ(t.key.year, 2022);
  EXPECT_EQ(t.column, "records");
  EXPECT_EQ(t.stored, 21);
  EXPECT_EQ(t.recomputed, 20);
  EXPECT_EQ(DescribeDifferenceKey(t, store->grid()), "pct 2022 totals");
  EXPECT_EQ(DescribeDifferenceKey(g, store->grid()), "pct 2021 -40,135.5 JP H");

  // Listing is capped, counting is not.
  VerifyReport capped = Verify(*store, 1);
  EXPECT_EQ(capped.difference_count, 3);
  EXPECT_EQ(capped.differences.size(), 1u);

  // Undo the tampering: consistent again.
  StoreBatch undo;
  undo.AddAggregate(key, -7);
  undo.AddAggregate(ghost, -5);
  undo.AddTotals(Source::kPct, 2022, 0, 0, -1);
  ASSERT_TRUE(store->Apply(undo).ok());
  EXPECT_TRUE(Verify(*store).ok());
}

TEST(Verify, RecordWithWrongUnitsIsReported) {
  TempDir dir;
  auto store = MakeStore(dir);
  ASSERT_NE(store, nullptr);
  // Rewrite the first record with one unit too many on its first point,
  // without touching the aggregates.
  std::string key;
  CountedRecord r;
  StoreBatch b;
  ASSERT_TRUE(PutWithOneUnitTooMany(*store, &key, &r, &b));
  ASSERT_TRUE(store->Apply(b).ok());

  VerifyReport rep = Verify(*store);
  EXPECT_FALSE(rep.ok());
  ASSERT_EQ(rep.problem_count, 1);
  EXPECT_EQ(rep.problems[0],
            "record pct " + key + ": units sum to 1.000000001 (points + unlocated), not exactly 1");
  // The extra unit shows up in the recomputed cell of that point.
  ASSERT_EQ(rep.difference_count, 1);
  const VerifyDifference& d = rep.differences[0];
  EXPECT_EQ(d.key.cell, store->grid().CellOf(r.points[0].lat_e5, r.points[0].lon_e5));
  EXPECT_EQ(d.key.year, r.year);
  EXPECT_EQ(d.recomputed, d.stored + 1);
}

TEST(Verify, UndecodableRecordIsAProblemAndItsContributionsDiffer) {
  TempDir dir;
  auto store = MakeStore(dir);
  ASSERT_NE(store, nullptr);
  StoreBatch b;
  b.PutRecord(Source::kPct, "PCT/JP2021/100000", "\x02garbage");
  ASSERT_TRUE(store->Apply(b).ok());
  VerifyReport r = Verify(*store);
  EXPECT_EQ(r.problem_count, 1);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].find("record pct PCT/JP2021/100000 does not decode"), std::string::npos)
      << r.problems[0];
  // Its stored contributions have no record any more: world, unlocated and
  // records of pct 2021 differ, and every cell it touched.
  EXPECT_GE(r.difference_count, 3 + 2);
}

// A store large enough for the record scan to split, tampered with in
// several places (undecodable records at both ends and in the middle, a
// record with a unit too many, a changed aggregate): the scan on two threads
// reports exactly what the serial scan does, problems in key order.
// Two reports' listed differences, field by field (the caller checks that
// there are as many).
void ExpectSameDifferences(const std::vector<VerifyDifference>& a,
                           const std::vector<VerifyDifference>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    EXPECT_EQ(a[i].is_totals, b[i].is_totals) << i;
    EXPECT_EQ(a[i].key, b[i].key) << i;
    EXPECT_EQ(a[i].column, b[i].column) << i;
    EXPECT_EQ(a[i].stored, b[i].stored) << i;
    EXPECT_EQ(a[i].recomputed, b[i].recomputed) << i;
  }
}

TEST(Verify, ParallelScanReportsAsTheSerialOne) {
  TempDir dir;
  std::string data;
  // Varied coordinates and applicant names: the table files must exceed the
  // 1 MiB under which a scan is not split.
  for (int i = 0; i < 60000; ++i) {
    std::string rec = Pct(i, 2015 + i % 9);
    const uint64_t h = (static_cast<uint64_t>(i) + 1) * 0x9E3779B97F4A7C15ull;
    rec.insert(rec.size() - 2, R"(,"applicants":[{"name":"Org )" + std::to_string(h) + "\"}]");
    const std::string at = std::to_string(35 + i % 3);
    rec.replace(rec.find("\"lat\":" + at), 6 + at.size(),
                "\"lat\":" + std::to_string(20 + static_cast<double>(h % 300000) / 10000));
    data += rec;
  }
  WriteFile(dir.Path("dump.jsonl.zst"), Zstd(data));
  auto store = OpenStore(dir.Path("db"));
  ASSERT_NE(store, nullptr);
  ASSERT_EQ(IngestOk(store.get(), {dir.Path("dump.jsonl.zst")}).records_new, 60000u);
  ASSERT_TRUE(store->Compact().ok());  // Into table files, which the scan splits.
  // Precondition: two threads really scan two parts.
  std::vector<std::string> keys(2);
  ASSERT_TRUE(
      store
          ->ForEachRecordParallel(2,
                                  [&](size_t part, Source, std::string_view k, std::string_view) {
                                    if (keys[part].empty()) keys[part].assign(k);
                                    return Status::Ok();
                                  })
          .ok());
  ASSERT_FALSE(keys[1].empty()) << "the store is too small to split";
  std::vector<std::string> all;
  ASSERT_TRUE(store
                  ->ForEachRecord([&](Source, std::string_view k, std::string_view) {
                    all.emplace_back(k);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(all.size(), 60000u);
  StoreBatch b;
  for (size_t at : {size_t{0}, all.size() / 2, all.size() - 1}) {
    b.PutRecord(Source::kPct, all[at], "\x02garbage");
  }
  // The first record of the second part, with one unit too many.
  CountedRecord r;
  ASSERT_TRUE(PutWithOneUnitTooMany(*store, &keys[1], &r, &b));
  auto [key, units] = FirstAggregate(*store);
  b.AddAggregate(key, 3);
  ASSERT_TRUE(store->Apply(b).ok());

  // The totals of one year off by one record: a difference in the last
  // groups' years too.
  std::vector<YearTotals> stored_totals = store->GetTotals().value();
  ASSERT_EQ(stored_totals.size(), 9u);
  b = StoreBatch();
  b.AddTotals(Source::kPct, 2021, 0, 0, 1);
  ASSERT_TRUE(store->Apply(b).ok());
  std::vector<Store::SourceYear> pairs;
  for (const YearTotals& t : stored_totals) pairs.emplace_back(t.source, t.year);
  auto bytes = store->ApproximateAggregateBytes(pairs);
  ASSERT_TRUE(bytes.ok());
  uint64_t half_bytes = 0;
  for (uint64_t n : bytes.value()) {
    EXPECT_GT(n, 0u);
    half_bytes += n;
  }
  half_bytes /= 2;

  for (size_t max : {size_t{2}, size_t{20}, size_t{1000}}) {
    SCOPED_TRACE(max);
    VerifyOptions o;
    o.max_differences = max;
    o.threads = 1;
    o.group_bytes = 0;  // One pass.
    auto serial = VerifyStore(*store, o);
    o.threads = 2;
    auto parallel = VerifyStore(*store, o);
    ASSERT_TRUE(serial.ok() && parallel.ok());
    EXPECT_EQ(serial->passes, 1);
    EXPECT_EQ(parallel->passes, 1);
    // A pass per year (each year's aggregates at least a byte) on one and
    // two threads, and two or three groups of years: the same report.
    for (const auto& [group_bytes, threads] :
         {std::pair<uint64_t, int>{1, 1}, {1, 2}, {half_bytes, 2}}) {
      o.group_bytes = group_bytes;
      o.threads = threads;
      SCOPED_TRACE(::testing::Message() << group_bytes << " " << threads);
      auto grouped = VerifyStore(*store, o);
      ASSERT_TRUE(grouped.ok()) << grouped.status().ToString();
      if (group_bytes == 1) {
        EXPECT_EQ(grouped->passes, 9);
      } else {
        EXPECT_GE(grouped->passes, 2);
        EXPECT_LE(grouped->passes, 3);
      }
      EXPECT_EQ(grouped->records, serial->records);
      EXPECT_EQ(grouped->problem_count, serial->problem_count);
      EXPECT_EQ(grouped->problems, serial->problems);
      EXPECT_EQ(grouped->aggregates_recomputed, serial->aggregates_recomputed);
      EXPECT_EQ(grouped->aggregates_stored, serial->aggregates_stored);
      EXPECT_EQ(grouped->totals_stored, serial->totals_stored);
      EXPECT_EQ(grouped->notes, serial->notes);
      EXPECT_EQ(grouped->difference_count, serial->difference_count);
      ASSERT_EQ(grouped->differences.size(), serial->differences.size());
      ExpectSameDifferences(grouped->differences, serial->differences);
    }
    EXPECT_EQ(parallel->records, 60000);
    EXPECT_EQ(parallel->records, serial->records);
    EXPECT_EQ(parallel->problem_count, 4);
    EXPECT_EQ(parallel->problems, serial->problems);
    ASSERT_EQ(parallel->problems.size(), std::min<size_t>(max, 4));
    EXPECT_NE(parallel->problems[0].find("record pct " + all[0] + " does not decode"),
              std::string::npos)
        << parallel->problems[0];
    EXPECT_EQ(parallel->aggregates_recomputed, serial->aggregates_recomputed);
    EXPECT_EQ(parallel->aggregates_stored, serial->aggregates_stored);
    EXPECT_GT(parallel->difference_count, 3);
    EXPECT_EQ(parallel->difference_count, serial->difference_count);
    ASSERT_EQ(parallel->differences.size(), serial->differences.size());
    ExpectSameDifferences(parallel->differences, serial->differences);
  }
}

// Two clusters: Osaka (a cell holding units, one holding none) and Nowhere
// (no cells), on a grid of `step_e5`.
cluster::ClusterMap TwoClusters(int32_t step_e5) {
  cluster::ClusterMap map;
  map.grid_step_e5 = step_e5;
  for (int32_t id : {1, 2}) {
    cluster::ClusterInfo c;
    c.id = id;
    c.name = id == 1 ? "Osaka" : "Nowhere";
    map.clusters.push_back(c);
  }
  const Grid grid(step_e5);
  map.cells.push_back({grid.CellOf(-4000000, 1000000), 1});  // Holds none.
  map.cells.push_back({grid.CellOf(3470000, 13550000), 1});  // Holds units.
  map.ComputeFootprints();
  return map;
}

TEST(Verify, ClusterMaps) {
  TempDir dir;
  auto store = MakeStore(dir);
  ASSERT_NE(store, nullptr);
  cluster::ClusterMap map = TwoClusters(1000);
  ASSERT_TRUE(store->AddClusterMap(cluster::EncodeClusterMap(map)).ok());
  VerifyReport r = Verify(*store);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.cluster_maps, 1);
  EXPECT_EQ(r.current_cluster_map, std::optional<uint64_t>(1));
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_NE(r.notes[0].find("1 clusters have no cells"), std::string::npos) << r.notes[0];
  EXPECT_NE(r.notes[1].find("1 of 2 mapped cells hold no units"), std::string::npos) << r.notes[1];

  // A coarser grid (a multiple of the store's) is fine: store cells are
  // re-snapped onto it.
  map = TwoClusters(2000);
  ASSERT_TRUE(store->AddClusterMap(cluster::EncodeClusterMap(map)).ok());
  r = Verify(*store);
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_NE(r.notes[1].find("1 of 2 mapped cells hold no units"), std::string::npos) << r.notes[1];

  // A finer grid, and a map that does not parse.
  map = TwoClusters(500);
  ASSERT_TRUE(store->AddClusterMap(cluster::EncodeClusterMap(map)).ok());
  ASSERT_TRUE(store->AddClusterMap("not a cluster map\n").ok());
  r = Verify(*store);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.difference_count, 0);
  EXPECT_EQ(r.cluster_maps, 4);
  ASSERT_EQ(r.problem_count, 2);
  EXPECT_EQ(r.problems[0],
            "cluster map version 3: grid 0.005 degree is not a multiple of the store's grid 0.01 "
            "degree");
  EXPECT_NE(r.problems[1].find("cluster map version 4 does not parse"), std::string::npos)
      << r.problems[1];
}

// A store with a stored two-cluster map of gii2024 and its ranking sums (as
// delineate computes them), for the checks of what delineate saves.
struct SavedWorld {
  TempDir dir;
  std::unique_ptr<Store> store;
  cluster::ClusterMap map;
  cluster::Edition edition;
  cluster::RankingSums sums;
};

void MakeSavedWorld(SavedWorld* w) {
  w->store = MakeStore(w->dir);
  ASSERT_NE(w->store, nullptr);
  w->map = TwoClusters(1000);
  w->map.edition = "gii2024";
  ASSERT_TRUE(cluster::SaveClusterMap(w->store.get(), &w->map).ok());
  w->edition = cluster::BuiltinEdition("gii2024").value();
  auto data = cluster::LoadDelineationData(*w->store, w->edition);
  ASSERT_TRUE(data.ok());
  auto sums = cluster::SumClusters(*data, w->map);
  ASSERT_TRUE(sums.ok());
  ASSERT_FALSE(sums->clusters.empty());
  w->sums = std::move(*sums);
  w->map.fingerprint = data->fingerprint;  // As Delineate sets it: saved with the sums.
}

// The ranking sums delineate saves are checked while rank would use them:
// right ones pass, tampered ones are a problem, stale ones are not checked.
TEST(Verify, SavedRankingSums) {
  SavedWorld w;
  ASSERT_NO_FATAL_FAILURE(MakeSavedWorld(&w));
  Store* store = w.store.get();
  ASSERT_TRUE(cluster::SaveRankingSums(store, w.map, w.edition, w.sums).ok());
  VerifyReport r = Verify(*store);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.saved_rankings, 1);

  cluster::RankingSums tampered = w.sums;
  tampered.clusters.begin()->second[0] += 1;
  ASSERT_TRUE(cluster::SaveRankingSums(store, w.map, w.edition, tampered).ok());
  r = Verify(*store);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.saved_rankings, 1);
  ASSERT_EQ(r.problem_count, 1);
  EXPECT_EQ(r.problems[0],
            "the ranking sums saved with cluster map version 1 differ from the aggregates (rank "
            "would use them: run delineate again)");

  // The data fingerprint saved with them, which export --by profile checks
  // map files against.
  cluster::ClusterMap other = w.map;
  other.fingerprint ^= 1;
  ASSERT_TRUE(cluster::SaveRankingSums(store, other, w.edition, w.sums).ok());
  r = Verify(*store);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problem_count, 1);
  EXPECT_EQ(r.problems[0],
            "the data fingerprint saved with cluster map version 1's ranking sums is not that of "
            "the aggregates (export --by profile would check map files against it: run "
            "delineate again)");
  ASSERT_TRUE(cluster::SaveRankingSums(store, w.map, w.edition, w.sums).ok());
  EXPECT_TRUE(Verify(*store).ok());

  ASSERT_TRUE(store->PutMeta("unrelated", "x").ok());  // rank no longer uses them.
  r = Verify(*store);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.saved_rankings, 0);
}

// The profile tallies saved with the sums are checked against a new scan
// while show, report and export --by profile would use them.
TEST(Verify, SavedProfileTallies) {
  SavedWorld w;
  ASSERT_NO_FATAL_FAILURE(MakeSavedWorld(&w));
  Store* store = w.store.get();
  auto tallies = cluster::ProfileScan::Start(*store, w.map, w.edition, 2)->FinishTallies(5);
  ASSERT_TRUE(tallies.ok());
  ASSERT_FALSE(tallies->clusters.empty());
  ASSERT_TRUE(cluster::SaveRankingSums(store, w.map, w.edition, w.sums, &*tallies).ok());
  VerifyReport r = Verify(*store);
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.saved_rankings, 1);
  EXPECT_EQ(r.saved_profiles, 1);

  cluster::ProfileTallies tampered = *tallies;
  tampered.clusters.begin()->second[0].year_units[0] += 1;
  ASSERT_TRUE(cluster::SaveRankingSums(store, w.map, w.edition, w.sums, &tampered).ok());
  r = Verify(*store);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.saved_profiles, 1);
  ASSERT_EQ(r.problem_count, 1);
  EXPECT_EQ(r.problems[0],
            "the profile tallies saved with cluster map version 1 differ from a scan of the "
            "records (show, report and export --by profile would use them: run delineate again)");

  // Damaged bytes are a problem, not an error of verify's.
  ASSERT_TRUE(
      store->PutMetas({{cluster::kSavedProfilesMeta, "stcluster-profile-tallies,1\n"}}).ok());
  r = Verify(*store);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problem_count, 1);
  EXPECT_NE(r.problems[0].find("saved profile tallies: bad"), std::string::npos) << r.problems[0];
}

// The noise locations saved with the sums are checked against the
// aggregates while report would use them.
TEST(Verify, SavedNoiseLocations) {
  SavedWorld w;
  ASSERT_NO_FATAL_FAILURE(MakeSavedWorld(&w));
  Store* store = w.store.get();
  auto data = cluster::LoadDelineationData(*store, w.edition);
  ASSERT_TRUE(data.ok());
  const std::vector<cluster::NoisePoint> noise =
      cluster::NoiseLocations(*data, w.map, cluster::kSavedNoiseMinUnits);
  ASSERT_TRUE(cluster::SaveRankingSums(store, w.map, w.edition, w.sums, nullptr, &noise).ok());
  VerifyReport r = Verify(*store);
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.saved_rankings, 1);
  EXPECT_EQ(r.saved_noise, 1);

  // The ranking check reads the aggregates the noise check read: tampered
  // sums beside right noise locations are still a problem.
  cluster::RankingSums sums = w.sums;
  sums.clusters.begin()->second[0] += 1;
  ASSERT_TRUE(cluster::SaveRankingSums(store, w.map, w.edition, sums, nullptr, &noise).ok());
  r = Verify(*store);
  EXPECT_EQ(r.saved_noise, 1);
  ASSERT_EQ(r.problem_count, 1);
  EXPECT_EQ(r.problems[0],
            "the ranking sums saved with cluster map version 1 differ from the aggregates (rank "
            "would use them: run delineate again)");

  std::vector<cluster::NoisePoint> tampered = noise;
  tampered.push_back({100000, 200000, 6 * kUnit});
  ASSERT_TRUE(cluster::SaveRankingSums(store, w.map, w.edition, w.sums, nullptr, &tampered).ok());
  r = Verify(*store);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.saved_noise, 1);
  ASSERT_EQ(r.problem_count, 1);
  EXPECT_EQ(r.problems[0],
            "the noise locations saved with cluster map version 1 differ from the aggregates "
            "(report would use them: run delineate again)");

  // Damaged text is a problem, not an error of verify's.
  ASSERT_TRUE(store->PutMetas({{cluster::kSavedNoiseMeta, "stcluster-noise-locations,1\n"}}).ok());
  r = Verify(*store);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problem_count, 1);
  EXPECT_NE(r.problems[0].find("saved noise locations: a header line is missing"),
            std::string::npos)
      << r.problems[0];
}

TEST(Backup, CheckpointIsAnEqualStore) {
  TempDir dir;
  auto store = MakeStore(dir);
  ASSERT_NE(store, nullptr);
  WriteFile(dir.Path("db/rejects.jsonl"), "{\"run\":\"r\",\"reason\":\"bad_date\"}\n");
  ASSERT_TRUE(store->Checkpoint(dir.Path("backups/one")).ok());
  EXPECT_EQ(ReadFile(dir.Path("backups/one/rejects.jsonl")),
            ReadFile(dir.Path("db/rejects.jsonl")));
  EXPECT_FALSE(std::filesystem::exists(dir.Path("backups/one/WRITER.lock")));
  {
    StoreOptions ro;
    ro.read_only = true;
    auto copy = Store::Open(dir.Path("backups/one"), ro);
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    EXPECT_EQ(ExportCsv(**copy), ExportCsv(*store));
    EXPECT_TRUE(Verify(**copy).ok());
    // A read-only store cannot checkpoint (no writer lock).
    Status st = (*copy)->Checkpoint(dir.Path("backups/two"));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  }
  // The copy is a writable store of its own, independent of the original.
  auto copy = Store::Open(dir.Path("backups/one"), {});
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  IngestOk(copy->get(), {dir.Path("dump.jsonl.zst")});
  EXPECT_EQ(ExportCsv(**copy), ExportCsv(*store));

  // An existing destination is refused and left alone.
  std::filesystem::create_directories(dir.Path("exists"));
  WriteFile(dir.Path("exists/keep"), "x");
  Status st = store->Checkpoint(dir.Path("exists"));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_EQ(ReadFile(dir.Path("exists/keep")), "x");
}

}  // namespace
}  // namespace stc
