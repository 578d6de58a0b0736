#include "parsers/dom_util.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "parsers/json_util.h"
#include "parsers/source_util.h"

namespace stc {

bool ParseDom(simdjson::dom::parser& parser, std::string_view unit, element* out,
              std::string* detail) {
  simdjson::error_code err = parser.parse(unit.data(), unit.size(), false).get(*out);
  if (err == simdjson::SUCCESS) return true;
  *detail = err == simdjson::UTF8_ERROR ? "invalid UTF-8" : "not JSON";
  return false;
}

Node Member(Node n, std::string_view key) {
  if (!n.is_object()) return Node();
  element v;
  if (n.e.get_object().value_unsafe().at_key(key).get(v)) return Node();
  return Node(v);
}

std::string Text(Node n) {
  if (!n.valid) return "";
  element e = n.e;
  switch (e.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(e.get_string().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return std::to_string(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return std::to_string(e.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE: {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, e.get_double().value_unsafe());
      return std::string(buf, r.ptr);
    }
    case simdjson::dom::element_type::BOOL:
      return e.get_bool().value_unsafe() ? "true" : "false";
    case simdjson::dom::element_type::OBJECT:
      return Text(Member(e, "$"));
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array arr;
      if (e.get_array().get(arr)) return "";
      for (element item : arr) return Text(item);
      return "";
    }
    default:
      return "";
  }
}

std::string Field(Node n, std::string_view key) {
  std::string scratch;
  return std::string(FieldView(n, key, &scratch));
}

std::string_view TextView(Node n, std::string* scratch) {
  if (!n.valid) return {};
  switch (n.e.type()) {
    case simdjson::dom::element_type::STRING:
      return n.e.get_string().value_unsafe();
    case simdjson::dom::element_type::OBJECT:
      return TextView(Member(n, "$"), scratch);
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array arr;
      if (n.e.get_array().get(arr)) return {};
      for (element item : arr) return TextView(item, scratch);
      return {};
    }
    default:
      *scratch = Text(n);
      return *scratch;
  }
}

std::string_view FieldView(Node n, std::string_view key, std::string* scratch) {
  return FieldViewOf(Member(n, key), scratch);
}

std::string_view FieldViewOf(Node member, std::string* scratch) {
  std::string_view text = TextView(member, scratch);
  if (text.find('&') == std::string_view::npos) return TrimAscii(text);
  *scratch = std::string(TrimAscii(DecodeEntities(text)));
  return *scratch;
}

bool ReadCount(Node n, int64_t* out) {
  if (n.is_null()) return false;
  element e = n.e;
  if (e.is_int64()) {
    *out = e.get_int64().value_unsafe();
    return true;
  }
  if (e.is_uint64()) return false;  // Beyond int64: not a count.
  std::string t(TrimAscii(Text(n)));
  if (t.empty()) return false;
  int64_t v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return false;
  *out = v;
  return true;
}

int ReadDegrees(Node n, double* out) {
  if (!IsPresent(n)) return 0;
  element e = n.e;
  if (e.is_number()) {
    double d = e.get_double().value_unsafe();
    if (!std::isfinite(d)) return -1;
    *out = d;
    return 1;
  }
  if (!e.is_string()) return -1;
  std::string t(TrimAscii(e.get_string().value_unsafe()));
  if (t.empty()) return 0;
  char* end = nullptr;
  double d = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(d)) return -1;
  *out = d;
  return 1;
}

}  // namespace stc
