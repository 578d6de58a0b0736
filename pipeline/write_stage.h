// The pipeline's last stage: dedup of a chunk's records against the store and
// one atomic write per chunk. Runs serially, in stream order. Internal to
// pipeline/.
#ifndef STCLUSTER_PIPELINE_WRITE_STAGE_H_
#define STCLUSTER_PIPELINE_WRITE_STAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pipeline/contributions.h"
#include "pipeline/ingest.h"
#include "pipeline/rejects_log.h"
#include "pipeline/work.h"
#include "stores/store.h"

namespace stc {

// State of one stored or pending key during a chunk's dedup.
struct KeyState {
  bool exists = false;
  int32_t version = 0;
  uint64_t fingerprint = 0;
  const std::string* value = nullptr;  // Current encoded value.
  bool dirty = false;                  // Must be written.
};

// The serial stage: dedups a chunk against the store and writes it atomically.
class Writer {
 public:
  // All pointers must outlive the Writer.
  Writer(Store* store, IngestStats* stats, RejectsLog* log, const std::vector<std::string>* files)
      : store_(store), stats_(stats), log_(log), files_(files) {}

  // Dedups and writes one chunk (or records its file-level error). Fails
  // only when the store fails.
  Status Write(Work* w);

 private:
  Status DecodeStored(const std::string& value, const std::string& path, CountedRecord* out);

  void FileError(FileSummary& fsum, const std::string& path, uint64_t offset,
                 const std::string& reason, const std::string& detail);

  Store* store_;
  IngestStats* stats_;
  RejectsLog* log_;
  const std::vector<std::string>* files_;
  std::vector<std::string_view> keys_;
  std::unordered_map<std::string_view, size_t> index_;
  std::vector<std::optional<std::string>> stored_;
  std::vector<KeyState> states_;
  CountedRecord scratch_;
  DeltaMap deltas_;
  StoreBatch batch_;
};

// The serial input stage: walks the files and cuts them into chunks.
}  // namespace stc

#endif  // STCLUSTER_PIPELINE_WRITE_STAGE_H_
