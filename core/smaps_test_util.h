// Tests only: the flags the kernel keeps for a mapping (/proc/self/smaps), to
// check which page-size advice a block of memory carries ("hg":
// MADV_HUGEPAGE, kept even where transparent huge pages are off).
#ifndef STCLUSTER_CORE_SMAPS_TEST_UTIL_H_
#define STCLUSTER_CORE_SMAPS_TEST_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace stc {

// The VmFlags line of the /proc/self/smaps entry that maps `p`, or "" when
// none (or /proc is not there).
inline std::string VmFlagsOf(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto addr = reinterpret_cast<uintptr_t>(p);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t from = 0, to = 0;
    char dash = 0;
    if (std::sscanf(line.c_str(), "%lx%c%lx", &from, &dash, &to) == 3 && dash == '-') {
      inside = addr >= from && addr < to;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

}  // namespace stc

#endif  // STCLUSTER_CORE_SMAPS_TEST_UTIL_H_
