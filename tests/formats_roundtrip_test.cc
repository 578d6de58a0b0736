// Round-trip property: a generated set of records, written in each real
// format by the small writers below and ingested, gives exactly the export
// of the same records written in the normalised format. Locations without
// coordinates are placed by a deterministic test resolver (city, country ->
// fixed point), so that Scopus and PATENTSCOPE records, which carry only
// text addresses, produce located cells too.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "core/location_resolver.h"
#include "parsers/source_util.h"
#include "tests/formats_test_util.h"

namespace stc {
namespace {

using namespace stc::testing;  // NOLINT

namespace fs = std::filesystem;

class FixedPointResolver : public LocationResolver {
  class Thread : public ThreadResolver {
   public:
    void Resolve(Record* record, std::map<std::string, uint64_t>* counts) override {
      for (Person& p : record->persons) {
        for (Location& l : p.locations) {
          if (l.has_coords || l.city.empty()) continue;
          uint64_t h = 1469598103934665603ull;
          for (char c : l.city + "|" + l.country)
            h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
          l.lat_e5 = static_cast<int32_t>(h % 12000001) - 6000000;
          l.lon_e5 = static_cast<int32_t>((h >> 24) % 36000001) - 18000000;
          l.has_coords = true;
          ++(*counts)["test"];
        }
      }
    }
  };

