#include "parsers/openalex.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
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

std::string_view OpenAlexShortIdView(std::string_view id) {
  id = TrimAscii(id);
  size_t slash = id.rfind('/');
  if (slash != std::string_view::npos) id = id.substr(slash + 1);
  return id;
}

std::string OpenAlexShortId(std::string_view id) { return std::string(OpenAlexShortIdView(id)); }

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

// The last path segment of an OpenAlex subfield id: the ASJC code (a view
// into the document, or into *scratch for an id given as a number).
std::string_view SubfieldCode(Node topic, std::string* scratch) {
  return OpenAlexShortIdView(TextView(Member(Member(topic, "subfield"), "id"), scratch));
}

// The ids of an OpenAlex entity (a work, an author, an institution) as
// OpenAlexShortId reads them, without a copy where it can.
std::string_view ShortIdOf(Node id, std::string* scratch) {
  return OpenAlexShortIdView(TextView(id, scratch));
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
    // The work's members in one pass (each Member call would scan a work's
    // members, about fifty in a real snapshot, from the start).
    static constexpr std::array<std::string_view, 8> kKeys = {
        "id",   "publication_date", "publication_year", "updated_date",
        "type", "primary_topic",    "topics",           "authorships"};
    enum { kId, kDate, kYear, kUpdated, kType, kPrimary, kTopics, kAuthorships };
    const std::array<Node, 8> m = Members(w, kKeys);
    n_texts_ = 0;
    std::string scratch;
    Record* r = sink->NewRecord();
    r->source = Source::kArticle;
    r->key.assign(ShortIdOf(m[kId], &scratch));
    if (r->key.empty()) {
      sink->Reject("missing_key", "no work id");
      return;
    }
    int32_t date = 0;
    int64_t year = 0;
    if (ParseDate(TextView(m[kDate], &scratch), &r->year, &date)) {
      // Year from the full date.
    } else if (ReadCount(m[kYear], &year) && year >= 1900 && year <= 2100) {
      r->year = static_cast<int32_t>(year);
      date = r->year * 10000;
    } else {
      sink->Reject("bad_date", "no readable publication_date or publication_year");
      return;
    }
    int64_t py = 0;
    if (ReadCount(m[kYear], &py) && py >= 1900 && py <= 2100) {
      r->year = static_cast<int32_t>(py);  // publication_year is authoritative.
    }
    int32_t version = partition_date_;
    if (version == 0) {
      const std::string_view updated = TextView(m[kUpdated], &scratch).substr(0, 10);
      int32_t y;
      if (!ParseDate(updated, &y, &version)) version = date;
    }
    r->version = RankedVersion(VersionRank::kDated, version);
    r->doc_type.assign(FieldViewOf(m[kType], &scratch));
    if (!r->doc_type.empty() && !OneOf(r->doc_type, options_.openalex_types)) {
      sink->Skip("doc_type");
      return;
    }
    const std::string_view primary = SubfieldCode(m[kPrimary], &scratch);
    if (!primary.empty()) r->AddString(&r->codes, primary);
    ForEach(m[kTopics], [&](Node t) {
      const std::string_view code = SubfieldCode(t, &scratch);
      if (!code.empty() && std::find(r->codes.begin(), r->codes.end(), code) == r->codes.end()) {
        r->AddString(&r->codes, code);
      }
    });
    if (AllSubjectsExcluded(r->codes, options_)) {
      sink->Skip("ssh_subject");
      return;
    }
    if (sink->SkipIfOutOfScope(r->year)) return;  // ingest --replace: another year.
    r->field = ArticleField(r->codes);
    // Persons as views when the sink takes them (names into the document or
    // texts_, places into the institutions index or texts_), unless an
    // author is listed twice: then as Persons, the repeat's places joining
    // the first listing.
    authors_.Clear();
    if (!sink->AcceptsPersonViews() || !ReadAuthorshipViews(m[kAuthorships], r)) {
      authors_.Clear();
      ForEach(m[kAuthorships], [&](Node a) { ReadAuthorship(a, r); });
    }
    if (r->PersonCount() == 0) sink->Reject("no_persons", "no authorships");
  }

 private:
  static constexpr std::array<std::string_view, 2> kAuthorshipKeys = {"author", "institutions"};
  static constexpr std::array<std::string_view, 2> kAuthorKeys = {"id", "display_name"};
  static constexpr std::array<std::string_view, 3> kInstitutionKeys = {"id", "display_name",
                                                                       "country_code"};

  // An authorship's person as ReadAuthorship makes it (author.display_name,
  // else raw_author_name), decoded and trimmed.
  static std::string_view PersonName(Node authorship, Node author_name, std::string* scratch) {
    const std::string_view name = FieldViewOf(author_name, scratch);
    return name.empty() ? FieldViewOf(Member(authorship, "raw_author_name"), scratch) : name;
  }

  // The place of an institution, or null (no index, an unknown id).
  const OrgPlace* PlaceOf(Node institution_id, std::string* scratch) const {
    return orgs_ != nullptr ? orgs_->Find(ShortIdOf(institution_id, scratch)) : nullptr;
  }

  // An institution's place into a Location, or into a LocationView as views
  // of the index's strings (the index outlives the parse).
  template <typename Loc>
  static void SetPlace(const OrgPlace& place, Loc* loc) {
    loc->has_coords = place.has_coords;
    loc->lat_e5 = place.lat_e5;
    loc->lon_e5 = place.lon_e5;
    loc->country = place.country;
    loc->city = place.city;
  }

  // ReadAuthorship for every authorship, into r->person_views. False, with
  // the views cleared, when an author id repeats (a person's viewed
  // locations are contiguous, and the repeat's would join an earlier
  // person's). The organisations are added to the record either way.
  bool ReadAuthorshipViews(Node authorships, Record* r) {
    PersonViews* views = &r->person_views;
    std::string scratch;
    bool repeated = false;
    ForEach(authorships, [&](Node a) {
      if (repeated) return;
      const std::array<Node, 2> am = Members(a, kAuthorshipKeys);
      const std::array<Node, 2> author = Members(am[0], kAuthorKeys);
      scratch.clear();
      const std::string_view id = ShortIdOf(author[0], &scratch);
      if (!id.empty()) {
        bool fresh = false;
        authors_.FindOrInsert(id, static_cast<uint32_t>(views->persons.size()), &fresh);
        if (!fresh) {
          repeated = true;
          return;
        }
      }
      PersonView& person = views->persons.emplace_back();
      scratch.clear();
      const std::string_view name = PersonName(a, author[1], &scratch);
      person.name = scratch.empty() ? name : Keep(name);
      person.first_location = static_cast<uint32_t>(views->locations.size());
      size_t institutions = 0;
      ForEach(am[1], [&](Node inst) {
        ++institutions;
        const std::array<Node, 3> im = Members(inst, kInstitutionKeys);
        scratch.clear();
        std::string_view org = FieldViewOf(im[1], &scratch);
        if (!scratch.empty()) org = Keep(org);
        AddOrg(org, r);
        LocationView loc;
        scratch.clear();
        if (const OrgPlace* place = PlaceOf(im[0], &scratch)) SetPlace(*place, &loc);
        if (loc.country.empty()) {
          std::string& country = NextText();
          scratch.clear();
          AssignCountryCodeOrName(TextView(im[2], &scratch), &country);
          loc.country = country;
        }
        if (!loc.has_coords) loc.address = org;  // Geocoder input.
        person.n_locations += AddLocationView(loc, person.first_location, views);
      });
      if (institutions > 0) return;
      // No institution: the raw affiliation strings are the only address.
      std::string_view country;
      size_t countries = 0;
      ForEach(Member(a, "countries"), [&](Node c) {
        ++countries;
        std::string& code = NextText();
        scratch.clear();
        AssignCountryCodeOrName(TextView(c, &scratch), &code);
        country = code;
      });
      ForEach(Member(a, "raw_affiliation_strings"), [&](Node s) {
        LocationView loc;
        scratch.clear();
        loc.address = FieldViewOf(s, &scratch);
        if (loc.address.empty()) return;
        if (!scratch.empty()) loc.address = Keep(loc.address);
        if (countries == 1) loc.country = country;
        person.n_locations += AddLocationView(loc, person.first_location, views);
      });
    });
    if (repeated) views->clear();
    return !repeated;
  }

  // Storage for this work's viewed texts that are not in the document or
  // the institutions index (decoded names, country codes): the first
  // n_texts_. A deque, so that adding one moves none.
  std::string& NextText() {
    if (n_texts_ == texts_.size()) texts_.emplace_back();
    return texts_[n_texts_++];
  }
  std::string_view Keep(std::string_view text) { return NextText().assign(text); }

  void ReadAuthorship(Node a, Record* r) {
    const std::array<Node, 2> am = Members(a, kAuthorshipKeys);
    const std::array<Node, 2> author = Members(am[0], kAuthorKeys);
    std::string scratch;
    const std::string_view id = ShortIdOf(author[0], &scratch);
    Person* p = nullptr;
    if (!id.empty()) {
      bool inserted = false;
      const uint32_t index =
          authors_.FindOrInsert(id, static_cast<uint32_t>(r->persons.size()), &inserted);
      if (!inserted) p = &r->persons[index];
    }
    if (p == nullptr) {
      p = &r->AddPerson();
      scratch.clear();
      p->name.assign(PersonName(a, author[1], &scratch));
    }
    size_t institutions = 0;
    ForEach(am[1], [&](Node inst) {
      ++institutions;
      const std::array<Node, 3> im = Members(inst, kInstitutionKeys);
      std::string name_scratch;
      const std::string_view name = FieldViewOf(im[1], &name_scratch);
      AddOrg(name, r);
      Location loc;
      scratch.clear();
      if (const OrgPlace* place = PlaceOf(im[0], &scratch)) SetPlace(*place, &loc);
      if (loc.country.empty()) {
        scratch.clear();
        AssignCountryCodeOrName(TextView(im[2], &scratch), &loc.country);
      }
      if (!loc.has_coords) loc.address = name;  // Geocoder input.
      AddLocation(r, p, loc);
    });
    if (institutions > 0) return;
    // No institution: the raw affiliation strings are the only address.
    std::string country;
    size_t countries = 0;
    ForEach(Member(a, "countries"), [&](Node c) {
      ++countries;
      scratch.clear();
      AssignCountryCodeOrName(TextView(c, &scratch), &country);
    });
    ForEach(Member(a, "raw_affiliation_strings"), [&](Node s) {
      Location loc;
      scratch.clear();
      loc.address.assign(FieldViewOf(s, &scratch));
      if (countries == 1) loc.country = country;
      if (!loc.address.empty()) AddLocation(r, p, loc);
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
  std::deque<std::string> texts_;  // See NextText.
  size_t n_texts_ = 0;
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
