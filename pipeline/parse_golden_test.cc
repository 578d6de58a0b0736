// Pins what the normalised JSON Lines readers, the counting step and the
// record codec produce together: the parsed Record, the reject reason and
// detail, the encoded bytes and the fingerprint of every line. The stored
// records and dedup depend on these bytes, so speed work on any of the three
// must leave them byte-identical.
//
// The inputs are hand-written edge cases (expected output written out) and a
// generated corpus of mixed, sometimes malformed lines whose canonical dump is
// pinned by a hash (the value the code gave when the test was written; on a
// mismatch the first lines of the dump are printed to help find the change).
// Like the pipeline, one Record and one CountedRecord are reused for every
// line, so state leaking from one record into the next shows up here.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/hash.h"
#include "core/record_codec.h"
#include "parsers/registry.h"
#include "pipeline/counting.h"

namespace stc {
namespace {

std::string Hex(std::string_view s) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// Canonical text of a Record (every field the readers fill).
std::string DumpRecord(const Record& r) {
  std::string out = "src=" + std::string(SourceName(r.source)) + " key=[" + r.key +
                    "] year=" + std::to_string(r.year) + " version=" + std::to_string(r.version) +
                    " type=[" + r.doc_type + "] field=[" + r.field +
                    "] declared=" + std::to_string(r.declared_persons) + " codes=";
  for (const auto& c : r.codes) out += "[" + c + "]";
  out += " orgs=";
  for (const auto& o : r.orgs) out += "[" + o + "]";
  for (const Person& p : r.persons) {
    out += " person[" + p.name + "]";
    for (const Location& l : p.locations) {
      out += "{";
      if (l.has_coords) out += std::to_string(l.lat_e5) + "," + std::to_string(l.lon_e5);
      out += " c=[" + l.country + "] city=[" + l.city + "] addr=[" + l.address + "]}";
    }
  }
  return out;
}

// Parses lines like ItemSink does (one reused Record, persons as views when
// `views`, count, encode, fingerprint) and writes one canonical text line per
// outcome (persons in the Record's own form: views are materialised).
class DumpSink : public ParseSink {
 public:
  // A scoped sink whose scope holds every year: nothing is skipped, but the
  // JSON Lines readers take their On-Demand path (parsers/json_api.h).
  DumpSink(bool scoped, bool views) : scoped_(scoped), views_(views) {}
  bool Scoped() const override { return scoped_; }
  bool AcceptsPersonViews() const override { return views_; }
  Record* NewRecord() override {
    Flush();
    record_.Clear();
    pending_ = true;
    return &record_;
  }
  void Reject(std::string_view reason, std::string_view detail) override {
    pending_ = false;
    out += "reject " + std::string(reason) + ": " + std::string(detail) + "\n";
  }
  void Skip(std::string_view reason) override {
    pending_ = false;
    out += "skip " + std::string(reason) + "\n";
  }
  void Warn(std::string_view what) override { out += "warn " + std::string(what) + "\n"; }
  void Delete(std::string_view key) override { out += "delete " + std::string(key) + "\n"; }
  void Flush() {
    if (!pending_) return;
    pending_ = false;
    CountRecord(record_, &counted_);
    encoded_.clear();
    EncodeCountedRecord(counted_, &encoded_);
    record_.MaterialisePersonViews();
    out += DumpRecord(record_) + "\n  counted key=[" + counted_.key + "] " + Hex(encoded_) +
           " fp=" + std::to_string(FingerprintEncoded(encoded_)) + "\n";
  }
  std::string out;

