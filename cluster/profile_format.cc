#include "cluster/profile_format.h"

#include <cmath>

#include "cluster/format_util.h"
#include "core/csv.h"

namespace stc::cluster {
namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string Pct(double fraction) { return Fixed(100.0 * fraction, 1) + "%"; }

std::string OptNum(const std::optional<double>& v, int decimals) {
  return v.has_value() ? Fixed(*v, decimals) : "null";
}

// "technology" for PCT fields, "subject" for article fields.
std::string FieldKind(Source s) {
  return s == Source::kPct ? "technology" : s == Source::kArticle ? "subject" : "other";
}

std::string ItemJson(const ProfileItem* item) {
  if (item == nullptr) return "null";
  return "{\"code\":" + JsonString(item->code) + ",\"name\":" + JsonString(item->name) +
         ",\"units\":\"" + FormatUnits(item->units) + "\",\"share\":" + Fixed(item->share, 6) + "}";
}

std::string ItemsJson(const std::vector<ProfileItem>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + ItemJson(&items[i]);
  return out + "]";
}

std::string EditionJson(const Ranking& r) {
  return "\"edition\":{\"name\":" + JsonString(r.edition.name) +
         ",\"description\":" + JsonString(r.edition.description) +
         ",\"settings\":" + JsonString(r.edition.Settings()) +
         "},\"cluster_map\":{\"version\":" + std::to_string(r.map_version) +
         ",\"edition\":" + JsonString(r.map_edition) + ",\"fingerprint\":\"" +
         Hex16(r.map_fingerprint) + "\"}";
}

std::string ClusterJson(const ClusterProfile& p) {
  std::string out =
      "{\"rank\":" + std::to_string(p.rank) + ",\"id\":" + std::to_string(p.id) +
      ",\"cluster\":" + JsonString(p.name) + ",\"economy\":" + JsonString(p.economy) +
      ",\"score\":" + Fixed(p.score, 6) + ",\"population\":" + std::to_string(p.population) +
      ",\"places\":" + std::to_string(p.places) + ",\"cells\":" + std::to_string(p.cells) +
      ",\"centre\":{\"lat\":" + Fixed(p.centre_lat_e5 / 1e5, 5) +
      ",\"lon\":" + Fixed(p.centre_lon_e5 / 1e5, 5) + "},\"radius_km\":" + Fixed(p.radius_km, 3);
  out += ",\"top\":{\"applicant\":" + ItemJson(p.TopApplicant()) +
         ",\"technology_field\":" + ItemJson(p.TopTechnologyField()) +
         ",\"scientific_organisation\":" + ItemJson(p.TopScientificOrg()) +
         ",\"scientific_field\":" + ItemJson(p.TopScientificField()) + "},\"metrics\":[";
  for (size_t m = 0; m < p.metrics.size(); ++m) {
    const MetricProfile& mp = p.metrics[m];
    out += std::string(m ? "," : "") + "{\"source\":\"" + std::string(SourceName(mp.source)) +
           "\",\"years\":[" + std::to_string(mp.year_from) + "," + std::to_string(mp.year_to) +
           "],\"units\":\"" + FormatUnits(mp.units) + "\",\"share_pct\":" + Fixed(mp.share_pct, 6) +
           ",\"growth\":" + OptNum(mp.growth, 6) + ",\"per_million\":" + OptNum(mp.per_million, 6) +
           ",\"year_units\":[";
    for (size_t y = 0; y < mp.year_units.size(); ++y) {
      out += std::string(y ? "," : "") + "{\"year\":" + std::to_string(mp.year_from + y) +
             ",\"units\":\"" + FormatUnits(mp.year_units[y]) + "\"}";
    }
    out += "],\"top_orgs\":" + ItemsJson(mp.top_orgs) +
           ",\"top_fields\":" + ItemsJson(mp.top_fields) + "}";
  }
  return out + "]}";
}

// One export row.
struct Row {
  const ClusterProfile* p;
  Source source;
  int32_t year;
  std::string kind, code, name;
  Units units, of;  // of: the cluster's units of the metric that year.
};

std::vector<Row> Rows(const ProfileSet& set) {
  std::vector<Row> rows;
  for (const ClusterProfile& p : set.profiles) {
    for (const MetricProfile& mp : p.metrics) {
      for (size_t y = 0; y < mp.year_units.size(); ++y) {
        const int32_t year = mp.year_from + static_cast<int32_t>(y);
        const Units all = mp.year_units[y];
        rows.push_back({&p, mp.source, year, "all", "", "", all, all});
        for (const FieldSeries& f : mp.fields) {
          if (y >= f.year_units.size() || f.year_units[y] == 0) continue;
          rows.push_back(
              {&p, mp.source, year, FieldKind(mp.source), f.code, f.name, f.year_units[y], all});
        }
      }
    }
  }
  return rows;
}

double Share(const Row& r) {
  return r.of > 0 ? static_cast<double>(r.units) / static_cast<double>(r.of) : 0;
}

std::string Comments(const ProfileSet& set) {
  const Ranking& r = set.ranking;
  std::string out = "# Cluster profiles: one row per cluster x metric x year x field\n";
  out += "# Edition " + r.edition.name + ": " + r.edition.description + "\n";
  out += "# Settings: " + r.edition.Settings() + "\n";
  out += "# Cluster map: version " + std::to_string(r.map_version) + ", delineated for " +
         (r.map_edition.empty() ? "?" : r.map_edition) + ", input fingerprint " +
         Hex16(r.map_fingerprint) + "\n";
  out +=
      "# Population: " +
      (set.population_source.empty() ? std::string("none (no gazetteer)") : set.population_source) +
      "\n";
  return out;
}

std::string ExportCsv(const ProfileSet& set) {
  std::string out = Comments(set);
  out +=
      "edition,rank,cluster_id,cluster,economy,population,metric,year,field_kind,field_code,"
      "field_name,units,share\n";
  const std::string edition = CsvText(set.ranking.edition.name);
  for (const Row& r : Rows(set)) {
    out += edition + "," + std::to_string(r.p->rank) + "," + std::to_string(r.p->id) + "," +
           CsvText(r.p->name) + "," + CsvText(r.p->economy) + "," +
           std::to_string(r.p->population) + "," + std::string(SourceName(r.source)) + "," +
           std::to_string(r.year) + "," + r.kind + "," + CsvText(r.code) + "," + CsvText(r.name) +
           "," + FormatUnits(r.units) + "," + Fixed(Share(r), 6) + "\n";
  }
  return out;
}

std::string ExportJson(const ProfileSet& set) {
  const Ranking& r = set.ranking;
  std::string out = "{\"format\":\"stcluster-profiles/1\"," + EditionJson(r) +
                    ",\"population_source\":" + JsonString(set.population_source) +
                    ",\"metrics\":[";
  for (size_t m = 0; m < r.edition.metrics.size(); ++m) {
    const MetricSpec& s = r.edition.metrics[m];
    out += std::string(m ? "," : "") + "{\"source\":\"" + std::string(SourceName(s.source)) +
           "\",\"title\":" + JsonString(std::string(s.Title())) + ",\"years\":[" +
           std::to_string(s.year_from) + "," + std::to_string(s.year_to) +
           "],\"weight\":" + Fixed(s.weight, 6) + ",\"world\":\"" +
           FormatUnits(m < r.world.size() ? r.world[m] : 0) + "\"}";
  }
  out += "],\"clusters\":[";
  for (size_t i = 0; i < set.profiles.size(); ++i) {
    out += std::string(i ? ",\n" : "\n") + ClusterJson(set.profiles[i]);
  }
  out += "],\"rows\":[";
  bool first = true;
  for (const Row& row : Rows(set)) {
    out += std::string(first ? "\n" : ",\n") + "{\"rank\":" + std::to_string(row.p->rank) +
           ",\"cluster_id\":" + std::to_string(row.p->id) + ",\"metric\":\"" +
           std::string(SourceName(row.source)) + "\",\"year\":" + std::to_string(row.year) +
           ",\"field_kind\":\"" + row.kind + "\",\"field_code\":" + JsonString(row.code) +
           ",\"field_name\":" + JsonString(row.name) + ",\"units\":\"" + FormatUnits(row.units) +
           "\",\"share\":" + Fixed(Share(row), 6) + "}";
    first = false;
  }
  return out + "]}\n";
}

std::string ItemText(const ProfileItem* item) {
  if (item == nullptr) return "-";
  std::string out = item->name.empty() ? item->code : item->name;
  if (!item->code.empty() && !item->name.empty() && item->code != item->name) {
    out += " [" + item->code + "]";
  }
  return out + " (" + Pct(item->share) + ")";
}

std::string ProfileText(const ProfileSet& set, const ClusterProfile& p) {
  const Ranking& r = set.ranking;
  std::string out = "#" + std::to_string(p.rank) + " " + p.name + " (" +
                    (p.economy.empty() ? "?" : p.economy) + "), cluster id " +
                    std::to_string(p.id) + "\n";
  out += "Edition " + r.edition.name + ": " + r.edition.description + "\n";
  out += "Settings: " + r.edition.Settings() + "\n";
  out += "Cluster map: version " + std::to_string(r.map_version) + ", input fingerprint " +
         Hex16(r.map_fingerprint) + "\n";
  out += "Footprint: " + std::to_string(p.cells) + " cells around " +
         Fixed(p.centre_lat_e5 / 1e5, 2) + ", " + Fixed(p.centre_lon_e5 / 1e5, 2) + ", radius " +
         Fixed(p.radius_km, 1) + " km\n";
  out += "Population: " +
         (p.population > 0 ? RoundedCount(p.population * kUnit) + " (" + std::to_string(p.places) +
                                 " gazetteer places; " + set.population_source + ")"
                           : std::string("unknown")) +
         "\n";
  out += "Size score: " + Fixed(p.score, 3) + "\n\n";
  out += "Top PCT applicant:           " + ItemText(p.TopApplicant()) + "\n";
  out += "Top technology field:        " + ItemText(p.TopTechnologyField()) + "\n";
  out += "Top scientific organisation: " + ItemText(p.TopScientificOrg()) + "\n";
  out += "Top scientific field:        " + ItemText(p.TopScientificField()) + "\n";
  for (const MetricProfile& mp : p.metrics) {
    MetricSpec spec;
    spec.source = mp.source;
    out += "\n" + std::string(spec.Title()) + " " + std::to_string(mp.year_from) + "-" +
           std::to_string(mp.year_to) + ": " + RoundedCount(mp.units) + " (" +
           Fixed(mp.share_pct, 2) + "% of the world";
    if (mp.per_million) out += ", " + Fixed(*mp.per_million, 1) + " per million inhabitants";
    out += ")\n";
    std::vector<std::vector<std::string>> rows = {{"Year", "Count", "Change"}};
    for (size_t y = 0; y < mp.year_units.size(); ++y) {
      std::string change;
      if (y > 0 && mp.year_units[y - 1] > 0) {
        double c =
            static_cast<double>(mp.year_units[y]) / static_cast<double>(mp.year_units[y - 1]) - 1.0;
        change = (c >= 0 ? "+" : "") + Fixed(100 * c, 1) + "%";
      }
      rows.push_back({std::to_string(mp.year_from + static_cast<int32_t>(y)),
                      Fixed(static_cast<double>(mp.year_units[y]) / kUnit, 1), change});
    }
    out += AlignColumns(rows, {false, false, false});
    out += "Growth (compound, per year): " +
           (mp.growth ? (*mp.growth >= 0 ? "+" : "") + Fixed(100 * *mp.growth, 1) + "%"
                      : std::string("n/a")) +
           "\n";
    if (!mp.top_orgs.empty()) {
      out += "Top organisations:\n";
      for (const ProfileItem& it : mp.top_orgs) out += "  " + ItemText(&it) + "\n";
    }
    if (!mp.top_fields.empty()) {
      out += "Top fields:\n";
      for (const ProfileItem& it : mp.top_fields) out += "  " + ItemText(&it) + "\n";
    }
  }
  return out;
}

}  // namespace

