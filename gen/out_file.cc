#include "gen/out_file.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

namespace stc::gen_internal {
namespace {

constexpr size_t kFlushBytes = 256 << 10;

ZSTD_CCtx* Z(void* p) { return static_cast<ZSTD_CCtx*>(p); }
z_stream* G(void* p) { return static_cast<z_stream*>(p); }

}  // namespace

OutFile::~OutFile() {
  if (zstd_ != nullptr) ZSTD_freeCCtx(Z(zstd_));
  if (gzip_ != nullptr) {
    deflateEnd(G(gzip_));
    delete G(gzip_);
  }
  if (file_ != nullptr) std::fclose(file_);
}

Status OutFile::Open(const std::string& path, Compression compression, int zstd_level) {
  path_ = path;
  compression_ = compression;
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  }
  if (compression == Compression::kZstd) {
    zstd_ = ZSTD_createCCtx();
    if (zstd_ == nullptr) return Status::Internal("ZSTD_createCCtx failed");
    ZSTD_CCtx_setParameter(Z(zstd_), ZSTD_c_compressionLevel, zstd_level);
    ZSTD_CCtx_setParameter(Z(zstd_), ZSTD_c_checksumFlag, 1);
    out_.resize(ZSTD_CStreamOutSize());
  } else if (compression == Compression::kGzip) {
    auto* z = new z_stream();
    gzip_ = z;
    if (deflateInit2(z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return Status::Internal("deflateInit2 failed for " + path);
    }
    out_.resize(1 << 16);
  }
  buffer_.reserve(kFlushBytes + (64 << 10));
  return Status::Ok();
}

Status OutFile::Write(const char* data, size_t n) {
  if (n > 0 && std::fwrite(data, 1, n, file_) != n) {
    return Status::IoError("cannot write " + path_ + ": " + std::strerror(errno));
  }
  file_bytes_ += n;
  return Status::Ok();
}

Status OutFile::MaybeFlush() {
  if (buffer_.size() < kFlushBytes) return Status::Ok();
  return Flush(false);
}

Status OutFile::EndFrame() {
  STC_RETURN_IF_ERROR(Flush(true));
  frame_start_ = file_bytes_;
  return Status::Ok();
}

Status OutFile::Flush(bool end_frame) {
  if (compression_ == Compression::kNone) {
    STC_RETURN_IF_ERROR(Write(buffer_.data(), buffer_.size()));
  } else if (compression_ == Compression::kZstd) {
    ZSTD_inBuffer in{buffer_.data(), buffer_.size(), 0};
    ZSTD_EndDirective mode = end_frame ? ZSTD_e_end : ZSTD_e_continue;
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t remaining = ZSTD_compressStream2(Z(zstd_), &out, &in, mode);
      if (ZSTD_isError(remaining)) {
        return Status::Internal(path_ + ": zstd: " + ZSTD_getErrorName(remaining));
      }
      STC_RETURN_IF_ERROR(Write(out_.data(), out.pos));
      if (end_frame ? remaining == 0 : in.pos == in.size) break;
    }
  } else {
    z_stream* z = G(gzip_);
    z->next_in = reinterpret_cast<Bytef*>(buffer_.data());
    z->avail_in = static_cast<uInt>(buffer_.size());
    int flush = end_frame ? Z_FINISH : Z_NO_FLUSH;
    for (;;) {
      z->next_out = reinterpret_cast<Bytef*>(out_.data());
      z->avail_out = static_cast<uInt>(out_.size());
      int rc = deflate(z, flush);
      if (rc == Z_STREAM_ERROR) return Status::Internal(path_ + ": deflate failed");
      STC_RETURN_IF_ERROR(Write(out_.data(), out_.size() - z->avail_out));
      if (end_frame ? rc == Z_STREAM_END : (z->avail_in == 0 && z->avail_out != 0)) break;
    }
  }
  buffer_.clear();
  return Status::Ok();
}

Status OutFile::Close(bool cut_last_frame) {
  STC_RETURN_IF_ERROR(Flush(true));
  if (cut_last_frame) {
    std::fflush(file_);
    uint64_t keep = frame_start_ + (file_bytes_ - frame_start_) / 2;
    if (ftruncate(fileno(file_), static_cast<off_t>(keep)) != 0) {
      return Status::IoError("cannot truncate " + path_ + ": " + std::strerror(errno));
    }
    file_bytes_ = keep;
  }
  FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) {
    return Status::IoError("cannot close " + path_ + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace stc::gen_internal
