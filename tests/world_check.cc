// stc_world_check: compares a ranking of the synthetic GII 2023 world with
// the published table (the fidelity conditions of issue 6), and, with
// --faults, checks that every injected fault was reported.
//
//   stc_world_check --world OUT/world --map MAP.csv --ranking RANK.json
//   stc_world_check --world OUT/world --rejects STORE/rejects.jsonl --stored-pct N
//   --stored-articles N
//
// Prints the published and reproduced tables side by side; exit 0 when
// every condition holds, 1 otherwise, 2 on bad input.
#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool ReadLines(const std::string& path, std::vector<std::string>* lines) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return false;
  }
  std::string l;
  while (std::getline(in, l)) lines->push_back(l);
  return true;
}

struct Truth {
  int rank = 0;
  std::string name, economy;
  double pct_target = 0, pub_target = 0, pct_share = 0, pub_share = 0, total = 0;
};

struct Ranked {
  int rank = 0;
  int64_t id = 0;
  std::string name, economy;
  double units[2] = {0, 0}, share[2] = {0, 0}, total = 0;
};

// Grid snap as core/grid.h: nearest node, ties up.
int64_t Snap(double deg, int64_t step_e5) {
  int64_t v = std::llround(deg * 1e5);
  int64_t x = v + step_e5 / 2;
  int64_t q = x / step_e5;
  if (x % step_e5 != 0 && x < 0) --q;
  return q;
}

