// The hook through which locations without coordinates get them (geocoding,
// geo/) inside the parallel parse stage, before counting.
//
// A LocationResolver is shared by all threads (const, thread-safe) and makes
// one ThreadResolver per worker thread, which may keep caches and scratch
// space without locks.
#ifndef STCLUSTER_CORE_LOCATION_RESOLVER_H_
#define STCLUSTER_CORE_LOCATION_RESOLVER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/record.h"

namespace stc {

class ThreadResolver {
 public:
  virtual ~ThreadResolver() = default;
  // Completes or corrects `record`'s locations in place (sets has_coords,
  // lat_e5/lon_e5, country). Adds one count per location examined to
  // (*counts)[quality] ("exact", "alternate", ..., "unresolved") and one per
  // correction to (*counts)["corrected_" + why]. Never fails: a location it
  // cannot resolve stays unlocated.
  virtual void Resolve(Record* record, std::map<std::string, uint64_t>* counts) = 0;
  // Resolve for a record whose persons are views (Record::person_views):
  // completes or corrects the viewed locations in place and counts as
  // Resolve would, so that the views then show what Resolve would leave in
  // the Record's own form. A text it changes (a country code) is pointed at
  // text that stays valid at least until this ThreadResolver's next call.
  // Returns
  // false having changed and counted nothing when it does not resolve views;
  // the caller then materialises them (Record::MaterialisePersonViews) and
  // calls Resolve. Default: false.
  virtual bool ResolveViews(PersonViews* views, std::map<std::string, uint64_t>* counts) {
    return false;
  }
};

// Resolves `record` with `resolver` as the ingest does: its persons as
// views through ResolveViews, or, when the resolver does not resolve views,
// materialised (Record::MaterialisePersonViews) and through Resolve; its own
// Person objects through Resolve.
inline void ResolveRecord(ThreadResolver* resolver, Record* record,
                          std::map<std::string, uint64_t>* counts) {
  if (record->person_views.empty() || !resolver->ResolveViews(&record->person_views, counts)) {
    record->MaterialisePersonViews();
    resolver->Resolve(record, counts);
  }
}

class LocationResolver {
 public:
  virtual ~LocationResolver() = default;
  virtual std::unique_ptr<ThreadResolver> NewThreadResolver() const = 0;
  // What Resolve does, as a number: resolvers of equal identity resolve every
  // record alike (the data they use, their settings and the version of their
  // rules). It goes into the unit hashes of recognised units
  // (pipeline/unit_hash.h). nullopt (the default): unknown, and units are
  // then not hashed.
  virtual std::optional<uint64_t> Identity() const { return std::nullopt; }
};

}  // namespace stc

#endif  // STCLUSTER_CORE_LOCATION_RESOLVER_H_
