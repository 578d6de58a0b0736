#include "parsers/json_util.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace stc {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int32_t* out) {
  if (pos + n > s.size()) return false;
  int32_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// A coordinate given as a string: "" (after trimming) -> kAbsent, a whole
// finite number -> kOk, anything else -> kBad.
CoordStatus CoordinateFromText(std::string_view text, double* out) {
  std::string tmp(TrimAscii(text));
  if (tmp.empty()) return CoordStatus::kAbsent;
  char* end = nullptr;
  double d = std::strtod(tmp.c_str(), &end);
  if (end != tmp.c_str() + tmp.size() || !std::isfinite(d)) return CoordStatus::kBad;
  *out = d;
  return CoordStatus::kOk;
}

}  // namespace

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ParseDate(std::string_view text, int32_t* year, int32_t* yyyymmdd) {
  std::string_view s = TrimAscii(text);
  int32_t y = 0, m = 0, d = 0;
  if (!Digits(s, 0, 4, &y)) return false;
  if (s.size() == 4) {
    // Year only.
  } else if (s.size() == 8) {
    if (!Digits(s, 4, 2, &m) || !Digits(s, 6, 2, &d)) return false;
  } else if (s.size() == 7 && s[4] == '-') {
    if (!Digits(s, 5, 2, &m)) return false;
  } else if (s.size() == 10 && s[4] == '-' && s[7] == '-') {
    if (!Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return false;
  } else {
    return false;
  }
  if (y < 1900 || y > 2100 || m > 12 || d > 31) return false;
  if (s.size() >= 7 && m == 0) return false;
  if (s.size() == 8 || s.size() == 10) {
    if (d == 0) return false;
  }
  *year = y;
  *yyyymmdd = y * 10000 + m * 100 + d;
  return true;
}

bool ReadStringViewOrNull(simdjson::ondemand::value value, std::string_view* out) {
  // The raw token runs from the opening quote to the next structural
  // character, so it holds the closing quote (stage 1 rejects unclosed
  // strings, unescaped control characters and invalid UTF-8).
  std::string_view token = value.raw_json_token();
  if (token.empty()) return false;
  if (token[0] == '"') {
    // One pass to the closing quote or the first escape (strings are short:
    // a byte loop beats two library calls).
    const char* begin = token.data() + 1;
    const char* end = token.data() + token.size();
    for (const char* p = begin; p < end; ++p) {
      if (*p == '"') {
        simdjson::ondemand::raw_json_string raw;
        if (value.get_raw_json_string().get(raw)) return false;  // Consumes the value.
        *out = std::string_view(begin, static_cast<size_t>(p - begin));
        return true;
      }
      if (*p == '\\') break;
    }
    return value.get_string().get(*out) == simdjson::SUCCESS;  // Escapes: unescape.
  }
  // What type() calls null (the first byte only); anything else is no string.
  if (token[0] != 'n') return false;
  *out = std::string_view();
  return true;
}

simdjson::error_code FieldKey(simdjson::simdjson_result<simdjson::ondemand::field>& result,
                              std::string_view* out) {
  if (result.error()) return result.error();
  simdjson::ondemand::field& field = result.value_unsafe();
  // Keys are short: a byte loop finds the closing quote (always there, see
  // ReadStringViewOrNull) or the first escape.
  const char* begin = field.key().raw();
  for (const char* p = begin;; ++p) {
    if (*p == '"') {
      *out = std::string_view(begin, static_cast<size_t>(p - begin));
      return simdjson::SUCCESS;
    }
    if (*p == '\\') return field.unescaped_key().get(*out);
  }
}

CoordStatus ReadCoordinate(simdjson::ondemand::value value, double* out) {
  // Fast path: a plain number (get_double leaves the value unread on failure).
  double fast;
  if (value.get_double().get(fast) == simdjson::SUCCESS) {
    if (!std::isfinite(fast)) return CoordStatus::kBad;
    *out = fast;
    return CoordStatus::kOk;
  }
  simdjson::ondemand::json_type type;
  if (value.type().get(type)) return CoordStatus::kBad;
  switch (type) {
    case simdjson::ondemand::json_type::null:
      return CoordStatus::kAbsent;
    case simdjson::ondemand::json_type::number: {
      double d;
      if (value.get_double().get(d)) return CoordStatus::kBad;  // 1e999 fails here.
      if (!std::isfinite(d)) return CoordStatus::kBad;
      *out = d;
      return CoordStatus::kOk;
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view sv;
      if (value.get_string().get(sv)) return CoordStatus::kBad;
      return CoordinateFromText(sv, out);
    }
    default:
      return CoordStatus::kBad;
  }
}

CoordStatus ReadCoordinate(simdjson::dom::element value, double* out) {
  double d;
  switch (value.type()) {
    case simdjson::dom::element_type::INT64:
      d = static_cast<double>(value.get_int64().value_unsafe());
      break;
    case simdjson::dom::element_type::UINT64:
      d = static_cast<double>(value.get_uint64().value_unsafe());
      break;
    case simdjson::dom::element_type::DOUBLE:
      d = value.get_double().value_unsafe();
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      return CoordStatus::kAbsent;
    case simdjson::dom::element_type::STRING:
      return CoordinateFromText(value.get_string().value_unsafe(), out);
    default:
      return CoordStatus::kBad;
  }
  if (!std::isfinite(d)) return CoordStatus::kBad;
  *out = d;
  return CoordStatus::kOk;
}

bool ToE5(double lat, double lon, int32_t* lat_e5, int32_t* lon_e5) {
  if (!(lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0)) return false;
  *lat_e5 = static_cast<int32_t>(std::llround(lat * 1e5));
  *lon_e5 = static_cast<int32_t>(std::llround(lon * 1e5));
  return true;
}

void NormaliseCountry2(std::string_view s, std::string* out) {
  s = TrimAscii(s);
  out->clear();
  if (s.size() != 2) return;
  char cc[2];
  for (int i = 0; i < 2; ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return;
    cc[i] = c;
  }
  out->assign(cc, 2);
}

std::string NormaliseCountry2(std::string_view s) {
  std::string out;
  NormaliseCountry2(s, &out);
  return out;
}

bool PeekJsonString(std::string_view line, std::string_view quoted_name, std::string_view* out) {
  // The member usually opens the line ({"application_number":"..."): test
  // that place before searching (a re-read peeks every line's key).
  size_t at = line.size() > quoted_name.size() && line[0] == '{' &&
                      line.compare(1, quoted_name.size(), quoted_name) == 0
                  ? 1
                  : line.find(quoted_name);
  for (; at != std::string_view::npos; at = line.find(quoted_name, at + 1)) {
    size_t p = at + quoted_name.size();
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    if (p == line.size() || line[p] != ':') continue;  // A value, not a member name.
    ++p;
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    if (p == line.size() || line[p] != '"') return false;  // Not a string.
    // To the closing quote; an escape before it makes the value unusable.
    for (size_t end = p + 1; end < line.size(); ++end) {
      if (line[end] == '"') {
        *out = line.substr(p + 1, end - p - 1);
        return true;
      }
      if (line[end] == '\\') return false;
    }
    return false;  // No closing quote.
  }
  return false;
}

}  // namespace stc
