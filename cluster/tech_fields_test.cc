// The IPC -> technology field concordance, ASJC areas, and CSV neutralisation.
#include "cluster/tech_fields.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "cluster/cluster_map.h"
#include "cluster/embedded_data.h"
#include "core/csv.h"

namespace stc::cluster {
namespace {

TEST(TechFields, EmbeddedTableIsComplete) {
  auto rows = ParseConcordance(EmbeddedIpcTechnology());
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(TechFields().size(), 35u);
  EXPECT_EQ(TechFields()[0].name, "Electrical machinery, apparatus, energy");
  EXPECT_EQ(TechFields()[34].name, "Civil engineering");
  EXPECT_EQ(TechFields()[12].sector, "Instruments");
  std::vector<int> per_field(36, 0);
  for (const ConcordanceRow& r : *rows) {
    ASSERT_GE(r.field, 1);
    ASSERT_LE(r.field, 35);
    ++per_field[r.field];
  }
  for (int f = 1; f <= 35; ++f) EXPECT_GT(per_field[f], 0) << "field " << f << " has no IPC row";
  EXPECT_GT(rows->size(), 600u);
}

TEST(TechFields, NormaliseIpc) {
  EXPECT_EQ(NormaliseIpc("H04W 72/04"), "H04W0072/04");
  EXPECT_EQ(NormaliseIpc("H04W72/04"), "H04W0072/04");
  EXPECT_EQ(NormaliseIpc("  H04W   72/0453 "), "H04W0072/0453");
  EXPECT_EQ(NormaliseIpc("H04W"), "H04W");
  EXPECT_EQ(NormaliseIpc("G01N 33"), "G01N0033");
  EXPECT_EQ(NormaliseIpc("H04W0072040000"), "H04W0072/040000");
  EXPECT_EQ(NormaliseIpc("A61K 31/00 (2006.01)"), "A61K0031/00");
  EXPECT_EQ(NormaliseIpc("h04w 72/04"), "");
  EXPECT_EQ(NormaliseIpc("Z04W 72/04"), "");
  EXPECT_EQ(NormaliseIpc("H04"), "");
  EXPECT_EQ(NormaliseIpc("H04W 72/"), "");
  EXPECT_EQ(NormaliseIpc("H04W 72/04 junk"), "");
  EXPECT_EQ(NormaliseIpc(""), "");
}

TEST(TechFields, ConcordanceLookups) {
  EXPECT_EQ(TechFieldOfIpc("H04W 72/04"), 4);  // Digital communication.
  EXPECT_EQ(TechFieldOfIpc("H04L 9/32"), 4);
  EXPECT_EQ(TechFieldOfIpc("H04N 21/431"), 4);  // Group-level row.
  EXPECT_EQ(TechFieldOfIpc("H04N 5/232"), 2);   // Audio-visual.
  EXPECT_EQ(TechFieldOfIpc("H04N 1/00"), 3);    // Telecommunications (H04N 1 only).
  EXPECT_EQ(TechFieldOfIpc("H04N 101/00"), 2);
  EXPECT_EQ(TechFieldOfIpc("H04N 23/60"), 2);  // Unlisted group: subclass fallback.
  EXPECT_EQ(TechFieldOfIpc("G06F 3/01"), 6);
  EXPECT_EQ(TechFieldOfIpc("G06Q 10/06"), 7);
  EXPECT_EQ(TechFieldOfIpc("H01L 21/02"), 8);
  EXPECT_EQ(TechFieldOfIpc("G01N 33/48"), 11);  // Analysis of biological materials.
  EXPECT_EQ(TechFieldOfIpc("G01N 21/00"), 10);  // Measurement.
  EXPECT_EQ(TechFieldOfIpc("A61B 5/00"), 13);
  EXPECT_EQ(TechFieldOfIpc("A61K 8/02"), 14);   // Cosmetics: organic fine chemistry.
  EXPECT_EQ(TechFieldOfIpc("A61K 31/00"), 16);  // Pharmaceuticals.
  EXPECT_EQ(TechFieldOfIpc("C12N 15/10"), 15);
  EXPECT_EQ(TechFieldOfIpc("B01D 53/14"), 24);  // Environmental technology.
  EXPECT_EQ(TechFieldOfIpc("B01D 29/00"), 23);  // Chemical engineering.
  EXPECT_EQ(TechFieldOfIpc("E01F 8/00"), 24);
  EXPECT_EQ(TechFieldOfIpc("E01F 9/00"), 35);
  EXPECT_EQ(TechFieldOfIpc("B60L 50/00"), 32);
  EXPECT_EQ(TechFieldOfIpc("A63F 13/00"), 33);
  EXPECT_EQ(TechFieldOfIpc("H04W0072040000"), 4);
  EXPECT_EQ(TechFieldOfIpc("H99Z 99/00"), 1);
  EXPECT_EQ(TechFieldOfIpc("A99Q"), 0);  // Not a subclass of the table.
  EXPECT_EQ(TechFieldOfIpc("garbage"), 0);
  EXPECT_EQ(TechFieldOfIpc(""), 0);
}

// TechFieldOfIpc checks codes without building NormaliseIpc's string; it must
// give what a look-up of the normalised code gives (longest listed prefix:
// main group, then subclass), for well-formed and malformed codes alike.
TEST(TechFields, LookupAgreesWithTheNormalisedCode) {
  // The concordance's ipc rows, read here from the embedded file.
  std::map<std::string, int, std::less<>> prefixes;
  std::vector<std::string> f;
  std::string_view text = EmbeddedIpcTechnology();
  for (size_t pos = 0; pos < text.size();) {
    size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("ipc,", 0) != 0) continue;
    ASSERT_TRUE(SplitCsvLine(line, &f));
    prefixes.emplace(f[1], std::stoi(f[2]));
  }
  ASSERT_GT(prefixes.size(), 600u);
  auto reference = [&](std::string_view code) {
    const std::string n = NormaliseIpc(code);
    if (n.empty()) return 0;
    if (n.size() >= 8) {
      if (auto it = prefixes.find(n.substr(0, 8)); it != prefixes.end()) return it->second;
    }
    auto it = prefixes.find(n.substr(0, 4));
    return it == prefixes.end() ? 0 : it->second;
  };
  std::mt19937_64 rng(3);
  const std::string alphabet = "AHGZ0123456789 /(.)x";
  const std::vector<std::string> seeds = {"H04N 21/431",    "G01N 33/48", "A61K 8/02", "B01D 53/14",
                                          "H04W0072040000", "E01F 8/00",  "H04N 1/00", "C12N"};
  int agreed_nonzero = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string code = seeds[rng() % seeds.size()];
    for (int edits = static_cast<int>(rng() % 3); edits > 0; --edits) {
      const size_t at = rng() % (code.size() + 1);
      switch (rng() % 3) {
        case 0:
          code.insert(code.begin() + at, alphabet[rng() % alphabet.size()]);
          break;
        case 1:
          if (at < code.size()) code.erase(at, 1);
          break;
        default:
          if (at < code.size()) code[at] = alphabet[rng() % alphabet.size()];
      }
    }
    if (rng() % 4 == 0) code = " " + code + " (2006.01)";
    const int got = TechFieldOfIpc(code);
    ASSERT_EQ(got, reference(code)) << "'" << code << "' normalised '" << NormaliseIpc(code) << "'";
    agreed_nonzero += got != 0;
  }
  EXPECT_GT(agreed_nonzero, 5000);  // The edits leave many codes valid.
  // Every subclass, alone and with main groups (split subclasses or not).
  int subclasses_with_field = 0;
  for (char section = 'A'; section <= 'H'; ++section) {
    for (int digits = 0; digits < 100; ++digits) {
      for (char letter = 'A'; letter <= 'Z'; ++letter) {
        std::string subclass{section, static_cast<char>('0' + digits / 10),
                             static_cast<char>('0' + digits % 10), letter};
        for (const char* rest :
             {"", " 1/00", " 21/431", "33/48", " 8/02", " 53/14", "0072040000", " /5"}) {
          const std::string code = subclass + rest;
          ASSERT_EQ(TechFieldOfIpc(code), reference(code)) << "'" << code << "'";
        }
        subclasses_with_field += TechFieldOfIpc(subclass) != 0;
      }
    }
  }
  EXPECT_GT(subclasses_with_field, 500);
}

