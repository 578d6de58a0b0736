// The readers that list a record's persons as views for a sink that takes
// them (the ingest's): Scopus Search (names into the document, places into
// the entry's affiliations), PATENTSCOPE and OpenAlex works. Whatever the
// unit, each must give the same events, the same record and the same
// counted record as the Person form, also once geocoded (ResolveViews
// against Resolve). Checked on random units drawn from small pools so that
// authors, affiliations and places repeat, with the quirks of each format
// mixed in (Scopus: entities, numbers as strings, objects for lists,
// missing names, repeated authids, unknown afids, STANDARD view, truncated
// lists; OpenAlex: repeated author ids, unknown institutions, institutions
// without coordinates, raw affiliation strings, ids given as numbers).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "geo/resolver.h"
#include "geo/test_gazetteer.h"
#include "parsers/org_index.h"
#include "parsers/registry.h"
#include "pipeline/parse_outcome_test_util.h"
#include "tests/formats_test_util.h"

namespace stc {
namespace {

// Random picks for the makers below.
class Picker {
 public:
  explicit Picker(uint32_t seed) : rng_(seed) {}

 protected:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  std::string Pick(std::initializer_list<const char*> options) {
    return *(options.begin() + Pick(static_cast<uint32_t>(options.size())));
  }
  // A JSON object of `members` ("key":value texts) in a random order.
  std::string Object(std::vector<std::string>* members) {
    std::shuffle(members->begin(), members->end(), rng_);
    std::string s = "{";
    for (size_t i = 0; i < members->size(); ++i) s += (i > 0 ? "," : "") + (*members)[i];
    return s + "}";
  }

  std::mt19937 rng_;
};

class ScopusMaker : private Picker {
 public:
  explicit ScopusMaker(uint32_t seed) : Picker(seed) {}

  // A line: one bare entry, or now and then a page of several.
  std::string Line() {
    if (Pick(6) != 0) return Entry();
    std::string s = R"({"search-results":{"opensearch:totalResults":"3","entry":[)";
    const uint32_t n = 1 + Pick(4);
    for (uint32_t i = 0; i < n; ++i) s += (i > 0 ? "," : "") + Entry();
    return s + "]}}";
  }

 private:
  std::string Entry() {
    std::vector<std::string> m;
    if (Pick(40) != 0) m.push_back(R"("eid":"2-s2.0-)" + std::to_string(Pick(1000000)) + "\"");
    m.push_back(R"("prism:coverDate":)" +
                Pick({R"("2021-03-01")", R"("2019-11-30")", R"([{"$":"2020-01-02"}])"}));
    m.push_back(R"("subtype":)" + Pick({R"("ar")", R"("ar")", R"("ar")", R"("re")"}));
    m.push_back(R"("subject-area":[{"@code":"1700","$":"Computer Science"}])");
    const uint32_t n_aff = Pick(5);
    if (n_aff > 0 || Pick(2) == 0) {
      std::string a = n_aff == 1 && Pick(3) == 0 ? "" : "[";
      for (uint32_t i = 0; i < n_aff; ++i) a += (i > 0 ? "," : "") + Affiliation();
      m.push_back(R"("affiliation":)" + a + (a.starts_with("[") ? "]" : ""));
      if (a.empty()) m.back() += "{}";
    }
    if (Pick(8) != 0) {
      std::string a = "[";
      const uint32_t n = Pick(8);
      for (uint32_t i = 0; i < n; ++i) a += (i > 0 ? "," : "") + Author();
      m.push_back(R"("author":)" + a + "]");
      if (Pick(4) == 0) {
        m.push_back(R"("author-count":{"@limit":"100","@total":")" + std::to_string(Pick(12)) +
                    "\"}");
      }
    }
    return Object(&m);
  }

