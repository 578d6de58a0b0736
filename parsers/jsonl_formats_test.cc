#include "parsers/jsonl_formats.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/registry.h"

namespace stc {
namespace {

// Records what a parser emits for one unit.
class TestSink : public ParseSink {
 public:
  Record* NewRecord() override {
    records.emplace_back();
    pending = true;
    return &records.back();
  }
  void Reject(std::string_view reason, std::string_view detail) override {
    if (pending) records.pop_back();
    pending = false;
    rejects.emplace_back(reason);
  }
  void Skip(std::string_view reason) override {
    if (pending) records.pop_back();
    pending = false;
    skips.emplace_back(reason);
  }
  void Warn(std::string_view what) override { warnings.emplace_back(what); }
  void Delete(std::string_view key) override { deletes.emplace_back(key); }
  std::vector<Record> records;
  std::vector<std::string> rejects, skips, warnings, deletes;
  bool pending = false;
};

TestSink ParseOne(const Format& format, const std::string& line) {
  std::string padded = line + std::string(kUnitPadding, ' ');
  TestSink sink;
  format.NewParser()->Parse(std::string_view(padded.data(), line.size()), &sink);
  sink.pending = false;
  return sink;
}

const char kPct[] =
    R"({"application_number":"pct/us99/12345","publication_number":"WO2000/1","kind":"A1",)"
    R"("publication_date":"2000-01-06","ipc":["h04W 72/04","G06F 3/01"],)"
    R"("applicants":[{"name":"Acme","country":"US"}],)"
    R"("inventors":[{"name":"A","addresses":[{"text":"1 Main St","city":"Boston","country":"us","lat":42.36,"lon":-71.06},)"
    R"({"city":"Austin","country":"US"}]},{"name":"B","addresses":[]}]})";

TEST(PctJsonl, ParsesAllFields) {
  TestSink s = ParseOne(PctJsonlFormat(), kPct);
  ASSERT_TRUE(s.rejects.empty()) << s.rejects[0];
  ASSERT_EQ(s.records.size(), 1u);
  const Record& r = s.records[0];
  EXPECT_EQ(r.source, Source::kPct);
  EXPECT_EQ(r.key, "PCT/US1999/012345");
  EXPECT_EQ(r.year, 2000);
  EXPECT_EQ(r.version, 20000106);
  EXPECT_EQ(r.field, "H");
  EXPECT_EQ(r.codes, (std::vector<std::string>{"h04W 72/04", "G06F 3/01"}));
  EXPECT_EQ(r.orgs, (std::vector<std::string>{"Acme"}));
  ASSERT_EQ(r.persons.size(), 2u);
  ASSERT_EQ(r.persons[0].locations.size(), 2u);
  const Location& l = r.persons[0].locations[0];
  EXPECT_TRUE(l.has_coords);
  EXPECT_EQ(l.lat_e5, 4236000);
  EXPECT_EQ(l.lon_e5, -7106000);
  EXPECT_EQ(l.country, "US");
  EXPECT_EQ(l.address, "1 Main St");
  EXPECT_FALSE(r.persons[0].locations[1].has_coords);
  EXPECT_EQ(r.persons[0].locations[1].city, "Austin");
  EXPECT_TRUE(r.persons[1].locations.empty());
}

TEST(PctJsonl, UpdatedDateIsTheVersion) {
  std::string line = kPct;
  line.insert(1, R"("updated":"2001-02-03",)");
  TestSink s = ParseOne(PctJsonlFormat(), line);
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].version, 20010203);
  EXPECT_EQ(s.records[0].year, 2000);
}

struct BadCase {
  std::string line;
  std::string reason;
};

TEST(PctJsonl, RejectsBadRecordsWithReasons) {
  const std::vector<BadCase> cases = {
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-01-01","inventors":[{"name":"A"}])",
       "malformed_json"},
      {R"([1,2,3])", "malformed_json"},
      {R"({"publication_date":"2020-01-01","inventors":[{"name":"A"}]})", "missing_key"},
      {R"({"application_number":null,"publication_date":"2020-01-01","inventors":[{"name":"A"}]})",
       "missing_key"},
      {R"({"application_number":"  ","publication_date":"2020-01-01","inventors":[{"name":"A"}]})",
       "missing_key"},
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-14-01","inventors":[{"name":"A"}]})",
       "bad_date"},
      {R"({"application_number":"PCT/US2020/1","inventors":[{"name":"A"}]})", "bad_date"},
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-01-01","inventors":[]})",
       "no_persons"},
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-01-01"})", "no_persons"},
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-01-01","inventors":[{"name":"A","addresses":[{"lat":91,"lon":0}]}]})",
       "bad_coordinates"},
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-01-01","inventors":[{"name":"A","addresses":[{"lat":"NaN","lon":0}]}]})",
       "bad_coordinates"},
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-01-01","inventors":[{"name":"A","addresses":[{"lat":1e999,"lon":0}]}]})",
       "bad_coordinates"},
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-01-01","inventors":[{"name":"A","addresses":[{"lat":10}]}]})",
       "bad_coordinates"},
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-01-01","inventors":[{"name":"A"}]} x)",
       "malformed_json"},
      {"{\"application_number\":\"PCT/US2020/1\xff\",\"publication_date\":\"2020-01-01\"}",
       "malformed_json"},
      {R"({"application_number":"PCT/US2020/1","publication_date":"2020-01-01","inventors":"A"})",
       "bad_field"},
  };
  for (const BadCase& c : cases) {
    TestSink s = ParseOne(PctJsonlFormat(), c.line);
    EXPECT_TRUE(s.records.empty()) << c.line;
    ASSERT_EQ(s.rejects.size(), 1u) << c.line;
    EXPECT_EQ(s.rejects[0], c.reason) << c.line;
  }
}

