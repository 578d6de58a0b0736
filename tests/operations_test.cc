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

}  // namespace
}  // namespace stc
