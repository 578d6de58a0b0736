// The rejects log's JSON escaping (pipeline/rejects_log.h,
// AppendJsonEscaped): whatever the bytes of a rejected record (NUL, control
// characters, quotes, invalid or overlong UTF-8, surrogates), the escaped
// text is a valid JSON string, and valid UTF-8 comes back unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  stc::fuzz::CheckJsonEscaping(s);
  // The log keeps a record's first 200 bytes, which may cut a UTF-8 sequence.
  stc::fuzz::CheckJsonEscaping(s.substr(0, 200));
  return 0;
}
