#include "geo/resolver.h"

#include <gtest/gtest.h>

#include "geo/test_gazetteer.h"

namespace stc::geo {
namespace {

using testing::MiniGazetteer;

Location Loc(std::string country, std::string city, std::string address = "") {
  Location l;
  l.country = std::move(country);
  l.city = std::move(city);
  l.address = std::move(address);
  return l;
}
Location At(Location l, double lat, double lon) {
  l.has_coords = true;
  l.lat_e5 = static_cast<int32_t>(lat * 1e5);
  l.lon_e5 = static_cast<int32_t>(lon * 1e5);
  return l;
}

struct Resolved {
  Record record;
  std::map<std::string, uint64_t> counts;
};

Resolved Resolve(std::vector<Location> locs, ResolverOptions o = {}) {
  GeoResolver resolver(MiniGazetteer(), o);
  auto tr = resolver.NewThreadResolver();
  Resolved r;
  r.record.persons.resize(1);
  r.record.persons[0].locations = std::move(locs);
  tr->Resolve(&r.record, &r.counts);
  return r;
}

TEST(GeoResolver, FillsCoordinatesAndCountsQualities) {
  Resolved r = Resolve({Loc("CH", "Zürich"), Loc("United Kingdom", "Cambridge"),
                        Loc("US", "", "1 Main St, Mountain View, CA 94043"), Loc("FR", "Atlantis"),
                        Loc("", "Atlantis")});
  const auto& l = r.record.persons[0].locations;
  EXPECT_TRUE(l[0].has_coords);
  EXPECT_EQ(l[0].lat_e5, 4736667);
  EXPECT_EQ(l[1].country, "GB");  // The name became its code.
  EXPECT_EQ(l[1].lat_e5, 5220000);
  EXPECT_TRUE(l[2].has_coords);
  EXPECT_FALSE(l[3].has_coords);  // Country only: stays unlocated by default.
  EXPECT_EQ(l[3].country, "FR");
  EXPECT_FALSE(l[4].has_coords);
  EXPECT_EQ(r.counts["exact"], 2u);
  EXPECT_EQ(r.counts["address_token"], 1u);
  EXPECT_EQ(r.counts["country_centroid"], 1u);
  EXPECT_EQ(r.counts["unresolved"], 1u);
}

TEST(GeoResolver, CountryCentroidsOnRequest) {
  ResolverOptions o;
  o.locate_country_centroids = true;
  Resolved r = Resolve({Loc("FR", "Atlantis")}, o);
  EXPECT_TRUE(r.record.persons[0].locations[0].has_coords);
  EXPECT_EQ(r.record.persons[0].locations[0].lat_e5, 4885341);  // Paris.
}

TEST(GeoResolver, GivenCoordinatesAreValidated) {
  Resolved r = Resolve({
      At(Loc("CA", "Waterloo"), 50.71469, 4.3991),  // Placed in Belgium: corrected.
      At(Loc("CA", "Nowhere"), 50.71469, 4.3991),   // Cannot be corrected: kept.
      At(Loc("BE", "Waterloo"), 50.71469, 4.3991),  // Fine.
      At(Loc("JP", "Tokyo"), 0, 0),                 // Placeholder: re-geocoded.
      At(Loc("JP", "Nowhere"), 0.0001, -0.0002),    // Placeholder without text: cleared.
  });
  const auto& l = r.record.persons[0].locations;
  EXPECT_EQ(l[0].lat_e5, 4346680);
  EXPECT_EQ(l[1].lat_e5, 5071469);
  EXPECT_EQ(l[2].lat_e5, 5071469);
  EXPECT_EQ(l[3].lat_e5, 3568950);
  EXPECT_FALSE(l[4].has_coords);
  EXPECT_EQ(r.counts["corrected_out_of_country"], 1u);
  EXPECT_EQ(r.counts["corrected_out_of_country_kept"], 1u);
  EXPECT_EQ(r.counts["corrected_null_island"], 2u);
  EXPECT_EQ(r.counts["given"], 2u);
  EXPECT_EQ(r.counts["exact"], 2u);
  EXPECT_EQ(r.counts["country_centroid"], 1u);
}

TEST(GeoResolver, ValidationCanBeTurnedOff) {
  ResolverOptions o;
  o.validate_coordinates = false;
  Resolved r = Resolve({At(Loc("JP", "Tokyo"), 0, 0)}, o);
  EXPECT_TRUE(r.record.persons[0].locations[0].has_coords);
  EXPECT_EQ(r.record.persons[0].locations[0].lat_e5, 0);
  EXPECT_EQ(r.counts["given"], 1u);
}

// Coordinates inside the named country are accepted as given whatever the
// spelling of its code; the code is normalised, as for an address.
TEST(GeoResolver, GivenCoordinatesKeepThemAndNormaliseTheCode) {
  Resolved r = Resolve({
      At(Loc("be", "Waterloo"), 50.71469, 4.3991),                         // Lower case.
      At(Loc("Be", ""), 50.71469, 4.3991), At(Loc("UK", ""), 52.2, 0.12),  // An alias of GB.
      At(Loc("Belgium", ""), 50.71469, 4.3991),
      At(Loc("ca", "Waterloo"), 50.71469, 4.3991),  // Lower case, out of its country.
      At(Loc("zz", ""), 50.71469, 4.3991),          // Unknown: kept as written.
  });
  const auto& l = r.record.persons[0].locations;
  for (int i : {0, 1, 3}) {
    SCOPED_TRACE(i);
    EXPECT_EQ(l[i].country, "BE");
    EXPECT_EQ(l[i].lat_e5, 5071469);
    EXPECT_EQ(l[i].lon_e5, 439910);
  }
  EXPECT_EQ(l[2].country, "GB");
  EXPECT_EQ(l[2].lat_e5, 5220000);
  EXPECT_EQ(l[4].country, "CA");
  EXPECT_EQ(l[4].lat_e5, 4346680);  // Corrected to Waterloo, Ontario.
  EXPECT_EQ(l[5].country, "zz");
  EXPECT_EQ(l[5].lat_e5, 5071469);
  EXPECT_EQ(r.counts["given"], 5u);
  EXPECT_EQ(r.counts["corrected_out_of_country"], 1u);
  EXPECT_EQ(r.counts.size(), 3u);  // given, exact and the correction.
}

// A record repeats locations (a Scopus affiliation once per author; more
// than the resolver remembers per record): every copy gets what the location
// gets alone, and every copy is counted.
TEST(GeoResolver, RepeatedLocationsResolveAsEachAlone) {
  std::vector<Location> kinds = {Loc("CH", "Zürich"),
                                 Loc("United Kingdom", "Cambridge"),
                                 Loc("US", "", "1 Main St, Mountain View, CA 94043"),
                                 Loc("FR", "Atlantis"),
                                 Loc("", "Atlantis"),
                                 At(Loc("CH", "Zürich"), 0, 0),
                                 At(Loc("CH", "Zürich"), 35.7, 139.7),  // Out of CH.
                                 At(Loc("JP", ""), 35.7, 139.7),
                                 At(Loc("JP", ""), 48.9, 2.3)};
  for (int i = 0; i < 20; ++i) kinds.push_back(Loc("CH", "Town " + std::to_string(i)));
  GeoResolver resolver(MiniGazetteer(), {});
  auto tr = resolver.NewThreadResolver();
  auto viewing = resolver.NewThreadResolver();  // The same through ResolveViews.
  for (int round = 0; round < 3; ++round) {     // The resolvers are reused across records.
    Record record;
    std::map<std::string, uint64_t> counts, want_counts;
    std::vector<Location> want;
    for (int p = 0; p < 12; ++p) {
      Person& person = record.persons.emplace_back();
      for (size_t k = (p * 7 + round) % kinds.size(), n = 0; n < 5;
           k = (k + 11) % kinds.size(), ++n) {
        person.locations.push_back(kinds[k]);
        Resolved alone = Resolve({kinds[k]});
        want.push_back(alone.record.persons[0].locations[0]);
        for (const auto& [key, n_key] : alone.counts) want_counts[key] += n_key;
      }
    }
    Record viewed;
    for (const Person& p : record.persons) viewed.person_views.Add(p);
    std::map<std::string, uint64_t> view_counts;
    ASSERT_TRUE(viewing->ResolveViews(&viewed.person_views, &view_counts));
    viewed.MaterialisePersonViews();
    tr->Resolve(&record, &counts);
    for (size_t p = 0; p < record.persons.size(); ++p) {
      EXPECT_EQ(viewed.persons[p].locations, record.persons[p].locations);
    }
    EXPECT_EQ(view_counts, want_counts);
    size_t i = 0;
    for (const Person& person : record.persons) {
      for (const Location& l : person.locations) {
        SCOPED_TRACE(i);
        const Location& w = want[i++];
        EXPECT_EQ(l.has_coords, w.has_coords);
        EXPECT_EQ(l.lat_e5, w.lat_e5);
        EXPECT_EQ(l.lon_e5, w.lon_e5);
        EXPECT_EQ(l.country, w.country);
        EXPECT_EQ(l.city, w.city);
        EXPECT_EQ(l.address, w.address);
      }
    }
    EXPECT_EQ(counts, want_counts);
  }
}

// A record whose persons are views is resolved in place: the views then
// show what Resolve leaves in the Record's own form, and the counts are
// Resolve's. Every pair and some triples of candidates (given, corrected,
// geocoded from text, unresolved, repeated), with and without validation.
TEST(GeoResolver, ResolveViewsAgreesWithResolve) {
  const std::vector<Location> candidates = {
      At(Loc("BE", "Waterloo"), 50.71469, 4.3991),  // Given as is.
      At(Loc("BE", ""), 50.8, 4.4),                 // Given as is.
      At(Loc("be", "Waterloo"), 50.71469, 4.3991),  // The code changes case.
      At(Loc("UK", ""), 52.2, 0.12),                // An alias: becomes GB.
      At(Loc("CA", "Waterloo"), 50.71469, 4.3991),  // Out of its country.
      At(Loc("JP", "Tokyo"), 0, 0),                 // Null island.
      At(Loc("CA", "Waterloo"), 0, 0),              // The same text as two above.
      At(Loc("", "Tokyo"), 35.6895, 139.69171),     // No country to check.
      Loc("CH", "Zürich"),                          // Geocoded.
      Loc("United Kingdom", "Cambridge"),           // A country name: becomes GB.
      Loc("", "Cambridge"),                         // Found, country filled in.
      Loc("FR", "Atlantis"),                        // Unresolved.
      Loc("Narnia", "Cair Paravel"),                // Unknown country, kept.
      Loc("US", "", "1 Main St, Mountain View, CA 94043"),
  };
  std::vector<std::vector<size_t>> records;
  for (size_t i = 0; i < candidates.size(); ++i) {
    for (size_t j = 0; j < candidates.size(); ++j) records.push_back({i, j});
    records.push_back({i, 8, i});  // A repeat after another: from the memo.
  }
  size_t changed = 0;
  for (bool validate : {true, false}) {
    ResolverOptions o;
    o.validate_coordinates = validate;
    GeoResolver resolver(MiniGazetteer(), o);
    auto viewing = resolver.NewThreadResolver();
    auto owning = resolver.NewThreadResolver();
    // Each candidate resolved alone: what every copy in a record must get.
    std::vector<Location> alone;
    std::vector<std::map<std::string, uint64_t>> alone_counts;
    for (const Location& c : candidates) {
      Record r;
      r.AddPerson().locations = {c};
      resolver.NewThreadResolver()->Resolve(&r, &alone_counts.emplace_back());
      alone.push_back(r.persons[0].locations[0]);
    }
    for (const std::vector<size_t>& ks : records) {
      SCOPED_TRACE(::testing::PrintToString(ks) + (validate ? " validated" : " not validated"));
      Record record;
      for (size_t k : ks) record.AddPerson().locations = {candidates[k]};
      Record viewed;
      for (const Person& p : record.persons) viewed.person_views.Add(p);
      using Counts = std::map<std::string, uint64_t>;
      Counts view_counts, counts;
      ASSERT_TRUE(viewing->ResolveViews(&viewed.person_views, &view_counts));
      const std::vector<Person> before = record.persons;
      owning->Resolve(&record, &counts);
      viewed.MaterialisePersonViews();  // Before the resolvers' next call.
      EXPECT_EQ(view_counts, counts);
      Counts want_counts;
      for (size_t k : ks) {
        for (const auto& [key, n] : alone_counts[k]) want_counts[key] += n;
      }
      EXPECT_EQ(counts, want_counts);
      ASSERT_EQ(viewed.persons.size(), record.persons.size());
      for (size_t k = 0; k < record.persons.size(); ++k) {
        EXPECT_EQ(viewed.persons[k].name, record.persons[k].name);
        EXPECT_EQ(viewed.persons[k].locations, record.persons[k].locations);
        EXPECT_EQ(record.persons[k].locations[0], alone[ks[k]]);
        changed += record.persons[k].locations != before[k].locations;
      }
    }
  }
  EXPECT_GT(changed, 100u);  // Most records had a location resolved or corrected.
}

}  // namespace
}  // namespace stc::geo
