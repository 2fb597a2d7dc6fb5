// Reads a rich JUnit report (reports.h) back into a RunResult.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <tinyxml2.h>

#include "internal/junit_layout.h"
#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

using ::wskconf::conformance::InvalidArgumentError;
using ::wskconf::conformance::NotFoundError;
using ::wskconf::conformance::OkStatus;
using tinyxml2::XMLElement;

// Reports larger than this are refused before parsing.
constexpr std::uintmax_t kMaxReportBytes = 256u * 1024 * 1024;

class Reader {
 public:
  explicit Reader(std::string_view path) : path_(path) {}

  StatusOr<RunResult> Read(const tinyxml2::XMLDocument& doc);

 private:
  Status Error(const XMLElement* at, std::string_view what) const {
    return InvalidArgumentError(
        fmt::format("{}:{}: {}", path_, at ? at->GetLineNum() : 1, what));
  }
  StatusOr<std::map<std::string, std::string>> Properties(const XMLElement* parent) const;
  Status ReadSuite(const XMLElement* suite);
  Status ReadCase(const XMLElement* testcase);
  Status ReadVerdictElement(const XMLElement* testcase, CaseResult& c) const;

  std::string path_;
  RunResult run_;
  bool have_run_identity_ = false;
};

StatusOr<std::map<std::string, std::string>> Reader::Properties(
    const XMLElement* parent) const {
  std::map<std::string, std::string> properties;
  const XMLElement* list = parent->FirstChildElement("properties");
  if (list == nullptr) return properties;
  for (const XMLElement* p = list->FirstChildElement("property"); p != nullptr;
       p = p->NextSiblingElement("property")) {
    const char* name = p->Attribute("name");
    const char* value = p->Attribute("value");
    if (name == nullptr || value == nullptr) {
      return Error(p, "<property> without name or value");
    }
    if (!properties.emplace(name, value).second) {
      return Error(p, fmt::format("property '{}' given twice", name));
    }
  }
  return properties;
}

StatusOr<RunResult> Reader::Read(const tinyxml2::XMLDocument& doc) {
  const XMLElement* root = doc.RootElement();
  if (root == nullptr || std::string_view(root->Name()) != "testsuites") {
    return Error(root, fmt::format("root element is <{}>, not <testsuites>",
                                   root ? root->Name() : ""));
  }
  for (const XMLElement* suite = root->FirstChildElement(); suite != nullptr;
       suite = suite->NextSiblingElement()) {
    if (std::string_view(suite->Name()) != "testsuite") {
      return Error(suite, fmt::format("unexpected <{}> in <testsuites>", suite->Name()));
    }
    WSKCONF_RETURN_IF_ERROR(ReadSuite(suite));
  }
  if (!have_run_identity_) {
    return Error(root, "no <testsuite>: not a wskconf rich report");
  }
  std::stable_sort(run_.cases.begin(), run_.cases.end(),
                   [](const CaseResult& a, const CaseResult& b) { return a.name < b.name; });
  return std::move(run_);
}

Status Reader::ReadSuite(const XMLElement* suite) {
  WSKCONF_ASSIGN_OR_RETURN(auto properties, Properties(suite));
  const auto format = properties.find(std::string(internal::kFormatProperty));
  if (format == properties.end() || format->second != internal::kRichFormat) {
    return Error(suite, fmt::format(
        "not a wskconf rich report (suite property {} is '{}', not '{}'); "
        "read the report written by --junit-rich",
        internal::kFormatProperty,
        format == properties.end() ? "" : format->second, internal::kRichFormat));
  }
  const std::string adapter = properties["adapter"];
  const std::string policy = properties["policy"];
  if (!have_run_identity_) {
    run_.adapter = adapter;
    run_.policy = policy;
    have_run_identity_ = true;
  } else if (adapter != run_.adapter || policy != run_.policy) {
    return Error(suite, fmt::format(
        "suite's adapter/policy '{}'/'{}' differ from the report's '{}'/'{}'",
        adapter, policy, run_.adapter, run_.policy));
  }
  for (const XMLElement* c = suite->FirstChildElement("testcase"); c != nullptr;
       c = c->NextSiblingElement("testcase")) {
    WSKCONF_RETURN_IF_ERROR(ReadCase(c));
  }
  return OkStatus();
}

// The one of <failure>, <error>, <skipped> the verdict calls for, and the
// message it carries; no such element for PASS and WARN.
Status Reader::ReadVerdictElement(const XMLElement* testcase, CaseResult& c) const {
  static constexpr std::pair<Verdict, const char*> kElements[] = {
      {Verdict::kFail, "failure"}, {Verdict::kError, "error"}, {Verdict::kSkip, "skipped"}};
  for (const auto& [verdict, tag] : kElements) {
    const XMLElement* e = testcase->FirstChildElement(tag);
    if ((e != nullptr) != (verdict == c.verdict)) {
      return Error(testcase, fmt::format("verdict '{}' {} a <{}>", VerdictName(c.verdict),
                                         e ? "but" : "without", tag));
    }
    if (e != nullptr) c.message = e->Attribute("message") ? e->Attribute("message") : "";
  }
  return OkStatus();
}

