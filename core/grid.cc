#include "core/grid.h"

#include <charconv>
#include <cstring>
#include <string>

#include "core/digits.h"

namespace stc {

std::string FormatE5(int32_t v) {
  std::string out;
  AppendE5(v, &out);
  return out;
}

void AppendE5(int32_t v, std::string* out) {
  char buf[kMaxE5Chars];
  out->append(buf, WriteE5(v, buf));
}

char* WriteE5(int32_t v, char* out) {
  static_assert(kE5PerDegree == 100'000);
  int64_t x = v;
  if (x < 0) {
    *out++ = '-';
    x = -x;
  }
  out = std::to_chars(out, out + 6, x / kE5PerDegree).ptr;
  const auto frac = static_cast<uint32_t>(x % kE5PerDegree);
  if (frac == 0) return out;
  // Five digits, zero-padded on the left (the first, then two pairs), then
  // the trailing zeros dropped.
  *out++ = '.';
  char* digits = out;
  digits[0] = static_cast<char>('0' + frac / 10'000);
  std::memcpy(digits + 1, kDigitPairs + 2 * (frac / 100 % 100), 2);
  std::memcpy(digits + 3, kDigitPairs + 2 * (frac % 100), 2);
  int n = 5;
  while (digits[n - 1] == '0') --n;
  return digits + n;
}

}  // namespace stc
