// stc_formats_floor: the "floor" of scripts/bench-formats for the real source
// formats: the least work any ingest of these files must do. Streaming zstd
// decompression plus one minimal parse per unit reading only what the
// fractional count needs, over T threads (each thread takes whole files from a
// shared counter). No validation, no scope filter, no geocoding, no counting,
// no store.
//
//   --format scopus       Scopus Search JSON Lines (one entry per line),
//                         simdjson On-Demand: eid, prism:coverDate (year),
//                         subtype, every affiliation's afid, city and
//                         country, author-count/@total, every author's authid
//                         and afid list.
//   --format patentscope  PATENTSCOPE XML documents (a document starts at
//                         every line beginning with "<?xml"), pugixml with the
//                         reader's parse flags: application number,
//                         publication dates, every inventor's address parts
//                         (address-N, city, country).
//   --format openalex     OpenAlex works (JSON Lines, gzip: decompressed
//                         through the ingest's own ByteSource, ISA-L),
//                         simdjson On-Demand: id, publication_year, every
//                         authorship's author id and its institutions' ids
//                         and country codes (persons = authorships).
//
// Prints one line: `records R persons P bytes B compressed C seconds S
// checksum X` (records = units parsed, persons = authors or inventors; the
// checksum keeps the compiler from skipping work).
//
// Usage: stc_formats_floor --format scopus|patentscope|openalex [--threads 2] FILE...
// Exit 1 on an unreadable or corrupt file, 2 on a bad command line.
#include <simdjson.h>
#include <zstd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "io/byte_source.h"

namespace {

using simdjson::ondemand::array;
using simdjson::ondemand::object;

struct Totals {
  uint64_t records = 0, persons = 0, bytes = 0, compressed = 0, checksum = 0;
};

// Adds a string's length and last byte to the checksum.
void Sum(std::string_view s, Totals* t) {
  t->checksum += s.size() + (s.empty() ? 0 : static_cast<unsigned char>(s.back()));
}

// Reads a string field into the checksum; false when it is not a string.
bool SumString(simdjson::ondemand::value v, Totals* t) {
  std::string_view s;
  if (v.get_string().get(s)) return false;
  Sum(s, t);
  return true;
}

// One Scopus Search entry (a JSON Lines line).
class ScopusFloor {
 public:
  bool Parse(std::string_view unit, Totals* t) {
    simdjson::ondemand::document doc;
    if (parser_.iterate(unit.data(), unit.size(), unit.size() + simdjson::SIMDJSON_PADDING)
            .get(doc)) {
      return false;
    }
    object obj;
    if (doc.get_object().get(obj)) return false;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return false;
      if (key == "eid" || key == "subtype") {
        if (!SumString(field.value(), t)) return false;
      } else if (key == "prism:coverDate") {
        std::string_view d;
        if (field.value().get_string().get(d) || d.size() < 4) return false;
        t->checksum += static_cast<uint64_t>((d[0] - '0') * 1000 + (d[1] - '0') * 100 +
                                             (d[2] - '0') * 10 + (d[3] - '0'));
      } else if (key == "affiliation") {
        if (!Affiliations(field.value(), t)) return false;
      } else if (key == "author-count") {
        object c;
        std::string_view total;
        if (field.value().get_object().get(c) || c["@total"].get_string().get(total)) {
          return false;
        }
        Sum(total, t);
      } else if (key == "author") {
        if (!Authors(field.value(), t)) return false;
      }
    }
    ++t->records;
    return true;
  }

 private:
  static bool Affiliations(simdjson::ondemand::value v, Totals* t) {
    array list;
    if (v.get_array().get(list)) return false;
    for (auto a : list) {
      object ao;
      if (a.get_object().get(ao)) return false;
      for (auto f : ao) {
        std::string_view k;
        if (f.unescaped_key().get(k)) return false;
        if (k == "afid" || k == "affiliation-city" || k == "affiliation-country") {
          if (!SumString(f.value(), t)) return false;
        }
      }
    }
    return true;
  }

  static bool Authors(simdjson::ondemand::value v, Totals* t) {
    array list;
    if (v.get_array().get(list)) return false;
    for (auto a : list) {
      object ao;
      if (a.get_object().get(ao)) return false;
      ++t->persons;
      for (auto f : ao) {
        std::string_view k;
        if (f.unescaped_key().get(k)) return false;
        if (k == "authid") {
          if (!SumString(f.value(), t)) return false;
        } else if (k == "afid") {
          array ids;
          if (f.value().get_array().get(ids)) return false;
          for (auto id : ids) {
            object io;
            std::string_view s;
            if (id.get_object().get(io) || io["$"].get_string().get(s)) return false;
            Sum(s, t);
          }
        }
      }
    }
    return true;
  }

