// Recognised units (pipeline/README.md): a unit whose bytes are those its
// stored record was read from is taken from the store instead of parsed.
//
// The check is differential: two stores go through the same runs, one with
// unit hashes (a resolver with an identity) and one without (a resolver
// without one, so nothing is hashed or recognised). Every count and every
// aggregate must be the same after every run; only the recognised counts
// differ, and they are checked against what the files were built to hold.
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/location_resolver.h"
#include "tests/test_util.h"

namespace stc::testing {
namespace {

// Resolves nothing; its identity decides whether units are hashed.
class NoopResolver : public LocationResolver {
 public:
  explicit NoopResolver(std::optional<uint64_t> identity) : identity_(identity) {}
  std::unique_ptr<ThreadResolver> NewThreadResolver() const override {
    return std::make_unique<Thread>();
  }
  std::optional<uint64_t> Identity() const override { return identity_; }

 private:
  class Thread : public ThreadResolver {
   public:
    void Resolve(Record*, std::map<std::string, uint64_t>*) override {}
  };
  std::optional<uint64_t> identity_;
};

std::string Key(int i) {
  std::string n = std::to_string(100000 + i).substr(1);
  return "PCT/US2020/0" + n;
}

// One PCT record line; `updated` empty for none; `spaced` writes ": " after
// each name and `reordered` puts the date first: the same record in other
// bytes (its key is still peeked).
std::string Line(int i, const std::string& updated = "", int moved = 0, bool spaced = false,
                 bool reordered = false) {
  const std::string colon = spaced ? "\": " : "\":";
  const std::string key = "\"application_number" + colon + "\"" + Key(i) + "\"";
  const std::string date =
      "\"publication_date" + colon + "\"2021-03-0" + std::to_string(1 + i % 9) + "\"";
  std::string out = "{" + (reordered ? date + "," + key : key + "," + date);
  if (!updated.empty()) out += ",\"updated" + colon + "\"" + updated + "\"";
  out += ",\"inventors" + colon + "[";
  for (int p = 0; p <= i % 3; ++p) {
    if (p) out += ",";
    const double lat = 40.0 + 0.37 * ((i * 7 + p * 3) % 23) + 0.5 * moved;
    const double lon = -3.0 + 0.41 * ((i * 5 + p) % 19);
    out += "{\"name\":\"P" + std::to_string(p) +
           "\",\"addresses\":[{\"country\":\"ES\",\"lat\":" + std::to_string(lat) +
           ",\"lon\":" + std::to_string(lon) + "}]}";
  }
  return out + "]}";
}

struct Files {
  std::string first, second;
  uint64_t first_lines = 0, second_lines = 0;
  uint64_t first_lines_corrected = 0;  // Lines of the first file whose record the second corrects.
  // Lines of the second file by what they are.
  // Of `same`: lines of records the second file also corrects (after them).
  uint64_t same_corrected = 0;
  uint64_t same = 0, updates = 0, older = 0, other_bytes = 0, added = 0, bad = 0;
  // Of `other_bytes`: records the second file also repeats verbatim (before
  // the other bytes), and the first file's lines of all of them.
  uint64_t other_bytes_repeated = 0, first_lines_other_bytes = 0;
};

constexpr int kRecords = 400;

Files MakeFiles(const TempDir& dir) {
  Files f;
  std::string a, b;
  for (int i = 0; i < kRecords; ++i) {
    a += Line(i) + "\n";
    ++f.first_lines;
    if (i % 20 == 0) {  // Repeated verbatim in both files.
      a += Line(i) + "\n";
      ++f.first_lines;
      b += Line(i) + "\n";
      ++f.same;
      if (i % 13 == 0) ++f.same_corrected;  // Corrected right after.
    }
    if (i % 13 == 0) {
      b += Line(i, "2022-01-05", 1) + "\n";  // A correction: moved, newer.
      ++f.updates;
      f.first_lines_corrected += i % 20 == 0 ? 2 : 1;
    } else if (i % 37 == 1) {
      b += Line(i, "2020-01-05", 2) + "\n";  // An older version: ignored.
      ++f.older;
    } else if (i % 17 == 2 || i % 19 == 3) {
      b += (i % 17 == 2 ? Line(i, "", 0, /*spaced=*/true)
                        : Line(i, "", 0, false, /*reordered=*/true)) +
           "\n";
      ++f.other_bytes;
      f.other_bytes_repeated += i % 20 == 0;
      f.first_lines_other_bytes += i % 20 == 0 ? 2 : 1;
    } else {
      b += Line(i) + "\n";
      ++f.same;
    }
  }
  for (int i = kRecords; i < kRecords + 10; ++i) {
    b += Line(i) + "\n";
    ++f.added;
  }
  b += "{\"application_number\":\"PCT/US2020/099999\",\"publication_date\":\"2021\"\n";
  b += "not json\n";
  f.bad = 2;
  f.second_lines = f.same + f.updates + f.older + f.other_bytes + f.added + f.bad;
  f.first = dir.Path("a.jsonl.zst");
  f.second = dir.Path("b.jsonl.zst");
  WriteFile(f.first, Zstd(a));
  WriteFile(f.second, Zstd(b));
  return f;
}

IngestStats RunIngest(Store* store, const std::string& file, const LocationResolver& resolver,
                      int threads) {
  IngestOptions o;
  o.threads = threads;
  o.reread_unchanged = true;
  o.resolver = &resolver;
  o.chunker.target_chunk_bytes = 4 << 10;  // Many chunks: both threads recognise.
  o.flush_bytes = 32 << 10;                // Many flushes: look-ups are redone.
  auto r = Ingest(store, {file}, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : IngestStats();
}

void ExpectSameOutcome(const IngestStats& got, const IngestStats& want) {
  EXPECT_EQ(got.records_read, want.records_read);
  EXPECT_EQ(got.records_new, want.records_new);
  EXPECT_EQ(got.records_updated, want.records_updated);
  EXPECT_EQ(got.records_unchanged, want.records_unchanged);
  EXPECT_EQ(got.records_older_ignored, want.records_older_ignored);
  EXPECT_EQ(got.records_rejected, want.records_rejected);
  EXPECT_EQ(got.units_written, want.units_written);
  EXPECT_EQ(got.units_unlocated, want.units_unlocated);
}

class RecognitionTest : public ::testing::TestWithParam<int> {};

TEST_P(RecognitionTest, SameOutcomeAsParsingEveryUnit) {
  TempDir dir;
  const Files f = MakeFiles(dir);
  const NoopResolver hashing(42), plain(std::nullopt);
  auto store = OpenStore(dir.Path("hashed"));
  auto reference = OpenStore(dir.Path("plain"));
  ASSERT_NE(store, nullptr);
  ASSERT_NE(reference, nullptr);
  const int threads = GetParam();
  struct Step {
    const std::string* file;
    uint64_t recognised;
    uint64_t replaced;  // unit_hashes_replaced.
  };
  ASSERT_GT(f.other_bytes_repeated, 0u);
  const Step steps[] = {
      {&f.first, 0, 0},              // Fresh load: nothing to recognise.
      {&f.first, f.first_lines, 0},  // Every line again.
      // The lines both files share; the records in other bytes take their
      // hash.
      {&f.second, f.same, f.other_bytes},
      // Now also the corrections, additions and records in other bytes, but
      // not the first file's copies of the corrected records (older than the
      // stored corrections). A record in both spellings: its verbatim line is
      // not recognised (the other spelling's hash is stored), the other one
      // is; each replaces the hash.
      {&f.second,
       f.same - f.same_corrected + f.updates + f.added + f.other_bytes - f.other_bytes_repeated,
       2 * f.other_bytes_repeated},
      // Back to the first file: all but the lines of the corrected records
      // (the stored copies came from the second file; these are older) and
      // of the records stored from other bytes, which take the hash back.
      {&f.first, f.first_lines - f.first_lines_corrected - f.first_lines_other_bytes,
       f.other_bytes},
  };
  for (size_t s = 0; s < std::size(steps); ++s) {
    SCOPED_TRACE("run " + std::to_string(s + 1));
    const IngestStats got = RunIngest(store.get(), *steps[s].file, hashing, threads);
    const IngestStats want = RunIngest(reference.get(), *steps[s].file, plain, threads);
    ExpectSameOutcome(got, want);
    EXPECT_EQ(want.records_recognised, 0u);
    EXPECT_EQ(got.unit_hashes_added, 0u);
    EXPECT_EQ(got.records_read, s == 2 || s == 3 ? f.second_lines : f.first_lines);
    EXPECT_EQ(got.records_recognised, steps[s].recognised);
    EXPECT_EQ(got.unit_hashes_replaced, steps[s].replaced);
    EXPECT_EQ(want.unit_hashes_replaced, 0u);
    EXPECT_EQ(ExportCsv(*store), ExportCsv(*reference));
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, RecognitionTest, ::testing::Values(1, 2));

// Records stored without unit hashes (by a version before them, here by a
// run that could not hash) get them on the next run that can, once per
// record, with no change to the counts; the run after recognises them all.
TEST(Recognition, UnchangedRecordsWithoutUnitHashesGetThem) {
  TempDir dir;
  const Files f = MakeFiles(dir);
  const NoopResolver hashing(42), plain(std::nullopt);
  auto store = OpenStore(dir.Path("store"));
  ASSERT_NE(store, nullptr);
  RunIngest(store.get(), f.first, plain, 2);
  const std::string csv = ExportCsv(*store);
  const IngestStats add = RunIngest(store.get(), f.first, hashing, 2);
  EXPECT_EQ(add.records_unchanged, f.first_lines);
  EXPECT_EQ(add.unit_hashes_added, static_cast<uint64_t>(kRecords));  // Once per record.
  EXPECT_EQ(add.records_recognised, 0u);
  EXPECT_EQ(add.units_written, 0);
  EXPECT_EQ(ExportCsv(*store), csv);
  const IngestStats again = RunIngest(store.get(), f.first, hashing, 2);
  EXPECT_EQ(again.records_recognised, f.first_lines);
  EXPECT_EQ(again.unit_hashes_added, 0u);
  EXPECT_EQ(ExportCsv(*store), csv);
}

// Unit hashes hold the reading settings: with another resolver identity
// (another gazetteer, say) nothing is recognised, every unit is read, and
// the unchanged records take the new settings' hashes, once, so that the
// next run with them recognises every line.
TEST(Recognition, OtherSettingsRecogniseNothingOnce) {
  TempDir dir;
  const Files f = MakeFiles(dir);
  const NoopResolver one(1), two(2);
  auto store = OpenStore(dir.Path("store"));
  ASSERT_NE(store, nullptr);
  RunIngest(store.get(), f.first, one, 2);
  const std::string csv = ExportCsv(*store);
  const IngestStats other = RunIngest(store.get(), f.first, two, 2);
  EXPECT_EQ(other.records_unchanged, f.first_lines);
  EXPECT_EQ(other.records_recognised, 0u);
  EXPECT_EQ(other.unit_hashes_added, 0u);
  EXPECT_EQ(other.unit_hashes_replaced, static_cast<uint64_t>(kRecords));  // Once per record.
  EXPECT_EQ(other.units_written, 0);
  EXPECT_EQ(ExportCsv(*store), csv);
  const IngestStats again = RunIngest(store.get(), f.first, two, 2);
  EXPECT_EQ(again.records_recognised, f.first_lines);
  EXPECT_EQ(again.unit_hashes_replaced, 0u);
  const IngestStats back = RunIngest(store.get(), f.first, one, 2);
  EXPECT_EQ(back.records_recognised, 0u);
  EXPECT_EQ(back.unit_hashes_replaced, static_cast<uint64_t>(kRecords));
}

}  // namespace
}  // namespace stc::testing
