// Helpers for the readers of real source formats (Scopus, OpenAlex, VC
// deals), which read a whole unit with the simdjson DOM API: these sources
// nest deeply, put keys in any order and bend types (numbers as strings, an
// object where a list is expected, {"$": value} wrappers, explicit nulls), so
// random access is simpler and safer than one On-Demand pass.
//
// Stateless functions; thread-safe.
#ifndef STCLUSTER_PARSERS_DOM_UTIL_H_
#define STCLUSTER_PARSERS_DOM_UTIL_H_

#include <simdjson.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stc {

using simdjson::dom::element;

// A possibly missing JSON value: what a key lookup returns.
struct Node {
  element e;
  bool valid = false;  // False when the key (or the document) was missing.

  Node() = default;
  Node(element v) : e(v), valid(true) {}  // NOLINT: implicit on purpose.
  bool is_null() const { return !valid || e.is_null(); }
  bool is_array() const { return valid && e.is_array(); }
  bool is_object() const { return valid && e.is_object(); }
  bool is_string() const { return valid && e.is_string(); }
};

// Parses `unit` (followed by at least SIMDJSON_PADDING readable bytes) into
// *out. On failure returns false and sets *detail ("invalid UTF-8", "not
// JSON"). The result lives in `parser` until its next parse.
bool ParseDom(simdjson::dom::parser& parser, std::string_view unit, element* out,
              std::string* detail);

// The member `key` of `e` when `e` is an object holding it (null members
// included); an invalid element otherwise (test with IsPresent).
Node Member(Node n, std::string_view key);

// Member(n, keys[i]) for every i, in one pass over n's members (an object's
// members are a list: each Member call scans it from the start).
template <size_t N>
std::array<Node, N> Members(Node n, const std::array<std::string_view, N>& keys) {
  std::array<Node, N> out;
  simdjson::dom::object object;
  if (!n.valid || n.e.get_object().get(object) != simdjson::SUCCESS) return out;
  for (simdjson::dom::key_value_pair kv : object) {
    const std::string_view key = kv.key;
    for (size_t i = 0; i < N; ++i) {
      // Sizes and first bytes first: most keys differ there (no memcmp call).
      if (!out[i].valid && key.size() == keys[i].size() && (key.empty() || key[0] == keys[i][0]) &&
          key == keys[i]) {
        out[i] = Node(kv.value);
        break;
      }
    }
  }
  return out;
}

// False for a missing value and for JSON null.
inline bool IsPresent(Node n) { return !n.is_null(); }

// Calls fn(item) for each element of an array, or once for a single
// non-null non-array value (Scopus sends an object where a list is
// expected when the list has one item). Nothing for null/missing.
template <typename Fn>
void ForEach(Node n, Fn fn) {
  if (!IsPresent(n)) return;
  simdjson::dom::array arr;
  if (n.e.get_array().get(arr) == simdjson::SUCCESS) {
    for (element item : arr) {
      if (!item.is_null()) fn(Node(item));
    }
  } else {
    fn(n);
  }
}

// The text of a scalar: a string as given, a number printed as an integer
// (or shortest double), true/false; {"$": x} -> text of x; a list -> text of
// its first item; null/missing/other objects -> "". HTML entities are NOT
// decoded here (see DecodeEntities).
std::string Text(Node n);

// Text(Member(e, key)) with HTML entities decoded and ASCII whitespace
// trimmed: the usual way to read a name, a city or an id.
std::string Field(Node n, std::string_view key);

// Text(n) without a copy where it can: a JSON string is returned as a view
// into the parsed document; other scalars are printed into *scratch and
// returned as a view of it. Valid until the document's next parse or the next
// change of *scratch.
std::string_view TextView(Node n, std::string* scratch);
// Field(n, key) the same way: a view into the document when the member is a
// string without '&' (nothing to decode), else Field's result in *scratch.
std::string_view FieldView(Node n, std::string_view key, std::string* scratch);
// The same for a member already looked up: FieldView(n, key, scratch) is
// FieldViewOf(Member(n, key), scratch).
std::string_view FieldViewOf(Node member, std::string* scratch);

// Reads a count given as a number or a numeric string (surrounding spaces
// allowed); false otherwise.
bool ReadCount(Node n, int64_t* out);

// Reads a coordinate given as a number or a numeric string. Returns 0 when
// absent/null/empty, 1 when read (finite), -1 when malformed or not finite.
int ReadDegrees(Node n, double* out);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_DOM_UTIL_H_