Status Reader::ReadCase(const XMLElement* testcase) {
  const char* name = testcase->Attribute("name");
  const char* classname = testcase->Attribute("classname");
  if (name == nullptr || classname == nullptr) {
    return Error(testcase, "<testcase> without name or classname");
  }
  CaseResult c;
  c.name = internal::JoinCaseName(classname, name);
  if (const char* time = testcase->Attribute("time")) {
    char* end = nullptr;
    errno = 0;
    c.seconds = std::strtod(time, &end);
    if (*time == '\0' || *end != '\0' || errno != 0 || !(c.seconds >= 0)) {
      return Error(testcase, fmt::format("time '{}' is not a number of seconds", time));
    }
  }
  if (const char* file = testcase->Attribute("file")) c.spec_file = file;
  if (testcase->Attribute("line") != nullptr &&
      (testcase->QueryIntAttribute("line", &c.spec_line) != tinyxml2::XML_SUCCESS ||
       c.spec_line <= 0)) {
    return Error(testcase, fmt::format("line '{}' is not a positive number",
                                       testcase->Attribute("line")));
  }
  WSKCONF_ASSIGN_OR_RETURN(auto properties, Properties(testcase));
  const std::optional<Verdict> verdict = ParseVerdict(properties["verdict"]);
  if (!verdict) {
    return Error(testcase, fmt::format("testcase '{}' has verdict '{}', not one of "
                                       "pass, fail, warn, skip, error",
                                       c.name, properties["verdict"]));
  }
  c.verdict = *verdict;
  c.clause_id = properties["clause"];
  c.strength = properties["strength"];
  c.family = properties["family"];
  c.expected = properties["expected"];
  c.actual = properties["actual"];
  WSKCONF_RETURN_IF_ERROR(ReadVerdictElement(testcase, c));
  if (c.verdict == Verdict::kPass || c.verdict == Verdict::kWarn) {
    c.message = properties["message"];
  }
  if (const XMLElement* out = testcase->FirstChildElement("system-out")) {
    c.output = out->GetText() ? out->GetText() : "";
    const std::string warn = internal::WarnLine(c) + "\n";
    if (c.verdict == Verdict::kWarn && c.output.starts_with(warn)) {
      c.output.erase(0, warn.size());
    }
  }
  run_.cases.push_back(std::move(c));
  return OkStatus();
}

}  // namespace

StatusOr<RunResult> ParseRichJUnit(std::string_view bytes,
                                   std::string_view display_path) {
  tinyxml2::XMLDocument doc(/*processEntities=*/true, tinyxml2::PRESERVE_WHITESPACE);
  if (doc.Parse(bytes.data(), bytes.size()) != tinyxml2::XML_SUCCESS) {
    return InvalidArgumentError(fmt::format("{}:{}: not well-formed XML: {}", display_path,
                                            doc.ErrorLineNum(), doc.ErrorName()));
  }
  return Reader(display_path).Read(doc);
}

StatusOr<RunResult> ReadRichJUnit(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFoundError(fmt::format("{}: no such file", path.string()));
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return InvalidArgumentError(fmt::format("{}: {}", path.string(), ec.message()));
  if (size > kMaxReportBytes) {
    return InvalidArgumentError(fmt::format("{}: {} bytes, more than the {} a report may have",
                                            path.string(), size, kMaxReportBytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in && !in.eof()) {
    return InvalidArgumentError(fmt::format("{}: cannot be read", path.string()));
  }
  return ParseRichJUnit(bytes.str(), path.string());
}

namespace {

Status NotWritable(const std::filesystem::path& path, std::string_view reason) {
  return InvalidArgumentError(
      fmt::format("{}: cannot be written: {}", path.string(), reason));
}

}  // namespace

Status CheckWritable(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return NotWritable(path, "is a directory");
  if (::access(path.c_str(), W_OK) == 0) return OkStatus();
  if (errno != ENOENT) return NotWritable(path, std::strerror(errno));
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (::access(dir.c_str(), W_OK) != 0) {
    return NotWritable(path, fmt::format("folder {}: {}", dir.string(), std::strerror(errno)));
  }
  return OkStatus();
}

Status WriteTextFile(const std::filesystem::path& path, std::string_view contents) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return NotWritable(path, std::strerror(errno));
  const bool written = std::fwrite(contents.data(), 1, contents.size(), file) == contents.size();
  const int write_errno = errno;
  if (std::fclose(file) != 0 || !written) {
    return NotWritable(path, std::strerror(written ? errno : write_errno));
  }
  return OkStatus();
}

}  // namespace wskconf::reports