  simdjson::ondemand::parser parser_;
};

// One OpenAlex work (a JSON Lines line). Nulls are skipped, as a real
// snapshot has them (an author without id, an institution without country).
class OpenAlexFloor {
 public:
  bool Parse(std::string_view unit, Totals* t) {
    simdjson::ondemand::document doc;
    if (parser_.iterate(unit.data(), unit.size(), unit.size() + simdjson::SIMDJSON_PADDING)
            .get(doc)) {
      return false;
    }
    object obj;
    if (doc.get_object().get(obj)) return false;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return false;
      if (key == "id") {
        if (!SumString(field.value(), t)) return false;
      } else if (key == "publication_year") {
        int64_t year;
        if (field.value().get_int64().get(year)) return false;
        t->checksum += static_cast<uint64_t>(year);
      } else if (key == "authorships") {
        if (!Authorships(field.value(), t)) return false;
      }
    }
    ++t->records;
    return true;
  }

 private:
  // A string member's text into the checksum; a null one is skipped.
  static bool SumOptional(simdjson::ondemand::value v, Totals* t) {
    bool null = false;
    if (v.is_null().get(null)) return false;
    return null || SumString(v, t);
  }

  static bool Authorships(simdjson::ondemand::value v, Totals* t) {
    array list;
    if (v.get_array().get(list)) return false;
    for (auto a : list) {
      object ao;
      if (a.get_object().get(ao)) return false;
      ++t->persons;
      for (auto f : ao) {
        std::string_view k;
        if (f.unescaped_key().get(k)) return false;
        if (k == "author") {
          object author;
          if (f.value().get_object().get(author)) return false;
          for (auto af : author) {
            std::string_view ak;
            if (af.unescaped_key().get(ak)) return false;
            if (ak == "id" && !SumOptional(af.value(), t)) return false;
          }
        } else if (k == "institutions") {
          array institutions;
          if (f.value().get_array().get(institutions)) return false;
          for (auto inst : institutions) {
            object io;
            if (inst.get_object().get(io)) return false;
            for (auto i : io) {
              std::string_view ik;
              if (i.unescaped_key().get(ik)) return false;
              if ((ik == "id" || ik == "country_code") && !SumOptional(i.value(), t)) return false;
            }
          }
        }
      }
    }
    return true;
  }

  simdjson::ondemand::parser parser_;
};

// One PATENTSCOPE XML document (parsed in place: the buffer is scratch).
class PatentscopeFloor {
 public:
  bool Parse(std::string_view unit, Totals* t) {
    pugi::xml_parse_result res = doc_.load_buffer_inplace(
        const_cast<char*>(unit.data()), unit.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!res) return false;
    pugi::xml_node root = doc_.document_element();
    pugi::xml_node b = std::strcmp(root.name(), "wo-bibliographic-data") == 0
                           ? root
                           : root.child("wo-bibliographic-data");
    if (!b) return false;
    Sum(b.child("application-reference").child("document-id").child_value("doc-number"), t);
    for (pugi::xml_node pub : b.children("publication-reference")) {
      Sum(pub.child("document-id").child_value("date"), t);
    }
    for (pugi::xml_node inv : b.child("parties").child("inventors").children("inventor")) {
      ++t->persons;
      for (pugi::xml_node part : inv.child("addressbook").child("address").children()) {
        Sum(part.child_value(), t);
      }
    }
    ++t->records;
    return true;
  }

 private:
  pugi::xml_document doc_;
};

// Where the unit starting at `start` ends in buf[0, have): the next newline
// (Scopus) or the next line starting with "<?xml" (PATENTSCOPE); npos when
// the unit may continue past `have`.
size_t UnitEnd(bool xml, const char* buf, size_t start, size_t have) {
  if (!xml) {
    const void* nl = std::memchr(buf + start, '\n', have - start);
    return nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf) : std::string_view::npos;
  }
  std::string_view rest(buf + start + 1, have - start - 1);
  size_t p = rest.find("\n<?xml");
  return p == std::string_view::npos ? p : start + 1 + p + 1;
}

