// Ingestion: files -> decompress -> chunk -> parse (parallel) -> count
// (parallel) -> dedup + atomic write (serial) into a Store.
//
// The stages run as one oneTBB parallel_pipeline with a bounded number of
// chunks in flight, so memory stays bounded whatever the input size.
// Results are identical whatever the thread count or the order of the files
// (see docs/formats.md, "Versions", and docs/counting.md).
//
// Thread-safety: Ingest() may not run concurrently on one Store.
#ifndef STCLUSTER_PIPELINE_INGEST_H_
#define STCLUSTER_PIPELINE_INGEST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/location_resolver.h"
#include "core/status.h"
#include "core/units.h"
#include "io/line_chunker.h"
#include "parsers/record_parser.h"
#include "stores/store.h"

namespace stc {

// ingest --replace SOURCE:YEAR: the (source, year) the files replace.
struct ReplaceSpec {
  Source source = Source::kPct;
  int32_t year = 0;
};

// "pct:2021" -> spec; false when malformed.
bool ParseReplaceSpec(std::string_view text, ReplaceSpec* out);
std::string ReplaceSpecName(const ReplaceSpec& spec);

// The store meta entry naming a replace that started and did not complete.
inline constexpr char kReplaceInProgressMeta[] = "replace_in_progress";

// The current UTC time as "2026-12-07T21:31:00Z": when a run began, in the
// store's markers of runs in progress.
std::string RunId();

struct IngestOptions {
  int threads = 0;              // 0 = all cores.
  std::string format = "auto";  // A reader name (parsers/registry.h) or "auto".
  // Which records are in scope (document types, SSH subject filter): see
  // ReaderOptions and docs/formats.md, "Scope".
  ReaderOptions reader;
  LineChunkerOptions chunker;
  // Re-read files the store's file registry says were already ingested and
  // are unchanged (default: skip them; records are deduplicated either way).
  bool reread_unchanged = false;
  // Replace one year of one source (every file is read; see Writer::SetReplace
  // and docs/operations.md). While it runs, the store records it as in
  // progress; readers that need a complete year (rank) refuse until a run of
  // the same replace completes.
  std::optional<ReplaceSpec> replace;
  // Memory budget of the writes buffered between atomic store writes
  // (records and aggregate deltas), split between the buffer being filled and
  // the one being written in the background; larger = fewer, bigger writes
  // (each write re-adds every cell it touches to the aggregates, and each
  // adds a table file that compactions merge).
  size_t flush_bytes = size_t{256} << 20;
  // Rejects log (JSON Lines, appended). Empty = "<store dir>/rejects.jsonl".
  std::string rejects_path;
  // Geocodes locations without coordinates (geo/); null = leave them unlocated.
  const LocationResolver* resolver = nullptr;
  // Called from the serial stage after each chunk (progress displays); may be empty.
  std::function<void(uint64_t compressed_done, uint64_t records_done)> progress;
};

struct FileSummary {
  std::string path;
  std::string format;       // Reader used.
  std::string compression;  // "zstd", "gzip", "none".
  uint64_t compressed_bytes = 0;
  uint64_t bytes = 0;    // Decompressed bytes read.
  uint64_t records = 0;  // Records read from this file.
  std::string error;     // File-level failure (reason: message), empty if none.
  bool skipped = false;  // Registered as ingested and unchanged: not read.
};

struct IngestStats {
  std::vector<FileSummary> files;
  uint64_t files_failed = 0;   // Files with a file-level error (bad compression...).
  uint64_t files_skipped = 0;  // Unchanged since they were ingested (file registry).
  uint64_t compressed_bytes = 0;
  uint64_t bytes = 0;
  // Every record read is exactly one of new, updated, unchanged, skipped,
  // rejected, deleted.
  uint64_t records_read = 0;
  uint64_t records_new = 0;
  uint64_t records_updated = 0;
  uint64_t records_unchanged = 0;      // Identical copies and older versions.
  uint64_t records_older_ignored = 0;  // Of which: older versions than the stored one.
  // Records whose unit held the very bytes their stored copy was read from
  // (with the same reading settings): taken from the store, not parsed
  // again (pipeline/README.md, "Recognised units"). Any outcome; in practice
  // unchanged.
  uint64_t records_recognised = 0;
  // Unchanged records stored without a unit hash (by a version before unit
  // hashes) whose stored copy was rewritten with one, so that later runs
  // recognise them. Counted in records_unchanged; their counts are untouched.
  uint64_t unit_hashes_added = 0;
  // Unchanged records whose stored unit hash was of other bytes (the same
  // record written differently) or other settings (another gazetteer or
  // reader version, other OpenAlex institutions): rewritten with this run's,
  // so that later runs with these settings recognise them. Counted in
  // records_unchanged; their counts are untouched.
  uint64_t unit_hashes_replaced = 0;
  uint64_t records_skipped = 0;  // Out of scope for the metrics (counted, not stored).
  uint64_t records_rejected = 0;
  uint64_t records_deleted = 0;
  // Not records read: stored records of the replaced year absent from the files.
  uint64_t records_removed_by_replace = 0;  // Deletions read (e.g. OpenAlex merged ids).
  // Stored records whose aggregates were rebuilt before this run read
  // anything: a fresh load had stopped before writing them
  // (pipeline/rebuild.h). 0 when there was nothing to rebuild.
  uint64_t records_rebuilt = 0;
  std::map<std::string, uint64_t> rejected_by_reason;  // Record- and file-level reasons.
  std::map<std::string, uint64_t> skipped_by_reason;
  std::map<std::string, uint64_t> warnings;   // Non-fatal remarks by kind.
  std::map<std::string, uint64_t> geocoding;  // Locations by match quality.
  // Units of the records that were written (new or updated) in this run.
  Units units_written = 0;
  Units units_unlocated = 0;
  double seconds = 0;

  // True when anything (a record or a file) was rejected.
  bool AnyRejected() const { return records_rejected > 0 || files_failed > 0; }
  // Human-readable multi-line summary (for stderr).
  std::string ToText() const;
  // The same as one JSON object.
  std::string ToJson() const;
};

// Ingests `inputs` (files, or folders walked recursively in sorted order)
// into `store`. Bad records and bad files are counted and logged, not
// errors. Returns an error only when the store fails (IoError, Corruption) or
// an input path does not exist or cannot be read (NotFound/IoError, before
// anything is written), or the options are invalid.
Result<IngestStats> Ingest(Store* store, const std::vector<std::string>& inputs,
                           const IngestOptions& options);

// Whether an ingest that will read `input_bytes` of files (as stored:
// compressed) with a write budget of `flush_bytes` (IngestOptions) puts its
// write buffers on huge pages (core/large_alloc.h): when the input is at
// least twice the budget, so that each buffer is refilled several times
// (decompressed and encoded, a record takes more room in a buffer than in a
// compressed file). A buffer filled once or twice costs less on small pages
// on the virtual machines we run on (docs/performance.md, "First touches of
// memory"). Ingest sets the choice for the run and restores the previous one.
bool BuffersOnHugePages(uint64_t input_bytes, size_t flush_bytes);

// Expands files and folders into the sorted list of files to read. Hidden
// files (starting with '.') are skipped. NotFound when an input is missing.
Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& inputs);

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_INGEST_H_
