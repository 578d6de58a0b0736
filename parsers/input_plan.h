// What one ingest run reads, in which order and with which reader, decided
// once before the run from the expanded list of input files.
//
// Most inputs are read as given (sorted, each file's reader forced or
// detected). An OpenAlex snapshot (docs/formats.md, "openalex") needs more:
// its `institutions` partitions are loaded into an OrgIndex (the source of
// coordinates) instead of being read as records; every `manifest` is checked
// (listed files present, sizes and record counts as declared; a manifest
// path that leaves the snapshot, e.g. with "..", is refused); `works`
// partitions are read oldest `updated_date` first; `merged_ids/works/*.csv.gz`
// are read last, as deletions; other entities are not read.
//
// Thread-safety: PlanInputs is a pure function of the files; the plan is
// read-only once built.
#ifndef STCLUSTER_PARSERS_INPUT_PLAN_H_
#define STCLUSTER_PARSERS_INPUT_PLAN_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "parsers/org_index.h"
#include "parsers/record_parser.h"

namespace stc {

inline constexpr uint64_t kNoExpectedRecords = UINT64_MAX;

// A file-level problem found while planning (named file, reason code).
struct PlanProblem {
  std::string path;
  std::string reason;  // "missing_file", "short_file", "bad_manifest".
  std::string detail;
};

struct InputPlan {
  std::vector<std::string> files;          // To read, in this order.
  std::vector<const Format*> formats;      // Per file: its reader, or null (forced/detected).
  std::vector<uint64_t> expected_records;  // Per file: declared record count or kNoExpectedRecords.
  std::vector<PlanProblem> problems;       // File-level errors found before reading.
  std::map<std::string, uint64_t> notes;   // Counted remarks for the run summary.
  std::unique_ptr<OrgIndex> orgs;          // OpenAlex institutions, or null.
};

// Plans a run over `files` (sorted, as ExpandInputs gives them). `forced` is
// the --format reader or null (auto). Returns IoError only when a snapshot
// file that must be read before the run (a manifest, an institutions
// partition) cannot be opened at all; bad content becomes a problem.
Result<InputPlan> PlanInputs(const std::vector<std::string>& files, const Format* forced);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_INPUT_PLAN_H_
