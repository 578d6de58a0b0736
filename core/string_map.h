// A hash map with std::string keys that finds them by std::string_view,
// without building a string for the look-up (C++20 heterogeneous look-up):
// for tables probed with views into larger buffers (stored records, parsed
// lines). Thread-safety: that of std::unordered_map.
#ifndef STCLUSTER_CORE_STRING_MAP_H_
#define STCLUSTER_CORE_STRING_MAP_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stc {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringViewHash, std::equal_to<>>;

}  // namespace stc

#endif  // STCLUSTER_CORE_STRING_MAP_H_
