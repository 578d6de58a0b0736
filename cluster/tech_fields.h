// Field classifications used by cluster profiles:
//   - WIPO's 35 technology fields, reached from IPC codes through the
//     IPC-technology concordance (Schmoch 2008, as updated by WIPO), kept as
//     the data file cluster/data/ipc_technology.csv (source and version in its
//     header) and compiled into the library;
//   - the 27 Scopus ASJC subject areas (10-36), which are also OpenAlex's
//     field ids.
//
// Thread-safety: immutable tables built on first use; safe from any thread.
#ifndef STCLUSTER_CLUSTER_TECH_FIELDS_H_
#define STCLUSTER_CLUSTER_TECH_FIELDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace stc::cluster {

struct TechField {
  int number = 0;      // 1..35.
  std::string name;    // "Electrical machinery, apparatus, energy".
  std::string sector;  // "Electrical engineering".
};

// The 35 fields, by number (index 0 = field 1).
const std::vector<TechField>& TechFields();

// The technology field of an IPC code as given in records ("H04W 72/04",
// "H04W72/04", "A61K 31/00", "H04W"): the concordance row with the longest
// prefix of the code's normalised form ("H04W0072/04" style: subclass, then
// the main group zero-padded to four digits, "/", subgroup), 0 when no row
// matches (malformed or unmapped code). O(log rows).
int TechFieldOfIpc(std::string_view code);

// The ASJC subject area of a subject code: "1702" -> "17", "17" -> "17";
// "" when the code does not start with two digits in 10..36.
std::string AsjcArea(std::string_view code);
// "Computer Science" for "17"; "" for an unknown area.
std::string_view AsjcAreaName(std::string_view area);

// Parses concordance text (the data file's format, described in its header:
// '#' comments, a header line "kind,...", rows "field,N,NAME,SECTOR" numbered
// 1, 2, ... and rows "ipc,PREFIX,N" where PREFIX is a normalised subclass or
// main group). Returns the ipc rows sorted by prefix. DataError naming the
// line. Exposed for tests of the data file.
struct ConcordanceRow {
  std::string prefix;
  int field = 0;
};
Result<std::vector<ConcordanceRow>> ParseConcordance(std::string_view text);

// Normalises an IPC code as described above; "" when malformed.
std::string NormaliseIpc(std::string_view code);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_TECH_FIELDS_H_
