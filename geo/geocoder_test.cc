#include "geo/geocoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "geo/test_gazetteer.h"

namespace stc::geo {
namespace {

using testing::MiniGazetteer;

struct Got {
  std::string name, country, admin1;
  MatchQuality quality;
};

Got Geo(GeoQuery q) {
  Geocoder g(MiniGazetteer());
  GeoResult r = g.Geocode(q);
  Got got{"", std::string(r.country_code()), "", r.quality};
  if (r.place != nullptr) {
    got.name = r.place->ascii_name();
    got.admin1 = r.place->admin1();
    EXPECT_EQ(r.lat_e5, r.place->lat_e5());
  }
  return got;
}
Got City(std::string_view country, std::string_view city) {
  return Geo({country, city, "", "", ""});
}
Got Addr(std::string_view country, std::string_view address) {
  return Geo({country, "", address, "", ""});
}

TEST(Geocoder, QualityNames) {
  EXPECT_EQ(MatchQualityName(MatchQuality::kExact), "exact");
  EXPECT_EQ(MatchQualityName(MatchQuality::kAddressToken), "address_token");
  EXPECT_EQ(MatchQualityName(MatchQuality::kCountryCentroid), "country_centroid");
  EXPECT_EQ(MatchQualityName(MatchQuality::kUnresolved), "unresolved");
}

TEST(Geocoder, CityAndCountryExactAlternateFuzzy) {
  Got g = City("CH", "Zürich");
  EXPECT_EQ(g.name, "Zurich");
  EXPECT_EQ(g.quality, MatchQuality::kExact);
  EXPECT_EQ(City("CH", "ZURICH").quality, MatchQuality::kExact);  // The ASCII name.
  EXPECT_EQ(City("CH", "Zurigo").quality, MatchQuality::kAlternate);
  EXPECT_EQ(City("DE", "München").name, "Munich");
  EXPECT_EQ(City("DE", "München").quality, MatchQuality::kAlternate);
  EXPECT_EQ(City("JP", "Kawasaki-shi").name, "Kawasaki");
  EXPECT_EQ(City("FR", "Paris Cedex 16").quality, MatchQuality::kFuzzy);
  EXPECT_EQ(City("FR", "Paris Cedex 16").name, "Paris");
  EXPECT_EQ(City("FR", "ST-ETIENNE").name, "Saint-Etienne");
}

TEST(Geocoder, CountryNamesAndCodes) {
  EXPECT_EQ(City("Korea, Republic of", "Suwon").name, "Suwon");
  EXPECT_EQ(City("Korea, Republic of", "Suwon").country, "KR");
  EXPECT_EQ(City("United Kingdom", "Cambridge").country, "GB");
  EXPECT_EQ(City("USA", "Cambridge").admin1, "MA");
  EXPECT_EQ(City("Viet Nam", "Ha Noi").name, "Hanoi");
}

TEST(Geocoder, AmbiguousNamesFollowTheCountry) {
  EXPECT_EQ(City("GB", "Cambridge").country, "GB");
  EXPECT_EQ(City("US", "Cambridge").admin1, "MA");
  EXPECT_EQ(City("CA", "Waterloo").country, "CA");  // "CA" as a country is Canada.
  EXPECT_EQ(City("BE", "Waterloo").country, "BE");
  EXPECT_EQ(City("US", "Waterloo").admin1, "IA");
  EXPECT_EQ(City("", "Paris").country, "FR");  // No country: most populous.
}

TEST(Geocoder, UsStateInTheText) {
  Got g = Addr("US", "1600 Amphitheatre Parkway, Mountain View, CA 94043");
  EXPECT_EQ(g.name, "Mountain View");
  EXPECT_EQ(g.admin1, "CA");
  EXPECT_EQ(g.quality, MatchQuality::kAddressToken);
  EXPECT_EQ(Addr("US", "Mountain View, Arkansas").admin1, "AR");
  EXPECT_EQ(City("US", "Cambridge, MD").admin1, "MD");
  EXPECT_EQ(Geo({"US", "Cambridge", "", "", "Maryland"}).admin1, "MD");
  EXPECT_EQ(Addr("US", "Washington, DC 20001").name, "Washington");
}

TEST(Geocoder, FreeTextAddresses) {
  EXPECT_EQ(Addr("CN", "Nanshan District, Shenzhen, Guangdong 518057").name, "Shenzhen");
  EXPECT_EQ(Addr("DE", "Carl-Zeiss-Str. 22, 73447 Oberkochen").name, "Oberkochen");
  EXPECT_EQ(Addr("DE", "Werner-von-Siemens-Str. 1, 80333 München").name, "Munich");
  EXPECT_EQ(Addr("FR", "12 rue de Paris, 42000 Saint-Etienne").name, "Saint-Etienne");
  EXPECT_EQ(Addr("KR", "Yeongtong-gu, Suwon-si, Gyeonggi-do 16677").name, "Suwon");
  EXPECT_EQ(Addr("AD", "Carrer Major 3, AD600 Sant Julià de Lòria").name, "Sant Julia de Loria");
  EXPECT_EQ(Addr("GB", "Trinity Lane, Cambridge CB2 1TN").name, "Cambridge");
  EXPECT_EQ(Addr("JP", "Kawasaki-shi, Kanagawa 210-0001").name, "Kawasaki");
  EXPECT_EQ(Addr("CN", "深圳市").name, "Shenzhen");
}

TEST(Geocoder, CountryFromTheTextAndCentroid) {
  Got g = Addr("", "Department of Physics, University of Tokyo, Tokyo, Japan");
  EXPECT_EQ(g.name, "Tokyo");
  EXPECT_EQ(g.country, "JP");
  g = Addr("", "Somewhere 5, 3000 Unknownville, Belgium");
  EXPECT_EQ(g.quality, MatchQuality::kCountryCentroid);
  EXPECT_EQ(g.name, "Brussels");
  EXPECT_EQ(City("FR", "Atlantis").quality, MatchQuality::kCountryCentroid);
  g = City("", "Atlantis");
  EXPECT_EQ(g.quality, MatchQuality::kUnresolved);
  EXPECT_EQ(g.country, "");
  EXPECT_EQ(Geo({}).quality, MatchQuality::kUnresolved);
}

TEST(Geocoder, StreetAndInstitutionWordsDoNotWin) {
  // "Paris" names a street here; the city is Oberkochen.
  EXPECT_EQ(Addr("DE", "Paris Strasse 5, 73447 Oberkochen").name, "Oberkochen");
  EXPECT_EQ(Addr("US", "Cambridge Street, Waterloo").name, "Waterloo");
}

TEST(Geocoder, CacheReturnsTheSameAnswer) {
  Geocoder g(MiniGazetteer());
  GeoQuery q{"US", "", "Mountain View, CA 94043", "", ""};
  GeoResult a = g.Geocode(q), b = g.Geocode(q);
  EXPECT_EQ(a.place, b.place);
  EXPECT_EQ(g.cache_hits(), 1u);
  EXPECT_EQ(g.cache_misses(), 1u);
  GeocoderOptions small;
  small.cache_entries = 1;
  Geocoder tiny(MiniGazetteer(), small);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(tiny.Geocode({"GB", "Cambridge", "", "", ""}).place->country(), "GB");
    EXPECT_EQ(tiny.Geocode({"US", "Cambridge", "", "", ""}).place->country(), "US");
  }
}

}  // namespace
}  // namespace stc::geo

