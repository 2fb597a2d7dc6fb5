// XML text escaping and the reports' element writer.
#include "internal/xml_writer.h"

#include <cassert>

#include "wskconf/reports/reports.h"

namespace wskconf::reports::internal {

std::string EscapeAttribute(std::string_view sanitized) {
  std::string out;
  out.reserve(sanitized.size());
  for (char c : sanitized) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeText(std::string_view sanitized) {
  std::string out;
  out.reserve(sanitized.size());
  for (char c : sanitized) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

XmlWriter::XmlWriter() : out_("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") {}

void XmlWriter::StartTag(std::string_view tag, const XmlAttributes& attributes) {
  out_.append(2 * open_.size(), ' ');
  out_ += '<';
  out_ += tag;
  for (const auto& [name, value] : attributes) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    out_ += EscapeAttribute(SanitizeForXml(value));
    out_ += '"';
  }
}

void XmlWriter::Open(std::string_view tag, const XmlAttributes& attributes) {
  StartTag(tag, attributes);
  out_ += ">\n";
  open_.emplace_back(tag);
}

void XmlWriter::Close() {
  assert(!open_.empty() && "XmlWriter::Close without an open element");
  std::string tag = std::move(open_.back());
  open_.pop_back();
  out_.append(2 * open_.size(), ' ');
  out_ += "</" + tag + ">\n";
}

void XmlWriter::Empty(std::string_view tag, const XmlAttributes& attributes) {
  StartTag(tag, attributes);
  out_ += "/>\n";
}

void XmlWriter::TextElement(std::string_view tag, const XmlAttributes& attributes,
                            std::string_view text) {
  StartTag(tag, attributes);
  out_ += '>';
  out_ += EscapeText(SanitizeForXml(text));
  out_ += "</";
  out_ += tag;
  out_ += ">\n";
}

std::string XmlWriter::Finish() {
  assert(open_.empty() && "XmlWriter::Finish with open elements");
  return std::move(out_);
}

}  // namespace wskconf::reports::internal
