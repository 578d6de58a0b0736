#include "pipeline/counting.h"

#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <random>
#include <tuple>

namespace stc {
namespace {

Location At(int32_t lat, int32_t lon, const char* cc = "JP") {
  Location l;
  l.has_coords = true;
  l.lat_e5 = lat;
  l.lon_e5 = lon;
  l.country = cc;
  return l;
}

Location Text(const char* city) {
  Location l;
  l.city = city;
  return l;
}

Units Total(const CountedRecord& c) {
  Units s = c.unlocated;
  for (const auto& p : c.points) s += p.units;
  return s;
}

TEST(Counting, ThreePersonsOneUnlocated) {
  Record r;
  r.key = "k";
  r.persons = {{"a", {At(100, 200)}}, {"b", {At(300, 400)}}, {"c", {}}};
  CountedRecord c;
  CountRecord(r, &c);
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.points[0].lat_e5, 100);
  EXPECT_EQ(c.points[0].units, 333333334);  // First person takes the remainder unit.
  EXPECT_EQ(c.points[1].units, 333333333);
  EXPECT_EQ(c.unlocated, 333333333);
  ASSERT_EQ(c.unresolved.size(), 1u);
  EXPECT_EQ(c.unresolved[0].first, "(no address)");
  EXPECT_EQ(c.persons, 3u);
  EXPECT_FALSE(c.truncated);
}

TEST(Counting, PersonWithTwoAddressesSplitsHisShare) {
  Record r;
  r.persons = {{"a", {At(100, 200), Text("Osaka")}}, {"b", {At(100, 200)}}};
  CountedRecord c;
  CountRecord(r, &c);
  // a: 0.5 -> 0.25 located at (100,200) + 0.25 unlocated; b: 0.5 at (100,200).
  ASSERT_EQ(c.points.size(), 1u);
  EXPECT_EQ(c.points[0].units, 750000000);
  EXPECT_EQ(c.unlocated, 250000000);
  ASSERT_EQ(c.unresolved.size(), 1u);
  EXPECT_EQ(c.unresolved[0].first, "Osaka");
  EXPECT_EQ(c.unresolved[0].second, 250000000);
}

TEST(Counting, RepeatedAddressOfOnePersonCountsOnce) {
  Record r;
  r.persons = {{"a", {At(100, 200), At(100, 200), At(500, 600)}}};
  CountedRecord c;
  CountRecord(r, &c);
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.points[0].units, 500000000);
  EXPECT_EQ(c.points[1].units, 500000000);
}

TEST(Counting, DuplicatePersonsCountOnce) {
  Record r;
  r.persons = {{"a", {At(1, 1)}}, {"a", {At(1, 1)}}, {"b", {At(2, 2)}}};
  CountedRecord c;
  CountRecord(r, &c);
  EXPECT_EQ(c.persons, 2u);
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.points[0].units, 500000000);
}

TEST(Counting, TruncatedListLeavesMissingSharesUnlocated) {
  Record r;
  r.declared_persons = 4;
  r.persons = {{"a", {At(1, 1)}}, {"b", {At(2, 2)}}};
  CountedRecord c;
  CountRecord(r, &c);
  EXPECT_TRUE(c.truncated);
  EXPECT_EQ(c.persons, 4u);
  EXPECT_EQ(c.points[0].units, 250000000);
  EXPECT_EQ(c.points[1].units, 250000000);
  EXPECT_EQ(c.unlocated, 500000000);
  EXPECT_TRUE(c.unresolved.empty());  // Missing authors have no text to report.
}

TEST(Counting, DeclaredSmallerThanListedIsIgnored) {
  Record r;
  r.declared_persons = 1;
  r.persons = {{"a", {At(1, 1)}}, {"b", {At(2, 2)}}};
  CountedRecord c;
  CountRecord(r, &c);
  EXPECT_EQ(c.persons, 2u);
  EXPECT_EQ(c.unlocated, 0);
}

TEST(Counting, EveryRecordSumsToExactlyOneUnit) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 3000; ++trial) {
    Record r;
    int n = 1 + rng() % (trial % 50 == 0 ? 2000 : 12);
    for (int i = 0; i < n; ++i) {
      Person p;
      p.name = std::to_string(rng() % 50);
      for (int k = rng() % 4; k > 0; --k) {
        if (rng() % 4 == 0)
          p.locations.push_back(Text("x"));
        else
          p.locations.push_back(At(rng() % 1000, rng() % 1000));
      }
      r.persons.push_back(p);
    }
    if (rng() % 5 == 0) r.declared_persons = n + rng() % 300;
    CountedRecord c;
    CountRecord(r, &c);
    ASSERT_EQ(Total(c), kUnit);
    Units unresolved = 0;
    for (const auto& [label, u] : c.unresolved) unresolved += u;
    if (r.declared_persons <= r.persons.size()) {
      ASSERT_EQ(unresolved, c.unlocated);  // Every unlocated unit has its label.
    } else {
      ASSERT_LE(unresolved, c.unlocated);
    }
    for (size_t i = 1; i < c.points.size(); ++i) {
      ASSERT_TRUE(c.points[i - 1].lat_e5 < c.points[i].lat_e5 ||
                  (c.points[i - 1].lat_e5 == c.points[i].lat_e5 &&
                   c.points[i - 1].lon_e5 <= c.points[i].lon_e5));
    }
  }
}

