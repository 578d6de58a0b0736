// stc_tamper_store DB: adds 7 units to the first stored aggregate of an
// existing store, so that end-to-end tests (cli_test.sh) can check that
// `stcluster verify` finds an inconsistency and exits 6. A test tool only.
#include <iostream>
#include <string>

#include "stores/store.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: stc_tamper_store DB\n";
    return 2;
  }
  stc::StoreOptions options;
  auto store = stc::Store::Open(argv[1], options);
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    return 1;
  }
  stc::AggregateKey first;
  bool found = false;
  stc::Status s = (*store)->ForEachAggregate([&](const stc::AggregateKey& k, stc::Units) {
    if (!found) first = k;
    found = true;
    return stc::Status::Ok();
  });
  if (!s.ok() || !found) {
    std::cerr << (found ? s.ToString() : "no aggregate to tamper with") << "\n";
    return 1;
  }
  stc::StoreBatch batch;
  batch.AddAggregate(first, 7);
  s = (*store)->Apply(batch);
  if (!s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  return 0;
}
