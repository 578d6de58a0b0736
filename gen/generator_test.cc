#include "gen/generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace stc {
namespace {

namespace fs = std::filesystem;

class GeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("stc_gen_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  GeneratorSummary Generate(GeneratorOptions options, const std::string& sub) {
    options.out_dir = (dir_ / sub).string();
    Result<GeneratorSummary> r = GenerateNormalisedDump(options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : GeneratorSummary{};
  }

  fs::path dir_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The decompressed content of a .zst file (or the file itself when plain).
std::string ReadContent(const std::string& path) {
  std::string raw = ReadFile(path);
  if (path.size() < 4 || path.substr(path.size() - 4) != ".zst") return raw;
  std::string out;
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::vector<char> buf(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{raw.data(), raw.size(), 0};
  size_t last = 0;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    last = ZSTD_decompressStream(dctx, &o, &in);
    if (ZSTD_isError(last)) {
      ADD_FAILURE() << path << ": " << ZSTD_getErrorName(last);
      break;
    }
    out.append(buf.data(), o.pos);
  }
  EXPECT_EQ(last, 0u) << path << ": truncated zstd frame";
  ZSTD_freeDCtx(dctx);
  return out;
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    EXPECT_NE(nl, std::string::npos) << "last line not terminated";
    if (nl == std::string::npos) nl = s.size();
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// What the checks below need from one parsed line.
struct LineInfo {
  bool pct = false;
  std::string key;      // Normalised (trimmed; PCT also upper-cased).
  std::string version;  // `updated`, else the date.
  bool has_updated = false;
  size_t persons = 0;
  int64_t author_count = 0;
  size_t no_address = 0, unlocated = 0, two_addresses = 0;
  std::set<std::string> countries;
};

// Parses a line and checks the fields docs/formats.md requires.
LineInfo CheckLine(simdjson::dom::parser& parser, const std::string& line) {
  LineInfo info;
  simdjson::dom::object obj;
  auto err = parser.parse(line).get(obj);
  if (err) {
    ADD_FAILURE() << "not a JSON object: " << simdjson::error_message(err) << ": " << line;
    return info;
  }
  std::string_view key, date, updated;
  info.pct = obj["application_number"].get(key) == simdjson::SUCCESS;
  if (info.pct) {
    EXPECT_FALSE(obj["publication_date"].get(date)) << line;
    EXPECT_EQ(date.size(), 10u) << line;
    std::string k = Trim(key);
    for (char& c : k) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    info.key = k;
    EXPECT_EQ(info.key.rfind("PCT/", 0), 0u) << line;
  } else {
    EXPECT_FALSE(obj["key"].get(key)) << line;
    EXPECT_FALSE(obj["cover_date"].get(date)) << line;
    info.key = Trim(key);
    int64_t count = 0;
    if (obj["author_count"].get(count) == simdjson::SUCCESS) info.author_count = count;
  }
  EXPECT_FALSE(info.key.empty()) << line;
  info.has_updated = obj["updated"].get(updated) == simdjson::SUCCESS;
  info.version = std::string(info.has_updated ? updated : date);
  EXPECT_GE(date.size(), 4u);
  int year = std::stoi(std::string(date.substr(0, 4)));
  EXPECT_TRUE(year >= 2017 && year <= 2023) << line;

  simdjson::dom::array persons;
  EXPECT_FALSE(obj[info.pct ? "inventors" : "authors"].get(persons)) << line;
  for (simdjson::dom::element p : persons) {
    ++info.persons;
    std::string_view name;
    EXPECT_FALSE(p["name"].get(name)) << line;
    EXPECT_FALSE(name.empty());
    simdjson::dom::array addrs;
    EXPECT_FALSE(p[info.pct ? "addresses" : "affiliations"].get(addrs)) << line;
    size_t n = 0;
    for (simdjson::dom::element a : addrs) {
      ++n;
      std::string_view country, city;
      EXPECT_FALSE(a["country"].get(country)) << line;
      EXPECT_EQ(country.size(), 2u) << line;
      EXPECT_FALSE(a["city"].get(city)) << line;
      info.countries.insert(std::string(country));
      double lat = 0, lon = 0;
      bool has_lat = a["lat"].get(lat) == simdjson::SUCCESS;
      bool has_lon = a["lon"].get(lon) == simdjson::SUCCESS;
      EXPECT_EQ(has_lat, has_lon) << line;
      if (!has_lat) ++info.unlocated;
      EXPECT_TRUE(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) << line;
    }
    if (n == 0) ++info.no_address;
    if (n == 2) ++info.two_addresses;
  }
  EXPECT_GT(info.persons, 0u) << line;
  return info;
}

TEST_F(GeneratorTest, SameSeedGivesIdenticalBytes) {
  GeneratorOptions o;
  o.records = 3000;
  o.seed = 7;
  o.files_per_source = 3;
  GeneratorSummary a = Generate(o, "a");
  GeneratorSummary b = Generate(o, "b");
  ASSERT_EQ(a.files.size(), 6u);
  ASSERT_EQ(b.files.size(), 6u);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(a.bytes, b.bytes);
  for (size_t i = 0; i < a.files.size(); ++i) {
    EXPECT_EQ(fs::path(a.files[i]).filename(), fs::path(b.files[i]).filename());
    EXPECT_TRUE(ReadFile(a.files[i]) == ReadFile(b.files[i])) << a.files[i];
  }
  EXPECT_EQ(fs::path(a.files[0]).filename(), "article-000.jsonl.zst");
  EXPECT_EQ(fs::path(a.files[5]).filename(), "pct-002.jsonl.zst");

  o.seed = 8;
  GeneratorSummary c = Generate(o, "c");
  ASSERT_EQ(c.files.size(), 6u);
  size_t same = 0;
  for (size_t i = 0; i < a.files.size(); ++i) {
    same += ReadContent(a.files[i]) == ReadContent(c.files[i]) ? 1 : 0;
  }
  EXPECT_EQ(same, 0u);
}

TEST_F(GeneratorTest, PlainOutputEqualsDecompressedOutput) {
  GeneratorOptions o;
  o.records = 2000;
  GeneratorSummary zst = Generate(o, "zst");
  o.compress = false;
  GeneratorSummary plain = Generate(o, "plain");
  ASSERT_EQ(zst.files.size(), plain.files.size());
  for (size_t i = 0; i < zst.files.size(); ++i) {
    EXPECT_EQ(fs::path(plain.files[i]).extension(), ".jsonl");
    EXPECT_TRUE(ReadContent(zst.files[i]) == ReadFile(plain.files[i])) << plain.files[i];
  }
  EXPECT_EQ(zst.lines, plain.lines);
  EXPECT_EQ(zst.bytes, plain.bytes);
}

// Everything the checks need from a whole dump. Checks on the way that the
// first line of a key is its original, that extras come in later files,
// copies are byte-identical and corrections have distinct, later versions.
struct Tally {
  uint64_t lines = 0, bytes = 0, keys = 0, pct_keys = 0, copies = 0, corrections = 0;
  uint64_t truncated = 0, persons = 0, no_address = 0, unlocated = 0, two_addresses = 0;
  std::set<std::string> countries;
};

Tally TallyDump(const GeneratorSummary& s) {
  struct KeyState {
    std::string first_line;
    int first_file = 0;
    std::set<std::string> versions;
  };
  std::map<std::string, KeyState> keys;
  simdjson::dom::parser parser;
  Tally t;
  for (const std::string& path : s.files) {
    std::string base = fs::path(path).filename().string();
    int file_index = std::stoi(base.substr(base.find('-') + 1));
    std::string content = ReadContent(path);
    t.bytes += content.size();
    for (const std::string& line : SplitLines(content)) {
      ++t.lines;
      LineInfo info = CheckLine(parser, line);
      t.persons += info.persons;
      t.no_address += info.no_address;
      t.unlocated += info.unlocated;
      t.two_addresses += info.two_addresses;
      t.countries.insert(info.countries.begin(), info.countries.end());
      if (info.author_count > static_cast<int64_t>(info.persons)) ++t.truncated;
      std::string id = (info.pct ? "pct:" : "article:") + info.key;
      auto [it, inserted] = keys.try_emplace(id);
      KeyState& k = it->second;
      if (inserted) {
        t.pct_keys += info.pct ? 1 : 0;
        EXPECT_FALSE(info.has_updated) << "the first line of a key is the original: " << line;
        k.first_line = line;
        k.first_file = file_index;
        k.versions.insert(info.version);
        continue;
      }
      if (s.files.size() > 2) {
        EXPECT_GT(file_index, k.first_file) << "extras go to later files: " << line;
      }
      if (info.has_updated) {
        ++t.corrections;
        EXPECT_GT(info.version, *k.versions.begin()) << line;
        EXPECT_TRUE(k.versions.insert(info.version).second) << "versions share a date: " << line;
      } else {
        ++t.copies;
        EXPECT_EQ(line, k.first_line) << "copies are byte-identical";
      }
    }
  }
  t.keys = keys.size();
  EXPECT_EQ(t.lines, s.lines);
  EXPECT_EQ(t.bytes, s.bytes);
  EXPECT_EQ(t.lines, t.keys + t.copies + t.corrections);
  return t;
}

TEST_F(GeneratorTest, LinesParseAndExtrasComeInProportion) {
  GeneratorOptions o;
  o.records = 20000;
  o.seed = 42;
  o.files_per_source = 3;
  o.duplicate_rate = 0.05;
  o.correction_rate = 0.02;
  GeneratorSummary s = Generate(o, "d");
  ASSERT_EQ(s.files.size(), 6u);
  Tally t = TallyDump(s);
  EXPECT_EQ(t.keys, o.records);
  EXPECT_EQ(t.pct_keys, 8000u);
  EXPECT_NEAR(static_cast<double>(t.copies), 0.05 * 20000, 0.15 * 0.05 * 20000);
  EXPECT_NEAR(static_cast<double>(t.corrections), 0.02 * 20000, 0.2 * 0.02 * 20000);
  // Realistic-ish content.
  EXPECT_GE(t.countries.size(), 15u);
  EXPECT_GT(t.truncated, 5u);
  EXPECT_NEAR(static_cast<double>(t.no_address) / t.persons, 0.02, 0.01);
  EXPECT_GT(t.unlocated, t.persons / 50);
  EXPECT_GT(t.two_addresses, t.persons / 50);
}

TEST_F(GeneratorTest, ManyFilesAndMoreFilesThanRecords) {
  GeneratorOptions o;
  o.records = 6000;
  o.files_per_source = 25;
  o.duplicate_rate = 0.1;
  o.correction_rate = 0.1;
  GeneratorSummary s = Generate(o, "many");
  ASSERT_EQ(s.files.size(), 50u);
  Tally t = TallyDump(s);
  EXPECT_EQ(t.keys, o.records);
  EXPECT_NEAR(static_cast<double>(t.copies), 600.0, 120.0);
  EXPECT_NEAR(static_cast<double>(t.corrections), 600.0, 120.0);

  o.records = 3;
  o.files_per_source = 4;
  GeneratorSummary few = Generate(o, "few");
  ASSERT_EQ(few.files.size(), 8u);
  EXPECT_EQ(TallyDump(few).keys, 3u);
}

TEST_F(GeneratorTest, OneFilePerSourcePutsExtrasAfterTheOriginals) {
  GeneratorOptions o;
  o.records = 4000;
  o.files_per_source = 1;
  o.duplicate_rate = 0.1;
  o.correction_rate = 0.05;
  o.pct_share = 1.0;
  GeneratorSummary s = Generate(o, "one");
  ASSERT_EQ(s.files.size(), 2u);  // An empty article file too.
  EXPECT_TRUE(ReadContent(s.files[0]).empty());
  simdjson::dom::parser parser;
  std::set<std::string> seen;
  uint64_t extras = 0;
  for (const std::string& line : SplitLines(ReadContent(s.files[1]))) {
    LineInfo info = CheckLine(parser, line);
    if (!seen.insert(info.key).second) ++extras;
  }
  EXPECT_EQ(seen.size(), 4000u);
  EXPECT_NEAR(static_cast<double>(extras), 600.0, 90.0);
  EXPECT_EQ(s.lines, 4000u + extras);
}

TEST_F(GeneratorTest, RejectsBadOptions) {
  GeneratorOptions o;
  EXPECT_EQ(GenerateNormalisedDump(o).status().code(), StatusCode::kInvalidArgument);
  o.out_dir = (dir_ / "x").string();
  o.files_per_source = 0;
  EXPECT_EQ(GenerateNormalisedDump(o).status().code(), StatusCode::kInvalidArgument);
  o.files_per_source = 1;
  o.pct_share = 1.5;
  EXPECT_EQ(GenerateNormalisedDump(o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(GeneratorTest, UnwritableDirectoryIsAnIoError) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  GeneratorOptions o;
  o.records = 10;
  o.out_dir = (dir_ / "file" / "sub").string();
  EXPECT_EQ(GenerateNormalisedDump(o).status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace stc
