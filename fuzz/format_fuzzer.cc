// One fuzz target per reader of AllFormats() (parsers/registry.h): this file
// is compiled once per format with STC_FUZZ_FORMAT set to the reader's name.
//
// The input is one whole file. It goes through the pipeline's read stage as
// `stcluster ingest --format NAME` would read it (fuzz_util.h, RunReadStage):
// byte source, peek, framing, chunker, parser, sink, counting, record codec;
// every record, reject, skip and deletion is checked (units sum to 10^9,
// encode/decode round trip, reason codes, rejects-log escaping). Every
// reader must also read each line (or, a reader of documents, the input)
// alike whether its sink takes persons as views or not, also once geocoded
// (fuzz_util.h, CheckPersonViews).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "parsers/org_index.h"
#include "parsers/registry.h"

#ifndef STC_FUZZ_FORMAT
#error "STC_FUZZ_FORMAT must name a reader (parsers/registry.h)"
#endif

namespace {

// The context of the run: the default scope, and for OpenAlex works a small
// institutions index (the ids of tests/fixtures/openalex) so that the
// institution lookups are exercised.
const stc::ReaderContext& Context() {
  static const stc::OrgIndex* orgs = [] {
    auto* index = new stc::OrgIndex();
    index->Put("I1", {true, 4227756, -8374088, "US", "Ann Arbor", 4984247});
    index->Put("I3", {true, 5220000, 11667, "GB", "Cambridge", 2653941});
    index->Put("I4", {false, 0, 0, "JP", "", 0});
    return index;
  }();
  static const stc::ReaderContext context = [] {
    stc::ReaderContext c;
    c.orgs = orgs;
    return c;
  }();
  return context;
}

}  // namespace

// With STC_FUZZ_PRINT_FORMATS set, prints the name of every reader of
// AllFormats() and exits: scripts/fuzz checks that each has a target.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  if (std::getenv("STC_FUZZ_PRINT_FORMATS") != nullptr) {
    for (const stc::Format* f : stc::AllFormats()) {
      std::printf("%.*s\n", static_cast<int>(f->name().size()), f->name().data());
    }
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const stc::Format* format = stc::FindFormat(STC_FUZZ_FORMAT);
  if (format == nullptr) stc::fuzz::Fail("unknown reader", STC_FUZZ_FORMAT);
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string path = stc::fuzz::WriteScratchFile("input", bytes);
  stc::fuzz::RunReadStage({path}, format, nullptr, Context(), stc::fuzz::ChunkOptionsFor(size),
                          stc::fuzz::MaxOffsetFor(bytes));
  // A reader must read a unit alike for either kind of sink, as read and
  // once geocoded.
  stc::fuzz::CheckPersonViews(*format, Context(), bytes);
  stc::fuzz::CheckPersonViews(*format, Context(), bytes, &stc::fuzz::MiniGeoResolver());
  return 0;
}
