#include "parsers/openalex.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "parsers/country_names.h"
#include "parsers/csv_util.h"
#include "parsers/dom_util.h"
#include "parsers/id_index.h"
#include "parsers/json_util.h"
#include "parsers/org_index.h"
#include "parsers/source_util.h"

namespace stc {

std::string OpenAlexShortId(std::string_view id) {
  id = TrimAscii(id);
  size_t slash = id.rfind('/');
  if (slash != std::string_view::npos) id = id.substr(slash + 1);
  return std::string(id);
}

int32_t PartitionDate(std::string_view path) {
  const std::string_view key = "updated_date=";
  size_t at = path.rfind(key);
  if (at == std::string_view::npos) return 0;
  std::string_view rest = path.substr(at + key.size(), 10);
  int32_t year, date;
  if (rest.size() != 10 || !ParseDate(rest, &year, &date)) return 0;
  return date;
}

namespace {

// The last path segment of an OpenAlex subfield id: the ASJC code.
std::string SubfieldCode(Node topic) {
  std::string id = OpenAlexShortId(Text(Member(Member(topic, "subfield"), "id")));
  return id;
}

class OpenAlexParser : public RecordParser {
 public:
  explicit OpenAlexParser(const ReaderContext& context)
      : options_(context.options), orgs_(context.orgs) {}

  void BeginFile(const FileContext& file) override { partition_date_ = PartitionDate(file.path); }

  // A work's version is its partition's date (the path's updated_date=...),
  // so the same line in another partition is another version of the work.
  bool HashesUnits() const override { return true; }
  uint64_t FileSeed() const override { return static_cast<uint32_t>(partition_date_); }
  // The first "id": the work's own, which comes first in OpenAlex's works.
  bool PeekKey(std::string_view unit, std::string* key) override {
    std::string_view id;
    if (!PeekJsonString(unit, "\"id\"", &id)) return false;
    *key = OpenAlexShortId(id);
    return !key->empty();
  }

  void Parse(std::string_view unit, ParseSink* sink) override {
    element doc;
    std::string detail;
    if (!ParseDom(parser_, unit, &doc, &detail)) {
      sink->Reject("malformed_json", detail);
      return;
    }
    Node w(doc);
    if (!w.is_object()) {
      sink->Reject("malformed_json", "not a JSON object");
      return;
    }
    Record* r = sink->NewRecord();
    r->source = Source::kArticle;
    r->key = OpenAlexShortId(Text(Member(w, "id")));
    if (r->key.empty()) {
      sink->Reject("missing_key", "no work id");
      return;
    }
    int32_t date = 0;
    int64_t year = 0;
    if (ParseDate(Text(Member(w, "publication_date")), &r->year, &date)) {
      // Year from the full date.
    } else if (ReadCount(Member(w, "publication_year"), &year) && year >= 1900 && year <= 2100) {
      r->year = static_cast<int32_t>(year);
      date = r->year * 10000;
    } else {
      sink->Reject("bad_date", "no readable publication_date or publication_year");
      return;
    }
    int64_t py = 0;
    if (ReadCount(Member(w, "publication_year"), &py) && py >= 1900 && py <= 2100) {
      r->year = static_cast<int32_t>(py);  // publication_year is authoritative.
    }
    int32_t version = partition_date_;
    if (version == 0) {
      std::string updated = Text(Member(w, "updated_date")).substr(0, 10);
      int32_t y;
      if (!ParseDate(updated, &y, &version)) version = date;
    }
    r->version = RankedVersion(VersionRank::kDated, version);
    r->doc_type = Field(w, "type");
    if (!r->doc_type.empty() && !OneOf(r->doc_type, options_.openalex_types)) {
      sink->Skip("doc_type");
      return;
    }
    std::string primary = SubfieldCode(Member(w, "primary_topic"));
    if (!primary.empty()) r->codes.push_back(primary);
    ForEach(Member(w, "topics"), [&](Node t) {
      std::string code = SubfieldCode(t);
      if (!code.empty() && std::find(r->codes.begin(), r->codes.end(), code) == r->codes.end()) {
        r->codes.push_back(code);
      }
    });
    if (AllSubjectsExcluded(r->codes, options_)) {
      sink->Skip("ssh_subject");
      return;
    }
    if (sink->SkipIfOutOfScope(r->year)) return;  // ingest --replace: another year.
    r->field = ArticleField(r->codes);
    authors_.Clear();
    ForEach(Member(w, "authorships"), [&](Node a) { ReadAuthorship(a, r); });
    if (r->persons.empty()) sink->Reject("no_persons", "no authorships");
  }

