// Escaping of text that goes into the report's HTML and SVG.
//
// Everything in the report that comes from records or from files (cluster
// names, economies, organisations, field names, edition descriptions) passes
// through EscapeHtml, in element content and in quoted attribute values
// alike, so `<script>alert(1)</script>` shows as text.
//
// Thread-safety: pure functions.
#ifndef STCLUSTER_REPORT_HTML_ESCAPE_H_
#define STCLUSTER_REPORT_HTML_ESCAPE_H_

#include <string>
#include <string_view>

namespace stc::report {

// Replaces & < > " ' with &amp; &lt; &gt; &quot; &#39;, drops NUL and the
// other C0 control characters but tab, LF and CR, and replaces every byte
// that is not part of a well-formed UTF-8 sequence with U+FFFD, so the
// result is safe in element content and in single- or double-quoted
// attribute values of an HTML5 page (not inside <script> or <style>).
std::string EscapeHtml(std::string_view text);

// Appends EscapeHtml(text) to *out.
void AppendEscaped(std::string_view text, std::string* out);

}  // namespace stc::report

#endif  // STCLUSTER_REPORT_HTML_ESCAPE_H_
