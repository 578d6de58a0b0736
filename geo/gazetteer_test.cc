#include "geo/gazetteer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "geo/gazetteer_builder.h"
#include "geo/gazetteer_format.h"
#include "geo/normalize.h"
#include "geo/test_gazetteer.h"

namespace stc::geo {
namespace {

using testing::MiniGazetteer;
using testing::MiniIndexBytes;

const Place* First(const Gazetteer& g, std::string_view name, std::string_view cc = "") {
  const format::KeyRecord* k = g.FindKey(NormalizeKey(name));
  if (k == nullptr) return nullptr;
  auto ps = g.Postings(k, cc);
  return ps.empty() ? nullptr : &g.place(Gazetteer::PlaceOf(ps[0]));
}

TEST(GazetteerBuilder, CountsAndSkipsBadLines) {
  GazetteerBuildStats st;
  std::string bytes = MiniIndexBytes(&st);
  EXPECT_EQ(st.places, 34u);
  EXPECT_EQ(st.lines_skipped, 1u);
  EXPECT_EQ(st.bytes, bytes.size());
  EXPECT_EQ(bytes, MiniIndexBytes()) << "the build is deterministic";
}

TEST(GazetteerBuilder, RejectsBadCountryTables) {
  auto r = BuildGazetteerIndex({"", "{}", "[]"});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
}

TEST(Gazetteer, PlaceFields) {
  const Gazetteer& g = MiniGazetteer();
  const Place* z = First(g, "zurich");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->geoname_id(), 2657896u);
  EXPECT_EQ(z->name(), "Zürich");
  EXPECT_EQ(z->ascii_name(), "Zurich");
  EXPECT_EQ(z->country(), "CH");
  EXPECT_EQ(z->admin1(), "ZH");
  EXPECT_EQ(z->lat_e5(), 4736667);
  EXPECT_EQ(z->lon_e5(), 855000);
  EXPECT_EQ(z->population(), 341730u);
  EXPECT_EQ(z->feature(), Feature::kAdmin1Seat);
}

TEST(Gazetteer, NameLookupByCountryAndPopulation) {
  const Gazetteer& g = MiniGazetteer();
  EXPECT_EQ(First(g, "Cambridge")->country(), "GB");  // Most populous overall.
  EXPECT_EQ(First(g, "Cambridge", "US")->admin1(), "MA");
  EXPECT_EQ(First(g, "Waterloo", "CA")->admin1(), "08");
  EXPECT_EQ(First(g, "Waterloo", "BE")->admin1(), "WAL");
  EXPECT_EQ(First(g, "Waterloo", "FR"), nullptr);
  EXPECT_EQ(First(g, "München")->name(), "Munich");  // Alternate name.
  EXPECT_EQ(First(g, "Nowhere"), nullptr);
}

TEST(Gazetteer, PrefixesOfMultiWordNames) {
  const Gazetteer& g = MiniGazetteer();
  const format::KeyRecord* k = g.FindKey("sant julia");
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(Gazetteer::IsPrefix(k));
  EXPECT_EQ(k->postings_count, 0u);
  EXPECT_NE(First(g, "Sant Julia de Loria"), nullptr);
}

TEST(Gazetteer, CodesAndHistoricalPlacesAreNotNames) {
  const Gazetteer& g = MiniGazetteer();
  EXPECT_EQ(g.FindKey("la"), nullptr);  // "LA" is a code of Los Angeles.
  EXPECT_EQ(g.FindKey("lax"), nullptr);
  EXPECT_EQ(g.FindKey("l a"), nullptr);  // "L.A." too.
  EXPECT_NE(g.FindKey("los angeles"), nullptr);
  EXPECT_EQ(First(g, "Oldtown"), nullptr);
}

TEST(Gazetteer, DerivedVariants) {
  const Gazetteer& g = MiniGazetteer();
  EXPECT_EQ(First(g, "St Etienne")->geoname_id(), 2980291u);
  EXPECT_EQ(First(g, "Kawasaki")->country(), "JP");
}

TEST(Gazetteer, Countries) {
  const Gazetteer& g = MiniGazetteer();
  EXPECT_EQ(g.CountryCode("CA"), "CA");
  EXPECT_EQ(g.CountryCode("ca"), "CA");
  EXPECT_EQ(g.CountryCode("CAN"), "CA");
  EXPECT_EQ(g.CountryCode("Korea, Republic of"), "KR");
  EXPECT_EQ(g.CountryCode("korea"), "KR");  // Our alias.
  EXPECT_EQ(g.CountryCode("Viet Nam"), "VN");
  EXPECT_EQ(g.CountryCode(" United Kingdom "), "GB");
  EXPECT_EQ(g.CountryCode("England"), "GB");
  EXPECT_EQ(g.CountryCode("P.R. China"), "CN");
  EXPECT_EQ(g.CountryCode("Atlantis"), "");
  EXPECT_EQ(g.CountryCode("XX"), "");
  CountryInfo ca = g.Country("CA");
  EXPECT_EQ(ca.iso3, "CAN");
  EXPECT_EQ(ca.name, "Canada");
  ASSERT_NE(ca.capital, nullptr);
  EXPECT_EQ(ca.capital->name(), "Ottawa");
  EXPECT_EQ(g.Country("ZZ").capital, nullptr);
}

// Every two-byte code, against a linear scan of the index's country table
// (upper-cased ASCII letters, the first record of a code).
TEST(Gazetteer, CountryOfEveryTwoByteCodeMatchesALinearScan) {
  const std::string bytes = MiniIndexBytes();
  format::Header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  std::vector<format::CountryRecord> table(h.country_count);
  std::memcpy(table.data(), bytes.data() + h.sections[format::kCountries].offset,
              table.size() * sizeof(format::CountryRecord));
  ASSERT_GT(table.size(), 5u);
  const Gazetteer& g = MiniGazetteer();
  int found = 0;
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const char code[2] = {static_cast<char>(a), static_cast<char>(b)};
      auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
      std::string_view want;
      for (const format::CountryRecord& r : table) {
        if (r.iso2[0] == upper(code[0]) && r.iso2[1] == upper(code[1])) {
          want = std::string_view(r.iso2, 2);
          break;
        }
      }
      ASSERT_EQ(g.Country(std::string_view(code, 2)).iso2, want) << a << " " << b;
      found += !want.empty();
    }
  }
  EXPECT_EQ(found, 4 * static_cast<int>(table.size()));  // Each code in 4 cases.
}

