// The writer of the calibrated world (gen/world_generator.h): record
// shapes, the per-source writing passes and the truth files.
//
// Internal to gen/. Not thread-safe; one Writer per generation.
#ifndef STCLUSTER_GEN_WORLD_WRITER_H_
#define STCLUSTER_GEN_WORLD_WRITER_H_

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gen/out_file.h"
#include "gen/world_data.h"
#include "gen/world_generator.h"
#include "gen/world_model.h"
#include "gen/world_records.h"

namespace stc::gen_internal {

namespace fs = std::filesystem;

inline constexpr int kPctFirst = 2018, kPctLast = 2022;  // GII 2023 windows (cluster/edition.cc).
inline constexpr int kPubFirst = 2017, kPubLast = 2021;
inline constexpr int kPctFiles = 2;     // pct-jsonl files per year.
inline constexpr int kSearchFiles = 3;  // Scopus Search files per year.
inline constexpr double kOutOfWindowYear =
    0.15;  // Records of the year after a window, per window year.
inline constexpr double kDuplicateRate = 0.02;   // Same record again in another file.
inline constexpr double kCorrectionRate = 0.01;  // An older version of the record in another file.
inline constexpr double kAbstractRate = 0.03;  // Scopus records also written as Abstract Retrieval.
inline constexpr double kOutOfScopeRate = 0.06;  // Reviews, editorials, SSH-only papers.
inline constexpr int kTruncatedTail = 6;         // Records after the cut of a truncated file.

// Record shape, a pure function of (seed, metric, index): the same in the
// pre-pass that counts unlocated shares and in the writing pass.
struct Shape {
  bool alt_format = false;  // PCT: PATENTSCOPE XML; articles: OpenAlex.
  int persons = 1;          // Declared total (inventors / authors).
};

inline Shape ShapeOf(uint64_t seed, int metric, uint64_t index) {
  Rng r(MixSeed(seed, 11 + metric, index, 0x5A4E));
  Shape s;
  if (metric == kMetricPct) {
    s.alt_format = !r.Chance(kPctJsonlShare);
    // 1..20 inventors: mostly 1-4, geometric tail.
    int n = 1;
    while (n < 20 && r.Chance(n == 1 ? 0.72 : 0.55)) ++n;
    s.persons = n;
  } else {
    s.alt_format = r.Chance(kOpenAlexShare);
    double u = r.Unit();
    if (u < 0.93) {
      int n = 1;
      while (n < 30 && r.Chance(0.8)) ++n;
      s.persons = n;
    } else if (u < 0.993) {
      s.persons = 31 + static_cast<int>(r.Below(70));
    } else {  // Consortium papers: 101 .. ~3000 authors, log-uniform.
      s.persons = static_cast<int>(std::exp(std::log(101.0) + r.Unit() * std::log(30.0)));
    }
  }
  return s;
}

// Exact integer counts per year summing to `total`.
inline std::vector<uint64_t> SplitYears(uint64_t total, const std::vector<double>& weights) {
  double sum = 0;
  for (double w : weights) sum += w;
  std::vector<uint64_t> out;
  double acc = 0;
  uint64_t given = 0;
  for (double w : weights) {
    acc += w;
    auto upto = static_cast<uint64_t>(std::llround(static_cast<double>(total) * acc / sum));
    out.push_back(upto - given);
    given = upto;
  }
  return out;
}

inline std::string Pad6(uint64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(v % 1000000));
  return buf;
}

class Writer {
 public:
  Writer(const WorldGeneratorOptions& o, const World& w, WorldSummary* s)
      : o_(o), w_(w), s_(s), data_(fs::path(o.out_dir) / "data") {}

  Status Run() {
    STC_RETURN_IF_ERROR(OpenFaults());
    STC_RETURN_IF_ERROR(RunPct());
    STC_RETURN_IF_ERROR(RunArticles());
    STC_RETURN_IF_ERROR(RunVc());
    STC_RETURN_IF_ERROR(WriteTruth());
    STC_RETURN_IF_ERROR(faults_.Close());
    std::sort(s_->files.begin(), s_->files.end());
    return Status::Ok();
  }

 private:
  enum class Fault { kNone, kMalformed, kBadCoords, kUnknownPlace };

  Status OpenFaults() {
    fs::create_directories(fs::path(o_.out_dir) / "world");
    return faults_.Open((fs::path(o_.out_dir) / "world" / "faults.jsonl").string(),
                        Compression::kNone);
  }

