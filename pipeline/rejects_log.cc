#include "pipeline/rejects_log.h"

#include <cerrno>
#include <cstring>

namespace stc {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
size_t Utf8SeqLen(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0 && c >= 0xC2)
    n = 2;
  else if ((c & 0xF0) == 0xE0)
    n = 3;
  else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
    n = 4;
  else
    return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  // No overlong forms, surrogates (U+D800..U+DFFF) or code points past U+10FFFF.
  const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
      (c == 0xF4 && c1 > 0x8F)) {
    return 0;
  }
  return n;
}

}  // namespace

void AppendJsonEscaped(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
      ++i;
    } else {
      size_t n = Utf8SeqLen(s, i);
      if (n == 0) {
        out->append("\xEF\xBF\xBD");
        ++i;
      } else {
        out->append(s.substr(i, n));
        i += n;
      }
    }
  }
}

RejectsLog::~RejectsLog() {
  if (f_ != nullptr) std::fclose(f_);
}

Status RejectsLog::Open(const std::string& path, std::string run_id) {
  f_ = std::fopen(path.c_str(), "ab");
  if (f_ == nullptr) {
    return Status::IoError("cannot open rejects log " + path + ": " + std::strerror(errno));
  }
  run_id_ = std::move(run_id);
  return Status::Ok();
}

void RejectsLog::Add(std::string_view file, uint64_t offset, uint64_t line, std::string_view reason,
                     std::string_view detail, std::string_view prefix) {
  if (f_ == nullptr) return;
  if (prefix.size() > 200) prefix = prefix.substr(0, 200);
  line_.assign("{\"run\":\"");
  AppendJsonEscaped(run_id_, &line_);
  line_.append("\",\"file\":\"");
  AppendJsonEscaped(file, &line_);
  line_.append("\",\"offset\":");
  line_.append(std::to_string(offset));
  line_.append(",\"line\":");
  line_.append(std::to_string(line));
  line_.append(",\"reason\":\"");
  AppendJsonEscaped(reason, &line_);
  line_.append("\",\"detail\":\"");
  AppendJsonEscaped(detail, &line_);
  line_.append("\",\"prefix\":\"");
  AppendJsonEscaped(prefix, &line_);
  line_.append("\"}\n");
  if (std::fwrite(line_.data(), 1, line_.size(), f_) != line_.size()) failed_ = true;
}

Status RejectsLog::Close() {
  if (f_ == nullptr) return Status::Ok();
  bool ok = std::fflush(f_) == 0 && !failed_;
  std::fclose(f_);
  f_ = nullptr;
  if (!ok) return Status::IoError("writing the rejects log failed");
  return Status::Ok();
}

}  // namespace stc
