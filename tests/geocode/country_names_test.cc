// Country names from the real-format readers to the geocoder: no name is
// dropped, the gazetteer's full country table maps the spellings Scopus,
// OpenAlex and PATENTSCOPE write, and an unknown name ends up, as written, in
// the unresolved places that `stcluster stats` lists.
//
// CountryNames.* use the hand-made gazetteer (geo/testdata, no download);
// CountryTable.* the real index built by scripts/setup (they fail, not skip,
// when it is missing, like the accuracy test).
#include "parsers/country_names.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "geo/gazetteer.h"
#include "geo/resolver.h"
#include "geo/test_gazetteer.h"
#include "pipeline/counting.h"
#include "tests/formats_test_util.h"

namespace stc {
namespace {

using stc::testing::ParseUnit;

// A Scopus Search entry with one author at one affiliation.
std::string ScopusEntry(const std::string& city, const std::string& country) {
  return R"({"eid": "2-s2.0-85000000900", "prism:coverDate": "2021-07-01", "subtype": "ar",)"
         R"( "affiliation": [{"afid": "6001", "affilname": "Some University",)"
         R"( "affiliation-city": ")" +
         city + R"(", "affiliation-country": ")" + country +
         R"("}], "author-count": {"@total": "1"}, "author": [{"@seq": "1", "authid": "1",)"
         R"( "authname": "Doe J.", "afid": [{"$": "6001"}]}]})";
}

Location OnlyLocation(const testing::CollectingSink& s) {
  EXPECT_EQ(s.records.size(), 1u);
  if (s.records.empty() || s.records[0].persons.empty() ||
      s.records[0].persons[0].locations.empty()) {
    ADD_FAILURE() << "no location";
    return {};
  }
  return s.records[0].persons[0].locations[0];
}

TEST(CountryNames, AssignOverwritesWhatTheStringHeld) {
  // Readers reuse a location's string: the result must not depend on what it
  // held, for a table name, a code, a name kept as written and a blank.
  const std::string long_name(80, 'x');  // Folds past any spelling of the table.
  for (std::string_view text : {"United States of America", " u.s.a. ", "jp", "Atlantis", "   ",
                                "People's Republic of China", "zz", "1x"}) {
    for (std::string held : {"", "DE", "a previous country name longer than SSO"}) {
      AssignCountryCodeOrName(text, &held);
      EXPECT_EQ(held, CountryCodeOrName(text)) << text;
    }
  }
  EXPECT_EQ(CountryCodeOrName(" United States of America "), "US");
  EXPECT_EQ(CountryCodeOrName(" u.s.a. "), "US");
  EXPECT_EQ(CountryCodeOrName("jp"), "JP");
  EXPECT_EQ(CountryCodeOrName("zz"), "ZZ");  // Any ISO-2 code as given.
  EXPECT_EQ(CountryCodeOrName("1x"), "1x");
  EXPECT_EQ(CountryCodeOrName(long_name), long_name);
  EXPECT_EQ(CountryToIso2(long_name), "");
  // Spaces and dots do not count towards the folded length.
  EXPECT_EQ(CountryToIso2(std::string(100, ' ') + "C h i n a" + std::string(100, '.')), "CN");
}

