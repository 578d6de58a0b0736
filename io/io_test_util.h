// Test helpers for the io module: temp dirs, files, zstd/gzip compression,
// random data and an in-memory ByteSource with injectable read sizes and
// errors. Test-only (never linked into stc_io).
#ifndef STCLUSTER_IO_IO_TEST_UTIL_H_
#define STCLUSTER_IO_IO_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "io/byte_source.h"

namespace stc::testutil {

// A fresh directory per test, removed when the object dies.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    static std::atomic<int> counter{0};
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "stc_io_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (info != nullptr) name += std::string("_") + info->test_suite_name() + "_" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = std::filesystem::path(testing::TempDir()) / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  // Path of `name` inside the directory.
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

// Data mixing random bytes and repeated words, so compressors find matches.
inline std::string RandomData(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  static const char* const kWords[] = {"alpha", "beta", "gamma\n", "{\"k\":1}", "\n", "zz"};
  std::string s;
  s.reserve(n + 16);
  while (s.size() < n) {
    if (rng() % 3 == 0) {
      for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(rng() & 0xFF));
    } else {
      s += kWords[rng() % 6];
    }
  }
  s.resize(n);
  return s;
}

// One zstd frame. window_log > 0 forces that window (streaming, with no
// declared content size, so the frame header keeps the large window).
inline std::string ZstdCompress(const std::string& data, int level = 3, int window_log = 0,
                                bool checksum = false) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  if (window_log > 0) ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);
  std::string out;
  std::vector<char> buf(ZSTD_CStreamOutSize());
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  for (;;) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    const size_t rem = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_end);
    EXPECT_FALSE(ZSTD_isError(rem)) << ZSTD_getErrorName(rem);
    out.append(buf.data(), o.pos);
    if (rem == 0 || ZSTD_isError(rem)) break;
  }
  ZSTD_freeCCtx(cctx);
  return out;
}

// One gzip member.
inline std::string GzipCompress(const std::string& data, int level = 6) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out;
  std::vector<char> buf(1 << 16);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  int ret = Z_OK;
  do {
    s.next_out = reinterpret_cast<Bytef*>(buf.data());
    s.avail_out = static_cast<uInt>(buf.size());
    ret = deflate(&s, Z_FINISH);
    out.append(buf.data(), buf.size() - s.avail_out);
  } while (ret == Z_OK);
  EXPECT_EQ(ret, Z_STREAM_END);
  deflateEnd(&s);
  return out;
}

// An in-memory ByteSource returning at most `max_read` bytes per call; when
// `error_at` is set, the call that would pass that offset returns the bytes
// up to it, and the next call returns `error` (sticky).
class MemorySource : public ByteSource {
 public:
  MemorySource(std::string data, size_t max_read, size_t error_at = SIZE_MAX,
               Status error = Status::DataError("mem: truncated zstd stream"))
      : data_(std::move(data)), max_read_(max_read), error_at_(error_at), error_(error) {}

  Result<size_t> Read(char* buf, size_t cap) override {
    const size_t end = std::min(data_.size(), error_at_);
    if (pos_ == end && error_at_ != SIZE_MAX) return error_;
    const size_t n = std::min({cap, max_read_, end - pos_});
    std::copy_n(data_.data() + pos_, n, buf);
    pos_ += n;
    return n;
  }
  uint64_t compressed_bytes_read() const override { return pos_; }
  Compression compression() const override { return Compression::kNone; }

 private:
  std::string data_;
  size_t max_read_;
  size_t pos_ = 0;
  size_t error_at_;
  Status error_;
};

}  // namespace stc::testutil

#endif  // STCLUSTER_IO_IO_TEST_UTIL_H_
