// The OpenAlex snapshot reader on a small hand-written snapshot
// (tests/fixtures/openalex/): institutions as the source of coordinates,
// manifests checked, newest updated_date wins, merged ids delete.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/formats_test_util.h"

namespace stc {
namespace {

using namespace stc::testing;  // NOLINT

namespace fs = std::filesystem;

size_t Lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

// Writes `entity` partition `date` holding `text` (gzipped) and returns its
// manifest entry.
std::string PartitionOf(const std::string& root, const std::string& entity, const std::string& date,
                        const std::string& text, int64_t declared_records = -1) {
  std::string dir = root + "/data/" + entity + "/updated_date=" + date;
  fs::create_directories(dir);
  std::string gz = Gzip(text);
  WriteFile(dir + "/part_000.gz", gz);
  int64_t records = declared_records >= 0 ? declared_records : static_cast<int64_t>(Lines(text));
  return "{\"url\": \"s3://openalex/data/" + entity + "/updated_date=" + date +
         "/part_000.gz\", \"meta\": {\"content_length\": " + std::to_string(gz.size()) +
         ", \"record_count\": " + std::to_string(records) + "}}";
}

// The same from fixture `source`.
std::string Partition(const std::string& root, const std::string& entity, const std::string& date,
                      const std::string& source, int64_t declared_records = -1) {
  return PartitionOf(root, entity, date, ReadFile(Fixture("openalex/" + source)), declared_records);
}

void Manifest(const std::string& root, const std::string& entity,
              const std::vector<std::string>& entries) {
  std::string m = "{\"entries\": [";
  for (size_t i = 0; i < entries.size(); ++i) m += (i ? ",\n" : "\n") + entries[i];
  m += "\n], \"meta\": {}}\n";
  WriteFile(root + "/data/" + entity + "/manifest", m);
}

// The fixture snapshot; `short_by` declares that many records too many for
// the first works partition.
std::string BuildSnapshot(const TempDir& dir, int64_t short_by = 0) {
  std::string root = dir.Path("openalex");
  std::string w1 = Partition(root, "works", "2024-01-01", "works-2024-01-01.jsonl",
                             short_by ? 8 + short_by : -1);
  std::string w2 = Partition(root, "works", "2024-03-01", "works-2024-03-01.jsonl");
  Manifest(root, "works", {w1, w2});
  Manifest(root, "institutions",
           {Partition(root, "institutions", "2024-01-01", "institutions-2024-01-01.jsonl")});
  fs::create_directories(root + "/data/merged_ids/works");
  WriteFile(root + "/data/merged_ids/works/2024-02-01.csv.gz",
            Gzip(ReadFile(Fixture("openalex/merged_ids.csv"))));
  fs::create_directories(root + "/data/authors/updated_date=2024-01-01");
  WriteFile(root + "/data/authors/updated_date=2024-01-01/part_000.gz", Gzip("{}\n"));
  return root;
}

TEST(OpenAlex, SnapshotEndToEnd) {
  TempDir dir;
  std::string root = BuildSnapshot(dir);
  for (int threads : {1, 3}) {
    TempDir db;
    auto store = OpenStore(db.Path("db"));
    IngestStats s = IngestOk(store.get(), {root}, threads);
    ASSERT_EQ(s.files.size(), 3u);  // Two works partitions, then the merged ids.
    EXPECT_EQ(s.files[0].format, "openalex");
    EXPECT_EQ(s.files[2].format, "openalex-merged");
    EXPECT_EQ(s.files_failed, 0u);
    EXPECT_EQ(s.records_read, 12u);
    EXPECT_EQ(s.records_new, 6u);                            // W1 W2 W5 W6 W7, W9.
    EXPECT_EQ(s.records_updated, 1u);                        // W2 in the newer partition.
    EXPECT_EQ(Get(s.skipped_by_reason, "doc_type"), 1u);     // W3 review.
    EXPECT_EQ(Get(s.skipped_by_reason, "ssh_subject"), 1u);  // W4 3312 + 1207.
    EXPECT_EQ(Get(s.rejected_by_reason, "missing_key"), 1u);
    EXPECT_EQ(s.records_deleted, 2u);  // W5 (stored) and W999 (never seen).
    EXPECT_EQ(Get(s.warnings, "openalex_institutions_loaded"), 2u);
    EXPECT_EQ(Get(s.warnings, "openalex_files_not_read"), 1u);  // authors.
    std::string csv = ExportCsv(*store);
    // W1: half at Ann Arbor (I1), half unlocated (I2 not in the institutions).
    EXPECT_NE(csv.find("cell,article,2021,42.28,-83.74,US,17,0.5\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("unlocated,article,2021,,,,,0.5\n"), std::string::npos) << csv;
    // W2 moved from Cambridge to Ann Arbor in the newer partition.
    EXPECT_NE(csv.find("cell,article,2020,42.28,-83.74,US,,1\n"), std::string::npos) << csv;
    EXPECT_EQ(csv.find("cell,article,2020,52.2"), std::string::npos) << csv;
    // W7: A7 twice counts once: 0.5 Ann Arbor + 0.5 Cambridge; W6 unlocated.
    EXPECT_NE(csv.find("cell,article,2022,42.28,-83.74,US,,0.5\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("cell,article,2022,52.2,0.12,GB,,0.5\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("world,article,2022,,,,,2\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("unlocated,article,2022,,,,,1\n"), std::string::npos) << csv;
    // W5 merged away: 2021 holds W1 only.
    EXPECT_NE(csv.find("world,article,2021,,,,,1\n"), std::string::npos) << csv;
    // Re-ingest: W5, still in its old partition, comes back (a deletion is
    // not a tombstone) and is deleted again by the merged ids read last;
    // everything else is unchanged.
    IngestStats again = IngestOk(store.get(), {root}, threads);
    EXPECT_EQ(again.records_new, 1u);
    EXPECT_EQ(again.records_updated, 0u);
    EXPECT_EQ(again.records_unchanged, 6u);  // W1, W2 twice (the older copy ignored), W6, W7, W9.
    EXPECT_EQ(ExportCsv(*store), csv);
  }
}

TEST(OpenAlex, ShortFileIsAnErrorNamingIt) {
  TempDir dir;
  std::string root = BuildSnapshot(dir, 1);
  TempDir db;
  auto store = OpenStore(db.Path("db"));
  IngestStats s = IngestOk(store.get(), {root});
  EXPECT_EQ(s.files_failed, 1u);
  EXPECT_EQ(Get(s.rejected_by_reason, "short_file"), 1u);
  EXPECT_NE(s.files[0].error.find("manifest says 9"), std::string::npos) << s.files[0].error;
  EXPECT_NE(s.files[0].path.find("updated_date=2024-01-01"), std::string::npos);
  EXPECT_TRUE(s.AnyRejected());
}

TEST(OpenAlex, ManifestProblems) {
  TempDir dir;
  std::string root = BuildSnapshot(dir);
  std::string w = ReadFile(root + "/data/works/manifest");
  w.insert(w.find('[') + 1,
           "{\"url\": \"s3://openalex/data/works/../../../../etc/passwd\", \"meta\": {}},"
           "{\"url\": \"s3://openalex/data/works/updated_date=2024-05-01/part_000.gz\", "
           "\"meta\": {\"record_count\": 3}},");
  WriteFile(root + "/data/works/manifest", w);
  TempDir db;
  auto store = OpenStore(db.Path("db"));
  IngestStats s = IngestOk(store.get(), {root});
  EXPECT_EQ(Get(s.rejected_by_reason, "bad_manifest"), 1u);  // The ".." path is refused.
  EXPECT_EQ(Get(s.rejected_by_reason, "missing_file"), 1u);  // Listed, not there.
  EXPECT_EQ(s.records_new, 6u);                              // The rest still lands.
}

TEST(OpenAlex, WorkFieldsAndVersion) {
  std::string line = ReadFile(Fixture("openalex/works-2024-01-01.jsonl"));
  line = line.substr(0, line.find('\n'));
  CollectingSink s = ParseUnit("openalex", line, "x/works/updated_date=2024-01-01/part_000.gz");
  ASSERT_EQ(s.records.size(), 1u);
  const Record& r = s.records[0];
  EXPECT_EQ(r.key, "W1");
  EXPECT_EQ(r.year, 2021);
  EXPECT_EQ(r.version, 20240101);  // From the partition folder.
  EXPECT_EQ(r.codes, std::vector<std::string>{"1710"});
  ASSERT_EQ(r.persons.size(), 2u);
  // No institutions index here: unlocated, institution name as address.
  EXPECT_FALSE(r.persons[0].locations[0].has_coords);
  EXPECT_EQ(r.persons[0].locations[0].address, "University of Michigan");
  EXPECT_EQ(r.persons[1].locations[0].country, "FR");
  // Outside a snapshot the work's own updated_date is the version.
  CollectingSink bare = ParseUnit("openalex", line);
  EXPECT_EQ(bare.records[0].version, 20240101);
  // Raw affiliation strings when a work has no institution.
  std::string w6 = ReadFile(Fixture("openalex/works-2024-01-01.jsonl"));
  w6 = w6.substr(w6.find("{\"id\": \"https://openalex.org/W6\""));
  w6 = w6.substr(0, w6.find('\n'));
  CollectingSink raw = ParseUnit("openalex", w6);
  ASSERT_EQ(raw.records.size(), 1u);
  EXPECT_EQ(raw.records[0].year, 2022);  // publication_year as a string.
  EXPECT_EQ(raw.records[0].persons[0].locations[0].address,
            "Max Planck Institute for Physics, Munich, Germany");
  EXPECT_EQ(raw.records[0].persons[0].locations[0].country, "DE");
}

// An author id listed again in a work is one person (whatever its display
// name), with the locations of both listings; 150 authors take the id table
// past its first growth; authors without an id are persons each; a later
// work of the same parser starts with no ids seen.
TEST(OpenAlex, RepeatedAuthorIdIsOnePersonPerWork) {
  auto authorship = [](const std::string& id, const std::string& name, int inst) {
    std::string author = "{\"display_name\": \"" + name + "\"";
    if (!id.empty()) author += ", \"id\": \"https://openalex.org/" + id + "\"";
    return "{\"author\": " + author + "}, \"institutions\": [{\"id\": \"https://openalex.org/I" +
           std::to_string(inst) + "\", \"display_name\": \"Inst " + std::to_string(inst) + "\"}]}";
  };
  std::string list;
  for (int i = 0; i < 150; ++i)
    list += (i ? ", " : "") + authorship("A" + std::to_string(i), "Author " + std::to_string(i), i);
  // A3 again, spelled otherwise, at another institution; two authors without an id.
  list += ", " + authorship("A3", "J. Three", 999);
  list += ", " + authorship("", "No Id", 1000) + ", " + authorship("", "No Id Either", 1001);
  auto work = [&](const std::string& id, const std::string& authorships) {
    return "{\"id\": \"https://openalex.org/" + id +
           "\", \"publication_year\": 2022, \"type\": \"article\", \"authorships\": [" +
           authorships + "]}";
  };
  const Format* f = FindFormat("openalex");
  ASSERT_NE(f, nullptr);
  auto parser = f->NewParser();
  parser->BeginFile(FileContext{});
  CollectingSink sink;
  for (const std::string& unit : {work("W1", list), work("W2", authorship("A3", "Three", 5) + ", " +
                                                                   authorship("A3", "T.", 6))}) {
    const std::string padded = unit + std::string(kUnitPadding, ' ');
    parser->Parse(std::string_view(padded.data(), unit.size()), &sink);
  }
  ASSERT_EQ(sink.records.size(), 2u);
  const Record& w1 = sink.records[0];
  ASSERT_EQ(w1.persons.size(), 152u);  // 150 ids + 2 without.
  ASSERT_EQ(w1.persons[3].locations.size(), 2u);
  EXPECT_EQ(w1.persons[3].name, "Author 3");
  EXPECT_EQ(w1.persons[3].locations[1].address, "Inst 999");
  EXPECT_EQ(w1.persons[151].name, "No Id Either");
  const Record& w2 = sink.records[1];
  ASSERT_EQ(w2.persons.size(), 1u);  // A3 of W1 is not carried over.
  ASSERT_EQ(w2.persons[0].locations.size(), 2u);
  EXPECT_EQ(w2.persons[0].name, "Three");
}

TEST(OpenAlex, MergedIdsAreDeletions) {
  CollectingSink s = ParseUnit("openalex-merged", "merge_date,id,merge_into_id\n");
  EXPECT_EQ(s.ignored, std::vector<std::string>{"csv_header"});
  CollectingSink d = ParseUnit("openalex-merged", "2024-02-01,https://openalex.org/W5,W1");
  EXPECT_EQ(d.deletes, std::vector<std::string>{"W5"});
}

// Recognised units (pipeline/README.md): a work read again from the same
// partition, with the same institutions, is taken from the store; the same
// line in another partition (another version) or read with other places for
// its institutions is parsed again.
TEST(OpenAlex, UnchangedWorksAreRecognised) {
  const std::string works = ReadFile(Fixture("openalex/works-2024-01-01.jsonl"));
  std::vector<std::string> lines;
  for (size_t at = 0; at < works.size();) {
    size_t nl = works.find('\n', at);
    lines.push_back(works.substr(at, nl - at + 1));
    at = nl + 1;
  }
  ASSERT_EQ(lines.size(), 8u);
  const std::string kept = lines[0] + lines[5] + lines[6];  // W1, W6, W7: all stored.
  const std::string institutions = ReadFile(Fixture("openalex/institutions-2024-01-01.jsonl"));
  std::string moved = institutions;  // I1 (Ann Arbor) a degree further north.
  const size_t lat = moved.find("42.2");
  ASSERT_NE(lat, std::string::npos);
  moved.replace(lat, 4, "43.2");
  TempDir dir;
  int n = 0;
  auto snapshot = [&](const std::string& date, const std::string& inst) {
    const std::string root = dir.Path("s" + std::to_string(n++));
    Manifest(root, "works", {PartitionOf(root, "works", date, kept)});
    Manifest(root, "institutions", {PartitionOf(root, "institutions", "2024-01-01", inst)});
    return root;
  };
  const std::string first = snapshot("2024-01-01", institutions);
  const std::string later = snapshot("2024-02-01", institutions);
  const std::string places = snapshot("2024-02-01", moved);
  auto store = OpenStore(dir.Path("db"));
  ASSERT_NE(store, nullptr);
  const IngestStats load = IngestOk(store.get(), {first});
  EXPECT_EQ(load.records_new, 3u);
  const std::string csv = ExportCsv(*store);
  const IngestStats again = IngestOk(store.get(), {first});
  EXPECT_EQ(again.records_unchanged, 3u);
  EXPECT_EQ(again.records_recognised, 3u);
  EXPECT_EQ(ExportCsv(*store), csv);
  // The same lines in a newer partition: newer versions, parsed.
  const IngestStats newer = IngestOk(store.get(), {later});
  EXPECT_EQ(newer.records_read, 3u);
  EXPECT_EQ(newer.records_recognised, 0u);
  EXPECT_EQ(IngestOk(store.get(), {later}).records_recognised, 3u);
  // Other places for I1: parsed, and W1's share moves north.
  const IngestStats moved_run = IngestOk(store.get(), {places});
  EXPECT_EQ(moved_run.records_recognised, 0u);
  EXPECT_EQ(moved_run.records_updated, 2u);  // W1 and W7; W6 has no I1.
  const std::string moved_csv = ExportCsv(*store);
  EXPECT_EQ(moved_csv.find("cell,article,2021,42.28,-83.74,US,17,0.5\n"), std::string::npos);
  EXPECT_NE(moved_csv.find("cell,article,2021,43.28,-83.74,US,17,0.5\n"), std::string::npos)
      << moved_csv;
  EXPECT_EQ(IngestOk(store.get(), {places}).records_recognised, 3u);
}

}  // namespace
}  // namespace stc
