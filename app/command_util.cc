#include <iostream>

#include "app/command.h"
#include "io/output_file.h"
#include "pipeline/ingest.h"

namespace stc {

int Fail(const Status& st, int code) {
  std::cerr << "stcluster: " << st.ToString() << "\n";
  return code;
}

int StoreFail(const Status& st) {
  return Fail(st, st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitStore);
}

bool IsStdout(const std::string& path) { return path.empty() || path == "-"; }

int WriteOutput(const std::string& path, std::string_view text) {
  if (IsStdout(path)) {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) return Fail(Status::IoError("cannot write to standard output"), kExitInput);
    return kExitOk;
  }
  // Through OutputFile for its errors: a failed write names the system's
  // reason.
  if (Status st = WriteWholeFile(path, text); !st.ok()) return Fail(st, kExitInput);
  return kExitOk;
}

Result<std::unique_ptr<Store>> OpenForReading(const std::string& db) {
  StoreOptions o;
  o.read_only = true;
  return Store::Open(db, o);
}

Status CheckNoReplaceInProgress(const Store& store) {
  STC_ASSIGN_OR_RETURN(std::optional<std::string> pending, store.GetMeta(kReplaceInProgressMeta));
  if (!pending.has_value()) return Status::Ok();
  std::string name = pending->substr(0, pending->find('\t'));
  std::string since =
      pending->find('\t') == std::string::npos ? "" : pending->substr(pending->find('\t') + 1);
  return Status::Busy("store " + store.dir() + ": the replace of " + name + " started " + since +
                      " has not completed; run the same `stcluster ingest --replace " + name +
                      " FILES...` again to complete it");
}

bool ParseYears(const std::string& s, int32_t* from, int32_t* to) {
  if (s.empty()) return true;
  size_t dash = s.find('-');
  try {
    if (dash == std::string::npos) {
      *from = *to = std::stoi(s);
    } else {
      *from = std::stoi(s.substr(0, dash));
      *to = std::stoi(s.substr(dash + 1));
    }
  } catch (...) {
    return false;
  }
  return *from <= *to;
}

}  // namespace stc
