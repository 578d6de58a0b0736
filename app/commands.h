// The stcluster subcommands. Each runs one job through the libraries and
// returns a process exit code (see docs/cli.md); they print the data to stdout
// and diagnostics to stderr. Only the executable uses this header.
#ifndef STCLUSTER_APP_COMMANDS_H_
#define STCLUSTER_APP_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace stc {

// Exit codes, stable for schedulers.
enum ExitCode : int {
  kExitOk = 0,           // Success, nothing rejected.
  kExitRejected = 1,     // Finished; some records or files were rejected (see the rejects log).
  kExitUsage = 2,        // Bad command line.
  kExitInput = 3,        // An input path is missing or unreadable.
  kExitStore = 4,        // The store cannot be opened, is locked, or a write failed.
  kExitInternal = 5,     // A bug.
};

struct IngestArgs {
  std::string db;
  std::vector<std::string> inputs;
  int threads = 0;
  std::string format = "auto";
  std::string stats_json;
  std::string rejects;
  double grid_deg = 0.01;
  bool quiet = false;
  bool sync = false;
};
int RunIngest(const IngestArgs& args);

struct ExportArgs {
  std::string db;
  std::string by = "cell";
  std::string source;
  std::string years;
  std::string format = "csv";
  std::string output;  // Empty = stdout.
};
int RunExport(const ExportArgs& args);

struct StatsArgs {
  std::string db;
  bool json = false;
};
int RunStats(const StatsArgs& args);

struct GenerateArgs {
  uint64_t records = 10000;
  uint64_t seed = 1;
  int files = 2;
  std::string out;
  bool plain = false;
};
int RunGenerate(const GenerateArgs& args);

}  // namespace stc

#endif  // STCLUSTER_APP_COMMANDS_H_
