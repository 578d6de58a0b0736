#include "parsers/input_plan.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>

#include "io/line_chunker.h"
#include "parsers/dom_util.h"
#include "parsers/json_util.h"
#include "parsers/openalex.h"

namespace stc {
namespace {

namespace fs = std::filesystem;

// Where a file sits in an OpenAlex snapshot.
struct SnapshotFile {
  enum class Kind { kNone, kPartition, kManifest, kMerged } kind = Kind::kNone;
  std::string entity;  // "works", "institutions", ...
  std::string date;    // Partitions: "YYYY-MM-DD".
};

SnapshotFile Classify(const std::string& path) {
  SnapshotFile f;
  fs::path p(path);
  std::string name = p.filename().string();
  std::string parent = p.parent_path().filename().string();
  std::string grand = p.parent_path().parent_path().filename().string();
  if (parent.rfind("updated_date=", 0) == 0 && !grand.empty()) {
    f.kind = SnapshotFile::Kind::kPartition;
    f.entity = grand;
    f.date = parent.substr(13);
  } else if (name == "manifest" && !parent.empty()) {
    f.kind = SnapshotFile::Kind::kManifest;
    f.entity = parent;
  } else if (grand == "merged_ids" && !parent.empty()) {
    f.kind = SnapshotFile::Kind::kMerged;
    f.entity = parent;
  }
  return f;
}

// Reads a whole (small, possibly compressed) file.
Status ReadAll(const std::string& path, std::string* out) {
  STC_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> src, OpenByteSource(path));
  char buf[1 << 16];
  for (;;) {
    STC_ASSIGN_OR_RETURN(size_t n, src->Read(buf, sizeof buf));
    if (n == 0) return Status::Ok();
    out->append(buf, n);
  }
}

struct ManifestEntry {
  std::string local;  // Local path of the listed file.
  int64_t records = -1;
  int64_t bytes = -1;
};

// Parses `manifest` (of the folder holding it); bad entries become problems.
std::vector<ManifestEntry> ReadManifest(const std::string& manifest, const std::string& entity,
                                        InputPlan* plan) {
  std::vector<ManifestEntry> out;
  std::string text;
  Status st = ReadAll(manifest, &text);
  if (!st.ok()) {
    plan->problems.push_back({manifest, "bad_manifest", st.message()});
    return out;
  }
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element doc;
  if (parser.parse(padded).get(doc)) {
    plan->problems.push_back({manifest, "bad_manifest", "not JSON"});
    return out;
  }
  const std::string dir = fs::path(manifest).parent_path().string();
  const std::string marker = "/" + entity + "/";
  ForEach(Member(Node(doc), "entries"), [&](Node entry) {
    std::string url = Text(Member(entry, "url"));
    size_t at = url.rfind(marker);
    std::string rel = at == std::string::npos ? url : url.substr(at + marker.size());
    fs::path relp(rel);
    bool hostile = rel.empty() || relp.is_absolute();
    for (const auto& part : relp) hostile = hostile || part == "..";
    if (hostile) {
      plan->problems.push_back({manifest, "bad_manifest", "refused entry path: " + url});
      return;
    }
    ManifestEntry e;
    e.local = (fs::path(dir) / relp).string();
    Node meta = Member(entry, "meta");
    int64_t v;
    if (ReadCount(Member(meta, "record_count"), &v)) e.records = v;
    if (ReadCount(Member(meta, "content_length"), &v)) e.bytes = v;
    out.push_back(std::move(e));
  });
  return out;
}

// Loads one institutions partition into *index; returns records read.
uint64_t LoadInstitutions(const std::string& path, OrgIndex* index, InputPlan* plan) {
  auto src = OpenByteSource(path);
  if (!src.ok()) {
    plan->problems.push_back({path, "unreadable_file", src.status().message()});
    return 0;
  }
  LineChunker chunker(std::move(src).value(), LineChunkerOptions{});
  simdjson::dom::parser parser;
  Chunk chunk;
  uint64_t records = 0, bad = 0;
  std::string detail;
  while (chunker.Next(&chunk)) {
    chunk.data.append(simdjson::SIMDJSON_PADDING, ' ');
    std::string_view data(chunk.data.data(), chunk.data.size() - simdjson::SIMDJSON_PADDING);
    size_t pos = 0;
    while (pos < data.size()) {
      size_t nl = data.find('\n', pos);
      size_t end = nl == std::string_view::npos ? data.size() : nl;
      std::string_view line = data.substr(pos, end - pos);
      pos = end + 1;
      if (TrimAscii(line).empty()) continue;
      ++records;
      element doc;
      if (!ParseDom(parser, line, &doc, &detail)) {
        ++bad;
        continue;
      }
      std::string id = OpenAlexShortId(Text(Member(Node(doc), "id")));
      if (id.empty()) {
        ++bad;
        continue;
      }
      Node geo = Member(Node(doc), "geo");
      OrgPlace place;
      double lat = 0, lon = 0;
      if (ReadDegrees(Member(geo, "latitude"), &lat) == 1 &&
          ReadDegrees(Member(geo, "longitude"), &lon) == 1 &&
          ToE5(lat, lon, &place.lat_e5, &place.lon_e5)) {
        place.has_coords = true;
      }
      place.country = NormaliseCountry2(Text(Member(geo, "country_code")));
      if (place.country.empty())
        place.country = NormaliseCountry2(Field(Node(doc), "country_code"));
      place.city = Field(geo, "city");
      int64_t gid = 0;
      if (ReadCount(Member(geo, "geonames_city_id"), &gid)) place.geonames_city_id = gid;
      index->Put(std::move(id), std::move(place));
    }
    records += chunk.oversized.size();
    bad += chunk.oversized.size();
    if (!chunk.stream_error.ok()) {
      plan->problems.push_back({path, "truncated_stream", chunk.stream_error.message()});
    }
  }
  if (bad > 0) plan->notes["openalex_institutions_unreadable"] += bad;
  return records;
}

}  // namespace

