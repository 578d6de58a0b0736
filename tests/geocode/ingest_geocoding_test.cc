// Geocoding inside ingest, end to end over the hand-made gazetteer (no
// download): the summary reports every person location by match quality
// with its share and counts each correction of given coordinates; the
// unresolved places (unknown country names included, as written) are stored
// with their weight for `stcluster stats`.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/record_codec.h"
#include "geo/resolver.h"
#include "geo/test_gazetteer.h"
#include "pipeline/ingest.h"
#include "tests/test_util.h"

namespace stc {
namespace {

// One Scopus Search entry per affiliation (one author each).
std::string Entry(int n, const std::string& city, const std::string& country) {
  std::string id = std::to_string(85000000000 + n);
  return R"({"eid": "2-s2.0-)" + id +
         R"(", "prism:coverDate": "2021-07-01", "subtype": "ar", "affiliation": [{"afid": "1",)"
         R"( "affilname": "U", "affiliation-city": ")" +
         city + R"(", "affiliation-country": ")" + country +
         R"("}], "author-count": {"@total": "1"}, "author": [{"@seq": "1", "authid": "1",)"
         R"( "authname": "A", "afid": [{"$": "1"}]}]})"
         "\n";
}

TEST(IngestGeocoding, SummaryByQualityAndUnresolvedLabels) {
  testing::TempDir dir;
  std::string file = dir.Path("scopus.jsonl");
  std::string data;
  int n = 0;
  data += Entry(n++, "Zürich", "Switzerland");        // exact
  data += Entry(n++, "Zurich", "Switzerland");        // exact (ASCII name)
  data += Entry(n++, "München", "Germany");           // alternate
  data += Entry(n++, "Paris Cedex 16", "France");     // fuzzy
  data += Entry(n++, "Suwon", "Korea, Republic of");  // exact, name from the gazetteer's table
  data += Entry(n++, "Atlantis", "France");           // country_centroid (stays unlocated)
  data += Entry(n++, "Paris", "Atlantis");            // unknown country: unresolved
  data += Entry(n++, "Paris", "Atlantis");            // the same label again
  testing::WriteFile(file, data);

  auto store = testing::OpenStore(dir.Path("db"));
  ASSERT_NE(store, nullptr);
  geo::GeoResolver resolver(geo::testing::MiniGazetteer());
  IngestOptions o;
  o.threads = 2;
  o.resolver = &resolver;
  auto stats = Ingest(store.get(), {file}, o);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->records_new, 8u);
  std::map<std::string, uint64_t> want = {
      {"exact", 3}, {"alternate", 1}, {"fuzzy", 1}, {"country_centroid", 1}, {"unresolved", 2}};
  EXPECT_EQ(stats->geocoding, want);
  std::string text = stats->ToText();
  EXPECT_NE(text.find("geocoding exact: 3 (37.50%)"), std::string::npos) << text;
  EXPECT_NE(text.find("geocoding unresolved: 2 (25.00%)"), std::string::npos) << text;

  // What `stcluster stats` sums for its top unresolved places.
  std::map<std::string, Units> unresolved;
  CountedRecord r;
  ASSERT_TRUE(store
                  ->ForEachRecord([&](Source, std::string_view, std::string_view value) {
                    STC_RETURN_IF_ERROR(DecodeCountedRecord(value, &r));
                    for (const auto& [label, units] : r.unresolved) unresolved[label] += units;
                    return Status::Ok();
                  })
                  .ok());
  std::map<std::string, Units> want_unresolved = {{"Paris, Atlantis", 2 * kUnit},
                                                  {"Atlantis, FR", kUnit}};
  EXPECT_EQ(unresolved, want_unresolved);
}

TEST(IngestGeocoding, CorrectionsOfGivenCoordinatesAreCounted) {
  // The normalised article format carries coordinates (docs/formats.md).
  testing::TempDir dir;
  std::string file = dir.Path("articles.jsonl");
  testing::WriteFile(
      file,
      R"({"key":"2-s2.0-1","cover_date":"2021-05-01","doc_type":"article","subjects":["1710"],"authors":[{"name":"A","affiliations":[{"lat":0,"lon":0,"city":"Tokyo","country":"JP"}]}]})"
      "\n"
      R"({"key":"2-s2.0-2","cover_date":"2021-05-01","doc_type":"article","subjects":["1710"],"authors":[{"name":"B","affiliations":[{"lat":50.71469,"lon":4.3991,"city":"Waterloo","country":"CA"}]}]})"
      "\n"
      R"({"key":"2-s2.0-3","cover_date":"2021-05-01","doc_type":"article","subjects":["1710"],"authors":[{"name":"C","affiliations":[{"lat":35.6895,"lon":139.69171,"city":"Tokyo","country":"JP"}]}]})"
      "\n");
  auto store = testing::OpenStore(dir.Path("db"));
  ASSERT_NE(store, nullptr);
  geo::GeoResolver resolver(geo::testing::MiniGazetteer());
  IngestOptions o;
  o.threads = 1;
  o.format = "article-jsonl";
  o.resolver = &resolver;
  auto stats = Ingest(store.get(), {file}, o);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(stats->records_new, 3u) << stats->ToText();
  EXPECT_EQ(stats->geocoding["corrected_null_island"], 1u);
  EXPECT_EQ(stats->geocoding["corrected_out_of_country"], 1u);
  EXPECT_EQ(stats->geocoding["given"], 1u);
  EXPECT_EQ(stats->geocoding["exact"], 2u);
  EXPECT_NE(stats->ToText().find("geocoding corrected_null_island: 1\n"), std::string::npos);
}

}  // namespace
}  // namespace stc
