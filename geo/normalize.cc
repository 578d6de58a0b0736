#include "geo/normalize.h"

#include "core/hash.h"
#include "geo/fold_table.h"

namespace stc::geo {
namespace {

// Decodes one UTF-8 code point at s[*i]; advances *i. Returns -1 for an
// invalid sequence (one byte consumed).
int32_t DecodeUtf8(std::string_view s, size_t* i) {
  auto b = static_cast<uint8_t>(s[*i]);
  if (b < 0x80) {
    ++*i;
    return b;
  }
  int len = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return -1;
  }
  int32_t cp = b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<uint8_t>(s[*i + k]);
    if ((c & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  *i += len;
  return cp;
}

enum class CharClass { kLetter, kApostrophe, kHyphen, kSpace, kSegment, kSkip };

constexpr CharClass Classify(int32_t cp) {
  if (cp < 0) return CharClass::kSpace;
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
      return CharClass::kLetter;
    }
    if (cp == '\'' || cp == '`') return CharClass::kApostrophe;
    if (cp == '-') return CharClass::kHyphen;
    if (cp == ',' || cp == ';' || cp == '\n' || cp == '|') return CharClass::kSegment;
    return CharClass::kSpace;
  }
  if (cp >= 0x300 && cp <= 0x36F) return CharClass::kSkip;  // Combining marks.
  if (cp == 0x2019 || cp == 0x2018 || cp == 0x2BC || cp == 0x2BB || cp == 0xB4) {
    return CharClass::kApostrophe;
  }
  if (cp >= 0x2010 && cp <= 0x2015) return CharClass::kHyphen;  // Dashes.
  if (cp == 0x3001 || cp == 0xFF0C || cp == 0xFF1B) return CharClass::kSegment;
  if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 || cp == 0x30FB ||
      cp == 0xFF08 || cp == 0xFF09 || cp == 0x3002 || (cp >= 0xA1 && cp <= 0xBF) || cp == 0xD7 ||
      cp == 0xF7) {
    return CharClass::kSpace;
  }
  return CharClass::kLetter;
}

// Classify() of every ASCII byte, computed once.
struct AsciiClasses {
  CharClass cls[128];
  constexpr AsciiClasses() : cls() {
    for (int c = 0; c < 128; ++c) cls[c] = Classify(c);
  }
};
constexpr AsciiClasses kAscii;

void AppendUtf8(std::string_view s, size_t from, size_t to, std::string* out) {
  out->append(s.data() + from, to - from);
}

}  // namespace

void Tokenize(std::string_view source, TokenizedText* out, bool fold) {
  out->Clear();
  std::string& t = out->text;
  uint16_t segment = 0;
  bool in_token = false;
  bool hyphen_pending = false;
  bool segment_used = false;
  bool all_upper = true;
  bool any_alpha = false;
  Token cur;
  auto finish = [&]() {
    if (!in_token) return;
    cur.end = static_cast<uint32_t>(t.size());
    if (all_upper && any_alpha) cur.flags |= kTokenUpperInSource;
    out->tokens.push_back(cur);
    in_token = false;
  };
  t.reserve(source.size() + 8);
  size_t i = 0;
  while (i < source.size()) {
    size_t start = i;
    int32_t cp;
    CharClass cls;
    if (static_cast<uint8_t>(source[i]) < 0x80) {
      cp = static_cast<uint8_t>(source[i++]);
      cls = kAscii.cls[cp];
    } else {
      cp = DecodeUtf8(source, &i);
      cls = Classify(cp);
    }
    if (cls == CharClass::kSkip || cls == CharClass::kApostrophe) continue;
    if (cls != CharClass::kLetter) {
      finish();
      if (cls == CharClass::kHyphen) hyphen_pending = true;
      if (cls == CharClass::kSegment) {
        if (segment_used) ++segment;
        segment_used = false;
        hyphen_pending = false;
      }
      if (cls == CharClass::kSpace) hyphen_pending = false;
      continue;
    }
    if (!in_token) {
      if (!t.empty()) t.push_back(' ');
      cur = Token();
      cur.begin = static_cast<uint32_t>(t.size());
      cur.segment = segment;
      cur.flags = hyphen_pending && !out->tokens.empty() ? kTokenHyphenBefore : 0;
      cur.flags |= kTokenAllDigits;
      hyphen_pending = false;
      in_token = true;
      segment_used = true;
      all_upper = true;
      any_alpha = false;
    }
    if (cp < 0x80) {
      // This ASCII letter or digit and the ones that follow it, without
      // branches per byte: the common case of every address.
      size_t e = i;
      while (e < source.size() && static_cast<uint8_t>(source[e]) < 0x80 &&
             kAscii.cls[static_cast<uint8_t>(source[e])] == CharClass::kLetter) {
        ++e;
      }
      bool digit = false, alpha = false, lower = false;
      const size_t at = t.size();
      t.resize(at + (e - start));
      char* out = t.data() + at;
      for (size_t k = start; k < e; ++k) {
        auto c = static_cast<uint8_t>(source[k]);
        bool is_digit = c <= '9';  // Letters and digits only here.
        bool is_upper = c >= 'A' && c <= 'Z';
        digit |= is_digit;
        alpha |= !is_digit;
        lower |= c >= 'a';
        *out++ = static_cast<char>(c | (is_upper ? 0x20 : 0));
      }
      i = e;
      if (digit) cur.flags |= kTokenHasDigit;
      if (alpha) {
        cur.flags &= static_cast<uint8_t>(~kTokenAllDigits);
        any_alpha = true;
      }
      if (lower) all_upper = false;
      continue;
    }
    cur.flags &= static_cast<uint8_t>(~kTokenAllDigits);
    any_alpha = true;
    const char* folded = nullptr;
    if (cp >= 0xC0 && cp < 0x250) folded = kFoldLatin[cp - 0xC0];
    if (cp >= 0x1E00 && cp < 0x1F00) folded = kFoldLatinAdditional[cp - 0x1E00];
    if (folded != nullptr) {
      all_upper = false;  // Capitals with diacritics are rare; treat as a word.
      if (fold) {
        t.append(folded);
      } else {
        AppendUtf8(source, start, i, &t);
      }
      continue;
    }
    all_upper = false;
    cur.flags |= kTokenNonAscii;
    AppendUtf8(source, start, i, &t);
  }
  finish();
  // Drop a trailing separator left by a token that folded to nothing.
  out->segments = out->tokens.empty() ? 0 : static_cast<uint16_t>(out->tokens.back().segment + 1);
}

void TokenizedText::HashTokens() {
  hashes.resize(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) hashes[i] = Hash64(Tok(i));
}

std::string NormalizeKey(std::string_view source) {
  TokenizedText t;
  Tokenize(source, &t, true);
  return std::move(t.text);
}

std::string NormalizeLight(std::string_view source) {
  TokenizedText t;
  Tokenize(source, &t, false);
  return std::move(t.text);
}

}  // namespace stc::geo
