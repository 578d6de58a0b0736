// The `generate` subcommand.
#include <iostream>

#include "app/command.h"
#include "gen/generator.h"

namespace stc {
namespace {

struct GenerateArgs {
  uint64_t records = 10000;
  uint64_t seed = 1;
  int files = 2;
  std::string out;
  bool plain = false;
};

int RunGenerate(const GenerateArgs& args) {
  GeneratorOptions o;
  o.records = args.records;
  o.seed = args.seed;
  o.files_per_source = args.files;
  o.compress = !args.plain;
  o.out_dir = args.out;
  auto sum = GenerateNormalisedDump(o);
  if (!sum.ok()) return Fail(sum.status(), kExitInput);
  std::cerr << "wrote " << sum->files.size() << " files, " << sum->lines << " lines, "
            << sum->bytes / 1000000.0 << " MB uncompressed to " << args.out << "\n";
  for (const auto& f : sum->files) std::cout << f << "\n";
  return kExitOk;
}

}  // namespace

Command AddGenerateCommand(CLI::App& app) {
  auto a = std::make_shared<GenerateArgs>();
  CLI::App* sub = app.add_subcommand(
      "generate", "Write a deterministic synthetic dump in the normalised formats (.jsonl.zst).");
  sub->add_option("--records", a->records, "Distinct records")->capture_default_str();
  sub->add_option("--seed", a->seed, "Random seed")->capture_default_str();
  sub->add_option("--files", a->files, "Files per source")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  sub->add_option("--out", a->out, "Output folder")->required();
  sub->add_flag("--plain", a->plain, "Write uncompressed .jsonl");

  return {sub, [a] { return RunGenerate(*a); }};
}

}  // namespace stc
