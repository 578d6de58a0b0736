#include "gen/generator.h"

#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

#include "gen/synth.h"

namespace stc {
namespace {

using gen_internal::AppendJsonLine;
using gen_internal::GenRecord;
using gen_internal::GenSource;
using gen_internal::MakeCorrection;
using gen_internal::MakeRecord;
using gen_internal::MixSeed;
using gen_internal::Rng;

constexpr size_t kFlushBytes = 1 << 20;

// One output file: lines are appended to an in-memory buffer that is
// compressed (ZSTD streaming API) and written whenever it exceeds kFlushBytes.
class DumpFileWriter {
 public:
  DumpFileWriter() = default;
  DumpFileWriter(const DumpFileWriter&) = delete;
  DumpFileWriter& operator=(const DumpFileWriter&) = delete;
  ~DumpFileWriter() {
    if (cctx_ != nullptr) ZSTD_freeCCtx(cctx_);
    if (file_ != nullptr) std::fclose(file_);
  }

  Status Open(const std::string& path, bool compress, int level) {
    path_ = path;
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
    }
    if (compress) {
      cctx_ = ZSTD_createCCtx();
      if (cctx_ == nullptr) return Status::Internal("ZSTD_createCCtx failed");
      STC_RETURN_IF_ERROR(Check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level)));
      STC_RETURN_IF_ERROR(Check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1)));
      out_.resize(ZSTD_CStreamOutSize());
    }
    buffer_.reserve(kFlushBytes + (64 << 10));
    return Status::Ok();
  }

  // Lines are appended here by the caller, then MaybeFlush() is called.
  std::string* buffer() { return &buffer_; }

  Status MaybeFlush() {
    if (buffer_.size() < kFlushBytes) return Status::Ok();
    return Flush(false);
  }

  Status Close() {
    STC_RETURN_IF_ERROR(Flush(true));
    FILE* f = file_;
    file_ = nullptr;
    if (std::fclose(f) != 0) {
      return Status::IoError("cannot close " + path_ + ": " + std::strerror(errno));
    }
    return Status::Ok();
  }

 private:
  Status Check(size_t zstd_result) {
    if (ZSTD_isError(zstd_result)) {
      return Status::Internal(path_ + ": zstd: " + ZSTD_getErrorName(zstd_result));
    }
    return Status::Ok();
  }

  Status Write(const char* data, size_t n) {
    if (n > 0 && std::fwrite(data, 1, n, file_) != n) {
      return Status::IoError("cannot write " + path_ + ": " + std::strerror(errno));
    }
    return Status::Ok();
  }

  Status Flush(bool end) {
    if (cctx_ == nullptr) {
      STC_RETURN_IF_ERROR(Write(buffer_.data(), buffer_.size()));
      buffer_.clear();
      return Status::Ok();
    }
    ZSTD_inBuffer in{buffer_.data(), buffer_.size(), 0};
    ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
    while (true) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, mode);
      STC_RETURN_IF_ERROR(Check(remaining));
      STC_RETURN_IF_ERROR(Write(out_.data(), out.pos));
      bool done = end ? remaining == 0 : in.pos == in.size;
      if (done) break;
    }
    buffer_.clear();
    return Status::Ok();
  }

  std::string path_;
  FILE* file_ = nullptr;
  ZSTD_CCtx* cctx_ = nullptr;
  std::string buffer_;
  std::vector<char> out_;
};

// Where the extra lines (identical copies, corrections) of one record go.
struct ExtraPlan {
  static constexpr int kMax = 64;
  int count = 0;
  bool correction[kMax];  // false = an identical copy.
  int k[kMax];            // Correction number (0-based) for corrections.
  int file[kMax];         // Target file.
};

// Extras go to one of the next kExtraWindow files, so that a file writer
// scans only the records of that many earlier files (linear cost in files).
constexpr int kExtraWindow = 8;