  Status Open(OutFile* f, const fs::path& path, Compression c) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return Status::IoError("cannot create " + path.parent_path().string());
    s_->files.push_back(path.string());
    return f->Open(path.string(), c);
  }

  std::string Rel(const OutFile& f) const { return fs::relative(f.path(), o_.out_dir).string(); }

  void NoteFault(const char* kind, const OutFile& f, uint64_t line, const std::string& key) {
    std::string* b = faults_.buffer();
    b->append("{\"kind\":\"" + std::string(kind) + "\",\"file\":\"" + Rel(f) +
              "\",\"line\":" + std::to_string(line) + ",\"key\":\"" + key + "\"}\n");
    ++s_->faults;
  }

  // Appends a record line to `f` (the line number is f.lines() after).
  template <typename Fn>
  Status Emit(OutFile* f, Fn&& append) {
    append(f->buffer());
    f->CountLine();
    ++s_->lines;
    return f->MaybeFlush();
  }

  Fault DrawFault(Rng& r, bool json, bool coords) {
    if (o_.faults <= 0 || !r.Chance(o_.faults)) return Fault::kNone;
    int k = static_cast<int>(r.Below(3));
    if (k == 0 && json) return Fault::kMalformed;
    if (k == 1 && coords) return Fault::kBadCoords;
    return Fault::kUnknownPlace;
  }

  // Persons of a record: `listed` of `total`, allocated through `alloc`
  // (in the window) or drawn (outside it).
  void MakePersons(int metric, Rng& r, int listed, int total, bool coords_format,
                   WorldAllocator* alloc, WRecord* rec) {
    rec->persons.clear();
    int lead = alloc ? alloc->Pick() : w_.DrawEntity(metric, r);
    double stay = metric == kMetricPct ? 0.85 : 0.7;
    for (int i = 0; i < listed; ++i) {
      WPerson p;
      p.id = 10000000000ULL + (rec->index << 12) + static_cast<uint64_t>(i);  // Scopus-like.
      int k = metric == kMetricPub && r.Chance(0.1) ? 2 : 1;
      for (int j = 0; j < k; ++j) {
        int e = (i == 0 && j == 0) || r.Chance(stay) ? lead
                : alloc                              ? alloc->Pick()
                                                     : w_.DrawEntity(metric, r);
        if (alloc) alloc->Add(e, 1.0 / (static_cast<double>(total) * k));
        WLoc l;
        l.street_no = static_cast<int>(r.Below(5000));
        bool coords = coords_format && (metric == kMetricPub || r.Chance(kPctPregeocoded));
        if (coords) {
          l.site = w_.DrawSite(e, metric, r);
          l.coords = true;
          const WorldSite& s = w_.sites()[l.site];
          l.lat_e5 = s.lat_e5 + static_cast<int32_t>(r.Below(601)) - 300;
          l.lon_e5 = s.lon_e5 + static_cast<int32_t>(r.Below(601)) - 300;
        } else {
          l.site = w_.PlaceSite(w_.DrawTextPlace(e, r));
        }
        p.locs.push_back(l);
      }
      const WorldPlace& pl = w_.places()[w_.sites()[p.locs[0].site].place];
      p.name = PersonName(pl.country, MixSeed(o_.seed, rec->index, metric, 7), i);
      rec->persons.push_back(std::move(p));
    }
  }

  const WorldEntity& LeadEntity(const WRecord& rec) const {
    return w_.entities()[w_.sites()[rec.persons[0].locs[0].site].entity];
  }

  void PctCodes(Rng& r, WRecord* rec) {
    rec->codes.clear();
    const WorldEntity& e = LeadEntity(*rec);
    int n = 1 + static_cast<int>(r.Below(3));
    for (int i = 0; i < n; ++i) {
      std::string sub;
      if (!e.ipc.empty() && r.Chance(0.6)) {
        sub = e.ipc[r.Below(e.ipc.size())];
      } else {
        int cnt = 0;
        const char* const* subs = IpcSubclasses(static_cast<char>('A' + r.Below(8)), &cnt);
        sub = subs[r.Below(cnt)];
      }
      rec->codes.push_back(sub + " " + std::to_string(1 + r.Below(90)) + "/" +
                           std::to_string(r.Below(100)));
    }
    const WorldPlace& pl = w_.places()[w_.sites()[rec->persons[0].locs[0].site].place];
    rec->applicant_country = pl.country;
    rec->applicant = pl.name + " " + std::string(r.Chance(0.5) ? "Electronics" : "Industries") +
                     " Co " + std::to_string(r.Below(40));
  }

  void PubCodes(Rng& r, WRecord* rec, bool ssh_only) {
    static const int kAreas[] = {11, 13, 15, 16, 17, 19, 21, 22, 23, 24, 25, 26, 27, 28, 31};
    rec->codes.clear();
    if (ssh_only) {
      rec->codes.push_back(r.Chance(0.5) ? "3300" : "1202");
      return;
    }
    const WorldEntity& e = LeadEntity(*rec);
    int n = 1 + static_cast<int>(r.Below(2));
    for (int i = 0; i < n; ++i) {
      int area =
          !e.asjc.empty() && r.Chance(0.6) ? e.asjc[r.Below(e.asjc.size())] : kAreas[r.Below(15)];
      int codes = std::max(1, AsjcCodesInArea(area));
      rec->codes.push_back(std::to_string(area * 100 + static_cast<int>(r.Below(codes))));
    }
  }

  static void RandomDate(Rng& r, int year, WRecord* rec) {
    rec->year = year;
    rec->month = 1 + static_cast<int>(r.Below(12));
    rec->day = 1 + static_cast<int>(r.Below(28));
  }

  Status RunPct();
  Status RunArticles();
  Status RunVc();
  Status WriteTruth();

  const WorldGeneratorOptions& o_;
  const World& w_;
  WorldSummary* s_;
  fs::path data_;
  OutFile faults_;
  std::vector<int> openalex_sites_;  // Sites used as OpenAlex institutions.
};

}  // namespace stc::gen_internal

#endif  // STCLUSTER_GEN_WORLD_WRITER_H_
