// The PATENTSCOPE XML reader on hand-written documents
// (tests/fixtures/patentscope/): number forms, A1 then A3 of one
// application, inventors listed twice, missing addresses, concatenated files.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/formats_test_util.h"

namespace stc {
namespace {

using namespace stc::testing;  // NOLINT

const std::string kA1 = Fixture("patentscope/WO2021187654-A1.xml");
const std::string kWeekly = Fixture("patentscope/weekly-concatenated.xml");

TEST(Patentscope, ReadsOneDocument) {
  CollectingSink s = ParseUnit("patentscope", ReadFile(kA1));
  ASSERT_EQ(s.records.size(), 1u) << (s.details.empty() ? "" : s.details[0]);
  const Record& r = s.records[0];
  EXPECT_EQ(r.source, Source::kPct);
  EXPECT_EQ(r.key, "PCT/CN2021/123456");
  EXPECT_EQ(r.year, 2021);
  EXPECT_EQ(r.version, 20210923);
  EXPECT_EQ(r.doc_type, "A1");
  EXPECT_EQ(r.codes, (std::vector<std::string>{"H04W 72/04", "G06F 3/01"}));
  EXPECT_EQ(r.field, "H");
  EXPECT_EQ(r.orgs, (std::vector<std::string>{"HUAWEI TECHNOLOGIES CO., LTD.", "ZHANG, San"}));
  // ZHANG San is an inventor and an applicant-inventor: one person.
  ASSERT_EQ(r.persons.size(), 3u);
  EXPECT_EQ(r.persons[0].name, "ZHANG, San");
  ASSERT_EQ(r.persons[0].locations.size(), 1u);
  EXPECT_EQ(r.persons[0].locations[0].city, "Shenzhen");
  EXPECT_EQ(r.persons[0].locations[0].country, "CN");
  EXPECT_EQ(r.persons[0].locations[0].address,
            "Huawei Administration Building, Bantian, Longgang District");
  EXPECT_EQ(r.persons[1].name, "Li, Si");       // last-name/first-name form.
  EXPECT_TRUE(r.persons[2].locations.empty());  // WANG Wu: no address.
  CountedRecord c = Count(r);
  EXPECT_EQ(c.persons, 3u);
  EXPECT_EQ(c.unlocated, kUnit);  // No coordinates until geocoded.
}

TEST(Patentscope, TextIsTrimmedAndItsWhiteSpaceCollapsed) {
  const std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wo-international-application-status>"
      "<wo-bibliographic-data><publication-reference><document-id><country>WO</country>"
      "<doc-number>2021/1</doc-number><kind>A1</kind><date>20210923</date></document-id>"
      "</publication-reference><application-reference><document-id><country>CN</country>"
      "<doc-number>PCT/CN2021/000001</doc-number></document-id></application-reference>"
      "<parties><inventors>"
      "<inventor><addressbook lang=\"en\"><name>\n   ZHANG,\t  San  </name><address>"
      "<address-1>  1 Long   Road </address-1><address-2> \r\n </address-2>"
      "<address-3>Bantian </address-3><city>\n Shen\tzhen </city><country> CN </country>"
      "</address></addressbook></inventor>"
      "<inventor><addressbook lang=\"en\"><last-name>  Li </last-name><first-name>   "
      "</first-name><address><city>Bei\njing</city></address></addressbook></inventor>"
      "<inventor><addressbook lang=\"en\"><last-name></last-name><first-name> Wu Wei "
      "</first-name></addressbook></inventor>"
      "</inventors></parties></wo-bibliographic-data></wo-international-application-status>\n";
  CollectingSink s = ParseUnit("patentscope", doc);
  ASSERT_EQ(s.records.size(), 1u) << (s.details.empty() ? "" : s.details[0]);
  const Record& r = s.records[0];
  ASSERT_EQ(r.persons.size(), 3u);
  EXPECT_EQ(r.persons[0].name, "ZHANG, San");
  ASSERT_EQ(r.persons[0].locations.size(), 1u);
  EXPECT_EQ(r.persons[0].locations[0].address, "1 Long Road, Bantian");  // Blank line dropped.
  EXPECT_EQ(r.persons[0].locations[0].city, "Shen zhen");
  EXPECT_EQ(r.persons[0].locations[0].country, "CN");
  EXPECT_EQ(r.persons[1].name, "Li");  // A blank first name adds no separator.
  ASSERT_EQ(r.persons[1].locations.size(), 1u);
  EXPECT_EQ(r.persons[1].locations[0].address, "");
  EXPECT_EQ(r.persons[1].locations[0].city, "Bei jing");  // White space inside only.
  EXPECT_EQ(r.persons[2].name, "Wu Wei");
  EXPECT_TRUE(r.persons[2].locations.empty());
}

TEST(Patentscope, A1ThenA3IsOneRecordAndConcatenatedDocumentsAreUnits) {
  for (int threads : {1, 2}) {
    TempDir dir;
    auto store = OpenStore(dir.Path("db"));
    IngestStats a1 = IngestOk(store.get(), {kA1}, threads);
    EXPECT_EQ(a1.files[0].format, "patentscope");
    EXPECT_EQ(a1.records_new, 1u);
    IngestStats w = IngestOk(store.get(), {kWeekly}, threads);
    EXPECT_EQ(w.records_read, 4u);
    EXPECT_EQ(w.records_unchanged, 1u);  // The A3, carrying the A1 date: same record.
    EXPECT_EQ(w.records_new, 1u);        // PCT/US99/12345.
    EXPECT_EQ(Get(w.rejected_by_reason, "no_persons"), 1u);
    EXPECT_EQ(Get(w.rejected_by_reason, "malformed_xml"), 1u);
    std::string log = ReadFile(dir.Path("db") + "/rejects.jsonl");
    EXPECT_NE(log.find("\"reason\":\"malformed_xml\""), std::string::npos) << log;
  }
}

// Recognised units (pipeline/README.md): the key peeked from a document's
// text is the one its parse gives, documents read again are taken from the
// store, and a document of several records is neither hashed nor recognised.
TEST(Patentscope, DocumentsAreRecognisedByTheirBytes) {
  std::vector<std::string> docs = {ReadFile(kA1)};
  const std::string weekly = ReadFile(kWeekly);
  for (size_t at = 0; at != std::string::npos;) {
    const size_t next = weekly.find("<?xml", at + 1);
    docs.push_back(weekly.substr(at, next == std::string::npos ? next : next - at));
    at = next;
  }
  ASSERT_EQ(docs.size(), 5u);
  auto parser = FindFormat("patentscope")->NewParser();
  ASSERT_TRUE(parser->HashesUnits());
  size_t peeked = 0;
  for (const std::string& doc : docs) {
    CollectingSink parsed = ParseUnit("patentscope", doc);
    std::string key;
    if (parsed.records.size() != 1 || !parser->PeekKey(doc, &key)) continue;
    ++peeked;
    EXPECT_EQ(key, parsed.records[0].key) << doc.substr(0, 300);
  }
  EXPECT_EQ(peeked, 3u);  // The A1, the A3 and the old number form.

  TempDir dir;
  ExpectReadAgain(dir.Path("db"), kWeekly, 2, 2);

  // Two records in one document.
  const std::string a1 = docs[0];
  const size_t b = a1.find("<wo-bibliographic-data");
  const size_t e =
      a1.find("</wo-bibliographic-data>") + std::string("</wo-bibliographic-data>").size();
  std::string one = a1.substr(b, e - b), two = one;
  two.replace(two.find("PCT/CN2021/123456"), 17, "PCT/CN2021/654321");
  WriteFile(dir.Path("two.xml"), "<?xml version=\"1.0\"?>\n<status>" + one + two + "</status>\n");
  auto pair = ExpectReadAgain(dir.Path("pair"), dir.Path("two.xml"), 2, 0);
  ASSERT_NE(pair, nullptr);
  ExpectNoUnitHashes(*pair, 2);
}

TEST(Patentscope, OldNumberFormAndOldClassification) {
  std::string weekly = ReadFile(kWeekly);
  size_t second = weekly.find("<?xml", 1);
  size_t third = weekly.find("<?xml", second + 1);
  CollectingSink s = ParseUnit("patentscope", weekly.substr(second, third - second));
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].key, "PCT/US1999/012345");
  EXPECT_EQ(s.records[0].year, 2000);
  EXPECT_EQ(s.records[0].codes, std::vector<std::string>{"A61K 31/00"});
  EXPECT_EQ(s.records[0].field, "A");
  ASSERT_EQ(s.records[0].persons.size(), 1u);
  EXPECT_EQ(s.records[0].persons[0].name, "DOE, Jane");
  EXPECT_EQ(s.records[0].persons[0].locations[0].address, "12 Elm Street, Boston, MA 02110");
}

