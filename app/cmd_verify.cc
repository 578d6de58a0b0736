// The `verify` subcommand: recompute every aggregate from the stored records
// and compare (pipeline/verify.h).
#include <iostream>
#include <string>

#include "app/command.h"
#include "core/grid.h"
#include "pipeline/rejects_log.h"
#include "pipeline/verify.h"

namespace stc {
namespace {

struct VerifyArgs {
  std::string db;
  bool json = false;
  size_t max_differences = 20;
  int threads = 0;
  uint64_t group_mb = 32;
};

std::string Json(std::string_view s) {
  std::string out = "\"";
  AppendJsonEscaped(s, &out);
  return out + "\"";
}

// Units as exact decimals; record counts as integers.
std::string Value(const VerifyDifference& d, int64_t v) {
  return d.column == "records" ? std::to_string(v) : FormatUnits(v);
}

void PrintJson(const Store& store, const VerifyReport& r) {
  const Grid& grid = store.grid();
  std::cout << "{\"store\":" << Json(store.dir()) << ",\"ok\":" << (r.ok() ? "true" : "false")
            << ",\"records\":" << r.records << ",\"passes\":" << r.passes
            << ",\"aggregates_stored\":" << r.aggregates_stored
            << ",\"aggregates_recomputed\":" << r.aggregates_recomputed
            << ",\"totals\":" << r.totals_stored << ",\"cluster_maps\":" << r.cluster_maps
            << ",\"saved_rankings\":" << r.saved_rankings
            << ",\"saved_profiles\":" << r.saved_profiles << ",\"saved_noise\":" << r.saved_noise
            << ",\"current_cluster_map\":"
            << (r.current_cluster_map ? std::to_string(*r.current_cluster_map) : "null")
            << ",\"difference_count\":" << r.difference_count << ",\"differences\":[";
  for (size_t i = 0; i < r.differences.size(); ++i) {
    const VerifyDifference& d = r.differences[i];
    std::cout << (i ? "," : "") << "{\"kind\":\"" << (d.is_totals ? "totals" : "aggregate")
              << "\",\"source\":\"" << SourceName(d.key.source) << "\",\"year\":" << d.key.year;
    if (!d.is_totals) {
      std::string country;
      if (d.key.country[0] != 0 || d.key.country[1] != 0) country.assign(d.key.country, 2);
      std::cout << ",\"lat\":\"" << FormatE5(grid.CentreLatE5(d.key.cell)) << "\",\"lon\":\""
                << FormatE5(grid.CentreLonE5(d.key.cell)) << "\",\"country\":" << Json(country)
                << ",\"field\":" << Json(d.key.field);
    }
    std::cout << ",\"column\":\"" << d.column << "\",\"stored\":\"" << Value(d, d.stored)
              << "\",\"recomputed\":\"" << Value(d, d.recomputed) << "\"}";
  }
  std::cout << "],\"problem_count\":" << r.problem_count << ",\"problems\":[";
  for (size_t i = 0; i < r.problems.size(); ++i) {
    std::cout << (i ? "," : "") << Json(r.problems[i]);
  }
  std::cout << "],\"notes\":[";
  for (size_t i = 0; i < r.notes.size(); ++i) std::cout << (i ? "," : "") << Json(r.notes[i]);
  std::cout << "]}\n";
}

void PrintText(const Store& store, const VerifyReport& r) {
  std::cout << "store:        " << store.dir() << "\n"
            << "records:      " << r.records << " read"
            << (r.passes > 1 ? " (" + std::to_string(r.passes) + " passes)" : std::string()) << "\n"
            << "aggregates:   " << r.aggregates_stored << " stored, " << r.aggregates_recomputed
            << " recomputed from the records\n"
            << "totals:       " << r.totals_stored << " (source, year)\n"
            << "cluster maps: " << r.cluster_maps << " checked";
  if (r.current_cluster_map) std::cout << " (current: version " << *r.current_cluster_map << ")";
  if (r.saved_rankings > 0) std::cout << "; its saved ranking sums checked";
  if (r.saved_profiles > 0) std::cout << "; its saved profile tallies checked";
  if (r.saved_noise > 0) std::cout << "; its saved noise locations checked";
  std::cout << "\n";
  if (r.difference_count > 0) {
    std::cout << "differences:  " << r.difference_count;
    if (static_cast<size_t>(r.difference_count) > r.differences.size()) {
      std::cout << " (first " << r.differences.size() << " listed)";
    }
    std::cout << "\n";
    for (const VerifyDifference& d : r.differences) {
      std::cout << "  " << DescribeDifferenceKey(d, store.grid()) << " " << d.column << ": stored "
                << Value(d, d.stored) << ", recomputed " << Value(d, d.recomputed) << "\n";
    }
  }
  if (r.problem_count > 0) {
    std::cout << "problems:     " << r.problem_count;
    if (static_cast<size_t>(r.problem_count) > r.problems.size()) {
      std::cout << " (first " << r.problems.size() << " listed)";
    }
    std::cout << "\n";
    for (const std::string& p : r.problems) std::cout << "  " << p << "\n";
  }
  for (const std::string& n : r.notes) std::cout << "note: " << n << "\n";
  if (r.ok()) {
    std::cout << "result:       consistent\n";
  } else {
    std::cout << "result:       INCONSISTENT (" << r.difference_count << " differences, "
              << r.problem_count << " problems)\n";
  }
}

int RunVerify(const VerifyArgs& args) {
  auto store = OpenForReading(args.db);
  if (!store.ok()) return StoreFail(store.status());
  VerifyOptions options;
  options.max_differences = args.max_differences;
  options.threads = args.threads;
  options.group_bytes = args.group_mb << 20;
  auto report = VerifyStore(**store, options);
  if (!report.ok()) return Fail(report.status(), kExitStore);
  if (args.json) {
    PrintJson(**store, *report);
  } else {
    PrintText(**store, *report);
  }
  if (!report->ok()) {
    std::cerr << "stcluster: store " << args.db << " is inconsistent: " << report->difference_count
              << " differences, " << report->problem_count << " problems\n";
    return kExitVerifyFailed;
  }
  return kExitOk;
}

}  // namespace

Command AddVerifyCommand(CLI::App& app) {
  auto a = std::make_shared<VerifyArgs>();
  CLI::App* sub = app.add_subcommand(
      "verify",
      "Recompute every aggregate and total from the stored records and compare them with the "
      "stored ones; check the records and the cluster maps. Exit 6 when inconsistent.");
  sub->add_option("--db", a->db, "Store directory")->required();
  sub->add_flag("--json", a->json, "As JSON");
  sub->add_option("--max-differences", a->max_differences,
                  "Differences and problems listed (all are counted)")
      ->capture_default_str();
  sub->add_option("--threads", a->threads,
                  "Threads reading the records (default: all cores; the report is the same)")
      ->check(CLI::Range(0, 1024));
  sub->add_option("--group-mb", a->group_mb,
                  "Memory bound: the (source, year) pairs are compared in groups of about this "
                  "many MB of stored aggregates, one pass over the records each (0: one pass; "
                  "the report is the same)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 30));
  return {sub, [a] { return RunVerify(*a); }};
}

}  // namespace stc
