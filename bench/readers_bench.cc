// Parse + count throughput of every reader (MB/s and records/s), on
// equivalent synthetic records written in each format, so that each real
// reader can be compared per byte with the normalised one of its source
// (article-jsonl for Scopus/OpenAlex, pct-jsonl for PATENTSCOPE). The output
// is checked (every unit parsed to a record, none rejected) before timing.
// Each reader runs twice: views:1 with a sink that takes persons as views,
// as the ingest's does (the Scopus Search, PATENTSCOPE, OpenAlex and
// normalised readers then list them so), views:0 with one that does not.
//
//   build/bench/stc_readers_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "core/record_codec.h"
#include "parsers/registry.h"
#include "pipeline/counting.h"

namespace stc {
namespace {

constexpr int kRecords = 20000;

const char* const kCities[] = {"Boston", "Paris", "Beijing", "Tokyo", "Munich", "London"};
const char* const kCountries[] = {"United States", "France",  "China",
                                  "Japan",         "Germany", "United Kingdom"};
const char* const kIso[] = {"US", "FR", "CN", "JP", "DE", "GB"};

std::string Q(const std::string& s) { return "\"" + s + "\""; }

// One generated corpus: the same records in each format; units separated as
// the format's framing cuts them.
struct Corpus {
  std::string article_jsonl, scopus, abstract, openalex, pct_jsonl, patentscope, vc;
};

const Corpus& GetCorpus() {
  static Corpus* c = [] {
    auto* c = new Corpus;
    std::mt19937 rng(7);
    for (int i = 0; i < kRecords; ++i) {
      int n = 1 + static_cast<int>(rng() % 8);
      std::string date =
          "20" + std::to_string(15 + i % 9) + "-0" + std::to_string(1 + i % 9) + "-01";
      std::string key = std::to_string(85000000000ll + i);
      std::string norm_authors, sc_aff, sc_auth, ab_groups, oa_auth, pct_inv, xml_inv;
      for (int j = 0; j < n; ++j) {
        int p = static_cast<int>(rng() % 6);
        std::string name = "Author" + std::to_string(i) + "x" + std::to_string(j);
        std::string sep = j ? ", " : "";
        norm_authors += sep + "{\"name\": " + Q(name) + ", \"affiliations\": [{\"name\": \"Inst" +
                        std::to_string(p) + "\", \"city\": " + Q(kCities[p]) +
                        ", \"country\": " + Q(kIso[p]) + "}]}";
        sc_aff += sep + "{\"afid\": \"" + std::to_string(600 + j) + "\", \"affilname\": \"Inst" +
                  std::to_string(p) + "\", \"affiliation-city\": " + Q(kCities[p]) +
                  ", \"affiliation-country\": " + Q(kCountries[p]) + "}";
        sc_auth += sep + "{\"@seq\": \"" + std::to_string(j + 1) + "\", \"authid\": \"" +
                   std::to_string(7000 + j) + "\", \"authname\": " + Q(name) +
                   ", \"afid\": [{\"$\": \"" + std::to_string(600 + j) + "\"}]}";
        ab_groups += sep + "{\"affiliation\": {\"@afid\": \"" + std::to_string(600 + j) +
                     "\", \"organization\": [{\"$\": \"Inst" + std::to_string(p) +
                     "\"}], \"city\": " + Q(kCities[p]) + ", \"country\": " + Q(kCountries[p]) +
                     "}, \"author\": [{\"@auid\": \"" + std::to_string(7000 + j) +
                     "\", \"ce:indexed-name\": " + Q(name) + "}]}";
        oa_auth += sep + "{\"author\": {\"id\": \"https://openalex.org/A" +
                   std::to_string(7000 + j) + "\", \"display_name\": " + Q(name) +
                   "}, \"institutions\": [{\"id\": "
                   "\"https://openalex.org/I" +
                   std::to_string(p) + "\", \"display_name\": \"Inst" + std::to_string(p) +
                   "\", \"country_code\": " + Q(kIso[p]) + "}]}";
        pct_inv += sep + "{\"name\": " + Q(name) +
                   ", \"addresses\": [{\"text\": \"1 Main St\", "
                   "\"city\": " +
                   Q(kCities[p]) + ", \"country\": " + Q(kIso[p]) + "}]}";
        xml_inv += "<inventor><addressbook lang=\"en\"><name>" + name +
                   "</name><address><address-1>1 Main St</address-1><city>" + kCities[p] +
                   "</city><country>" + kIso[p] + "</country></address></addressbook></inventor>\n";
      }
      c->article_jsonl += "{\"key\": \"2-s2.0-" + key + "\", \"cover_date\": " + Q(date) +
                          ", \"subjects\": [\"1710\"], \"authors\": [" + norm_authors + "]}\n";
      c->scopus += "{\"@_fa\": \"true\", \"eid\": \"2-s2.0-" + key +
                   "\", \"prism:coverDate\": " + Q(date) +
                   ", \"subtype\": \"ar\", \"affiliation\": [" + sc_aff +
                   "], \"author-count\": {\"@limit\": \"100\", \"@total\": \"" + std::to_string(n) +
                   "\"}, \"author\": [" + sc_auth + "]}\n";
      c->abstract += "{\"abstracts-retrieval-response\": {\"coredata\": {\"eid\": \"2-s2.0-" + key +
                     "\", \"prism:coverDate\": " + Q(date) +
                     ", \"subtype\": \"ar\"}, "
                     "\"subject-areas\": {\"subject-area\": [{\"@code\": \"1710\"}]}, \"item\": "
                     "{\"bibrecord\": {\"head\": {\"author-group\": [" +
                     ab_groups + "]}}}}}\n";
      c->openalex += "{\"id\": \"https://openalex.org/W" + key +
                     "\", \"publication_year\": " + date.substr(0, 4) +
                     ", \"type\": \"article\", \"topics\": [{\"subfield\": "
                     "{\"id\": \"https://openalex.org/subfields/1710\"}}], \"authorships\": [" +
                     oa_auth + "]}\n";
      std::string app = "PCT/CN2021/" + std::to_string(100000 + i);
      c->pct_jsonl += "{\"application_number\": " + Q(app) + ", \"publication_date\": " + Q(date) +
                      ", \"ipc\": [\"H04W 72/04\"], \"applicants\": [{\"name\": \"Org\"}], "
                      "\"inventors\": [" +
                      pct_inv + "]}\n";
      c->patentscope +=
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wo-international-application-status>"
          "<wo-bibliographic-data>\n<publication-reference><document-id><country>WO"
          "</country><kind>A1</kind><date>" +
          date.substr(0, 4) + date.substr(5, 2) +
          "01</date></document-id></publication-reference>\n<classifications-ipcr>"
          "<classification-ipcr><text>H04W 72/04 2009.01</text></classification-ipcr>"
          "</classifications-ipcr>\n<application-reference><document-id><doc-number>" +
          app +
          "</doc-number></document-id></application-reference>\n<parties>"
          "<applicants><applicant app-type=\"applicant\"><addressbook lang=\"en\"><name>"
          "Org</name></addressbook></applicant></applicants>\n<inventors>\n" +
          xml_inv +
          "</inventors></parties></wo-bibliographic-data>\n</"
          "wo-international-application-status>\n";
      c->vc += "{\"deal_id\": \"D" + key + "\", \"date\": " + Q(date) +
               ", \"company\": \"Co\", "
               "\"city\": \"Boston\", \"country\": \"US\", \"lat\": 42.36, \"lon\": -71.06, "
               "\"round\": \"Seed\"}\n";
    }
    return c;
  }();
  return *c;
}

// Counts records; rejects any reject. With `views`, takes persons as views
// (ParseSink::AcceptsPersonViews), as the ingest's sink does.
class CountingSink : public ParseSink {
 public:
  explicit CountingSink(bool views) : views_(views) {}
  bool AcceptsPersonViews() const override { return views_; }
  Record* NewRecord() override {
    Flush();
    record_.Clear();
    pending_ = true;
    return &record_;
  }
  void Reject(std::string_view, std::string_view) override {
    pending_ = false;
    ++rejects;
  }
  void Skip(std::string_view) override { pending_ = false; }
  void Warn(std::string_view) override {}
  void Delete(std::string_view) override {}
  void Flush() {
    if (!pending_) return;
    pending_ = false;
    CountRecord(record_, &counted_);
    encoded_.clear();
    EncodeCountedRecord(counted_, &encoded_);
    benchmark::DoNotOptimize(FingerprintEncoded(encoded_));
    ++records;
  }
  int64_t records = 0, rejects = 0;

