// The stcluster subcommands. Each Add*Command registers its options on the
// CLI11 app and returns the function that runs it; run functions print data
// to stdout and diagnostics to stderr and return a process exit code
// (ExitCode, docs/cli.md). One file per command: cmd_<name>.cc.
#ifndef STCLUSTER_APP_COMMAND_H_
#define STCLUSTER_APP_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "stores/store.h"

namespace stc {

// Exit codes, stable for schedulers.
enum ExitCode : int {
  kExitOk = 0,            // Success, nothing rejected.
  kExitRejected = 1,      // Finished; some records or files were rejected (see the rejects log).
  kExitUsage = 2,         // Bad command line.
  kExitInput = 3,         // An input path is missing or unreadable.
  kExitStore = 4,         // The store cannot be opened, is locked, or a write failed.
  kExitInternal = 5,      // A bug.
  kExitVerifyFailed = 6,  // `verify`: the store is inconsistent (details printed).
};

struct Command {
  CLI::App* sub = nullptr;
  std::function<int()> run;
};

Command AddIngestCommand(CLI::App& app);
Command AddExportCommand(CLI::App& app);
Command AddStatsCommand(CLI::App& app);
Command AddGenerateCommand(CLI::App& app);
Command AddGeocodeCommand(CLI::App& app);
Command AddGazetteerCommand(CLI::App& app);
Command AddDelineateCommand(CLI::App& app);
Command AddRankCommand(CLI::App& app);
Command AddShowCommand(CLI::App& app);
Command AddVerifyCommand(CLI::App& app);
Command AddBackupCommand(CLI::App& app);
Command AddRejectsCommand(CLI::App& app);
Command AddReportCommand(CLI::App& app);

// Shared helpers for commands.
// The gazetteer index to use: $STC_GAZETTEER, else the one scripts/setup builds.
std::string DefaultGazetteerPath();
// Prints "stcluster: <status>" to stderr and returns `code`.
int Fail(const Status& st, int code);
// Maps a store-opening failure to its exit code (usage or store).
int StoreFail(const Status& st);
// Opens an existing store read-only (works while an ingest runs).
Result<std::unique_ptr<Store>> OpenForReading(const std::string& db);
// An error naming the replace when one started and did not complete (its
// year is half replaced: rankings and exports would be wrong), else OK.
Status CheckNoReplaceInProgress(const Store& store);
// "2019-2023" or "2021" into an inclusive range; "" keeps the defaults.
bool ParseYears(const std::string& s, int32_t* from, int32_t* to);
// Output paths: "" (no option given) and "-" mean standard output.
bool IsStdout(const std::string& path);
// Writes `text` to `path` (standard output for "" and "-"); kExitOk, or
// Fail(IoError naming the path, kExitInput) when it could not be written.
int WriteOutput(const std::string& path, std::string_view text);

}  // namespace stc

#endif  // STCLUSTER_APP_COMMAND_H_
