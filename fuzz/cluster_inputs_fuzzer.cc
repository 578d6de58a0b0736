// The ranking step's parsers of text a user or a store hands over, on
// arbitrary bytes. Byte 0 picks the parser, the rest is its input:
//   0  a cluster map file (ParseClusterMap, `--clusters FILE`, `delineate
//      --clusters FILE`)
//   1  an edition file (ParseEdition, `--edition FILE`)
//   2  a previous ranking (ParsePreviousRanking, `rank --previous FILE`)
//   3  a names file (ApplyNameOverrides, `delineate --names FILE`) on a small
//      fixed map
//   4  saved ranking sums (DecodeSavedRanking, store metadata)
//   5  saved noise locations (DecodeSavedNoise, store metadata)
//   6  saved profile tallies (DecodeSavedProfiles, store metadata)
// Each either fails with its documented code or gives a value that
// survives its own encoding; a parsed map's cell index (CellIndex, the
// profile and ranking scans' look-up) agrees with the map on every cell.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_map.h"
#include "cluster/edition.h"
#include "cluster/naming.h"
#include "cluster/ranking.h"
#include "cluster/saved_profiles.h"
#include "cluster/saved_ranking.h"
#include "fuzz/fuzz_util.h"

namespace {

using stc::Status;
using stc::StatusCode;
namespace cl = stc::cluster;

void ClusterMapFile(std::string_view text) {
  auto map = cl::ParseClusterMap(text, 1000, "fuzz");
  if (!map.ok()) {
    STC_FUZZ_CHECK(map.status().code() == StatusCode::kDataError, map.status().ToString());
    return;
  }
  for (size_t i = 0; i < map->clusters.size(); ++i) {
    STC_FUZZ_CHECK(map->clusters[i].id >= 1, "a cluster id below 1");
    STC_FUZZ_CHECK(i == 0 || map->clusters[i - 1].id < map->clusters[i].id,
                   "clusters not sorted by id or repeated");
  }
  for (size_t i = 0; i < map->cells.size(); ++i) {
    STC_FUZZ_CHECK(i == 0 || map->cells[i - 1].first < map->cells[i].first,
                   "cells not sorted or repeated");
    STC_FUZZ_CHECK(map->Find(map->cells[i].second) != nullptr, "a cell of an unknown cluster");
  }
  // The look-up the scans use agrees with the map: on its cells and on
  // their neighbours (cells of no cluster give 0).
  const cl::CellIndex index(*map);
  for (const auto& [cell, id] : map->cells) {
    STC_FUZZ_CHECK(index.ClusterOfCell(cell) == id, "CellIndex disagrees on a map cell");
    for (int d = -1; d <= 1; d += 2) {
      const stc::Cell n{cell.lat_idx + d, cell.lon_idx};
      STC_FUZZ_CHECK(index.ClusterOfCell(n) == map->ClusterOfCell(n),
                     "CellIndex disagrees next to a map cell");
    }
  }
  // The encoding is canonical: parsing it gives it back.
  const std::string once = cl::EncodeClusterMap(*map);
  auto back = cl::ParseClusterMap(once, 1000, "fuzz");
  STC_FUZZ_CHECK(back.ok(), "an encoded map does not parse: " + back.status().ToString());
  STC_FUZZ_CHECK(cl::EncodeClusterMap(*back) == once, "the map's encoding is not canonical");
}

void EditionFile(std::string_view json) {
  auto e = cl::ParseEdition(json, "fuzz");
  if (!e.ok()) {
    STC_FUZZ_CHECK(e.status().code() == StatusCode::kDataError, e.status().ToString());
    return;
  }
  STC_FUZZ_CHECK(cl::ValidateEdition(*e).ok(), "a parsed edition does not validate");
  const std::string once = cl::EditionToJson(*e);
  auto back = cl::ParseEdition(once, "fuzz");
  STC_FUZZ_CHECK(back.ok(), "an edition's JSON does not parse: " + back.status().ToString());
  STC_FUZZ_CHECK(*back == *e, "ParseEdition(EditionToJson(e)) != e");
  STC_FUZZ_CHECK(cl::EditionToJson(*back) == once, "the edition's JSON is not canonical");
}

void PreviousRanking(std::string_view text) {
  auto ranks = cl::ParsePreviousRanking(text, "fuzz");
  if (!ranks.ok()) {
    STC_FUZZ_CHECK(ranks.status().code() == StatusCode::kDataError, ranks.status().ToString());
    return;
  }
  for (const auto& [name, rank] : *ranks) STC_FUZZ_CHECK(rank >= 1, "a rank below 1");
}

void NamesFile(std::string_view text) {
  cl::ClusterMap map;
  map.clusters = {{1, "Alpha", "JP"}, {2, "Beta", "GB"}};
  map.cells = {{stc::Cell{3568, 13977}, 1}, {stc::Cell{5220, 12}, 2}};
  map.ComputeFootprints();
  std::vector<std::string> unmatched;
  Status st = cl::ApplyNameOverrides(text, "fuzz", 15, &map, &unmatched);
  if (!st.ok()) {
    STC_FUZZ_CHECK(st.code() == StatusCode::kDataError, st.ToString());
    return;
  }
  STC_FUZZ_CHECK(map.clusters.size() == 2 && map.cells.size() == 2,
                 "names changed the map's clusters or cells");
}

void SavedRanking(std::string_view text) {
  uint64_t version = 0, sequence = 0;
  std::string key;
  cl::RankingSums sums;
  std::optional<cl::SavedDataFingerprint> data;
  Status st = cl::DecodeSavedRanking(text, &version, &key, &sequence, &sums, &data);
  if (!st.ok()) {
    STC_FUZZ_CHECK(st.code() == StatusCode::kCorruption, st.ToString());
    return;
  }
  const std::string once =
      cl::EncodeSavedRanking(version, key, sequence, sums, data ? &*data : nullptr);
  uint64_t version2 = 0, sequence2 = 0;
  std::string key2;
  cl::RankingSums sums2;
  std::optional<cl::SavedDataFingerprint> data2;
  st = cl::DecodeSavedRanking(once, &version2, &key2, &sequence2, &sums2, &data2);
  STC_FUZZ_CHECK(st.ok(), "encoded sums do not decode: " + st.ToString());
  STC_FUZZ_CHECK(version2 == version && key2 == key && sequence2 == sequence && sums2 == sums &&
                     data.has_value() == data2.has_value() &&
                     (!data || (data->grid_step_e5 == data2->grid_step_e5 &&
                                data->fingerprint == data2->fingerprint)),
                 "decode(encode(sums)) != sums");
}

void SavedNoise(std::string_view text) {
  uint64_t version = 0, sequence = 0;
  std::string key;
  stc::Units min_units = 0;
  std::vector<cl::NoisePoint> points;
  Status st = cl::DecodeSavedNoise(text, &version, &key, &sequence, &min_units, &points);
  if (!st.ok()) {
    STC_FUZZ_CHECK(st.code() == StatusCode::kCorruption, st.ToString());
    return;
  }
  const std::string once = cl::EncodeSavedNoise(version, key, sequence, min_units, points);
  uint64_t version2 = 0, sequence2 = 0;
  std::string key2;
  stc::Units min_units2 = 0;
  std::vector<cl::NoisePoint> points2;
  st = cl::DecodeSavedNoise(once, &version2, &key2, &sequence2, &min_units2, &points2);
  STC_FUZZ_CHECK(st.ok(), "encoded noise does not decode: " + st.ToString());
  STC_FUZZ_CHECK(version2 == version && key2 == key && sequence2 == sequence &&
                     min_units2 == min_units && points2 == points,
                 "decode(encode(noise)) != noise");
}

void SavedProfiles(std::string_view bytes) {
  uint64_t version = 0, sequence = 0;
  std::string key;
  cl::ProfileTallies tallies;
  Status st = cl::DecodeSavedProfiles(bytes, &version, &key, &sequence, &tallies);
  if (!st.ok()) {
    STC_FUZZ_CHECK(st.code() == StatusCode::kCorruption, st.ToString());
    return;
  }
  const std::string once = cl::EncodeSavedProfiles(version, key, sequence, tallies);
  uint64_t version2 = 0, sequence2 = 0;
  std::string key2;
  cl::ProfileTallies tallies2;
  st = cl::DecodeSavedProfiles(once, &version2, &key2, &sequence2, &tallies2);
  STC_FUZZ_CHECK(st.ok(), "encoded tallies do not decode: " + st.ToString());
  STC_FUZZ_CHECK(version2 == version && key2 == key && sequence2 == sequence && tallies2 == tallies,
                 "decode(encode(tallies)) != tallies");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      ClusterMapFile(in);
      break;
    case 1:
      EditionFile(in);
      break;
    case 2:
      PreviousRanking(in);
      break;
    case 3:
      NamesFile(in);
      break;
    case 4:
      SavedRanking(in);
      break;
    case 5:
      SavedNoise(in);
      break;
    default:
      SavedProfiles(in);
      break;
  }
  return 0;
}
