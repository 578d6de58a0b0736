#include "parsers/csv_util.h"

namespace stc {

bool SplitCsvLine(std::string_view line, char separator, std::vector<std::string>* fields) {
  fields->clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t i = 0;
  for (;;) {
    std::string& f = fields->emplace_back();
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return false;  // Unclosed quote.
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != separator) return false;
    } else {
      size_t end = line.find(separator, i);
      if (end == std::string_view::npos) end = line.size();
      f.assign(line.substr(i, end - i));
      i = end;
    }
    if (i >= line.size()) return true;
    ++i;  // Separator.
  }
}

}  // namespace stc