  std::string Affiliation() {
    std::vector<std::string> m;
    if (Pick(10) != 0) m.push_back(R"("afid":")" + std::to_string(60000 + Pick(6)) + "\"");
    m.push_back(R"("affilname":)" + Pick({R"("Univ A")", R"("Lab &amp; B")", "null"}));
    // Mostly a place the geocoder finds, else odd values.
    static constexpr std::pair<const char*, const char*> kPlaces[] = {
        {R"("Tokyo")", R"("Japan")"},
        {R"("Zürich")", R"("Switzerland")"},
        {R"("Cambridge")", R"("United Kingdom")"},
        {R"("Waterloo")", R"("Belgium")"},
        {R"("Waterloo")", R"("Canada")"},
        {R"("Paris")", R"("France")"},
        {R"(" Tokyo ")", R"("JP")"}};
    std::string city, country;
    if (Pick(4) != 0) {
      std::tie(city, country) = kPlaces[Pick(std::size(kPlaces))];
    } else {
      city = Pick({R"("Tokyo")", R"("Atlantis")", R"("Paris")", R"("")", "null"});
      country =
          Pick({R"("Japan")", R"("France")", R"("")", "null", R"("Narnia")", R"("Fran&ccedil;e")"});
    }
    if (Pick(8) != 0) m.push_back(R"("affiliation-city":)" + city);
    if (Pick(8) != 0) m.push_back(R"("affiliation-country":)" + country);
    return Object(&m);
  }

  std::string Author() {
    std::vector<std::string> m;
    if (Pick(10) != 0) {
      m.push_back(R"("authid":)" + Pick({"\"", "\"", "\"", ""}) + std::to_string(Pick(40)));
      if (m.back().find('"', 9) != std::string::npos) m.back() += "\"";
    }
    const uint32_t name = Pick(8);
    if (name < 5) {
      m.push_back(R"("authname":)" + Pick({R"("Sato K.")", R"("Ng A.")", R"("O&apos;Neil B.")",
                                           R"(" Roe C. ")", R"("")", "null"}));
    }
    if (name >= 4) {
      m.push_back(R"("surname":)" + Pick({R"("Sato")", R"("M&uuml;ller")", R"("")"}));
      m.push_back(R"("given-name":)" + Pick({R"("Ken")", R"("")", "null", R"("&amp;")"}));
    }
    const uint32_t afids = Pick(6);
    const auto afid = [&] { return "\"" + std::to_string(60000 + Pick(7)) + "\""; };
    if (afids == 1) m.push_back(R"("afid":)" + afid());
    if (afids == 2) m.push_back(R"("afid":{"$":)" + afid() + "}");
    if (afids >= 3) {
      std::string list = "[";
      for (uint32_t i = 0; i < afids - 2; ++i) {
        list += (i > 0 ? "," : "") + (Pick(2) == 0 ? afid() : R"({"$":)" + afid() + "}");
      }
      m.push_back(R"("afid":)" + list + "]");
    }
    return Object(&m);
  }
};

// Random PATENTSCOPE documents: inventors and applicant-inventors from small
// pools of names (so that the same person is listed twice, with or without
// an address) and places, with and without an address.
class PatentscopeMaker : private Picker {
 public:
  explicit PatentscopeMaker(uint32_t seed) : Picker(seed) {}