 private:
  void ReadAuthorship(Node a, Record* r) {
    Node author = Member(a, "author");
    std::string id = OpenAlexShortId(Text(Member(author, "id")));
    Person* p = nullptr;
    if (!id.empty()) {
      bool inserted = false;
      const uint32_t index =
          authors_.FindOrInsert(id, static_cast<uint32_t>(r->persons.size()), &inserted);
      if (!inserted) p = &r->persons[index];
    }
    if (p == nullptr) {
      p = &r->persons.emplace_back();
      p->name = Field(author, "display_name");
      if (p->name.empty()) p->name = Field(a, "raw_author_name");
    }
    size_t institutions = 0;
    ForEach(Member(a, "institutions"), [&](Node inst) {
      ++institutions;
      std::string name = Field(inst, "display_name");
      AddOrg(name, r);
      Location loc;
      const OrgPlace* place =
          orgs_ != nullptr ? orgs_->Find(OpenAlexShortId(Text(Member(inst, "id")))) : nullptr;
      if (place != nullptr) {
        loc.has_coords = place->has_coords;
        loc.lat_e5 = place->lat_e5;
        loc.lon_e5 = place->lon_e5;
        loc.country = place->country;
        loc.city = place->city;
      }
      if (loc.country.empty())
        AssignCountryCodeOrName(Text(Member(inst, "country_code")), &loc.country);
      if (!loc.has_coords) loc.address = name;  // Geocoder input.
      AddLocation(p, std::move(loc));
    });
    if (institutions > 0) return;
    // No institution: the raw affiliation strings are the only address.
    std::string country;
    size_t countries = 0;
    ForEach(Member(a, "countries"), [&](Node c) {
      ++countries;
      country = CountryCodeOrName(Text(c));
    });
    ForEach(Member(a, "raw_affiliation_strings"), [&](Node s) {
      Location loc;
      loc.address = std::string(TrimAscii(DecodeEntities(Text(s))));
      if (countries == 1) loc.country = country;
      if (!loc.address.empty()) AddLocation(p, std::move(loc));
    });
  }

  const ReaderOptions& options_;
  const OrgIndex* orgs_;
  simdjson::dom::parser parser_;
  int32_t partition_date_ = 0;
  // The author ids of the current work -> index of their person (a node per
  // author of a map was 2.4% of an OpenAlex ingest; the index keeps its
  // memory across works).
  IdIndex authors_;
};

class OpenAlex : public Format {
 public:
  std::string_view name() const override { return "openalex"; }
  Source source() const override { return Source::kArticle; }
  bool Detect(std::string_view head) const override {
    std::string_view line = FirstLine(head);
    // A work always has "authorships"; an OpenAlex id alone is not enough
    // (normalised article-jsonl files may key their records by it).
    return line.find("\"authorships\"") != std::string_view::npos &&
           (line.find("openalex.org/W") != std::string_view::npos ||
            line.find("\"publication_year\"") != std::string_view::npos);
  }
  std::unique_ptr<RecordParser> NewParser(const ReaderContext& context) const override {
    return std::make_unique<OpenAlexParser>(context);
  }
};

// merge_date,id,merge_into_id: one deletion per line.
class MergedParser : public RecordParser {
 public:
  void BeginFile(const FileContext& file) override {
    header_ = std::string(TrimAscii(file.first_line));
    std::vector<std::string> cols;
    SplitCsvLine(header_, ',', &cols);
    id_column_ = 1;
    has_header_ = false;
    for (size_t i = 0; i < cols.size(); ++i) {
      if (cols[i] == "id") {
        id_column_ = i;
        has_header_ = true;
      }
    }
  }

  void Parse(std::string_view unit, ParseSink* sink) override {
    std::string_view line = TrimAscii(unit);
    if (has_header_ && line == header_) {
      sink->Ignore("csv_header");
      return;
    }
    if (!SplitCsvLine(line, ',', &fields_)) {
      sink->Reject("malformed_csv", "unbalanced quotes");
      return;
    }
    std::string id = id_column_ < fields_.size() ? OpenAlexShortId(fields_[id_column_]) : "";
    if (id.empty()) {
      sink->Reject("missing_key", "no id column");
      return;
    }
    sink->Delete(id);
  }

 private:
  std::string header_;
  bool has_header_ = false;
  size_t id_column_ = 1;
  std::vector<std::string> fields_;
};

class OpenAlexMerged : public Format {
 public:
  std::string_view name() const override { return "openalex-merged"; }
  Source source() const override { return Source::kArticle; }
  bool Detect(std::string_view head) const override {
    return TrimAscii(FirstLine(head)) == "merge_date,id,merge_into_id";
  }
  std::unique_ptr<RecordParser> NewParser(const ReaderContext&) const override {
    return std::make_unique<MergedParser>();
  }
};

}  // namespace

const Format& OpenAlexFormat() {
  static const OpenAlex kFormat;
  return kFormat;
}

const Format& OpenAlexMergedFormat() {
  static const OpenAlexMerged kFormat;
  return kFormat;
}

}  // namespace stc
