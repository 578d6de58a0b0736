// A small JSON Schema checker for the tests: the subset of draft 2020-12 our
// schema files use (type, const, enum, required, properties,
// additionalProperties: false, items, minItems, maxItems, minimum, maximum,
// pattern, local $ref "#/$defs/NAME"). Anything else in a schema is an error,
// so a schema cannot silently use a keyword this checker ignores.
#ifndef STCLUSTER_TESTS_CLUSTER_JSON_SCHEMA_H_
#define STCLUSTER_TESTS_CLUSTER_JSON_SCHEMA_H_

#include <simdjson.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/status.h"

namespace stc::testing {

class JsonSchemaChecker {
 public:
  explicit JsonSchemaChecker(simdjson::dom::element root) : root_(root) {}

  void Check(simdjson::dom::element schema, simdjson::dom::element v, const std::string& path) {
    simdjson::dom::object s;
    if (schema.get_object().get(s) != simdjson::SUCCESS) {
      errors_.push_back(path + ": schema is not an object");
      return;
    }
    static const std::set<std::string> kKnown = {
        "$schema", "$id",      "title",    "description", "type",
        "const",   "enum",     "required", "properties",  "additionalProperties",
        "items",   "minItems", "maxItems", "minimum",     "maximum",
        "pattern", "$ref",     "$defs"};
    for (auto [key, value] : s) {
      if (!kKnown.count(std::string(key))) {
        errors_.push_back(path + ": unsupported schema keyword " + std::string(key));
      }
    }
    std::string_view ref;
    if (s["$ref"].get_string().get(ref) == simdjson::SUCCESS) {
      const std::string prefix = "#/$defs/";
      if (ref.substr(0, prefix.size()) != prefix) {
        errors_.push_back(path + ": unsupported $ref " + std::string(ref));
        return;
      }
      simdjson::dom::element target;
      if (root_["$defs"][ref.substr(prefix.size())].get(target) != simdjson::SUCCESS) {
        errors_.push_back(path + ": dangling $ref " + std::string(ref));
        return;
      }
      Check(target, v, path);
    }
    simdjson::dom::element type;
    if (s["type"].get(type) == simdjson::SUCCESS) {
      bool ok = false;
      simdjson::dom::array types;
      if (type.get_array().get(types) == simdjson::SUCCESS) {
        for (simdjson::dom::element t : types) ok |= HasType(v, t.get_string().value());
      } else {
        ok = HasType(v, type.get_string().value());
      }
      if (!ok) {
        errors_.push_back(path + ": wrong type");
        return;
      }
    }
    simdjson::dom::element c;
    if (s["const"].get(c) == simdjson::SUCCESS && !Equal(c, v)) {
      errors_.push_back(path + ": not the const value");
    }
    simdjson::dom::array en;
    if (s["enum"].get_array().get(en) == simdjson::SUCCESS) {
      bool found = false;
      for (simdjson::dom::element e : en) found |= Equal(e, v);
      if (!found) errors_.push_back(path + ": not one of the enum values");
    }
    double d;
    if (v.is_number()) {
      d = v.get_double().value();
      double lim;
      if (s["minimum"].get_double().get(lim) == simdjson::SUCCESS && d < lim) {
        errors_.push_back(path + ": below the minimum");
      }
      if (s["maximum"].get_double().get(lim) == simdjson::SUCCESS && d > lim) {
        errors_.push_back(path + ": above the maximum");
      }
    }
    std::string_view pattern, text;
    if (s["pattern"].get_string().get(pattern) == simdjson::SUCCESS &&
        v.get_string().get(text) == simdjson::SUCCESS &&
        !std::regex_search(std::string(text), std::regex(std::string(pattern)))) {
      errors_.push_back(path + ": does not match " + std::string(pattern));
    }
    simdjson::dom::object obj;
    if (v.get_object().get(obj) == simdjson::SUCCESS) {
      simdjson::dom::array req;
      if (s["required"].get_array().get(req) == simdjson::SUCCESS) {
        for (simdjson::dom::element r : req) {
          simdjson::dom::element unused;
          if (obj[r.get_string().value()].get(unused) != simdjson::SUCCESS) {
            errors_.push_back(path + ": missing " + std::string(r.get_string().value()));
          }
        }
      }
      simdjson::dom::object props;
      const bool has_props = s["properties"].get_object().get(props) == simdjson::SUCCESS;
      bool closed = false;
      simdjson::dom::element ap;
      if (s["additionalProperties"].get(ap) == simdjson::SUCCESS) closed = !ap.get_bool().value();
      for (auto [key, value] : obj) {
        simdjson::dom::element sub;
        if (has_props && props[key].get(sub) == simdjson::SUCCESS) {
          Check(sub, value, path + "." + std::string(key));
        } else if (closed) {
          errors_.push_back(path + ": unexpected key " + std::string(key));
        }
      }
    }
    simdjson::dom::array arr;
    if (v.get_array().get(arr) == simdjson::SUCCESS) {
      int64_t n;
      if (s["minItems"].get_int64().get(n) == simdjson::SUCCESS &&
          static_cast<int64_t>(arr.size()) < n) {
        errors_.push_back(path + ": too few items");
      }
      if (s["maxItems"].get_int64().get(n) == simdjson::SUCCESS &&
          static_cast<int64_t>(arr.size()) > n) {
        errors_.push_back(path + ": too many items");
      }
      simdjson::dom::element items;
      if (s["items"].get(items) == simdjson::SUCCESS) {
        size_t i = 0;
        for (simdjson::dom::element item : arr) {
          Check(items, item, path + "[" + std::to_string(i++) + "]");
        }
      }
    }
  }

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  static bool HasType(simdjson::dom::element v, std::string_view t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "boolean") return v.is_bool();
    if (t == "null") return v.is_null();
    if (t == "number") return v.is_number();
    if (t == "integer") {
      if (v.is_int64() || v.is_uint64()) return true;
      double d;
      return v.get_double().get(d) == simdjson::SUCCESS && std::floor(d) == d;
    }
    return false;
  }
  static bool Equal(simdjson::dom::element a, simdjson::dom::element b) {
    return simdjson::to_string(a) == simdjson::to_string(b);
  }

  simdjson::dom::element root_;
  std::vector<std::string> errors_;
};

// Checks `json` against the schema file `schema_path`: the list of
// violations (empty = valid). DataError when either does not parse.
inline Result<std::vector<std::string>> CheckJsonSchema(const std::string& json,
                                                        const std::string& schema_path) {
  std::ifstream in(schema_path);
  if (!in) return Status::NotFound("cannot read " + schema_path);
  std::stringstream ss;
  ss << in.rdbuf();
  simdjson::dom::parser schema_parser, doc_parser;
  simdjson::dom::element schema, doc;
  if (schema_parser.parse(simdjson::padded_string(ss.str())).get(schema) != simdjson::SUCCESS) {
    return Status::DataError(schema_path + ": not JSON");
  }
  if (doc_parser.parse(simdjson::padded_string(json)).get(doc) != simdjson::SUCCESS) {
    return Status::DataError("document: not JSON");
  }
  JsonSchemaChecker checker(schema);
  checker.Check(schema, doc, "$");
  return checker.errors();
}

}  // namespace stc::testing

#endif  // STCLUSTER_TESTS_CLUSTER_JSON_SCHEMA_H_