TEST(Gazetteer, CountryFootprint) {
  const Gazetteer& g = MiniGazetteer();
  EXPECT_TRUE(g.InCountryFootprint("BE", 5071469, 439910));   // Waterloo, BE.
  EXPECT_FALSE(g.InCountryFootprint("CA", 5071469, 439910));  // ... is not in Canada.
  EXPECT_TRUE(g.InCountryFootprint("CA", 4346680, -8051639));
  EXPECT_TRUE(g.InCountryFootprint("CA", 4500000, -7700000));  // Within the margin.
  EXPECT_TRUE(g.InCountryFootprint("ZZ", 0, 0));               // Unknown: not checked.
}

// Every 1-degree cell for every country, against the footprint's definition
// (cells within 2 of a place's cell) computed from the places: shared cells
// (Belgium, France, Germany, Switzerland; Canada and the US) included.
TEST(Gazetteer, CountryFootprintMatchesItsDefinitionEverywhere) {
  const Gazetteer& g = MiniGazetteer();
  std::map<std::string, std::set<int>> want;
  for (uint32_t i = 0; i < g.size(); ++i) {
    const Place& p = g.place(i);
    int r0 = std::clamp((p.lat_e5() + 9000000) / 100000, 0, 179);
    int c0 = std::clamp((p.lon_e5() + 18000000) / 100000, 0, 359);
    for (int dr = -2; dr <= 2; ++dr) {
      for (int dc = -2; dc <= 2; ++dc) {
        if (r0 + dr < 0 || r0 + dr >= 180) continue;
        want[std::string(p.country())].insert((r0 + dr) * 360 + ((c0 + dc) % 360 + 360) % 360);
      }
    }
  }
  ASSERT_GE(want.size(), 10u);
  std::map<int, int> countries_of_cell;
  for (const auto& [cc, cells] : want) {
    for (int cell : cells) ++countries_of_cell[cell];
  }
  int shared = 0;
  for (const auto& [cell, n] : countries_of_cell) shared += n > 1;
  EXPECT_GT(shared, 10);
  int inside = 0;
  for (const auto& [cc, cells] : want) {
    std::string lower = {static_cast<char>(cc[0] + 32), static_cast<char>(cc[1] + 32)};
    for (int row = 0; row < 180; ++row) {
      for (int col = 0; col < 360; ++col) {
        // A point inside the cell, off its edges.
        int32_t lat = (row - 90) * 100000 + 37000, lon = (col - 180) * 100000 + 61000;
        bool expected = cells.count(row * 360 + col) != 0;
        ASSERT_EQ(g.InCountryFootprint(cc, lat, lon), expected) << cc << " " << row << " " << col;
        ASSERT_EQ(g.InCountryFootprint(lower, lat, lon), expected) << lower;
        inside += expected;
      }
    }
  }
  EXPECT_GT(inside, 300);
}