// Every wo-bibliographic-data element of a document is a record, in
// document order, at any depth; a document without one is rejected.
TEST(Patentscope, EveryBibliographicDataElementAtAnyDepth) {
  const std::string a1 = ReadFile(kA1);
  const size_t b = a1.find("<wo-bibliographic-data");
  const size_t e =
      a1.find("</wo-bibliographic-data>") + std::string("</wo-bibliographic-data>").size();
  std::string first = a1.substr(b, e - b), second = first;
  second.replace(second.find("PCT/CN2021/123456"), 17, "PCT/CN2021/654321");
  CollectingSink s = ParseUnit("patentscope", "<?xml version=\"1.0\"?>\n<status><a><b>" + first +
                                                  "</b></a><c/>" + second + "</status>\n");
  ASSERT_EQ(s.records.size(), 2u);
  EXPECT_EQ(s.records[0].key, "PCT/CN2021/123456");
  EXPECT_EQ(s.records[1].key, "PCT/CN2021/654321");
  // One element, as the root, a child of the root or deeper; and one named
  // again in a comment: each found once.
  for (const std::string& doc :
       {first, "<status>" + first + "</status>", "<status><a><b>" + first + "</b></a></status>",
        "<status><!-- <wo-bibliographic-data> -->" + first + "</status>"}) {
    CollectingSink one = ParseUnit("patentscope", "<?xml version=\"1.0\"?>\n" + doc + "\n");
    ASSERT_EQ(one.records.size(), 1u) << doc;
    EXPECT_EQ(one.records[0].key, "PCT/CN2021/123456");
    EXPECT_TRUE(one.details.empty());
  }
  // A second element at every offset of the scan's 16-byte blocks, a
  // sibling or nested in the root element: each found (the reader takes its
  // one-element path only when the text names the element once).
  const std::string close = "</wo-bibliographic-data>";
  for (size_t pad = 0; pad < 40; ++pad) {
    const std::string spaces(pad, ' ');
    std::string nested = first;
    nested.insert(nested.rfind(close), spaces + "<x>" + second + "</x>");
    for (const std::string& doc :
         {"<status>" + spaces + first + "<x>" + second + "</x></status>", nested}) {
      CollectingSink both = ParseUnit("patentscope", "<?xml version=\"1.0\"?>\n" + doc + "\n");
      ASSERT_EQ(both.records.size(), 2u) << doc;
      EXPECT_EQ(both.records[0].key, "PCT/CN2021/123456");
      EXPECT_EQ(both.records[1].key, "PCT/CN2021/654321");
    }
  }
  CollectingSink none =
      ParseUnit("patentscope", "<?xml version=\"1.0\"?>\n<status><a/></status>\n");
  EXPECT_TRUE(none.records.empty());
  ASSERT_EQ(none.details.size(), 1u);
  EXPECT_EQ(none.details[0], "no wo-bibliographic-data element");
}

