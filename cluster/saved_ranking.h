// A ranking's sums kept in the store by `delineate`, so that `rank`, `show`,
// `report` and `export --by profile` need not read every aggregate again;
// and the map's noise locations, for `report`.
//
// The ranking of a delineated map is a function of the aggregates, the map
// and the edition's metrics. `delineate` has just read the aggregates; it
// keeps the sums (RankingSums: per cluster and metric, and the world totals)
// in the store's metadata with the store's sequence number after that write.
// They are used only while nothing else has been written to the store since:
// any later write (an ingest, even one that finds only duplicates; a map
// made current; any metadata) moves RocksDB's sequence number, and from then
// on the ranking is computed from the aggregates again, as without saved
// sums. A store written by a build that does not know saved sums is caught
// the same way: its writes move the sequence number too.
//
// At 20 million bench records on the default 0.01 degree grid (54 million
// aggregate rows) reading the aggregates was 17 s of `rank`
// (docs/performance.md, "The ranking step at scale").
//
// Thread-safety: as Store.
#ifndef STCLUSTER_CLUSTER_SAVED_RANKING_H_
#define STCLUSTER_CLUSTER_SAVED_RANKING_H_

#include <optional>
#include <string>
#include <string_view>

#include "cluster/cluster_map.h"
#include "cluster/delineate.h"
#include "cluster/edition.h"
#include "cluster/profile.h"
#include "cluster/ranking.h"
#include "core/status.h"
#include "stores/store.h"

namespace stc::cluster {

// The metadata name of the saved sums (one set per store: the last
// delineation's).
inline constexpr char kSavedRankingMeta[] = "ranking_sums";

// What the sums depend on in an edition: each metric's source, year window
// and subject filter, in order (not the weights, which only the scores use).
std::string RankingMetricsKey(const Edition& edition);

// What the saved sums were summed from: the grid and the fingerprint of the
// delineation data (DelineationData::grid_step_e5 and ::fingerprint).
struct SavedDataFingerprint {
  int32_t grid_step_e5 = 0;
  uint64_t fingerprint = 0;
};

// Text encoding of saved sums (docs/clusters.md, "Saved ranking sums");
// `data` may be nullptr (unknown: no `data` line).
std::string EncodeSavedRanking(uint64_t map_version, const std::string& metrics_key,
                               uint64_t sequence, const RankingSums& sums,
                               const SavedDataFingerprint* data = nullptr);
// Parses EncodeSavedRanking's text (`*data`, when given: reset when the text
// has no `data` line, as saved by builds before it). Corruption naming the
// line when malformed.
Status DecodeSavedRanking(std::string_view text, uint64_t* map_version, std::string* metrics_key,
                          uint64_t* sequence, RankingSums* sums,
                          std::optional<SavedDataFingerprint>* data = nullptr);

// The metadata name of the saved noise locations (`report` draws them):
// those of the last delineation, with the same currency as the sums.
inline constexpr char kSavedNoiseMeta[] = "noise_locations";
// The noise locations kept: those of at least this many units (five
// records, the report's threshold). A report asking for fewer reads the
// aggregates.
inline constexpr Units kSavedNoiseMinUnits = 5 * kUnit;

// Text encoding of saved noise locations (docs/clusters.md, "Saved ranking
// sums"): a header, the map version, metrics key, sequence number and
// threshold, then one "lat_e5,lon_e5,units" line per location.
std::string EncodeSavedNoise(uint64_t map_version, const std::string& metrics_key,
                             uint64_t sequence, Units min_units,
                             const std::vector<NoisePoint>& points);
// Parses EncodeSavedNoise's text. Corruption naming the line when malformed.
Status DecodeSavedNoise(std::string_view text, uint64_t* map_version, std::string* metrics_key,
                        uint64_t* sequence, Units* min_units, std::vector<NoisePoint>* points);

// Saves `sums` of the stored map `map` (map.version > 0) for `edition`
// (summed from the delineation data the map was made from, whose grid and
// fingerprint are the map's, as Delineate sets them; a map with fingerprint
// 0 saves none), the
// profile tallies of the same map and edition (saved_profiles.h; when
// nullptr, an empty value replaces tallies saved before) and its noise
// locations of at least kSavedNoiseMinUnits (NoiseLocations; when nullptr,
// an empty value replaces those saved before), in one write, as the
// store's last. InvalidArgument for an unstored map or a read-only store;
// store errors as they come.
Status SaveRankingSums(Store* store, const ClusterMap& map, const Edition& edition,
                       const RankingSums& sums, const ProfileTallies* profiles = nullptr,
                       const std::vector<NoisePoint>* noise = nullptr);

// The sums saved for `map` and `edition`'s metrics, when nothing has been
// written to the store since they were: nullopt when none are saved, they
// are for another map version or other metrics, or the store changed.
// Corruption when the saved text is malformed; store errors as they come.
Result<std::optional<RankingSums>> LoadRankingSums(const Store& store, const ClusterMap& map,
                                                   const Edition& edition);

// The fingerprint LoadDelineationData(store, edition) would give, known
// without reading the aggregates when the last delineation saved it with its
// sums and nothing has been written to the store since (the conditions of
// LoadRankingSums, for any map), `edition` having the same metrics and grid;
// nullopt otherwise. A map's fingerprint compared with it tells whether the
// map was made from the aggregates now in the store. Corruption when the
// saved text is malformed; store errors as they come.
Result<std::optional<uint64_t>> CurrentDataFingerprint(const Store& store, const Edition& edition);

// The noise locations of at least `min_units` saved for `map` and
// `edition`'s metrics, under the same conditions as LoadRankingSums: equal
// to NoiseLocations(LoadDelineationData(store, edition), map, min_units).
// nullopt also when none are saved, `min_units` is below the threshold
// they were kept with, or the edition's grid is not the map's. Corruption when the saved text is
// malformed; store errors as they come.
Result<std::optional<std::vector<NoisePoint>>> LoadNoiseLocations(const Store& store,
                                                                  const ClusterMap& map,
                                                                  const Edition& edition,
                                                                  Units min_units);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_SAVED_RANKING_H_
