// An OpenAlex snapshot as a hostile party could ship it: the works manifest,
// an institutions partition, a works partition and a merged-ids list, all
// from the input (split at each "\n@@@@\n", in that order). PlanInputs
// (parsers/input_plan.h) reads the manifest and loads the institutions; then
// the planned files go through the read stage with the loaded OrgIndex,
// every item checked (fuzz_util.h).
//
// Checked besides: no manifest entry makes the plan look outside the snapshot
// (a "..", absolute or empty path is refused as bad_manifest), and the plan
// reads exactly the works and merged-ids files it was given.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "parsers/input_plan.h"

namespace {

namespace fs = std::filesystem;

bool Inside(const std::string& path, const std::string& root) {
  std::string p = fs::path(path).lexically_normal().string();
  return p.rfind(root + "/", 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kNames[] = {
      "openalex/data/works/manifest",
      "openalex/data/institutions/updated_date=2024-01-01/part_000",
      "openalex/data/works/updated_date=2024-01-01/part_000",
      "openalex/data/merged_ids/works/2024-02-01.csv",
  };
  constexpr std::string_view kSeparator = "\n@@@@\n";
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> files;
  uint64_t max_offset = 0;
  for (size_t i = 0; i < 4; ++i) {
    size_t at = i < 3 ? rest.find(kSeparator) : std::string_view::npos;
    std::string_view part = rest.substr(0, at);
    max_offset = std::max(max_offset, stc::fuzz::MaxOffsetFor(part));
    files.push_back(stc::fuzz::WriteScratchFile(kNames[i], part));
    rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + kSeparator.size());
  }
  const std::string root = stc::fuzz::ScratchDir() + "/openalex";
  std::sort(files.begin(), files.end());  // As ExpandInputs gives them.

  stc::Result<stc::InputPlan> plan = stc::PlanInputs(files, nullptr);
  STC_FUZZ_CHECK(plan.ok(), plan.status().message());
  for (const stc::PlanProblem& p : plan->problems) {
    stc::fuzz::CheckReasonCode(p.reason);
    stc::fuzz::CheckJsonEscaping(p.detail);
    STC_FUZZ_CHECK(Inside(p.path, root), "the plan looked outside the snapshot: " + p.path);
  }
  STC_FUZZ_CHECK(
      plan->files.size() == 2 && plan->formats.size() == 2 && plan->expected_records.size() == 2,
      "the plan must read the works and merged-ids files only");
  for (const std::string& f : plan->files) STC_FUZZ_CHECK(Inside(f, root), f);

  stc::ReaderContext context;
  context.orgs = plan->orgs.get();
  stc::fuzz::RunReadStage(plan->files, nullptr, &plan->formats, context,
                          stc::fuzz::ChunkOptionsFor(size), max_offset);
  return 0;
}
