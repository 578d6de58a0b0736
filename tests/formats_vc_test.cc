// The VC deals reader, JSON Lines and CSV (tests/fixtures/vc/).
#include <gtest/gtest.h>

#include "tests/formats_test_util.h"

namespace stc {
namespace {

using namespace stc::testing;  // NOLINT

TEST(VcDeals, JsonLines) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  IngestStats s = IngestOk(store.get(), {Fixture("vc/deals.jsonl")});
  EXPECT_EQ(s.files[0].format, "vc");
  EXPECT_EQ(s.records_read, 7u);
  EXPECT_EQ(s.records_new, 3u);
  EXPECT_EQ(s.records_unchanged, 1u);  // D1 twice.
  EXPECT_EQ(Get(s.rejected_by_reason, "bad_date"), 1u);
  EXPECT_EQ(Get(s.rejected_by_reason, "bad_coordinates"), 1u);
  EXPECT_EQ(Get(s.rejected_by_reason, "missing_key"), 1u);
  std::string csv = ExportCsv(*store);
  EXPECT_NE(csv.find("cell,vc,2023,42.36,-71.06,US,,1\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("unlocated,vc,2023,,,,,1\n"), std::string::npos) << csv;  // D2 Berlin.
  EXPECT_NE(csv.find("cell,vc,2024,51.51,-0.13,GB,,1\n"), std::string::npos) << csv;
}

TEST(VcDeals, FieldsNumbersAsStringsAndEntities) {
  std::string text = ReadFile(Fixture("vc/deals.jsonl"));
  size_t a = text.find('\n'), b = text.find('\n', a + 1), c = text.find('\n', b + 1);
  CollectingSink d2 = ParseUnit("vc", text.substr(a + 1, b - a - 1));
  ASSERT_EQ(d2.records.size(), 1u);
  EXPECT_EQ(d2.records[0].persons[0].locations[0].country, "DE");  // "Germany".
  EXPECT_EQ(d2.records[0].doc_type, "Seed");
  CollectingSink d3 = ParseUnit("vc", text.substr(b + 1, c - b - 1));
  ASSERT_EQ(d3.records.size(), 1u);
  EXPECT_EQ(d3.records[0].key, "3");
  EXPECT_EQ(d3.records[0].source, Source::kVc);
  EXPECT_EQ(d3.records[0].persons[0].name, "Numbers & Strings Ltd");
  EXPECT_TRUE(d3.records[0].persons[0].locations[0].has_coords);
  EXPECT_EQ(d3.records[0].persons[0].locations[0].lat_e5, 5150720);
}

TEST(VcDeals, CsvWithHeaderQuotesAndCrlf) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  IngestStats s = IngestOk(store.get(), {Fixture("vc/deals.csv")}, 2);
  EXPECT_EQ(s.files[0].format, "vc");
  EXPECT_EQ(s.records_read, 4u);  // The header is not a record.
  EXPECT_EQ(s.records_new, 2u);
  EXPECT_EQ(Get(s.rejected_by_reason, "bad_coordinates"), 1u);
  EXPECT_EQ(Get(s.rejected_by_reason, "malformed_csv"), 1u);
  EXPECT_EQ(Get(s.warnings, "csv_header"), 1u);
  std::string csv = ExportCsv(*store);
  EXPECT_NE(csv.find("cell,vc,2022,22.54,114.06,CN,,1\n"), std::string::npos) << csv;
}

TEST(VcDeals, CsvHeaderAppliesToEveryChunk) {
  // Many rows, small chunks: every chunk's parser gets the header.
  std::string csv = "deal_id;date;company;city;country;latitude;longitude;round_type\n";
  for (int i = 0; i < 500; ++i) {
    csv += "X" + std::to_string(i) + ";2021-01-0" + std::to_string(1 + i % 9) +
           ";Co;Lyon;France;45.76;4.84;Seed\n";
  }
  TempDir dir;
  WriteFile(dir.Path("deals.csv"), csv);
  auto store = OpenStore(dir.Path("db"));
  IngestOptions o;
  o.threads = 3;
  o.chunker.target_chunk_bytes = 512;
  IngestStats s = IngestWith(store.get(), {dir.Path("deals.csv")}, o);
  EXPECT_EQ(s.records_new, 500u);
  EXPECT_EQ(s.records_rejected, 0u);
}

// Recognised units (pipeline/README.md): deal lines read again are taken
// from the store, except those whose id is not a JSON string (D3's number,
// parsed every time); a CSV line is recognised only under the header it was
// read with, which decides what its fields are.
TEST(VcDeals, LinesAreRecognisedUnderTheirHeader) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  ASSERT_NE(store, nullptr);
  const IngestStats load = IngestOk(store.get(), {Fixture("vc/deals.jsonl")});
  const IngestStats again = IngestOk(store.get(), {Fixture("vc/deals.jsonl")});
  EXPECT_EQ(again.records_unchanged, load.records_new + load.records_unchanged);
  EXPECT_EQ(again.records_recognised, 3u);  // D1 twice, D2.
  EXPECT_EQ(again.records_rejected, load.records_rejected);

  std::string rows;
  for (int i = 0; i < 50; ++i) {
    rows += "X" + std::to_string(i) + ";2021-01-0" + std::to_string(1 + i % 9) +
            ";Co;Lyon;France;45.76;4.84;Seed\n";
  }
  WriteFile(dir.Path("a.csv"),
            "deal_id;date;company;city;country;latitude;longitude;round_type\n" + rows);
  // The same rows under a header that swaps latitude and longitude.
  WriteFile(dir.Path("b.csv"),
            "deal_id;date;company;city;country;longitude;latitude;round_type\n" + rows);
  auto csv_store = OpenStore(dir.Path("csv"));
  ASSERT_NE(csv_store, nullptr);
  EXPECT_EQ(IngestOk(csv_store.get(), {dir.Path("a.csv")}).records_new, 50u);
  EXPECT_EQ(IngestOk(csv_store.get(), {dir.Path("a.csv")}).records_recognised, 50u);
  const IngestStats swapped = IngestOk(csv_store.get(), {dir.Path("b.csv")});
  EXPECT_EQ(swapped.records_recognised, 0u);
  EXPECT_EQ(swapped.records_updated + swapped.records_older_ignored, 50u);  // Other records.
}

}  // namespace
}  // namespace stc