 private:
  bool views_;
  Record record_;
  CountedRecord counted_;
  std::string encoded_;
  bool pending_ = false;
};

// Unit boundaries of `data` per the format's framing.
std::vector<std::pair<size_t, size_t>> Units(const std::string& data, const Format& f) {
  Framing framing = f.FramingFor(std::string_view(data).substr(0, 65536));
  std::vector<std::pair<size_t, size_t>> units;
  std::string marker = "\n" + framing.line_prefix;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end;
    if (framing.kind == Framing::Kind::kLines) {
      end = data.find('\n', pos);
      if (end == std::string::npos) end = data.size();
      units.emplace_back(pos, end - pos);
      pos = end + 1;
    } else {
      end = data.find(marker, pos);
      end = end == std::string::npos ? data.size() : end + 1;
      units.emplace_back(pos, end - pos);
      pos = end;
    }
  }
  return units;
}

// state.range(0): 1 to read persons as views where the reader can (what the
// ingest does), 0 for the Person form.
void ParseAndCount(benchmark::State& state, const std::string& data, const char* name) {
  const bool views = state.range(0) != 0;
  const Format& f = *FindFormat(name);
  auto parser = f.NewParser();
  std::string padded = data + std::string(kUnitPadding, ' ');
  auto units = Units(data, f);
  CountingSink check(views);
  for (auto [off, len] : units) {
    parser->Parse(std::string_view(padded.data() + off, len), &check);
    check.Flush();
  }
  if (check.rejects != 0 || check.records != kRecords) {
    state.SkipWithError("the reader did not read every generated record");
    return;
  }
  CountingSink sink(views);
  for (auto _ : state) {
    for (auto [off, len] : units) {
      parser->Parse(std::string_view(padded.data() + off, len), &sink);
      sink.Flush();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.SetItemsProcessed(sink.records);
  state.counters["bytes_per_record"] = static_cast<double>(data.size()) / kRecords;
}

#define READER_BENCH(fn, member, format)                                                 \
  void fn(benchmark::State& state) { ParseAndCount(state, GetCorpus().member, format); } \
  BENCHMARK(fn)->ArgName("views")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)

READER_BENCH(BM_ArticleJsonl, article_jsonl, "article-jsonl");
READER_BENCH(BM_ScopusSearch, scopus, "scopus");
READER_BENCH(BM_ScopusAbstract, abstract, "scopus-abstract");
READER_BENCH(BM_OpenAlex, openalex, "openalex");
READER_BENCH(BM_PctJsonl, pct_jsonl, "pct-jsonl");
READER_BENCH(BM_Patentscope, patentscope, "patentscope");
READER_BENCH(BM_VcDeals, vc, "vc");

}  // namespace
}  // namespace stc
