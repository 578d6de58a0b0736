// Small helpers shared by the JSON readers (simdjson 3.0 On-Demand and DOM APIs).
// Stateless functions; thread-safe.
#ifndef STCLUSTER_PARSERS_JSON_UTIL_H_
#define STCLUSTER_PARSERS_JSON_UTIL_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace stc {

// Parses "YYYY-MM-DD", "YYYYMMDD", "YYYY-MM" or "YYYY" (surrounding spaces
// allowed). Sets *year and *yyyymmdd (missing month/day count as 00). Returns
// false for anything else or a year outside 1900..2100, month > 12, day > 31.
bool ParseDate(std::string_view text, int32_t* year, int32_t* yyyymmdd);

// Reads a JSON string (or null -> "") as a view: into the input itself when
// the string has no escape (no copy), else into the parser's string buffer.
// Either way the view is valid until the parser starts its next document.
// Returns false for other types or malformed strings; a value starting with
// 'n' counts as null without being checked further.
bool ReadStringViewOrNull(simdjson::ondemand::value value, std::string_view* out);

// The unescaped key of an object field; a view into the input when the key
// has no escape, else into the parser's string buffer (valid as above).
simdjson::error_code FieldKey(simdjson::simdjson_result<simdjson::ondemand::field>& field,
                              std::string_view* out);

// Outcome of reading one coordinate.
enum class CoordStatus { kAbsent, kOk, kBad };

// Reads a coordinate given as a JSON number or a numeric string; null ->
// kAbsent; NaN, infinities, non-numeric -> kBad. Range is checked by the caller.
CoordStatus ReadCoordinate(simdjson::ondemand::value value, double* out);
// The same for a DOM value (a valid document: no 1e999 in it).
CoordStatus ReadCoordinate(simdjson::dom::element value, double* out);

// Converts a checked pair of degrees into 1e-5 degrees. Returns false when
// out of range (|lat| > 90, |lon| > 180).
bool ToE5(double lat, double lon, int32_t* lat_e5, int32_t* lon_e5);

// Trims ASCII whitespace on both sides.
std::string_view TrimAscii(std::string_view s);

// The value of the first member `quoted_name` (the name in quotes, e.g.
// "\"eid\"") of `line` that is a string, when the value holds no escape: the
// cheap key of RecordParser::PeekKey. It may come from a nested object or a
// duplicated member: PeekKey may be wrong, never harmful.
bool PeekJsonString(std::string_view line, std::string_view quoted_name, std::string_view* out);

// Upper-cases an ISO country code if it is exactly two ASCII letters; returns
// "" otherwise.
std::string NormaliseCountry2(std::string_view s);
// Same, into *out (reusing its capacity).
void NormaliseCountry2(std::string_view s, std::string* out);

// A simdjson view of `data` that is safe to parse when at least
// SIMDJSON_PADDING readable bytes follow it (chunk buffers guarantee this).
inline simdjson::padded_string_view PaddedView(std::string_view data, size_t readable_after) {
  return simdjson::padded_string_view(data.data(), data.size(), data.size() + readable_after);
}

}  // namespace stc

#endif  // STCLUSTER_PARSERS_JSON_UTIL_H_