// A record's points come out merged and in (latitude, longitude, country
// as signed chars) order, short lists and long ones alike: checked against
// a brute-force reference (std::map over the same key) on persons with one
// address each, drawn from a few places with negative coordinates and
// countries of non-ASCII bytes (the stored encoding depends on this order).
TEST(Counting, PointsAreMergedInKeyOrderAtEverySize) {
  std::mt19937 rng(7);
  const char* kCountries[] = {"JP", "FR", "\xc3\xa9", "\x7f\x80", "", "jp"};
  for (int trial = 0; trial < 2000; ++trial) {
    Record r;
    const uint32_t n = 1 + rng() % 40;
    using Key = std::tuple<int32_t, int32_t, signed char, signed char>;
    std::map<Key, Units> expected;
    for (uint32_t i = 0; i < n; ++i) {
      Person p;
      p.name = "p" + std::to_string(i);
      const Location l =
          At(static_cast<int32_t>(rng() % 5) - 2, static_cast<int32_t>(rng() % 3) - 1,
             kCountries[rng() % std::size(kCountries)]);
      p.locations.push_back(l);
      r.persons.push_back(p);
      const signed char c0 = l.country.size() == 2 ? static_cast<signed char>(l.country[0]) : 0;
      const signed char c1 = l.country.size() == 2 ? static_cast<signed char>(l.country[1]) : 0;
      expected[{l.lat_e5, l.lon_e5, c0, c1}] += ShareOf(kUnit, n, i);
    }
    CountedRecord c;
    CountRecord(r, &c);
    ASSERT_EQ(c.points.size(), expected.size()) << "trial " << trial;
    size_t i = 0;
    for (const auto& [key, units] : expected) {
      const WeightedPoint& wp = c.points[i++];
      EXPECT_EQ(Key(wp.lat_e5, wp.lon_e5, static_cast<signed char>(wp.country[0]),
                    static_cast<signed char>(wp.country[1])),
                key)
          << "trial " << trial << " point " << i - 1;
      EXPECT_EQ(wp.units, units) << "trial " << trial << " point " << i - 1;
    }
  }
}

// CountRecordTaking gives what CountRecord gives, from a record and an output
// reused across records (as the parse threads reuse them); and persons are
// distinct exactly when a brute-force comparison of names and addresses says
// so (names repeat often, with and without the same addresses).
TEST(Counting, TakingCountsLikeCopyingAndPersonsDedupByNameAndAddresses) {
  std::mt19937 rng(7);
  Record reused;
  CountedRecord taken;
  for (int trial = 0; trial < 2000; ++trial) {
    Record r;
    r.key = "key-" + std::to_string(trial);
    r.field = std::to_string(rng() % 40);
    for (int k = rng() % 4; k > 0; --k)
      r.codes.push_back("code-with-a-long-name-" + std::to_string(k));
    for (int k = rng() % 3; k > 0; --k)
      r.orgs.push_back("organisation " + std::to_string(rng() % 9));
    const int n = 1 + rng() % (trial % 100 == 0 ? 300 : trial % 5 == 0 ? 40 : 10);
    for (int i = 0; i < n; ++i) {
      Person p;
      p.name = "name " + std::to_string(rng() % 6);
      for (int k = rng() % 3; k > 0; --k) p.locations.push_back(At(rng() % 3, 0));
      r.persons.push_back(p);
    }
    size_t distinct = 0;
    for (size_t i = 0; i < r.persons.size(); ++i) {
      bool seen = false;
      for (size_t j = 0; j < i && !seen; ++j) {
        const Person &a = r.persons[i], &b = r.persons[j];
        seen = a.name == b.name && a.locations.size() == b.locations.size() &&
               std::equal(a.locations.begin(), a.locations.end(), b.locations.begin(),
                          [](const Location& x, const Location& y) {
                            return x.lat_e5 == y.lat_e5 && x.lon_e5 == y.lon_e5 &&
                                   x.country == y.country;
                          });
      }
      distinct += !seen;
    }
    CountedRecord copied;
    CountRecord(r, &copied);
    ASSERT_EQ(copied.persons, distinct);

    reused.Clear();
    reused.key = r.key;
    reused.field = r.field;
    reused.codes = r.codes;
    reused.orgs = r.orgs;
    for (const Person& p : r.persons) {
      Person& q = reused.AddPerson();
      q.name = p.name;
      for (const Location& l : p.locations) reused.AddLocation(&q) = l;
    }
    CountRecordTaking(&reused, &taken);
    ASSERT_EQ(taken, copied) << trial;
  }
}

}  // namespace
}  // namespace stc
