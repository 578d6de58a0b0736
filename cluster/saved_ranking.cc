#include "cluster/saved_ranking.h"

#include <charconv>
#include <cstdio>
#include <vector>

#include "cluster/saved_profiles.h"
#include "core/hash.h"

namespace stc::cluster {
namespace {

constexpr std::string_view kHeader = "stcluster-ranking-sums,1";

void AppendUnits(const std::vector<Units>& v, std::string* out) {
  for (Units u : v) {
    out->push_back(',');
    out->append(std::to_string(u));
  }
}

bool ParseHex(std::string_view s, uint64_t* out) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, *out, 16);
  return ec == std::errc() && p == end && !s.empty();
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && p == end && !s.empty();
}

// Splits `line` at commas (the encoding has no quoted fields).
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> f;
  size_t pos = 0;
  while (true) {
    const size_t comma = line.find(',', pos);
    f.push_back(line.substr(pos, comma == std::string_view::npos ? line.npos : comma - pos));
    if (comma == std::string_view::npos) return f;
    pos = comma + 1;
  }
}

// Calls fn(line_no, line) for each line of `text` (split at '\n', numbered
// from 1) until it returns an error, which is returned; *lines: the number
// of lines visited.
template <typename Fn>
Status ForEachLine(std::string_view text, size_t* lines, const Fn& fn) {
  *lines = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    STC_RETURN_IF_ERROR(fn(++*lines, text.substr(pos, end - pos)));
    pos = end + 1;
  }
  return Status::Ok();
}

// Corruption "<what>, line N: <why>".
Status BadLine(std::string_view what, size_t line_no, const std::string& why) {
  return Status::Corruption(std::string(what) + ", line " + std::to_string(line_no) + ": " + why);
}

}  // namespace

std::string RankingMetricsKey(const Edition& edition) {
  // Length-prefixed parts, hashed: field names are free text in edition files.
  std::string canonical;
  auto part = [&canonical](std::string_view s) {
    canonical.append(std::to_string(s.size())).push_back(':');
    canonical.append(s);
  };
  for (const MetricSpec& m : edition.metrics) {
    part(SourceName(m.source));
    part(std::to_string(m.year_from));
    part(std::to_string(m.year_to));
    part(std::to_string(m.exclude_fields.size()));
    for (const std::string& f : m.exclude_fields) part(f);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(Hash64(canonical)));  // NOLINT(runtime/int)
  return std::to_string(edition.metrics.size()) + "-" + hex;
}

std::string EncodeSavedRanking(uint64_t map_version, const std::string& metrics_key,
                               uint64_t sequence, const RankingSums& sums,
                               const SavedDataFingerprint* data) {
  std::string out(kHeader);
  out += "\nmap_version," + std::to_string(map_version);
  out += "\nmetrics," + metrics_key;
  out += "\nsequence," + std::to_string(sequence);
  if (data != nullptr) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(data->fingerprint));  // NOLINT(runtime/int)
    out += "\ndata," + std::to_string(data->grid_step_e5) + "," + hex;
  }
  out += "\nworld";
  AppendUnits(sums.world, &out);
  out += "\nclustered";
  AppendUnits(sums.clustered, &out);
  for (const auto& [id, units] : sums.clusters) {
    out += "\ncluster," + std::to_string(id);
    AppendUnits(units, &out);
  }
  out += '\n';
  return out;
}

