// Text normalisation shared by the gazetteer builder and the geocoder.
//
// The lookup form of a text: lowercase, Latin letters folded to ASCII
// ("Zürich" -> "zurich", "Łódź" -> "lodz", "Straße" -> "strasse", Vietnamese
// "Đà Nẵng" -> "da nang"), combining marks dropped, apostrophes removed
// ("Xi'an" -> "xian"), every other punctuation a token break, tokens joined
// by one space. Other scripts (CJK, Cyrillic...) are kept byte for byte.
//
// Thread-safety: free functions without state; a TokenizedText is a value.
#ifndef STCLUSTER_GEO_NORMALIZE_H_
#define STCLUSTER_GEO_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stc::geo {

struct Token {
  uint32_t begin = 0;  // Byte range in TokenizedText::text.
  uint32_t end = 0;
  uint16_t segment = 0;  // Comma-separated part of the source (0-based).
  uint8_t flags = 0;     // kToken* bits.
};

inline constexpr uint8_t kTokenHyphenBefore = 1;  // Joined to the previous token by '-'.
inline constexpr uint8_t kTokenHasDigit = 2;
inline constexpr uint8_t kTokenAllDigits = 4;
inline constexpr uint8_t kTokenUpperInSource = 8;  // Written in capitals only ("CA").
inline constexpr uint8_t kTokenNonAscii = 16;      // Kept non-Latin bytes (CJK...).

// A text in lookup form with its tokens. Tokens are separated by exactly one
// space in `text`, so tokens i..j form the contiguous substring
// text[tokens[i].begin, tokens[j].end).
struct TokenizedText {
  std::string text;
  std::vector<Token> tokens;
  uint16_t segments = 0;  // Number of comma-separated parts.
  // Hash64 (core/hash.h) of each token, filled by HashTokens (not by
  // Tokenize): word-table and name look-ups share it.
  std::vector<uint64_t> hashes;

  std::string_view Span(size_t i, size_t j) const {  // Tokens i..j inclusive.
    return std::string_view(text).substr(tokens[i].begin, tokens[j].end - tokens[i].begin);
  }
  std::string_view Tok(size_t i) const { return Span(i, i); }
  void Clear() {
    text.clear();
    tokens.clear();
    hashes.clear();
    segments = 0;
  }
  // Fills `hashes`.
  void HashTokens();
};

// Tokenizes `source` (UTF-8; invalid bytes act as separators) into *out,
// replacing its content. `fold` = false keeps non-ASCII letters as they are
// (only ASCII is lowercased): the "light" form used to tell an exact spelling
// from an ASCII-folded one.
void Tokenize(std::string_view source, TokenizedText* out, bool fold = true);

// The lookup key of `source`: Tokenize(...).text.
std::string NormalizeKey(std::string_view source);
// The light form (diacritics kept): Tokenize(source, fold=false).text.
std::string NormalizeLight(std::string_view source);

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_NORMALIZE_H_
