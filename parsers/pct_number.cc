#include "parsers/pct_number.h"

namespace stc {

std::string NormalisePctNumber(std::string_view text) {
  std::string s;
  s.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    s.push_back(c);
  }
  // PCT/CC<yy|yyyy>/<digits>
  if (s.size() < 9 || s.compare(0, 4, "PCT/") != 0) return s;
  auto is_alpha = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!is_alpha(s[4]) || !is_alpha(s[5])) return s;
  size_t slash = s.find('/', 6);
  if (slash == std::string::npos) return s;
  std::string year = s.substr(6, slash - 6);
  std::string serial = s.substr(slash + 1);
  if ((year.size() != 2 && year.size() != 4) || serial.empty() || serial.size() > 6) return s;
  for (char c : year) {
    if (!is_digit(c)) return s;
  }
  for (char c : serial) {
    if (!is_digit(c)) return s;
  }
  if (year.size() == 2) year = (year >= "78" ? "19" : "20") + year;
  std::string out = "PCT/";
  out += s.substr(4, 2);
  out += year;
  out += '/';
  out.append(6 - serial.size(), '0');
  out += serial;
  return out;
}

std::string NormalisePctApplication(std::string_view country, std::string_view doc_number) {
  std::string s;
  for (char c : doc_number) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    s.push_back(c);
  }
  if (s.compare(0, 4, "PCT/") == 0) return NormalisePctNumber(s);
  if (s.compare(0, 3, "PCT") == 0) s = s.substr(3);
  auto is_alpha = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string cc;
  if (s.size() >= 2 && is_alpha(s[0]) && is_alpha(s[1])) {
    cc = s.substr(0, 2);
    s = s.substr(2);
  } else {
    for (char c : country) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (is_alpha(c)) cc.push_back(c);
    }
    if (cc.size() != 2 || cc == "WO") return NormalisePctNumber(doc_number);
  }
  std::string year, serial;
  size_t slash = s.find('/');
  if (slash != std::string::npos) {
    year = s.substr(0, slash);
    serial = s.substr(slash + 1);
  } else if (s.size() == 10) {
    year = s.substr(0, 4);
    serial = s.substr(4);
  } else if (s.size() == 7) {
    year = s.substr(0, 2);
    serial = s.substr(2);
  } else {
    return NormalisePctNumber(doc_number);
  }
  for (char c : year + serial) {
    if (!is_digit(c)) return NormalisePctNumber(doc_number);
  }
  return NormalisePctNumber("PCT/" + cc + year + "/" + serial);
}

}  // namespace stc