Status DecodeSavedRanking(std::string_view text, uint64_t* map_version, std::string* metrics_key,
                          uint64_t* sequence, RankingSums* sums,
                          std::optional<SavedDataFingerprint>* data) {
  *sums = RankingSums{};
  if (data != nullptr) data->reset();
  size_t lines = 0, metrics = 0;
  bool seen[4] = {false, false, false, false};  // map_version, metrics, sequence, world.
  bool seen_data = false;
  bool clustered = false;
  STC_RETURN_IF_ERROR(
      ForEachLine(text, &lines, [&](size_t line_no, std::string_view line) -> Status {
        auto bad = [&](const std::string& why) {
          return BadLine("saved ranking sums", line_no, why);
        };
        if (line_no == 1) {
          if (line != kHeader) return bad("not a '" + std::string(kHeader) + "' header");
          return Status::Ok();
        }
        const std::vector<std::string_view> f = Fields(line);
        const std::string_view tag = f[0];
        // The units of a world, clustered or cluster line, after `skip` fields.
        auto units = [&](size_t skip, std::vector<Units>* out) {
          if (!seen[3] && tag != "world") return false;
          if (tag == "world") metrics = f.size() - skip;
          if (f.size() - skip != metrics) return false;
          out->resize(metrics);
          for (size_t m = 0; m < metrics; ++m) {
            if (!ParseNumber(f[skip + m], &(*out)[m])) return false;
          }
          return true;
        };
        if (tag == "map_version" && f.size() == 2 && !seen[0]) {
          if (!ParseNumber(f[1], map_version)) return bad("bad map version");
          seen[0] = true;
        } else if (tag == "metrics" && f.size() == 2 && !seen[1]) {
          *metrics_key = std::string(f[1]);
          seen[1] = true;
        } else if (tag == "sequence" && f.size() == 2 && !seen[2]) {
          if (!ParseNumber(f[1], sequence)) return bad("bad sequence number");
          seen[2] = true;
        } else if (tag == "data" && f.size() == 3 && !seen_data) {
          SavedDataFingerprint d;
          if (!ParseNumber(f[1], &d.grid_step_e5) || d.grid_step_e5 <= 0 || f[2].size() != 16 ||
              !ParseHex(f[2], &d.fingerprint)) {
            return bad("bad data grid or fingerprint");
          }
          if (data != nullptr) *data = d;
          seen_data = true;
        } else if (tag == "world" && !seen[3]) {
          if (!units(1, &sums->world)) return bad("bad world totals");
          seen[3] = true;
        } else if (tag == "clustered" && !clustered) {
          if (!units(1, &sums->clustered)) return bad("bad clustered totals");
          clustered = true;
        } else if (tag == "cluster" && f.size() >= 2) {
          int32_t id = 0;
          if (!ParseNumber(f[1], &id) || id < 1) return bad("bad cluster id");
          std::vector<Units> v;
          if (!units(2, &v)) return bad("bad units of cluster " + std::to_string(id));
          if (!sums->clusters.emplace(id, std::move(v)).second) {
            return bad("cluster " + std::to_string(id) + " twice");
          }
        } else {
          return bad("unexpected '" + std::string(tag) + "' line");
        }
        return Status::Ok();
      }));
  if (lines == 0) return Status::Corruption("saved ranking sums: empty");
  if (!seen[0] || !seen[1] || !seen[2] || !seen[3] || !clustered) {
    return Status::Corruption(
        "saved ranking sums: a map_version, metrics, sequence, world or "
        "clustered line is missing");
  }
  return Status::Ok();
}

namespace {
constexpr std::string_view kNoiseHeader = "stcluster-noise-locations,1";
}  // namespace

std::string EncodeSavedNoise(uint64_t map_version, const std::string& metrics_key,
                             uint64_t sequence, Units min_units,
                             const std::vector<NoisePoint>& points) {
  std::string out(kNoiseHeader);
  out += "\nmap_version," + std::to_string(map_version);
  out += "\nmetrics," + metrics_key;
  out += "\nsequence," + std::to_string(sequence);
  out += "\nmin_units," + std::to_string(min_units);
  out += '\n';
  for (const NoisePoint& p : points) {
    out += std::to_string(p.lat_e5);
    out += ',';
    out += std::to_string(p.lon_e5);
    out += ',';
    out += std::to_string(p.units);
    out += '\n';
  }
  return out;
}

Status DecodeSavedNoise(std::string_view text, uint64_t* map_version, std::string* metrics_key,
                        uint64_t* sequence, Units* min_units, std::vector<NoisePoint>* points) {
  points->clear();
  static constexpr std::string_view kTags[] = {"map_version", "metrics", "sequence", "min_units"};
  size_t lines = 0;
  Status st = ForEachLine(text, &lines, [&](size_t line_no, std::string_view line) -> Status {
    auto bad = [&](const std::string& why) {
      return BadLine("saved noise locations", line_no, why);
    };
    if (line_no == 1) {
      if (line != kNoiseHeader) return bad("not a '" + std::string(kNoiseHeader) + "' header");
      return Status::Ok();
    }
    const std::vector<std::string_view> f = Fields(line);
    if (line_no <= 1 + std::size(kTags)) {  // The fixed lines, in order.
      const std::string_view tag = kTags[line_no - 2];
      if (f.size() != 2 || f[0] != tag) return bad("expected a '" + std::string(tag) + "' line");
      const bool ok = tag == "map_version" ? ParseNumber(f[1], map_version)
                      : tag == "metrics"   ? (*metrics_key = std::string(f[1]), true)
                      : tag == "sequence"  ? ParseNumber(f[1], sequence)
                                           : ParseNumber(f[1], min_units);
      if (!ok) return bad("bad " + std::string(tag));
      return Status::Ok();
    }
    NoisePoint p;
    if (f.size() != 3 || !ParseNumber(f[0], &p.lat_e5) || !ParseNumber(f[1], &p.lon_e5) ||
        !ParseNumber(f[2], &p.units)) {
      return bad("expected lat_e5,lon_e5,units");
    }
    points->push_back(p);
    return Status::Ok();
  });
  if (!st.ok()) {
    points->clear();
    return st;
  }
  if (lines < 1 + std::size(kTags)) {
    return Status::Corruption("saved noise locations: a header line is missing");
  }
  return Status::Ok();
}

