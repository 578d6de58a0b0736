#include "core/grid.h"

#include <string>

namespace stc {

std::string FormatE5(int32_t v) {
  std::string out;
  int64_t x = v;
  if (x < 0) {
    out.push_back('-');
    x = -x;
  }
  out += std::to_string(x / kE5PerDegree);
  int64_t frac = x % kE5PerDegree;
  if (frac != 0) {
    std::string d = std::to_string(frac);
    std::string padded(5 - d.size(), '0');
    padded += d;
    while (padded.back() == '0') padded.pop_back();
    out.push_back('.');
    out += padded;
  }
  return out;
}

}  // namespace stc
