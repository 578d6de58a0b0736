// The Scopus readers (`scopus`, `scopus-abstract`) on hand-written fixtures
// in the exact shapes of the APIs (tests/fixtures/scopus*/), one test per
// quirk, each asserting the expected counts.
#include <gtest/gtest.h>

#include "tests/formats_test_util.h"

namespace stc {
namespace {

using namespace stc::testing;  // NOLINT

const std::string kPage = Fixture("scopus/page-complete.json");
const std::string kEntries = Fixture("scopus/entries.jsonl");
const std::string kAbstract = Fixture("scopus_abstract/2-s2.0-85000000001.json");
const std::string kAbstracts = Fixture("scopus_abstract/abstracts.jsonl");

TEST(ScopusSearch, PageFileCountsEveryEntry) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  IngestStats s = IngestOk(store.get(), {kPage});
  EXPECT_EQ(s.files[0].format, "scopus");
  EXPECT_EQ(s.records_read, 11u);
  EXPECT_EQ(s.records_new, 6u);
  EXPECT_EQ(s.records_skipped, 3u);
  EXPECT_EQ(Get(s.skipped_by_reason, "doc_type"), 2u);     // re, cp.
  EXPECT_EQ(Get(s.skipped_by_reason, "ssh_subject"), 1u);  // 3300 + 1200 only.
  EXPECT_EQ(s.records_rejected, 2u);
  EXPECT_EQ(Get(s.rejected_by_reason, "missing_key"), 1u);
  EXPECT_EQ(Get(s.rejected_by_reason, "bad_date"), 1u);
  EXPECT_EQ(Get(s.warnings, "scopus_truncated_author_list"), 1u);
  // Again: nothing changes.
  IngestStats again = IngestOk(store.get(), {kPage});
  EXPECT_EQ(again.records_unchanged, 6u);
  EXPECT_EQ(again.records_new + again.records_updated, 0u);
}

std::string EntryOf(int n) {
  std::string page = ReadFile(kPage);
  size_t start = 0;
  for (int i = 0; i <= n; ++i) start = page.find("\n{\"@_fa\"", start + 1);
  size_t end = page.find("\n", start + 1);
  std::string line = page.substr(start + 1, end - start - 1);
  if (line.back() == ',') line.pop_back();
  return line;
}

TEST(ScopusSearch, AffiliationsByAfidWithEntitiesAndNumbersAsStrings) {
  CollectingSink s = ParseUnit("scopus", EntryOf(0));
  ASSERT_EQ(s.records.size(), 1u);
  const Record& r = s.records[0];
  EXPECT_EQ(r.key, "2-s2.0-85000000001");
  EXPECT_EQ(r.year, 2021);
  EXPECT_EQ(r.version, 120210501);  // Rank 1 (Search) above the date.
  ASSERT_EQ(r.orgs.size(), 2u);
  EXPECT_EQ(r.orgs[0], "US Fish & Wildlife Service");  // &amp; decoded.
  EXPECT_EQ(r.orgs[1], "Universit\xC3\xA9 de Lyon");   // &eacute; decoded; afid a number.
  ASSERT_EQ(r.persons.size(), 3u);
  EXPECT_EQ(r.persons[2].name, "O'Brien K.");  // &apos; decoded.
  ASSERT_EQ(r.persons[0].locations.size(), 1u);
  EXPECT_EQ(r.persons[0].locations[0].city, "Denver");
  EXPECT_EQ(r.persons[0].locations[0].country, "US");  // Country name -> ISO-2.
  EXPECT_EQ(r.persons[1].locations.size(), 2u);        // Two afids.
  ASSERT_EQ(r.persons[2].locations.size(), 1u);        // afid as one object.
  EXPECT_EQ(r.persons[2].locations[0].country, "FR");
  EXPECT_EQ(r.declared_persons, 0u);  // @total == listed.
}

TEST(ScopusSearch, ObjectInsteadOfListAndDateAsListOfDollar) {
  CollectingSink s = ParseUnit("scopus", EntryOf(1));
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].year, 2020);
  ASSERT_EQ(s.records[0].persons.size(), 1u);
  ASSERT_EQ(s.records[0].persons[0].locations.size(), 1u);
  EXPECT_EQ(s.records[0].persons[0].locations[0].country, "CN");
}

