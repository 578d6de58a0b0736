// stc_world_check --rejects: every injected fault of OUT/world/faults.jsonl
// is reported in the store's rejects log, and no good record is lost.
#include <simdjson.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

int FaultsCheck(const std::string& world, const std::string& rejects, int64_t stored_pct,
                int64_t stored_articles) {
  simdjson::dom::parser parser;
  // (file suffix, line) -> reason for every rejected record; files with a
  // file-level rejection.
  std::map<std::pair<std::string, int64_t>, std::string> rejected;
  std::map<std::string, std::string> file_errors;
  {
    std::ifstream in(rejects);
    if (!in) {
      std::cerr << "cannot read " << rejects << "\n";
      return 2;
    }
    std::string l;
    while (std::getline(in, l)) {
      simdjson::dom::element e;
      if (parser.parse(l).get(e)) continue;
      std::string file(e["file"].get_string().value_unsafe());
      std::string reason(e["reason"].get_string().value_unsafe());
      int64_t line = 0;
      if (e["line"].get_int64().get(line)) line = 0;
      if (line > 0) {
        rejected[{file, line}] = reason;
      } else {
        file_errors[file] = reason;
      }
    }
  }
  auto ends_with = [](const std::string& a, const std::string& b) {
    return a.size() >= b.size() && a.compare(a.size() - b.size(), b.size(), b) == 0;
  };
  auto find_line = [&](const std::string& file, int64_t line) -> std::string {
    for (const auto& [k, v] : rejected) {
      if (k.second == line && ends_with(k.first, file)) return v;
    }
    return "";
  };
  auto find_file = [&](const std::string& file) -> std::string {
    for (const auto& [k, v] : file_errors) {
      if (ends_with(k, file)) return v;
    }
    return "";
  };
  std::ifstream in(world + "/faults.jsonl");
  std::string l;
  int failures = 0;
  std::map<std::string, int> kinds;
  while (std::getline(in, l)) {
    simdjson::dom::element e;
    if (parser.parse(l).get(e)) {
      std::cerr << "bad faults line: " << l << "\n";
      return 2;
    }
    std::string kind(e["kind"].get_string().value_unsafe());
    std::string file(e["file"].get_string().value_unsafe());
    int64_t line = e["line"].get_int64().value_unsafe();
    ++kinds[kind];
    std::string want;
    std::string got;
    if (kind == "malformed_line") {
      want = "malformed_json";
      got = find_line(file, line);
    } else if (kind == "bad_coordinates") {
      want = "bad_coordinates";
      got = find_line(file, line);
    } else if (kind == "truncated_file") {
      want = "truncated_stream";
      got = find_file(file);
      if (got == "bad_compression") got = want;
    } else {
      continue;  // unknown_place: kept, unlocated (counted below).
    }
    if (got != want) {
      ++failures;
      std::cout << "FAIL: " << kind << " at " << file << ":" << line << " reported as '" << got
                << "'\n";
    }
  }
  for (const auto& [k, n] : kinds) std::cout << "injected " << k << ": " << n << "\n";
  // Expected records in the store.
  std::ifstream t(world + "/truth.csv");
  int64_t expected_pct = -1, expected_articles = -1;
  while (std::getline(t, l)) {
    if (l.rfind("expected,", 0) == 0) {
      size_t a = l.find(',', 9);
      expected_pct = std::stoll(l.substr(9, a - 9));
      expected_articles = std::stoll(l.substr(a + 1, l.find(',', a + 1) - a - 1));
    }
  }
  std::cout << "stored PCT " << stored_pct << " (expected " << expected_pct << "), articles "
            << stored_articles << " (expected " << expected_articles << ")\n";
  if (stored_pct != expected_pct || stored_articles != expected_articles) {
    ++failures;
    std::cout << "FAIL: stored records differ from the good records written\n";
  }
  std::cout << (failures == 0 ? "FAULTS OK" : "FAULTS FAILED") << "\n";
  return failures == 0 ? 0 : 1;
}
