#include "core/grid.h"

#include <charconv>
#include <string>

namespace stc {

std::string FormatE5(int32_t v) {
  std::string out;
  AppendE5(v, &out);
  return out;
}

void AppendE5(int32_t v, std::string* out) {
  int64_t x = v;
  if (x < 0) {
    out->push_back('-');
    x = -x;
  }
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), x / kE5PerDegree);
  out->append(buf, end);
  int64_t frac = x % kE5PerDegree;
  if (frac != 0) {
    char digits[5];  // Zero-padded on the left, trailing zeros dropped.
    for (int i = 4; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
    int n = 5;
    while (digits[n - 1] == '0') --n;
    out->push_back('.');
    out->append(digits, static_cast<size_t>(n));
  }
}

}  // namespace stc
