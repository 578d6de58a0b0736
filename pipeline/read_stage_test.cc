// ParseWork's replace scope (ItemSink::set_scope): records of another year or
// source become skips on the parse threads, before the resolver sees them
// (the JSON Lines readers: as soon as the record's date is read).
#include "pipeline/read_stage.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "parsers/registry.h"

namespace stc {
namespace {

// Counts the records it is asked to resolve (and changes nothing).
class CountingResolver : public LocationResolver {
 public:
  class Thread : public ThreadResolver {
   public:
    explicit Thread(std::vector<std::string>* seen) : seen_(seen) {}
    void Resolve(Record* record, std::map<std::string, uint64_t>*) override {
      seen_->push_back(record->key);
    }

   private:
    std::vector<std::string>* seen_;
  };
  std::unique_ptr<ThreadResolver> NewThreadResolver() const override {
    return std::make_unique<Thread>(&seen);
  }
  mutable std::vector<std::string> seen;
};

std::string PctLine(const std::string& number, int year) {
  return R"({"application_number":")" + number + R"(","publication_date":")" +
         std::to_string(year) +
         R"(-03-01","inventors":[{"name":"A","addresses":[{"country":"JP","lat":35.6,"lon":139.7}]}]})"
         "\n";
}

struct Outcome {
  std::vector<std::string> kinds;  // "record KEY", "skip REASON", "reject REASON".
  std::vector<std::string> resolved;
};

Outcome Parse(const std::string& data, const ReplaceSpec* scope) {
  Work w;
  w.format = FindFormat("pct-jsonl");
  EXPECT_NE(w.format, nullptr);
  w.framing = Framing::Kind::kLines;
  w.chunk.data = data;
  w.data_size = data.size();
  w.chunk.data.append(kUnitPadding, ' ');
  ThreadState ts;
  CountingResolver resolver;
  ParseWork(&w, &ts, &resolver, ReaderContext(), scope);
  Outcome out;
  for (size_t i = 0; i < w.n_items; ++i) {
    const Item& it = w.items[i];
    switch (it.kind) {
      case Item::Kind::kRecord:
        out.kinds.push_back("record " + it.counted.key + " " + std::to_string(it.counted.year));
        break;
      case Item::Kind::kSkip:
        out.kinds.push_back("skip " + it.reason);
        break;
      case Item::Kind::kReject:
        out.kinds.push_back("reject " + it.reason);
        break;
      case Item::Kind::kDelete:
        out.kinds.push_back("delete " + it.counted.key);
        break;
    }
  }
  out.resolved = resolver.seen;
  return out;
}

TEST(ParseWorkScope, RecordsOutsideTheReplacedYearAreSkippedBeforeResolving) {
  const std::string data = PctLine("PCT/JP2018/000001", 2019) + PctLine("PCT/JP2019/000002", 2020) +
                           "{not json\n" + PctLine("PCT/JP2019/000003", 2020) +
                           PctLine("PCT/JP2020/000004", 2021);
  // Without a scope every record is parsed, resolved and counted.
  Outcome all = Parse(data, nullptr);
  EXPECT_EQ(all.kinds, (std::vector<std::string>{
                           "record PCT/JP2018/000001 2019", "record PCT/JP2019/000002 2020",
                           "reject malformed_json", "record PCT/JP2019/000003 2020",
                           "record PCT/JP2020/000004 2021"}));
  EXPECT_EQ(all.resolved.size(), 4u);

  ReplaceSpec year{Source::kPct, 2020};
  Outcome scoped = Parse(data, &year);
  EXPECT_EQ(scoped.kinds,
            (std::vector<std::string>{"skip outside_replace_year", "record PCT/JP2019/000002 2020",
                                      "reject malformed_json", "record PCT/JP2019/000003 2020",
                                      "skip outside_replace_year"}));
  EXPECT_EQ(scoped.resolved, (std::vector<std::string>{"PCT/JP2019/000002", "PCT/JP2019/000003"}));

  // Another source: every record is outside, and the reject stays a reject.
  ReplaceSpec source{Source::kArticle, 2020};
  Outcome other = Parse(data, &source);
  EXPECT_EQ(other.kinds,
            (std::vector<std::string>{"skip outside_replace_source", "skip outside_replace_source",
                                      "reject malformed_json", "skip outside_replace_source",
                                      "skip outside_replace_source"}));
  EXPECT_TRUE(other.resolved.empty());
}

// The JSON Lines readers skip a record of another year as soon as its date
// is read: a fault after the date is not looked for (the record is not
// rejected), one before it still is, and a record of the replaced year is
// read whole.
TEST(ParseWorkScope, JsonLinesRecordsOfAnotherYearAreSkippedAtTheirDate) {
  const std::string bad_after_date =  // Coordinates out of range, after the date.
      R"({"application_number":"PCT/JP2018/000005","publication_date":"2019-03-01",)"
      R"("inventors":[{"name":"A","addresses":[{"country":"JP","lat":135.6,"lon":139.7}]}]})"
      "\n";
  const std::string bad_before_date =  // The key is no string, before the date.
      R"({"application_number":7,"publication_date":"2019-03-01",)"
      R"("inventors":[{"name":"A","addresses":[{"country":"JP","lat":35.6,"lon":139.7}]}]})"
      "\n";
  const std::string bad_in_scope =
      R"({"application_number":"PCT/JP2019/000006","publication_date":"2020-03-01",)"
      R"("inventors":[{"name":"A","addresses":[{"country":"JP","lat":135.6,"lon":139.7}]}]})"
      "\n";
  const std::string data = bad_after_date + bad_before_date + bad_in_scope +
                           PctLine("PCT/JP2019/000007", 2020) + PctLine("PCT/JP2018/000008", 2019);
  Outcome all = Parse(data, nullptr);
  EXPECT_EQ(all.kinds, (std::vector<std::string>{
                           "reject bad_coordinates", "reject bad_field", "reject bad_coordinates",
                           "record PCT/JP2019/000007 2020", "record PCT/JP2018/000008 2019"}));

  ReplaceSpec year{Source::kPct, 2020};
  Outcome scoped = Parse(data, &year);
  EXPECT_EQ(scoped.kinds,
            (std::vector<std::string>{"skip outside_replace_year", "reject bad_field",
                                      "reject bad_coordinates", "record PCT/JP2019/000007 2020",
                                      "skip outside_replace_year"}));
  EXPECT_EQ(scoped.resolved, (std::vector<std::string>{"PCT/JP2019/000007"}));

  ReplaceSpec source{Source::kArticle, 2020};
  Outcome other = Parse(data, &source);
  EXPECT_EQ(other.kinds,
            (std::vector<std::string>{"skip outside_replace_source", "reject bad_field",
                                      "skip outside_replace_source", "skip outside_replace_source",
                                      "skip outside_replace_source"}));
  EXPECT_TRUE(other.resolved.empty());
}

}  // namespace
}  // namespace stc
