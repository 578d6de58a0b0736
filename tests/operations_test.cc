// Operations: the file registry (nightly refresh over a growing folder).
#include <gtest/gtest.h>

#include "pipeline/file_registry.h"
#include "tests/test_util.h"

namespace stc {
namespace {

using testing::ExportCsv;
using testing::OpenStore;
using testing::TempDir;
using testing::WriteFile;
using testing::Zstd;

std::string Pct(int i, const char* date = "2021-01-01") {
  return R"({"application_number":"PCT/JP2021/)" + std::to_string(100000 + i) +
         R"(","publication_date":")" + date +
         R"(","inventors":[{"name":"A","addresses":[{"country":"JP","lat":35.0,"lon":139.0}]}]})" +
         "\n";
}

IngestStats IngestRun(Store* store, const std::vector<std::string>& inputs, bool reread = false) {
  IngestOptions o;
  o.threads = 2;
  o.reread_unchanged = reread;
  auto r = Ingest(store, inputs, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : IngestStats{};
}

TEST(FileRegistry, UnchangedFilesAreSkippedNewAndChangedOnesRead) {
  TempDir dir;
  std::filesystem::create_directories(dir.Path("in"));
  std::string a, b;
  for (int i = 0; i < 100; ++i) a += Pct(i);
  for (int i = 100; i < 150; ++i) b += Pct(i);
  WriteFile(dir.Path("in/a.jsonl.zst"), Zstd(a));
  auto store = OpenStore(dir.Path("db"));
  IngestStats first = IngestRun(store.get(), {dir.Path("in")});
  EXPECT_EQ(first.records_new, 100u);
  EXPECT_EQ(first.files_skipped, 0u);

  // Night 2: a new file arrives; the old one is not read again.
  WriteFile(dir.Path("in/b.jsonl.zst"), Zstd(b));
  IngestStats second = IngestRun(store.get(), {dir.Path("in")});
  EXPECT_EQ(second.files_skipped, 1u);
  EXPECT_TRUE(second.files[0].skipped);
  EXPECT_FALSE(second.files[1].skipped);
  EXPECT_EQ(second.records_read, 50u);
  EXPECT_EQ(second.records_new, 50u);

  // Night 3: nothing new: nothing read.
  IngestStats third = IngestRun(store.get(), {dir.Path("in")});
  EXPECT_EQ(third.files_skipped, 2u);
  EXPECT_EQ(third.records_read, 0u);

  // A file rewritten with a correction is read again (its size changed).
  WriteFile(dir.Path("in/a.jsonl.zst"), Zstd(a + Pct(3, "2021-02-02")));
  IngestStats fourth = IngestRun(store.get(), {dir.Path("in")});
  EXPECT_EQ(fourth.files_skipped, 1u);
  EXPECT_EQ(fourth.records_read, 101u);
  EXPECT_EQ(fourth.records_updated, 1u);
  EXPECT_EQ(fourth.records_unchanged, 100u);

  // --force (reread_unchanged) reads everything; nothing changes.
  std::string before = ExportCsv(*store);
  IngestStats forced = IngestRun(store.get(), {dir.Path("in")}, /*reread=*/true);
  EXPECT_EQ(forced.files_skipped, 0u);
  EXPECT_EQ(forced.records_read, 151u);
  EXPECT_EQ(forced.records_new + forced.records_updated, 0u);
  EXPECT_EQ(ExportCsv(*store), before);
}

TEST(FileRegistry, FailedFilesAreNotSkippedAndEntriesAreReadable) {
  TempDir dir;
  std::string data;
  for (int i = 0; i < 2000; ++i) data += Pct(i);
  std::string z = Zstd(data, 1);
  WriteFile(dir.Path("cut.jsonl.zst"), z.substr(0, z.size() / 2));
  auto store = OpenStore(dir.Path("db"));
  IngestStats first = IngestRun(store.get(), {dir.Path("cut.jsonl.zst")});
  EXPECT_EQ(first.files_failed, 1u);
  IngestStats again = IngestRun(store.get(), {dir.Path("cut.jsonl.zst")});
  EXPECT_EQ(again.files_skipped, 0u);  // A failed file is read again.
  int entries = 0;
  ASSERT_TRUE(ForEachRegisteredFile(*store, [&](const FileEntry& e) {
                ++entries;
                EXPECT_EQ(e.id.size, z.size() / 2);
                EXPECT_EQ(e.outcome.rfind("failed: truncated_stream", 0), 0u) << e.outcome;
                EXPECT_EQ(e.records, again.records_read);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(entries, 1);
}

TEST(FileRegistry, IdentityDependsOnSizeHeadAndTail) {
  TempDir dir;
  WriteFile(dir.Path("f"), std::string(300000, 'x'));
  auto a = IdentifyFile(dir.Path("f"));
  ASSERT_TRUE(a.ok());
  std::string changed_tail(300000, 'x');
  changed_tail.back() = 'y';
  WriteFile(dir.Path("f"), changed_tail);
  auto b = IdentifyFile(dir.Path("f"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->size, b->size);
  EXPECT_NE(a->fingerprint, b->fingerprint);
  WriteFile(dir.Path("f"), std::string(300000, 'x'));
  auto c = IdentifyFile(dir.Path("f"));
  EXPECT_EQ(a->fingerprint, c->fingerprint);
  EXPECT_EQ(IdentifyFile(dir.Path("missing")).status().code(), StatusCode::kNotFound);
}

std::string PctAt(int i, int year, double lat, const char* updated = nullptr) {
  std::string s = R"({"application_number":"PCT/JP)" + std::to_string(year) + "/" +
                  std::to_string(100000 + i) + R"(","publication_date":")" + std::to_string(year) +
                  "-03-01\"";
  if (updated != nullptr) s += std::string(R"(,"updated":")") + updated + "\"";
  s += R"(,"ipc":["H04"],"inventors":[{"name":"A","addresses":[{"country":"JP","lat":)" +
       std::to_string(lat) + R"(,"lon":139.5}]}]})" + "\n";
  return s;
}

std::string Article(int i, int year) {
  return R"({"key":"2-s2.0-)" + std::to_string(i) + R"(","cover_date":")" + std::to_string(year) +
         R"(-01-01","authors":[{"name":"B","affiliations":[{"country":"KR","lat":37.5,"lon":127.0}]}]})" +
         "\n";
}

IngestStats Replace(Store* store, const std::vector<std::string>& inputs, const char* spec) {
  IngestOptions o;
  o.threads = 2;
  ReplaceSpec r;
  EXPECT_TRUE(ParseReplaceSpec(spec, &r));
  o.replace = r;
  auto res = Ingest(store, inputs, o);
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  return res.ok() ? *res : IngestStats{};
}

// Old dump: pct 2020 (0..49), pct 2021 (50..99), articles 2021. The
// correction: pct 2021 keys 50..79 (55..59 moved), new keys 100..109, plus a
// 2020 record and an article that a replace of pct:2021 must ignore.
struct ReplaceCase {
  std::string old_pct_2020, old_pct_2021, old_articles, new_2021, new_noise;
  ReplaceCase() {
    for (int i = 0; i < 50; ++i) old_pct_2020 += PctAt(i, 2020, 35.0 + i * 0.01);
    for (int i = 50; i < 100; ++i) old_pct_2021 += PctAt(i, 2021, 35.0 + i * 0.01);
    for (int i = 0; i < 5; ++i) old_articles += Article(i, 2021);
    for (int i = 50; i < 80; ++i) {
      new_2021 += (i >= 55 && i < 60) ? PctAt(i, 2021, 34.0) : PctAt(i, 2021, 35.0 + i * 0.01);
    }
    for (int i = 100; i < 110; ++i) new_2021 += PctAt(i, 2021, 36.0);
    new_noise = PctAt(0, 2020, 10.0) + Article(1, 2021);
  }
};

TEST(Replace, EqualsAFreshIngestOfTheFinalFiles) {
  ReplaceCase c;
  TempDir dir;
  std::filesystem::create_directories(dir.Path("old"));
  WriteFile(dir.Path("old/pct.jsonl"), c.old_pct_2020 + c.old_pct_2021);
  WriteFile(dir.Path("old/articles.jsonl"), c.old_articles);
  WriteFile(dir.Path("fix.jsonl.zst"), Zstd(c.new_2021 + c.new_noise));

  auto store = OpenStore(dir.Path("db"));
  IngestRun(store.get(), {dir.Path("old")});
  IngestStats r = Replace(store.get(), {dir.Path("fix.jsonl.zst")}, "pct:2021");
  EXPECT_EQ(r.records_read, 42u);
  EXPECT_EQ(r.records_skipped, 1u);  // The 2020 record (the article file is another source...
  EXPECT_EQ(r.skipped_by_reason["outside_replace_year"], 1u);
  EXPECT_EQ(r.records_rejected, 1u);  // ...and the article line is not a PCT record at all.
  EXPECT_EQ(r.records_new, 10u);
  EXPECT_EQ(r.records_updated, 5u);
  EXPECT_EQ(r.records_unchanged, 25u);
  EXPECT_EQ(r.records_removed_by_replace, 20u);
  EXPECT_FALSE(store->GetMeta(kReplaceInProgressMeta)->has_value());

  // The same final set of files, ingested fresh.
  TempDir fresh;
  std::filesystem::create_directories(fresh.Path("in"));
  WriteFile(fresh.Path("in/pct-2020.jsonl"), c.old_pct_2020);
  WriteFile(fresh.Path("in/articles.jsonl"), c.old_articles);
  WriteFile(fresh.Path("in/pct-2021.jsonl"), c.new_2021);
  auto expected = OpenStore(fresh.Path("db"));
  IngestRun(expected.get(), {fresh.Path("in")});
  EXPECT_EQ(ExportCsv(*store), ExportCsv(*expected));
}

TEST(Replace, AnInterruptedReplaceBlocksOtherIngestsUntilReRun) {
  ReplaceCase c;
  TempDir dir;
  WriteFile(dir.Path("old.jsonl"), c.old_pct_2020 + c.old_pct_2021);
  WriteFile(dir.Path("fix.jsonl"), c.new_2021);
  auto store = OpenStore(dir.Path("db"));
  IngestRun(store.get(), {dir.Path("old.jsonl")});
  // As a killed replace leaves it: marked in progress, partly applied.
  ASSERT_TRUE(store->PutMeta(kReplaceInProgressMeta, "pct:2021\t2026-11-30T00:00:00Z").ok());
  IngestOptions o;
  auto blocked = Ingest(store.get(), {dir.Path("old.jsonl")}, o);
  ASSERT_FALSE(blocked.ok());
  EXPECT_NE(blocked.status().message().find("replace of pct:2021 did not complete"),
            std::string::npos)
      << blocked.status().message();
  ReplaceSpec other{Source::kPct, 2020};
  o.replace = other;
  EXPECT_FALSE(Ingest(store.get(), {dir.Path("fix.jsonl")}, o).ok());
  IngestStats done = Replace(store.get(), {dir.Path("fix.jsonl")}, "pct:2021");
  EXPECT_EQ(done.records_removed_by_replace, 20u);
  EXPECT_FALSE(store->GetMeta(kReplaceInProgressMeta)->has_value());
  // A second run of the completed replace changes nothing.
  std::string after = ExportCsv(*store);
  IngestStats again = Replace(store.get(), {dir.Path("fix.jsonl")}, "pct:2021");
  EXPECT_EQ(again.records_new + again.records_updated + again.records_removed_by_replace, 0u);
  EXPECT_EQ(ExportCsv(*store), after);
}

// A fresh load of several buffers defers its cells to its end
// (pipeline/write_stage.h): its export equals a load in one buffer. One that
// stopped before writing them (left here as it would be: records stored,
// aggregates cleared, the store marked) is refused by readers, and the next
// ingest rebuilds the aggregates from the records first, even when it reads
// nothing new.
TEST(FreshLoad, DeferredCellsEqualOneBufferAndAStoppedLoadIsRebuilt) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 3000; ++i) text += PctAt(i, 2015 + i % 8, 20.0 + 0.013 * (i % 200));
  WriteFile(dir.Path("in.jsonl.zst"), Zstd(text));
  auto one = OpenStore(dir.Path("one"));
  IngestRun(one.get(), {dir.Path("in.jsonl.zst")});
  const std::string want = ExportCsv(*one);
  ASSERT_GT(want.size(), 3000u);

  auto store = OpenStore(dir.Path("db"));
  IngestOptions o;
  o.threads = 2;
  o.flush_bytes = 256 << 10;  // Several buffers.
  Result<IngestStats> loaded = Ingest(store.get(), {dir.Path("in.jsonl.zst")}, o);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->records_new, 3000u);
  EXPECT_EQ(loaded->records_rebuilt, 0u);
  EXPECT_EQ(store->pending_flushes_written(), 0u);  // Deferred: no pending log.
  EXPECT_FALSE(store->aggregates_deferred());
  EXPECT_EQ(ExportCsv(*store), want);

  ASSERT_TRUE(store->ClearAggregates().ok());
  ASSERT_TRUE(store->BeginDeferredAggregates("a fresh load begun 2026-12-07T00:00:00Z").ok());
  std::ostringstream refused;
  Status st = ExportAggregates(*store, {}, refused);
  EXPECT_EQ(st.code(), StatusCode::kBusy) << st.ToString();
  Result<IngestStats> next = Ingest(store.get(), {dir.Path("in.jsonl.zst")}, o);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->records_rebuilt, 3000u);
  EXPECT_EQ(next->files_skipped, 1u);  // Registered: not read again.
  EXPECT_NE(next->ToText().find("rebuilt:   the aggregates of 3000 stored records"),
            std::string::npos)
      << next->ToText();
  EXPECT_NE(next->ToJson().find("\"records_rebuilt\":3000"), std::string::npos);
  EXPECT_FALSE(store->aggregates_deferred());
  EXPECT_EQ(ExportCsv(*store), want);
}

