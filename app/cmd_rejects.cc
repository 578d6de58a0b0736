// The `rejects` subcommand: a summary of a store's rejects log
// (pipeline/rejects_log.h: JSON Lines with run, file, offset, line, reason,
// detail, prefix), parsed with simdjson DOM. A malformed log line is counted
// and reported, never fatal. Reads the file only (not the store), so it works
// while an ingest runs.
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/command.h"
#include "pipeline/rejects_log.h"

namespace stc {
namespace {

namespace fs = std::filesystem;

// Longer log lines are reported as malformed and skipped (ours are < 2 KB).
constexpr size_t kMaxLineBytes = size_t{1} << 20;

struct RejectsArgs {
  std::string db;
  std::string log;  // Overrides DIR/rejects.jsonl (ingest --rejects FILE).
  std::string run;
  bool last = false;
  bool json = false;
  size_t top = 10;
};

struct Entry {
  std::string run, file, reason, detail;
  uint64_t offset = 0, line = 0;
};

struct Malformed {
  uint64_t line_no = 0;
  std::string why;
};

// Reads lines of at most kMaxLineBytes; longer ones are skipped and flagged.
class LineReader {
 public:
  explicit LineReader(std::FILE* f) : f_(f) {}
  // False at the end of the file. `*too_long` when the line was cut.
  bool Next(std::string* line, bool* too_long) {
    line->clear();
    *too_long = false;
    bool any = false;
    int c;
    while ((c = std::getc(f_)) != EOF) {
      any = true;
      if (c == '\n') return true;
      if (line->size() < kMaxLineBytes) {
        line->push_back(static_cast<char>(c));
      } else {
        *too_long = true;
      }
    }
    return any;
  }

