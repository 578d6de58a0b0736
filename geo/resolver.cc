#include "geo/resolver.h"

namespace stc::geo {
namespace {

class GeoThreadResolver : public ThreadResolver {
 public:
  GeoThreadResolver(const Gazetteer& g, const ResolverOptions& o)
      : gaz_(g), options_(o), geocoder_(g, o.geocoder) {}

  void Resolve(Record* record, std::map<std::string, uint64_t>* counts) override {
    for (Person& person : record->persons) {
      for (Location& loc : person.locations) ResolveOne(&loc, counts);
    }
  }

 private:
  void Count(std::map<std::string, uint64_t>* counts, std::string_view key) {
    // Few distinct keys: a linear probe of the map is cheap.
    auto it = counts->find(std::string(key));
    if (it == counts->end()) {
      (*counts)[std::string(key)] = 1;
    } else {
      ++it->second;
    }
  }

  void ResolveOne(Location* loc, std::map<std::string, uint64_t>* counts) {
    // The country as given (a code or a name) drives the query; the record
    // keeps its ISO-2 code.
    raw_country_ = loc->country;
    bool unknown_country = false;
    if (!loc->country.empty()) {
      std::string_view cc = gaz_.CountryCode(loc->country);
      if (!cc.empty()) {
        loc->country.assign(cc);
      } else {
        unknown_country = true;  // Kept as written: it labels the unresolved place.
      }
    }
    if (unknown_country) {
      // No country to search in or to check against: a place found elsewhere
      // would be a guess. Given coordinates stay unless they are a placeholder.
      if (loc->has_coords && options_.validate_coordinates &&
          IsNullIsland(loc->lat_e5, loc->lon_e5)) {
        loc->has_coords = false;
        Count(counts, "corrected_null_island");
      }
      Count(counts, loc->has_coords ? "given" : MatchQualityName(MatchQuality::kUnresolved));
      return;
    }
    GeoQuery q;
    q.country = raw_country_;
    q.city = loc->city;
    q.address = loc->address;

    if (loc->has_coords) {
      if (!options_.validate_coordinates) {
        Count(counts, "given");
        return;
      }
      bool null_island = IsNullIsland(loc->lat_e5, loc->lon_e5);
      bool outside = !null_island && loc->country.size() == 2 &&
                     !gaz_.InCountryFootprint(loc->country, loc->lat_e5, loc->lon_e5);
      if (!null_island && !outside) {
        Count(counts, "given");
        return;
      }
      GeoResult r = geocoder_.Geocode(q);
      if (r.has_place() && r.quality < MatchQuality::kCountryCentroid) {
        Apply(r, loc);
        Count(counts, MatchQualityName(r.quality));
        Count(counts, null_island ? "corrected_null_island" : "corrected_out_of_country");
      } else if (null_island) {
        loc->has_coords = false;
        Fill(r, loc);
        Count(counts, MatchQualityName(r.quality));
        Count(counts, "corrected_null_island");
      } else {
        Count(counts, "given");
        Count(counts, "corrected_out_of_country_kept");
      }
      return;
    }
    GeoResult r = geocoder_.Geocode(q);
    Count(counts, MatchQualityName(r.quality));
    if (!r.has_place()) return;
    if (r.quality == MatchQuality::kCountryCentroid && !options_.locate_country_centroids) {
      Fill(r, loc);
      return;
    }
    Apply(r, loc);
  }

  void Fill(const GeoResult& r, Location* loc) {
    if (loc->country.empty() && r.country[0] != 0) loc->country.assign(r.country, 2);
  }
  void Apply(const GeoResult& r, Location* loc) {
    loc->has_coords = true;
    loc->lat_e5 = r.lat_e5;
    loc->lon_e5 = r.lon_e5;
    Fill(r, loc);
  }

  const Gazetteer& gaz_;
  ResolverOptions options_;
  Geocoder geocoder_;
  std::string raw_country_;
};

}  // namespace

std::unique_ptr<ThreadResolver> GeoResolver::NewThreadResolver() const {
  return std::make_unique<GeoThreadResolver>(gaz_, options_);
}

}  // namespace stc::geo
