#include "cluster/edition.h"

#include <cmath>
#include <cstdio>

#include "core/grid.h"

namespace stc::cluster {
namespace {

MetricSpec Metric(Source s, int32_t from, int32_t to) {
  MetricSpec m;
  m.source = s;
  m.year_from = from;
  m.year_to = to;
  return m;
}

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

std::string Edition::Settings() const {
  std::string out = "grid_deg=" + FormatE5(grid_step_e5) + " merge_km=" + Num(merge_km);
  for (const MetricSpec& m : metrics) {
    out += " " + std::string(SourceName(m.source)) + ":" + m.Years() + ":eps_km=" + Num(m.eps_km);
    if (m.min_weight > 0) out += ":min_weight=" + FormatUnits(m.min_weight);
    if (m.min_share > 0) out += ":min_share=" + Num(m.min_share);
  }
  out += " place_radius_km=" + Num(place_radius_km) +
         " max_name_places=" + std::to_string(max_name_places) +
         " name_min_ratio=" + Num(name_min_ratio) + " economy_min_share=" + Num(economy_min_share);
  return out;
}

std::vector<std::string> BuiltinEditionNames() { return {"gii2023", "gii2024", "gii2025"}; }

Result<Edition> BuiltinEdition(std::string_view name) {
  Edition e;
  e.name = std::string(name);
  if (name == "gii2023") {
    // Windows inferred (one year before GII 2024's); docs/clusters.md.
    e.description = "GII 2023: PCT applications published 2018-2022, articles 2017-2021";
    e.metrics = {Metric(Source::kPct, 2018, 2022), Metric(Source::kArticle, 2017, 2021)};
  } else if (name == "gii2024") {
    e.description = "GII 2024: PCT applications published 2019-2023, articles 2018-2022";
    e.metrics = {Metric(Source::kPct, 2019, 2023), Metric(Source::kArticle, 2018, 2022)};
  } else if (name == "gii2025") {
    e.description =
        "GII 2025: PCT applications 2020-2024, articles 2019-2023, VC deals 2020-2024 "
        "(windows extrapolated)";
    e.metrics = {Metric(Source::kPct, 2020, 2024), Metric(Source::kArticle, 2019, 2023),
                 Metric(Source::kVc, 2020, 2024)};
  } else {
    std::string known;
    for (const std::string& n : BuiltinEditionNames()) known += (known.empty() ? "" : ", ") + n;
    return Status::NotFound("unknown edition '" + std::string(name) + "' (built in: " + known +
                            ")");
  }
  return e;
}

}  // namespace stc::cluster
