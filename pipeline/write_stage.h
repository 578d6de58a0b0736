// The pipeline's last stage: dedup of each chunk's records against the store
// and the records pending in memory, and atomic writes.
//
// Runs serially, in stream order. Decisions (new / updated / unchanged /
// older version / deleted) are made per record as it arrives, so the counts
// are exact; the writes themselves are buffered across chunks (records and
// the combined aggregate deltas) and applied in one atomic batch whenever the
// buffer exceeds its budget and at the end (Finish). A crash therefore loses
// at most the unflushed buffer, never half of it: a re-run re-does that part.
// Internal to pipeline/.
#ifndef STCLUSTER_PIPELINE_WRITE_STAGE_H_
#define STCLUSTER_PIPELINE_WRITE_STAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pipeline/contributions.h"
#include "pipeline/ingest.h"
#include "pipeline/key_filter.h"
#include "pipeline/pending_table.h"
#include "pipeline/rejects_log.h"
#include "pipeline/work.h"
#include "stores/store.h"

namespace stc {

class Writer {
 public:
  // All pointers must outlive the Writer. `flush_bytes`: buffer budget
  // (encoded record bytes) that triggers a write.
  Writer(Store* store, IngestStats* stats, RejectsLog* log, const std::vector<std::string>* files,
         size_t flush_bytes);

  // Reads the store state the Writer needs (whether it is empty).
  Status Start();
  // Dedups one chunk (or records its file-level error); may flush. Fails only
  // when the store fails.
  Status Write(Work* w);
  // Replace mode (ingest --replace): records of other sources or years are
  // skipped, the files' records of (source, year) win over the stored ones,
  // and Finish removes the stored records of (source, year) the files did not
  // hold. Call before the first Write.
  void SetReplace(Source source, int32_t year) { replace_ = ReplaceSpec{source, year}; }
  // Writes whatever is still buffered (and, in replace mode, removes what the
  // files no longer hold).
  Status Finish();

 private:
  // State of a key fetched from the store for one chunk's decisions.
  struct Fetched {
    int32_t version = 0;
    uint64_t fingerprint = 0;
    std::string value;
  };

  Status Flush();
  Status DecodeStored(std::string_view value, CountedRecord* out);
  void FileError(FileSummary& fsum, const std::string& path, uint64_t offset,
                 const std::string& reason, const std::string& detail);

  Store* store_;
  IngestStats* stats_;
  RejectsLog* log_;
  const std::vector<std::string>* files_;
  size_t flush_bytes_;
  std::vector<uint64_t> file_lines_;  // Lines before the current chunk, per file.
  bool store_was_empty_ = false;
  std::optional<ReplaceSpec> replace_;
  std::unordered_set<std::string> replace_seen_;  // Store keys of the replaced year seen.
  KeyFilter written_;  // Keys flushed during this run (store_was_empty_ only).

  // Buffered record states by store record key (source byte + key).
  PendingTable pending_;
  DeltaMap deltas_;

  // Per-chunk scratch.
  std::vector<std::string_view> fetch_keys_;
  std::vector<std::string> fetch_full_keys_;
  std::vector<std::optional<std::string>> fetched_values_;
  std::unordered_map<std::string, Fetched> fetched_;  // This chunk's clean stored states.
  CountedRecord scratch_;
  StoreBatch batch_;
  struct SortKey {
    uint64_t hi, lo;  // Key bytes 0-7 and 8-15, big-endian, zero-padded.
    uint32_t index;   // Into pending_.entries().
  };
  std::vector<SortKey> order_;
  std::vector<Store::RecordWrite> writes_;
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_WRITE_STAGE_H_
