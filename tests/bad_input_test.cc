// Bad input: every case is rejected with its reason and location while the
// good records around it still land.
#include <gtest/gtest.h>

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

std::string Good(int i) {
  return R"({"application_number":"PCT/JP2021/)" + std::to_string(100000 + i) +
         R"(","publication_date":"2021-01-01","ipc":["H01L"],"inventors":[{"name":"A","addresses":[{"country":"JP","lat":35.0,"lon":139.0}]}]})";
}

struct Case {
  std::string name;
  std::string line;
  std::string reason;
};

TEST(BadInput, EachBadRecordIsRejectedWithReasonAndOffsetAndGoodOnesLand) {
  const std::vector<Case> cases = {
      {"malformed", R"({"application_number": "PCT/JP2021/1", "publication_date": )",
       "malformed_json"},
      {"missing key", R"({"publication_date":"2021-01-01","inventors":[{"name":"A"}]})",
       "missing_key"},
      {"bad date",
       R"({"application_number":"PCT/JP2021/2","publication_date":"2021-02-30x","inventors":[{"name":"A"}]})",
       "bad_date"},
      {"lat out of range",
       R"({"application_number":"PCT/JP2021/3","publication_date":"2021-01-01","inventors":[{"name":"A","addresses":[{"lat":95,"lon":1}]}]})",
       "bad_coordinates"},
      {"lat NaN",
       R"({"application_number":"PCT/JP2021/4","publication_date":"2021-01-01","inventors":[{"name":"A","addresses":[{"lat":"nan","lon":1}]}]})",
       "bad_coordinates"},
      {"empty persons",
       R"({"application_number":"PCT/JP2021/5","publication_date":"2021-01-01","inventors":[]})",
       "no_persons"},
      {"nul bytes", std::string("{\"application_number\":\"PCT/JP2021/6\0\",", 38),
       "malformed_json"},
  };
  for (const Case& c : cases) {
    TempDir dir;
    std::string data = Good(1) + "\n" + c.line + "\n" + Good(2) + "\n";
    uint64_t bad_offset = Good(1).size() + 1;
    WriteFile(dir.Path("in.jsonl.zst"), Zstd(data));
    auto store = OpenStore(dir.Path("db"));
    IngestStats s = IngestOk(store.get(), {dir.Path("in.jsonl.zst")}, 2, "pct-jsonl");
    EXPECT_EQ(s.records_read, 3u) << c.name;
    EXPECT_EQ(s.records_new, 2u) << c.name;
    EXPECT_EQ(s.records_rejected, 1u) << c.name;
    EXPECT_EQ(s.rejected_by_reason[c.reason], 1u) << c.name;
    EXPECT_TRUE(s.AnyRejected());
    std::string log = ReadFile(dir.Path("db") + "/rejects.jsonl");
    EXPECT_NE(log.find("\"offset\":" + std::to_string(bad_offset) + ","), std::string::npos)
        << c.name << ": " << log;
    EXPECT_NE(log.find("\"reason\":\"" + c.reason + "\""), std::string::npos) << c.name;
    EXPECT_NE(log.find("\"line\":2,"), std::string::npos) << c.name << ": " << log;
    EXPECT_NE(log.find(dir.Path("in.jsonl.zst")), std::string::npos) << c.name;
    EXPECT_NE(ExportCsv(*store).find("world,pct,2021,,,,,2\n"), std::string::npos) << c.name;
  }
}