// A line longer than the DOM path takes (1 MiB) is read On-Demand, whole.
TEST(PctJsonl, ReadsLinesLongerThanTheDomLimit) {
  std::string line = R"({"application_number":"PCT/US2020/7","publication_date":"2020-03-04",)"
                     R"("inventors":[)";
  const int n = 15000;
  for (int i = 0; i < n; ++i) {
    if (i > 0) line += ",";
    line += R"({"name":"Inventor )" + std::to_string(i) +
            R"(","addresses":[{"country":"US","lat":)" + std::to_string(i % 90) + R"(.5,"lon":-)" +
            std::to_string(i % 180) + R"(.25,"city":"Some City"}]})";
  }
  line += "]}";
  ASSERT_GT(line.size(), size_t{1} << 20);
  TestSink s = ParseOne(PctJsonlFormat(), line);
  ASSERT_TRUE(s.rejects.empty()) << s.rejects[0];
  ASSERT_EQ(s.records.size(), 1u);
  const Record& r = s.records[0];
  ASSERT_EQ(r.persons.size(), static_cast<size_t>(n));
  const Person& last = r.persons.back();
  EXPECT_EQ(last.name, "Inventor 14999");
  ASSERT_EQ(last.locations.size(), 1u);
  EXPECT_EQ(last.locations[0].lat_e5, (14999 % 90) * 100000 + 50000);
  EXPECT_EQ(last.locations[0].lon_e5, -((14999 % 180) * 100000 + 25000));
}

TEST(ArticleJsonl, ParsesAuthorsAffiliationsAndDeclaredCount) {
  const std::string line =
      R"({"key":" 2-s2.0-1 ","cover_date":"2019-05","doc_type":"article","subjects":["1710","2208"],)"
      R"("author_count":"7","authors":[{"name":"X","affiliations":[{"name":"MIT","city":"Cambridge",)"
      R"("country":"US","lat":"42.36","lon":"-71.09"},{"name":"MIT","city":"Cambridge","country":"US"}]}]})";
  TestSink s = ParseOne(ArticleJsonlFormat(), line);
  // author_count as a string is not a count: rejected as a bad field.
  ASSERT_EQ(s.rejects.size(), 1u);
  EXPECT_EQ(s.rejects[0], "bad_field");

  std::string ok = line;
  ok.replace(ok.find("\"7\""), 3, "7");
  s = ParseOne(ArticleJsonlFormat(), ok);
  ASSERT_EQ(s.records.size(), 1u) << (s.rejects.empty() ? "" : s.rejects[0]);
  const Record& r = s.records[0];
  EXPECT_EQ(r.key, "2-s2.0-1");
  EXPECT_EQ(r.year, 2019);
  EXPECT_EQ(r.field, "17");
  EXPECT_EQ(r.declared_persons, 7u);
  EXPECT_EQ(r.orgs, (std::vector<std::string>{"MIT"}));
  ASSERT_EQ(r.persons.size(), 1u);
  ASSERT_EQ(r.persons[0].locations.size(), 2u);
  EXPECT_EQ(r.persons[0].locations[0].lat_e5, 4236000);  // Numbers as strings accepted.
}

TEST(Registry, DetectsFormatsFromFirstLine) {
  EXPECT_EQ(DetectFormat(std::string(kPct) + "\n"), &PctJsonlFormat());
  EXPECT_EQ(DetectFormat(R"({"key":"a","cover_date":"2020","authors":[]})"), &ArticleJsonlFormat());
  EXPECT_EQ(DetectFormat("hello"), nullptr);
  // Keyed by an OpenAlex id, a normalised article is still article-jsonl.
  EXPECT_EQ(DetectFormat(R"({"key":"https://openalex.org/W4000018000","cover_date":"2022",)"
                         R"("authors":[{"name":"A","affiliations":[]}]})"),
            &ArticleJsonlFormat());
  EXPECT_EQ(FindFormat("article-jsonl"), &ArticleJsonlFormat());
  EXPECT_EQ(FindFormat("nope"), nullptr);
}

}  // namespace
}  // namespace stc