 private:
  Record record_;
  CountedRecord counted_;
  std::string encoded_;
  bool pending_ = false;
  bool scoped_ = false;
  bool views_ = true;
};

// `views`: the sink takes persons as views, as the ingest's does.
std::string ParseLines(const char* format, const std::vector<std::string>& lines,
                       bool scoped = false, bool views = true) {
  auto parser = FindFormat(format)->NewParser();
  DumpSink sink(scoped, views);
  for (const std::string& line : lines) {
    std::string padded = line + std::string(kUnitPadding, ' ');
    parser->Parse(std::string_view(padded.data(), line.size()), &sink);
    sink.Flush();
  }
  return sink.out;
}

// On a mismatch: the dump's first lines, to see what changed. With
// STC_GOLDEN_DUMP=DIR set, the whole dump is also written to DIR/NAME.txt (to
// diff the output of two versions of the code).
std::string Head(const std::string& s, const char* name) {
  if (const char* dir = std::getenv("STC_GOLDEN_DUMP")) {
    std::ofstream(std::string(dir) + "/" + name + ".txt", std::ios::binary) << s;
  }
  return s.substr(0, 4000);
}

TEST(ParseGolden, PctEdgeCases) {
  std::vector<std::string> lines = {
      // Escapes in every string, a duplicate person, an address without
      // coordinates (unresolved), coordinates as strings, lower-case country.
      R"({"application_number":" pct/us99/12345 ","kind":"A\u0031","publication_date":"2000-01-06",)"
      R"("ipc":["h04W 72/04",null,"",  "G06F 3/01"],"applicants":[{"name":"Acme \"X\""},{"name":null}],)"
      R"("inventors":[{"name":"M\u00fcller\\A","addresses":[{"text":"1 Main\nSt","city":"Bo\/ston",)"
      R"("country":"us","lat":"42.36 ","lon":-71.06}, {"city":"Austin","country":"US"}]},)"
      R"({"name":"M\u00fcller\\A","addresses":[{"text":"1 Main\nSt","city":"Bo\/ston",)"
      R"("country":"us","lat":"42.36 ","lon":-71.06}, {"city":"Austin","country":"US"}]},)"
      R"({"name":"B","addresses":null},{"name":"C","addresses":[{"address":"x","country":"Japan"}]}]})",
      R"({"application_number":"PCT/CN2021/123456","publication_date":"20210305","updated":"2021-04",)"
      R"("inventors":[{"name":"Wang","addresses":[{"lat":1e-5,"lon":-180,"country":"cn"},)"
      R"({"lat":1.000004,"lon":180.0,"country":"CN"},{"lat":0.000014999,"lon":-179.999995}]}]})",
      R"({"application_number":"pct/jp2014/1","publication_date":"2015","ipc":null,"applicants":null,)"
      R"("inventors":[{"name":"a"},{"name":"a"},{"addresses":[{"lat":null,"lon":null,"text":"")"
      R"(}]}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-30","inventors":[]})",
      R"({"application_number":"  ","publication_date":"2020-02-01","inventors":[{"name":"x"}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01","updated":"x",)"
      R"("inventors":[{"name":"x"}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":"x","addresses":[{"lat":91,"lon":0}]}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":"x","addresses":[{"lat":1}]}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":"x","addresses":[{"lat":"abc","lon":2}]}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":"x","addresses":[{"lat":1e999,"lon":2}]}]})",
      R"({"application_number":5,"publication_date":"2020-02-01","inventors":[{"name":"x"}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01","kind":[],)"
      R"("inventors":[{"name":"x"}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01","ipc":[1],)"
      R"("inventors":[{"name":"x"}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01","inventors":{}})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01","inventors":[1]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":"x","addresses":{}}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":"x","addresses":[3]}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":7}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":"x","addresses":[{"city":7}]}]})",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":"x"}]} x)",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01",)"
      R"("inventors":[{"name":"x"}])",
      R"([1,2])",
      R"(nope)",
      "{\"application_number\":\"PCT/US2020/5\",\"publication_date\":\"2020-02-01\","
      "\"inventors\":[{\"name\":\"\xff\"}]}",
      R"({"application_number":"PCT/US2020/5","publication_date":"2020-02-01","ipc":["a01"],)"
      R"("inventors":[{"name":"x","addresses":[{"name":"Org A","lat":"","lon":" "}]},)"
      R"({"name":"y","addresses":[{"name":"Org A"}]}]})",
  };
  // The first record, decoded by hand: version 03, year a01f (zigzag 4000),
  // version d4b58913, 3 persons (the repeated one counted once), flags 00,
  // field "H", 2 codes (null and "" dropped), 1 org, unlocated, 1 point
  // (lat c08b8504 = zigzag 4236000, lon ...) "US", 3 unresolved labels:
  // "Austin, US" (1/6 unit), "(no address)" and "x, JP" (1/3 each; the
  // country name "Japan" is mapped to its code, not dropped), unit hash 0
  // (eight zero bytes: no unit was hashed here).
  const std::string kWant =
      "src=pct key=[PCT/US1999/012345] year=2000 version=20000106 type=[A1] field=[H] "
      "declared=0 codes=[h04W 72/04][G06F 3/01] orgs=[Acme \"X\"] person[M\xC3\xBCller\\A]"
      "{4236000,-7106000 c=[US] city=[Bo/ston] addr=[1 Main\nSt]}{ c=[US] city=[Austin] addr=[]} "
      "person[M\xC3\xBCller\\A]{4236000,-7106000 c=[US] city=[Bo/ston] addr=[1 Main\nSt]}"
      "{ c=[US] city=[Austin] addr=[]} person[B] person[C]{ c=[JP] city=[] addr=[x]}\n"
      "  counted key=[PCT/US1999/012345] "
      "03a01fd4b5891303000148020a683034572037322f3034094730364620332f3031010841636d6520225822"
      "aaa1dd9a0601c08b85049fb7e3065553d686f99e01030a41757374696e2c205553d686f99e010c286e6f20"
      "6164647265737329aa8df2bd0205782c204a50aa8df2bd020000000000000000 fp=3789733272370775780\n";
  std::string got = ParseLines("pct-jsonl", lines);
  EXPECT_EQ(got.substr(0, kWant.size()), kWant);
  const std::string head = Head(got, "pct_edge");
  EXPECT_EQ(Hash64(got), 15995365148443441841u) << head;
  EXPECT_EQ(ParseLines("pct-jsonl", lines, /*scoped=*/true), got);
  EXPECT_EQ(ParseLines("pct-jsonl", lines, /*scoped=*/false, /*views=*/false), got);
}

