#include "cluster/naming.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

#include "cluster/geo_math.h"

namespace stc::cluster {
namespace {

constexpr char kEnDash[] = "\xE2\x80\x93";  // U+2013.

struct PlaceActivity {
  PlaceInfo place;
  double activity = 0;
};

std::string JoinNames(const std::vector<PlaceActivity>& chosen) {
  bool all_us = true;
  std::string state;
  bool one_state = true;
  for (const PlaceActivity& p : chosen) {
    if (p.place.country != "US") all_us = false;
    if (state.empty()) state = p.place.admin1;
    if (p.place.admin1 != state) one_state = false;
  }
  std::string out;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const PlaceInfo& p = chosen[i].place;
    if (i > 0) out += kEnDash;
    out += p.name;
    bool us_state = p.country == "US" && !p.admin1.empty();
    if (us_state && !(all_us && one_state)) out += ", " + p.admin1;
  }
  if (all_us && one_state && !state.empty()) out += ", " + state;
  return out;
}

}  // namespace

std::string CoordinateName(int32_t lat_e5, int32_t lon_e5) {
  auto part = [](int32_t v, char pos, char neg) {
    int64_t hundredths = (std::llabs(static_cast<int64_t>(v)) + 500) / 1000;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%02lld%c", static_cast<long long>(hundredths / 100),
                  static_cast<long long>(hundredths % 100), v < 0 ? neg : pos);
    return std::string(buf);
  };
  return part(lat_e5, 'N', 'S') + " " + part(lon_e5, 'E', 'W');
}

void NameClusters(const DelineationData& data, const PlaceLookup* places, ClusterMap* map) {
  const Edition& ed = data.edition;
  const Grid grid(data.grid_step_e5);
  struct Work {
    std::map<std::string, PlaceActivity> places;  // Key: name|country|admin1.
    std::map<std::string, double> countries;
    double best_cell_activity = -1;
    Cell best_cell;
  };
  std::map<int32_t, Work> work;
  const size_t n = data.cells.size();
  std::vector<int32_t> cluster_of_cell(n, 0);
  const ClusterMap& cmap = *map;
  for (size_t i = 0; i < n; ++i) {
    cluster_of_cell[i] =
        cmap.ClusterAt(grid.CentreLatE5(data.cells[i]), grid.CentreLonE5(data.cells[i]));
  }
  // The principal places of a chunk of cells are looked up on every core
  // (a radius search each: most of the naming's time on fine grids), then
  // added up in cell order.
  constexpr size_t kChunk = size_t{1} << 15;
  std::vector<std::optional<PlaceInfo>> found;
  for (size_t begin = 0; begin < n; begin += kChunk) {
    const size_t end = std::min(n, begin + kChunk);
    found.assign(end - begin, std::nullopt);
    if (places != nullptr) {
      tbb::parallel_for(
          tbb::blocked_range<size_t>(begin, end, 256), [&](const tbb::blocked_range<size_t>& r) {
            for (size_t i = r.begin(); i != r.end(); ++i) {
              const ClusterInfo* info = cmap.Find(cluster_of_cell[i]);
              if (info == nullptr || info->name_pinned) continue;
              found[i - begin] =
                  places->PrincipalPlace(grid.CentreLatE5(data.cells[i]),
                                         grid.CentreLonE5(data.cells[i]), ed.place_radius_km);
            }
          });
    }
    for (size_t i = begin; i < end; ++i) {
      const int32_t id = cluster_of_cell[i];
      if (id == 0 || cmap.Find(id) == nullptr) continue;
      Work& w = work[id];
      const double a = data.Activity(i);
      if (a > w.best_cell_activity) {  // Cells come sorted: ties keep the first.
        w.best_cell_activity = a;
        w.best_cell = data.cells[i];
      }
      const std::optional<PlaceInfo>& p = found[i - begin];
      if (!p.has_value()) continue;
      std::string key = p->name + "|" + p->country + "|" + p->admin1;
      PlaceActivity& pa = w.places[key];
      if (pa.place.name.empty()) pa.place = *p;
      pa.activity += a;
    }
  }
  for (const auto& cu : data.countries) {
    const int32_t id = cluster_of_cell[cu.cell];
    if (id == 0 || cu.country[0] == 0 || data.world[cu.metric] <= 0) continue;
    work[id].countries[std::string(cu.country, 2)] +=
        static_cast<double>(cu.units) / static_cast<double>(data.world[cu.metric]);
  }

  for (ClusterInfo& c : map->clusters) {
    Work& w = work[c.id];
    if (!c.name_pinned) {
      std::vector<PlaceActivity> ranked;
      for (auto& [key, pa] : w.places) ranked.push_back(pa);
      std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        if (a.activity != b.activity) return a.activity > b.activity;
        if (a.place.population != b.place.population)
          return a.place.population > b.place.population;
        return a.place.name < b.place.name;
      });
      std::vector<PlaceActivity> chosen;
      for (const PlaceActivity& pa : ranked) {
        if (static_cast<int>(chosen.size()) >= std::max(1, ed.max_name_places)) break;
        if (!chosen.empty() && pa.activity < ed.name_min_ratio * chosen.front().activity) break;
        bool same_name = false;
        for (const PlaceActivity& x : chosen) same_name |= x.place.name == pa.place.name;
        if (!same_name) chosen.push_back(pa);
      }
      if (!chosen.empty()) {
        c.name = JoinNames(chosen);
      } else if (w.best_cell_activity >= 0) {
        c.name = CoordinateName(grid.CentreLatE5(w.best_cell), grid.CentreLonE5(w.best_cell));
      } else {
        c.name = CoordinateName(c.centre_lat_e5, c.centre_lon_e5);
      }
    }
    if (c.name_pinned && !c.economy.empty()) continue;
    double total = 0;
    for (const auto& [code, a] : w.countries) total += a;
    std::vector<std::pair<std::string, double>> shares(w.countries.begin(), w.countries.end());
    std::stable_sort(shares.begin(), shares.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    c.economy.clear();
    for (const auto& [code, a] : shares) {
      if (total <= 0 || a < ed.economy_min_share * total) break;
      if (!c.economy.empty()) c.economy += "/";
      c.economy += code;
    }
  }
}

