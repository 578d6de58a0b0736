// The store's value codec (core/record_codec.h) on arbitrary bytes, as a
// corrupt or hostile store would hand them over: DecodeCountedRecord either
// fails with Corruption or gives a record whose encoding decodes to the same
// record (encode is canonical, so decode(encode(r)) == r and encode is a
// fixed point after one round).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/record_codec.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  stc::CountedRecord r;
  r.key = "k";
  stc::Status st = stc::DecodeCountedRecord(in, &r);
  int32_t year = 0, version = 0;
  const bool peeked = stc::PeekYearVersion(in, &year, &version);
  if (!st.ok()) {
    STC_FUZZ_CHECK(st.code() == stc::StatusCode::kCorruption, st.message());
    return 0;
  }
  STC_FUZZ_CHECK(peeked && year == r.year && version == r.version, "PeekYearVersion disagrees");
  STC_FUZZ_CHECK(stc::PeekUnitHash(in) == r.unit_hash, "PeekUnitHash disagrees");
  std::string once;
  stc::EncodeCountedRecord(r, &once);
  stc::CountedRecord back;
  back.key = "k";
  st = stc::DecodeCountedRecord(once, &back);
  STC_FUZZ_CHECK(st.ok(), "an encoded record does not decode: " + st.message());
  STC_FUZZ_CHECK(back == r, "decode(encode(r)) != r");
  std::string twice;
  stc::EncodeCountedRecord(back, &twice);
  STC_FUZZ_CHECK(twice == once, "encode is not canonical");
  return 0;
}
