// The two forms of a record's persons (core/record.h): a reader that lists
// them as views (for a sink that accepts them, as the ingest's) must give the
// same record, the same rejects and the same counted record as one that
// builds Person and Location objects. Checked on random lines of both
// normalised JSON Lines formats, plain and odd, against the Record path.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/record_codec.h"
#include "parsers/registry.h"
#include "pipeline/counting.h"
#include "pipeline/parse_outcome_test_util.h"

namespace stc {
namespace {

ParseOutcome ParseLine(RecordParser* parser, const std::string& line, bool views) {
  const std::string padded = line + std::string(kUnitPadding, ' ');
  return DescribeParse(parser, std::string_view(padded.data(), line.size()), views);
}

// The counted record of a one-record outcome (the bytes DescribeParse
// writes between "record " and "\n key ").
CountedRecord CountedOf(const ParseOutcome& o) {
  const size_t begin = o.text.find("record ") + 7;
  const size_t end = o.text.find("\n key ", begin);
  CountedRecord c;
  EXPECT_TRUE(DecodeCountedRecord(std::string_view(o.text).substr(begin, end - begin), &c).ok());
  return c;
}

// Random lines: names, places and values drawn from small pools so that
// persons and addresses repeat (the dedup's cases), with odd values mixed
// in (lower-case or named countries, one coordinate, out-of-range or text
// coordinates, wrong types, null lists, repeated members).
class LineMaker {
 public:
  explicit LineMaker(uint32_t seed) : rng_(seed) {}

  std::string Pct() {
    std::string s = R"({"application_number":"PCT/JP2019/)" + std::to_string(Pick(100000)) +
                    R"(","publication_date":"2020-0)" + std::to_string(1 + Pick(9)) + R"(-15")";
    if (Pick(4) == 0) s += R"(,"kind":"A1")";
    if (Pick(3) != 0) s += R"(,"ipc":["H04W 72/04"])";
    s += R"(,"inventors":)" + Persons("addresses");
    if (Pick(30) == 0) s += R"(,"inventors":)" + Persons("addresses");
    return s + "}";
  }

  std::string Article() {
    std::string s = R"({"key":"2-s2.0-)" + std::to_string(Pick(100000)) +
                    R"(","cover_date":"2021-03-01","subjects":["1700"])";
    if (Pick(5) == 0) s += R"(,"author_count":)" + std::to_string(Pick(12));
    s += R"(,"authors":)" + Persons("affiliations");
    if (Pick(30) == 0) s += R"(,"authors":)" + Persons("affiliations");
    return s + "}";
  }

 private:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }

  std::string Persons(const char* list_key) {
    if (Pick(40) == 0) return "null";
    if (Pick(60) == 0) return R"({"name":"X"})";  // Not a list.
    std::string s = "[";
    const uint32_t n = Pick(7);
    for (uint32_t i = 0; i < n; ++i) {
      if (i > 0) s += ",";
      if (Pick(80) == 0) {
        s += "7";  // Not an object.
        continue;
      }
      s += "{";
      if (Pick(20) != 0) s += R"("name":)" + Pick({R"("Ann")", R"("Bo")", R"("Cy")", "null"});
      if (Pick(10) != 0) {
        s += std::string(s.back() == '{' ? "" : ",") + "\"" + list_key + "\":";
        if (Pick(30) == 0) {
          s += Pick({"null", R"("Tokyo")"});
        } else {
          s += "[";
          const uint32_t k = Pick(4);
          for (uint32_t j = 0; j < k; ++j) s += (j > 0 ? "," : "") + Address();
          s += "]";
        }
      }
      s += "}";
    }
    return s + "]";
  }

  std::string Address() {
    std::vector<std::string> members;
    const uint32_t coords = Pick(12);
    const std::string lat = Pick({"35.68", "35.68", "34.69", "1e999", "95", R"("35.68")", "null"});
    const std::string lon = Pick({"139.69", "139.69", "135.5", "-200", R"("139.69")"});
    if (coords < 8) {
      members.push_back(R"("lat":)" + (Pick(10) == 0 ? lat : std::string("35.68")));
      members.push_back(R"("lon":)" + (Pick(10) == 0 ? lon : std::string("139.69")));
    } else if (coords == 8) {
      members.push_back(R"("lat":)" + lat);
    }
    if (Pick(6) != 0) {
      members.push_back(R"("country":)" + Pick({R"("JP")", R"("JP")", R"("JP")", R"("FR")",
                                                R"("jp")", R"(" JP ")", R"("")", R"("  ")",
                                                R"("Japan")", R"("UK")", R"("J1")", "null", "5"}));
    }
    if (Pick(3) == 0) members.push_back(R"("city":)" + Pick({R"("Tokyo")", R"("Osaka")", "3"}));
    if (Pick(3) == 0) {
      members.push_back(Pick({R"("text")", R"("address")"}) + ":" +
                        Pick({R"("1-1 Chiyoda, Tokyo")", R"("2 Rue X, Paris")", "[]"}));
    }
    if (Pick(4) == 0) members.push_back(R"("name":)" + Pick({R"("Univ A")", R"("Lab B")", "1"}));
    if (Pick(20) == 0) members.push_back(R"("lat":35.7)");  // A repeated member.
    std::shuffle(members.begin(), members.end(), rng_);
    std::string s = "{";
    for (size_t i = 0; i < members.size(); ++i) s += (i > 0 ? "," : "") + members[i];
    return s + "}";
  }

  std::string Pick(std::initializer_list<const char*> options) {
    return *(options.begin() + Pick(static_cast<uint32_t>(options.size())));
  }

  std::mt19937 rng_;
};

