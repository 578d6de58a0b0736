// Helpers shared by the end-to-end tests: temp dirs, file I/O, ingest+export.
#ifndef STCLUSTER_TESTS_TEST_UTIL_H_
#define STCLUSTER_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>
#include <zstd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/export.h"
#include "pipeline/ingest.h"
#include "stores/store.h"

namespace stc::testing {

// A fresh directory removed at destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("stc_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Path(const std::string& name = "") const {
    return name.empty() ? path_.string() : (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

inline std::string Zstd(const std::string& data, int level = 3) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  out.resize(n);
  return out;
}

inline std::unique_ptr<Store> OpenStore(const std::string& dir, int32_t grid_e5 = 1000) {
  StoreOptions o;
  o.create_if_missing = true;
  o.grid_step_e5 = grid_e5;
  auto s = Store::Open(dir, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

inline IngestStats IngestOk(Store* store, const std::vector<std::string>& inputs, int threads = 1,
                            const std::string& format = "auto") {
  IngestOptions o;
  o.threads = threads;
  o.format = format;
  // These tests check record-level dedup: read every file every time (the
  // file registry's skipping is tested in operations_test.cc).
  o.reread_unchanged = true;
  auto r = Ingest(store, inputs, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  const IngestStats& s = *r;
  EXPECT_EQ(s.records_read, s.records_new + s.records_updated + s.records_unchanged +
                                s.records_skipped + s.records_rejected + s.records_deleted);
  return *r;
}

inline std::string ExportCsv(const Store& store) {
  std::ostringstream out;
  Status st = ExportAggregates(store, {}, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

// First differing line of two multi-line texts, for readable failures.
inline std::string FirstDifference(const std::string& a, const std::string& b) {
  std::istringstream ia(a), ib(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    bool ga = static_cast<bool>(std::getline(ia, la));
    bool gb = static_cast<bool>(std::getline(ib, lb));
    if (!ga && !gb) return "identical";
    if (!ga || !gb || la != lb) {
      return "line " + std::to_string(line) + ":\n  got:      " + (ga ? la : "<end>") +
             "\n  expected: " + (gb ? lb : "<end>");
    }
  }
}

}  // namespace stc::testing

#endif  // STCLUSTER_TESTS_TEST_UTIL_H_
