// A deterministic generator of normalised dumps (pct-jsonl and article-jsonl,
// docs/formats.md) for demos, tests and benchmarks.
//
// Streaming: records are produced and compressed one at a time, so any size
// (millions of records) needs constant memory. The output depends only on the
// options (same seed -> byte-identical files).
//
// Thread-safety: independent calls may run concurrently on different out_dirs.
#ifndef STCLUSTER_GEN_GENERATOR_H_
#define STCLUSTER_GEN_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace stc {

struct GeneratorOptions {
  uint64_t records = 10000;  // Distinct records (keys) to write, both sources together.
  uint64_t seed = 1;
  int files_per_source = 2;       // Files per source: pct-NNN.jsonl.zst, article-NNN.jsonl.zst.
  double pct_share = 0.4;         // Share of records that are PCT applications.
  double duplicate_rate = 0.03;   // Extra identical copies of earlier records, in later files.
  double correction_rate = 0.01;  // Extra corrected versions (newer `updated`, moved inventors).
  int zstd_level = 3;
  bool compress = true;  // false writes plain .jsonl (for debugging).
  std::string out_dir;   // Created if missing.
};

struct GeneratorSummary {
  std::vector<std::string> files;  // Written files, sorted.
  uint64_t lines = 0;              // Lines written (records + duplicates + corrections).
  uint64_t bytes = 0;              // Uncompressed bytes written.
};

// Writes the dump. IoError when a file cannot be written.
Result<GeneratorSummary> GenerateNormalisedDump(const GeneratorOptions& options);

}  // namespace stc

#endif  // STCLUSTER_GEN_GENERATOR_H_
