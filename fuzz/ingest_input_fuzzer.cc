// The read stage with format detection (`stcluster ingest` without
// --format) over one to four files of any compression.
//
// Input layout: byte 0 picks the files' name suffix ("", ".zst", ".gz",
// ".json", ".xml", ".csv", ".jsonl", ".txt"); the rest is split at each
// "\n@@@@\n" into files (at most four), read in order by one Reader, so that
// per-file state (detected format, framing, first line) is exercised across
// files. Every item is checked as in the per-format targets (fuzz_util.h).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "parsers/record_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kSuffixes[] = {"",     ".zst", ".gz",    ".json",
                                          ".xml", ".csv", ".jsonl", ".txt"};
  if (size < 1) return 0;
  const std::string suffix = kSuffixes[data[0] & 7];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr std::string_view kSeparator = "\n@@@@\n";
  std::vector<std::string> files;
  uint64_t max_offset = 0;
  while (true) {
    size_t at = files.size() < 3 ? rest.find(kSeparator) : std::string_view::npos;
    std::string_view part = rest.substr(0, at);
    max_offset = std::max(max_offset, stc::fuzz::MaxOffsetFor(part));
    files.push_back(
        stc::fuzz::WriteScratchFile("in" + std::to_string(files.size()) + suffix, part));
    if (at == std::string_view::npos) break;
    rest.remove_prefix(at + kSeparator.size());
  }
  stc::fuzz::RunReadStage(files, nullptr, nullptr, stc::Format::DefaultReaderContext(),
                          stc::fuzz::ChunkOptionsFor(size), max_offset);
  return 0;
}
