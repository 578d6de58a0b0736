#include "pipeline/unit_hash.h"

#include <string>
#include <vector>

#include "parsers/org_index.h"

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace stc {
namespace {

void AppendList(const std::vector<std::string>& list, std::string* out) {
  out->push_back('[');
  for (const std::string& s : list) {
    out->append(std::to_string(s.size()));
    out->push_back(':');
    out->append(s);
  }
  out->push_back(']');
}

}  // namespace

std::optional<uint64_t> UnitHashSeed(const Format& format, const ReaderContext& reader,
                                     const LocationResolver* resolver) {
  std::string id = "stcluster-units/" + std::to_string(kReadRulesVersion) + "/";
  id.append(format.name());
  id.push_back('/');
  AppendList(reader.options.scopus_subtypes, &id);
  AppendList(reader.options.openalex_types, &id);
  AppendList(reader.options.excluded_subject_areas, &id);
  id.push_back('/');
  id.append(reader.orgs == nullptr ? "no-orgs" : std::to_string(reader.orgs->Identity()));
  id.push_back('/');
  if (resolver == nullptr) {
    id.append("no-resolver");
  } else {
    const std::optional<uint64_t> resolver_id = resolver->Identity();
    if (!resolver_id.has_value()) return std::nullopt;
    id.append(std::to_string(*resolver_id));
  }
  return Hash64(id);
}

uint64_t UnitHash(std::string_view unit, uint64_t seed) {
  // XXH3_64bits_withSeed derives a secret from the seed for every input over
  // 240 bytes (nearly every unit), then hashes with it. The seed is the same
  // for all the units of a file, so the secret is derived once per thread and
  // seed; xxHash documents that _withSecretandSeed with that secret gives
  // exactly _withSeed's values.
  struct Secret {
    bool valid = false;
    uint64_t seed = 0;
    alignas(64) unsigned char bytes[XXH3_SECRET_DEFAULT_SIZE];
  };
  thread_local Secret secret;
  if (!secret.valid || secret.seed != seed) {
    XXH3_generateSecret_fromSeed(secret.bytes, seed);
    secret.seed = seed;
    secret.valid = true;
  }
  const uint64_t h = XXH3_64bits_withSecretandSeed(unit.data(), unit.size(), secret.bytes,
                                                   sizeof secret.bytes, seed);
  return h != 0 ? h : 1;
}

}  // namespace stc