std::string FormatClusterProfile(const ProfileSet& set, const ClusterProfile& profile,
                                 ProfileFormat format) {
  if (format == ProfileFormat::kText) return ProfileText(set, profile);
  return "{" + EditionJson(set.ranking) +
         ",\"population_source\":" + JsonString(set.population_source) +
         ",\"cluster\":" + ClusterJson(profile) + "}\n";
}

std::string FormatProfileExport(const ProfileSet& set, ProfileFormat format) {
  return format == ProfileFormat::kJson ? ExportJson(set) : ExportCsv(set);
}

Result<const RankedCluster*> FindCluster(const Ranking& ranking, const std::string& query) {
  std::string q = query;
  if (!q.empty() && q[0] == '#') q = q.substr(1);
  auto all_digits = [](const std::string& s) {
    if (s.empty() || s.size() > 9) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    return true;
  };
  if (all_digits(q)) {
    int rank = std::stoi(q);
    for (const RankedCluster& r : ranking.rows)
      if (r.rank == rank) return &r;
    return Status::NotFound("no cluster ranked " + q + " (" + std::to_string(ranking.rows.size()) +
                            " ranked clusters)");
  }
  if (q.rfind("id:", 0) == 0 && all_digits(q.substr(3))) {
    int id = std::stoi(q.substr(3));
    for (const RankedCluster& r : ranking.rows)
      if (r.id == id) return &r;
    return Status::NotFound("no ranked cluster with id " + q.substr(3));
  }
  for (const RankedCluster& r : ranking.rows)
    if (r.name == query) return &r;
  const std::string lq = Lower(query);
  std::vector<const RankedCluster*> ci, contains;
  for (const RankedCluster& r : ranking.rows) {
    std::string ln = Lower(r.name);
    if (ln == lq) ci.push_back(&r);
    if (ln.find(lq) != std::string::npos) contains.push_back(&r);
  }
  const auto& c = !ci.empty() ? ci : contains;
  if (c.size() == 1) return c[0];
  if (c.empty()) return Status::NotFound("no ranked cluster named '" + query + "'");
  std::string names;
  for (size_t i = 0; i < c.size() && i < 10; ++i) {
    names += (i ? "; " : "") + std::string("#") + std::to_string(c[i]->rank) + " " + c[i]->name;
  }
  return Status::InvalidArgument("'" + query + "' matches " + std::to_string(c.size()) +
                                 " clusters: " + names);
}

}  // namespace stc::cluster
