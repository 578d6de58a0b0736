// TopoJSON decoding: the country outlines of the report's world map.
//
// TopoJSON (github.com/topojson/topojson-specification) stores shared
// boundaries once, as "arcs", and geometries as lists of arc indices. What is
// handled (docs/report.md):
//
// - `transform` {scale:[sx,sy], translate:[tx,ty]}: when present the arcs are
//   quantized and delta-encoded: the first position of an arc is absolute,
//   every next one is the difference from the previous one, and the position
//   (x, y) decodes to (x * sx + tx, y * sy + ty) degrees. Without a transform
//   positions are absolute degrees.
// - Arc references: index i >= 0 is arc i as stored; a negative index i is
//   arc ~i (= -i - 1) reversed. A ring is the concatenation of its arcs, the
//   first position of every arc after the first dropped (it repeats the last
//   position of the previous one).
// - Geometries of the named object (a GeometryCollection, or one geometry):
//   Polygon (rings: outer, then holes) and MultiPolygon. Points, lines and
//   null geometries are skipped (not outlines); a nested GeometryCollection
//   is a DataError.
// - `id` (string or number) and `properties.name` are kept when present.
//
// Thread-safety: functions of their arguments.
#ifndef STCLUSTER_REPORT_TOPOJSON_H_
#define STCLUSTER_REPORT_TOPOJSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace stc::report {

struct LonLat {
  double lon = 0;  // Degrees.
  double lat = 0;
  friend bool operator==(const LonLat&, const LonLat&) = default;
};

using Ring = std::vector<LonLat>;   // Closed: the last position equals the first.
using Polygon = std::vector<Ring>;  // Outer ring, then holes.
struct GeoFeature {
  std::string id;                 // "392" (ISO 3166 numeric in world-atlas); may be "".
  std::string name;               // properties.name; may be "".
  std::vector<Polygon> polygons;  // A Polygon geometry gives one.
};

// Decodes the object `object` ("countries") of the TopoJSON text `json`.
// `what` names the source in errors ("file countries-110m.json"). DataError
// for malformed JSON, a missing object or transform member of the wrong
// shape, an arc index out of range, or a ring with fewer than 2 positions.
Result<std::vector<GeoFeature>> DecodeTopoJson(std::string_view json, std::string_view object,
                                               std::string_view what);

// Reads and decodes a TopoJSON file. NotFound when unreadable, else as
// DecodeTopoJson.
Result<std::vector<GeoFeature>> ReadTopoJsonFile(const std::string& path, std::string_view object);

}  // namespace stc::report

#endif  // STCLUSTER_REPORT_TOPOJSON_H_
