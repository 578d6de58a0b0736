#include "report/render_util.h"

#include <algorithm>
#include <cstdio>

namespace stc::report {
namespace {

// Twelve colours distinguishable on a light map (ColorBrewer Paired, reordered
// so that the first ones differ most).
constexpr const char* kPalette[] = {"#e31a1c", "#1f78b4", "#33a02c", "#ff7f00",
                                    "#6a3d9a", "#b15928", "#a6cee3", "#fb9a99",
                                    "#b2df8a", "#fdbf6f", "#cab2d6", "#ffd92f"};
constexpr const char* kMetricPalette[] = {"#1f78b4", "#ff7f00", "#33a02c", "#6a3d9a"};

}  // namespace

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string RoundedCount(Units u) {
  Units whole = (u + kUnit / 2) / kUnit;
  std::string digits = std::to_string(whole), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Records(Units u) {
  if (u < 100 * kUnit) return Fixed(static_cast<double>(u) / kUnit, 1);
  return RoundedCount(u);
}

std::string LeadingEconomy(std::string_view economy) {
  return std::string(economy.substr(0, economy.find('/')));
}

EconomyColours::EconomyColours(const cluster::Ranking& ranking, int top) {
  constexpr size_t kColours = sizeof kPalette / sizeof kPalette[0];
  int other = 0;
  for (const auto& [code, n] : cluster::EconomyCounts(ranking, top)) {
    if (legend_.size() < kColours) {
      legend_.push_back({code, kPalette[legend_.size()], n});
      colour_.emplace(code, legend_.back().colour);
    } else {
      other += n;
    }
  }
  if (other > 0) legend_.push_back({"", kOtherColour, other});
}

const char* EconomyColours::Of(std::string_view economy) const {
  auto it = colour_.find(LeadingEconomy(economy));
  return it == colour_.end() ? kOtherColour : it->second;
}

const char* MetricColour(size_t m) {
  return kMetricPalette[m % (sizeof kMetricPalette / sizeof kMetricPalette[0])];
}

size_t ShownRows(const cluster::Ranking& ranking, int top) {
  return std::min(ranking.rows.size(), static_cast<size_t>(std::max(top, 0)));
}

}  // namespace stc::report
