#include "gen/world_records.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "gen/world_data.h"

namespace stc::gen_internal {
namespace {

void Json(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void Xml(std::string_view s, std::string* out) {
  for (char c : s) {
    if (c == '&') {
      out->append("&amp;");
    } else if (c == '<') {
      out->append("&lt;");
    } else if (c == '>') {
      out->append("&gt;");
    } else {
      out->push_back(c);
    }
  }
}

std::string Date(int y, int m, int d, const char* sep = "-") {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%s%02d%s%02d", y, sep, m, sep, d);
  return buf;
}

std::string Updated(const WRecord& r) {
  int y, m, d;
  CivilFromDays(DaysFromCivil(r.year, r.month, r.day) + r.updated_days, &y, &m, &d);
  return Date(y, m, d);
}

std::string E5(int32_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%s%d.%05d", v < 0 ? "-" : "", std::abs(v) / 100000,
                std::abs(v) % 100000);
  return buf;
}

const WorldPlace& PlaceOf(const World& w, const WLoc& l) {
  return w.places()[w.sites()[l.site].place];
}

constexpr char kUnknownCity[] = "Qzxvbury";
constexpr char kUnknownAddress[] = "4 Qzxvbury Lane, Qzxvbury";

const char* const kStreets[] = {"Central", "Station", "Park",    "Lake",    "Hill",
                                "River",   "Garden",  "Science", "Harbour", "Market"};

const char* Institute(const WorldPlace& p, int site) {
  static const char* const kKinds[] = {"University of ", "Institute of Technology ",
                                       "Research Centre ", "Medical School ", "Laboratory "};
  (void)p;
  return kKinds[site % 5];
}

std::string OrgName(const World& w, int site) {
  const WorldPlace& p = w.places()[w.sites()[site].place];
  std::string kind = Institute(p, site);
  return kind + p.name + (site % 7 == 0 ? "" : " " + std::to_string(site % 97));
}

}  // namespace

std::string PlaceAddress(const WorldPlace& p, int number) {
  const char* street = kStreets[number % 10];
  char buf[256];
  const std::string& c = p.country;
  if (c == "JP") {
    std::snprintf(buf, sizeof buf, "%d-%d-%d %s-cho, %s %03d-%04d", 1 + number % 9, 1 + number % 20,
                  1 + number % 30, street, p.name.c_str(), 100 + number % 900, number % 10000);
  } else if (c == "US") {
    std::snprintf(buf, sizeof buf, "%d %s Street, %s, %s %05d", 100 + number, street,
                  p.name.c_str(), p.state.c_str(), 10000 + number % 89999);
  } else if (c == "CN") {
    std::snprintf(buf, sizeof buf, "No. %d %s Road, %s", 1 + number % 999, street, p.name.c_str());
  } else if (c == "DE" || c == "NL" || c == "FR") {
    std::snprintf(buf, sizeof buf, "%sstrasse %d, %05d %s", street, 1 + number % 200,
                  10000 + number % 89999, p.name.c_str());
  } else if (c == "KR") {
    std::snprintf(buf, sizeof buf, "%d %s-ro, %s", 1 + number % 300, street, p.name.c_str());
  } else {
    std::snprintf(buf, sizeof buf, "%d %s Road, %s", 1 + number % 300, street, p.name.c_str());
  }
  return buf;
}

std::string PersonName(const std::string& country, uint64_t seed, int i) {
  const CountryInfo* cs = Countries();
  int n = NumCountries();
  const CountryInfo* ci = &cs[3];  // US names by default.
  for (int k = 0; k < n; ++k) {
    if (country == cs[k].code) ci = &cs[k];
  }
  Rng rng(MixSeed(seed, static_cast<uint64_t>(i), 0x9A3E, 0));
  std::string name = ci->surnames[rng.Below(6)];
  name += " ";
  name += ci->given_names[rng.Below(6)];
  // Two letters from the position: names are distinct within a record.
  name += " ";
  name += static_cast<char>('A' + (i / 26) % 26);
  name += static_cast<char>('A' + i % 26);
  return name;
}

void AppendPctJsonl(const World& w, const WRecord& r, std::string* out) {
  out->append("{\"application_number\":");
  Json(r.key, out);
  out->append(",\"publication_number\":\"WO" + std::to_string(r.year) + "/" +
              std::to_string(100000 + r.index % 900000) + "\",\"kind\":\"A1\"");
  out->append(",\"publication_date\":\"" + Date(r.year, r.month, r.day) + "\"");
  if (r.updated_days > 0) out->append(",\"updated\":\"" + Updated(r) + "\"");
  out->append(",\"ipc\":[");
  for (size_t i = 0; i < r.codes.size(); ++i) {
    if (i) out->push_back(',');
    Json(r.codes[i], out);
  }
  out->append("],\"applicants\":[{\"name\":");
  Json(r.applicant, out);
  out->append(",\"country\":\"" + r.applicant_country + "\"}],\"inventors\":[");
  for (size_t i = 0; i < r.persons.size(); ++i) {
    const WPerson& p = r.persons[i];
    if (i) out->push_back(',');
    out->append("{\"name\":");
    Json(p.name, out);
    out->append(",\"addresses\":[");
    for (size_t k = 0; k < p.locs.size(); ++k) {
      const WLoc& l = p.locs[k];
      const WorldPlace& pl = PlaceOf(w, l);
      if (k) out->push_back(',');
      out->append("{\"text\":");
      if (l.unknown_place) {
        Json(kUnknownAddress, out);
        out->append(",\"city\":\"" + std::string(kUnknownCity) + "\",\"country\":\"\"}");
        continue;
      }
      Json(PlaceAddress(pl, l.street_no), out);
      out->append(",\"city\":");
      Json(pl.name, out);
      out->append(",\"country\":\"" + pl.country + "\"");
      if (l.coords) {
        out->append(",\"lat\":" + (l.bad_coords ? std::string("123.45") : E5(l.lat_e5)) +
                    ",\"lon\":" + E5(l.lon_e5));
      }
      out->push_back('}');
    }
    out->append("]}");
  }
  out->append("]}\n");
}

void AppendPatentscopeXml(const World& w, const WRecord& r, std::string* out) {
  std::string date = Date(r.year, r.month, r.day, "");
  out->append(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wo-international-application-status>\n");
  out->append(" <wo-bibliographic-data produced-by=\"IB\" lang=\"EN\" date-produced=\"" + date +
              "\">\n  <publication-reference><document-id><country>WO</country><doc-number>" +
              std::to_string(r.year) + "/" + std::to_string(100000 + r.index % 900000) +
              "</doc-number><kind>A1</kind><date>" + date +
              "</date></document-id></publication-reference>\n  <classifications-ipcr>");
  for (const std::string& c : r.codes) {
    out->append("<classification-ipcr><text>" + c + " 2006.01</text></classification-ipcr>");
  }
  out->append("</classifications-ipcr>\n  <application-reference><document-id><country>" +
              r.key.substr(4, 2) + "</country><doc-number>" + r.key +
              "</doc-number></document-id></application-reference>\n  <parties>\n   <applicants>"
              "<applicant sequence=\"1\" app-type=\"applicant\"><addressbook lang=\"en\"><name>");
  Xml(r.applicant, out);
  out->append("</name><address><country>" + r.applicant_country +
              "</country></address></addressbook></applicant></applicants>\n   <inventors>\n");
  for (size_t i = 0; i < r.persons.size(); ++i) {
    const WPerson& p = r.persons[i];
    const WLoc& l = p.locs[0];
    out->append("    <inventor sequence=\"" + std::to_string(i + 1) +
                "\"><addressbook lang=\"en\"><name>");
    Xml(p.name, out);
    out->append("</name><address><address-1>");
    if (l.unknown_place) {
      Xml(kUnknownAddress, out);
      out->append("</address-1><city>" + std::string(kUnknownCity) + "</city>");
    } else {
      const WorldPlace& pl = PlaceOf(w, l);
      Xml(PlaceAddress(pl, l.street_no), out);
      out->append("</address-1><city>");
      Xml(pl.name, out);
      out->append("</city><country>" + pl.country + "</country>");
    }
    out->append("</address></addressbook></inventor>\n");
  }
  out->append(
      "   </inventors>\n  </parties>\n </wo-bibliographic-data>\n"
      "</wo-international-application-status>\n");
}

namespace {

// Distinct sites of a record's locations, in first-use order.
std::vector<int> Affiliations(const WRecord& r) {
  std::vector<int> out;
  for (const WPerson& p : r.persons) {
    for (const WLoc& l : p.locs) {
      if (std::find(out.begin(), out.end(), l.site) == out.end()) out.push_back(l.site);
    }
  }
  return out;
}

std::string Afid(int site) { return std::to_string(60000000 + site); }

}  // namespace

void AppendScopusEntry(const World& w, const WRecord& r, std::string* out) {
  out->append("{\"@_fa\":\"true\",\"eid\":");
  Json(r.key, out);
  out->append(",\"dc:identifier\":\"SCOPUS_ID:" + r.key.substr(7) + "\",\"prism:coverDate\":\"" +
              Date(r.year, r.month, r.day) + "\",\"subtype\":\"" + r.doc_type +
              "\",\"affiliation\":[");
  std::vector<int> affs = Affiliations(r);
  bool unknown_written = false;
  for (size_t i = 0; i < affs.size(); ++i) {
    const WorldPlace& pl = w.places()[w.sites()[affs[i]].place];
    if (i) out->push_back(',');
    out->append("{\"@_fa\":\"true\",\"afid\":\"" + Afid(affs[i]) + "\",\"affilname\":");
    Json(OrgName(w, affs[i]), out);
    out->append(",\"affiliation-city\":");
    Json(pl.name, out);
    out->append(",\"affiliation-country\":");
    Json(pl.country_name, out);
    out->push_back('}');
  }
  for (const WPerson& p : r.persons) {
    for (const WLoc& l : p.locs) {
      if (l.unknown_place && !unknown_written) {
        out->append(std::string(affs.empty() ? "" : ",") +
                    "{\"afid\":\"59999999\",\"affilname\":\"Qzxvbury Institute\","
                    "\"affiliation-city\":\"Qzxvbury\",\"affiliation-country\":\"Atlantis\"}");
        unknown_written = true;
      }
    }
  }
  out->append("],\"author-count\":{\"@limit\":\"100\",\"@total\":\"" +
              std::to_string(r.author_total) + "\",\"$\":\"" + std::to_string(r.author_total) +
              "\"},\"author\":[");
  for (size_t i = 0; i < r.persons.size(); ++i) {
    const WPerson& p = r.persons[i];
    if (i) out->push_back(',');
    out->append("{\"@_fa\":\"true\",\"@seq\":\"" + std::to_string(i + 1) + "\",\"authid\":\"" +
                std::to_string(p.id) + "\",\"authname\":");
    Json(p.name, out);
    out->append(",\"afid\":[");
    for (size_t k = 0; k < p.locs.size(); ++k) {
      if (k) out->push_back(',');
      out->append("{\"@_fa\":\"true\",\"$\":\"" +
                  (p.locs[k].unknown_place ? std::string("59999999") : Afid(p.locs[k].site)) +
                  "\"}");
    }
    out->append("]}");
  }
  out->append("]}\n");
}

void AppendScopusAbstract(const World& w, const WRecord& r, std::string* out) {
  out->append("{\"abstracts-retrieval-response\":{\"coredata\":{\"eid\":");
  Json(r.key, out);
  out->append(",\"prism:coverDate\":\"" + Date(r.year, r.month, r.day) + "\",\"subtype\":\"" +
              r.doc_type + "\"},\"authors\":{\"author\":[");
  for (size_t i = 0; i < r.persons.size(); ++i) {
    if (i) out->push_back(',');
    out->append("{\"@auid\":\"" + std::to_string(r.persons[i].id) + "\",\"@seq\":\"" +
                std::to_string(i + 1) + "\",\"ce:indexed-name\":");
    Json(r.persons[i].name, out);
    out->push_back('}');
  }
  out->append("]},\"item\":{\"bibrecord\":{\"head\":{\"author-group\":[");
  // One group per (site), listing the authors affiliated there.
  std::vector<int> affs = Affiliations(r);
  for (size_t g = 0; g < affs.size(); ++g) {
    const WorldPlace& pl = w.places()[w.sites()[affs[g]].place];
    if (g) out->push_back(',');
    out->append("{\"affiliation\":{\"@afid\":\"" + Afid(affs[g]) + "\",\"organization\":{\"$\":");
    Json(OrgName(w, affs[g]), out);
    out->append("},\"city\":");
    Json(pl.name, out);
    out->append(",\"country\":");
    Json(pl.country_name, out);
    out->append("},\"author\":[");
    bool first = true;
    for (size_t i = 0; i < r.persons.size(); ++i) {
      for (const WLoc& l : r.persons[i].locs) {
        if (l.site != affs[g]) continue;
        if (!first) out->push_back(',');
        first = false;
        out->append("{\"@auid\":\"" + std::to_string(r.persons[i].id) + "\",\"@seq\":\"" +
                    std::to_string(i + 1) + "\",\"ce:indexed-name\":");
        Json(r.persons[i].name, out);
        out->push_back('}');
      }
    }
    out->append("]}");
  }
  out->append("]}}},\"subject-areas\":{\"subject-area\":[");
  for (size_t i = 0; i < r.codes.size(); ++i) {
    if (i) out->push_back(',');
    out->append("{\"@code\":\"" + r.codes[i] + "\"}");
  }
  out->append("]}}}\n");
}

void AppendOpenAlexWork(const World& w, const WRecord& r, std::string* out) {
  out->append("{\"id\":\"https://openalex.org/" + r.key +
              "\",\"publication_year\":" + std::to_string(r.year) + ",\"publication_date\":\"" +
              Date(r.year, r.month, r.day) + "\",\"type\":\"" + r.doc_type + "\"");
  if (!r.codes.empty()) {
    out->append(",\"primary_topic\":{\"subfield\":{\"id\":\"https://openalex.org/subfields/" +
                r.codes[0] + "\"}},\"topics\":[");
    for (size_t i = 0; i < r.codes.size(); ++i) {
      if (i) out->push_back(',');
      out->append("{\"subfield\":{\"id\":\"https://openalex.org/subfields/" + r.codes[i] + "\"}}");
    }
    out->push_back(']');
  }
  out->append(",\"authorships\":[");
  for (size_t i = 0; i < r.persons.size(); ++i) {
    const WPerson& p = r.persons[i];
    if (i) out->push_back(',');
    out->append("{\"author\":{\"id\":\"https://openalex.org/A" + std::to_string(p.id) +
                "\",\"display_name\":");
    Json(p.name, out);
    out->append("},\"institutions\":[");
    for (size_t k = 0; k < p.locs.size(); ++k) {
      const WLoc& l = p.locs[k];
      if (k) out->push_back(',');
      if (l.unknown_place) {
        out->append(
            "{\"id\":\"https://openalex.org/I9999999999\",\"display_name\":"
            "\"Qzxvbury Institute\",\"country_code\":\"\"}");
        continue;
      }
      out->append("{\"id\":\"https://openalex.org/I" + std::to_string(1000000 + l.site) +
                  "\",\"display_name\":");
      Json(OrgName(w, l.site), out);
      out->append(",\"country_code\":\"" + PlaceOf(w, l).country + "\"}");
    }
    out->append("]}");
  }
  out->append("]}\n");
}

void AppendOpenAlexInstitution(const World& w, int site, std::string* out) {
  const WorldSite& s = w.sites()[site];
  const WorldPlace& pl = w.places()[s.place];
  out->append("{\"id\":\"https://openalex.org/I" + std::to_string(1000000 + site) +
              "\",\"display_name\":");
  Json(OrgName(w, site), out);
  out->append(",\"country_code\":\"" + pl.country + "\",\"geo\":{\"city\":");
  Json(pl.name, out);
  out->append(",\"geonames_city_id\":\"" + std::to_string(pl.geoname_id) +
              "\",\"country_code\":\"" + pl.country + "\",\"latitude\":" + E5(s.lat_e5) +
              ",\"longitude\":" + E5(s.lon_e5) + "}}\n");
}

void AppendVcDeal(const World& w, uint64_t index, int year, int month, int day, int site,
                  std::string* out) {
  static const char* const kRounds[] = {"Seed", "Series A", "Series B", "Series C", "Growth"};
  const WorldSite& s = w.sites()[site];
  const WorldPlace& pl = w.places()[s.place];
  out->append("{\"deal_id\":\"V" + std::to_string(index) + "\",\"date\":\"" +
              Date(year, month, day) + "\",\"company\":\"" + pl.name + " Robotics " +
              std::to_string(index % 1000) + "\",\"city\":");
  Json(pl.name, out);
  out->append(",\"country\":\"" + pl.country + "\",\"lat\":" + E5(s.lat_e5) +
              ",\"lon\":" + E5(s.lon_e5) + ",\"round\":\"" + kRounds[index % 5] + "\"}\n");
}

}  // namespace stc::gen_internal
