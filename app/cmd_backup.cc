// The `backup` subcommand: a consistent copy of a store (Store::Checkpoint).
#include <iostream>
#include <string>

#include "app/command.h"

namespace stc {
namespace {

struct BackupArgs {
  std::string db;
  std::string to;
};

int RunBackup(const BackupArgs& args) {
  // The checkpoint needs the writer lock (stores/README.md): while an ingest
  // runs this fails at once, naming the holder. Never create a store here.
  StoreOptions o;
  auto store = Store::Open(args.db, o);
  if (!store.ok()) return StoreFail(store.status());
  Status st = (*store)->Checkpoint(args.to);
  if (!st.ok()) {
    // An existing or unwritable destination is an output error, not a store one.
    return Fail(st, st.code() == StatusCode::kInvalidArgument ? kExitInput : kExitStore);
  }
  std::cerr << "backup of " << args.db << " written to " << args.to << "\n";
  return kExitOk;
}

}  // namespace

Command AddBackupCommand(CLI::App& app) {
  auto a = std::make_shared<BackupArgs>();
  CLI::App* sub = app.add_subcommand(
      "backup",
      "Write a consistent copy of the store (a RocksDB checkpoint plus the rejects log) to a new "
      "directory; takes the writer lock, so it fails while an ingest runs.");
  sub->add_option("--db", a->db, "Store directory")->required();
  sub->add_option("--to", a->to, "Backup directory (must not exist)")->required();
  return {sub, [a] { return RunBackup(*a); }};
}

}  // namespace stc
