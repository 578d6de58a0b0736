// Unit hashes: the identity of the input bytes a stored record was read
// from, under the settings that decide what those bytes become. A later run
// that meets a unit with the same hash for the same key takes the stored
// record instead of parsing, geocoding and counting the unit again
// (pipeline/README.md, "Recognised units"). Internal to pipeline/.
#ifndef STCLUSTER_PIPELINE_UNIT_HASH_H_
#define STCLUSTER_PIPELINE_UNIT_HASH_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/hash.h"
#include "core/location_resolver.h"
#include "parsers/record_parser.h"

namespace stc {

// Raise whenever a change to a reader that hashes its units
// (RecordParser::HashesUnits) or to the counting step (pipeline/counting.h)
// changes what some unit becomes: the records stored before then are no
// longer recognised and are parsed again. (The geocoder has its own:
// geo::GeoResolver::kResolverRulesVersion.)
// 2: unit hashes by XXH3 (before, a four-lane hash of our own).
inline constexpr uint32_t kReadRulesVersion = 2;

// The seed of the unit hashes of `format`'s units in a run: kReadRulesVersion,
// the format, the reader settings (options, the organisation index's
// identity) and the resolver's identity. nullopt when units cannot be
// hashed: a resolver without an identity.
std::optional<uint64_t> UnitHashSeed(const Format& format, const ReaderContext& reader,
                                     const LocationResolver* resolver);

// The seed of the units of one file: `run_seed` (UnitHashSeed) mixed with the
// reader's RecordParser::FileSeed for that file.
inline uint64_t FileUnitSeed(uint64_t run_seed, uint64_t file_seed) {
  if (file_seed == 0) return run_seed;
  return Hash64(std::string_view(reinterpret_cast<const char*>(&file_seed), sizeof file_seed),
                run_seed);
}

// The hash of one unit's bytes (xxHash's XXH3, 64 bits, seeded); never 0 (0
// means "none" in a stored record). Stored on disk: a change of algorithm
// raises kReadRulesVersion.
uint64_t UnitHash(std::string_view unit, uint64_t seed);

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_UNIT_HASH_H_
