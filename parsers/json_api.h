// The two simdjson front ends of the normalised JSON Lines readers behind one
// small interface, so that one template walks a line either way
// (jsonl_formats.cc, person_json.cc):
//
// - DomJson: a parsed simdjson DOM document, read straight from its tape
//   (below). The fast path: the DOM parse
//   (stages 1 and 2 of the runtime-dispatched implementation, one pass that
//   builds the tape) and a walk over the tape cost about half of one On-Demand
//   pass over the same lines (bench/readers_bench.cc, BM_PctJsonl; the
//   On-Demand front end is compiled into the caller for the baseline x86-64
//   target). A DOM parse only succeeds on a whole valid JSON document.
// - OnDemandJson: the On-Demand API, for the lines the DOM parse rejects. It
//   reads up to the first fault, which names the field at fault (a lat of
//   1e999 is "bad_coordinates", a string where a list belongs is "bad_field",
//   a record out of the run's scope is skipped before a later fault).
//
// On a valid document both give the same values, so a line gets the same
// record (or reason) whichever front end reads it: pipeline/
// parse_golden_test.cc reads its corpora both ways and compares.
//
// Each front end provides:
//   Value                                   one JSON value
//   Object, Array                           a value read as such
//   bool IsNull(Value)                      null (On-Demand: first byte 'n')
//   bool AsObject(E, Object*), AsArray(Value, Array*)  false for other types
//   bool AsValue(E, Value*)                 an array element as a Value
//   bool ForEachMember(Object&, fn)         fn(key, Value) -> false to stop;
//                                           false when a member is unreadable
//   void ForEachElement(Array&, fn)         fn(E&) -> false to stop
//   bool ReadStringView(Value, string_view*)  string, or null -> ""
//   CoordStatus ReadCoordinate(Value, double*)
//   CountStatus ReadCount(Value, int64_t*)  an integer; null -> kAbsent
// where E is the element type of an array (it may carry an error).
//
// Views returned are valid until the parser's next document. Stateless;
// thread-safe.
#ifndef STCLUSTER_PARSERS_JSON_API_H_
#define STCLUSTER_PARSERS_JSON_API_H_

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "parsers/json_util.h"

namespace stc {

// Outcome of reading an integer count.
enum class CountStatus { kAbsent, kOk, kBad, kMalformed };

struct OnDemandJson {
  using Value = simdjson::ondemand::value;
  using Object = simdjson::ondemand::object;
  using Array = simdjson::ondemand::array;

  static bool IsNull(Value& v) {
    std::string_view token = v.raw_json_token();
    return !token.empty() && token[0] == 'n';
  }
  template <typename E>
  static bool AsObject(E&& e, Object* out) {
    return e.get_object().get(*out) == simdjson::SUCCESS;
  }
  static bool AsArray(Value& v, Array* out) { return v.get_array().get(*out) == simdjson::SUCCESS; }
  static bool AsValue(simdjson::simdjson_result<Value>& e, Value* out) {
    return e.get(*out) == simdjson::SUCCESS;
  }
  template <typename Fn>
  static bool ForEachMember(Object& obj, Fn&& fn) {
    for (auto field : obj) {
      std::string_view key;
      Value v;
      if (FieldKey(field, &key) || field.value().get(v)) return false;
      if (!fn(key, v)) break;
    }
    return true;
  }
  template <typename Fn>
  static void ForEachElement(Array& arr, Fn&& fn) {
    for (auto element : arr) {
      if (!fn(element)) break;
    }
  }
  static bool ReadStringView(Value& v, std::string_view* out) {
    return ReadStringViewOrNull(v, out);
  }
  static CoordStatus ReadCoordinate(Value& v, double* out) { return stc::ReadCoordinate(v, out); }
  static CountStatus ReadCount(Value& v, int64_t* out) {
    simdjson::ondemand::json_type t;
    if (v.type().get(t)) return CountStatus::kMalformed;
    if (t == simdjson::ondemand::json_type::null) return CountStatus::kAbsent;
    return v.get_int64().get(*out) ? CountStatus::kBad : CountStatus::kOk;
  }
};

// Reads the tape of the parser's last DOM document word by word (simdjson
// 3.0's tape format, its doc/tape.md): each value is a 64-bit word whose top
// byte is its type; a number's value is the word after it; a string's word
// holds the offset of its length (32 bits, little-endian) and bytes in the
// document's string buffer; an object's or array's opening word holds, in
// its low 32 bits, the index of the word after its closing one; an object's
// members are a key (a string) and a value in turn. The same values as
// simdjson's DOM accessors (dom::element and its iterators), which cost as
// much again as the walk itself: a parse stage reading the values this way
// took 94 ms against 131 ms on the same 64 MiB (performance-history.md, the
// measurements of 2026-12-07 02:57).
struct DomJson {
  // One value of a parsed document: its word's index on the tape. Valid
  // until the parser's next document.
  struct Value {
    const uint64_t* tape = nullptr;
    const uint8_t* strings = nullptr;
    size_t index = 0;

