// The geography of the synthetic world (issue 6, docs/world.md): named
// places from the gazetteer, sites spread around them like a metropolitan
// area, and the entities the records are allocated to - the 34 published
// GII 2023 clusters, a tail of smaller clusters (ranks 35 and below) and
// scattered places - each with a target count per metric.
//
// QuotaAllocator hands out person shares so that every entity's total ends
// within about one record of its target (largest relative deficit first).
//
// Internal to gen/. World is immutable after Build (thread-safe to read);
// QuotaAllocator is not synchronised.
#ifndef STCLUSTER_GEN_WORLD_MODEL_H_
#define STCLUSTER_GEN_WORLD_MODEL_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "gen/synth.h"
#include "geo/gazetteer.h"

namespace stc::gen_internal {

inline constexpr int kMetricPct = 0;
inline constexpr int kMetricPub = 1;

// Share of records whose persons may carry coordinates (pct-jsonl with
// pre-geocoded addresses, OpenAlex institutions); the rest are text only.
inline constexpr double kPctJsonlShare = 0.7;   // Else PATENTSCOPE XML.
inline constexpr double kPctPregeocoded = 0.6;  // Of pct-jsonl addresses.
inline constexpr double kOpenAlexShare = 0.35;  // Else Scopus Search.

struct WorldPlace {
  std::string name;          // As written in addresses.
  std::string country;       // ISO-2.
  std::string country_name;  // English name (Scopus style).
  std::string state;         // US admin1 code, else "".
  uint32_t geoname_id = 0;
  int32_t lat_e5 = 0, lon_e5 = 0;  // Gazetteer coordinates.
  bool text_ok = false;            // Its address texts geocode back to this place.
};

struct WorldSite {
  int32_t lat_e5 = 0, lon_e5 = 0;
  int place = 0;  // Nearest named place of its entity (address text, city).
  int entity = 0;
};

struct WorldEntity {
  int rank = 0;  // 1..34 published; 35.. tail clusters; 0 scattered place.
  std::string label;
  std::string economy;
  double target[2] = {0, 0};        // Records (fractional) over the window.
  std::vector<int> sites;           // Into World::sites().
  std::vector<double> site_cum[2];  // Per metric cumulative weights of `sites`.
  std::vector<int> text_places;     // Places with text_ok.
  std::vector<double> text_cum;     // Cumulative weights of text_places.
  std::vector<std::string> ipc;     // Specialisation (IPC subclasses).
  std::vector<int> asjc;            // Specialisation (ASJC areas).
};

struct WorldOptions {
  double scale = 0.05;
  uint64_t seed = 1;
  // Unlocated article shares (Scopus lists truncated at 100 authors) over
  // the window, in records: the located targets sum to the world minus this.
  double unlocated_pub = 0;
};

class World {
 public:
  // Builds the world from the gazetteer. NotFound when a published
  // cluster's main place is not in the gazetteer.
  static Result<std::unique_ptr<World>> Build(const geo::Gazetteer& gaz,
                                              const WorldOptions& options);

  const std::vector<WorldPlace>& places() const { return places_; }
  const std::vector<WorldSite>& sites() const { return sites_; }
  const std::vector<WorldEntity>& entities() const { return entities_; }
  double world(int metric) const { return world_[metric]; }
  // Places whose texts did not round-trip through the geocoder (warnings).
  const std::vector<std::string>& warnings() const { return warnings_; }

  // A site of entity `e` for `metric` (coordinates allowed), drawn with rng.
  int DrawSite(int e, int metric, Rng& rng) const;
  // A text-capable place of entity `e`.
  int DrawTextPlace(int e, Rng& rng) const;
  // The site at the centre of `place` (where a geocoded address lands).
  int PlaceSite(int place) const { return place_site_[place]; }
  // An entity drawn in proportion to its target (outside the window).
  int DrawEntity(int metric, Rng& rng) const;

 private:
  World() = default;
  std::vector<WorldPlace> places_;
  std::vector<WorldSite> sites_;
  std::vector<WorldEntity> entities_;
  std::vector<int> place_site_;
  std::vector<double> entity_cum_[2];
  double world_[2] = {0, 0};
  std::vector<std::string> warnings_;
  friend class WorldBuilder;
};

// Largest relative deficit first: Pick() returns the entity whose
// allocated / target ratio is smallest; Add() books a share. When the
// shares (each at most s) sum to the targets' sum S, every ratio ends in
// [V, V + s/T] with V >= 1 - n*s/S: an entity's error is at most
// s + T*n*s/S, so few entities (n small) are each within about one share.
class QuotaAllocator {
 public:
  explicit QuotaAllocator(std::vector<double> targets);
  QuotaAllocator(const World& world, int metric);
  int Pick() const { return queue_.begin()->second; }
  void Add(int entity, double share);
  double allocated(int entity) const { return allocated_[entity]; }

 private:
  std::vector<double> target_;
  std::vector<double> allocated_;
  std::set<std::pair<double, int>> queue_;
};

// Two levels of quotas: the published clusters and "the rest" as one entity
// (so each published cluster ends within about one record of its target),
// then the rest's entities among themselves.
class WorldAllocator {
 public:
  WorldAllocator(const World& world, int metric);
  int Pick() const;
  void Add(int entity, double share);
  double allocated(int entity) const;

 private:
  int published_ = 0;  // Entities [0, published_) are published clusters.
  QuotaAllocator top_;
  QuotaAllocator rest_;
};

}  // namespace stc::gen_internal

#endif  // STCLUSTER_GEN_WORLD_MODEL_H_
