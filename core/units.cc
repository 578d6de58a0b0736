#include "core/units.h"

#include <charconv>
#include <cstdlib>

namespace stc {

std::string FormatUnits(Units u) {
  std::string out;
  AppendUnits(u, &out);
  return out;
}

void AppendUnits(Units u, std::string* out) {
  if (u < 0) {
    out->push_back('-');
    u = -u;  // |u| <= 9.2e18 fits; kUnit-scaled sums never reach INT64_MIN.
  }
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), u / kUnit);
  out->append(buf, end);
  Units frac = u % kUnit;
  if (frac != 0) {
    // kUnitDecimals digits, zero-padded on the left, trailing zeros dropped.
    char digits[kUnitDecimals];
    for (int i = kUnitDecimals - 1; i >= 0; --i, frac /= 10) {
      digits[i] = static_cast<char>('0' + frac % 10);
    }
    int n = kUnitDecimals;
    while (digits[n - 1] == '0') --n;
    out->push_back('.');
    out->append(digits, static_cast<size_t>(n));
  }
}

bool ParseUnits(const std::string& text, Units* out) {
  size_t i = 0;
  bool neg = false;
  if (i < text.size() && text[i] == '-') {
    neg = true;
    ++i;
  }
  if (i >= text.size()) return false;
  Units whole = 0;
  size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    whole = whole * 10 + (text[i] - '0');
    ++i;
    ++digits;
  }
  if (digits == 0) return false;
  Units frac = 0;
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (frac_digits == kUnitDecimals) return false;
      frac = frac * 10 + (text[i] - '0');
      ++i;
      ++frac_digits;
    }
    if (frac_digits == 0) return false;
  }
  if (i != text.size()) return false;
  for (int k = frac_digits; k < kUnitDecimals; ++k) frac *= 10;
  Units v = whole * kUnit + frac;
  *out = neg ? -v : v;
  return true;
}

}  // namespace stc
