#include "parsers/scopus_common.h"

#include "parsers/country_names.h"
#include "parsers/json_util.h"
#include "parsers/source_util.h"

namespace stc {

std::string ScopusKey(Node object) {
  std::string eid = Field(object, "eid");
  if (!eid.empty()) return eid;
  std::string id = Field(object, "dc:identifier");
  const std::string prefix = "SCOPUS_ID:";
  if (id.rfind(prefix, 0) == 0) id = id.substr(prefix.size());
  id = std::string(TrimAscii(id));
  return id.empty() ? "" : "2-s2.0-" + id;
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

ScopusAffiliation ReadScopusAffiliation(Node affiliation) {
  ScopusAffiliation a;
  a.id = Field(affiliation, "afid");
  if (a.id.empty()) a.id = Field(affiliation, "@id");
  a.name = Field(affiliation, "affilname");
  a.location.city = Field(affiliation, "affiliation-city");
  a.location.country = CountryCodeOrName(Field(affiliation, "affiliation-country"));
  return a;
}

std::vector<std::string> ScopusIds(Node value) {
  std::vector<std::string> ids;
  ForEach(value, [&](Node item) {
    std::string id(TrimAscii(Text(item)));
    if (id.empty() && item.is_object()) id = Field(item, "@id");
    if (!id.empty()) ids.push_back(id);
  });
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