TEST(Patentscope, CompressedInvalidUtf8AndOversizedDocuments) {
  TempDir dir;
  std::string a1 = ReadFile(kA1);
  std::string bad = a1;
  bad.replace(bad.find("WANG"), 4, "W\xff\xfeG");
  std::string huge = a1;
  huge.insert(huge.find("</wo-bibliographic-data>"),
              "<abstract>" + std::string(5000, 'x') + "</abstract>\n");
  WriteFile(dir.Path("a.xml.zst"), Zstd(bad + huge + ReadFile(kWeekly)));
  WriteFile(dir.Path("b.xml.gz"), Gzip(a1));
  auto store = OpenStore(dir.Path("db"));
  IngestOptions o;
  o.threads = 2;
  o.chunker.max_line_bytes = 4096;
  IngestStats s = IngestWith(store.get(), {dir.Path("a.xml.zst"), dir.Path("b.xml.gz")}, o);
  EXPECT_EQ(s.files[0].format, "patentscope");
  EXPECT_EQ(s.files[1].compression, "gzip");
  EXPECT_EQ(Get(s.rejected_by_reason, "malformed_xml"), 2u);  // Invalid UTF-8 + the cut document.
  EXPECT_EQ(Get(s.rejected_by_reason, "record_too_long"), 1u);
  EXPECT_EQ(s.records_new, 2u);        // The A3 (first seen here) and PCT/US1999/012345.
  EXPECT_EQ(s.records_unchanged, 1u);  // b.xml.gz: the A1 after its A3.
}

// Rejected documents are located by their first line in the file, across
// chunks of a few documents each (each chunk adds its units' newlines).
TEST(Patentscope, RejectedDocumentsCarryTheirLineAcrossChunks) {
  TempDir dir;
  const std::string a1 = ReadFile(kA1);
  std::string bad = a1;
  bad.replace(bad.find("WANG"), 4, "W\xff\xfeG");
  std::string data;
  std::vector<uint64_t> bad_lines;
  for (int i = 0; i < 12; ++i) {
    const bool is_bad = i % 5 == 3;
    if (is_bad) bad_lines.push_back(std::count(data.begin(), data.end(), '\n') + 1);
    data += is_bad ? bad : a1;
  }
  WriteFile(dir.Path("a.xml.zst"), Zstd(data));
  auto store = OpenStore(dir.Path("db"));
  IngestOptions o;
  o.threads = 2;
  o.chunker.target_chunk_bytes = 2 * a1.size();
  IngestStats s = IngestWith(store.get(), {dir.Path("a.xml.zst")}, o);
  EXPECT_EQ(Get(s.rejected_by_reason, "malformed_xml"), bad_lines.size());
  const std::string log = ReadFile(dir.Path("db") + "/rejects.jsonl");
  for (uint64_t line : bad_lines) {
    EXPECT_NE(log.find("\"line\":" + std::to_string(line) + ","), std::string::npos)
        << line << ": " << log;
  }
}

}  // namespace
}  // namespace stc
