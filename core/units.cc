#include "core/units.h"

#include <cstdlib>

namespace stc {

std::string FormatUnits(Units u) {
  std::string out;
  if (u < 0) {
    out.push_back('-');
    u = -u;  // |u| <= 9.2e18 fits; kUnit-scaled sums never reach INT64_MIN.
  }
  out += std::to_string(u / kUnit);
  Units frac = u % kUnit;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    std::string padded(kUnitDecimals - digits.size(), '0');
    padded += digits;
    while (!padded.empty() && padded.back() == '0') padded.pop_back();
    out.push_back('.');
    out += padded;
  }
  return out;
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
