#include "pipeline/write_stage.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "core/record_codec.h"
#include "pipeline/rebuild.h"
#include "stores/keys.h"

namespace stc {
namespace {

namespace fs = std::filesystem;

// A record with `points` located persons in distinct 0.01-degree cells and
// `org_bytes` bytes of organisation names (a big encoded value, few deltas).
CountedRecord MakeRecord(const std::string& key, int32_t version, int points,
                         size_t org_bytes = 0) {
  CountedRecord r;
  r.source = Source::kPct;
  r.key = key;
  r.year = 2021;
  r.version = version;
  r.field = "H04";
  r.persons = static_cast<uint32_t>(points);
  for (size_t n = 0; n < org_bytes; n += 1000) r.orgs.push_back(std::string(1000, 'o'));
  for (int i = 0; i < points; ++i) {
    WeightedPoint p;
    p.lat_e5 = 4000000 + 1000 * version;
    p.lon_e5 = 100000 + 1000 * i;
    p.country[0] = 'F';
    p.country[1] = 'R';
    p.units = kUnit / points + (i < kUnit % points ? 1 : 0);
    r.points.push_back(p);
  }
  return r;
}

void AddItem(Work* w, const CountedRecord& r) {
  if (w->items.size() <= w->n_items) w->items.resize(w->n_items + 1);
  Item& it = w->items[w->n_items++];
  it = Item();
  it.kind = Item::Kind::kRecord;
  it.line = w->n_items - 1;
  EncodeItem(w, &it, r);
}

// A recognised copy of `r` (ItemSink::Recognised): its encoding as stored,
// no points, only the key, year and version among the scalars.
void AddRecognised(Work* w, const CountedRecord& r) {
  if (w->items.size() <= w->n_items) w->items.resize(w->n_items + 1);
  Item& it = w->items[w->n_items++];
  it = Item();
  it.kind = Item::Kind::kRecord;
  it.recognised = true;
  it.line = w->n_items - 1;
  it.counted.source = r.source;
  it.counted.key = r.key;
  it.counted.year = r.year;
  it.counted.version = r.version;
  it.counted.unit_hash = r.unit_hash;
  it.encoded_at = w->encoded.size();
  EncodeCountedRecord(r, &w->encoded);
  it.encoded_size = w->encoded.size() - it.encoded_at;
  it.fingerprint = FingerprintEncoded(EncodedOf(*w, it));
  it.points_at = w->points.size();
  it.points_size = 0;
}

// The store's aggregates by (lat index, lon index) of 0.01-degree cells.
std::map<std::pair<int32_t, int32_t>, Units> Cells(const Store& store) {
  std::map<std::pair<int32_t, int32_t>, Units> out;
  Status st = store.ForEachAggregate([&](const AggregateKey& k, Units u) {
    out[{k.cell.lat_idx, k.cell.lon_idx}] += u;
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

// The store holds one (source, year) total, of `records` records of one
// unit each.
void ExpectOneYearOf(const Store& store, int64_t records) {
  Result<std::vector<YearTotals>> totals = store.GetTotals();
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  ASSERT_EQ(totals.value().size(), 1u);
  EXPECT_EQ(totals.value()[0].records, records);
  EXPECT_EQ(totals.value()[0].world, records * kUnit);
}

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("stc_writer_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    ASSERT_NO_FATAL_FAILURE(OpenStore(dir_));
    stats_.files.resize(1);
    ASSERT_TRUE(log_.Open((dir_ / "rejects.jsonl").string(), "test").ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // Creates a store (0.01-degree grid) in `dir` as store_.
  void OpenStore(const fs::path& dir) {
    StoreOptions options;
    options.create_if_missing = true;
    options.grid_step_e5 = 1000;
    Result<std::unique_ptr<Store>> store = Store::Open(dir.string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store.value());
  }

  // Counts flushes in `flushes` and holds the first one in flight until
  // `release` is set (at most 20 s).
  static void HoldFirstFlush(Writer* writer, std::atomic<int>* flushes,
                             std::atomic<bool>* release) {
    writer->SetFlushHookForTesting([flushes, release] {
      if (flushes->fetch_add(1) == 0) {
        for (int i = 0; i < 20000 && !release->load(); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
    });
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  IngestStats stats_;
  RejectsLog log_;
  std::vector<std::string> files_ = {"test.jsonl"};
};

// The decisions about a record whose earlier copy is in the buffer being
// written (held in flight by the hook) see that copy: the store does not
// have it yet. Without the lookup in the flushing buffer, the repeat would be
// counted as new and its units twice.
TEST_F(WriterTest, DecisionsSeeTheBufferBeingWritten) {
  // Budget: the first chunk (one big record) fills its half, the second
  // (small records) does not.
  Writer writer(store_.get(), &stats_, &log_, &files_, /*flush_bytes=*/200 << 10);
  ASSERT_TRUE(writer.Start().ok());
  std::atomic<int> flushes{0};
  std::atomic<bool> release{false};
  HoldFirstFlush(&writer, &flushes, &release);
  const CountedRecord a1 = MakeRecord("A", 1, 5, 200 << 10);  // ~200 KiB encoded.
  const CountedRecord a2 = MakeRecord("A", 2, 4);             // A correction.
  const CountedRecord b = MakeRecord("B", 1, 3);

  Work first;
  AddItem(&first, a1);
  first.newlines = 1;
  ASSERT_TRUE(writer.Write(&first).ok());
  ASSERT_EQ(stats_.records_new, 1u);
  for (int i = 0; i < 20000 && flushes.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(flushes.load(), 1) << "the first chunk must start a flush";

  Work second;
  AddItem(&second, a1);  // Unchanged repeat of the copy in flight.
  AddItem(&second, b);
  AddItem(&second, a2);  // Replaces the copy in flight.
  second.newlines = 3;
  ASSERT_TRUE(writer.Write(&second).ok());
  // The first buffer is still in flight (a flush started by the second chunk
  // would have waited for it): the store holds no record yet.
  Result<bool> none = store_->HasNoRecords();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value());
  release.store(true);
  ASSERT_TRUE(writer.Finish().ok());

  EXPECT_EQ(stats_.records_read, 4u);
  EXPECT_EQ(stats_.records_new, 2u);
  EXPECT_EQ(stats_.records_updated, 1u);
  EXPECT_EQ(stats_.records_unchanged, 1u);
  EXPECT_EQ(stats_.units_written, 2 * kUnit);
  // The store holds a2's and b's contributions only; a1's cancelled out.
  std::map<std::pair<int32_t, int32_t>, Units> want;
  for (const CountedRecord* r : {&a2, &b}) {
    for (const WeightedPoint& p : r->points) {
      want[{store_->grid().CellOf(p.lat_e5, p.lon_e5).lat_idx,
            store_->grid().CellOf(p.lat_e5, p.lon_e5).lon_idx}] += p.units;
    }
  }
  EXPECT_EQ(Cells(*store_), want);
  ExpectOneYearOf(*store_, 2);
}

// A chunk looked up on a parse thread (Writer::LookUp) before a buffer holding
// one of its keys was written and emptied is looked up again by Write: the
// first look-up missed the key (not yet in the store), and the key is no
// longer in memory. Trusting it would count the repeat as new, twice.
TEST_F(WriterTest, LookUpsOlderThanAnEmptiedBufferAreRedone) {
  Writer writer(store_.get(), &stats_, &log_, &files_, /*flush_bytes=*/200 << 10);
  ASSERT_TRUE(writer.Start().ok());
  std::atomic<int> flushes{0};
  std::atomic<bool> release{false};
  HoldFirstFlush(&writer, &flushes, &release);
  const CountedRecord a = MakeRecord("A", 1, 5, 200 << 10);  // Fills a buffer.
  const CountedRecord c = MakeRecord("C", 1, 2, 200 << 10);  // Fills the next.

  Work first;
  AddItem(&first, a);
  first.newlines = 1;
  writer.LookUp(&first);
  ASSERT_TRUE(writer.Write(&first).ok());  // Starts writing A's buffer (held).
  Work repeat;
  AddItem(&repeat, a);
  repeat.newlines = 1;
  writer.LookUp(&repeat);  // A is not in the store yet.
  ASSERT_TRUE(repeat.lookup.done);
  ASSERT_EQ(repeat.lookup.stored.size(), 1u);   // Looked up (the filter knows A)...
  EXPECT_FALSE(repeat.lookup.stored[0].found);  // ...and not found.
  release.store(true);
  Work filler;
  AddItem(&filler, c);
  filler.newlines = 1;
  writer.LookUp(&filler);
  // Fills the other buffer: waits for A's write, empties its buffer, starts
  // writing C's.
  ASSERT_TRUE(writer.Write(&filler).ok());
  ASSERT_TRUE(writer.Write(&repeat).ok());
  ASSERT_TRUE(writer.Finish().ok());

  EXPECT_EQ(stats_.records_read, 3u);
  EXPECT_EQ(stats_.records_new, 2u);
  EXPECT_EQ(stats_.records_unchanged, 1u);
  ExpectOneYearOf(*store_, 2);
}

// A recognised item that must be written (here: its record was deleted
// earlier in the same chunk, so the copy is new again) brings its counts from
// its encoding: it has no points of its own. The cells must be the record's.
TEST_F(WriterTest, RecognisedItemsThatAreWrittenAddTheirCounts) {
  CountedRecord a = MakeRecord("A", 1, 3);
  a.unit_hash = 77;
  {
    Writer writer(store_.get(), &stats_, &log_, &files_, 64 << 20);
    ASSERT_TRUE(writer.Start().ok());
    Work w;
    AddItem(&w, a);
    w.newlines = 1;
    writer.LookUp(&w);
    ASSERT_TRUE(writer.Write(&w).ok());
    ASSERT_TRUE(writer.Finish().ok());
  }
  const auto cells = Cells(*store_);
  ASSERT_EQ(cells.size(), 3u);
  stats_ = IngestStats();
  stats_.files.resize(1);
  Writer writer(store_.get(), &stats_, &log_, &files_, 64 << 20);
  ASSERT_TRUE(writer.Start().ok());
  Work w;
  if (w.items.size() <= w.n_items) w.items.resize(w.n_items + 1);
  Item& del = w.items[w.n_items++];
  del = Item();
  del.kind = Item::Kind::kDelete;
  del.counted.key = "A";
  AddRecognised(&w, a);
  w.newlines = 2;
  w.lookup.has_recognised = true;
  w.lookup.recognised_epoch = 0;
  writer.LookUp(&w);
  ASSERT_TRUE(writer.Write(&w).ok());
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(stats_.records_deleted, 1u);
  EXPECT_EQ(stats_.records_new, 1u);
  EXPECT_EQ(stats_.records_recognised, 1u);
  EXPECT_EQ(stats_.units_written, kUnit);
  EXPECT_EQ(Cells(*store_), cells);
  ExpectOneYearOf(*store_, 1);
}

// The budget counts what a buffer holds, not the capacity kept from earlier
// fills: the second and later buffers flush as rarely as the first (counting
// capacity once made every chunk after the first flush start a tiny write).
TEST_F(WriterTest, LaterBuffersFlushAsRarelyAsTheFirst) {
  Writer writer(store_.get(), &stats_, &log_, &files_, /*flush_bytes=*/1 << 20);
  ASSERT_TRUE(writer.Start().ok());
  std::atomic<int> flushes{0};
  writer.SetFlushHookForTesting([&] { flushes.fetch_add(1); });
  constexpr int kChunks = 60, kPerChunk = 200;
  for (int c = 0; c < kChunks; ++c) {
    Work w;
    for (int r = 0; r < kPerChunk; ++r) {
      AddItem(&w, MakeRecord("K" + std::to_string(c * kPerChunk + r), 1, 3));
    }
    w.newlines = kPerChunk;
    ASSERT_TRUE(writer.Write(&w).ok());
  }
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(stats_.records_new, static_cast<uint64_t>(kChunks * kPerChunk));
  // 12,000 records of ~0.3 KB against half a 1 MiB budget: a handful of
  // writes (one per chunk would be 60).
  EXPECT_GE(flushes.load(), 2);
  EXPECT_LE(flushes.load(), 15);
}

// A run of one flush (a nightly file) adds its cell deltas to the
// aggregates itself, in the write of its records, and writes no pending
// entry; so does a fresh load of several, which defers its cells to the end
// (Writer's top comment). Into a store with records, a run of several
// flushes sends every flush through the pending log that Finish folds (one
// table file of sums). Either way, the cells are the sums of every record's
// points and nothing is left pending.
TEST_F(WriterTest, ARunOfOneFlushAddsItsDeltasWithoutThePendingLog) {
  constexpr int kChunks = 30, kPerChunk = 200;
  // The expected cells, summed from the records' own points.
  std::map<std::pair<int32_t, int32_t>, Units> expected;
  const Grid grid(1000);
  auto record = [](int c, int r) {
    return MakeRecord("K" + std::to_string(c * kPerChunk + r), 1 + (c * kPerChunk + r) % 7, 3);
  };
  for (int c = 0; c < kChunks; ++c) {
    for (int r = 0; r < kPerChunk; ++r) {
      for (const WeightedPoint& p : record(c, r).points) {
        const Cell cell = grid.CellOf(p.lat_e5, p.lon_e5);
        expected[{cell.lat_idx, cell.lon_idx}] += p.units;
      }
    }
  }
  auto run = [&](size_t flush_bytes, int* flushes) {
    std::atomic<int> n{0};
    const uint64_t pending_before = store_->pending_flushes_written();
    {
      Writer writer(store_.get(), &stats_, &log_, &files_, flush_bytes);
      EXPECT_TRUE(writer.Start().ok());
      writer.SetFlushHookForTesting([&] { n.fetch_add(1); });
      for (int c = 0; c < kChunks; ++c) {
        Work w;
        for (int r = 0; r < kPerChunk; ++r) AddItem(&w, record(c, r));
        w.newlines = kPerChunk;
        EXPECT_TRUE(writer.Write(&w).ok());
      }
      EXPECT_TRUE(writer.Finish().ok());
    }
    *flushes = n.load();
    return store_->pending_flushes_written() - pending_before;
  };
  int flushes = 0;
  EXPECT_EQ(run(64 << 20, &flushes), 0u);  // One flush (checked below): nothing pending.
  EXPECT_EQ(flushes, 1);
  EXPECT_EQ(Cells(*store_), expected);
  Result<bool> folded = store_->FoldPendingAggregates();
  ASSERT_TRUE(folded.ok());
  EXPECT_FALSE(folded.value());

  // Again into a fresh store, in many flushes: deferred, nothing pending.
  store_.reset();
  ASSERT_NO_FATAL_FAILURE(OpenStore(dir_ / "second"));
  stats_ = IngestStats();
  stats_.files.resize(1);
  EXPECT_EQ(run(/*flush_bytes=*/1 << 20, &flushes), 0u);
  EXPECT_GE(flushes, 3);
  EXPECT_EQ(stats_.records_new, static_cast<uint64_t>(kChunks * kPerChunk));
  EXPECT_EQ(Cells(*store_), expected);
  EXPECT_FALSE(store_->aggregates_deferred());

  // And into a store that holds a record already: every flush pending.
  store_.reset();
  ASSERT_NO_FATAL_FAILURE(OpenStore(dir_ / "third"));
  const CountedRecord z = MakeRecord("Z", 50, 2);
  {
    Writer writer(store_.get(), &stats_, &log_, &files_, 64 << 20);
    ASSERT_TRUE(writer.Start().ok());
    Work w;
    AddItem(&w, z);
    w.newlines = 1;
    ASSERT_TRUE(writer.Write(&w).ok());
    ASSERT_TRUE(writer.Finish().ok());
  }
  for (const WeightedPoint& p : z.points) {
    const Cell cell = grid.CellOf(p.lat_e5, p.lon_e5);
    expected[{cell.lat_idx, cell.lon_idx}] += p.units;
  }
  stats_ = IngestStats();
  stats_.files.resize(1);
  const uint64_t pending = run(/*flush_bytes=*/1 << 20, &flushes);
  EXPECT_EQ(pending, static_cast<uint64_t>(flushes));
  EXPECT_GE(flushes, 3);
  EXPECT_EQ(stats_.records_new, static_cast<uint64_t>(kChunks * kPerChunk));
  EXPECT_EQ(Cells(*store_), expected);
  folded = store_->FoldPendingAggregates();
  ASSERT_TRUE(folded.ok());
  EXPECT_FALSE(folded.value());
}

// What the stored records add up to, summed from their decoded points: a
// reference independent of the writer's maps.
struct FromRecords {
  std::map<std::pair<int32_t, int32_t>, Units> cells;
  int64_t records = 0;
};
FromRecords SumRecords(const Store& store) {
  FromRecords out;
  CountedRecord r;
  Status st = store.ForEachRecord([&](Source, std::string_view, std::string_view value) {
    STC_RETURN_IF_ERROR(DecodeCountedRecord(value, &r));
    for (const WeightedPoint& p : r.points) {
      const Cell cell = store.grid().CellOf(p.lat_e5, p.lon_e5);
      out.cells[{cell.lat_idx, cell.lon_idx}] += p.units;
    }
    ++out.records;
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  for (auto it = out.cells.begin(); it != out.cells.end();) {
    it = it->second == 0 ? out.cells.erase(it) : std::next(it);
  }
  return out;
}

// A fresh load's chunks: 12,000 records of 3,000 keys, their cells shared
// by the keys of each of `cell_groups` groups (400: 7-8 keys, cells that
// repeat, as on a coarse grid; 3,000: a key's own), the later copies of a
// key corrections in other cells (updates subtract the stored copy's cells,
// often a copy an earlier flush wrote).
void WriteCorrectedLoad(Writer* writer, int cell_groups = 400) {
  constexpr int kChunks = 60, kPerChunk = 200, kKeys = 3000;
  for (int c = 0; c < kChunks; ++c) {
    Work w;
    for (int r = 0; r < kPerChunk; ++r) {
      const int i = c * kPerChunk + r;
      CountedRecord rec = MakeRecord("K" + std::to_string(i % kKeys), 1 + i / kKeys, 1 + i % 4);
      for (WeightedPoint& p : rec.points) p.lon_e5 += 5000 * (i % cell_groups);
      AddItem(&w, rec);
    }
    w.newlines = kPerChunk;
    writer->LookUp(&w);
    ASSERT_TRUE(writer->Write(&w).ok());
  }
}

// A fresh load of several flushes defers its cells: no pending entry, the
// store marked while it runs and not after, and cells and totals that are
// what the stored records add up to. With a small budget its map outgrows
// it: the map goes to the pending log with a flush's records, the mark is
// removed, and the later flushes write their deltas to the log; the same
// result. So it does after the first flush when the cells barely repeat.
TEST_F(WriterTest, AFreshLoadDefersItsCellsWithinABudget) {
  struct Case {
    size_t budget;
    int cell_groups;
    bool ends_early;
  };
  for (const Case& c : {Case{size_t{64} << 20, 400, false}, Case{size_t{64} << 10, 400, true},
                        Case{size_t{64} << 20, 3000, true}}) {
    SCOPED_TRACE(std::to_string(c.budget) + " " + std::to_string(c.cell_groups));
    store_.reset();
    ASSERT_NO_FATAL_FAILURE(OpenStore(
        dir_ / ("case-" + std::to_string(c.budget) + "-" + std::to_string(c.cell_groups))));
    stats_ = IngestStats();
    stats_.files.resize(1);
    std::atomic<int> flushes{0};
    std::atomic<int> marked_flushes{0};
    Writer writer(store_.get(), &stats_, &log_, &files_, /*flush_bytes=*/1 << 20);
    ASSERT_TRUE(writer.Start().ok());
    writer.SetDeferredBudgetForTesting(c.budget);
    writer.SetFlushHookForTesting([&] {
      flushes.fetch_add(1);
      if (store_->aggregates_deferred()) marked_flushes.fetch_add(1);
    });
    ASSERT_NO_FATAL_FAILURE(WriteCorrectedLoad(&writer, c.cell_groups));
    ASSERT_TRUE(writer.Finish().ok());
    EXPECT_GE(flushes.load(), 4);
    EXPECT_TRUE(writer.deferred());
    EXPECT_EQ(stats_.records_new, 3000u);
    EXPECT_EQ(stats_.records_updated, 9000u);
    EXPECT_EQ(writer.deferral_ended_early(), c.ends_early);
    if (!c.ends_early) {
      EXPECT_EQ(marked_flushes.load(), flushes.load());
      EXPECT_EQ(store_->pending_flushes_written(), 0u);
    } else {
      // Marked from the first flush until the one that spilled, not after.
      EXPECT_GE(marked_flushes.load(), 1);
      EXPECT_LT(marked_flushes.load(), flushes.load());
      if (c.cell_groups == 3000) {
        EXPECT_EQ(marked_flushes.load(), 1);
      }
      // The spill and every later flush: pending entries, folded.
      EXPECT_EQ(store_->pending_flushes_written(),
                static_cast<uint64_t>(flushes.load() - marked_flushes.load() + 1));
      Result<bool> folded = store_->FoldPendingAggregates();
      ASSERT_TRUE(folded.ok());
      EXPECT_FALSE(folded.value()) << "nothing left pending";
    }
    EXPECT_FALSE(store_->aggregates_deferred());
    Result<std::optional<std::string>> mark = store_->GetMeta(store_keys::kMetaAggregatesDeferred);
    ASSERT_TRUE(mark.ok());
    EXPECT_FALSE(mark.value().has_value());
    const FromRecords want = SumRecords(*store_);
    EXPECT_EQ(want.records, 3000);
    EXPECT_EQ(Cells(*store_), want.cells);
    ExpectOneYearOf(*store_, 3000);
  }
}

// A fresh load that stops after some flushes (the Writer gone without
// Finish, as in a crash) leaves records without their cells and the store
// marked: every reader of aggregates or totals refuses, in this handle and
// in any opened later, until RebuildAggregates recomputes them from the
// records.
TEST_F(WriterTest, AStoppedFreshLoadIsRefusedUntilRebuilt) {
  std::atomic<int> flushes{0};
  {
    Writer writer(store_.get(), &stats_, &log_, &files_, /*flush_bytes=*/1 << 20);
    ASSERT_TRUE(writer.Start().ok());
    writer.SetFlushHookForTesting([&] { flushes.fetch_add(1); });
    ASSERT_NO_FATAL_FAILURE(WriteCorrectedLoad(&writer));
    EXPECT_TRUE(writer.deferred());
  }  // No Finish: the buffers not yet written are lost.
  ASSERT_GE(flushes.load(), 2);
  EXPECT_TRUE(store_->aggregates_deferred());
  const FromRecords want = SumRecords(*store_);
  ASSERT_GT(want.records, 0);
  ASSERT_FALSE(want.cells.empty());
  auto expect_refused = [](const Store& store) {
    Status st = store.ForEachAggregate([](const AggregateKey&, Units) { return Status::Ok(); });
    EXPECT_EQ(st.code(), StatusCode::kBusy) << st.ToString();
    EXPECT_NE(st.message().find("rebuilds them"), std::string::npos) << st.message();
    EXPECT_EQ(store.GetTotals().status().code(), StatusCode::kBusy);
    EXPECT_EQ(store.SplitAggregates(1 << 20, 4).status().code(), StatusCode::kBusy);
    EXPECT_EQ(store
                  .ForEachAggregateParallel(
                      2, [](size_t, const AggregateKey&, Units) { return Status::Ok(); })
                  .code(),
              StatusCode::kBusy);
  };
  expect_refused(*store_);
  // A reader opened now sees the mark too.
  store_.reset();
  {
    StoreOptions ro;
    ro.read_only = true;
    Result<std::unique_ptr<Store>> reader = Store::Open(dir_.string(), ro);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_TRUE(reader.value()->aggregates_deferred());
    expect_refused(*reader.value());
  }
  ASSERT_NO_FATAL_FAILURE(OpenStore(dir_));
  EXPECT_TRUE(store_->aggregates_deferred());
  Result<int64_t> rebuilt = RebuildAggregates(store_.get(), 2);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(rebuilt.value(), want.records);
  EXPECT_FALSE(store_->aggregates_deferred());
  EXPECT_EQ(Cells(*store_), want.cells);
  ExpectOneYearOf(*store_, want.records);
  // Rebuilding again changes nothing (nothing counted twice).
  ASSERT_TRUE(store_->BeginDeferredAggregates("test").ok());
  rebuilt = RebuildAggregates(store_.get(), 1);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(Cells(*store_), want.cells);
  ExpectOneYearOf(*store_, want.records);
  // And a reopened store is not marked.
  store_.reset();
  ASSERT_NO_FATAL_FAILURE(OpenStore(dir_));
  EXPECT_FALSE(store_->aggregates_deferred());
}

}  // namespace
}  // namespace stc