// Extras are a pure function of (seed, source, record): a file writer finds
// the extras aimed at it by scanning the earlier records.
class ExtraPlanner {
 public:
  ExtraPlanner(uint64_t seed, GenSource source, int files, double dup_per_record,
               double corr_per_record)
      : seed_(seed), source_(source), files_(files), dup_(dup_per_record), corr_(corr_per_record) {}

  // `file_of_record`: the file holding the original.
  void Plan(uint64_t index, int file_of_record, ExtraPlan* plan) const {
    plan->count = 0;
    if (files_ > 1 && file_of_record >= files_ - 1) return;
    Rng rng(MixSeed(seed_, static_cast<uint64_t>(source_) + 1, index, 0xE7E7));
    int dups = Draw(rng, dup_);
    int corrs = Draw(rng, corr_);
    for (int i = 0; i < dups + corrs && plan->count < ExtraPlan::kMax; ++i) {
      int n = plan->count++;
      plan->correction[n] = i >= dups;
      plan->k[n] = i - dups;
      int later = std::min(files_ - 1 - file_of_record, kExtraWindow);
      plan->file[n] = files_ == 1 ? 0 : file_of_record + 1 + static_cast<int>(rng.Below(later));
    }
  }

 private:
  static int Draw(Rng& rng, double rate) {
    double whole = std::floor(rate);
    int n = static_cast<int>(whole);
    if (rng.Chance(rate - whole)) ++n;
    return n;
  }

  uint64_t seed_;
  GenSource source_;
  int files_;
  double dup_;
  double corr_;
};

struct SourceJob {
  GenSource source;
  const char* prefix;
  uint64_t records;
};

class DumpGenerator {
 public:
  explicit DumpGenerator(const GeneratorOptions& options) : options_(options) {}

  Status Run(const SourceJob& job, GeneratorSummary* summary) {
    const int files = options_.files_per_source;
    const uint64_t n = job.records;
    // Records whose extras may go to a later file: all but the last file's.
    uint64_t eligible = files == 1 ? n : FileStart(n, files - 1);
    double scale = eligible == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(eligible);
    ExtraPlanner planner(options_.seed, job.source, files, options_.duplicate_rate * scale,
                         options_.correction_rate * scale);
    for (int f = 0; f < files; ++f) {
      // Three digits, more when needed, so that names sort in file order.
      int width = files > 1000 ? static_cast<int>(std::to_string(files - 1).size()) : 3;
      char name[64];
      std::snprintf(name, sizeof(name), "%s-%0*d.jsonl%s", job.prefix, width, f,
                    options_.compress ? ".zst" : "");
      std::string path = (std::filesystem::path(options_.out_dir) / name).string();
      DumpFileWriter writer;
      STC_RETURN_IF_ERROR(writer.Open(path, options_.compress, options_.zstd_level));
      uint64_t begin = FileStart(n, f);
      uint64_t end = FileStart(n, f + 1);
      uint64_t originals = end - begin;
      // Extras from earlier files are spread evenly between the originals.
      Cursor cursor;
      cursor.file = std::max(0, f - kExtraWindow);
      cursor.next = FileStart(n, cursor.file);
      const uint64_t first = cursor.next;
      const uint64_t candidates = files == 1 ? 0 : begin - first;
      for (uint64_t i = begin; i < end; ++i) {
        MakeRecord(options_.seed, job.source, i, &rec_);
        Emit(rec_, &writer);
        uint64_t upto =
            first + static_cast<uint64_t>(
                        (static_cast<unsigned __int128>(i - begin + 1) * candidates) / originals);
        STC_RETURN_IF_ERROR(EmitExtras(planner, n, f, upto, &cursor, &writer));
        STC_RETURN_IF_ERROR(writer.MaybeFlush());
      }
      STC_RETURN_IF_ERROR(EmitExtras(planner, n, f, first + candidates, &cursor, &writer));
      if (files == 1) {  // No later file: the extras follow all originals.
        STC_RETURN_IF_ERROR(EmitExtras(planner, n, f, n, &cursor, &writer));
      }
      STC_RETURN_IF_ERROR(writer.Close());
      summary->files.push_back(path);
    }
    summary->lines += lines_;
    summary->bytes += bytes_;
    lines_ = 0;
    bytes_ = 0;
    return Status::Ok();
  }

