// Tests of the spec loader (conformance/src/spec_loader.cc and
// internal/element_reader.cc) on well-formed input: the typed model, with
// file and line kept for every element and clause.
#include <algorithm>

#include <gtest/gtest.h>

#include "test_support.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

using testing::Fixture;
using testing::ScratchDir;
using testing::SpecDocument;
using testing::WriteFile;

const Element* Find(const Spec& spec, std::string_view id) {
  for (const SpecFile& file : spec.files) {
    for (const Element& element : file.elements) {
      if (element.id == id) return &element;
    }
  }
  return nullptr;
}

class CleanFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<Spec> spec = LoadSpecDir(Fixture("clean"), "clean");
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    spec_ = std::move(spec).value();
  }
  Spec spec_;
};

TEST_F(CleanFixtureTest, FilesAreSortedByNameWithDisplayPaths) {
  ASSERT_EQ(spec_.files.size(), 2u);
  EXPECT_EQ(spec_.files[0].path, "clean/send.xml");
  EXPECT_EQ(spec_.files[0].part, "send");
  EXPECT_EQ(spec_.files[1].path, "clean/status.xml");
  EXPECT_TRUE(spec_.files[0].problems.empty());
}

TEST_F(CleanFixtureTest, FunctionKeepsItsApiDescription) {
  const Element* send = Find(spec_, "WskSend");
  ASSERT_NE(send, nullptr);
  EXPECT_EQ(send->kind, ElementKind::kFunction);
  EXPECT_EQ(send->name, "WskSend");
  EXPECT_EQ(send->location, (SourceLocation{"clean/send.xml", 4}));
  EXPECT_EQ(send->Attribute("irql"), "DISPATCH_LEVEL");
  EXPECT_EQ(send->Attribute("irp"), "required");
  EXPECT_EQ(send->Attribute("absent"), "");
  ASSERT_EQ(send->params.size(), 3u);
  EXPECT_EQ(send->params[1].name, "Flags");
  EXPECT_EQ(send->params[1].flags, std::vector<std::string>{"WSK_FLAG_NODELAY"});
  EXPECT_EQ(send->params[2].dir, "inout");
  ASSERT_EQ(send->returns.size(), 3u);
  EXPECT_EQ(send->returns[1].status, "STATUS_PENDING");
  EXPECT_EQ(send->returns[2].status_class, "failure");
  EXPECT_EQ(send->information, "Bytes sent.");
}

TEST_F(CleanFixtureTest, ClausesKeepAttributesChildrenAndLines) {
  const Element* send = Find(spec_, "WskSend");
  ASSERT_NE(send, nullptr);
  ASSERT_EQ(send->clauses.size(), 2u);
  const Clause& irp = send->clauses[0];
  EXPECT_EQ(irp.id, "WskSend.IrpRequired");
  EXPECT_EQ(irp.element_id, "WskSend");
  EXPECT_EQ(irp.strength, Strength::kMust);
  EXPECT_EQ(irp.side, Side::kProvider);
  EXPECT_EQ(irp.sources, std::vector<std::string>{"ddi/send.md#irp"});
  EXPECT_EQ(irp.refs, std::vector<std::string>{"WSK_FLAG_NODELAY"});
  EXPECT_EQ(irp.text, "The Irp parameter is required.");
  EXPECT_EQ(irp.location.line, 14);
  ASSERT_EQ(irp.expects.size(), 1u);
  EXPECT_EQ(irp.expects[0].status_class, "failure");
  EXPECT_EQ(irp.expects[0].completes, "true");

  const Clause& zero = send->clauses[1];
  EXPECT_EQ(zero.strength, Strength::kShould);
  EXPECT_EQ(zero.reason, "Windows completes it at once.");
  EXPECT_EQ(zero.expects[0].status, "STATUS_SUCCESS");
  EXPECT_EQ(zero.expects[0].information, "0");
  ASSERT_EQ(zero.conflicts.size(), 1u);
  ASSERT_EQ(zero.conflicts[0].readings.size(), 2u);
  EXPECT_TRUE(zero.conflicts[0].readings[0].taken);
  EXPECT_FALSE(zero.conflicts[0].readings[1].taken);
  EXPECT_EQ(zero.conflicts[0].readings[1].sources,
            std::vector<std::string>{"guide/events.md"});
}