Status SaveRankingSums(Store* store, const ClusterMap& map, const Edition& edition,
                       const RankingSums& sums, const ProfileTallies* profiles,
                       const std::vector<NoisePoint>* noise) {
  if (map.version == 0) {
    return Status::InvalidArgument("ranking sums are saved only for a stored cluster map");
  }
  // The three entries below are the store's next write, one sequence number
  // each (the writer's lock keeps other writers out).
  const uint64_t sequence = store->LastSequence() + 3;
  const std::string metrics_key = RankingMetricsKey(edition);
  // The map's fingerprint is that of the data it was made from, the data
  // the sums were summed from (on the map's grid).
  const SavedDataFingerprint data{map.grid_step_e5, map.fingerprint};
  return store->PutMetas(
      {{kSavedProfilesMeta,
        profiles == nullptr ? std::string()
                            : EncodeSavedProfiles(map.version, metrics_key, sequence, *profiles)},
       {kSavedNoiseMeta, noise == nullptr ? std::string()
                                          : EncodeSavedNoise(map.version, metrics_key, sequence,
                                                             kSavedNoiseMinUnits, *noise)},
       {kSavedRankingMeta, EncodeSavedRanking(map.version, metrics_key, sequence, sums,
                                              map.fingerprint == 0 ? nullptr : &data)}});
}

Result<std::optional<RankingSums>> LoadRankingSums(const Store& store, const ClusterMap& map,
                                                   const Edition& edition) {
  // The sequence number first: a write after it cannot make old sums look current.
  const uint64_t now = store.LastSequence();
  STC_ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetMeta(kSavedRankingMeta));
  if (!text.has_value() || map.version == 0) return std::optional<RankingSums>();
  uint64_t map_version = 0, sequence = 0;
  std::string metrics_key;
  RankingSums sums;
  STC_RETURN_IF_ERROR(DecodeSavedRanking(*text, &map_version, &metrics_key, &sequence, &sums));
  if (map_version != map.version || sequence != now || metrics_key != RankingMetricsKey(edition) ||
      sums.world.size() != edition.metrics.size()) {
    return std::optional<RankingSums>();
  }
  return std::optional<RankingSums>(std::move(sums));
}

Result<std::optional<uint64_t>> CurrentDataFingerprint(const Store& store, const Edition& edition) {
  // The sequence number first: a write after it cannot make old sums look current.
  const uint64_t now = store.LastSequence();
  STC_ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetMeta(kSavedRankingMeta));
  if (!text.has_value()) return std::optional<uint64_t>();
  uint64_t map_version = 0, sequence = 0;
  std::string metrics_key;
  RankingSums sums;
  std::optional<SavedDataFingerprint> data;
  STC_RETURN_IF_ERROR(
      DecodeSavedRanking(*text, &map_version, &metrics_key, &sequence, &sums, &data));
  const int32_t grid = edition.grid_step_e5 > 0 ? edition.grid_step_e5 : store.grid().step_e5();
  if (!data.has_value() || sequence != now || metrics_key != RankingMetricsKey(edition) ||
      data->grid_step_e5 != grid) {
    return std::optional<uint64_t>();
  }
  return std::optional<uint64_t>(data->fingerprint);
}

Result<std::optional<std::vector<NoisePoint>>> LoadNoiseLocations(const Store& store,
                                                                  const ClusterMap& map,
                                                                  const Edition& edition,
                                                                  Units min_units) {
  using Points = std::optional<std::vector<NoisePoint>>;
  // The sequence number first: a write after it cannot make old ones look current.
  const uint64_t now = store.LastSequence();
  STC_ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetMeta(kSavedNoiseMeta));
  // The locations are on the grid of the data they came from, the map's:
  // an edition on another grid has other cells.
  const int32_t grid = edition.grid_step_e5 > 0 ? edition.grid_step_e5 : store.grid().step_e5();
  if (!text.has_value() || text->empty() || map.version == 0 || grid != map.grid_step_e5) {
    return Points();
  }
  uint64_t map_version = 0, sequence = 0;
  std::string metrics_key;
  Units kept_from = 0;
  std::vector<NoisePoint> points;
  STC_RETURN_IF_ERROR(
      DecodeSavedNoise(*text, &map_version, &metrics_key, &sequence, &kept_from, &points));
  if (map_version != map.version || sequence != now || metrics_key != RankingMetricsKey(edition) ||
      min_units < kept_from) {
    return Points();
  }
  std::erase_if(points, [min_units](const NoisePoint& p) { return p.units < min_units; });
  return Points(std::move(points));
}

}  // namespace stc::cluster
