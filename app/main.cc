// stcluster: the command-line tool. Argument parsing only; the work is in the
// libraries (see app/commands.h and docs/cli.md).
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/commands.h"
#include "parsers/registry.h"

int main(int argc, char** argv) {
  CLI::App app{
      "stcluster: ingest bibliometric dumps (PCT applications, scientific articles) into exact\n"
      "fractional counts per location, the input of a GII-style S&T cluster ranking."};
  app.set_version_flag("--version", "stcluster 0.1.0");
  app.require_subcommand(1);

  stc::IngestArgs ing;
  auto* ingest = app.add_subcommand(
      "ingest",
      "Read dump files (plain, .zst or .gz; folders walked in sorted order) into the store.\n"
      "Records are deduplicated by (source, key); re-running on the same files changes nothing.\n"
      "Exit code 0 = ok, 1 = something was rejected (see DB/rejects.jsonl), 3 = input error,\n"
      "4 = store error.");
  ingest->add_option("--db", ing.db, "Store directory (created when missing)")->required();
  ingest->add_option("inputs", ing.inputs, "Files or folders to read")->required();
  ingest->add_option("--threads", ing.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  ingest->add_option("--format", ing.format,
                     "Reader: auto (detect per file) or one of: " + stc::FormatNames())
      ->capture_default_str();
  ingest->add_option("--stats-json", ing.stats_json, "Also write the run summary as JSON here");
  ingest->add_option("--rejects", ing.rejects, "Rejects log (default: DB/rejects.jsonl)");
  ingest->add_option("--grid-deg", ing.grid_deg,
                     "Rounded-location grid step in degrees for a NEW store (fixed afterwards)")
      ->capture_default_str();
  ingest->add_flag("--quiet,-q", ing.quiet, "No progress display");
  ingest->add_flag("--sync", ing.sync, "fsync every write batch (survives power loss)");

  stc::ExportArgs exp;
  auto* export_cmd = app.add_subcommand(
      "export", "Write the aggregates (units as exact decimals) and per-year world totals.");
  export_cmd->add_option("--db", exp.db, "Store directory")->required();
  export_cmd->add_option("--by", exp.by, "Aggregation level (cell)")
      ->check(CLI::IsMember({"cell"}))
      ->capture_default_str();
  export_cmd->add_option("--source", exp.source, "Only this source (pct, article)");
  export_cmd->add_option("--years", exp.years, "Year range A-B or a single year");
  export_cmd->add_option("--format", exp.format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  export_cmd->add_option("-o,--output", exp.output, "Output file (default: stdout)");

  stc::StatsArgs st;
  auto* stats = app.add_subcommand("stats", "Show what the store holds.");
  stats->add_option("--db", st.db, "Store directory")->required();
  stats->add_flag("--json", st.json, "As JSON");

  stc::GenerateArgs gen;
  auto* generate = app.add_subcommand(
      "generate", "Write a deterministic synthetic dump in the normalised formats (.jsonl.zst).");
  generate->add_option("--records", gen.records, "Distinct records")->capture_default_str();
  generate->add_option("--seed", gen.seed, "Random seed")->capture_default_str();
  generate->add_option("--files", gen.files, "Files per source")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  generate->add_option("--out", gen.out, "Output folder")->required();
  generate->add_flag("--plain", gen.plain, "Write uncompressed .jsonl");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? stc::kExitOk : stc::kExitUsage;
  }
  try {
    if (ingest->parsed()) return stc::RunIngest(ing);
    if (export_cmd->parsed()) return stc::RunExport(exp);
    if (stats->parsed()) return stc::RunStats(st);
    if (generate->parsed()) return stc::RunGenerate(gen);
  } catch (const std::exception& e) {
    std::cerr << "stcluster: internal error: " << e.what() << "\n";
    return stc::kExitInternal;
  }
  return stc::kExitUsage;
}