TEST(Gazetteer, PlacesWithinAndNearest) {
  const Gazetteer& g = MiniGazetteer();
  // Around San Francisco Bay: San Jose and Mountain View, most populous first.
  auto near = g.PlacesWithin(37.5, -122.2, 60);
  ASSERT_EQ(near.size(), 2u);
  EXPECT_EQ(near[0]->name(), "San Jose");
  EXPECT_EQ(near[1]->name(), "Mountain View");
  EXPECT_EQ(g.PlacesWithin(37.5, -122.2, 60, 100000).size(), 1u);
  EXPECT_TRUE(g.PlacesWithin(0, -150, 500).empty());
  const Place* p = g.Nearest(37.39, -122.08, 50);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name(), "Mountain View");
  EXPECT_EQ(p->admin1(), "CA");
  EXPECT_EQ(g.Nearest(0, -150, 1000), nullptr);
  // Across the antimeridian and near a pole nothing breaks.
  EXPECT_TRUE(g.PlacesWithin(0, 179.9, 300).empty());
  EXPECT_TRUE(g.PlacesWithin(89.9, 0, 300).empty());
  EXPECT_NEAR(DistanceKm(48.85341, 2.3488, 51.50853, -0.12574), 343.5, 1.0);
}

// PrincipalPlaceWithin against its definition (the first kept place of
// PlacesWithin) on a dense random gazetteer: ties of population and feature,
// sections and historical places, the antimeridian.
TEST(Gazetteer, PrincipalPlaceWithinIsTheFirstKeptPlaceWithin) {
  std::mt19937 rng(5);
  const char* const codes[] = {"PPLC", "PPLA", "PPLA2", "PPL", "PPL", "PPLX", "PPLH"};
  const double centres[][2] = {{51.5, -0.1}, {40.7, -74.0}, {-17.8, 179.9}};
  std::string tsv;
  for (int i = 0; i < 3000; ++i) {
    const double* c = centres[i % 3];
    const double lat = c[0] + std::uniform_real_distribution<double>(-0.3, 0.3)(rng);
    double lon = c[1] + std::uniform_real_distribution<double>(-0.4, 0.4)(rng);
    if (lon > 180) lon -= 360;
    const unsigned population = 500 * (1 + rng() % 12);  // Many ties.
    tsv += std::to_string(100000 + i) + "\tP" + std::to_string(i) + "\tP" + std::to_string(i) +
           "\t\t" + std::to_string(lat) + "\t" + std::to_string(lon) + "\tP\t" + codes[rng() % 7] +
           "\t" + (i % 3 == 1 ? "US" : "GB") + "\t\t01\t\t\t\t" + std::to_string(population) +
           "\t\t10\tEtc/UTC\t2024-01-01\n";
  }
  const std::string en = testing::ReadTestData("mini_en.json");
  const std::string codes_json = testing::ReadTestData("mini_codes.json");
  auto bytes = BuildGazetteerIndex({tsv, en, codes_json});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto g = Gazetteer::FromBytes(std::move(*bytes));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ((*g)->size(), 3000u);
  int found = 0;
  for (int q = 0; q < 3000; ++q) {
    const double* c = centres[q % 3];
    const double lat = c[0] + std::uniform_real_distribution<double>(-0.5, 0.5)(rng);
    double lon = c[1] + std::uniform_real_distribution<double>(-0.6, 0.6)(rng);
    if (lon > 180) lon -= 360;
    const double radius = std::uniform_real_distribution<double>(0.5, 20)(rng);
    const Place* expected = nullptr;
    for (const Place* p : (*g)->PlacesWithin(lat, lon, radius)) {
      if (p->feature() != Feature::kSection && p->feature() != Feature::kHistorical) {
        expected = p;
        break;
      }
    }
    ASSERT_EQ((*g)->PrincipalPlaceWithin(lat, lon, radius), expected)
        << lat << "," << lon << " r=" << radius;
    found += expected != nullptr;
  }
  EXPECT_GT(found, 1500);
  EXPECT_LT(found, 3000);
  EXPECT_EQ((*g)->PrincipalPlaceWithin(0, -150, 500), nullptr);
  EXPECT_EQ((*g)->PrincipalPlaceWithin(51.5, -0.1, -1), nullptr);
}

