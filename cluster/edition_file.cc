// Edition files (edition.h): JSON in, JSON out, validation.
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "cluster/edition.h"
#include "cluster/format_util.h"
#include "core/grid.h"

namespace stc::cluster {
namespace {

constexpr std::string_view kFormat = "stcluster-edition/1";

// Shortest text that reads back to the same double.
std::string Num(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string Quote(std::string_view v) { return JsonString(v); }

// Reads values of one JSON object, naming the path in errors.
class Reader {
 public:
  Reader(std::string what) : what_(std::move(what)) {}

  Status Error(const std::string& path, const std::string& why) const {
    return Status::DataError(what_ + ": " + path + ": " + why);
  }

  Status Double(simdjson::dom::element v, const std::string& path, double* out) const {
    double d;
    if (v.is_int64()) {
      d = static_cast<double>(int64_t(v));
    } else if (v.is_uint64()) {
      d = static_cast<double>(uint64_t(v));
    } else if (v.get_double().get(d) != simdjson::SUCCESS) {
      return Error(path, "expected a number");
    }
    if (!std::isfinite(d)) return Error(path, "expected a finite number");
    *out = d;
    return Status::Ok();
  }

  Status Int(simdjson::dom::element v, const std::string& path, int64_t lo, int64_t hi,
             int64_t* out) const {
    int64_t i;
    if (v.get_int64().get(i) != simdjson::SUCCESS) return Error(path, "expected an integer");
    if (i < lo || i > hi) {
      return Error(path, "must be in " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    *out = i;
    return Status::Ok();
  }

  Status String(simdjson::dom::element v, const std::string& path, std::string* out) const {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return Error(path, "expected a string");
    *out = std::string(s);
    return Status::Ok();
  }

 private:
  std::string what_;
};

Status ParseYears(const Reader& r, simdjson::dom::element v, const std::string& path,
                  MetricSpec* m) {
  int64_t from = 0, to = 0;
  simdjson::dom::array arr;
  std::string_view text;
  if (v.get_array().get(arr) == simdjson::SUCCESS) {
    if (arr.size() != 2) return r.Error(path, "expected [FIRST, LAST]");
    STC_RETURN_IF_ERROR(r.Int(arr.at(0), path + "[0]", 1900, 2200, &from));
    STC_RETURN_IF_ERROR(r.Int(arr.at(1), path + "[1]", 1900, 2200, &to));
  } else if (v.is_int64()) {
    STC_RETURN_IF_ERROR(r.Int(v, path, 1900, 2200, &from));
    to = from;
  } else if (v.get_string().get(text) == simdjson::SUCCESS) {
    auto dash = text.find('-');
    auto num = [](std::string_view s, int64_t* out) {
      auto res = std::from_chars(s.data(), s.data() + s.size(), *out);
      return res.ec == std::errc() && res.ptr == s.data() + s.size();
    };
    if (dash == std::string_view::npos) {
      if (!num(text, &from)) return r.Error(path, "expected \"FIRST-LAST\" or a year");
      to = from;
    } else if (!num(text.substr(0, dash), &from) || !num(text.substr(dash + 1), &to)) {
      return r.Error(path, "expected \"FIRST-LAST\" or a year");
    }
    if (from < 1900 || to > 2200) return r.Error(path, "years must be in 1900..2200");
  } else {
    return r.Error(path, "expected [FIRST, LAST], \"FIRST-LAST\" or a year");
  }
  if (from > to) return r.Error(path, "the first year is after the last");
  m->year_from = static_cast<int32_t>(from);
  m->year_to = static_cast<int32_t>(to);
  return Status::Ok();
}

Status ParseMetric(const Reader& r, simdjson::dom::element v, const std::string& path,
                   MetricSpec* m) {
  simdjson::dom::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return r.Error(path, "expected an object");
  bool has_source = false, has_years = false;
  for (auto [key, value] : obj) {
    const std::string p = path + "." + std::string(key);
    if (key == "source") {
      std::string s;
      STC_RETURN_IF_ERROR(r.String(value, p, &s));
      if (!ParseSource(s, &m->source)) return r.Error(p, "'" + s + "' is not pct, article or vc");
      has_source = true;
    } else if (key == "years") {
      STC_RETURN_IF_ERROR(ParseYears(r, value, p, m));
      has_years = true;
    } else if (key == "eps_km") {
      STC_RETURN_IF_ERROR(r.Double(value, p, &m->eps_km));
    } else if (key == "min_weight") {
      double records;
      STC_RETURN_IF_ERROR(r.Double(value, p, &records));
      if (records < 0 || records > 1e9) return r.Error(p, "must be in 0..1e9 records");
      m->min_weight = static_cast<Units>(std::llround(records * static_cast<double>(kUnit)));
    } else if (key == "min_share") {
      STC_RETURN_IF_ERROR(r.Double(value, p, &m->min_share));
    } else if (key == "weight") {
      STC_RETURN_IF_ERROR(r.Double(value, p, &m->weight));
    } else if (key == "exclude_fields") {
      simdjson::dom::array arr;
      if (value.get_array().get(arr) != simdjson::SUCCESS) {
        return r.Error(p, "expected an array of field codes");
      }
      m->exclude_fields.clear();
      size_t i = 0;
      for (simdjson::dom::element f : arr) {
        std::string s;
        STC_RETURN_IF_ERROR(r.String(f, p + "[" + std::to_string(i++) + "]", &s));
        m->exclude_fields.push_back(std::move(s));
      }
      std::sort(m->exclude_fields.begin(), m->exclude_fields.end());
      m->exclude_fields.erase(std::unique(m->exclude_fields.begin(), m->exclude_fields.end()),
                              m->exclude_fields.end());
    } else {
      return r.Error(p, "unknown key");
    }
  }
  if (!has_source) return r.Error(path + ".source", "missing");
  if (!has_years) return r.Error(path + ".years", "missing");
  return Status::Ok();
}

Status ParseNaming(const Reader& r, simdjson::dom::element v, Edition* e) {
  simdjson::dom::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return r.Error("naming", "expected an object");
  for (auto [key, value] : obj) {
    const std::string p = "naming." + std::string(key);
    if (key == "place_radius_km") {
      STC_RETURN_IF_ERROR(r.Double(value, p, &e->place_radius_km));
    } else if (key == "max_name_places") {
      int64_t n;
      STC_RETURN_IF_ERROR(r.Int(value, p, 1, 10, &n));
      e->max_name_places = static_cast<int>(n);
    } else if (key == "name_min_ratio") {
      STC_RETURN_IF_ERROR(r.Double(value, p, &e->name_min_ratio));
    } else if (key == "economy_min_share") {
      STC_RETURN_IF_ERROR(r.Double(value, p, &e->economy_min_share));
    } else {
      return r.Error(p, "unknown key");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Edition> ParseEdition(std::string_view json, std::string_view what) {
  const Reader r{std::string(what)};
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
    return Status::DataError(std::string(what) + ": not valid JSON (" +
                             simdjson::error_message(err) + ")");
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return Status::DataError(std::string(what) + ": expected a JSON object");
  }
  Edition e;
  bool has_format = false, has_name = false, has_metrics = false;
  for (auto [key, value] : obj) {
    const std::string p(key);
    if (key == "format") {
      std::string f;
      STC_RETURN_IF_ERROR(r.String(value, p, &f));
      if (f != kFormat) return r.Error(p, "expected \"" + std::string(kFormat) + "\"");
      has_format = true;
    } else if (key == "name") {
      STC_RETURN_IF_ERROR(r.String(value, p, &e.name));
      has_name = true;
    } else if (key == "description") {
      STC_RETURN_IF_ERROR(r.String(value, p, &e.description));
    } else if (key == "metrics") {
      simdjson::dom::array arr;
      if (value.get_array().get(arr) != simdjson::SUCCESS) {
        return r.Error(p, "expected an array of metrics");
      }
      size_t i = 0;
      for (simdjson::dom::element m : arr) {
        MetricSpec spec;
        STC_RETURN_IF_ERROR(ParseMetric(r, m, "metrics[" + std::to_string(i++) + "]", &spec));
        e.metrics.push_back(std::move(spec));
      }
      has_metrics = true;
    } else if (key == "grid_deg") {
      double deg;
      STC_RETURN_IF_ERROR(r.Double(value, p, &deg));
      double e5 = deg * 1e5;
      if (deg < 0 || deg > 1 || std::fabs(e5 - std::round(e5)) > 1e-6) {
        return r.Error(p, "must be 0 (the store's grid) or a multiple of 0.00001 up to 1");
      }
      e.grid_step_e5 = static_cast<int32_t>(std::llround(e5));
    } else if (key == "merge_km") {
      STC_RETURN_IF_ERROR(r.Double(value, p, &e.merge_km));
    } else if (key == "naming") {
      STC_RETURN_IF_ERROR(ParseNaming(r, value, &e));
    } else {
      return r.Error(p, "unknown key");
    }
  }
  if (!has_format) return r.Error("format", "missing (\"" + std::string(kFormat) + "\")");
  if (!has_name) return r.Error("name", "missing");
  if (!has_metrics) return r.Error("metrics", "missing");
  if (Status st = ValidateEdition(e); !st.ok()) {
    return Status::DataError(std::string(what) + ": " + st.message());
  }
  return e;
}

Status ValidateEdition(const Edition& e) {
  auto bad = [](const std::string& path, const std::string& why) {
    return Status::DataError(path + ": " + why);
  };
  if (e.name.empty() || e.name.size() > 64) return bad("name", "must be 1 to 64 characters");
  for (char c : e.name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return bad("name", "only letters, digits, '-', '_' and '.'");
  }
  if (e.metrics.empty()) return bad("metrics", "at least one metric");
  for (size_t m = 0; m < e.metrics.size(); ++m) {
    const MetricSpec& s = e.metrics[m];
    const std::string p = "metrics[" + std::to_string(m) + "]";
    for (size_t k = 0; k < m; ++k) {
      if (e.metrics[k].source == s.source) {
        return bad(p + ".source", "'" + std::string(SourceName(s.source)) + "' appears twice");
      }
    }
    if (s.year_from > s.year_to) return bad(p + ".years", "the first year is after the last");
    if (!(s.eps_km > 0 && s.eps_km <= 1000)) return bad(p + ".eps_km", "must be in (0, 1000]");
    if (!(s.min_share >= 0 && s.min_share < 1)) return bad(p + ".min_share", "must be in [0, 1)");
    if (s.min_weight < 0) return bad(p + ".min_weight", "must be >= 0");
    if (!(s.weight >= 0 && s.weight <= 1000)) return bad(p + ".weight", "must be in [0, 1000]");
  }
  if (e.grid_step_e5 < 0 || e.grid_step_e5 > 100000) {
    return bad("grid_deg", "must be 0 (the store's grid) or a multiple of 0.00001 up to 1");
  }
  if (!(e.merge_km >= 0 && e.merge_km <= 1000)) return bad("merge_km", "must be in [0, 1000]");
  if (!(e.place_radius_km > 0 && e.place_radius_km <= 500)) {
    return bad("naming.place_radius_km", "must be in (0, 500]");
  }
  if (e.max_name_places < 1 || e.max_name_places > 10) {
    return bad("naming.max_name_places", "must be in 1..10");
  }
  if (!(e.name_min_ratio >= 0 && e.name_min_ratio <= 1)) {
    return bad("naming.name_min_ratio", "must be in [0, 1]");
  }
  if (!(e.economy_min_share >= 0 && e.economy_min_share <= 1)) {
    return bad("naming.economy_min_share", "must be in [0, 1]");
  }
  return Status::Ok();
}

std::string EditionToJson(const Edition& e) {
  std::string out = "{\n  \"format\": \"" + std::string(kFormat) + "\",\n";
  out += "  \"name\": " + Quote(e.name) + ",\n";
  out += "  \"description\": " + Quote(e.description) + ",\n";
  out += "  \"metrics\": [";
  for (size_t m = 0; m < e.metrics.size(); ++m) {
    const MetricSpec& s = e.metrics[m];
    out += std::string(m ? "," : "") + "\n    {\"source\": \"" + std::string(SourceName(s.source)) +
           "\", \"years\": [" + std::to_string(s.year_from) + ", " + std::to_string(s.year_to) +
           "], \"weight\": " + Num(s.weight) + ", \"eps_km\": " + Num(s.eps_km) +
           ", \"min_weight\": " + FormatUnits(s.min_weight) +
           ", \"min_share\": " + Num(s.min_share) + ", \"exclude_fields\": [";
    for (size_t i = 0; i < s.exclude_fields.size(); ++i) {
      out += (i ? ", " : "") + Quote(s.exclude_fields[i]);
    }
    out += "]}";
  }
  out += "\n  ],\n";
  out += "  \"grid_deg\": " + FormatE5(e.grid_step_e5) + ",\n";
  out += "  \"merge_km\": " + Num(e.merge_km) + ",\n";
  out += "  \"naming\": {\"place_radius_km\": " + Num(e.place_radius_km) +
         ", \"max_name_places\": " + std::to_string(e.max_name_places) +
         ", \"name_min_ratio\": " + Num(e.name_min_ratio) +
         ", \"economy_min_share\": " + Num(e.economy_min_share) + "}\n}\n";
  return out;
}

Result<Edition> LoadEdition(const std::string& name_or_path) {
  for (const std::string& n : BuiltinEditionNames()) {
    if (n == name_or_path) return BuiltinEdition(n);
  }
  std::ifstream in(name_or_path, std::ios::binary);
  if (!in) {
    auto builtin = BuiltinEdition(name_or_path);  // NotFound listing the names.
    return Status::NotFound(builtin.status().message() + "; no edition file " + name_or_path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read edition file " + name_or_path);
  return ParseEdition(ss.str(), "edition file " + name_or_path);
}

}  // namespace stc::cluster
