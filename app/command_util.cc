#include <iostream>

#include "app/command.h"

namespace stc {

int Fail(const Status& st, int code) {
  std::cerr << "stcluster: " << st.ToString() << "\n";
  return code;
}

int StoreFail(const Status& st) {
  return Fail(st, st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitStore);
}

Result<std::unique_ptr<Store>> OpenForReading(const std::string& db) {
  StoreOptions o;
  o.read_only = true;
  return Store::Open(db, o);
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
