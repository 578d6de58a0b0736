// The `generate` subcommand: a normalised dump (--records) or the calibrated
// synthetic world (--world gii2023).
#include <iostream>

#include "app/command.h"
#include "gen/generator.h"
#include "gen/world_generator.h"

namespace stc {
namespace {

struct GenerateArgs {
  uint64_t records = 10000;
  uint64_t seed = 1;
  int files = 2;
  std::string out;
  bool plain = false;
  std::string world;
  double scale = 0.05;
  double faults = 0;
  std::string gazetteer;
};

int RunWorld(const GenerateArgs& args) {
  WorldGeneratorOptions o;
  o.world = args.world;
  o.scale = args.scale;
  o.seed = args.seed;
  o.faults = args.faults;
  o.out_dir = args.out;
  o.gazetteer = args.gazetteer.empty() ? DefaultGazetteerPath() : args.gazetteer;
  auto sum = GenerateWorld(o);
  if (!sum.ok()) {
    int code = sum.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitInput;
    return Fail(sum.status(), code);
  }
  for (const std::string& w : sum->warnings) std::cerr << "warning: " << w << "\n";
  std::cerr << "world " << o.world << " scale " << o.scale << ": " << sum->files.size()
            << " files, " << sum->lines << " records written; " << sum->pct_records
            << " PCT applications, " << sum->article_records << " articles (+" << sum->out_of_scope
            << " out of scope); world totals " << sum->world_pct << " PCT, " << sum->world_articles
            << " articles; largest quota error " << sum->max_quota_error << " records; "
            << sum->faults << " faults injected\n"
            << "expected in the store: " << sum->expected_pct << " PCT, " << sum->expected_articles
            << " articles, " << sum->expected_vc << " VC deals\n"
            << "ingest " << args.out << "/data\n";
  for (const auto& f : sum->files) std::cout << f << "\n";
  return kExitOk;
}

int RunGenerate(const GenerateArgs& args) {
  if (!args.world.empty()) return RunWorld(args);
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
      "generate",
      "Write a deterministic synthetic dump: normalised formats (--records), or the calibrated "
      "GII 2023 world in the real source formats (--world gii2023, docs/world.md).");
  sub->add_option("--records", a->records, "Distinct records")->capture_default_str();
  sub->add_option("--seed", a->seed, "Random seed")->capture_default_str();
  sub->add_option("--files", a->files, "Files per source")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  sub->add_option("--out", a->out, "Output folder")->required();
  sub->add_flag("--plain", a->plain, "Write uncompressed .jsonl");
  sub->add_option("--world", a->world, "Generate a calibrated world: gii2023");
  sub->add_option("--scale", a->scale, "World volume (1 = the real one, ~8.7 M records)")
      ->check(CLI::Range(0.0001, 4.0))
      ->capture_default_str();
  sub->add_option("--faults", a->faults,
                  "Rate of injected faults (malformed lines, bad coordinates, unknown places, "
                  "a truncated file per source), listed in OUT/world/faults.jsonl")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  sub->add_option("--gazetteer", a->gazetteer,
                  "Gazetteer index (default: $STC_GAZETTEER or the one scripts/setup builds)");
  return {sub, [a] { return RunGenerate(*a); }};
}

}  // namespace stc