int Fidelity(const std::string& world, const std::string& map_path, const std::string& rank_path) {
  std::vector<std::string> lines;
  if (!ReadLines(world + "/truth.csv", &lines)) return 2;
  double world_total[2] = {0, 0};
  std::vector<Truth> truth;
  for (const std::string& l : lines) {
    if (l.empty() || l[0] == '#' || l.rfind("rank,", 0) == 0) continue;
    auto f = SplitCsv(l);
    if (f[0] == "world") {
      world_total[0] = std::stod(f[1]);
      world_total[1] = std::stod(f[2]);
      continue;
    }
    if (f[0] == "expected") continue;
    Truth t;
    t.rank = std::stoi(f[0]);
    if (t.rank > 34) continue;
    t.name = f[1];
    t.economy = f[2];
    t.pct_target = std::stod(f[5]);
    t.pub_target = std::stod(f[6]);
    t.pct_share = std::stod(f[7]);
    t.pub_share = std::stod(f[8]);
    t.total = std::stod(f[9]);
    truth.push_back(t);
  }
  // The cluster map: cell -> id.
  lines.clear();
  if (!ReadLines(map_path, &lines)) return 2;
  int64_t step = 1000;
  std::map<std::pair<int64_t, int64_t>, int64_t> cell_id;
  for (const std::string& l : lines) {
    auto f = SplitCsv(l);
    if (f[0] == "grid_deg") step = std::llround(std::stod(f[1]) * 1e5);
    if (f[0] == "cell" && f.size() >= 4) {
      cell_id[{Snap(std::stod(f[1]), step), Snap(std::stod(f[2]), step)}] = std::stoll(f[3]);
    }
  }
  // Sites of each published cluster -> the cluster ids their cells are in.
  lines.clear();
  if (!ReadLines(world + "/sites.csv", &lines)) return 2;
  std::map<int, std::map<int64_t, int>> ids_of;  // rank -> id -> sites.
  std::map<int, int> unmapped;
  for (const std::string& l : lines) {
    auto f = SplitCsv(l);
    if (f.size() < 3) continue;
    int r = std::stoi(f[0]);
    auto it = cell_id.find({Snap(std::stod(f[1]), step), Snap(std::stod(f[2]), step)});
    if (it == cell_id.end()) {
      ++unmapped[r];
    } else {
      ++ids_of[r][it->second];
    }
  }
  // The ranking.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.load(rank_path).get(doc)) {
    std::cerr << "cannot parse " << rank_path << "\n";
    return 2;
  }
  double store_world[2] = {0, 0};
  for (simdjson::dom::element m : doc["metrics"].get_array()) {
    std::string_view src = m["source"].get_string().value();
    std::string_view w = m["world"].get_string().value();
    store_world[src == "pct" ? 0 : 1] = std::stod(std::string(w));
  }
  std::map<int64_t, Ranked> by_id;
  int64_t clusters = 0;
  for (simdjson::dom::element c : doc["clusters"].get_array()) {
    Ranked r;
    r.rank = static_cast<int>(c["rank"].get_int64().value());
    r.id = c["id"].get_int64().value();
    r.name = std::string(c["cluster"].get_string().value());
    r.economy = std::string(c["economy"].get_string().value());
    r.total = c["total"].get_double().value();
    for (simdjson::dom::element m : c["metrics"].get_array()) {
      int k = m["source"].get_string().value() == "pct" ? 0 : 1;
      r.units[k] = std::stod(std::string(m["units"].get_string().value()));
      r.share[k] = m["share_pct"].get_double().value();
    }
    by_id[r.id] = r;
    ++clusters;
  }
  int failures = 0;
  auto fail = [&](const std::string& why) {
    ++failures;
    std::cout << "FAIL: " << why << "\n";
  };
  std::printf("%-4s %-30s %-5s | %-4s %-34s %-6s | %9s %9s %5s %5s | %9s %9s %5s %5s | %5s %5s\n",
              "rank", "published", "econ", "ours", "reproduced", "econ", "PCT pub", "PCT ours",
              "%pub", "%ours", "art pub", "art ours", "%pub", "%ours", "total", "ours");
  std::set<int64_t> used;
  std::vector<int> ranks;
  for (const Truth& t : truth) {
    const auto& ids = ids_of[t.rank];
    int64_t id = 0;
    int best = 0;
    for (auto [i, n] : ids) {
      if (n > best) best = n, id = i;
    }
    if (ids.size() != 1) {
      fail(t.name + ": its sites fall in " + std::to_string(ids.size()) + " clusters");
    }
    if (id != 0 && !used.insert(id).second) fail(t.name + ": shares its cluster with another");
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      fail(t.name + ": not found in the ranking");
      ranks.push_back(1 << 30);
      continue;
    }
    const Ranked& r = it->second;
    ranks.push_back(r.rank);
    std::printf(
        "%-4d %-30.30s %-5s | %-4d %-34.34s %-6s | %9.1f %9.1f %5.1f %5.2f | %9.1f %9.1f "
        "%5.1f %5.2f | %5.1f %5.2f\n",
        t.rank, t.name.c_str(), t.economy.c_str(), r.rank, r.name.c_str(), r.economy.c_str(),
        t.pct_target, r.units[0], t.pct_share, r.share[0], t.pub_target, r.units[1], t.pub_share,
        r.share[1], t.total, r.total);
    for (int k = 0; k < 2; ++k) {
      double pub = k == 0 ? t.pct_share : t.pub_share;
      if (std::abs(r.share[k] - pub) > 0.1 + 1e-9) {
        fail(t.name + (k == 0 ? ": PCT" : ": article") + " share " + std::to_string(r.share[k]) +
             " vs published " + std::to_string(pub));
      }
    }
  }
  // Order: published order except between equal published totals; the 34
  // take the first 34 ranks.
  for (size_t i = 0; i < truth.size(); ++i) {
    if (ranks[i] > static_cast<int>(truth.size())) {
      fail(truth[i].name + " ranks " + std::to_string(ranks[i]) + ", below the published 34");
    }
    for (size_t j = i + 1; j < truth.size(); ++j) {
      bool tie = std::abs(truth[i].total - truth[j].total) < 1e-9;
      if (!tie && ranks[i] > ranks[j]) {
        fail(truth[i].name + " ranks below " + truth[j].name);
      }
    }
  }
  for (int k = 0; k < 2; ++k) {
    std::printf("world %s: target %.1f, store %.1f\n", k == 0 ? "PCT" : "articles", world_total[k],
                store_world[k]);
    if (std::abs(store_world[k] - world_total[k]) > 1.0) {
      fail(std::string("world total of ") + (k == 0 ? "PCT" : "articles") + " differs");
    }
  }
  std::printf("clusters ranked: %lld (published: 34)\n", static_cast<long long>(clusters));
  if (clusters < 100) fail("fewer than 100 clusters");
  for (auto [r, n] : unmapped) {
    if (n > 0) std::printf("note: cluster %d has %d sites without a mapped cell\n", r, n);
  }
  std::printf("%s (%d failures)\n", failures == 0 ? "FIDELITY OK" : "FIDELITY FAILED", failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int FaultsCheck(const std::string& world, const std::string& rejects, int64_t stored_pct,
                int64_t stored_articles);

int main(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 1; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
  if (a.count("--world") && a.count("--map") && a.count("--ranking")) {
    return Fidelity(a["--world"], a["--map"], a["--ranking"]);
  }
  if (a.count("--world") && a.count("--rejects")) {
    return FaultsCheck(a["--world"], a["--rejects"], std::atoll(a["--stored-pct"].c_str()),
                       std::atoll(a["--stored-articles"].c_str()));
  }
  std::cerr << "usage: stc_world_check --world DIR (--map F --ranking F.json | --rejects F "
               "--stored-pct N --stored-articles N)\n";
  return 2;
}
