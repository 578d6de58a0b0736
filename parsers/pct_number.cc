#include "parsers/pct_number.h"

#include <cstring>

namespace stc {

namespace {

// "PCT/CCyyyy/nnnnnn" exactly: already normalised.
bool IsCanonicalPct(std::string_view t) {
  if (t.size() != 17 || t.compare(0, 4, "PCT/") != 0 || t[10] != '/') return false;
  for (size_t i : {4, 5}) {
    if (t[i] < 'A' || t[i] > 'Z') return false;
  }
  for (size_t i = 6; i < 17; ++i) {
    if (i != 10 && (t[i] < '0' || t[i] > '9')) return false;
  }
  return true;
}

}  // namespace

void NormalisePctNumber(std::string_view text, std::string* out) {
  if (IsCanonicalPct(text)) {
    out->assign(text);
    return;
  }
  std::string& s = *out;
  s.clear();
  s.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    s.push_back(c);
  }
  // PCT/CC<yy|yyyy>/<digits>; anything else stays as cleaned above.
  if (s.size() < 9 || s.compare(0, 4, "PCT/") != 0) return;
  auto is_alpha = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!is_alpha(s[4]) || !is_alpha(s[5])) return;
  size_t slash = s.find('/', 6);
  if (slash == std::string::npos) return;
  std::string_view year(s.data() + 6, slash - 6);
  std::string_view serial(s.data() + slash + 1, s.size() - slash - 1);
  if ((year.size() != 2 && year.size() != 4) || serial.empty() || serial.size() > 6) return;
  for (char c : year) {
    if (!is_digit(c)) return;
  }
  for (char c : serial) {
    if (!is_digit(c)) return;
  }
  char buf[17];  // "PCT/" CC yyyy "/" 6 digits.
  char* p = buf;
  std::memcpy(p, s.data(), 6);  // "PCT/CC"
  p += 6;
  if (year.size() == 2) {
    std::memcpy(p, year >= "78" ? "19" : "20", 2);
    p += 2;
  }
  std::memcpy(p, year.data(), year.size());
  p += year.size();
  *p++ = '/';
  std::memset(p, '0', 6 - serial.size());
  p += 6 - serial.size();
  std::memcpy(p, serial.data(), serial.size());
  p += serial.size();
  s.assign(buf, static_cast<size_t>(p - buf));
}

std::string NormalisePctNumber(std::string_view text) {
  std::string out;
  NormalisePctNumber(text, &out);
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