 public:
  std::unique_ptr<ThreadResolver> NewThreadResolver() const override {
    return std::make_unique<Thread>();
  }
};

struct Place {
  const char* id;
  const char* org;
  const char* city;
  const char* iso2;
  const char* iso3;
  const char* country;
  double lat, lon;
};
const Place kPlaces[] = {
    {"60001", "MIT", "Cambridge", "US", "usa", "United States", 42.35982, -71.09211},
    {"60002", "CNRS", "Paris", "FR", "fra", "France", 48.85341, 2.3488},
    {"60003", "Tsinghua University", "Beijing", "CN", "chn", "China", 40.00229, 116.32081},
    {"60004", "University of Tokyo", "Tokyo", "JP", "jpn", "Japan", 35.71263, 139.76197},
    {"60005", "TU M&uuml;nchen", "Munich", "DE", "deu", "Germany", 48.14966, 11.56786},
    {"60006", "Imperial College", "London", "GB", "gbr", "United Kingdom", 51.49882, -0.17488},
    {"60007", "IISc", "Bangalore", "IN", "ind", "India", 13.02164, 77.56713},
    {"60008", "USP", "Sao Paulo", "BR", "bra", "Brazil", -23.5613, -46.73085},
};
const char* const kCodes[] = {"1710", "2208", "1303", "2700", "3104", "1605", "3300", "2002"};

struct GenAuthor {
  std::string id, name;
  std::vector<int> places;
};
struct GenArticle {
  std::string key, date;
  std::vector<std::string> codes;
  std::vector<GenAuthor> authors;
  int total = 0;  // Declared author count (0 = none).
};

std::vector<GenArticle> Articles(int n, uint32_t seed, bool truncation) {
  std::mt19937 rng(seed);
  std::vector<GenArticle> out;
  for (int i = 0; i < n; ++i) {
    GenArticle a;
    a.key = "2-s2.0-" + std::to_string(85100000000ll + i);
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-01", 2015 + static_cast<int>(rng() % 9),
                  1 + static_cast<int>(rng() % 12));
    a.date = date;
    a.codes.push_back(kCodes[rng() % 6]);  // A science code first: never SSH-only.
    if (rng() % 2) a.codes.push_back(kCodes[rng() % 8]);
    int authors = 1 + static_cast<int>(rng() % 6);
    for (int j = 0; j < authors; ++j) {
      GenAuthor g;
      g.id = std::to_string(1000000 + i * 10 + j);
      g.name = "Author" + std::to_string(i) + "_" + std::to_string(j);
      int k = static_cast<int>(rng() % 3);
      for (int m = 0; m < k; ++m) {
        int p = static_cast<int>(rng() % 8);
        if (std::find(g.places.begin(), g.places.end(), p) == g.places.end()) g.places.push_back(p);
      }
      a.authors.push_back(g);
    }
    if (truncation && rng() % 4 == 0) a.total = authors + 1 + static_cast<int>(rng() % 200);
    out.push_back(a);
  }
  return out;
}

std::string Q(const std::string& s) { return "\"" + s + "\""; }

std::string Decoded(const char* s) { return DecodeEntities(s); }

std::string NormalisedArticles(const std::vector<GenArticle>& v, bool with_coords) {
  std::string out;
  for (const GenArticle& a : v) {
    out += "{\"key\": " + Q(a.key) + ", \"cover_date\": " + Q(a.date) + ", \"subjects\": [";
    for (size_t i = 0; i < a.codes.size(); ++i) out += (i ? ", " : "") + Q(a.codes[i]);
    out += "]";
    if (a.total > 0) out += ", \"author_count\": " + std::to_string(a.total);
    out += ", \"authors\": [";
    for (size_t j = 0; j < a.authors.size(); ++j) {
      const GenAuthor& g = a.authors[j];
      out += std::string(j ? ", " : "") + "{\"name\": " + Q(g.name) + ", \"affiliations\": [";
      for (size_t m = 0; m < g.places.size(); ++m) {
        const Place& p = kPlaces[g.places[m]];
        out += std::string(m ? ", " : "") + "{\"name\": " + Q(Decoded(p.org)) +
               ", \"city\": " + Q(p.city) + ", \"country\": " + Q(p.iso2);
        if (with_coords) {
          char buf[64];
          std::snprintf(buf, sizeof buf, ", \"lat\": %.5f, \"lon\": %.5f", p.lat, p.lon);
          out += buf;
        }
        out += "}";
      }
      out += "]}";
    }
    out += "]}\n";
  }
  return out;
}

std::string ScopusEntries(const std::vector<GenArticle>& v) {
  std::string out;
  for (const GenArticle& a : v) {
    out += "{\"@_fa\": \"true\", \"eid\": " + Q(a.key) +
           ", \"prism:coverDate\": [{\"$\": " + Q(a.date) +
           "}], \"subtype\": \"ar\", \"subject-area\": [";
    for (size_t i = 0; i < a.codes.size(); ++i) {
      out += std::string(i ? ", " : "") + "{\"@code\": " + Q(a.codes[i]) + "}";
    }
    out += "], \"affiliation\": [";
    bool first = true;
    for (int p = 0; p < 8; ++p) {
      out += std::string(first ? "" : ", ") + "{\"afid\": " + Q(kPlaces[p].id) +
             ", \"affilname\": " + Q(kPlaces[p].org) +
             ", \"affiliation-city\": " + Q(kPlaces[p].city) +
             ", \"affiliation-country\": " + Q(kPlaces[p].country) + "}";
      first = false;
    }
    int total = a.total > 0 ? a.total : static_cast<int>(a.authors.size());
    out += "], \"author-count\": {\"@limit\": \"100\", \"@total\": " + Q(std::to_string(total)) +
           "}, \"author\": [";
    for (size_t j = 0; j < a.authors.size(); ++j) {
      const GenAuthor& g = a.authors[j];
      out += std::string(j ? ", " : "") + "{\"authid\": " + Q(g.id) +
             ", \"authname\": " + Q(g.name) + ", \"afid\": [";
      for (size_t m = 0; m < g.places.size(); ++m) {
        out += std::string(m ? ", " : "") + "{\"$\": " + Q(kPlaces[g.places[m]].id) + "}";
      }
      out += "]}";
    }
    out += "]}\n";
  }
  return out;
}

std::string AbstractDocs(const std::vector<GenArticle>& v) {
  std::string out;
  for (const GenArticle& a : v) {
    out += "{\"abstracts-retrieval-response\": {\"coredata\": {\"eid\": " + Q(a.key) +
           ", \"prism:coverDate\": " + Q(a.date) +
           ", \"subtype\": \"ar\"}, "
           "\"subject-areas\": {\"subject-area\": [";
    for (size_t i = 0; i < a.codes.size(); ++i) {
      out += std::string(i ? ", " : "") + "{\"@code\": " + Q(a.codes[i]) + "}";
    }
    out += "]}, \"item\": {\"bibrecord\": {\"head\": {\"author-group\": [";
    bool first = true;
    for (const GenAuthor& g : a.authors) {
      std::string author = "{\"@auid\": " + Q(g.id) + ", \"ce:indexed-name\": " + Q(g.name) + "}";
      if (g.places.empty()) {
        out += std::string(first ? "" : ", ") + "{\"author\": [" + author + "]}";
        first = false;
      }
      for (int p : g.places) {
        const Place& pl = kPlaces[p];
        out += std::string(first ? "" : ", ") + "{\"affiliation\": {\"@afid\": " + Q(pl.id) +
               ", \"@country\": " + Q(pl.iso3) + ", \"organization\": [{\"$\": " + Q(pl.org) +
               "}], \"city\": " + Q(pl.city) + ", \"country\": " + Q(pl.country) +
               "}, \"author\": " + author + "}";
        first = false;
      }
    }
    out += "]}}}}}\n";
  }
  return out;
}

// OpenAlex works + institutions (the places) as a snapshot folder.
void OpenAlexSnapshot(const std::vector<GenArticle>& v, const std::string& root) {
  std::string inst;
  for (const Place& p : kPlaces) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "\"latitude\": %.5f, \"longitude\": %.5f", p.lat, p.lon);
    inst += "{\"id\": \"https://openalex.org/I" + std::string(p.id) +
            "\", \"geo\": {\"city\": " + Q(p.city) + ", \"country_code\": " + Q(p.iso2) + ", " +
            buf + "}}\n";
  }
  std::string works;
  for (const GenArticle& a : v) {
    works += "{\"id\": \"https://openalex.org/W" + a.key.substr(7) +
             "\", \"publication_date\": " + Q(a.date) +
             ", \"publication_year\": " + a.date.substr(0, 4) +
             ", \"type\": \"article\", \"primary_topic\": {\"subfield\": {\"id\": "
             "\"https://openalex.org/subfields/" +
             a.codes[0] + "\"}}, \"topics\": [";
    for (size_t i = 0; i < a.codes.size(); ++i) {
      works += std::string(i ? ", " : "") +
               "{\"subfield\": {\"id\": \"https://openalex.org/subfields/" + a.codes[i] + "\"}}";
    }
    works += "], \"authorships\": [";
    for (size_t j = 0; j < a.authors.size(); ++j) {
      const GenAuthor& g = a.authors[j];
      works += std::string(j ? ", " : "") + "{\"author\": {\"id\": \"https://openalex.org/A" +
               g.id + "\", \"display_name\": " + Q(g.name) + "}, \"institutions\": [";
      for (size_t m = 0; m < g.places.size(); ++m) {
        works += std::string(m ? ", " : "") + "{\"id\": \"https://openalex.org/I" +
                 kPlaces[g.places[m]].id + "\", \"country_code\": " + Q(kPlaces[g.places[m]].iso2) +
                 "}";
      }
      works += "]}";
    }
    works += "]}\n";
  }
  fs::create_directories(root + "/data/works/updated_date=2024-01-01");
  fs::create_directories(root + "/data/institutions/updated_date=2024-01-01");
  WriteFile(root + "/data/works/updated_date=2024-01-01/part_000.gz", Gzip(works));
  WriteFile(root + "/data/institutions/updated_date=2024-01-01/part_000.gz", Gzip(inst));
}