  std::string Document() {
    std::string s = R"(<?xml version="1.0" encoding="UTF-8"?><wo-bibliographic-data>)";
    s += R"(<publication-reference><document-id><country>WO</country><doc-number>2021/)" +
         std::to_string(Pick(900000)) + R"(</doc-number><kind>A1</kind><date>2021)" +
         Pick({"0923", "0101", "x"}) + "</date></document-id></publication-reference>";
    s += R"(<classifications-ipcr><classification-ipcr><text>H04W 72/04 2009.01</text>)"
         R"(</classification-ipcr></classifications-ipcr>)";
    if (Pick(30) != 0) {
      s += R"(<application-reference><document-id><country>JP</country><doc-number>PCT/JP2021/)" +
           std::to_string(Pick(900000)) + "</doc-number></document-id></application-reference>";
    }
    s += "<parties><applicants>";
    const uint32_t applicants = Pick(3);
    for (uint32_t i = 0; i < applicants; ++i) {
      s += R"(<applicant app-type=")" +
           Pick({"applicant", "applicant-inventor", "applicant-inventor"}) + R"(">)" + Book() +
           "</applicant>";
    }
    s += "</applicants><inventors>";
    const uint32_t inventors = Pick(6);
    for (uint32_t i = 0; i < inventors; ++i) s += "<inventor>" + Book() + "</inventor>";
    return s + "</inventors></parties></wo-bibliographic-data>";
  }

 private:
  std::string Book() {
    std::string s = R"(<addressbook lang="en">)";
    const uint32_t name = Pick(5);
    if (name == 0) s += "<name>" + Pick({"SATO, Ken", "Sato Ken", "ACME CORP"}) + "</name>";
    if (name >= 1) {
      s += "<last-name>" + Pick({"Sato", "SATO", "Ng", ""}) + "</last-name>";
      if (name >= 2) s += "<first-name>" + Pick({"Ken", "Ann", " "}) + "</first-name>";
    }
    if (Pick(4) != 0) {
      s += "<address>";
      if (Pick(2) == 0) s += "<address-1>" + Pick({"1-1 Chiyoda", "2 Rue X", " "}) + "</address-1>";
      if (Pick(4) != 0) {
        s += "<city>" + Pick({"Tokyo", "Kawasaki", "Paris", "Atlantis", "Zürich"}) + "</city>";
      }
      if (Pick(6) != 0)
        s += "<country>" + Pick({"JP", "FR", "CH", "jp", "Japan", "XX"}) + "</country>";
      s += "</address>";
    }
    return s + "</addressbook>";
  }
};

// Random OpenAlex works: authors from a small pool of ids (so that one is
// listed twice), institutions known to the index (with or without
// coordinates) or not, and authorships without institutions, whose raw
// affiliation strings are the address.
class OpenAlexMaker : private Picker {
 public:
  explicit OpenAlexMaker(uint32_t seed) : Picker(seed) {}