namespace stc::geo {
namespace {

// The cache returns what the uncached path does, also across evictions
// (a cache of 2 entries emptied every third distinct query).
TEST(Geocoder, CacheAgreesWithUncachedAcrossEvictions) {
  GeocoderOptions o;
  o.cache_entries = 2;
  Geocoder cached(testing::MiniGazetteer(), o);
  Geocoder plain(testing::MiniGazetteer(), GeocoderOptions{0});
  const GeoQuery qs[] = {{"CH", "Zürich", "", "", ""},
                         {"DE", "München", "", "", ""},
                         {"", "", "1 Main St, Mountain View, CA 94043, USA", "", ""},
                         {"FR", "Atlantis", "", "", ""}};
  uint64_t calls = 0;
  for (int round = 0; round < 3; ++round) {
    for (const GeoQuery& q : qs) {
      for (int rep = 0; rep < 2; ++rep) {
        GeoResult a = cached.Geocode(q), b = plain.Geocode(q);
        ++calls;
        EXPECT_EQ(a.place, b.place);
        EXPECT_EQ(a.quality, b.quality);
        EXPECT_EQ(a.country_code(), b.country_code());
      }
    }
  }
  EXPECT_EQ(cached.cache_hits() + cached.cache_misses(), calls);
  EXPECT_EQ(cached.cache_hits(), calls / 2);  // Each query's second ask.
}

// The cache's table starts small and grows as entries come (1,024 slots,
// doubled when half full): what was cached before a growth is found after
// it, with the same answer as the uncached path.
TEST(Geocoder, CacheFindsItsEntriesAfterItGrows) {
  Geocoder cached(testing::MiniGazetteer());
  Geocoder plain(testing::MiniGazetteer(), GeocoderOptions{0});
  const GeoQuery places[] = {{"CH", "Zürich", "", "", ""},
                             {"DE", "München", "", "", ""},
                             {"US", "Cambridge", "", "", ""},
                             {"", "", "1 Main St, Mountain View, CA 94043, USA", "", ""}};
  std::vector<std::string> towns;
  for (int i = 0; i < 5000; ++i) towns.push_back("Nowhere " + std::to_string(i));
  auto ask = [&](const GeoQuery& q) {
    GeoResult a = cached.Geocode(q), b = plain.Geocode(q);
    EXPECT_EQ(a.place, b.place) << q.city << q.address;
    EXPECT_EQ(a.quality, b.quality) << q.city << q.address;
    EXPECT_EQ(a.country_code(), b.country_code()) << q.city << q.address;
  };
  // Each query twice in a row (a miss, then a hit: a useful cache, never
  // set aside), then all of them again.
  for (const GeoQuery& q : places) ask(q), ask(q);
  for (const std::string& t : towns) ask({"GB", t, "", "", ""}), ask({"GB", t, "", "", ""});
  for (const GeoQuery& q : places) ask(q);
  for (const std::string& t : towns) ask({"GB", t, "", "", ""});
  const uint64_t distinct = std::size(places) + towns.size();  // 5,004: the table grew 4 times.
  EXPECT_EQ(cached.cache_misses(), distinct);
  EXPECT_EQ(cached.cache_hits(), 2 * distinct);
  EXPECT_EQ(cached.cache_bypassed(), 0u);
}

// A cache that hardly ever hits (every query new, as street addresses are)
// is set aside for a while, then tried again: the answers stay those of the
// full search, and a cache that hits again is kept.
TEST(Geocoder, UselessCacheIsSetAsideAndTriedAgain) {
  Geocoder cached(testing::MiniGazetteer());
  Geocoder plain(testing::MiniGazetteer(), GeocoderOptions{0});
  auto ask = [&](const GeoQuery& q) {
    GeoResult a = cached.Geocode(q), b = plain.Geocode(q);
    ASSERT_EQ(a.place, b.place) << q.city << " | " << q.address;
    ASSERT_EQ(a.quality, b.quality) << q.city << " | " << q.address;
  };
  // 4,096 new streets: judged useless, the next 4,096 queries skip it.
  std::vector<std::string> streets;
  for (int i = 0; i < 3 * 4096; ++i) {
    streets.push_back(std::to_string(i) + " Garden Road, Cambridge, MA 02139");
  }
  for (int i = 0; i < 4096; ++i) ask({"US", "Cambridge", streets[i], "", ""});
  EXPECT_EQ(cached.cache_misses(), 4096u);
  EXPECT_EQ(cached.cache_bypassed(), 0u);
  for (int i = 4096; i < 2 * 4096; ++i) ask({"US", "Cambridge", streets[i], "", ""});
  EXPECT_EQ(cached.cache_misses(), 4096u);
  EXPECT_EQ(cached.cache_bypassed(), 4096u);
  // Tried again: another 4,096 misses without hits set it aside for twice
  // as long.
  for (int i = 2 * 4096; i < 3 * 4096; ++i) ask({"US", "Cambridge", streets[i], "", ""});
  EXPECT_EQ(cached.cache_misses(), 2 * 4096u);
  for (int i = 0; i < 2 * 4096; ++i) ask({"US", "Cambridge", streets[i], "", ""});
  EXPECT_EQ(cached.cache_bypassed(), 3 * 4096u);
  EXPECT_EQ(cached.cache_misses(), 2 * 4096u);
  // Back in use, with a few places asked again and again: it stays.
  const GeoQuery few[] = {{"CH", "Zürich", "", "", ""}, {"GB", "Cambridge", "", "", ""}};
  for (int i = 0; i < 5 * 4096; ++i) {
    if (i % 4 == 0) {
      ask({"US", "Cambridge", std::to_string(i) + " Elm St, Cambridge, MA", "", ""});
    } else {
      ask(few[i % 2]);
    }
  }
  EXPECT_EQ(cached.cache_bypassed(), 3 * 4096u);
  EXPECT_GT(cached.cache_hits(), 3 * 4096u);
}

// The memo of city-field matches: one city beside addresses that prefer
// other regions, other countries, or none, asked through the cache (so the
// memo answers every repeat of a city) and without it. Cambridge is in
// England, Massachusetts and Maryland; Paris in France and Texas; Waterloo
// in Canada, Belgium and Iowa; Mountain View in California and Arkansas.
TEST(Geocoder, CityMemoAgreesWithTheFullSearch) {
  const std::string_view countries[] = {"",   "US", "GB",       "FR",
                                        "CA", "BE", "Atlantis", "United States"};
  const std::string_view cities[] = {
      "Cambridge",           "Paris",        "Waterloo", "Mountain View",  "Mountain View, CA",
      "Zürich, Switzerland", "Kawasaki-shi", "Nowhere",  "City of London", "Cedex"};
  const std::string_view addresses[] = {"",
                                        "1 Main St, Cambridge, MA 02139",
                                        "2 Harbor Rd, Baltimore, MD 21201",
                                        "10 High St, Cambridge CB2 1TN, UK",
                                        "5 Elm St, Paris, TX 75460",
                                        "Rue de Rivoli, 75001 Paris, France",
                                        "Waterloo, Ontario, Canada",
                                        "12 Oak Ave, Mountain View, AR 72560",
                                        "Main Street, Iowa"};
  const std::string_view states[] = {"", "MD", "Texas"};
  for (size_t capacity : {size_t{1} << 16, size_t{3}}) {  // 3: both emptied again and again.
    GeocoderOptions o;
    o.cache_entries = capacity;
    Geocoder memo(testing::MiniGazetteer(), o);
    Geocoder full(testing::MiniGazetteer(), GeocoderOptions{0});
    size_t compared = 0, placed = 0;
    for (int round = 0; round < 2; ++round) {
      for (std::string_view country : countries) {
        for (std::string_view city : cities) {
          for (std::string_view address : addresses) {
            for (std::string_view state : states) {
              const GeoQuery q{country, city, address, "", state};
              const GeoResult a = memo.Geocode(q), b = full.GeocodeUncached(q);
              const std::string what = std::string(country) + " | " + std::string(city) + " | " +
                                       std::string(address) + " | " + std::string(state);
              ASSERT_EQ(a.place, b.place) << what;
              EXPECT_EQ(a.quality, b.quality) << what;
              EXPECT_EQ(a.country_code(), b.country_code()) << what;
              EXPECT_EQ(a.lat_e5, b.lat_e5) << what;
              EXPECT_EQ(a.lon_e5, b.lon_e5) << what;
              ++compared;
              placed += b.place != nullptr;
            }
          }
        }
      }
    }
    EXPECT_EQ(compared, 2u * 8 * 10 * 9 * 3);
    EXPECT_GT(placed, compared / 2);
  }
  // The region the address prefers picks among the same city's places.
  Geocoder g(testing::MiniGazetteer());
  EXPECT_EQ(g.address_skipped(), 0u);
  EXPECT_EQ(
      g.Geocode({"US", "Cambridge", "1 Main St, Cambridge, MA 02139", "", ""}).place->admin1(),
      "MA");
  EXPECT_EQ(
      g.Geocode({"US", "Cambridge", "2 Harbor Rd, Baltimore, MD 21201", "", ""}).place->admin1(),
      "MD");
  EXPECT_EQ(g.address_skipped(), 0u);  // Two candidates in the US: the address counts.
}

// A city with a single candidate in its country is answered without its
// address once matched (the query cache cannot: the addresses differ), and
// the answer is the full search's; a city with several is never.
TEST(Geocoder, CityWithOneCandidateSkipsTheAddress) {
  Geocoder g(testing::MiniGazetteer());
  Geocoder full(testing::MiniGazetteer(), GeocoderOptions{0});
  const std::string_view addresses[] = {"1 rue de Rivoli", "5 Elm St, Paris, TX 75460",
                                        "Waterloo, Ontario, Canada", ""};
  for (std::string_view address : addresses) {
    const GeoQuery q{"FR", "Paris", address, "", ""};
    const GeoResult a = g.Geocode(q), b = full.GeocodeUncached(q);
    ASSERT_NE(a.place, nullptr);
    EXPECT_EQ(a.place, b.place) << address;
    EXPECT_EQ(a.quality, b.quality) << address;
    EXPECT_EQ(a.place->country(), "FR");
  }
  EXPECT_EQ(g.address_skipped(), 3u);  // All but the first.
  // A state given, or no country given: the full search (the memo of the
  // city under its region) as before.
  g.Geocode({"FR", "Paris", "6 rue X", "", "Ile-de-France"});
  g.Geocode({"", "Paris", "7 rue X", "", ""});
  EXPECT_EQ(g.address_skipped(), 3u);
  // Several candidates in the country (Cambridge MA and MD): never skipped.
  for (int i = 0; i < 3; ++i) {
    g.Geocode({"US", "Cambridge", "1 Main St " + std::to_string(i) + ", Cambridge, MA", "", ""});
  }
  EXPECT_EQ(g.address_skipped(), 3u);
}

}  // namespace
}  // namespace stc::geo
