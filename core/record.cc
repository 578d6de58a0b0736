#include "core/record.h"

namespace stc {

std::string_view SourceName(Source s) {
  switch (s) {
    case Source::kPct:
      return "pct";
    case Source::kArticle:
      return "article";
    case Source::kVc:
      return "vc";
  }
  return "unknown";
}

bool ParseSource(std::string_view name, Source* out) {
  if (name == "pct") {
    *out = Source::kPct;
    return true;
  }
  if (name == "article") {
    *out = Source::kArticle;
    return true;
  }
  if (name == "vc") {
    *out = Source::kVc;
    return true;
  }
  return false;
}

void Record::Clear() {
  key.clear();
  year = 0;
  version = 0;
  doc_type.clear();
  field.clear();
  codes.clear();
  orgs.clear();
  persons.clear();
  declared_persons = 0;
}

}  // namespace stc
