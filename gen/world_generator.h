// `stcluster generate --world gii2023`: a calibrated synthetic world that
// reproduces the published GII 2023 cluster table (docs/world.md).
//
// Writes, under out_dir:
//   data/pct/pct-YYYY-K.jsonl.zst          normalised PCT JSON Lines
//   data/patentscope/wo-YYYY.xml.zst       PATENTSCOPE XML documents
//   data/scopus/search-YYYY-K.jsonl.zst    Scopus Search entries
//   data/scopus/abstract-YYYY.jsonl.zst    Scopus Abstract Retrieval documents
//   data/openalex/data/...                 an OpenAlex snapshot (works, institutions, manifests)
//   data/vc/deals-YYYY.jsonl.zst           VC deals
//   world/truth.csv, world/sites.csv       the calibration targets and published clusters' sites
//   world/faults.jsonl                     every injected fault (file, line, key)
// Ingest `out_dir/data`.
//
// Streaming: records are written as they are made (one record in memory per
// source); memory is the world's geography (tens of thousands of sites) plus
// one compression buffer per open file. Deterministic for (scale, seed,
// faults, gazetteer).
//
// Thread-safety: independent calls may run concurrently on different out_dirs.
#ifndef STCLUSTER_GEN_WORLD_GENERATOR_H_
#define STCLUSTER_GEN_WORLD_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace stc {

struct WorldGeneratorOptions {
  std::string world = "gii2023";  // The only world so far.
  double scale = 0.05;            // 1 = the real volume (~1.26 M PCT, 7.46 M articles).
  uint64_t seed = 1;
  double faults = 0;      // Rate of injected faults per written record, 0..0.5.
  std::string gazetteer;  // Gazetteer index (required: coordinates and round trips).
  std::string out_dir;    // Created if missing.
};

struct WorldSummary {
  std::vector<std::string> files;  // Data files written, sorted.
  uint64_t pct_records = 0;        // Distinct PCT keys written (all years).
  uint64_t article_records = 0;    // Distinct in-scope article keys written.
  uint64_t out_of_scope = 0;       // Reviews, editorials, SSH-only papers written.
  uint64_t lines = 0;              // Records written, copies included.
  uint64_t faults = 0;             // Faults injected (world/faults.jsonl lines).
  // Distinct keys that must land in the store (faulted and truncated ones excluded).
  uint64_t expected_pct = 0, expected_articles = 0, expected_vc = 0;
  double world_pct = 0, world_articles = 0;  // Window totals (records).
  double max_quota_error = 0;  // Largest |allocated - target| of a published cluster, records.
  std::vector<std::string> warnings;
};

// InvalidArgument for bad options, NotFound when the gazetteer lacks a
// published cluster's place, IoError when a file cannot be written.
Result<WorldSummary> GenerateWorld(const WorldGeneratorOptions& options);

}  // namespace stc

#endif  // STCLUSTER_GEN_WORLD_GENERATOR_H_
