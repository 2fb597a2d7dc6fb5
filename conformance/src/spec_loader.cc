// Loading spec/*.xml into the model: byte checks (internal/input_guard),
// tinyxml2 parsing, then element reading (internal/element_reader).
#include <algorithm>
#include <cerrno>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <tinyxml2.h>

#include "internal/element_reader.h"
#include "internal/input_guard.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

constexpr std::string_view kSpecNamespace = "urn:wskconf:spec:1";

std::string_view DescribeXmlError(tinyxml2::XMLError error) {
  switch (error) {
    case tinyxml2::XML_ERROR_PARSING_ELEMENT: return "malformed element";
    case tinyxml2::XML_ERROR_PARSING_ATTRIBUTE: return "malformed attribute";
    case tinyxml2::XML_ERROR_PARSING_TEXT: return "malformed text";
    case tinyxml2::XML_ERROR_PARSING_CDATA: return "malformed CDATA section";
    case tinyxml2::XML_ERROR_PARSING_COMMENT: return "malformed comment";
    case tinyxml2::XML_ERROR_PARSING_DECLARATION:
      return "malformed declaration";
    case tinyxml2::XML_ERROR_PARSING_UNKNOWN: return "malformed markup";
    case tinyxml2::XML_ERROR_EMPTY_DOCUMENT: return "no root element";
    case tinyxml2::XML_ERROR_MISMATCHED_ELEMENT: return "mismatched end tag";
    case tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED:
      return "elements nested too deeply";
    default: return "parse error";
  }
}

// tinyxml2 names the element it was in as "XMLElement name=<name>" inside
// its error string; " <name>" when it does (the name cut at 64 bytes).
std::string ElementNamed(std::string_view error) {
  constexpr std::string_view kKey = "XMLElement name=";
  const std::size_t at = error.find(kKey);
  if (at == std::string_view::npos) return {};
  std::string_view name = error.substr(at + kKey.size());
  name = name.substr(0, std::min(name.find_first_of(" \t\r\n"), std::size_t{64}));
  if (name.empty()) return {};
  return fmt::format(" in <{}>", name);
}

}  // namespace

StatusOr<SpecFile> ParseSpecFile(std::string_view bytes,
                                 std::string_view display_path) {
  WSKCONF_RETURN_IF_ERROR(internal::CheckSpecBytes(bytes, display_path));
  tinyxml2::XMLDocument doc(/*processEntities=*/true,
                            tinyxml2::COLLAPSE_WHITESPACE);
  const tinyxml2::XMLError error = doc.Parse(bytes.data(), bytes.size());
  if (error != tinyxml2::XML_SUCCESS) {
    return InvalidArgumentError(fmt::format(
        "{}:{}: not well-formed XML: {}{}", display_path,
        std::max(doc.ErrorLineNum(), 1), DescribeXmlError(error),
        ElementNamed(doc.ErrorStr())));
  }
  const tinyxml2::XMLElement* root = doc.RootElement();
  if (root == nullptr) {
    return InvalidArgumentError(
        fmt::format("{}:1: not well-formed XML: no root element", display_path));
  }
  if (std::string_view(root->Name()) != "spec") {
    return InvalidArgumentError(
        fmt::format("{}:{}: root element must be <spec>, not <{}>",
                    display_path, root->GetLineNum(), root->Name()));
  }
  if (const tinyxml2::XMLElement* extra = root->NextSiblingElement()) {
    return InvalidArgumentError(fmt::format(
        "{}:{}: not well-formed XML: second root element <{}>", display_path,
        extra->GetLineNum(), extra->Name()));
  }
  SpecFile file;
  file.path = std::string(display_path);
  file.part = internal::AttrOf(*root, "part");
  const SourceLocation root_location{file.path, root->GetLineNum()};
  const std::string xmlns = internal::AttrOf(*root, "xmlns");
  if (xmlns != kSpecNamespace) {
    file.problems.push_back(Diagnostic{
        root_location, fmt::format("<spec> must have xmlns=\"{}\", not \"{}\"",
                                   kSpecNamespace, xmlns)});
  }
  if (file.part.empty()) {
    file.problems.push_back(Diagnostic{root_location, "<spec> has no part"});
  }
  internal::ElementReader reader(file.path, &file.problems);
  for (const tinyxml2::XMLElement* xml = root->FirstChildElement();
       xml != nullptr; xml = xml->NextSiblingElement()) {
    if (std::optional<Element> element = reader.ReadElement(*xml)) {
      file.elements.push_back(std::move(*element));
    }
  }
  return file;
}

StatusOr<SpecFile> LoadSpecFile(const std::filesystem::path& path,
                                std::string_view display_path) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) {
    return NotFoundError(fmt::format("{}: no such file", display_path));
  }
  // Refusing FIFOs, devices and folders here keeps a read from blocking.
  if (!std::filesystem::is_regular_file(st)) {
    return InvalidArgumentError(
        fmt::format("{}: not a regular file", display_path));
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxSpecFileBytes) {
    return ResourceExhaustedError(fmt::format(
        "{}:1: file is {} bytes, larger than the limit of {} bytes",
        display_path, size, kMaxSpecFileBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgumentError(fmt::format(
        "{}: cannot read: {}", display_path,
        std::generic_category().message(errno)));
  }
  // Read in chunks up to one byte past the limit: the size seen above may be
  // stale (a growing file) or zero (files under /proc).
  std::string bytes;
  constexpr std::size_t kChunk = 64 * 1024;
  while (in && bytes.size() <= kMaxSpecFileBytes) {
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + kChunk);
    in.read(bytes.data() + old_size, static_cast<std::streamsize>(kChunk));
    bytes.resize(old_size + static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    return InvalidArgumentError(
        fmt::format("{}: cannot read: i/o error", display_path));
  }
  return ParseSpecFile(bytes, display_path);
}

std::string DisplayPath(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (ec || path.is_relative()) return path.lexically_normal().string();
  const std::filesystem::path rel =
      path.lexically_normal().lexically_relative(cwd);
  if (rel.empty() || *rel.begin() == "..") return path.lexically_normal().string();
  return rel.string();
}

StatusOr<Spec> LoadSpecDir(const std::filesystem::path& dir,
                           std::optional<std::string> display_dir) {
  const std::string shown = display_dir ? *display_dir : DisplayPath(dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return NotFoundError(fmt::format("{}: no such spec folder", shown));
  }
  std::vector<std::string> names;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    // Hidden files (editor locks such as .#send.xml) are not spec files.
    const std::string name = it->path().filename().string();
    if (it->path().extension() == ".xml" && !name.starts_with(".")) {
      names.push_back(name);
    }
  }
  if (ec) {
    return InvalidArgumentError(
        fmt::format("{}: cannot list folder: {}", shown, ec.message()));
  }
  if (names.empty()) {
    return InvalidArgumentError(
        fmt::format("{}: spec folder has no *.xml files", shown));
  }
  std::sort(names.begin(), names.end());
  Spec spec;
  Status first_error;
  std::string messages;
  for (const std::string& name : names) {
    const std::string display =
        shown.empty() || shown == "." ? name : fmt::format("{}/{}", shown, name);
    StatusOr<SpecFile> file = LoadSpecFile(dir / name, display);
    if (!file.ok()) {
      if (first_error.ok()) first_error = file.status();
      messages += messages.empty() ? "" : "\n";
      messages += file.status().message();
      continue;
    }
    spec.files.push_back(std::move(file).value());
  }
  if (!first_error.ok()) return Status(first_error.code(), messages);
  return spec;
}

}  // namespace wskconf::conformance
