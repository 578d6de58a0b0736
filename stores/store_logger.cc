#include "stores/store_logger.h"

#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <vector>

namespace stc::store_internal {
namespace {

namespace fs = std::filesystem;

class StoreLogger : public rocksdb::Logger {
 public:
  explicit StoreLogger(std::FILE* file)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), file_(file) {}
  ~StoreLogger() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    // The prefix RocksDB's logger writes: "2026/11/30-22:24:46.931423 4401 ".
    struct timeval now;
    gettimeofday(&now, nullptr);
    struct tm t;
    localtime_r(&now.tv_sec, &t);
    char line[4096];
    int n = std::snprintf(line, sizeof(line), "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %lx ",
                          t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                          static_cast<long>(now.tv_usec), static_cast<unsigned long>(gettid()));
    va_list copy;
    va_copy(copy, ap);
    int m = std::vsnprintf(line + n, sizeof(line) - n, format, copy);
    va_end(copy);
    size_t len = std::min(sizeof(line) - 2, static_cast<size_t>(n) + std::max(m, 0));
    if (len == 0 || line[len - 1] != '\n') line[len++] = '\n';
    std::lock_guard<std::mutex> lock(mu_);
    if (failed_ || file_ == nullptr) return;
    // A failed write (disk full) ends logging for this run; it never fails
    // the database or the process.
    if (std::fwrite(line, 1, len, file_) != len || std::fflush(file_) != 0) failed_ = true;
  }

 private:
  std::mutex mu_;
  std::FILE* file_;
  bool failed_ = false;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewStoreLogger(const std::string& dir, size_t keep_old) {
  std::error_code ec;
  const fs::path log = fs::path(dir) / "LOG";
  if (fs::exists(log, ec)) {
    struct timeval now;
    gettimeofday(&now, nullptr);
    const long long micros = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_usec;
    fs::rename(log, fs::path(dir) / ("LOG.old." + std::to_string(micros)), ec);
  }
  // Keep the newest `keep_old` old logs (their names sort by time).
  std::vector<fs::path> old;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string().rfind("LOG.old.", 0) == 0) old.push_back(e.path());
  }
  std::sort(old.begin(), old.end());
  for (size_t i = 0; i + keep_old < old.size(); ++i) fs::remove(old[i], ec);
  std::FILE* f = std::fopen(log.c_str(), "w");
  if (f == nullptr) return nullptr;
  return std::make_shared<StoreLogger>(f);
}

}  // namespace stc::store_internal