// A generated corpus: random mixes of the fields, spellings, escapes, nulls,
// key orders and occasional damage each reader meets (fixed seed; only raw
// mt19937_64 output is used, which the standard fixes).
class Corpus {
 public:
  explicit Corpus(uint64_t seed) : rng_(seed) {}

  std::string PctLine(int i) {
    std::vector<std::string> fields;
    static const char* const kKeys[] = {"PCT/US2019/0", "pct/jp99/", " PCT/CN2021/12",
                                        "PCT/DE2020/1234567", "WO-X"};
    fields.push_back(Q("application_number") + ":" + Q(kKeys[R(5)] + std::to_string(i)));
    fields.push_back(Q("publication_date") + ":" + Date());
    if (R(4) == 0) fields.push_back(Q("updated") + ":" + Date());
    if (R(2)) fields.push_back(Q("kind") + ":" + (R(5) ? Q(R(2) ? "A1" : "A2") : "null"));
    if (R(5)) fields.push_back(Q("ipc") + ":" + Strings({"H04W 72/04", "g06f 3/01", "A61K", ""}));
    if (R(3) == 0) {
      fields.push_back(Q("applicants") + ":[{" + Q("name") + ":" + Text() + "," + Q("country") +
                       ":" + Q("US") + "}]");
    }
    if (R(6) == 0) fields.push_back(Q("extra") + ":{\"a\":[1,{\"b\":null}],\"c\":\"\\\"\"}");
    fields.push_back(Q("inventors") + ":" + Persons("addresses", false));
    return Object(fields);
  }

  std::string ArticleLine(int i) {
    std::vector<std::string> fields;
    fields.push_back(Q("key") + ":" + Q((R(8) ? "2-s2.0-" : " 2-s2.0-") + std::to_string(i)));
    fields.push_back(Q("cover_date") + ":" + Date());
    if (R(4) == 0) fields.push_back(Q("updated") + ":" + Date());
    if (R(2)) fields.push_back(Q("doc_type") + ":" + Q(R(2) ? "article" : "review"));
    if (R(5)) fields.push_back(Q("subjects") + ":" + Strings({"1710", "2208", "MULT", " 17"}));
    if (R(4) == 0) {
      static const char* const kCounts[] = {"12", "0", "null", "-1", "\"3\"", "2.5"};
      fields.push_back(Q("author_count") + ":" + kCounts[R(6)]);
    }
    fields.push_back(Q("authors") + ":" + Persons("affiliations", true));
    return Object(fields);
  }

