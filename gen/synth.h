// Synthesis of single generator records: a deterministic PRNG, the record
// model of the generator, the rules that make an original record or a
// corrected version of it, and its JSON Lines serialisation.
//
// Every record is a pure function of (seed, source, index): the generator
// regenerates earlier records instead of keeping them, which keeps memory
// constant whatever the dump size.
//
// Internal to gen/. Not synchronised; values only.
#ifndef STCLUSTER_GEN_SYNTH_H_
#define STCLUSTER_GEN_SYNTH_H_

#include <cstdint>
#include <string>
#include <vector>

namespace stc::gen_internal {

// splitmix64 step: a good 64-bit mixer for seeding.
uint64_t SplitMix64(uint64_t* state);
// Hash of a few integers (seeding per-record streams).
uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

// xoshiro256**: fast, small, identical on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  // Uniform in [0, n), n > 0 (multiply-shift; the bias is negligible here).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  int Int(int lo, int hi) { return lo + static_cast<int>(Below(hi - lo + 1)); }  // [lo, hi].
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }        // [0, 1).
  bool Chance(double p) { return Unit() < p; }

 private:
  uint64_t s_[4];
};

enum class GenSource : uint8_t { kPct = 0, kArticle = 1 };

struct GenAddress {
  int city = 0;  // Cities() index.
  bool located = true;
  int32_t lat_e5 = 0;
  int32_t lon_e5 = 0;
  int street_no = 1;  // PCT address text.
  int org = -1;       // Affiliation: -1 = the city's institute, else a company index.
};

struct GenPerson {
  std::string name;
  std::vector<GenAddress> addresses;
};

struct GenRecord {
  GenSource source = GenSource::kPct;
  uint64_t index = 0;  // Index within its source: the key is derived from it.
  std::string key;     // As written.
  int lead_city = 0;
  int year = 2017, month = 1, day = 1;
  int date_parts = 3;   // Article cover dates: 3 = Y-M-D, 2 = Y-M, 1 = Y.
  int32_t updated = 0;  // Days since 1970-01-01 of `updated`; 0 = omitted.
  std::string kind;     // PCT kind or article doc_type.
  std::string publication_number;
  std::vector<std::string> codes;                       // IPC or ASJC codes.
  std::vector<std::pair<std::string, int>> applicants;  // (name, country index).
  std::vector<GenPerson> persons;
  int author_count = 0;  // 0 = omitted.
};

// Builds original record `index` of `source`.
void MakeRecord(uint64_t seed, GenSource source, uint64_t index, GenRecord* rec);

// Turns `rec` (an original) into its correction number `k` (0-based): some
// persons moved, added or removed, or the first code changed; `updated` set
// strictly after the record's date, in a window that differs per k
// (20 + 40k .. 49 + 40k days later), so no two corrections share a date.
void MakeCorrection(uint64_t seed, uint64_t k, GenRecord* rec);

// Appends the JSON line of `rec` (with the trailing newline) to `out`.
void AppendJsonLine(const GenRecord& rec, std::string* out);

// Days since 1970-01-01 of a civil date, and back.
int32_t DaysFromCivil(int y, int m, int d);
void CivilFromDays(int32_t days, int* y, int* m, int* d);

}  // namespace stc::gen_internal

#endif  // STCLUSTER_GEN_SYNTH_H_