std::string ExportAfter(const std::vector<std::string>& inputs, const std::string& format,
                        int threads) {
  TempDir dir;
  auto store = OpenStore(dir.Path("db"));
  FixedPointResolver resolver;
  IngestOptions o;
  o.threads = threads;
  o.format = format;
  o.resolver = &resolver;
  IngestStats s = IngestWith(store.get(), inputs, o);
  EXPECT_EQ(s.records_rejected, 0u) << format;
  EXPECT_EQ(s.records_skipped, 0u) << format;
  return ExportCsv(*store);
}

TEST(FormatsRoundTrip, ScopusSearchEqualsNormalised) {
  TempDir dir;
  std::vector<GenArticle> v = Articles(400, 11, true);
  WriteFile(dir.Path("norm.jsonl"), NormalisedArticles(v, false));
  WriteFile(dir.Path("scopus.jsonl.zst"), Zstd(ScopusEntries(v)));
  std::string want = ExportAfter({dir.Path("norm.jsonl")}, "article-jsonl", 1);
  EXPECT_NE(want.find("cell,article"), std::string::npos);
  std::string got = ExportAfter({dir.Path("scopus.jsonl.zst")}, "auto", 2);
  EXPECT_EQ(got, want) << FirstDifference(got, want);
}

TEST(FormatsRoundTrip, ScopusAbstractEqualsNormalised) {
  TempDir dir;
  std::vector<GenArticle> v = Articles(400, 12, false);
  WriteFile(dir.Path("norm.jsonl"), NormalisedArticles(v, false));
  WriteFile(dir.Path("abstracts.jsonl"), AbstractDocs(v));
  std::string want = ExportAfter({dir.Path("norm.jsonl")}, "article-jsonl", 1);
  std::string got = ExportAfter({dir.Path("abstracts.jsonl")}, "auto", 2);
  EXPECT_EQ(got, want) << FirstDifference(got, want);
}