// Decompresses one file into `buf` and parses its complete units in place,
// `read(dst, cap)` giving the next decompressed bytes (0 at the end, -1 on
// an error, reported by `read`).
template <typename Floor, typename Read>
bool ParseStream(const char* path, bool xml, Floor* floor, Totals* t, Read read) {
  constexpr size_t kOut = 4 << 20;
  std::vector<char> buf(kOut + (1 << 20) + simdjson::SIMDJSON_PADDING);
  size_t have = 0;  // Bytes of buf holding an unfinished unit.
  bool ok = true;
  auto parse_units = [&](bool last) {
    size_t start = 0;
    while (start < have) {
      size_t end = UnitEnd(xml, buf.data(), start, have);
      if (end == std::string_view::npos) {
        if (!last) break;
        end = have;
      }
      size_t len = end - start;
      bool blank = len == 0 || (len == 1 && buf[start] == '\n');
      if (!blank && !floor->Parse(std::string_view(buf.data() + start, len), t)) {
        std::fprintf(stderr, "%s: unit not parsed\n", path);
        ok = false;
      }
      t->bytes += len + (!xml && end < have ? 1 : 0);
      start = xml ? end : end + 1;
    }
    if (start >= have) {
      have = 0;
    } else {
      std::memmove(buf.data(), buf.data() + start, have - start);
      have -= start;
    }
  };
  while (ok) {
    if (buf.size() - simdjson::SIMDJSON_PADDING - have < (256 << 10)) {
      buf.resize(buf.size() * 2);  // A unit longer than the buffer.
    }
    const long n = read(buf.data() + have, buf.size() - simdjson::SIMDJSON_PADDING - have);
    if (n < 0) return false;
    if (n == 0) break;
    have += static_cast<size_t>(n);
    if (have >= kOut) parse_units(false);
  }
  if (ok) parse_units(true);
  return ok;
}

// Streams one file through zstd and parses its complete units in place.
template <typename Floor>
bool ReadZstdFile(const char* path, bool xml, Floor* floor, Totals* t) {
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot open %s\n", path);
    return false;
  }
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::vector<char> in(ZSTD_DStreamInSize());
  ZSTD_inBuffer ib{in.data(), 0, 0};
  const bool ok = ParseStream(path, xml, floor, t, [&](char* dst, size_t cap) -> long {
    for (;;) {
      if (ib.pos == ib.size) {
        const size_t n = std::fread(in.data(), 1, in.size(), f);
        if (n == 0) return 0;
        t->compressed += n;
        ib = {in.data(), n, 0};
      }
      ZSTD_outBuffer ob{dst, cap, 0};
      const size_t r = ZSTD_decompressStream(dctx, &ob, &ib);
      if (ZSTD_isError(r)) {
        std::fprintf(stderr, "%s: %s\n", path, ZSTD_getErrorName(r));
        return -1;
      }
      if (ob.pos > 0) return static_cast<long>(ob.pos);
    }
  });
  ZSTD_freeDCtx(dctx);
  std::fclose(f);
  return ok;
}

// Streams one gzip file through the ingest's byte source (ISA-L).
template <typename Floor>
bool ReadGzipFile(const char* path, Floor* floor, Totals* t) {
  auto source = stc::OpenByteSource(path);
  if (!source.ok()) {
    std::fprintf(stderr, "%s\n", source.status().ToString().c_str());
    return false;
  }
  stc::ByteSource& src = **source;
  const bool ok = ParseStream(path, false, floor, t, [&](char* dst, size_t cap) -> long {
    stc::Result<size_t> n = src.Read(dst, cap);
    if (!n.ok()) {
      std::fprintf(stderr, "%s\n", n.status().ToString().c_str());
      return -1;
    }
    return static_cast<long>(*n);
  });
  t->compressed += src.compressed_bytes_read();
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2;
  std::string format;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
      format = argv[++i];
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty() || threads < 1 ||
      (format != "scopus" && format != "patentscope" && format != "openalex")) {
    std::fprintf(
        stderr,
        "usage: stc_formats_floor --format scopus|patentscope|openalex [--threads 2] FILE...\n");
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  std::atomic<bool> ok{true};
  std::vector<Totals> totals(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k) {
    pool.emplace_back([&, k] {
      ScopusFloor scopus;
      PatentscopeFloor patentscope;
      OpenAlexFloor openalex;
      Totals* t = &totals[static_cast<size_t>(k)];
      for (size_t i; (i = next.fetch_add(1)) < files.size();) {
        bool good = format == "patentscope" ? ReadZstdFile(files[i], true, &patentscope, t)
                    : format == "scopus"    ? ReadZstdFile(files[i], false, &scopus, t)
                                            : ReadGzipFile(files[i], &openalex, t);
        if (!good) ok = false;
      }
    });
  }
  for (auto& t : pool) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Totals all;
  for (const Totals& t : totals) {
    all.records += t.records;
    all.persons += t.persons;
    all.bytes += t.bytes;
    all.compressed += t.compressed;
    all.checksum += t.checksum;
  }
  std::printf(
      "records %llu persons %llu bytes %llu compressed %llu seconds %.3f checksum %llu\n",
      static_cast<unsigned long long>(all.records), static_cast<unsigned long long>(all.persons),
      static_cast<unsigned long long>(all.bytes), static_cast<unsigned long long>(all.compressed),
      secs, static_cast<unsigned long long>(all.checksum));
  return ok ? 0 : 1;
}
