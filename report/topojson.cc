#include "report/topojson.h"

#include <simdjson.h>

#include <cstdint>
#include <fstream>
#include <sstream>

namespace stc::report {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Status Bad(std::string_view what, const std::string& detail) {
  return Status::DataError(std::string(what) + ": " + detail);
}

bool GetNumber(element e, double* out) {
  if (e.is_double()) return !e.get_double().get(*out);
  int64_t i = 0;
  if (!e.get_int64().get(i)) {
    *out = static_cast<double>(i);
    return true;
  }
  uint64_t u = 0;
  if (!e.get_uint64().get(u)) {
    *out = static_cast<double>(u);
    return true;
  }
  return false;
}

bool GetPair(element e, double* a, double* b) {
  array arr;
  if (e.get_array().get(arr) || arr.size() < 2) return false;
  return GetNumber(arr.at(0).value_unsafe(), a) && GetNumber(arr.at(1).value_unsafe(), b);
}

struct Transform {
  bool quantized = false;
  double sx = 1, sy = 1, tx = 0, ty = 0;
};

// Decodes every arc into absolute degrees.
Status DecodeArcs(array arcs, const Transform& t, std::string_view what,
                  std::vector<std::vector<LonLat>>* out) {
  out->reserve(arcs.size());
  for (element arc_el : arcs) {
    array positions;
    if (arc_el.get_array().get(positions)) {
      return Bad(what, "arc " + std::to_string(out->size()) + " is not an array");
    }
    std::vector<LonLat> arc;
    arc.reserve(positions.size());
    double x = 0, y = 0;
    for (element p : positions) {
      double a, b;
      if (!GetPair(p, &a, &b)) {
        return Bad(what, "arc " + std::to_string(out->size()) + " has a malformed position");
      }
      if (t.quantized) {
        x += a;  // Delta-encoded integers (exact in a double).
        y += b;
        arc.push_back({x * t.sx + t.tx, y * t.sy + t.ty});
      } else {
        arc.push_back({a, b});
      }
    }
    out->push_back(std::move(arc));
  }
  return Status::Ok();
}

Status DecodeRing(array refs, const std::vector<std::vector<LonLat>>& arcs, std::string_view what,
                  Ring* ring) {
  for (element r : refs) {
    int64_t index = 0;
    if (r.get_int64().get(index)) return Bad(what, "an arc reference is not an integer");
    bool reversed = index < 0;
    int64_t k = reversed ? ~index : index;
    if (k >= static_cast<int64_t>(arcs.size())) {
      return Bad(what, "arc reference " + std::to_string(index) + " out of range (" +
                           std::to_string(arcs.size()) + " arcs)");
    }
    const std::vector<LonLat>& arc = arcs[static_cast<size_t>(k)];
    size_t n = arc.size();
    for (size_t i = ring->empty() ? 0 : 1; i < n; ++i) {
      ring->push_back(reversed ? arc[n - 1 - i] : arc[i]);
    }
  }
  if (ring->size() < 2) return Bad(what, "a ring has fewer than 2 positions");
  return Status::Ok();
}

Status DecodePolygon(array rings, const std::vector<std::vector<LonLat>>& arcs,
                     std::string_view what, Polygon* polygon) {
  for (element ring_el : rings) {
    array refs;
    if (ring_el.get_array().get(refs)) return Bad(what, "a polygon ring is not an array");
    Ring ring;
    if (Status st = DecodeRing(refs, arcs, what, &ring); !st.ok()) return st;
    polygon->push_back(std::move(ring));
  }
  return Status::Ok();
}

Status DecodeGeometry(object g, const std::vector<std::vector<LonLat>>& arcs, std::string_view what,
                      std::vector<GeoFeature>* out) {
  element type_el;
  if (g["type"].get(type_el)) return Bad(what, "a geometry has no type");
  if (type_el.is_null()) return Status::Ok();  // A null geometry.
  std::string_view type;
  if (type_el.get_string().get(type)) return Bad(what, "a geometry type is not a string");
  if (type == "GeometryCollection") return Bad(what, "nested GeometryCollection");
  if (type != "Polygon" && type != "MultiPolygon") return Status::Ok();  // Not an outline.
  GeoFeature f;
  element id;
  if (!g["id"].get(id)) {
    std::string_view s;
    double d;
    if (!id.get_string().get(s)) {
      f.id = std::string(s);
    } else if (GetNumber(id, &d)) {
      f.id = std::to_string(static_cast<int64_t>(d));
    }
  }
  std::string_view name;
  if (!g.at_pointer("/properties/name").get_string().get(name)) f.name = std::string(name);
  array parts;
  if (g["arcs"].get_array().get(parts)) return Bad(what, "a " + std::string(type) + " has no arcs");
  if (type == "Polygon") {
    Polygon p;
    if (Status st = DecodePolygon(parts, arcs, what, &p); !st.ok()) return st;
    f.polygons.push_back(std::move(p));
  } else {
    for (element part : parts) {
      array rings;
      if (part.get_array().get(rings)) return Bad(what, "a MultiPolygon part is not an array");
      Polygon p;
      if (Status st = DecodePolygon(rings, arcs, what, &p); !st.ok()) return st;
      f.polygons.push_back(std::move(p));
    }
  }
  out->push_back(std::move(f));
  return Status::Ok();
}

}  // namespace

Result<std::vector<GeoFeature>> DecodeTopoJson(std::string_view json, std::string_view object_name,
                                               std::string_view what) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element doc;
  if (auto err = parser.parse(padded).get(doc)) {
    return Bad(what, std::string("malformed JSON: ") + simdjson::error_message(err));
  }
  std::string_view type;
  if (doc["type"].get_string().get(type) || type != "Topology") {
    return Bad(what, "not a TopoJSON Topology (no \"type\":\"Topology\")");
  }
  Transform t;
  element tr;
  if (!doc["transform"].get(tr)) {
    element scale, translate;
    if (tr["scale"].get(scale) || tr["translate"].get(translate) || !GetPair(scale, &t.sx, &t.sy) ||
        !GetPair(translate, &t.tx, &t.ty)) {
      return Bad(what, "transform needs scale and translate pairs");
    }
    t.quantized = true;
  }
  array arcs_el;
  if (doc["arcs"].get_array().get(arcs_el)) return Bad(what, "no arcs array");
  std::vector<std::vector<LonLat>> arcs;
  if (Status st = DecodeArcs(arcs_el, t, what, &arcs); !st.ok()) return st;

  object obj;
  if (doc["objects"][object_name].get_object().get(obj)) {
    return Bad(what, "no object \"" + std::string(object_name) + "\"");
  }
  std::vector<GeoFeature> out;
  std::string_view obj_type;
  if (obj["type"].get_string().get(obj_type)) return Bad(what, "the object has no type");
  if (obj_type == "GeometryCollection") {
    array geoms;
    if (obj["geometries"].get_array().get(geoms)) return Bad(what, "no geometries array");
    for (element g : geoms) {
      object go;
      if (g.get_object().get(go)) return Bad(what, "a geometry is not an object");
      if (Status st = DecodeGeometry(go, arcs, what, &out); !st.ok()) return st;
    }
  } else if (Status st = DecodeGeometry(obj, arcs, what, &out); !st.ok()) {
    return st;
  }
  return out;
}

Result<std::vector<GeoFeature>> ReadTopoJsonFile(const std::string& path,
                                                 std::string_view object_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read TopoJSON file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) return Status::IoError("reading " + path + " failed");
  return DecodeTopoJson(ss.str(), object_name, "file " + path);
}

}  // namespace stc::report
