#include "parsers/scopus_common.h"

#include "parsers/country_names.h"
#include "parsers/json_util.h"
#include "parsers/source_util.h"

namespace stc {

std::string ScopusKey(Node object) {
  std::string eid_scratch, id_scratch;
  return ScopusKeyOf(FieldView(object, "eid", &eid_scratch),
                     FieldView(object, "dc:identifier", &id_scratch));
}

bool PeekScopusKey(std::string_view unit, std::string* key) {
  std::string_view eid;
  if (!PeekJsonString(unit, "\"eid\"", &eid) || eid.empty()) return false;
  key->assign(eid);
  return true;
}

std::string ScopusKeyOf(std::string_view eid, std::string_view identifier) {
  if (!eid.empty()) return std::string(eid);
  constexpr std::string_view kPrefix = "SCOPUS_ID:";
  if (identifier.substr(0, kPrefix.size()) == kPrefix) identifier.remove_prefix(kPrefix.size());
  identifier = TrimAscii(identifier);
  return identifier.empty() ? "" : "2-s2.0-" + std::string(identifier);
}

bool ScopusDate(Node value, int32_t* year, int32_t* yyyymmdd) {
  bool ok = false;
  ForEach(value, [&](Node item) {
    if (!ok) ok = ParseDate(Text(item), year, yyyymmdd);
  });
  return ok;
}

void ScopusSubjects(Node subject_areas, std::vector<std::string>* codes) {
  ForEach(subject_areas, [&](Node s) {
    std::string code = s.is_object() ? Field(s, "@code") : std::string(TrimAscii(Text(s)));
    if (!code.empty()) codes->push_back(code);
  });
}

void ReadScopusAffiliation(Node affiliation, ScopusAffiliation* out) {
  static constexpr std::array<std::string_view, 5> kKeys = {
      "afid", "@id", "affilname", "affiliation-city", "affiliation-country"};
  const std::array<Node, 5> m = Members(affiliation, kKeys);
  std::string scratch;
  std::string_view id = FieldViewOf(m[0], &scratch);
  if (id.empty()) id = FieldViewOf(m[1], &scratch);
  out->id.assign(id);
  out->name.assign(FieldViewOf(m[2], &scratch));
  Location& loc = out->location;
  loc.has_coords = false;
  loc.lat_e5 = 0;
  loc.lon_e5 = 0;
  loc.address.clear();
  loc.city.assign(FieldViewOf(m[3], &scratch));
  AssignCountryCodeOrName(FieldViewOf(m[4], &scratch), &loc.country);
}

std::vector<std::string> ScopusIds(Node value) {
  std::vector<std::string> ids;
  ForEachScopusId(value, [&](std::string_view id) { ids.emplace_back(id); });
  return ids;
}

std::string ServiceErrorText(Node root) {
  Node se = Member(root, "service-error");
  if (!se.valid) return "";
  Node status = Member(se, "status");
  std::string code = Field(status, "statusCode");
  std::string text = Field(status, "statusText");
  std::string out = code.empty() ? "service error" : code;
  if (!text.empty()) out += ": " + text;
  return out.substr(0, 200);
}

bool ScopusInScope(const std::string& subtype, const std::vector<std::string>& codes,
                   const ReaderOptions& options, ParseSink* sink) {
  if (!subtype.empty() && !OneOf(subtype, options.scopus_subtypes)) {
    sink->Skip("doc_type");
    return false;
  }
  if (AllSubjectsExcluded(codes, options)) {
    sink->Skip("ssh_subject");
    return false;
  }
  return true;
}

}  // namespace stc