TEST_F(CleanFixtureTest, EveryKindIsRead) {
  EXPECT_EQ(Find(spec_, "WskReceiveEvent")->kind, ElementKind::kCallback);
  EXPECT_EQ(Find(spec_, "WskReceiveEvent")->event, "WSK_EVENT_RECEIVE");
  EXPECT_EQ(Find(spec_, "WskReceiveEvent")->table,
            "WSK_CLIENT_CONNECTION_DISPATCH");
  EXPECT_EQ(Find(spec_, "WSK_FLAG_NODELAY")->used_by,
            std::vector<std::string>{"WskSend"});
  const Element* table = Find(spec_, "WSK_CLIENT_CONNECTION_DISPATCH");
  ASSERT_EQ(table->members.size(), 1u);
  EXPECT_EQ(table->members[0].ref, "WskReceiveEvent");
  ASSERT_EQ(table->conflicts.size(), 1u);
  EXPECT_EQ(table->conflicts[0].text, "Two pages disagree on the member list.");
  const Element* option = Find(spec_, "SO_KEEPALIVE");
  EXPECT_EQ(option->kind, ElementKind::kOption);
  EXPECT_TRUE(option->set.present);
  EXPECT_EQ(option->set.irp, "required");
  EXPECT_EQ(option->set.returns.size(), 1u);
  EXPECT_EQ(option->get.irp, "none");
  EXPECT_EQ(Find(spec_, "WSK_BUF")->fields.at(0).type, "PMDL");
  EXPECT_EQ(Find(spec_, "SIO_TEST")->kind, ElementKind::kIoctl);
  EXPECT_EQ(Find(spec_, "WSK_TEST_CODE")->kind, ElementKind::kControlCode);
  EXPECT_EQ(Find(spec_, "Test")->kind, ElementKind::kTopic);
  EXPECT_EQ(Find(spec_, "Test")->clauses.at(0).checked_by, "verifier");
  EXPECT_EQ(Find(spec_, "STATUS_PENDING")->kind, ElementKind::kStatus);
}

TEST(SpecLoaderTest, UnknownStructureBecomesProblemsNotFailure) {
  StatusOr<SpecFile> file = ParseSpecFile(
      SpecDocument("<widget id=\"W\"/>\n<topic id=\"T\"><note/></topic>"),
      "p.xml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_EQ(file->elements.size(), 1u);
  ASSERT_EQ(file->problems.size(), 2u);
  EXPECT_EQ(file->problems[0].ToString(),
            "p.xml:3: unknown element <widget> in <spec>");
  EXPECT_EQ(file->problems[1].ToString(),
            "p.xml:4: unknown element <note> in <topic> 'T'");
}

TEST(SpecLoaderTest, WhitespaceInTextIsCollapsed) {
  StatusOr<SpecFile> file = ParseSpecFile(
      SpecDocument("<topic id=\"T\"><clause id=\"T.A\"><text>  one\n   two  "
                   "</text></clause></topic>"),
      "w.xml");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->elements[0].clauses[0].text, "one two");
}

