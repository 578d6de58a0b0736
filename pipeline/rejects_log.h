// The rejects log: one JSON object per rejected record or file, appended to a
// file so that nothing read ever disappears silently.
//
//   {"run":"2026-11-30T14:02:11Z","file":"a.jsonl.zst","offset":1234,"line":17,
//    "reason":"bad_date","detail":"unreadable date: 2021-13-01",
//    "prefix":"{\"key\": ..."}
//
// `offset` is the byte offset of the record in the decompressed stream,
// `prefix` its first 200 bytes (invalid UTF-8 replaced by U+FFFD).
// Not thread-safe: the pipeline writes it from its serial stage.
#ifndef STCLUSTER_PIPELINE_REJECTS_LOG_H_
#define STCLUSTER_PIPELINE_REJECTS_LOG_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/status.h"

namespace stc {

// Appends `s` to `*out` as the inside of a JSON string, escaping quotes,
// backslashes and control characters and replacing invalid UTF-8 bytes.
void AppendJsonEscaped(std::string_view s, std::string* out);

class RejectsLog {
 public:
  RejectsLog() = default;
  ~RejectsLog();
  RejectsLog(const RejectsLog&) = delete;
  RejectsLog& operator=(const RejectsLog&) = delete;

  // Opens `path` for appending. IoError when it cannot.
  Status Open(const std::string& path, std::string run_id);
  // `line`: 1-based line of the record's start, 0 when not known (file level).
  void Add(std::string_view file, uint64_t offset, uint64_t line, std::string_view reason,
           std::string_view detail, std::string_view prefix);
  // Flushes; IoError when any write failed.
  Status Close();

 private:
  std::FILE* f_ = nullptr;
  std::string run_id_;
  std::string line_;
  bool failed_ = false;
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_REJECTS_LOG_H_
