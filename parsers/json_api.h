// The two simdjson front ends of the normalised JSON Lines readers behind one
// small interface, so that one template walks a line either way
// (jsonl_formats.cc, person_json.cc):
//
// - DomJson: a parsed simdjson DOM document. The fast path: the DOM parse
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

#include <cstdint>
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

struct DomJson {
  using Value = simdjson::dom::element;
  using Object = simdjson::dom::object;
  using Array = simdjson::dom::array;

  static bool IsNull(Value v) { return v.is_null(); }
  static bool AsObject(Value v, Object* out) {
    return v.get_object().get(*out) == simdjson::SUCCESS;
  }
  static bool AsArray(Value v, Array* out) { return v.get_array().get(*out) == simdjson::SUCCESS; }
  static bool AsValue(Value e, Value* out) {
    *out = e;
    return true;
  }
  template <typename Fn>
  static bool ForEachMember(Object& obj, Fn&& fn) {
    for (simdjson::dom::key_value_pair kv : obj) {
      if (!fn(kv.key, kv.value)) break;
    }
    return true;
  }
  template <typename Fn>
  static void ForEachElement(Array& arr, Fn&& fn) {
    for (Value element : arr) {
      if (!fn(element)) break;
    }
  }
  static bool ReadStringView(Value v, std::string_view* out) {
    if (v.get_string().get(*out) == simdjson::SUCCESS) return true;
    if (!v.is_null()) return false;
    *out = std::string_view();
    return true;
  }
  static CoordStatus ReadCoordinate(Value v, double* out) { return stc::ReadCoordinate(v, out); }
  static CountStatus ReadCount(Value v, int64_t* out) {
    if (v.is_null()) return CountStatus::kAbsent;
    return v.get_int64().get(*out) ? CountStatus::kBad : CountStatus::kOk;
  }
};

}  // namespace stc

#endif  // STCLUSTER_PARSERS_JSON_API_H_
