#include "parsers/vc_deals.h"

#include <array>
#include <cmath>
#include <cstdlib>

#include "core/hash.h"
#include "parsers/country_names.h"
#include "parsers/csv_util.h"
#include "parsers/dom_util.h"
#include "parsers/json_util.h"
#include "parsers/source_util.h"

namespace stc {
namespace {

// The documented fields, in this order; each with its accepted names.
enum Col {
  kId,
  kDate,
  kCompany,
  kCity,
  kCountry,
  kLat,
  kLon,
  kRound,
  kUpdated,
  kAddress,
  kNumCols
};
const std::array<std::vector<std::string_view>, kNumCols> kNames = {{
    {"deal_id", "id"},
    {"date", "deal_date", "announced_date"},
    {"company", "company_name"},
    {"city"},
    {"country", "country_code"},
    {"lat", "latitude"},
    {"lon", "lng", "longitude"},
    {"round", "round_type", "deal_type"},
    {"updated"},
    {"address"},
}};

int ColumnOf(std::string_view header_name) {
  std::string lower;
  for (char c : TrimAscii(header_name)) {
    lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  for (int c = 0; c < kNumCols; ++c) {
    for (std::string_view n : kNames[c]) {
      if (lower == n) return c;
    }
  }
  return -1;
}

// Raw field texts of one deal, before validation.
struct DealText {
  std::array<std::string, kNumCols> v;
  std::array<bool, kNumCols> has{};
};

class VcParser : public RecordParser {
 public:
  void BeginFile(const FileContext& file) override {
    std::string_view first = TrimAscii(file.first_line);
    columns_.clear();
    header_.clear();
    if (first.empty() || first[0] == '{') return;  // JSON Lines.
    header_.assign(first);
    separator_ = header_.find(',') == std::string::npos && header_.find(';') != std::string::npos
                     ? ';'
                     : ',';
    std::vector<std::string> names;
    SplitCsvLine(header_, separator_, &names);
    for (const std::string& n : names) columns_.push_back(ColumnOf(n));
  }

  // A CSV line becomes a deal through its file's header (the columns and
  // the separator), so the header is part of its units' hash seed.
  bool HashesUnits() const override { return true; }
  uint64_t FileSeed() const override { return header_.empty() ? 0 : Hash64(header_); }
  // The deal id as Parse reads it: in JSON the first of its names that
  // holds a string; in CSV the last id column.
  bool PeekKey(std::string_view unit, std::string* key) override {
    std::string_view line = TrimAscii(unit);
    if (!line.empty() && line[0] == '{') {
      for (std::string_view name : kNames[kId]) {
        std::string quoted = "\"" + std::string(name) + "\"";
        std::string_view id;
        if (PeekJsonString(line, quoted, &id)) {
          id = TrimAscii(id);
          if (id.empty() || id.find('&') != std::string_view::npos) return false;  // Entities.
          key->assign(id);
          return true;
        }
      }
      return false;
    }
    if (columns_.empty() || !SplitCsvLine(line, separator_, &fields_)) return false;
    key->clear();
    for (size_t i = 0; i < fields_.size() && i < columns_.size(); ++i) {
      if (columns_[i] == kId) key->assign(TrimAscii(fields_[i]));
    }
    return !key->empty();
  }

  void Parse(std::string_view unit, ParseSink* sink) override {
    std::string_view line = TrimAscii(unit);
    DealText deal;
    if (!line.empty() && line[0] == '{') {
      if (!ReadJson(unit, &deal, sink)) return;
    } else {
      if (!header_.empty() && line == header_) {
        sink->Ignore("csv_header");
        return;
      }
      if (columns_.empty()) {
        sink->Reject("malformed_csv", "a CSV line in a file without a CSV header");
        return;
      }
      if (!simdjson::validate_utf8(line.data(), line.size())) {
        sink->Reject("malformed_csv", "invalid UTF-8");
        return;
      }
      if (!SplitCsvLine(line, separator_, &fields_)) {
        sink->Reject("malformed_csv", "unbalanced quotes");
        return;
      }
      for (size_t i = 0; i < fields_.size() && i < columns_.size(); ++i) {
        if (columns_[i] < 0) continue;
        deal.v[columns_[i]] = std::string(TrimAscii(fields_[i]));
        deal.has[columns_[i]] = !deal.v[columns_[i]].empty();
      }
    }
    Build(deal, sink);
  }

 private:
  bool ReadJson(std::string_view unit, DealText* deal, ParseSink* sink) {
    element doc;
    std::string detail;
    if (!ParseDom(parser_, unit, &doc, &detail)) {
      sink->Reject("malformed_json", detail);
      return false;
    }
    Node root(doc);
    if (!root.is_object()) {
      sink->Reject("malformed_json", "not a JSON object");
      return false;
    }
    for (int c = 0; c < kNumCols; ++c) {
      for (std::string_view n : kNames[c]) {
        Node v = Member(root, n);
        if (!IsPresent(v)) continue;
        if (c == kLat || c == kLon) {
          double d = 0;
          int st = ReadDegrees(v, &d);
          if (st < 0) {
            sink->Reject("bad_coordinates", "lat/lon is not a finite number");
            return false;
          }
          if (st == 0) continue;
        }
        deal->v[c] = std::string(TrimAscii(DecodeEntities(Text(v))));
        deal->has[c] = !deal->v[c].empty();
        break;
      }
    }
    return true;
  }

  void Build(const DealText& d, ParseSink* sink) {
    Record* r = sink->NewRecord();
    r->source = Source::kVc;
    r->key = d.v[kId];
    if (r->key.empty()) {
      sink->Reject("missing_key", "no deal_id");
      return;
    }
    int32_t date = 0;
    if (!d.has[kDate] || !ParseDate(d.v[kDate], &r->year, &date)) {
      sink->Reject("bad_date",
                   d.has[kDate] ? "unreadable date: " + d.v[kDate].substr(0, 40) : "no date");
      return;
    }
    r->version = date;
    if (d.has[kUpdated]) {
      int32_t y;
      if (!ParseDate(d.v[kUpdated], &y, &r->version)) {
        sink->Reject("bad_date", "unreadable updated date");
        return;
      }
    }
    if (sink->SkipIfOutOfScope(r->year)) return;  // ingest --replace: another year.
    r->doc_type = d.v[kRound];
    if (!r->doc_type.empty()) r->codes.push_back(r->doc_type);
    AddOrg(d.v[kCompany], r);
    Person& company = r->persons.emplace_back();
    company.name = d.v[kCompany];
    Location loc;
    loc.city = d.v[kCity];
    loc.country = CountryToIso2(d.v[kCountry]);
    loc.address = d.v[kAddress];
    if (d.has[kLat] != d.has[kLon]) {
      sink->Reject("bad_coordinates", "only one of lat/lon given");
      return;
    }
    if (d.has[kLat]) {
      char* end = nullptr;
      double lat = std::strtod(d.v[kLat].c_str(), &end);
      bool ok = end == d.v[kLat].c_str() + d.v[kLat].size();
      double lon = std::strtod(d.v[kLon].c_str(), &end);
      ok = ok && end == d.v[kLon].c_str() + d.v[kLon].size();
      if (!ok || !std::isfinite(lat) || !std::isfinite(lon) ||
          !ToE5(lat, lon, &loc.lat_e5, &loc.lon_e5)) {
        sink->Reject("bad_coordinates", "lat/lon not finite numbers in range");
        return;
      }
      loc.has_coords = true;
    }
    if (loc.has_coords || !loc.city.empty() || !loc.country.empty() || !loc.address.empty()) {
      company.locations.push_back(std::move(loc));
    }
  }

  simdjson::dom::parser parser_;
  std::string header_;
  char separator_ = ',';
  std::vector<int> columns_;
  std::vector<std::string> fields_;
};

class VcDeals : public Format {
 public:
  std::string_view name() const override { return "vc"; }
  Source source() const override { return Source::kVc; }
  bool Detect(std::string_view head) const override {
    std::string_view line = FirstLine(head);
    if (!line.empty() && TrimAscii(line)[0] == '{') {
      return line.find("\"deal_id\"") != std::string_view::npos;
    }
    std::vector<std::string> names;
    if (!SplitCsvLine(line, line.find(',') == std::string_view::npos ? ';' : ',', &names)) {
      return false;
    }
    bool id = false, date = false;
    for (const std::string& n : names) {
      int c = ColumnOf(n);
      id = id || (c == kId && TrimAscii(n) != "id");
      date = date || c == kDate;
    }
    return id && date;
  }
  std::unique_ptr<RecordParser> NewParser(const ReaderContext&) const override {
    return std::make_unique<VcParser>();
  }
};

}  // namespace

const Format& VcDealsFormat() {
  static const VcDeals kFormat;
  return kFormat;
}

}  // namespace stc
