#include "core/record.h"

#include <gtest/gtest.h>

namespace stc {
namespace {

TEST(Record, AddPersonAndLocationAfterClearAreEmptyAndReuseStorage) {
  Record r;
  Person& p = r.AddPerson();
  p.name = "A person name longer than the small-string buffer";
  Location& l = r.AddLocation(&p);
  l.has_coords = true;
  l.lat_e5 = 5;
  l.lon_e5 = -7;
  l.country = "JP";
  l.city = "A city name longer than the small-string buffer";
  l.address = "An address longer than the small-string buffer";
  r.AddLocation(&p).city = "Second";
  const char* name_storage = p.name.data();
  const char* city_storage = p.locations[0].city.data();  // (`l` moved when the vector grew.)
  r.Clear();
  EXPECT_TRUE(r.persons.empty());

  Person& q = r.AddPerson();
  EXPECT_EQ(q.name, "");
  EXPECT_TRUE(q.locations.empty());
  EXPECT_EQ(q.name.data(), name_storage);  // The same heap buffer, reused.
  EXPECT_GE(q.locations.capacity(), 2u);
  for (int i = 0; i < 2; ++i) {
    Location& m = r.AddLocation(&q);
    EXPECT_FALSE(m.has_coords);
    EXPECT_EQ(m.lat_e5, 0);
    EXPECT_EQ(m.lon_e5, 0);
    EXPECT_EQ(m.country, "");
    EXPECT_EQ(m.city, "");
    EXPECT_EQ(m.address, "");
  }
  // Both spare locations handed out (in some order): one has the long city's buffer.
  EXPECT_TRUE(q.locations[0].city.data() == city_storage ||
              q.locations[1].city.data() == city_storage);
  // Past the spares, fresh objects.
  Location& fresh = r.AddLocation(&q);
  EXPECT_EQ(fresh.city, "");
  EXPECT_EQ(r.AddPerson().name, "");
  EXPECT_EQ(r.persons.size(), 2u);
}

TEST(Record, AddStringAfterClearHoldsTheTextAndReusesStorage) {
  Record r;
  const std::string long_org = "An organisation name longer than the small-string buffer";
  r.AddString(&r.orgs, long_org);
  r.AddString(&r.codes, "1700");
  r.AddString(&r.codes, "A subject code longer than the small-string buffer");
  const char* org_storage = r.orgs[0].data();
  r.Clear();
  EXPECT_TRUE(r.orgs.empty());
  EXPECT_TRUE(r.codes.empty());
  EXPECT_EQ(r.spares.strings.size(), 2u);  // The short code had no heap storage.
  // Any list takes any spare; the text is the new one, whatever was there.
  r.AddString(&r.codes, "Short");
  r.AddString(&r.codes, "Another long text, longer than the small-string buffer");
  r.AddString(&r.orgs, "Yet another long text, longer than the small-string buffer");
  r.AddString(&r.orgs, "A third long text, with no spare left for it to reuse at all");
  EXPECT_EQ(r.codes, (std::vector<std::string>{
                         "Short", "Another long text, longer than the small-string buffer"}));
  EXPECT_EQ(r.orgs, (std::vector<std::string>{
                        "Yet another long text, longer than the small-string buffer",
                        "A third long text, with no spare left for it to reuse at all"}));
  EXPECT_TRUE(r.spares.strings.empty());
  EXPECT_TRUE(r.codes[1].data() == org_storage || r.orgs[0].data() == org_storage);
}

TEST(Record, SparesAreBoundedWhenNeverTakenBack) {
  Record r;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 100; ++i) r.persons.emplace_back().locations.resize(3);
    for (int i = 0; i < 100; ++i) r.orgs.emplace_back(100, 'x');
    r.Clear();
  }
  EXPECT_LE(r.spares.persons.size(), 256u);
  EXPECT_LE(r.spares.locations.size(), 1024u);
  EXPECT_LE(r.spares.strings.size(), 1024u);
}

TEST(Record, CopiesDoNotCarrySpares) {
  Record r;
  r.AddPerson().name = "x";
  r.Clear();
  ASSERT_EQ(r.spares.persons.size(), 1u);
  Record copy = r;
  EXPECT_TRUE(copy.spares.persons.empty());
  copy = r;
  EXPECT_TRUE(copy.spares.persons.empty());
}

}  // namespace
}  // namespace stc