  std::string Work() {
    std::vector<std::string> m;
    if (Pick(40) != 0)
      m.push_back(R"("id":"https://openalex.org/W)" + std::to_string(Pick(1000000)) + "\"");
    m.push_back(R"("publication_year":)" +
                (Pick(12) == 0 ? std::string("1800") : Pick({"2021", "2019", R"("2020")"})));
    if (Pick(3) != 0) {
      m.push_back(R"("publication_date":)" +
                  Pick({R"("2021-03-01")", R"("2019-11-30")", R"("x")"}));
    }
    if (Pick(4) != 0)
      m.push_back(R"("type":)" + Pick({R"("article")", R"("article")", R"("article")",
                                       R"("review")", R"("review")", R"("paratext")"}));
    if (Pick(2) != 0)
      m.push_back(R"("primary_topic":{"subfield":{"id":"https://openalex.org/subfields/1605"}})");
    m.push_back(R"("topics":[{"subfield":{"id":)" +
                Pick({R"("https://openalex.org/subfields/1602")", "1702", R"(" 3312 ")"}) + "}}]");
    if (Pick(10) != 0) {
      std::string a = "[";
      const uint32_t n = Pick(12) == 0 ? 0 : 1 + Pick(6);
      for (uint32_t i = 0; i < n; ++i) a += (i > 0 ? "," : "") + Authorship();
      m.push_back(R"("authorships":)" + a + "]");
    }
    return Object(&m);
  }

 private:
  std::string Authorship() {
    std::vector<std::string> m;
    std::vector<std::string> author;
    if (Pick(8) != 0) {
      author.push_back(R"("id":)" +
                       Pick({"\"https://openalex.org/A", "\"A", "\" https://openalex.org/A"}) +
                       std::to_string(Pick(30)) + "\"");
    } else if (Pick(2) == 0) {
      author.push_back(R"("id":)" + std::to_string(Pick(30)));
    }
    if (Pick(6) != 0) {
      author.push_back(R"("display_name":)" + Pick({R"("Sato K.")", R"("O&apos;Neil B.")",
                                                    R"(" Roe C. ")", R"("")", "null", "42"}));
    }
    m.push_back(R"("author":)" + Object(&author));
    if (Pick(3) == 0)
      m.push_back(R"("raw_author_name":)" + Pick({R"("Raw Name")", R"("M&uuml;ller")", R"("")"}));
    // No list, an empty one, one institution as a bare object now and then,
    // or a list of up to three.
    const uint32_t institutions = Pick(5);
    if (institutions == 1 && Pick(3) == 0) {
      m.push_back(R"("institutions":)" + Institution());
    } else if (institutions > 0) {
      std::string list = "[";
      for (uint32_t i = 0; i + 1 < institutions; ++i) list += (i > 0 ? "," : "") + Institution();
      m.push_back(R"("institutions":)" + list + "]");
    }
    if (Pick(2) == 0) {
      m.push_back(R"("countries":)" + Pick({R"(["FR"])", R"(["JP"])", R"(["FR","JP"])", R"([])",
                                            R"("CH")", R"(["Japan"])"}));
    }
    if (Pick(3) != 0) {
      std::string list = "[";
      const uint32_t n = Pick(3);
      for (uint32_t i = 0; i < n; ++i) {
        list += (i > 0 ? "," : "") +
                Pick({R"("Dept X, Paris")", R"(" Lab &amp; Y, Tokyo ")", R"("")",
                      R"("Institute, Zürich, Switzerland")", "null", R"("Atlantis")"});
      }
      m.push_back(R"("raw_affiliation_strings":)" + list + "]");
    }
    return Object(&m);
  }

  std::string Institution() {
    std::vector<std::string> m;
    if (Pick(6) != 0) {
      m.push_back(R"("id":)" + Pick({R"("https://openalex.org/I1")", R"("https://openalex.org/I3")",
                                     R"("https://openalex.org/I4")", R"("I4")",
                                     R"("https://openalex.org/I9")", "3"}));
    }
    if (Pick(6) != 0) {
      m.push_back(R"("display_name":)" +
                  Pick({R"("University of Tokyo")", R"("Univ &amp; Lab, Paris")", R"("MIT")",
                        R"("")", "null", R"(" ETH Zürich ")"}));
    }
    if (Pick(3) != 0) {
      m.push_back(R"("country_code":)" +
                  Pick({R"("US")", R"("JP")", R"("FR")", R"("Narnia")", "null", R"("")"}));
    }
    return Object(&m);
  }
};

// What CompareForms saw: records, those whose persons came as views, units
// with a reject, units with a located person.
struct FormsSeen {
  size_t records = 0, views = 0, rejects = 0, located = 0;
};

// Reads each of `units` with two parsers of `format_name`, one for a sink
// that takes persons as views and one for a sink that does not, each with
// its own thread resolver of a geocoder over the mini gazetteer when
// `geocode`, and expects the same outcome.
FormsSeen CompareForms(const char* format_name, const std::vector<std::string>& units, bool geocode,
                       const ReaderContext& context = Format::DefaultReaderContext()) {
  FormsSeen seen;
  const Format* format = FindFormat(format_name);
  EXPECT_NE(format, nullptr);
  if (format == nullptr) return seen;
  auto with_views = format->NewParser(context);
  auto without = format->NewParser(context);
  geo::GeoResolver resolver(geo::testing::MiniGazetteer(), {});
  auto viewing = resolver.NewThreadResolver();
  auto owning = resolver.NewThreadResolver();
  for (const std::string& unit : units) {
    const std::string padded = unit + std::string(kUnitPadding, ' ');
    const std::string_view u(padded.data(), unit.size());
    const ParseOutcome a = DescribeParse(without.get(), u, false, geocode ? owning.get() : nullptr);
    const ParseOutcome b =
        DescribeParse(with_views.get(), u, true, geocode ? viewing.get() : nullptr);
    EXPECT_EQ(a.text, b.text) << unit;
    if (a.text != b.text) break;
    EXPECT_TRUE(a.forms_ok && b.forms_ok && a.with_views == 0) << unit;
    seen.records += a.records;
    seen.views += b.with_views;
    seen.rejects += a.text.find("reject ") != std::string::npos;
    seen.located += a.text.find("\n  @") != std::string::npos;
  }
  return seen;
}

void CompareScopusForms(bool geocode) {
  ScopusMaker maker(geocode ? 11 : 5);
  std::vector<std::string> lines;
  for (int i = 0; i < 4000; ++i) lines.push_back(maker.Line());
  const FormsSeen seen = CompareForms("scopus", lines, geocode);
  // Most records came as views (the rest: repeated authids, no persons),
  // some lines were rejected, and with a geocoder many records were located.
  EXPECT_GT(seen.views, seen.records * 3 / 5) << "records " << seen.records;
  EXPECT_LT(seen.views, seen.records) << "records " << seen.records;
  EXPECT_GT(seen.rejects, 50u);
  if (geocode) {
    EXPECT_GT(seen.located, 1000u);
  }
}

// The same for PATENTSCOPE documents (random ones and the fixtures), whose
// reader lists each document's inventors as views.
TEST(PatentscopePersonViews, DocumentsGiveTheSameRecordsEitherWay) {
  PatentscopeMaker maker(13);
  std::vector<std::string> documents;
  for (int i = 0; i < 2000; ++i) documents.push_back(maker.Document());
  for (const char* name : {"WO2021187654-A1.xml", "weekly-concatenated.xml"}) {
    std::ifstream in(testing::Fixture(std::string("patentscope/") + name));
    documents.push_back(std::string(std::istreambuf_iterator<char>(in), {}));
    ASSERT_GT(documents.back().size(), 100u) << name;
  }
  for (bool geocode : {false, true}) {
    SCOPED_TRACE(geocode ? "geocoded" : "not geocoded");
    const FormsSeen seen = CompareForms("patentscope", documents, geocode);
    EXPECT_GT(seen.views, seen.records * 3 / 5) << "records " << seen.records;
    EXPECT_GT(seen.rejects, 50u);
    if (geocode) {
      EXPECT_GT(seen.located, 500u);
    }
  }
}

// The same for OpenAlex works, read with an institutions index: I1 and I3
// with coordinates, I4 with a country only (its name is geocoded), I9 and
// the rest unknown.
TEST(OpenAlexPersonViews, WorksGiveTheSameRecordsEitherWay) {
  OrgIndex orgs;
  orgs.Put("I1", {true, 4227756, -8374088, "US", "Ann Arbor", 4984247});
  orgs.Put("I3", {true, 5220000, 11667, "GB", "Cambridge", 2653941});
  orgs.Put("I4", {false, 0, 0, "JP", "", 0});
  ReaderContext context;
  context.orgs = &orgs;
  OpenAlexMaker maker(17);
  std::vector<std::string> works;
  for (int i = 0; i < 4000; ++i) works.push_back(maker.Work());
  for (bool geocode : {false, true}) {
    SCOPED_TRACE(geocode ? "geocoded" : "not geocoded");
    const FormsSeen seen = CompareForms("openalex", works, geocode, context);
    // Most records came as views (the rest: a repeated author id), some
    // works were rejected, and with a geocoder many were located.
    EXPECT_GT(seen.views, seen.records * 3 / 5) << "records " << seen.records;
    EXPECT_LT(seen.views, seen.records) << "records " << seen.records;
    EXPECT_GT(seen.rejects, 50u);
    if (geocode) {
      EXPECT_GT(seen.located, 1000u);
    }
  }
}

TEST(ScopusPersonViews, EntriesGiveTheSameRecordsEitherWay) { CompareScopusForms(false); }

TEST(ScopusPersonViews, GeocodedEntriesGiveTheSameRecordsEitherWay) { CompareScopusForms(true); }

}  // namespace
}  // namespace stc