// Every text of two ASCII letters, in any case and with white space around
// it, against a reference built here from the readers' spellings: a spelling
// of two letters once folded ("UK") gives its country, any other pair is an
// ISO-2 code as given, upper-cased.
TEST(CountryNames, EveryTwoLetterTextAgreesWithTheSpellings) {
  std::map<std::string, std::string> folded;  // Folded spelling -> ISO-2.
  ForEachCountrySpelling(
      [](std::string_view spelling, std::string_view iso2, void* arg) {
        std::string f;
        for (char c : spelling) {
          if (c == ' ' || c == '.' || c == '\t') continue;
          f.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
        static_cast<std::map<std::string, std::string>*>(arg)->emplace(f, std::string(iso2));
      },
      &folded);
  ASSERT_EQ(folded.at("uk"), "GB");  // The reference has the two-letter spellings.
  const std::string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string held = "a previous value";
  for (char a : letters) {
    for (char b : letters) {
      const std::string text{a, b};
      std::string lower, upper;
      for (char c : text) {
        lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        upper.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
      }
      auto it = folded.find(lower);
      const std::string expected = it != folded.end() ? it->second : upper;
      ASSERT_EQ(CountryToIso2(text), expected) << text;
      ASSERT_EQ(CountryToIso2(" " + text + "\t"), expected) << text;
      AssignCountryCodeOrName(text, &held);
      ASSERT_EQ(held, expected) << text;
    }
  }
  // Two characters that are not both letters are no code.
  EXPECT_EQ(CountryToIso2("U."), "");
  EXPECT_EQ(CountryToIso2("1x"), "");
  EXPECT_EQ(CountryToIso2("\xc3\xa9"), "");  // One letter outside ASCII, two bytes.
}

TEST(CountryNames, ReadersKeepNamesTheirTableLacks) {
  EXPECT_EQ(CountryCodeOrName("Germany"), "DE");
  EXPECT_EQ(CountryCodeOrName(" deu "), "DE");
  EXPECT_EQ(CountryCodeOrName("Brunei Darussalam"), "Brunei Darussalam");
  EXPECT_EQ(CountryCodeOrName("  Atlantis "), "Atlantis");
  EXPECT_EQ(CountryCodeOrName("   "), "");
  // Scopus Search: a name the readers' table lacks reaches the record.
  EXPECT_EQ(
      OnlyLocation(ParseUnit("scopus", ScopusEntry("Bandar Seri Begawan", "Brunei Darussalam")))
          .country,
      "Brunei Darussalam");
  EXPECT_EQ(OnlyLocation(ParseUnit("scopus", ScopusEntry("Hanoi", "Viet Nam"))).country, "VN");
}

TEST(CountryNames, UnknownNameIsUnresolvedAndLabelled) {
  testing::CollectingSink s = ParseUnit("scopus", ScopusEntry("Paris", "Atlantis"));
  ASSERT_EQ(s.records.size(), 1u);
  Record r = s.records[0];
  ASSERT_EQ(r.persons.at(0).locations.at(0).country, "Atlantis");

  geo::GeoResolver resolver(geo::testing::MiniGazetteer());
  auto tr = resolver.NewThreadResolver();
  std::map<std::string, uint64_t> counts;
  tr->Resolve(&r, &counts);
  const Location& l = r.persons[0].locations[0];
  EXPECT_FALSE(l.has_coords);  // Not Paris, France: the country is not known.
  EXPECT_EQ(l.country, "Atlantis");
  EXPECT_EQ(counts["unresolved"], 1u);

  CountedRecord c;
  CountRecord(r, &c);
  EXPECT_EQ(c.unlocated, kUnit);
  ASSERT_EQ(c.unresolved.size(), 1u);  // What `stcluster stats` sums and lists.
  EXPECT_EQ(c.unresolved[0].first, "Paris, Atlantis");
  EXPECT_EQ(c.unresolved[0].second, kUnit);
}

TEST(CountryNames, ResolverMapsNamesWithTheGazetteerTable) {
  // "Korea, Republic of" and "KOR" are in the mini table (en.json names,
  // codes.json, our aliases), not all in the readers' one.
  Record r;
  r.persons.resize(1);
  for (const char* country : {"Korea, Republic of", "KOR", "Viet Nam", "Republic of Korea"}) {
    Location l;
    l.country = country;
    l.city = std::string(country).find('V') == 0 ? "Hanoi" : "Suwon";
    r.persons[0].locations.push_back(l);
  }
  geo::GeoResolver resolver(geo::testing::MiniGazetteer());
  std::map<std::string, uint64_t> counts;
  resolver.NewThreadResolver()->Resolve(&r, &counts);
  const auto& ls = r.persons[0].locations;
  EXPECT_EQ(ls[0].country, "KR");
  EXPECT_EQ(ls[1].country, "KR");
  EXPECT_EQ(ls[2].country, "VN");
  EXPECT_EQ(ls[3].country, "KR");
  EXPECT_TRUE(ls[0].has_coords);
  EXPECT_TRUE(ls[1].has_coords);
  EXPECT_EQ(counts["unresolved"], 0u);
}

TEST(CountryNames, UnknownCountryKeepsGivenCoordinatesButNotPlaceholders) {
  Record r;
  r.persons.resize(1);
  Location a;
  a.country = "Atlantis";
  a.has_coords = true;
  a.lat_e5 = 4500000;
  a.lon_e5 = 700000;
  Location b = a;
  b.lat_e5 = 0;
  b.lon_e5 = 0;
  r.persons[0].locations = {a, b};
  geo::GeoResolver resolver(geo::testing::MiniGazetteer());
  std::map<std::string, uint64_t> counts;
  resolver.NewThreadResolver()->Resolve(&r, &counts);
  EXPECT_TRUE(r.persons[0].locations[0].has_coords);
  EXPECT_FALSE(r.persons[0].locations[1].has_coords);
  EXPECT_EQ(counts["given"], 1u);
  EXPECT_EQ(counts["unresolved"], 1u);
  EXPECT_EQ(counts["corrected_null_island"], 1u);
}

const geo::Gazetteer& RealIndex() {
  static const geo::Gazetteer* g = [] {
    const char* env = std::getenv("STC_GAZETTEER");
    std::string path = env != nullptr ? env : STC_GAZETTEER;
    auto r = geo::Gazetteer::Open(path);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << " (run scripts/setup)";
    return r.ok() ? std::move(r).value().release() : nullptr;
  }();
  return *g;
}

TEST(CountryTable, SourceSpellingsMapToIso2) {
  const geo::Gazetteer* g = &RealIndex();
  ASSERT_NE(g, nullptr);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Korea, Republic of", "KR"},
      {"Korea, Democratic People's Republic of", "KP"},
      {"Russian Federation", "RU"},
      {"Viet Nam", "VN"},
      {"Türkiye", "TR"},
      {"Turkey", "TR"},
      {"Iran, Islamic Republic of", "IR"},
      {"Czechia", "CZ"},
      {"Brunei Darussalam", "BN"},
      {"Côte d'Ivoire", "CI"},
      {"Cote d'Ivoire", "CI"},
      {"Lao People's Democratic Republic", "LA"},
      {"Bolivia, Plurinational State of", "BO"},
      {"Venezuela, Bolivarian Republic of", "VE"},
      {"Tanzania, United Republic of", "TZ"},
      {"Moldova, Republic of", "MD"},
      {"Palestine, State of", "PS"},
      {"Syrian Arab Republic", "SY"},
      {"Taiwan", "TW"},
      {"Hong Kong", "HK"},
      {"Macao", "MO"},
      {"United States", "US"},
      {"United Kingdom", "GB"},
      {"Mongolia", "MN"},
      {"Kyrgyzstan", "KG"},
      {"North Macedonia", "MK"},
      {"Eswatini", "SZ"},
      {"mng", "MN"},  // Scopus abstracts' @country.
      {"KEN", "KE"},
      {"ca", "CA"},  // PATENTSCOPE and OpenAlex codes.
  };
  for (const auto& [name, iso2] : cases) EXPECT_EQ(g->CountryCode(name), iso2) << name;
  EXPECT_EQ(g->CountryCode("Atlantis"), "");
}

// Every spelling of the readers' table maps to the same code as the
// gazetteer's table: parse-time and ingest-time mapping never disagree.
TEST(CountryTable, ReadersTableAgreesWithGazetteerTable) {
  const geo::Gazetteer* g = &RealIndex();
  ASSERT_NE(g, nullptr);
  struct Arg {
    const geo::Gazetteer* g;
    int checked = 0;
  } arg{g};
  ForEachCountrySpelling(
      [](std::string_view spelling, std::string_view iso2, void* p) {
        auto* a = static_cast<Arg*>(p);
        ++a->checked;
        EXPECT_EQ(a->g->CountryCode(spelling), iso2) << spelling;
        EXPECT_EQ(CountryToIso2(spelling), iso2) << spelling;
      },
      &arg);
  EXPECT_GT(arg.checked, 150);
}

}  // namespace
}  // namespace stc