TEST(SpecLoaderTest, Utf8TextAndBomAreAccepted) {
  StatusOr<SpecFile> file = ParseSpecFile(
      "\xEF\xBB\xBF" + SpecDocument("<topic id=\"T\"><clause id=\"T.A\"><text>"
                                    "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"
                                    "</text></clause></topic>"),
      "u.xml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->elements[0].clauses[0].text,
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST(SpecLoaderTest, HugeAttributeBelowTheLimitLoads) {
  const std::string huge(7 * 1024 * 1024, 'A');
  StatusOr<SpecFile> file =
      ParseSpecFile(SpecDocument("<topic id=\"" + huge + "\"/>"), "h.xml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->elements.at(0).id.size(), huge.size());
}

TEST(SpecLoaderTest, DisplayPathIsRelativeBelowTheWorkingDirectory) {
  const std::filesystem::path cwd = std::filesystem::current_path();
  EXPECT_EQ(DisplayPath(cwd / "spec" / "a.xml"), "spec/a.xml");
  EXPECT_EQ(DisplayPath("rel/./b.xml"), "rel/b.xml");
  EXPECT_EQ(DisplayPath("/nonexistent-root-dir/c.xml"),
            cwd == "/" ? "nonexistent-root-dir/c.xml"
                       : "/nonexistent-root-dir/c.xml");
}

TEST(SpecLoaderTest, ReadsOnlyVisibleXmlFilesOfTheFolder) {
  ScratchDir dir;
  WriteFile(dir.path() / "b.xml", SpecDocument("<topic id=\"B\"/>"));
  WriteFile(dir.path() / "a.xml", SpecDocument("<topic id=\"A\"/>"));
  WriteFile(dir.path() / "notes.txt", "not xml");
  std::filesystem::create_symlink("gone", dir.path() / ".#a.xml");
  std::filesystem::create_directory(dir.path() / "sub");
  WriteFile(dir.path() / "sub" / "c.xml", SpecDocument("<topic id=\"C\"/>"));
  StatusOr<Spec> spec = LoadSpecDir(dir.path(), "d");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  ASSERT_EQ(spec->files.size(), 2u);
  EXPECT_EQ(spec->files[0].path, "d/a.xml");
  EXPECT_EQ(spec->files[1].path, "d/b.xml");
}

}  // namespace
}  // namespace wskconf::conformance

namespace wskconf::conformance {
namespace {

// SO_WSK_EVENT_CALLBACK's IRP rule differs between enabling and disabling, so
// an option may carry one <set> per case when each names it.
TEST(SpecLoaderOptionCasesTest, EachCaseOfADirectionIsKept) {
  StatusOr<SpecFile> file = ParseSpecFile(
      SpecDocument("<option id=\"SO_X\" name=\"SO_X\" source=\"a.md\">"
                   "<set when=\"enable\" irp=\"none\"/>"
                   "<set when=\"disable\" irp=\"optional\"/></option>"),
      "p.xml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_TRUE(file->problems.empty());
  const Element& option = file->elements.at(0);
  ASSERT_EQ(option.set_cases.size(), 2u);
  EXPECT_EQ(option.set_cases[0].when, "enable");
  EXPECT_EQ(option.set_cases[0].irp, "none");
  EXPECT_EQ(option.set_cases[1].when, "disable");
  EXPECT_EQ(option.set_cases[1].irp, "optional");
  EXPECT_EQ(option.set.when, "enable");
}

TEST(SpecLoaderOptionCasesTest, SecondDirectionWithoutCaseIsAProblem) {
  StatusOr<SpecFile> file = ParseSpecFile(
      SpecDocument("<option id=\"SO_X\" name=\"SO_X\" source=\"a.md\">"
                   "<get irp=\"none\"/><get irp=\"required\"/></option>"),
      "p.xml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_EQ(file->problems.size(), 1u);
  EXPECT_NE(file->problems[0].ToString().find(
                "second <get> in <option> 'SO_X' without distinct when="),
            std::string::npos)
      << file->problems[0].ToString();
}

TEST(SpecLoaderOptionCasesTest, RepeatedCaseIsAProblem) {
  StatusOr<SpecFile> file = ParseSpecFile(
      SpecDocument("<option id=\"SO_X\" name=\"SO_X\" source=\"a.md\">"
                   "<set when=\"enable\"/><set when=\"enable\"/></option>"),
      "p.xml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_EQ(file->problems.size(), 1u);
  EXPECT_NE(file->problems[0].ToString().find("second <set when=\"enable\">"),
            std::string::npos)
      << file->problems[0].ToString();
}

}  // namespace
}  // namespace wskconf::conformance