TEST(TechFields, ConcordanceParseErrors) {
  EXPECT_FALSE(ParseConcordance("").ok());
  EXPECT_FALSE(ParseConcordance("kind,a,b,c\nfield,2,X,Y\n").ok());  // Not numbered from 1.
  auto unknown = ParseConcordance("kind,a,b,c\nfield,1,X,Y\nipc,H04W,2\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("line 3"), std::string::npos);
  EXPECT_FALSE(ParseConcordance("kind,a,b,c\nfield,1,X,Y\nipc,H04W 72,1\n").ok());
  EXPECT_FALSE(ParseConcordance("kind,a,b,c\nfield,1,X,Y\nipc,H04W,1\nipc,H04W,1\n").ok());
  EXPECT_TRUE(ParseConcordance("# c\nkind,a,b,c\nfield,1,X,Y\nipc,H04W0072,1\n").ok());
}

TEST(TechFields, AsjcAreas) {
  EXPECT_EQ(AsjcArea("1702"), "17");
  EXPECT_EQ(AsjcArea("17"), "17");
  EXPECT_EQ(AsjcArea("2739"), "27");
  EXPECT_EQ(AsjcArea("1000"), "10");
  EXPECT_EQ(AsjcArea("3616"), "36");
  EXPECT_EQ(AsjcArea("0902"), "");
  EXPECT_EQ(AsjcArea("3702"), "");
  EXPECT_EQ(AsjcArea("17a2"), "");
  EXPECT_EQ(AsjcArea("170299"), "");
  EXPECT_EQ(AsjcArea("H"), "");
  EXPECT_EQ(AsjcAreaName("17"), "Computer Science");
  EXPECT_EQ(AsjcAreaName("27"), "Medicine");
  EXPECT_EQ(AsjcAreaName("10"), "Multidisciplinary");
  EXPECT_EQ(AsjcAreaName("36"), "Health Professions");
  EXPECT_EQ(AsjcAreaName("37"), "");
  EXPECT_EQ(AsjcAreaName("1702"), "");
}

TEST(CsvNeutralise, TextCells) {
  EXPECT_EQ(CsvText("Tokyo"), "Tokyo");
  EXPECT_EQ(CsvText("=1+1"), "'=1+1");
  EXPECT_EQ(CsvText("+33 1 23"), "'+33 1 23");
  EXPECT_EQ(CsvText("-5"), "'-5");
  EXPECT_EQ(CsvText("@SUM(A1:A9)"), "'@SUM(A1:A9)");
  EXPECT_EQ(CsvText("=HYPERLINK(\"http://x\",\"a\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\"");
  EXPECT_EQ(CsvText("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvText("'quoted"), "''quoted");
  EXPECT_EQ(CsvText("'"), "'");
  EXPECT_EQ(CsvText(""), "");
  EXPECT_EQ(CsvText("a=b"), "a=b");
  // AppendCsvText appends exactly CsvText's cell.
  for (std::string v : {"Tokyo", "=1+1", "a,b", "say \"hi\"", "line\nbreak", "'", "''x", "", "H"}) {
    std::string out = "k,";
    AppendCsvText(v, &out);
    EXPECT_EQ(out, "k," + CsvText(v)) << v;
  }
  // Reversible on the unquoted value.
  for (std::string v : {"=x", "+x", "-x", "@x", "'x", "''=x", "'", "x", "", "'=", "a-b"}) {
    std::string cell = "'" + v;
    std::string written = CsvNeedsNeutralising(v) ? cell : v;
    EXPECT_EQ(CsvUnneutralise(written), v) << v;
  }
}

}  // namespace
}  // namespace stc::cluster
