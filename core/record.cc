#include "core/record.h"

namespace stc {

std::string_view SourceName(Source s) {
  switch (s) {
    case Source::kPct:
      return "pct";
    case Source::kArticle:
      return "article";
    case Source::kVc:
      return "vc";
  }
  return "unknown";
}

bool ParseSource(std::string_view name, Source* out) {
  if (name == "pct") {
    *out = Source::kPct;
    return true;
  }
  if (name == "article") {
    *out = Source::kArticle;
    return true;
  }
  if (name == "vc") {
    *out = Source::kVc;
    return true;
  }
  return false;
}

void Record::Clear() {
  key.clear();
  year = 0;
  version = 0;
  doc_type.clear();
  field.clear();
  // A string is worth keeping only for its heap storage.
  static const size_t kInline = std::string().capacity();
  constexpr size_t kMaxSpareStrings = 1024;
  for (std::vector<std::string>* list : {&codes, &orgs}) {
    for (std::string& s : *list) {
      if (spares.strings.size() == kMaxSpareStrings) break;
      if (s.capacity() > kInline) spares.strings.push_back(std::move(s));
    }
    list->clear();
  }
  // Keep the storage of a bounded number of persons and locations (readers
  // that do not take them back through AddPerson must not grow the spares).
  constexpr size_t kMaxSparePersons = 256;
  constexpr size_t kMaxSpareLocations = 1024;
  // A location is worth keeping only for the heap storage of its strings.
  for (Person& p : persons) {
    for (Location& l : p.locations) {
      if (spares.locations.size() == kMaxSpareLocations) break;
      if (l.address.capacity() > kInline || l.city.capacity() > kInline ||
          l.country.capacity() > kInline) {
        spares.locations.push_back(std::move(l));
      }
    }
    p.locations.clear();
    if (spares.persons.size() < kMaxSparePersons) spares.persons.push_back(std::move(p));
  }
  persons.clear();
  person_views.clear();
  declared_persons = 0;
}

void PersonViews::Add(const Person& person) {
  PersonView& p = persons.emplace_back();
  p.name = person.name;
  p.first_location = static_cast<uint32_t>(locations.size());
  p.n_locations = static_cast<uint32_t>(person.locations.size());
  for (const Location& l : person.locations) {
    locations.push_back(LocationView::Of(l));
  }
}

void Record::MaterialisePersonViews() {
  for (const PersonView& v : person_views.persons) {
    Person& p = AddPerson();
    p.name.assign(v.name);
    for (const LocationView* l = person_views.begin(v); l != person_views.end(v); ++l) {
      Location& loc = AddLocation(&p);
      loc.has_coords = l->has_coords;
      loc.lat_e5 = l->lat_e5;
      loc.lon_e5 = l->lon_e5;
      loc.country.assign(l->country);
      loc.city.assign(l->city);
      loc.address.assign(l->address);
    }
  }
  person_views.clear();
}

Person& Record::AddPerson() {
  if (spares.persons.empty()) return persons.emplace_back();
  Person& p = persons.emplace_back(std::move(spares.persons.back()));
  spares.persons.pop_back();
  p.name.clear();
  p.locations.clear();  // Already empty; keeps the capacity.
  return p;
}

void Record::AddString(std::vector<std::string>* list, std::string_view text) {
  if (spares.strings.empty() || text.size() <= std::string().capacity()) {
    list->emplace_back(text);
    return;
  }
  std::string& s = list->emplace_back(std::move(spares.strings.back()));
  spares.strings.pop_back();
  s.assign(text);
}

Location& Record::AddLocation(Person* person) {
  if (spares.locations.empty()) return person->locations.emplace_back();
  Location& l = person->locations.emplace_back(std::move(spares.locations.back()));
  spares.locations.pop_back();
  l.has_coords = false;
  l.lat_e5 = 0;
  l.lon_e5 = 0;
  l.country.clear();
  l.city.clear();
  l.address.clear();
  return l;
}

}  // namespace stc