void CompareForms(const char* format_name, bool article) {
  const Format* format = FindFormat(format_name);
  ASSERT_NE(format, nullptr);
  auto with_views = format->NewParser();
  auto without = format->NewParser();
  LineMaker maker(article ? 7 : 3);
  size_t records = 0, views = 0, rejects = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string line = article ? maker.Article() : maker.Pct();
    const ParseOutcome a = ParseLine(without.get(), line, /*views=*/false);
    const ParseOutcome b = ParseLine(with_views.get(), line, /*views=*/true);
    ASSERT_EQ(a.text, b.text) << line;
    EXPECT_TRUE(a.forms_ok && b.forms_ok) << line;
    EXPECT_EQ(a.with_views, 0u) << line;
    records += a.records;
    views += b.with_views;
    rejects += a.text.starts_with("reject ");
  }
  // Both paths were taken often, and some lines were rejected.
  EXPECT_GT(views, records / 5) << "records " << records;
  EXPECT_LT(views, records - records / 5) << "records " << records;
  EXPECT_GT(rejects, 100u);
}

TEST(PersonViews, PctLinesGiveTheSameRecordsEitherWay) { CompareForms("pct-jsonl", false); }

TEST(PersonViews, ArticleLinesGiveTheSameRecordsEitherWay) { CompareForms("article-jsonl", true); }

// A plain line takes the views; one odd address makes the whole list go to
// the Record's form, with the same content.
TEST(PersonViews, OneOddAddressMaterialisesTheList) {
  auto parser = FindFormat("pct-jsonl")->NewParser();
  const std::string plain =
      R"({"application_number":"PCT/JP2019/1","publication_date":"2020-01-01",)"
      R"("inventors":[{"name":"A","addresses":[{"lat":35.68,"lon":139.69,"country":"JP"}]},)"
      R"({"name":"B","addresses":[{"lat":34.69,"lon":135.5,"country":"JP","city":"Osaka"}]}]})";
  const std::string osaka = "\n person B\n  @3469000,13550000|JP|Osaka|\n";
  ParseOutcome o = ParseLine(parser.get(), plain, true);
  ASSERT_EQ(o.records, 1u);
  EXPECT_EQ(o.with_views, 1u);
  EXPECT_NE(o.text.find(osaka), std::string::npos) << o.text;
  CountedRecord c = CountedOf(o);
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.points[0].lat_e5, 3469000);
  EXPECT_EQ(c.points[0].units, kUnit / 2);
  EXPECT_EQ(c.points[1].lat_e5, 3568000);
  EXPECT_EQ(c.points[0].units + c.points[1].units, kUnit);

  std::string odd = plain;
  odd.replace(odd.rfind("\"JP\""), 4, "\"jp\"");
  o = ParseLine(parser.get(), odd, true);
  ASSERT_EQ(o.records, 1u);
  EXPECT_EQ(o.with_views, 0u);
  EXPECT_NE(o.text.find(osaka), std::string::npos) << o.text;
  c = CountedOf(o);
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.points[0].country[0], 'J');
  EXPECT_EQ(c.points[0].country[1], 'P');
}

// Counting a Record's own persons and the same persons as views gives the
// same counted record (the counting step takes either form).
TEST(PersonViews, CountingTakesEitherForm) {
  Record r;
  r.key = "K";
  r.year = 2020;
  r.declared_persons = 5;
  for (const char* name : {"A", "B", "A"}) {
    Person& p = r.AddPerson();
    p.name = name;
    Location& l = r.AddLocation(&p);
    l.has_coords = name[0] == 'A';
    l.lat_e5 = 100;
    l.country = "JP";
    l.city = "Kyoto";
  }
  CountedRecord own, viewed;
  CountRecord(r, &own);
  Record v = r;
  for (const Person& p : r.persons) v.person_views.Add(p);
  v.persons.clear();
  CountRecord(v, &viewed);
  EXPECT_EQ(own, viewed);
  // A and B (the second A is the same person), of 5 declared.
  EXPECT_EQ(own.persons, 5u);
  ASSERT_EQ(own.points.size(), 1u);
  EXPECT_EQ(own.points[0].units, ShareOf(kUnit, 5, 0));
  ASSERT_EQ(own.unresolved.size(), 1u);
  EXPECT_EQ(own.unresolved[0].first, "Kyoto, JP");
}

}  // namespace
}  // namespace stc