TEST(ScopusSearch, TruncatedAuthorListDividesByTotal) {
  CollectingSink s = ParseUnit("scopus", EntryOf(4));
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].declared_persons, 150u);
  CountedRecord c = Count(s.records[0]);
  EXPECT_TRUE(c.truncated);
  EXPECT_EQ(c.persons, 150u);
  EXPECT_EQ(s.warnings, std::vector<std::string>{"scopus_truncated_author_list"});
}

TEST(ScopusSearch, DuplicateAuthorCountedOnce) {
  CollectingSink s = ParseUnit("scopus", EntryOf(5));
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].persons.size(), 2u);
  EXPECT_EQ(Count(s.records[0]).persons, 2u);
}

TEST(ScopusSearch, ExplicitNullsKeepTheRecordUnlocated) {
  CollectingSink s = ParseUnit("scopus", EntryOf(6));
  ASSERT_EQ(s.records.size(), 1u) << (s.rejects.empty() ? "" : s.rejects[0]);
  EXPECT_TRUE(s.records[0].persons[0].locations.empty());
  EXPECT_EQ(Count(s.records[0]).unlocated, kUnit);
}

TEST(ScopusSearch, KeyFromDcIdentifier) {
  CollectingSink s = ParseUnit("scopus", EntryOf(7));
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].key, "2-s2.0-85000000008");
  EXPECT_EQ(s.records[0].persons[0].locations[0].country, "KR");  // "South Korea".
}

TEST(ScopusSearch, SubjectFilterIsASetting) {
  ReaderContext ctx;
  CollectingSink dflt = ParseUnit("scopus", EntryOf(10));
  EXPECT_EQ(dflt.skips, std::vector<std::string>{"ssh_subject"});
  ctx.options.excluded_subject_areas.clear();
  CollectingSink kept = ParseUnit("scopus", EntryOf(10), "", &ctx);
  ASSERT_EQ(kept.records.size(), 1u);
  EXPECT_EQ(kept.records[0].field, "33");
  ctx.options.scopus_subtypes = {"ar", "re"};
  EXPECT_EQ(ParseUnit("scopus", EntryOf(2), "", &ctx).skips.size(), 0u);
}

TEST(ScopusSearch, JsonLinesOfBareEntriesWithStandardViewAndEmptyResult) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  IngestOk(store.get(), {kPage});
  IngestStats s = IngestOk(store.get(), {kEntries});
  EXPECT_EQ(s.files[0].format, "scopus");
  EXPECT_EQ(s.records_read, 4u);  // The empty-result line is not a record.
  EXPECT_EQ(s.records_new, 2u);
  EXPECT_EQ(s.records_unchanged, 1u);  // The page's entry 2, cached again.
  EXPECT_EQ(Get(s.rejected_by_reason, "malformed_json"), 1u);
  EXPECT_EQ(Get(s.warnings, "scopus_standard_view"), 1u);
  EXPECT_EQ(Get(s.warnings, "scopus_empty_result"), 1u);
}

// Recognised units (pipeline/README.md): lines of one entry read again are
// taken from the store; a page of several entries is always parsed, and its
// records carry no unit hash (one hash cannot stand for several records).
TEST(ScopusSearch, EntryLinesAreRecognisedPagesNot) {
  TempDir dir;
  ExpectReadAgain(dir.Path("db"), kEntries, 3, 3);
  // The page on one line (JSON Lines of pages).
  std::string page = ReadFile(kPage);
  std::erase(page, '\n');
  WriteFile(dir.Path("page.jsonl"), page + "\n");
  auto pages = ExpectReadAgain(dir.Path("pages"), dir.Path("page.jsonl"), 6, 0);
  ASSERT_NE(pages, nullptr);
  ExpectNoUnitHashes(*pages, 6);
}

