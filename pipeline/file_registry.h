// The registry of ingested files, kept in the store's meta column family
// under "file:<absolute path>", so a nightly job over a growing dump folder
// only reads what is new or changed.
//
// A file's identity is its size and a content fingerprint: a 64-bit hash of
// the size, the first and the last 64 KiB. Computing it reads at most 128 KiB
// whatever the file size, so checking an unchanged file is O(1); a file
// rewritten with a different size or different head/tail bytes is re-read.
// (A rewrite that keeps the size and changes only bytes in the middle would
// be missed: `ingest --force` re-reads everything; records are deduplicated
// either way, so re-reading is always safe.)
#ifndef STCLUSTER_PIPELINE_FILE_REGISTRY_H_
#define STCLUSTER_PIPELINE_FILE_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/status.h"
#include "stores/store.h"

namespace stc {

struct FileIdentity {
  std::string path;  // Absolute, normalised.
  uint64_t size = 0;
  uint64_t fingerprint = 0;
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

struct FileEntry {
  FileIdentity id;
  uint64_t records = 0;  // Records read from it.
  std::string time;      // When it was ingested (UTC, ISO 8601).
  std::string outcome;   // "ok", or "failed: <reason>".
};

// Computes the identity of `path`. IoError/NotFound when it cannot be read.
Result<FileIdentity> IdentifyFile(const std::string& path);

// The registry entry of the absolute path, if any.
Result<std::optional<FileEntry>> LookupFile(const Store& store, const std::string& abs_path);

// Records (or replaces) an entry.
Status RegisterFile(Store* store, const FileEntry& entry);

// Visits every entry in path order.
Status ForEachRegisteredFile(const Store& store, const std::function<Status(const FileEntry&)>& fn);

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_FILE_REGISTRY_H_