TEST(FormatsRoundTrip, OpenAlexEqualsNormalisedWithCoordinates) {
  TempDir dir;
  std::vector<GenArticle> v = Articles(400, 13, false);
  for (GenArticle& a : v) a.key = "W" + a.key.substr(7);
  WriteFile(dir.Path("norm.jsonl"), NormalisedArticles(v, true));
  for (GenArticle& a : v) a.key = "2-s2.0-" + a.key.substr(1);
  OpenAlexSnapshot(v, dir.Path("oa"));
  std::string want = ExportAfter({dir.Path("norm.jsonl")}, "article-jsonl", 1);
  std::string got = ExportAfter({dir.Path("oa")}, "auto", 2);
  EXPECT_EQ(got, want) << FirstDifference(got, want);
}

// PCT: PATENTSCOPE XML vs pct-jsonl; VC: CSV vs JSON Lines.
TEST(FormatsRoundTrip, PatentscopeEqualsNormalisedAndVcCsvEqualsJsonl) {
  std::mt19937 rng(14);
  std::string xml, norm, vc_json, vc_csv = "deal_id,date,company,city,country,lat,lon,round\n";
  for (int i = 0; i < 300; ++i) {
    char app[32], date[16];
    std::snprintf(app, sizeof app, "%s%d%06d", kPlaces[rng() % 8].iso2, 2015 + i % 9, i);
    std::snprintf(date, sizeof date, "%04d%02d%02d", 2016 + i % 9, 1 + i % 12, 1 + i % 28);
    std::string d(date), iso = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
    std::string ipc = std::string(1, static_cast<char>('A' + rng() % 8)) + "01B 1/00";
    int n = 1 + static_cast<int>(rng() % 5);
    std::string inventors_xml, applicants_xml, inv_norm, tail_norm;
    for (int j = 0; j < n; ++j) {
      const Place& p = kPlaces[rng() % 8];
      std::string name = "Inventor" + std::to_string(i) + "x" + std::to_string(j);
      bool has_address = rng() % 5 != 0;
      int role = static_cast<int>(rng() % 3);  // 0 inventor, 1 applicant-inventor, 2 both.
      std::string addr = has_address ? "<address><address-1>" + std::to_string(j) +
                                           " Main Street</address-1><city>" + std::string(p.city) +
                                           "</city><country>" + p.iso2 + "</country></address>"
                                     : "";
      std::string party =
          "<addressbook lang=\"en\"><name>" + name + "</name>" + addr + "</addressbook>";
      std::string person =
          "{\"name\": " + Q(name) + ", \"addresses\": [" +
          (has_address ? "{\"text\": " + Q(std::to_string(j) + " Main Street") +
                             ", \"city\": " + Q(p.city) + ", \"country\": " + Q(p.iso2) + "}"
                       : "") +
          "]}";
      if (role != 1) {
        inventors_xml += "<inventor>" + party + "</inventor>";
        inv_norm += std::string(inv_norm.empty() ? "" : ", ") + person;
      } else {
        tail_norm += ", " + person;
      }
      if (role != 0)
        applicants_xml += "<applicant app-type=\"applicant-inventor\">" + party + "</applicant>";
    }
    if (inv_norm.empty()) tail_norm = tail_norm.substr(2);
    xml +=
        "<?xml version=\"1.0\"?>\n<wo-international-application-status><wo-bibliographic-data>"
        "<publication-reference><document-id><country>WO</country><kind>A1</kind><date>" +
        d +
        "</date></document-id></"
        "publication-reference><classifications-ipcr><classification-ipcr><text>" +
        ipc +
        " 2006.01</text></classification-ipcr></classifications-ipcr>"
        "<application-reference><document-id><doc-number>" +
        app +
        "</doc-number></document-id></application-reference><parties><applicants>"
        "<applicant app-type=\"applicant\"><addressbook><orgname>Org" +
        std::to_string(i % 7) + "</orgname></addressbook></applicant>" + applicants_xml +
        "</applicants><inventors>" + inventors_xml +
        "</inventors></parties></wo-bibliographic-data></wo-international-application-status>\n";
    norm += "{\"application_number\": " + Q(app) + ", \"publication_date\": " + Q(iso) +
            ", \"ipc\": [" + Q(ipc) + "], \"inventors\": [" + inv_norm + tail_norm + "]}\n";
    // A deal.
    const Place& c = kPlaces[rng() % 8];
    bool coords = rng() % 2;
    char ll[64] = "";
    if (coords) std::snprintf(ll, sizeof ll, "%.5f,%.5f", c.lat, c.lon);
    vc_csv += "V" + std::to_string(i) + "," + iso + ",\"Co " + std::to_string(i) + ", Inc\"," +
              c.city + "," + c.country + "," + (coords ? std::string(ll) : ",") + ",Seed\n";
    vc_json += "{\"deal_id\": \"V" + std::to_string(i) + "\", \"date\": " + Q(iso) +
               ", \"company\": \"Co " + std::to_string(i) + ", Inc\", \"city\": " + Q(c.city) +
               ", \"country\": " + Q(c.iso2) +
               (coords ? ", \"lat\": " + std::string(ll).substr(0, std::string(ll).find(',')) +
                             ", \"lon\": " + std::string(ll).substr(std::string(ll).find(',') + 1)
                       : "") +
               ", \"round\": \"Seed\"}\n";
  }
  TempDir dir;
  WriteFile(dir.Path("pct.jsonl"), norm);
  WriteFile(dir.Path("wo.xml.gz"), Gzip(xml));
  std::string want = ExportAfter({dir.Path("pct.jsonl")}, "pct-jsonl", 1);
  EXPECT_NE(want.find("cell,pct"), std::string::npos);
  std::string got = ExportAfter({dir.Path("wo.xml.gz")}, "auto", 2);
  EXPECT_EQ(got, want) << FirstDifference(got, want);
  WriteFile(dir.Path("deals.jsonl"), vc_json);
  WriteFile(dir.Path("deals.csv"), vc_csv);
  std::string vj = ExportAfter({dir.Path("deals.jsonl")}, "auto", 1);
  std::string vcsv = ExportAfter({dir.Path("deals.csv")}, "auto", 2);
  EXPECT_NE(vj.find("cell,vc"), std::string::npos);
  EXPECT_EQ(vcsv, vj) << FirstDifference(vcsv, vj);
}

}  // namespace
}  // namespace stc