TEST(ScopusSearch, StandardViewSplitsOverAffiliations) {
  std::string line = ReadFile(kEntries).substr(0, ReadFile(kEntries).find('\n'));
  CollectingSink s = ParseUnit("scopus", line);
  ASSERT_EQ(s.records.size(), 1u);
  ASSERT_EQ(s.records[0].persons.size(), 2u);
  EXPECT_EQ(s.records[0].persons[0].locations[0].country, "DE");
  EXPECT_EQ(s.records[0].persons[1].locations[0].country, "CH");
  EXPECT_EQ(s.warnings, std::vector<std::string>{"scopus_standard_view"});
}

TEST(ScopusSearch, EmptyPageAndServiceError) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  IngestStats e = IngestOk(store.get(), {Fixture("scopus/empty-page.json")});
  EXPECT_EQ(e.records_read, 0u);
  EXPECT_EQ(e.records_rejected, 0u);
  EXPECT_EQ(Get(e.warnings, "scopus_empty_result"), 1u);
  IngestStats se = IngestOk(store.get(), {Fixture("scopus/service-error.json")});
  EXPECT_EQ(se.records_read, 1u);
  EXPECT_EQ(Get(se.rejected_by_reason, "service_error"), 1u);
  std::string log = ReadFile(dir.Path("db") + "/rejects.jsonl");
  EXPECT_NE(log.find("INVALID_INPUT"), std::string::npos);
}

TEST(ScopusSearch, PrettyPrintedPageIsOneDocument) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  // Twice in one file: documents cut at lines starting with '{'.
  std::string page = ReadFile(Fixture("scopus/pretty-page.json"));
  WriteFile(dir.Path("two.json"), page + page);
  IngestStats s = IngestOk(store.get(), {dir.Path("two.json")});
  EXPECT_EQ(s.records_read, 2u);
  EXPECT_EQ(s.records_new, 1u);
  EXPECT_EQ(s.records_unchanged, 1u);
}

TEST(ScopusSearch, CompressedInvalidUtf8AndOverlongLines) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  std::string entries = ReadFile(kEntries);
  std::string bad =
      "{\"eid\": \"2-s2.0-1\", \"prism:coverDate\": \"2020-01-01\", \"author\": "
      "[{\"authname\": \"Bad \xff\xfe\"}]}\n";
  std::string huge = "{\"eid\": \"2-s2.0-2\", \"prism:coverDate\": \"2020-01-01\", \"x\": \"" +
                     std::string(3000, 'x') + "\"}\n";
  WriteFile(dir.Path("a.jsonl.zst"), Zstd(entries + bad + huge));
  WriteFile(dir.Path("b.jsonl.gz"), Gzip(entries));
  IngestOptions o;
  o.threads = 2;
  o.chunker.max_line_bytes = 2048;
  IngestStats s = IngestWith(store.get(), {dir.Path("a.jsonl.zst"), dir.Path("b.jsonl.gz")}, o);
  EXPECT_EQ(s.files[0].compression, "zstd");
  EXPECT_EQ(s.files[1].compression, "gzip");
  EXPECT_EQ(s.records_read, 4u + 2u + 4u);
  EXPECT_EQ(s.records_new, 3u);  // 20, 21 and 2 (first seen in a.jsonl.zst).
  EXPECT_EQ(Get(s.rejected_by_reason, "malformed_json"), 3u);  // 2x "not JSON", invalid UTF-8.
  EXPECT_EQ(Get(s.rejected_by_reason, "line_too_long"), 1u);
}