// At the radius's edge PrincipalPlaceWithin decides as DistanceKm does: a
// place a hair inside the radius is found, one a hair outside is not, at any
// latitude (its chord pre-check must leave those cases to DistanceKm).
TEST(Gazetteer, PrincipalPlaceWithinDecidesTheEdgeAsDistanceKm) {
  const double places[][2] = {{51.5, -0.1}, {78.2, 15.6}, {-33.9, 151.2}, {-17.8, 179.95}};
  std::string tsv;
  for (int i = 0; i < 4; ++i) {
    tsv += std::to_string(200000 + i) + "\tQ" + std::to_string(i) + "\tQ" + std::to_string(i) +
           "\t\t" + std::to_string(places[i][0]) + "\t" + std::to_string(places[i][1]) +
           "\tP\tPPL\tGB\t\t01\t\t\t\t1000\t\t10\tEtc/UTC\t2024-01-01\n";
  }
  auto bytes = BuildGazetteerIndex(
      {tsv, testing::ReadTestData("mini_en.json"), testing::ReadTestData("mini_codes.json")});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto g = Gazetteer::FromBytes(std::move(*bytes));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  std::mt19937 rng(17);
  int inside = 0, outside = 0;
  for (int q = 0; q < 4000; ++q) {
    const Place& p = (*g)->place(static_cast<uint32_t>(q % 4));
    const double lat = p.lat() + std::uniform_real_distribution<double>(-0.1, 0.1)(rng);
    double lon = p.lon() + std::uniform_real_distribution<double>(-0.1, 0.1)(rng);
    if (lon > 180) lon -= 360;
    const double d = DistanceKm(lat, lon, p.lat(), p.lon());
    const double rel[] = {-1e-6, -1e-10, 0, 1e-10, 1e-6};
    const double radius = d * (1 + rel[q % 5]);
    const bool within = d <= radius;
    inside += within;
    outside += !within;
    EXPECT_EQ((*g)->PrincipalPlaceWithin(lat, lon, radius), within ? &p : nullptr)
        << lat << "," << lon << " d=" << d << " r=" << radius;
  }
  EXPECT_GT(inside, 1000);
  EXPECT_GT(outside, 1000);
}

TEST(Gazetteer, RejectsAnOldIndexVersion) {
  std::string bytes = MiniIndexBytes();
  format::Header h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  ASSERT_EQ(h.version, 2u);
  h.version = 1;  // Version 1 kept keys and postings in separate sections.
  std::memcpy(bytes.data(), &h, sizeof(h));
  auto r = Gazetteer::FromBytes(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("version 2"), std::string::npos);
  EXPECT_NE(r.status().message().find("scripts/setup"), std::string::npos);
}

