// Turns the tinyxml2 tree of one spec file into model elements, recording
// structure it cannot use (unknown children, invalid attribute values) as
// problems rather than failing: the lint reports them with everything else.
#ifndef WSKCONF_CONFORMANCE_INTERNAL_ELEMENT_READER_H_
#define WSKCONF_CONFORMANCE_INTERNAL_ELEMENT_READER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tinyxml2.h>

#include "wskconf/spec_model.h"

namespace wskconf::conformance::internal {

class ElementReader {
 public:
  // `path` names the file in locations; problems are appended to `problems`.
  ElementReader(std::string path, std::vector<Diagnostic>* problems)
      : path_(std::move(path)), problems_(problems) {}

  // Reads one child of <spec>; nullopt (and a problem) for an unknown kind.
  std::optional<Element> ReadElement(const tinyxml2::XMLElement& xml);

 private:
  SourceLocation Loc(const tinyxml2::XMLElement& xml) const;
  void Problem(const tinyxml2::XMLElement& xml, std::string message);
  // The attribute's value if present and one of `allowed`; else empty, with a
  // problem when present.
  std::string EnumAttr(const tinyxml2::XMLElement& xml, const char* name,
                       std::initializer_list<std::string_view> allowed);

  // A problem for each attribute not in `known`: a misspelt attribute
  // (`sorce=`, `ref=` for `refs=`) would otherwise be dropped unseen.
  void CheckAttributes(const tinyxml2::XMLElement& xml,
                       std::initializer_list<std::string_view> known);

  void ReadChild(const tinyxml2::XMLElement& child, Element& element);
  Clause ReadClause(const tinyxml2::XMLElement& xml, const Element& owner);
  Expect ReadExpect(const tinyxml2::XMLElement& xml);
  Conflict ReadConflict(const tinyxml2::XMLElement& xml);
  Returns ReadReturns(const tinyxml2::XMLElement& xml);
  Param ReadParam(const tinyxml2::XMLElement& xml);
  void ReadDirectionCase(const tinyxml2::XMLElement& xml, Element& element);
  OptionDirection ReadDirection(const tinyxml2::XMLElement& xml);

  std::string path_;
  std::vector<Diagnostic>* problems_;
};

// The text content of `xml` (empty when it has none).
std::string TextOf(const tinyxml2::XMLElement& xml);
// The attribute's value, or empty when absent.
std::string AttrOf(const tinyxml2::XMLElement& xml, const char* name);
// Splits on ASCII whitespace, dropping empty words.
std::vector<std::string> SplitWords(std::string_view text);

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_INTERNAL_ELEMENT_READER_H_