 private:
  std::FILE* f_;
};

// Parses one log line; "" on success, else why it is malformed.
std::string ParseEntry(simdjson::dom::parser& parser, const std::string& line, Entry* e) {
  simdjson::dom::element doc;
  if (auto err = parser.parse(line.data(), line.size(), true).get(doc)) {
    return std::string("not JSON: ") + simdjson::error_message(err);
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return "not a JSON object";
  auto text = [&](const char* name, std::string* out, bool required) -> std::string {
    std::string_view v;
    auto field = obj[name];
    if (field.error() == simdjson::NO_SUCH_FIELD && !required) return "";
    if (field.get_string().get(v)) return std::string("no string \"") + name + "\"";
    out->assign(v);
    return "";
  };
  auto number = [&](const char* name, uint64_t* out) -> std::string {
    auto field = obj[name];
    if (field.error() == simdjson::NO_SUCH_FIELD) return "";
    if (field.get_uint64().get(*out)) return std::string("\"") + name + "\" is not a count";
    return "";
  };
  for (std::string why : {text("run", &e->run, true), text("reason", &e->reason, true),
                          text("file", &e->file, false), text("detail", &e->detail, false),
                          number("offset", &e->offset), number("line", &e->line)}) {
    if (!why.empty()) return why;
  }
  return "";
}

struct Summary {
  std::string path;
  uint64_t lines = 0;
  uint64_t entries = 0;  // Well-formed entries selected.
  uint64_t malformed = 0;
  std::vector<Malformed> malformed_examples;
  std::vector<std::pair<std::string, uint64_t>> runs;  // Every run, first-seen order.
  std::string last_run;                                // The run of the last entry.
  std::map<std::string, uint64_t> reasons, files;      // Of the selection.
  std::vector<Entry> examples;                         // First `top` of the selection.
};

// Scans the log; `select` picks the entries summarised (every run when empty).
Status Scan(const std::string& path, const std::string& select, size_t top, Summary* s) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status::IoError("cannot read rejects log " + path + ": " + std::strerror(errno));
  }
  simdjson::dom::parser parser;
  LineReader reader(f);
  std::string line;
  bool too_long = false;
  std::map<std::string, size_t> run_index;
  Entry e;
  while (reader.Next(&line, &too_long)) {
    ++s->lines;
    if (line.empty() && !too_long) continue;
    e = Entry();
    std::string why = too_long ? "longer than 1 MiB" : ParseEntry(parser, line, &e);
    if (!why.empty()) {
      ++s->malformed;
      if (s->malformed_examples.size() < top) s->malformed_examples.push_back({s->lines, why});
      continue;
    }
    s->last_run = e.run;
    auto [it, inserted] = run_index.try_emplace(e.run, s->runs.size());
    if (inserted) s->runs.emplace_back(e.run, 0);
    ++s->runs[it->second].second;
    if (!select.empty() && e.run != select) continue;
    ++s->entries;
    ++s->reasons[e.reason];
    ++s->files[e.file];
    if (s->examples.size() < top) s->examples.push_back(e);
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::IoError("reading rejects log " + path + " failed");
  return Status::Ok();
}

std::string Json(std::string_view v) {
  std::string out = "\"";
  AppendJsonEscaped(v, &out);
  return out + "\"";
}

// Counts sorted by count (descending), then name.
std::vector<std::pair<std::string, uint64_t>> ByCount(const std::map<std::string, uint64_t>& m) {
  std::vector<std::pair<std::string, uint64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return v;
}

void PrintJson(const Summary& s, const std::string& select, size_t top) {
  std::cout << "{\"log\":" << Json(s.path)
            << ",\"run\":" << (select.empty() ? std::string("null") : Json(select))
            << ",\"entries\":" << s.entries << ",\"malformed\":" << s.malformed
            << ",\"malformed_lines\":[";
  for (size_t i = 0; i < s.malformed_examples.size(); ++i) {
    std::cout << (i ? "," : "") << "{\"line\":" << s.malformed_examples[i].line_no
              << ",\"error\":" << Json(s.malformed_examples[i].why) << "}";
  }
  std::cout << "],\"runs\":[";
  for (size_t i = 0; i < s.runs.size(); ++i) {
    std::cout << (i ? "," : "") << "{\"run\":" << Json(s.runs[i].first)
              << ",\"count\":" << s.runs[i].second << "}";
  }
  std::cout << "],\"reasons\":{";
  bool first = true;
  for (const auto& [reason, n] : ByCount(s.reasons)) {
    std::cout << (first ? "" : ",") << Json(reason) << ":" << n;
    first = false;
  }
  std::cout << "},\"files\":[";
  auto files = ByCount(s.files);
  for (size_t i = 0; i < files.size() && i < top; ++i) {
    std::cout << (i ? "," : "") << "{\"file\":" << Json(files[i].first)
              << ",\"count\":" << files[i].second << "}";
  }
  std::cout << "],\"files_total\":" << files.size() << ",\"examples\":[";
  for (size_t i = 0; i < s.examples.size(); ++i) {
    const Entry& e = s.examples[i];
    std::cout << (i ? "," : "") << "{\"run\":" << Json(e.run) << ",\"file\":" << Json(e.file)
              << ",\"offset\":" << e.offset << ",\"line\":" << e.line
              << ",\"reason\":" << Json(e.reason) << ",\"detail\":" << Json(e.detail) << "}";
  }
  std::cout << "]}\n";
}

void PrintText(const Summary& s, const std::string& select, size_t top) {
  std::cout << "rejects log: " << s.path << "\n";
  std::cout << "entries:     " << s.entries;
  if (!select.empty()) std::cout << " of run " << select;
  std::cout << "\n";
  if (s.malformed > 0) {
    std::cout << "malformed:   " << s.malformed << " lines skipped\n";
    for (const Malformed& m : s.malformed_examples) {
      std::cout << "  line " << m.line_no << ": " << m.why << "\n";
    }
  }
  std::cout << "runs:        " << s.runs.size() << "\n";
  for (const auto& [run, n] : s.runs) {
    std::cout << (run == select ? "* " : "  ") << run << "  " << n << "\n";
  }
  if (s.entries == 0) return;
  std::cout << "by reason:\n";
  char buf[64];
  for (const auto& [reason, n] : ByCount(s.reasons)) {
    std::snprintf(buf, sizeof buf, "%10llu  ", static_cast<unsigned long long>(n));
    std::cout << "  " << buf << reason << "\n";
  }
  auto files = ByCount(s.files);
  std::cout << "by file:"
            << (files.size() > top
                    ? " (top " + std::to_string(top) + " of " + std::to_string(files.size()) + ")"
                    : std::string())
            << "\n";
  for (size_t i = 0; i < files.size() && i < top; ++i) {
    std::snprintf(buf, sizeof buf, "%10llu  ", static_cast<unsigned long long>(files[i].second));
    std::cout << "  " << buf << (files[i].first.empty() ? "(no file)" : files[i].first) << "\n";
  }
  std::cout << "first " << s.examples.size() << " examples:\n";
  for (const Entry& e : s.examples) {
    std::cout << "  " << e.file << ":" << e.line << " offset " << e.offset << " " << e.reason;
    if (!e.detail.empty()) std::cout << ": " << e.detail;
    std::cout << "\n";
  }
}

int RunRejects(const RejectsArgs& args) {
  std::string path = args.log;
  if (path.empty()) {
    std::error_code ec;
    if (!fs::exists(fs::path(args.db) / "CURRENT", ec)) {
      return Fail(Status::NotFound("no stcluster store at " + args.db), kExitStore);
    }
    path = (fs::path(args.db) / "rejects.jsonl").string();
    if (!fs::exists(path, ec)) {
      // Nothing was ever rejected into this store.
      Summary empty;
      empty.path = path;
      if (args.json) {
        PrintJson(empty, args.run, args.top);
      } else {
        std::cout << "rejects log: " << path << " (none: nothing was rejected)\n";
      }
      return kExitOk;
    }
  }
  std::string select = args.run;
  if (args.last) {
    // The run of the last well-formed entry (the log is append-only).
    Summary all;
    all.path = path;
    Status st = Scan(path, "", 0, &all);
    if (!st.ok()) return Fail(st, kExitInput);
    select = all.last_run;
  }
  Summary s;
  s.path = path;
  Status st = Scan(path, select, args.top, &s);
  if (!st.ok()) return Fail(st, kExitInput);
  if (args.json) {
    PrintJson(s, select, args.top);
  } else {
    PrintText(s, select, args.top);
  }
  return kExitOk;
}

}  // namespace

Command AddRejectsCommand(CLI::App& app) {
  auto a = std::make_shared<RejectsArgs>();
  CLI::App* sub = app.add_subcommand(
      "rejects", "Summarise the rejects log: counts per reason and per file, runs, examples.");
  auto* db = sub->add_option("--db", a->db, "Store directory (reads DIR/rejects.jsonl)");
  auto* log = sub->add_option("--log", a->log, "A rejects log elsewhere (ingest --rejects FILE)");
  db->excludes(log);
  auto* run = sub->add_option("--run", a->run, "Only this run (its id, as listed)");
  sub->add_flag("--last", a->last, "Only the last run")->excludes(run);
  sub->add_flag("--json", a->json, "As JSON");
  sub->add_option("--top", a->top, "Examples and files listed")->capture_default_str();
  sub->callback([sub] {
    if (sub->count("--db") + sub->count("--log") == 0) {
      throw CLI::RequiredError("--db or --log");
    }
  });
  return {sub, [a] { return RunRejects(*a); }};
}

}  // namespace stc
