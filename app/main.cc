// stcluster: the command-line tool. Argument parsing only; each subcommand
// lives in app/cmd_<name>.cc over the libraries (docs/cli.md).
#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "app/command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "stcluster: ingest bibliometric dumps (PCT applications, scientific articles) into exact\n"
      "fractional counts per location, the input of a GII-style S&T cluster ranking."};
  app.set_version_flag("--version", "stcluster 0.1.0");
  app.require_subcommand(1);
  std::vector<stc::Command> commands = {
      stc::AddIngestCommand(app),    stc::AddExportCommand(app),  stc::AddStatsCommand(app),
      stc::AddGenerateCommand(app),  stc::AddGeocodeCommand(app), stc::AddGazetteerCommand(app),
      stc::AddDelineateCommand(app), stc::AddRankCommand(app),    stc::AddVerifyCommand(app),
      stc::AddBackupCommand(app),    stc::AddRejectsCommand(app), stc::AddReportCommand(app),
      stc::AddShowCommand(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? stc::kExitOk : stc::kExitUsage;
  }
  try {
    for (const stc::Command& c : commands) {
      if (c.sub->parsed()) return c.run();
    }
  } catch (const std::exception& e) {
    std::cerr << "stcluster: internal error: " << e.what() << "\n";
    return stc::kExitInternal;
  }
  return stc::kExitUsage;
}
