// The internal record model shared by every reader, the counting step and the
// store.
//
// Readers (parsers/) turn one input record (a JSON line, an XML document...)
// into a `Record`: who the persons are and where each of them is. The counting
// step (pipeline/counting.h) turns a Record into a `CountedRecord`: the exact
// fixed-point weight of every located point plus the unlocated remainder. The
// store keeps CountedRecords (encoded by core/record_codec.h) so that every
// aggregate can be rebuilt without re-reading the dumps.
//
// All types here are plain values; not synchronised.
#ifndef STCLUSTER_CORE_RECORD_H_
#define STCLUSTER_CORE_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/units.h"

namespace stc {

// Which metric a record counts towards. Values are stored on disk: never renumber.
enum class Source : uint8_t {
  kPct = 1,      // PCT international patent applications (inventors).
  kArticle = 2,  // Scientific articles (authors).
  kVc = 3,       // Venture-capital deals (funded company).
};

// "pct", "article", "vc".
std::string_view SourceName(Source s);
// Parses SourceName output; returns false for anything else.
bool ParseSource(std::string_view name, Source* out);

// Coordinates are kept as integer 1e-5 degrees (about 1.1 m): exact, compact,
// and identical on every machine.
inline constexpr int32_t kE5PerDegree = 100000;

// One address of a person. (Record::AddLocation resets every field: keep it
// in step when adding one.)
struct Location {
  bool has_coords = false;
  int32_t lat_e5 = 0;   // Valid only when has_coords; in [-90e5, 90e5].
  int32_t lon_e5 = 0;   // Valid only when has_coords; in [-180e5, 180e5].
  std::string country;  // ISO 3166-1 alpha-2 when known ("JP"), else as the source wrote it
                        // (a name the readers could not map: geo/ maps it or reports it), or "".
  std::string city;
  std::string address;  // Free text as given.

  friend bool operator==(const Location&, const Location&) = default;
};

// An inventor, author or funded company.
struct Person {
  std::string name;
  std::vector<Location> locations;  // May be empty: the person is unlocated.
};

// A Location as views (Record::person_views): the same fields, the text not
// owned.
struct LocationView {
  bool has_coords = false;
  int32_t lat_e5 = 0;
  int32_t lon_e5 = 0;
  std::string_view country;  // As Location::country would hold it (normalised).
  std::string_view city;
  std::string_view address;

  // A view of `l` (valid while its strings are unchanged).
  static LocationView Of(const Location& l) {
    return {l.has_coords, l.lat_e5, l.lon_e5, l.country, l.city, l.address};
  }
};

// A Person as views: its name and its locations, which are
// PersonViews::locations[first_location, first_location + n_locations).
struct PersonView {
  std::string_view name;
  uint32_t first_location = 0;
  uint32_t n_locations = 0;
};

// A record's persons as views into text kept elsewhere (a parser's buffers),
// in two flat lists: what a reader fills without building a Person and a
// Location (their strings and vectors) per person and address.
struct PersonViews {
  std::vector<PersonView> persons;
  std::vector<LocationView> locations;

  bool empty() const { return persons.empty(); }
  void clear() {
    persons.clear();
    locations.clear();
  }
  // Appends `person` (its name and locations) as views into its strings.
  void Add(const Person& person);
  // The locations of `p`.
  const LocationView* begin(const PersonView& p) const {
    return locations.data() + p.first_location;
  }
  const LocationView* end(const PersonView& p) const { return begin(p) + p.n_locations; }
};

// Persons and locations a Record keeps after Clear() so that the next record
// reuses their strings' and vectors' storage. Copies start empty.
struct RecordSpares {
  RecordSpares() = default;
  RecordSpares(const RecordSpares&) {}
  RecordSpares& operator=(const RecordSpares&) { return *this; }
  RecordSpares(RecordSpares&&) = default;
  RecordSpares& operator=(RecordSpares&&) = default;

