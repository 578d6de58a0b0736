// Test helper: opens the store at argv[1] as a writer, applies one record
// (source pct, key argv[2], value argv[3]) when given, prints "ready" and
// keeps the store open until its standard input reaches end of file.
// Exit codes: 0 done, 2 usage, 3 open failed, 4 apply failed.
#include <cstdio>
#include <iostream>
#include <string>

#include "stores/store.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::cerr << "usage: stc_stores_lock_holder DIR [KEY VALUE]\n";
    return 2;
  }
  stc::StoreOptions options;
  options.create_if_missing = true;
  auto store = stc::Store::Open(argv[1], options);
  if (!store.ok()) {
    std::cout << "error " << store.status().ToString() << std::endl;
    return 3;
  }
  if (argc == 4) {
    stc::StoreBatch batch;
    batch.PutRecord(stc::Source::kPct, argv[2], argv[3]);
    stc::Status s = (*store)->Apply(batch);
    if (!s.ok()) {
      std::cout << "error " << s.ToString() << std::endl;
      return 4;
    }
  }
  std::cout << "ready" << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}