 private:
  // Scan position over the candidate records (those of earlier files).
  struct Cursor {
    uint64_t next = 0;  // Next candidate record.
    int file = 0;       // File of `next`.
  };

  uint64_t FileStart(uint64_t n, int f) const {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(n) * f) /
                                 options_.files_per_source);
  }

  void Emit(const GenRecord& rec, DumpFileWriter* writer) {
    std::string* buf = writer->buffer();
    size_t before = buf->size();
    AppendJsonLine(rec, buf);
    bytes_ += buf->size() - before;
    ++lines_;
  }

  // Writes the extras aimed at file `f` of the candidates before `upto`.
  Status EmitExtras(const ExtraPlanner& planner, uint64_t n, int f, uint64_t upto, Cursor* cursor,
                    DumpFileWriter* writer) {
    ExtraPlan plan;
    for (; cursor->next < upto; ++cursor->next) {
      while (cursor->next >= FileStart(n, cursor->file + 1)) ++cursor->file;
      planner.Plan(cursor->next, cursor->file, &plan);
      for (int e = 0; e < plan.count; ++e) {
        if (plan.file[e] != f) continue;
        MakeRecord(options_.seed, rec_.source, cursor->next, &rec_);
        if (plan.correction[e]) MakeCorrection(options_.seed, plan.k[e], &rec_);
        Emit(rec_, writer);
      }
      STC_RETURN_IF_ERROR(writer->MaybeFlush());
    }
    return Status::Ok();
  }

  const GeneratorOptions& options_;
  GenRecord rec_;
  uint64_t lines_ = 0;
  uint64_t bytes_ = 0;
};

Status ValidateOptions(const GeneratorOptions& o) {
  if (o.out_dir.empty()) return Status::InvalidArgument("generator: out_dir is empty");
  if (o.files_per_source < 1 || o.files_per_source > 100000) {
    return Status::InvalidArgument("generator: files_per_source must be in 1..100000");
  }
  if (!(o.pct_share >= 0.0 && o.pct_share <= 1.0)) {
    return Status::InvalidArgument("generator: pct_share must be in [0, 1]");
  }
  if (!(o.duplicate_rate >= 0.0 && o.duplicate_rate <= 10.0) ||
      !(o.correction_rate >= 0.0 && o.correction_rate <= 5.0)) {
    return Status::InvalidArgument(
        "generator: duplicate_rate must be in [0, 10] and correction_rate in [0, 5]");
  }
  if (o.compress && (o.zstd_level < ZSTD_minCLevel() || o.zstd_level > ZSTD_maxCLevel())) {
    return Status::InvalidArgument("generator: zstd_level out of range");
  }
  return Status::Ok();
}

}  // namespace

Result<GeneratorSummary> GenerateNormalisedDump(const GeneratorOptions& options) {
  STC_RETURN_IF_ERROR(ValidateOptions(options));
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return Status::IoError("cannot create " + options.out_dir + ": " + ec.message());

  uint64_t pct =
      static_cast<uint64_t>(std::llround(static_cast<double>(options.records) * options.pct_share));
  pct = std::min(pct, options.records);
  GeneratorSummary summary;
  DumpGenerator generator(options);
  STC_RETURN_IF_ERROR(generator.Run({GenSource::kPct, "pct", pct}, &summary));
  STC_RETURN_IF_ERROR(
      generator.Run({GenSource::kArticle, "article", options.records - pct}, &summary));
  std::sort(summary.files.begin(), summary.files.end());
  return summary;
}

}  // namespace stc