// A large ingest into a store that has aggregates folds its cells into them
// by rewriting them (Store::FoldPendingAggregates): the same export as one
// load of both files. Stopped within the rewrite, it leaves the store
// marked, and the next ingest rebuilds the aggregates from the records.
TEST(NightlyIngest, TheFoldsRewriteEqualsOneLoadAndAStoppedOneIsRebuilt) {
  TempDir dir;
  std::string a, b;
  for (int i = 0; i < 112000; ++i) {  // 56,000 keys per file, the same in both.
    (i % 2 == 0 ? a : b) += PctAt(i, 2015 + (i / 2) % 8, -85.0 + 0.01 * (i / 16));
  }
  WriteFile(dir.Path("a.jsonl.zst"), Zstd(a));
  WriteFile(dir.Path("b.jsonl.zst"), Zstd(b));
  IngestOptions o;
  o.threads = 2;
  o.flush_bytes = 4 << 20;  // Several buffers: the cells go through the pending log.
  auto one = OpenStore(dir.Path("one"));
  ASSERT_TRUE(Ingest(one.get(), {dir.Path("a.jsonl.zst"), dir.Path("b.jsonl.zst")}, o).ok());
  const std::string want = ExportCsv(*one);
  ASSERT_GT(want.size(), 112000u);

  for (bool stop : {false, true}) {
    SCOPED_TRACE(stop);
    auto store = OpenStore(dir.Path(stop ? "stopped" : "nightly"));
    ASSERT_TRUE(Ingest(store.get(), {dir.Path("a.jsonl.zst")}, o).ok());
    EXPECT_EQ(store->aggregates_rewritten(), 0u);  // Into empty aggregates: no rewrite.
    if (stop) store->StopNextRewriteForTesting();
    Result<IngestStats> nightly = Ingest(store.get(), {dir.Path("b.jsonl.zst")}, o);
    if (!stop) {
      ASSERT_TRUE(nightly.ok()) << nightly.status().ToString();
      EXPECT_EQ(nightly->records_new, 56000u);
      EXPECT_EQ(store->aggregates_rewritten(), 1u);
      EXPECT_FALSE(store->aggregates_deferred());
      EXPECT_EQ(ExportCsv(*store), want);
      continue;
    }
    ASSERT_FALSE(nightly.ok());
    EXPECT_TRUE(store->aggregates_deferred());
    std::ostringstream refused;
    Status st = ExportAggregates(*store, {}, refused);
    EXPECT_EQ(st.code(), StatusCode::kBusy) << st.ToString();
    Result<IngestStats> again = Ingest(store.get(), {dir.Path("b.jsonl.zst")}, o);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->records_rebuilt, 112000u);  // b's records were stored before the stop.
    EXPECT_EQ(again->records_new, 0u);
    EXPECT_FALSE(store->aggregates_deferred());
    EXPECT_EQ(ExportCsv(*store), want);
  }
}

TEST(Replace, SpecParsing) {
  ReplaceSpec s;
  EXPECT_TRUE(ParseReplaceSpec("article:2019", &s));
  EXPECT_EQ(s.source, Source::kArticle);
  EXPECT_EQ(s.year, 2019);
  EXPECT_EQ(ReplaceSpecName(s), "article:2019");
  EXPECT_FALSE(ParseReplaceSpec("pct", &s));
  EXPECT_FALSE(ParseReplaceSpec("patents:2019", &s));
  EXPECT_FALSE(ParseReplaceSpec("pct:19", &s));
}

}  // namespace
}  // namespace stc