Status ApplyNameOverrides(std::string_view text, std::string_view what, double radius_km,
                          ClusterMap* map, std::vector<std::string>* unmatched) {
  const Grid grid(map->grid_step_e5);
  std::vector<std::string> f;
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    auto fail = [&](const std::string& why) {
      return Status::DataError(std::string(what) + ", line " + std::to_string(line_no) + ": " +
                               why);
    };
    if (!SplitCsvLine(line, &f)) return fail("unterminated quote");
    if (f[0] == "lat") continue;  // Header row.
    int32_t lat = 0, lon = 0;
    if (f.size() < 3 || f.size() > 4 || !ParseDegreesE5(f[0], 90, &lat) ||
        !ParseDegreesE5(f[1], 180, &lon) || f[2].empty()) {
      return fail("expected lat,lon,name[,economy] (degrees, a non-empty name)");
    }
    int32_t id = map->ClusterAt(lat, lon);
    if (id == 0) {  // The nearest cluster cell within the radius.
      const double limit = Chord2Limit(radius_km);
      const UnitVec p = ToUnitVec(lat, lon);
      double best = limit;
      for (const auto& [cell, cid] : map->cells) {
        double d = Chord2(p, ToUnitVec(grid.CentreLatE5(cell), grid.CentreLonE5(cell)));
        if (d <= best && (id == 0 || d < best)) {
          best = d;
          id = cid;
        }
      }
    }
    ClusterInfo* c = id ? map->Find(id) : nullptr;
    if (c == nullptr) {
      unmatched->push_back(std::string(what) + ", line " + std::to_string(line_no) + ": " + f[0] +
                           "," + f[1] + " (" + f[2] + "): no cluster within " +
                           std::to_string(static_cast<int>(radius_km)) + " km");
      continue;
    }
    c->name = f[2];
    c->name_pinned = true;
    if (f.size() == 4 && !f[3].empty()) c->economy = f[3];
  }
  return Status::Ok();
}

}  // namespace stc::cluster
