#include "core/units.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "core/digits.h"

namespace stc {

std::string FormatUnits(Units u) {
  std::string out;
  AppendUnits(u, &out);
  return out;
}

void AppendUnits(Units u, std::string* out) {
  char buf[kMaxUnitsChars];
  out->append(buf, WriteUnits(u, buf));
}

char* WriteUnits(Units u, char* out) {
  static_assert(kUnit == 1'000'000'000 && kUnitDecimals == 9);
  uint64_t x = static_cast<uint64_t>(u);
  if (u < 0) {
    *out++ = '-';
    x = 0 - x;  // |u| as unsigned: exact for INT64_MIN too.
  }
  const uint64_t whole = x / kUnit;
  if (whole < 10) {  // Most units: one digit, without to_chars' loop.
    *out++ = static_cast<char>('0' + whole);
  } else {
    out = std::to_chars(out, out + 20, whole).ptr;
  }
  const auto frac = static_cast<uint32_t>(x % kUnit);
  if (frac == 0) return out;
  // Nine digits, zero-padded on the left: the first, then eight at once
  // (EightDigits), then the trailing zeros dropped: the leading zero bytes
  // of the eight digits' values, the last in memory being the most
  // significant byte.
  *out++ = '.';
  out[0] = static_cast<char>('0' + frac / 100'000'000);
  const uint64_t eight = EightDigits(frac % 100'000'000);
  const uint64_t text = eight | 0x3030303030303030ULL;
  std::memcpy(out + 1, &text, 8);
  if (eight == 0) return out + 1;  // frac != 0: the first digit is not 0.
  return out + 9 - __builtin_clzll(eight) / 8;
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
