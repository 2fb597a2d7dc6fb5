// A small XML writer for the reports: elements with attributes in the order
// given, two-space indentation, and escaping that keeps every byte of text
// and attributes (after SanitizeForXml) through any conforming parser.
#ifndef WSKCONF_REPORTS_INTERNAL_XML_WRITER_H_
#define WSKCONF_REPORTS_INTERNAL_XML_WRITER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wskconf::reports::internal {

using XmlAttributes = std::vector<std::pair<std::string_view, std::string>>;

// Escapes sanitized text for an attribute value in double quotes: & < > "
// and tab, LF, CR as character references (a parser would otherwise turn
// them into spaces).
std::string EscapeAttribute(std::string_view sanitized);

// Escapes sanitized text for element content: & < > and CR (a parser would
// otherwise turn CR and CR LF into LF).
std::string EscapeText(std::string_view sanitized);

class XmlWriter {
 public:
  XmlWriter();  // starts with the XML declaration

  // <tag attrs...> on its own line; children follow until Close().
  void Open(std::string_view tag, const XmlAttributes& attributes = {});
  // </tag> of the innermost open element.
  void Close();
  // <tag attrs.../>
  void Empty(std::string_view tag, const XmlAttributes& attributes = {});
  // <tag attrs...>text</tag>, text sanitized and escaped, kept verbatim
  // (no indentation is added inside).
  void TextElement(std::string_view tag, const XmlAttributes& attributes,
                   std::string_view text);

  // The document; every element must have been closed.
  std::string Finish();

 private:
  void StartTag(std::string_view tag, const XmlAttributes& attributes);

  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace wskconf::reports::internal

#endif  // WSKCONF_REPORTS_INTERNAL_XML_WRITER_H_