 private:
  uint64_t R(uint64_t n) { return rng_() % n; }
  static std::string Q(const std::string& s) { return "\"" + s + "\""; }

  // Key order shuffled, random spacing, rare damage at the end.
  std::string Object(std::vector<std::string> fields) {
    for (size_t i = fields.size(); i > 1; --i) std::swap(fields[i - 1], fields[R(i)]);
    std::string out = "{";
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out += R(3) ? "," : " , ";
      out += fields[i];
    }
    out += "}";
    switch (R(40)) {
      case 0:
        out.resize(out.size() - 1 - R(10));  // Truncated.
        break;
      case 1:
        out += " {}";  // Trailing content.
        break;
      case 2:
        out[R(out.size())] = '\xc3';  // Invalid UTF-8 (or broken JSON).
        break;
      default:
        break;
    }
    return out;
  }

  std::string Date() {
    static const char* const kDates[] = {"2019-05-06",   "20180101",   "2017-03", "2016",
                                         " 2021-12-31 ", "2020-13-01", "1899",    ""};
    return R(20) ? Q(kDates[R(5)]) : Q(kDates[R(8)]);
  }

  // A string with the characters that take the slow paths: escapes, UTF-8.
  std::string Text() {
    static const char* const kWords[] = {"Boston",
                                         "Montr\u00e9al",
                                         "S\\u00e3o Paulo",
                                         "Tokyo \\\"East\\\"",
                                         "a\\\\b",
                                         "x\\/y",
                                         "Zhong\\tGuan",
                                         "",
                                         "Long Street Name Number Seventeen"};
    return Q(kWords[R(9)]);
  }

  std::string Strings(std::vector<std::string> pool) {
    if (R(10) == 0) return "null";
    std::string out = "[";
    for (int n = static_cast<int>(R(4)), j = 0; j < n; ++j) {
      if (j) out += ",";
      out += R(12) ? Q(pool[R(pool.size())]) : "null";
    }
    return out + "]";
  }

  std::string Number(double lo, double hi) {
    double v = lo + (hi - lo) * static_cast<double>(rng_() % 100000001) / 1e8;
    char buf[64];
    static const char* const kFormats[] = {"%.5f", "%.2f", "%.9f", "%g", "%.0f"};
    std::snprintf(buf, sizeof buf, kFormats[R(5)], v);
    return buf;
  }

  std::string Coordinate(double limit) {
    switch (R(100)) {
      case 0:
        return Q(" " + Number(-limit, limit) + " ");
      case 1:
        return Number(-limit * 1.1, limit * 1.1);
      default:
        return Number(-limit, limit);
    }
  }

  std::string Address(bool article) {
    std::vector<std::string> f;
    static const char* const kCountries[] = {"US", "jp", "Germany", "", "CN ", "X1"};
    if (R(4)) f.push_back(Q("country") + ":" + (R(15) ? Q(kCountries[R(6)]) : "null"));
    if (R(3) == 0) f.push_back(Q("city") + ":" + Text());
    if (R(4) == 0) f.push_back(Q(R(2) ? "text" : "address") + ":" + Text());
    if (article || R(8) == 0)
      f.push_back(Q("name") + ":" + (R(3) ? Q("Inst " + std::to_string(R(4))) : Text()));
    switch (R(200)) {
      case 0:  // Only one given.
        f.push_back(Q("lat") + ":" + Coordinate(90));
        break;
      case 1:
        f.push_back(Q("lat") + ":null," + Q("lon") + ":" + Coordinate(180));
        break;
      case 2 ... 5:  // Both absent: null, "" or " ".
        f.push_back(Q("lat") + ":null," + Q("lon") + ":" + (R(2) ? "null" : Q(R(2) ? "" : " ")));
        break;
      case 6 ... 45:
        break;
      default:
        f.push_back(Q("lat") + ":" + Coordinate(90));
        f.push_back(Q("lon") + ":" + Coordinate(180));
    }
    for (size_t i = f.size(); i > 1; --i) std::swap(f[i - 1], f[R(i)]);
    std::string out = "{";
    for (size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + f[i];
    return out + "}";
  }

  std::string Persons(const char* list_key, bool article) {
    if (R(50) == 0) return "null";
    std::string out = "[";
    std::string prev;
    for (int n = 1 + static_cast<int>(R(8)), j = 0; j < n; ++j) {
      std::string p;
      if (!prev.empty() && R(8) == 0) {
        p = prev;  // A repeated person.
      } else {
        p = "{" + Q("name") + ":" + (R(6) ? Q("P" + std::to_string(R(20))) : Text());
        if (R(10)) {
          p += "," + Q(list_key) + ":";
          if (R(20) == 0) {
            p += "null";
          } else {
            p += "[";
            for (int m = static_cast<int>(R(4)), k = 0; k < m; ++k) {
              p += (k ? "," : "") + Address(article);
            }
            p += "]";
          }
        }
        p += "}";
      }
      out += (j ? "," : "") + p;
      prev = p;
    }
    return out + "]";
  }

  std::mt19937_64 rng_;
};

