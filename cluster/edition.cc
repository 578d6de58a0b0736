#include "cluster/edition.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/grid.h"

namespace stc::cluster {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string_view MetricSpec::Title() const {
  switch (source) {
    case Source::kPct:
      return "PCT applications";
    case Source::kArticle:
      return "Scientific publications";
    case Source::kVc:
      return "VC deals";
  }
  return "?";
}

std::string MetricSpec::Years() const {
  return std::to_string(year_from) + "-" + std::to_string(year_to);
}

Units MetricSpec::Threshold(Units world) const {
  auto share = static_cast<Units>(std::ceil(min_share * static_cast<double>(world)));
  return std::max(min_weight, share);
}

bool MetricSpec::Counts(std::string_view field) const {
  return !std::binary_search(exclude_fields.begin(), exclude_fields.end(), field);
}

int Edition::MetricIndex(Source source) const {
  for (size_t m = 0; m < metrics.size(); ++m)
    if (metrics[m].source == source) return static_cast<int>(m);
  return -1;
}

std::string Edition::Settings() const {
  std::string out = "grid_deg=" + FormatE5(grid_step_e5) + " merge_km=" + Num(merge_km);
  for (const MetricSpec& m : metrics) {
    out += " " + std::string(SourceName(m.source)) + ":" + m.Years() + ":eps_km=" + Num(m.eps_km);
    if (m.min_weight > 0) out += ":min_weight=" + FormatUnits(m.min_weight);
    if (m.min_share > 0) out += ":min_share=" + Num(m.min_share);
    if (m.weight != 1.0) out += ":weight=" + Num(m.weight);
    if (!m.exclude_fields.empty()) {
      out += ":exclude_fields=";
      for (size_t i = 0; i < m.exclude_fields.size(); ++i)
        out += (i ? "+" : "") + m.exclude_fields[i];
    }
  }
  out += " place_radius_km=" + Num(place_radius_km) +
         " max_name_places=" + std::to_string(max_name_places) +
         " name_min_ratio=" + Num(name_min_ratio) + " economy_min_share=" + Num(economy_min_share);
  return out;
}

namespace {

// The built-in editions, in the edition file format (docs/clusters.md).
// Settings they leave out take the defaults of edition.h.
struct BuiltinText {
  const char* name;
  const char* json;
};

constexpr BuiltinText kBuiltins[] = {
    // Windows inferred (one year before GII 2024's); docs/clusters.md.
    {"gii2023", R"json({
  "format": "stcluster-edition/1",
  "name": "gii2023",
  "description": "GII 2023: PCT applications published 2018-2022, articles 2017-2021",
  "metrics": [
    {"source": "pct", "years": [2018, 2022]},
    {"source": "article", "years": [2017, 2021]}
  ]
})json"},
    {"gii2024", R"json({
  "format": "stcluster-edition/1",
  "name": "gii2024",
  "description": "GII 2024: PCT applications published 2019-2023, articles 2018-2022",
  "metrics": [
    {"source": "pct", "years": [2019, 2023]},
    {"source": "article", "years": [2018, 2022]}
  ]
})json"},
    {"gii2025", R"json({
  "format": "stcluster-edition/1",
  "name": "gii2025",
  "description": "GII 2025: PCT applications 2020-2024, articles 2019-2023, VC deals 2020-2024 (windows extrapolated)",
  "metrics": [
    {"source": "pct", "years": [2020, 2024]},
    {"source": "article", "years": [2019, 2023]},
    {"source": "vc", "years": [2020, 2024]}
  ]
})json"},
};

}  // namespace

std::vector<std::string> BuiltinEditionNames() {
  std::vector<std::string> out;
  for (const BuiltinText& b : kBuiltins) out.emplace_back(b.name);
  return out;
}

Result<Edition> BuiltinEdition(std::string_view name) {
  for (const BuiltinText& b : kBuiltins) {
    if (name == b.name) return ParseEdition(b.json, "built-in edition " + std::string(name));
  }
  std::string known;
  for (const std::string& n : BuiltinEditionNames()) known += (known.empty() ? "" : ", ") + n;
  return Status::NotFound("unknown edition '" + std::string(name) + "' (built in: " + known + ")");
}

}  // namespace stc::cluster
