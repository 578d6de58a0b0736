// The `geocode` and `gazetteer` subcommands: look addresses up in the
// GeoNames index, and build that index (docs/geocoding.md).
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command.h"
#include "geo/gazetteer.h"
#include "geo/gazetteer_builder.h"
#include "geo/geocoder.h"

namespace stc {
namespace {

struct GeocodeArgs {
  std::string gazetteer;
  std::string country;
  std::string city;
  std::vector<std::string> address;
  std::string batch;
};

void PrintResultTsv(std::ostream& out, std::string_view id, const geo::GeoResult& r) {
  out << id << '\t' << geo::MatchQualityName(r.quality) << '\t';
  if (r.place != nullptr) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.5f\t%.5f", r.lat_e5 / 1e5, r.lon_e5 / 1e5);
    out << buf << '\t' << r.place->geoname_id() << '\t' << r.place->name() << '\t'
        << r.country_code() << '\t' << r.place->admin1() << '\n';
  } else {
    out << "\t\t\t\t" << r.country_code() << "\t\n";
  }
}

int RunBatch(geo::Geocoder* geocoder, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "stcluster: cannot open " << path << "\n";
    return kExitInput;
  }
  std::cout << "id\tquality\tlat\tlon\tgeonameid\tplace\tcountry\tadmin1\n";
  std::string line;
  std::vector<std::string> cols;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#' || line.rfind("id\tcountry", 0) == 0) continue;
    cols.assign(4, "");
    size_t pos = 0;
    for (int c = 0; c < 4 && pos <= line.size(); ++c) {
      size_t tab = c == 3 ? std::string::npos : line.find('\t', pos);
      cols[c] = line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos);
      if (tab == std::string::npos) break;
      pos = tab + 1;
    }
    PrintResultTsv(std::cout, cols[0], geocoder->Geocode({cols[1], cols[2], cols[3], "", ""}));
    ++n;
  }
  if (in.bad()) {
    std::cerr << "stcluster: error reading " << path << "\n";
    return kExitInput;
  }
  std::cerr << "geocoded " << n << " addresses (" << geocoder->cache_hits() << " cache hits)\n";
  return kExitOk;
}

int RunGeocode(const GeocodeArgs& args) {
  auto gaz = geo::Gazetteer::Open(args.gazetteer);
  if (!gaz.ok()) return Fail(gaz.status(), kExitInput);
  geo::Geocoder geocoder(**gaz);
  if (!args.batch.empty()) return RunBatch(&geocoder, args.batch);
  std::string address;
  for (const std::string& a : args.address) address += (address.empty() ? "" : " ") + a;
  if (address.empty() && args.city.empty()) {
    std::cerr << "stcluster: give an ADDRESS, --city or --batch FILE\n";
    return kExitUsage;
  }
  geo::GeoResult r = geocoder.Geocode({args.country, args.city, address, "", ""});
  std::cout << "quality:     " << geo::MatchQualityName(r.quality) << "\n";
  if (r.place != nullptr) {
    std::cout << "place:       " << r.place->name() << " (geonames " << r.place->geoname_id()
              << ", population " << r.place->population() << ")\n";
    std::cout << "country:     " << r.country_code() << "\n";
    std::cout << "admin1:      " << r.place->admin1() << "\n";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.5f, %.5f", r.lat_e5 / 1e5, r.lon_e5 / 1e5);
    std::cout << "coordinates: " << buf << "\n";
  } else if (!r.country_code().empty()) {
    std::cout << "country:     " << r.country_code() << "\n";
  }
  return kExitOk;
}

struct GazetteerArgs {
  std::string cities, countries, codes, out;
};

int RunGazetteerBuild(const GazetteerArgs& a) {
  geo::GazetteerBuildStats st;
  Status s = geo::BuildGazetteerFile(a.cities, a.countries, a.codes, a.out, &st);
  if (!s.ok()) {
    return Fail(s, s.code() == StatusCode::kNotFound || s.code() == StatusCode::kDataError
                       ? kExitInput
                       : kExitInternal);
  }
  std::cerr << "gazetteer: " << st.places << " places, " << st.keys << " name keys, " << st.postings
            << " postings, " << st.countries << " countries, " << st.lines_skipped
            << " lines skipped, " << st.bytes << " bytes -> " << a.out << "\n";
  return kExitOk;
}

}  // namespace

std::string DefaultGazetteerPath() {
  const char* env = std::getenv("STC_GAZETTEER");
  return env != nullptr && *env != '\0' ? env : STC_GAZETTEER_DEFAULT;
}

Command AddGeocodeCommand(CLI::App& app) {
  auto a = std::make_shared<GeocodeArgs>();
  a->gazetteer = DefaultGazetteerPath();
  CLI::App* sub = app.add_subcommand(
      "geocode",
      "Geocode one address, or a TSV file of them, offline with the GeoNames index.\n"
      "Batch input: id<TAB>country<TAB>city<TAB>address per line (missing trailing columns\n"
      "are empty; '#' lines and an 'id<TAB>country...' header are skipped). Output TSV:\n"
      "id, quality, lat, lon, geonameid, place, country, admin1.");
  sub->add_option("address", a->address, "Free-text address (words are joined)");
  sub->add_option("--country", a->country, "ISO-2/ISO-3 code or country name");
  sub->add_option("--city", a->city, "City (as in a Scopus affiliation)");
  sub->add_option("--batch", a->batch, "TSV file of addresses; results as TSV on stdout");
  sub->add_option("--gazetteer", a->gazetteer,
                  "Gazetteer index (default: $STC_GAZETTEER or the one scripts/setup builds)")
      ->capture_default_str();
  return {sub, [a] { return RunGeocode(*a); }};
}

Command AddGazetteerCommand(CLI::App& app) {
  auto a = std::make_shared<GazetteerArgs>();
  CLI::App* g = app.add_subcommand("gazetteer", "Manage the GeoNames gazetteer index");
  g->require_subcommand(1);
  CLI::App* sub = g->add_subcommand(
      "build",
      "Build the binary index from GeoNames cities500.txt and i18n-iso-countries' en.json\n"
      "and codes.json (scripts/setup does this from the pinned npm packages).");
  sub->add_option("--cities", a->cities, "GeoNames cities500.txt")->required();
  sub->add_option("--countries", a->countries, "i18n-iso-countries langs/en.json")->required();
  sub->add_option("--codes", a->codes, "i18n-iso-countries codes.json")->required();
  sub->add_option("--out", a->out, "Index file to write (atomically)")->required();
  return {g, [a] { return RunGazetteerBuild(*a); }};
}

}  // namespace stc