TEST(ParseGolden, GeneratedPctCorpus) {
  Corpus c(11);
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) lines.push_back(c.PctLine(i));
  std::string got = ParseLines("pct-jsonl", lines);
  const std::string head = Head(got, "pct");
  EXPECT_EQ(Hash64(got), 12382710210662306469u) << head;
  // The DOM fast path and the On-Demand walk give the same output, and so
  // do persons as views and as Person objects.
  EXPECT_EQ(ParseLines("pct-jsonl", lines, /*scoped=*/true), got);
  EXPECT_EQ(ParseLines("pct-jsonl", lines, /*scoped=*/false, /*views=*/false), got);
}

TEST(ParseGolden, GeneratedArticleCorpus) {
  Corpus c(12);
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) lines.push_back(c.ArticleLine(i));
  std::string got = ParseLines("article-jsonl", lines);
  const std::string head = Head(got, "article");
  EXPECT_EQ(Hash64(got), 18297609331858506400u) << head;
  EXPECT_EQ(ParseLines("article-jsonl", lines, /*scoped=*/true), got);
  EXPECT_EQ(ParseLines("article-jsonl", lines, /*scoped=*/false, /*views=*/false), got);
}

// RecordParser::PeekKey: on the corpora's lines, whenever it finds a key and
// the line is a record, the key is the one the parse gives (a wrong key would
// not count anything wrongly, only keep the unit from being recognised), and
// it finds one for most lines. Lines whose key needs unescaping are left to
// the parse.
class PeekSink : public ParseSink {
 public:
  Record* NewRecord() override {
    record_.Clear();
    got = true;
    return &record_;
  }
  void Reject(std::string_view, std::string_view) override { got = false; }
  void Skip(std::string_view) override { got = false; }
  void Warn(std::string_view) override {}
  void Delete(std::string_view) override { got = false; }
  const std::string& key() const { return record_.key; }
  bool got = false;

 private:
  Record record_;
};

void ExpectPeekAgrees(const char* format, const std::vector<std::string>& lines) {
  auto parser = FindFormat(format)->NewParser();
  ASSERT_TRUE(parser->HashesUnits());
  size_t peeked = 0, records = 0;
  std::string key;
  for (const std::string& line : lines) {
    std::string padded = line + std::string(kUnitPadding, ' ');
    const std::string_view unit(padded.data(), line.size());
    PeekSink sink;
    parser->Parse(unit, &sink);
    if (!sink.got) continue;
    ++records;
    if (!parser->PeekKey(unit, &key)) continue;
    ++peeked;
    EXPECT_EQ(key, sink.key()) << line;
  }
  EXPECT_GT(records, lines.size() / 2);
  EXPECT_GT(peeked, records * 3 / 4) << peeked << " of " << records;
}

TEST(ParseGolden, PeekKeyAgreesWithParse) {
  Corpus pct(11), article(12);
  std::vector<std::string> pct_lines, article_lines;
  for (int i = 0; i < 3000; ++i) pct_lines.push_back(pct.PctLine(i));
  for (int i = 0; i < 3000; ++i) article_lines.push_back(article.ArticleLine(i));
  ExpectPeekAgrees("pct-jsonl", pct_lines);
  ExpectPeekAgrees("article-jsonl", article_lines);
}

}  // namespace
}  // namespace stc
