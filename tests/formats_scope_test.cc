// ingest --replace through every reader: a record of another year is skipped
// (by the sink's OutOfScope reason) once the reader knows its year and its
// own filters (doc_type...) have passed, and the replaced year's records are
// read exactly as without a scope.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/formats_test_util.h"

namespace stc::testing {
namespace {

// A sink whose run replaces `year` of the readers' source.
class ScopedSink : public CollectingSink {
 public:
  explicit ScopedSink(int32_t year) : year_(year) {}
  bool Scoped() const override { return true; }
  std::string_view OutOfScope(int32_t year) const override {
    return year == year_ ? std::string_view() : std::string_view("outside_replace_year");
  }

 private:
  int32_t year_;
};

// The units of `data` as the pipeline frames them for `format`.
std::vector<std::string> Units(const Format& format, const std::string& data) {
  const Framing framing = format.FramingFor(data.substr(0, 65536));
  std::vector<std::string> units;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    end = end == std::string::npos ? data.size() : end + 1;
    if (framing.kind == Framing::Kind::kLines) {
      if (data.find_first_not_of(" \t\r\n", start) < end)
        units.push_back(data.substr(start, end - start - 1));
    } else if (units.empty() ||
               (!framing.line_prefix.empty() &&
                data.compare(start, framing.line_prefix.size(), framing.line_prefix) == 0)) {
      units.push_back(data.substr(start, end - start));
    } else {
      units.back() += data.substr(start, end - start);
    }
    start = end;
  }
  return units;
}

void ParseAll(const Format& format, const std::string& data, CollectingSink* sink) {
  auto parser = format.NewParser();
  FileContext file;
  file.first_line = data.substr(0, data.find('\n'));
  parser->BeginFile(file);
  for (const std::string& unit : Units(format, data)) {
    const std::string padded = unit + std::string(kUnitPadding, ' ');
    parser->Parse(std::string_view(padded.data(), unit.size()), sink);
    sink->pending = false;
  }
}

std::string Describe(const Record& r) {
  std::string out = r.key + " " + std::to_string(r.year) + " " + r.doc_type + " " + r.field;
  for (const Person& p : r.persons) {
    out += " [" + p.name;
    for (const Location& l : p.locations) out += " " + l.city + "/" + l.country + "/" + l.address;
    out += "]";
  }
  return out;
}

TEST(ReaderScope, RecordsOfAnotherYearAreSkippedAndTheRestReadAsWithoutScope) {
  struct Case {
    const char* format;
    const char* fixture;
  };
  for (const Case& c :
       {Case{"scopus", "scopus/entries.jsonl"}, Case{"scopus", "scopus/page-complete.json"},
        Case{"scopus-abstract", "scopus_abstract/abstracts.jsonl"},
        Case{"openalex", "openalex/works-2024-01-01.jsonl"},
        Case{"patentscope", "patentscope/weekly-concatenated.xml"}, Case{"vc", "vc/deals.jsonl"}}) {
    SCOPED_TRACE(c.fixture);
    const Format* format = FindFormat(c.format);
    ASSERT_NE(format, nullptr);
    const std::string data = ReadFile(Fixture(c.fixture));
    CollectingSink all;
    ParseAll(*format, data, &all);
    ASSERT_FALSE(all.records.empty());
    // The first record's year, or the year after it when every record has
    // that year (then every record is outside the scope).
    int32_t year = all.records.front().year;
    if (std::all_of(all.records.begin(), all.records.end(),
                    [&](const Record& r) { return r.year == year; })) {
      ++year;
    }
    std::vector<std::string> kept;
    size_t outside = 0;
    for (const Record& r : all.records) {
      if (r.year == year) {
        kept.push_back(Describe(r));
      } else {
        ++outside;
      }
    }
    ASSERT_GT(outside, 0u);

    ScopedSink scoped(year);
    ParseAll(*format, data, &scoped);
    std::vector<std::string> got;
    for (const Record& r : scoped.records) got.push_back(Describe(r));
    EXPECT_EQ(got, kept);
    // Every other record is a skip for the scope; the readers' own skips
    // stay. A reject of another year's record may turn into such a skip
    // (what follows its year is not read).
    std::vector<std::string> own;
    size_t scope_skips = 0;
    for (const std::string& s : scoped.skips) {
      if (s == "outside_replace_year") {
        ++scope_skips;
      } else {
        own.push_back(s);
      }
    }
    EXPECT_EQ(own, all.skips);
    ASSERT_LE(scoped.rejects.size(), all.rejects.size());
    EXPECT_EQ(scope_skips, outside + (all.rejects.size() - scoped.rejects.size()));
  }
}

}  // namespace
}  // namespace stc::testing
