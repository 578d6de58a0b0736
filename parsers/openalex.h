// `openalex`: OpenAlex works (docs/formats.md, "openalex"), gzip JSON Lines
// partitions of a snapshot (`works/updated_date=YYYY-MM-DD/part_NNN.gz`) or
// any JSON Lines file of works; coordinates come from the institutions
// OrgIndex that PlanInputs loads (parsers/input_plan.h). simdjson DOM.
//
// `openalex-merged`: the snapshot's `merged_ids/works/*.csv.gz`
// (merge_date,id,merge_into_id): each line deletes the work `id`.
#ifndef STCLUSTER_PARSERS_OPENALEX_H_
#define STCLUSTER_PARSERS_OPENALEX_H_

#include <string>
#include <string_view>

#include "parsers/record_parser.h"

namespace stc {

// Static instances; thread-safe.
const Format& OpenAlexFormat();
const Format& OpenAlexMergedFormat();

// "https://openalex.org/W123" -> "W123"; "W123" as is; trimmed.
std::string OpenAlexShortId(std::string_view id);
// The same as a view into `id`.
std::string_view OpenAlexShortIdView(std::string_view id);

// The YYYYMMDD of an `updated_date=YYYY-MM-DD` folder in `path`, or 0.
int32_t PartitionDate(std::string_view path);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_OPENALEX_H_