TEST(ScopusAbstract, PrintedAddressesFromAuthorGroups) {
  CollectingSink s = ParseUnit("scopus-abstract", ReadFile(kAbstract));
  ASSERT_EQ(s.records.size(), 1u) << (s.rejects.empty() ? "" : s.details[0]);
  const Record& r = s.records[0];
  EXPECT_EQ(r.key, "2-s2.0-85000000001");
  EXPECT_EQ(r.version, 220210501);  // Rank 2: wins over the Search entry.
  EXPECT_EQ(r.codes, (std::vector<std::string>{"2303", "3300"}));
  EXPECT_EQ(r.field, "23");  // Not all SSH: kept.
  ASSERT_EQ(r.persons.size(), 3u);
  ASSERT_EQ(r.persons[0].locations.size(), 1u);
  EXPECT_EQ(r.persons[0].locations[0].city, "Lakewood");  // Printed, not the profile's Denver.
  EXPECT_EQ(r.persons[0].locations[0].country, "US");     // @country "usa".
  EXPECT_EQ(r.persons[0].locations[0].address,
            "Mountain-Prairie Region, US Fish & Wildlife Service, 134 Union Blvd, 80228 Lakewood, "
            "United States");
  ASSERT_EQ(r.persons[1].locations.size(), 2u);  // Dupont in two groups.
  EXPECT_EQ(r.persons[1].locations[0].city, "Villeurbanne");
  EXPECT_EQ(r.persons[1].locations[0].address,
            "Laboratoire LBBE, Universit\xC3\xA9 de Lyon, Villeurbanne, France");
  EXPECT_EQ(r.persons[1].locations[1].city, "Denver");
}

TEST(ScopusAbstract, AbstractWinsOverSearchWhateverTheOrder) {
  for (bool abstract_first : {false, true}) {
    TempDir dir;
    auto store = OpenStore(dir.Path("db"));
    std::vector<std::string> order = {kPage, kAbstract};
    if (abstract_first) std::swap(order[0], order[1]);
    IngestStats first = IngestOk(store.get(), {order[0]});
    IngestStats second = IngestOk(store.get(), {order[1]});
    if (abstract_first) {
      EXPECT_EQ(second.records_older_ignored, 1u);  // The Search copy of ...001.
    } else {
      EXPECT_EQ(second.records_updated, 1u);
    }
    TempDir dir2;
    auto only = OpenStore(dir2.Path("db"));
    IngestOk(only.get(), {kAbstract});
    IngestOk(only.get(), {kPage});
    EXPECT_EQ(ExportCsv(*store), ExportCsv(*only)) << abstract_first;
  }
}

TEST(ScopusAbstract, OnePerLineWithScopeAndServiceError) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  IngestStats s = IngestOk(store.get(), {kAbstracts, kAbstract});
  EXPECT_EQ(s.files[0].format, "scopus-abstract");
  EXPECT_EQ(s.files[1].format, "scopus-abstract");
  EXPECT_EQ(s.records_read, 5u);
  EXPECT_EQ(s.records_new, 2u);
  EXPECT_EQ(Get(s.skipped_by_reason, "ssh_subject"), 1u);  // 2002 + 1403.
  EXPECT_EQ(Get(s.skipped_by_reason, "doc_type"), 1u);     // ed.
  EXPECT_EQ(Get(s.rejected_by_reason, "service_error"), 1u);
  CollectingSink one =
      ParseUnit("scopus-abstract", ReadFile(kAbstracts).substr(0, ReadFile(kAbstracts).find('\n')));
  ASSERT_EQ(one.records.size(), 1u);
  // Li from the single author-group object, Zhou only in authors: profile address.
  ASSERT_EQ(one.records[0].persons.size(), 2u);
  EXPECT_EQ(one.records[0].persons[0].locations[0].address,
            "Fudan University, 200433 Shanghai, China");
  EXPECT_EQ(one.records[0].persons[1].locations[0].city, "Shanghai");
  EXPECT_EQ(one.records[0].field, "17");
}

// Recognised units (pipeline/README.md): the key peeked from an abstract's
// line is the parsed one, and the line read again is taken from the store.
TEST(ScopusAbstract, LinesAreRecognisedByTheirBytes) {
  const std::string line = ReadFile(kAbstracts).substr(0, ReadFile(kAbstracts).find('\n'));
  auto parser = FindFormat("scopus-abstract")->NewParser();
  ASSERT_TRUE(parser->HashesUnits());
  std::string key;
  ASSERT_TRUE(parser->PeekKey(line, &key));
  CollectingSink parsed = ParseUnit("scopus-abstract", line);
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(key, parsed.records[0].key);
  TempDir dir;
  ExpectReadAgain(dir.Path("db"), kAbstracts, 1, 1);
}

}  // namespace
}  // namespace stc
