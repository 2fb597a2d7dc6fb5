// Conformance statements (see statement.h): parsing, checking against the
// spec, and checking the claims against a run's results.
#include "runner/statement.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace wskconf::conformance::internal {
namespace {

// Statements are small; anything larger is not one.
constexpr std::size_t kMaxStatementBytes = 1024 * 1024;

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

// `text` as it can be shown in a one-line message: a control byte or a byte
// outside ASCII is written \xNN, so a binary or mis-encoded statement reads
// as what it holds instead of corrupting the terminal.
std::string Shown(std::string_view text) {
  std::string shown;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    shown += byte >= 0x20 && byte < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", byte);
  }
  return shown;
}

std::map<std::string, const Element*> ElementsById(const Spec& spec) {
  std::map<std::string, const Element*> by_id;
  for (const SpecFile& file : spec.files) {
    for (const Element& element : file.elements) by_id[element.id] = &element;
  }
  return by_id;
}

// Checks one "ID = supported|unsupported: reason" line; empty when fine.
std::string CheckLine(const std::string& line, FeatureDeclaration& declaration,
                      std::string& id,
                      const std::map<std::string, const Element*>& elements) {
  const std::size_t eq = line.find('=');
  if (eq == std::string::npos) {
    return "expected 'ID = supported' or 'ID = unsupported: REASON'";
  }
  id = Trim(line.substr(0, eq));
  if (id.empty()) return "no feature id before '=' (expected 'ID = ...')";
  const std::string value = Trim(line.substr(eq + 1));
  const std::string word = Trim(value.substr(0, value.find(':')));
  if (word == "supported" && value == "supported") {
    declaration.supported = true;
  } else if (word == "unsupported") {
    declaration.supported = false;
    const std::size_t colon = value.find(':');
    declaration.reason = colon == std::string::npos ? "" : Trim(value.substr(colon + 1));
    if (declaration.reason.empty()) {
      return fmt::format("'{}' is declared unsupported without a reason "
                         "(write 'unsupported: REASON')", Shown(id));
    }
  } else {
    return fmt::format("'{}' must be 'supported' or 'unsupported: REASON'", Shown(value));
  }
  auto element = elements.find(id);
  if (element == elements.end()) {
    return fmt::format("'{}' is not an element of the spec", Shown(id));
  }
  if (!declaration.supported && !OptionalSince(*element->second)) {
    return fmt::format(
        "'{}' is mandatory (part of WSK since its first version, Windows "
        "Vista) and cannot be declared unsupported", id);
  }
  return "";
}

}  // namespace

std::optional<std::string> OptionalSince(const Element& element) {
  const std::string availability(element.Attribute("availability"));
  if (availability.empty() || availability == "Windows Vista") return std::nullopt;
  return availability;
}

StatusOr<Statement> ParseStatement(const std::string& text,
                                   const std::string& display_path,
                                   const Spec& spec) {
  const std::map<std::string, const Element*> elements = ElementsById(spec);
  Statement statement;
  statement.path = display_path;
  std::vector<std::string> problems;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    line = Trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    FeatureDeclaration declaration;
    declaration.line = number;
    std::string id;
    std::string problem = CheckLine(line, declaration, id, elements);
    if (problem.empty() && statement.features.count(id) != 0) {
      problem = fmt::format("'{}' is declared twice (first on line {})", id,
                            statement.features[id].line);
    }
    if (!problem.empty()) {
      problems.push_back(fmt::format("{}:{}: {}", display_path, number, problem));
      continue;
    }
    statement.features[id] = std::move(declaration);
  }
  if (!problems.empty()) {
    std::string message;
    for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
    return InvalidArgumentError(message);
  }
  return statement;
}

StatusOr<Statement> LoadStatement(const std::filesystem::path& path,
                                  const Spec& spec) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFoundError(fmt::format(
        "cannot read the conformance statement '{}': no such file", path.string()));
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    return InvalidArgumentError(fmt::format(
        "cannot read the conformance statement '{}': not a regular file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgumentError(fmt::format(
        "cannot read the conformance statement '{}': {}", path.string(), strerror(errno)));
  }
  std::string text(kMaxStatementBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxStatementBytes) {
    return InvalidArgumentError(fmt::format(
        "{}: a conformance statement is at most {} bytes", path.string(),
        kMaxStatementBytes));
  }
  return ParseStatement(text, path.string(), spec);
}

const FeatureDeclaration* UnsupportedFeature(const Statement& statement,
                                             const std::string& family) {
  auto it = statement.features.find(family);
  if (it == statement.features.end() || it->second.supported) return nullptr;
  return &it->second;
}

std::vector<std::string> CheckClaims(const Statement& statement,
                                     std::vector<reports::CaseResult>& cases) {
  std::map<std::string, std::vector<std::string>> broken;  // feature -> cases
  for (reports::CaseResult& result : cases) {
    auto it = statement.features.find(result.family);
    if (it == statement.features.end() || !it->second.supported) continue;
    if (result.verdict != reports::Verdict::kFail &&
        result.verdict != reports::Verdict::kError) {
      continue;
    }
    broken[result.family].push_back(result.name);
    result.message += fmt::format(
        "\n(the conformance statement {}:{} claims '{}' supported)",
        statement.path, it->second.line, result.family);
  }
  std::vector<std::string> lines;
  for (const auto& [feature, names] : broken) {
    std::string list;
    for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
    lines.push_back(fmt::format(
        "{}:{}: claims '{}' supported, but {} of its cases failed: {}",
        statement.path, statement.features.at(feature).line, feature,
        names.size(), list));
  }
  return lines;
}

}  // namespace wskconf::conformance::internal