TEST(BadInput, TruncatedZstdStreamKeepsRecordsBeforeTheCut) {
  TempDir dir;
  std::string data;
  for (int i = 0; i < 20000; ++i) data += Good(i) + "\n";
  std::string z = Zstd(data, 1);
  WriteFile(dir.Path("cut.jsonl.zst"), z.substr(0, z.size() / 2));
  WriteFile(dir.Path("whole.jsonl"), Good(900000) + "\n");
  auto store = OpenStore(dir.Path("db"));
  IngestStats s = IngestOk(store.get(), {dir.Path("cut.jsonl.zst"), dir.Path("whole.jsonl")});
  EXPECT_EQ(s.files_failed, 1u);
  EXPECT_EQ(s.rejected_by_reason["truncated_stream"], 1u);
  EXPECT_GT(s.records_new, 1000u);   // The part before the cut landed...
  EXPECT_LT(s.records_new, 20000u);  // ...and not more than was there.
  // The cut lands inside a line almost surely: that partial line is rejected.
  EXPECT_LE(s.records_rejected, 1u);
  EXPECT_EQ(s.records_read, s.records_new + s.records_rejected);
  EXPECT_NE(s.files[0].error.find("truncated"), std::string::npos) << s.files[0].error;
  EXPECT_TRUE(s.files[1].error.empty());
  std::string log = ReadFile(dir.Path("db") + "/rejects.jsonl");
  EXPECT_NE(log.find("truncated_stream"), std::string::npos);
}

TEST(BadInput, NonZstdFileNamedZstIsRejectedAsAFile) {
  TempDir dir;
  std::filesystem::create_directories(dir.Path("in"));
  WriteFile(dir.Path("in/fake.jsonl.zst"), Good(1) + "\n");
  WriteFile(dir.Path("in/real.jsonl.zst"), Zstd(Good(2) + "\n"));
  auto store = OpenStore(dir.Path("db"));
  IngestStats s = IngestOk(store.get(), {dir.Path("in")});
  EXPECT_EQ(s.files_failed, 1u);
  EXPECT_EQ(s.rejected_by_reason["bad_compression"], 1u);
  EXPECT_EQ(s.records_new, 1u);
  EXPECT_TRUE(s.AnyRejected());
}

TEST(BadInput, UnknownFormatIsRejectedAsAFile) {
  TempDir dir;
  WriteFile(dir.Path("notes.txt"), "hello\nworld\n");
  auto store = OpenStore(dir.Path("db"));
  IngestStats s = IngestOk(store.get(), {dir.Path("notes.txt")});
  EXPECT_EQ(s.files_failed, 1u);
  EXPECT_EQ(s.rejected_by_reason["unknown_format"], 1u);
  EXPECT_EQ(s.records_read, 0u);
}

TEST(BadInput, OverlongLineIsRejectedWithoutBufferingIt) {
  TempDir dir;
  std::string big =
      R"({"application_number":"PCT/JP2021/7","junk":")" + std::string(3 << 20, 'x') + "\"}";
  WriteFile(dir.Path("in.jsonl"), Good(1) + "\n" + big + "\n" + Good(2) + "\n");
  auto store = OpenStore(dir.Path("db"));
  IngestOptions o;
  o.threads = 2;
  o.format = "pct-jsonl";
  o.chunker.max_line_bytes = 1 << 20;
  auto r = Ingest(store.get(), {dir.Path("in.jsonl")}, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->records_new, 2u);
  EXPECT_EQ(r->rejected_by_reason.at("line_too_long"), 1u);
  EXPECT_EQ(r->records_read, 3u);
}

TEST(BadInput, FileStartingWithAnOverlongLineIsStillDetected) {
  TempDir dir;
  std::string big =
      R"({"application_number":"PCT/JP2021/7","junk":")" + std::string(2 << 20, 'x') + "\"}";
  WriteFile(dir.Path("in.jsonl"), big + "\n" + Good(1) + "\n" + Good(2) + "\n");
  auto store = OpenStore(dir.Path("db"));
  IngestOptions o;
  o.chunker.max_line_bytes = 1 << 20;
  auto r = Ingest(store.get(), {dir.Path("in.jsonl")}, o);  // --format auto.
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->records_new, 2u);
  EXPECT_EQ(r->records_rejected, 1u);
  EXPECT_EQ(r->files[0].format, "pct-jsonl");
}

TEST(BadInput, MissingInputIsAnErrorBeforeAnythingIsWritten) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  IngestOptions o;
  auto r = Ingest(store.get(), {dir.Path("nope.jsonl")}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace stc