    char type() const { return static_cast<char>(tape[index] >> 56); }
    uint64_t payload() const { return tape[index] & kPayloadMask; }
    // The index of the word after this value (and all it holds).
    size_t end() const {
      switch (type()) {
        case '{':
        case '[':
          return static_cast<size_t>(payload() & 0xFFFFFFFFu);
        case 'l':
        case 'u':
        case 'd':
          return index + 2;
        default:
          return index + 1;
      }
    }
    Value at(size_t i) const { return Value{tape, strings, i}; }
    // Precondition: type() == '"'.
    std::string_view string() const {
      const uint8_t* p = strings + payload();
      uint32_t size;
      std::memcpy(&size, p, sizeof size);
      return std::string_view(reinterpret_cast<const char*>(p + sizeof size), size);
    }
    // Precondition: type() is 'l', 'u' or 'd'.
    uint64_t number_bits() const { return tape[index + 1]; }

    static constexpr uint64_t kPayloadMask = (uint64_t{1} << 56) - 1;
  };
  using Object = Value;
  using Array = Value;

  // The root value of `parser`'s last document (after a successful parse).
  static Value Root(const simdjson::dom::parser& parser) {
    return Value{parser.doc.tape.get(), parser.doc.string_buf.get(), 1};
  }

  static bool IsNull(Value v) { return v.type() == 'n'; }
  static bool AsObject(Value v, Object* out) {
    if (v.type() != '{') return false;
    *out = v;
    return true;
  }
  static bool AsArray(Value v, Array* out) {
    if (v.type() != '[') return false;
    *out = v;
    return true;
  }
  static bool AsValue(Value e, Value* out) {
    *out = e;
    return true;
  }
  template <typename Fn>
  static bool ForEachMember(Object& obj, Fn&& fn) {
    const size_t last = obj.end() - 1;  // The closing word.
    for (size_t k = obj.index + 1; k < last;) {
      Value v = obj.at(k + 1);
      if (!fn(obj.at(k).string(), v)) break;
      k = v.end();
    }
    return true;
  }
  template <typename Fn>
  static void ForEachElement(Array& arr, Fn&& fn) {
    const size_t last = arr.end() - 1;
    for (size_t i = arr.index + 1; i < last;) {
      Value element = arr.at(i);
      if (!fn(element)) break;
      i = element.end();
    }
  }
  static bool ReadStringView(Value v, std::string_view* out) {
    switch (v.type()) {
      case '"':
        *out = v.string();
        return true;
      case 'n':
        *out = std::string_view();
        return true;
      default:
        return false;
    }
  }
  static CoordStatus ReadCoordinate(Value v, double* out) {
    double d;
    switch (v.type()) {
      case 'l':
        d = static_cast<double>(static_cast<int64_t>(v.number_bits()));
        break;
      case 'u':
        d = static_cast<double>(v.number_bits());
        break;
      case 'd': {
        const uint64_t bits = v.number_bits();
        std::memcpy(&d, &bits, sizeof d);
        break;
      }
      case 'n':
        return CoordStatus::kAbsent;
      case '"':
        return CoordinateFromText(v.string(), out);
      default:
        return CoordStatus::kBad;
    }
    if (!std::isfinite(d)) return CoordStatus::kBad;
    *out = d;
    return CoordStatus::kOk;
  }
  // An integer: a uint64 above INT64_MAX and a double are kBad, as
  // simdjson's dom::element::get_int64 has it.
  static CountStatus ReadCount(Value v, int64_t* out) {
    switch (v.type()) {
      case 'n':
        return CountStatus::kAbsent;
      case 'l':
        *out = static_cast<int64_t>(v.number_bits());
        return CountStatus::kOk;
      case 'u':
        if (v.number_bits() > static_cast<uint64_t>(INT64_MAX)) return CountStatus::kBad;
        *out = static_cast<int64_t>(v.number_bits());
        return CountStatus::kOk;
      default:
        return CountStatus::kBad;
    }
  }
};

}  // namespace stc

#endif  // STCLUSTER_PARSERS_JSON_API_H_