Result<InputPlan> PlanInputs(const std::vector<std::string>& files, const Format* forced) {
  InputPlan plan;
  const bool openalex_allowed = forced == nullptr || forced == &OpenAlexFormat();
  std::vector<std::string> works, merged, institutions, manifests, others;
  std::vector<std::string> manifest_entity;
  for (const std::string& f : files) {
    SnapshotFile c = openalex_allowed ? Classify(f) : SnapshotFile{};
    switch (c.kind) {
      case SnapshotFile::Kind::kPartition:
        if (c.entity == "works") {
          works.push_back(f);
        } else if (c.entity == "institutions") {
          institutions.push_back(f);
        } else {
          ++plan.notes["openalex_files_not_read"];
        }
        break;
      case SnapshotFile::Kind::kManifest:
        if (c.entity == "works" || c.entity == "institutions") {
          manifests.push_back(f);
          manifest_entity.push_back(c.entity);
        } else {
          ++plan.notes["openalex_files_not_read"];
        }
        break;
      case SnapshotFile::Kind::kMerged:
        if (c.entity == "works") {
          merged.push_back(f);
        } else {
          ++plan.notes["openalex_files_not_read"];
        }
        break;
      case SnapshotFile::Kind::kNone:
        others.push_back(f);
        break;
    }
  }
  // Works partitions oldest first (by updated_date, then path): the version
  // ordering makes the newest win anyway; reading in date order keeps
  // "updated" counts meaningful.
  std::stable_sort(works.begin(), works.end(), [](const std::string& a, const std::string& b) {
    return Classify(a).date < Classify(b).date;
  });
  std::map<std::string, ManifestEntry> declared;
  for (size_t i = 0; i < manifests.size(); ++i) {
    for (ManifestEntry& e : ReadManifest(manifests[i], manifest_entity[i], &plan)) {
      std::error_code ec;
      uint64_t size = fs::file_size(e.local, ec);
      if (ec) {
        plan.problems.push_back(
            {e.local, "missing_file", "listed in " + manifests[i] + ", not found"});
        continue;
      }
      if (e.bytes >= 0 && size != static_cast<uint64_t>(e.bytes)) {
        plan.problems.push_back(
            {e.local, size < static_cast<uint64_t>(e.bytes) ? "short_file" : "manifest_mismatch",
             std::to_string(size) + " bytes, " + manifests[i] + " says " +
                 std::to_string(e.bytes)});
      }
      declared[fs::path(e.local).lexically_normal().string()] = e;
    }
  }
  auto expected = [&](const std::string& path) -> uint64_t {
    auto it = declared.find(fs::path(path).lexically_normal().string());
    return it == declared.end() || it->second.records < 0
               ? kNoExpectedRecords
               : static_cast<uint64_t>(it->second.records);
  };
  if (!institutions.empty()) {
    std::stable_sort(institutions.begin(), institutions.end(),
                     [](const std::string& a, const std::string& b) {
                       return Classify(a).date < Classify(b).date;
                     });
    plan.orgs = std::make_unique<OrgIndex>();
    for (const std::string& f : institutions) {
      uint64_t n = LoadInstitutions(f, plan.orgs.get(), &plan);
      uint64_t want = expected(f);
      if (want != kNoExpectedRecords && n != want) {
        plan.problems.push_back(
            {f, "short_file",
             std::to_string(n) + " records, manifest says " + std::to_string(want)});
      }
    }
    plan.notes["openalex_institutions_loaded"] = plan.orgs->size();
  }
  auto add = [&](const std::string& f, const Format* format) {
    plan.files.push_back(f);
    plan.formats.push_back(format);
    plan.expected_records.push_back(expected(f));
  };
  for (const std::string& f : others) add(f, nullptr);
  for (const std::string& f : works) add(f, &OpenAlexFormat());
  for (const std::string& f : merged) add(f, &OpenAlexMergedFormat());
  return plan;
}

}  // namespace stc
