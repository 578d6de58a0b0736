// A brute-force reference of ingest + export, used to check the real
// pipeline on generated dumps.
//
// Deliberately simple and independent of the production code: whole files are
// decompressed in memory, every line is parsed with the simdjson DOM API (the
// readers use On-Demand), keys are normalised, records deduplicated and
// counted per docs/formats.md and docs/counting.md, and the aggregates summed
// in std::maps. Only FormatUnits / FormatE5 and Grid::CellOf are shared with
// the production code.
//
// Test-only code: failures (unreadable file, two different contents of one key
// with the same version, which makes the expected result ambiguous) are
// reported with ADD_FAILURE() and make the returned CSV start with
// "REFERENCE ERROR".
//
// Single-threaded; not synchronised.
#ifndef STCLUSTER_TESTS_REFERENCE_H_
#define STCLUSTER_TESTS_REFERENCE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace stc {

struct ReferenceStats {
  uint64_t records = 0;   // Non-empty lines read.
  uint64_t rejected = 0;  // Lines failing validation.
  std::map<std::string, uint64_t> rejected_by_reason;
  uint64_t keys = 0;  // Distinct (source, key) pairs kept.
};

// The CSV that pipeline/export.h writes for a store created with
// `grid_step_e5` into which `files` were ingested (in any order, any number of
// runs). `stats` may be null.
std::string ReferenceExportCsv(const std::vector<std::string>& files, int32_t grid_step_e5,
                               ReferenceStats* stats);
inline std::string ReferenceExportCsv(const std::vector<std::string>& files, int32_t grid_step_e5) {
  return ReferenceExportCsv(files, grid_step_e5, nullptr);
}

// Exposed for the reference's own tests: PCT application number normalisation.
std::string ReferenceNormalisePctNumber(const std::string& raw);

}  // namespace stc

#endif  // STCLUSTER_TESTS_REFERENCE_H_
