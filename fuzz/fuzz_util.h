// Shared harness of the libFuzzer targets (fuzz/README.md): scratch files,
// the pipeline's read stage run over one input, and the invariants every
// parsed item must hold. A violated invariant prints what failed and calls
// abort(), so that libFuzzer reports the input as a crash.
//
// Test-only code: never linked into the libraries or the CLI.
// Thread-safety: none (a fuzz target runs one input at a time).
#ifndef STCLUSTER_FUZZ_FUZZ_UTIL_H_
#define STCLUSTER_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/location_resolver.h"
#include "io/line_chunker.h"
#include "parsers/record_parser.h"

namespace stc::fuzz {

// Prints "fuzz invariant violated: what (detail)" to stderr and aborts.
[[noreturn]] void Fail(std::string_view what, std::string_view detail = {});

#define STC_FUZZ_CHECK(cond, detail)                 \
  do {                                               \
    if (!(cond)) ::stc::fuzz::Fail(#cond, (detail)); \
  } while (0)

// A private scratch directory of this process (under $TMPDIR, else /dev/shm
// when writable: no disk I/O, else /tmp), created on first use, removed at a
// normal exit (a crashing run leaves it; scripts/fuzz points TMPDIR to a
// folder of its own and removes that).
const std::string& ScratchDir();

// Writes `bytes` to ScratchDir()/name (replacing it) and returns the path.
// Aborts when the file cannot be written (a harness failure, not a finding).
std::string WriteScratchFile(const std::string& name, std::string_view bytes);

// Chunking options derived deterministically from the input's size, so that
// small chunks, chunk boundaries inside units and oversized units are all
// reached, and a reproducer behaves the same when run alone.
LineChunkerOptions ChunkOptionsFor(size_t input_size);

// The largest decompressed offset `file_bytes` can have: its size, or
// UINT64_MAX when it may be compressed (starts like a zstd or gzip stream).
uint64_t MaxOffsetFor(std::string_view file_bytes);

// What RunReadStage saw, for targets that check more.
struct ReadStageCounts {
  uint64_t records = 0;
  uint64_t rejects = 0;
  uint64_t skips = 0;
  uint64_t deletes = 0;
  uint64_t file_errors = 0;
};

// Runs the pipeline's read stage over `files` exactly as ingest does
// (pipeline/read_stage.h: Reader -> byte source -> peek + detect ->
// LineChunker/UnitChunker -> ParseWork -> ItemSink -> CountRecord ->
// EncodeCountedRecord), with one fresh ThreadState, and checks every item
// with CheckItem. `forced` is the --format reader or null (auto);
// `file_formats` as in Reader (may be null). `max_offset` bounds every item's
// offset (the decompressed size, or UINT64_MAX when unknown).
ReadStageCounts RunReadStage(const std::vector<std::string>& files, const Format* forced,
                             const std::vector<const Format*>* file_formats,
                             const ReaderContext& context, const LineChunkerOptions& chunking,
                             uint64_t max_offset);

// Parses every line of `bytes` (with no decompression; the whole of `bytes`
// as one unit when `format` frames it other than as lines) with two parsers
// of `format`: one for a sink that takes
// persons as views (Record::person_views), as the ingest's, one for a sink
// that does not. Aborts unless both give the same rejects, skips and
// records, and the same counted records (core/record.h: the two forms of a
// record's persons must not change what is stored). With `resolver`, every
// record is resolved first as the ingest's sink does (views through
// ThreadResolver::ResolveViews, Person objects through Resolve), by one
// thread resolver per form, and the outcomes include the resolvers' counts.
void CheckPersonViews(const Format& format, const ReaderContext& context, std::string_view bytes,
                      const LocationResolver* resolver = nullptr);

// A geocoder over the hand-made gazetteer of geo/testdata (a few dozen
// places), built once: for CheckPersonViews.
const LocationResolver& MiniGeoResolver();

// Aborts unless `s`, escaped by AppendJsonEscaped (pipeline/rejects_log.h)
// and put between quotes, is a valid JSON string (valid UTF-8, no raw control
// character) that decodes back to `s` exactly when `s` is valid UTF-8.
void CheckJsonEscaping(std::string_view s);

// Aborts unless `reason` is a stable reason code: 1..64 bytes of [a-z0-9_].
void CheckReasonCode(std::string_view reason);

}  // namespace stc::fuzz

#endif  // STCLUSTER_FUZZ_FUZZ_UTIL_H_