TEST(Gazetteer, KeyBlocksHoldKeyAndPostingsInline) {
  const Gazetteer& g = MiniGazetteer();
  const format::KeyRecord* k = g.FindKey("tokyo");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->length, 5u);
  const char* block = reinterpret_cast<const char*>(k);
  EXPECT_EQ(std::string_view(block + format::KeyBytesOffset(), k->length), "tokyo");
  auto ps = g.Postings(k);
  ASSERT_FALSE(ps.empty());
  EXPECT_EQ(reinterpret_cast<const char*>(ps.data()), block + 16);  // 8 + "tokyo" padded to 8.
  EXPECT_EQ(g.place(Gazetteer::PlaceOf(ps[0])).name(), "Tokyo");
}

TEST(Gazetteer, BucketPointingPastTheKeysIsNotFound) {
  std::string bytes = MiniIndexBytes();
  format::Header h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  // Point every used bucket past the end of the key blocks.
  const uint64_t far = h.sections[format::kKeys].size / 8 + 1;
  for (uint32_t b = 0; b < h.bucket_count; ++b) {
    char* at = bytes.data() + h.sections[format::kBuckets].offset + b * 8ull;
    uint64_t v;
    std::memcpy(&v, at, 8);
    if (v != 0) v = (v & 0xFFFFFFFF00000000ull) | (far + 1);
    std::memcpy(at, &v, 8);
  }
  auto g = Gazetteer::FromBytes(bytes);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ((*g)->FindKey("tokyo"), nullptr);
}

// A footprint reaching past its section, or holding a cell off the grid, is
// a corrupt index (InCountryFootprint would read out of bounds).
TEST(Gazetteer, RejectsFootprintsOutOfBounds) {
  const std::string good = MiniIndexBytes();
  format::Header h;
  std::memcpy(&h, good.data(), sizeof(h));
  ASSERT_GT(h.country_count, 0u);
  const uint64_t cells = h.sections[format::kFootprint].size / sizeof(uint16_t);
  auto country_at = [&](std::string& bytes, uint32_t i) {
    return bytes.data() + h.sections[format::kCountries].offset + i * sizeof(format::CountryRecord);
  };
  for (int kind = 0; kind < 3; ++kind) {
    SCOPED_TRACE(kind);
    std::string bytes = good;
    format::CountryRecord r;
    std::memcpy(&r, country_at(bytes, h.country_count - 1), sizeof(r));
    if (kind == 0) r.footprint_begin = static_cast<uint32_t>(cells) + 1;
    if (kind == 1) r.footprint_count = static_cast<uint32_t>(cells - r.footprint_begin) + 1;
    std::memcpy(country_at(bytes, h.country_count - 1), &r, sizeof(r));
    if (kind == 2) {
      const uint16_t off_grid = 180 * 360;
      std::memcpy(bytes.data() + h.sections[format::kFootprint].offset, &off_grid, 2);
    }
    auto g = Gazetteer::FromBytes(bytes);
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.status().code(), StatusCode::kCorruption);
    EXPECT_NE(g.status().message().find("rebuild"), std::string::npos);
  }
}

TEST(Gazetteer, OpenMapsAFileAndRejectsCorruption) {
  std::string dir = ::testing::TempDir() + "gaz_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::string cities = dir + "/c.txt", en = dir + "/en.json", codes = dir + "/codes.json";
  std::ofstream(cities) << testing::ReadTestData("mini_cities500.txt");
  std::ofstream(en) << testing::ReadTestData("mini_en.json");
  std::ofstream(codes) << testing::ReadTestData("mini_codes.json");
  std::string idx = dir + "/g.stcgaz";
  ASSERT_TRUE(BuildGazetteerFile(cities, en, codes, idx).ok());
  auto g = Gazetteer::Open(idx);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ((*g)->size(), 34u);
  EXPECT_EQ(First(**g, "Tokyo")->country(), "JP");

  auto missing = Gazetteer::Open(dir + "/none.stcgaz");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("scripts/setup"), std::string::npos);
  std::filesystem::resize_file(idx, 1000);
  EXPECT_EQ(Gazetteer::Open(idx).status().code(), StatusCode::kCorruption);
  std::ofstream(idx) << std::string(500, 'x');
  EXPECT_EQ(Gazetteer::Open(idx).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(BuildGazetteerFile(dir + "/nope.txt", en, codes, idx).code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stc::geo