  std::vector<Person> persons;       // Names and location vectors with capacity, no locations.
  std::vector<Location> locations;   // Strings with capacity.
  std::vector<std::string> strings;  // Codes and organisations with heap capacity.
};

// One input record as a reader produced it, before counting.
struct Record {
  Source source = Source::kPct;
  std::string key;                 // Stable dedup key, normalised (see docs/formats.md).
  int32_t year = 0;                // Year the edition windows use (publication/cover year).
  int32_t version = 0;             // yyyymmdd; the newer version of a key wins.
  std::string doc_type;            // "article", "A1"... informational.
  std::string field;               // Aggregation field: IPC section ("H") or subject area ("17").
  std::vector<std::string> codes;  // Raw IPC codes or subject codes, as given.
  std::vector<std::string> orgs;   // Applicants or affiliation organisations.
  std::vector<Person> persons;     // Listed persons, input order.
  // The listed persons as views instead, when the reader's sink accepts them
  // (ParseSink::AcceptsPersonViews, parsers/record_parser.h): each field as
  // `persons` would hold it (normalised alike); the text belongs to the
  // parser (or, once resolved, the resolver: ThreadResolver::ResolveViews)
  // and stays valid until the sink's next NewRecord or the parser's next
  // Parse call. A record uses one form or the other: when person_views is
  // not empty, persons is empty.
  PersonViews person_views;
  // Declared number of persons when the list is truncated (Scopus author-count
  // @total); 0 or <= persons.size() means "the list is complete".
  uint32_t declared_persons = 0;

  // Resets every field, keeping allocated capacity: the persons, their
  // locations and the codes' and organisations' strings are kept aside (up
  // to a bound) for AddPerson, AddLocation and AddString.
  void Clear();

  // persons.emplace_back() (an empty person), reusing the storage of a person
  // removed by Clear() when there is one.
  Person& AddPerson();
  // person->locations.emplace_back() (an empty location), reusing the storage
  // of a location removed by Clear() when there is one. `person` is any
  // Person, usually one of `persons`.
  Location& AddLocation(Person* person);
  // list->emplace_back(text) for `list` = &codes or &orgs, reusing the
  // storage of a string removed by Clear() when there is one.
  void AddString(std::vector<std::string>* list, std::string_view text);
  // Listed persons in either form.
  size_t PersonCount() const { return persons.size() + person_views.persons.size(); }
  // Copies person_views into persons (through AddPerson and AddLocation) and
  // empties person_views: for code that needs the Record's own form (the
  // geocoder). Nothing when person_views is empty.
  void MaterialisePersonViews();

  RecordSpares spares;  // Storage only: never part of the record's content.
};

// A located point of a counted record, with its exact weight.
struct WeightedPoint {
  int32_t lat_e5 = 0;
  int32_t lon_e5 = 0;
  char country[2] = {0, 0};  // ISO-2 or {0,0} when unknown.
  Units units = 0;

  friend bool operator==(const WeightedPoint&, const WeightedPoint&) = default;
};

// A record after fractional counting: what the store keeps.
// Invariant: sum(points[i].units) + unlocated == kUnit.
struct CountedRecord {
  Source source = Source::kPct;
  std::string key;
  int32_t year = 0;
  int32_t version = 0;
  std::string field;
  std::vector<std::string> codes;
  std::vector<std::string> orgs;
  std::vector<WeightedPoint> points;  // Sorted by (lat, lon, country), merged.
  Units unlocated = 0;
  // Where the unlocated units of listed persons come from: (label, units),
  // label = "city, CC" or the address text (first 80 bytes) + ", CC", or
  // "(no address)". Merged by label, in first-seen order. Missing persons of a
  // truncated list are not here (they have no text). Feeds the report of the
  // top unresolved places (stcluster stats).
  std::vector<std::pair<std::string, Units>> unresolved;
  uint32_t persons = 0;    // Persons the unit was divided by (after dedup, incl. missing).
  bool truncated = false;  // The person list was shorter than declared.
  // Identity of the input bytes the record was read from, under the run's
  // reading settings (pipeline/unit_hash.h); 0 when its reader does not
  // hash units. Stored with the record; not part of its content fingerprint.
  uint64_t unit_hash = 0;

  friend bool operator==(const CountedRecord&, const CountedRecord&) = default;
};

}  // namespace stc

#endif  // STCLUSTER_CORE_RECORD_H_
