// The loader on malformed, truncated and hostile input: every case gets a
// clear located error (or loads harmlessly) and never crashes or hangs.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "test_support.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

using testing::Fixture;
using testing::ReadFile;
using testing::ScratchDir;
using testing::SpecDocument;
using testing::WriteFile;

struct MalformedCase {
  const char* file;
  const char* message;  // the exact error message
};

class MalformedFileTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedFileTest, IsRefusedWithALocatedMessage) {
  const MalformedCase& c = GetParam();
  const std::string display = std::string("malformed/") + c.file;
  StatusOr<SpecFile> file =
      LoadSpecFile(Fixture("malformed") / c.file, display);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(file.status().message(), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, MalformedFileTest,
    ::testing::Values(
        MalformedCase{"empty.xml",
                      "malformed/empty.xml:1: empty file, expected a <spec> "
                      "document"},
        MalformedCase{"whitespace_only.xml",
                      "malformed/whitespace_only.xml:1: not well-formed XML: "
                      "no root element"},
        MalformedCase{"truncated.xml",
                      "malformed/truncated.xml:4: not well-formed XML: "
                      "malformed attribute in <clause>"},
        MalformedCase{"mismatched.xml",
                      "malformed/mismatched.xml:3: not well-formed XML: "
                      "mismatched end tag in <topic>"},
        MalformedCase{"billion_laughs.xml",
                      "malformed/billion_laughs.xml:2: DOCTYPE and entity "
                      "declarations are not allowed in spec files"},
        MalformedCase{"external_entity.xml",
                      "malformed/external_entity.xml:2: DOCTYPE and entity "
                      "declarations are not allowed in spec files"},
        MalformedCase{"non_utf8.xml",
                      "malformed/non_utf8.xml:3: invalid UTF-8 byte 0xe9"},
        MalformedCase{"overlong_utf8.xml",
                      "malformed/overlong_utf8.xml:4: invalid UTF-8 byte 0xc0"},
        MalformedCase{"nul_byte.xml",
                      "malformed/nul_byte.xml:2: character U+0000 is not "
                      "allowed in XML"},
        MalformedCase{"binary_junk.xml",
                      "malformed/binary_junk.xml:1: character U+0002 is not "
                      "allowed in XML"},
        MalformedCase{"wrong_root.xml",
                      "malformed/wrong_root.xml:2: root element must be "
                      "<spec>, not <specification>"},
        MalformedCase{"two_roots.xml",
                      "malformed/two_roots.xml:3: not well-formed XML: second "
                      "root element <spec>"}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) {
      std::string name;
      bool upper = true;
      for (const char* p = info.param.file; *p != '.' && *p != '\0'; ++p) {
        if (*p == '_') {
          upper = true;
          continue;
        }
        name += upper ? static_cast<char>(std::toupper(*p)) : *p;
        upper = false;
      }
      return name;
    });

TEST(SpecLoaderHostileTest, UndeclaredEntitiesAreNotExpanded) {
  StatusOr<SpecFile> file = LoadSpecFile(
      Fixture("malformed/undeclared_entity.xml"), "undeclared_entity.xml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  const std::string& text = file->elements.at(0).clauses.at(0).text;
  EXPECT_NE(text.find("&xxe;"), std::string::npos) << text;
  EXPECT_EQ(text.find("root:"), std::string::npos) << text;
}

TEST(SpecLoaderHostileTest, DeepNestingIsRefusedByTheDepthLimit) {
  std::string body;
  constexpr int kDepth = 100000;
  for (int i = 0; i < kDepth; ++i) body += "<a>";
  for (int i = 0; i < kDepth; ++i) body += "</a>";
  StatusOr<SpecFile> file = ParseSpecFile(SpecDocument(body), "deep.xml");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(),
            "deep.xml:3: not well-formed XML: elements nested too deeply");
}

TEST(SpecLoaderHostileTest, ModerateNestingIsReportedNotRecursed) {
  std::string body = "<topic id=\"T\">";
  for (int i = 0; i < 50; ++i) body += "<a>";
  for (int i = 0; i < 50; ++i) body += "</a>";
  body += "</topic>";
  StatusOr<SpecFile> file = ParseSpecFile(SpecDocument(body), "nest.xml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_EQ(file->problems.size(), 1u);
  EXPECT_EQ(file->problems[0].message, "unknown element <a> in <topic> 'T'");
}

TEST(SpecLoaderHostileTest, FileAboveEightMibIsRefusedBeforeParsing) {
  ScratchDir dir;
  const std::string big =
      SpecDocument("<topic id=\"" + std::string(kMaxSpecFileBytes, 'x') + "\"/>");
  WriteFile(dir.path() / "big.xml", big);
  StatusOr<SpecFile> file = LoadSpecFile(dir.path() / "big.xml", "big.xml");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(file.status().message(),
            "big.xml:1: file is " + std::to_string(big.size()) +
                " bytes, larger than the limit of 8388608 bytes");
  // The in-memory entry point applies the same limit.
  EXPECT_EQ(ParseSpecFile(big, "big.xml").status().code(),
            StatusCode::kResourceExhausted);
}

TEST(SpecLoaderHostileTest, HugeAttributeCountAndLongNamesLoad) {
  std::string attrs;
  for (int i = 0; i < 20000; ++i) attrs += " a" + std::to_string(i) + "=\"v\"";
  StatusOr<SpecFile> file = ParseSpecFile(
      SpecDocument("<topic id=\"T\"" + attrs + "/>"), "attrs.xml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->elements.at(0).attributes.size(), 20001u);
}

TEST(SpecLoaderHostileTest, UnterminatedCommentIsMalformed) {
  StatusOr<SpecFile> file =
      ParseSpecFile(SpecDocument("<!-- <!DOCTYPE never closed"), "c.xml");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(),
            "c.xml:3: not well-formed XML: malformed comment");
}

TEST(SpecLoaderHostileTest, DoctypeInsideACommentIsHarmless) {
  StatusOr<SpecFile> file = ParseSpecFile(
      SpecDocument("<!-- <!DOCTYPE x> --><topic id=\"T\"/>"), "c.xml");
  EXPECT_TRUE(file.ok()) << file.status().message();
}

TEST(SpecLoaderHostileTest, SurrogateAndOutOfRangeUtf8AreRefused) {
  EXPECT_EQ(ParseSpecFile(SpecDocument("\xED\xA0\x80"), "s.xml").status()
                .message(),
            "s.xml:3: invalid UTF-8 byte 0xed");
  EXPECT_EQ(ParseSpecFile(SpecDocument("\xF4\x90\x80\x80"), "s.xml").status()
                .message(),
            "s.xml:3: invalid UTF-8 byte 0xf4");
  EXPECT_EQ(ParseSpecFile(SpecDocument("\xC3"), "s.xml").status().message(),
            "s.xml:3: invalid UTF-8 byte 0xc3");
}

TEST(SpecLoaderHostileTest, MissingFileIsNotFound) {
  StatusOr<SpecFile> file =
      LoadSpecFile(Fixture("malformed/does-not-exist.xml"), "x.xml");
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(file.status().message(), "x.xml: no such file");
}

TEST(SpecLoaderHostileTest, FolderOrFifoNamedXmlIsNotReadNorWaitedOn) {
  ScratchDir dir;
  std::filesystem::create_directory(dir.path() / "folder.xml");
  ASSERT_EQ(mkfifo((dir.path() / "fifo.xml").c_str(), 0600), 0);
  StatusOr<Spec> spec = LoadSpecDir(dir.path(), "d");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "d/fifo.xml: not a regular file\nd/folder.xml: not a regular file");
}

// The message LoadSpecFile gives for `path`, loaded by an unprivileged user:
// root reads files without read permission, so as root the load runs in a
// child process that first drops to uid/gid 65534 (nobody).
std::string LoadMessageWithoutPrivilege(const std::filesystem::path& path) {
  auto load = [&] {
    StatusOr<SpecFile> file = LoadSpecFile(path, "locked.xml");
    return file.ok() ? std::string("loaded") : file.status().message();
  };
  if (geteuid() != 0) return load();
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    std::string message = "cannot drop privileges";
    if (setgid(65534) == 0 && setuid(65534) == 0) message = load();
    ssize_t written = write(fds[1], message.data(), message.size());
    _exit(written == static_cast<ssize_t>(message.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string message;
  char buffer[256];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) message.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return message;
}

TEST(SpecLoaderHostileTest, UnreadableFileIsAClearError) {
  ScratchDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all |
                                               std::filesystem::perms::others_exec |
                                               std::filesystem::perms::group_exec);
  WriteFile(dir.path() / "locked.xml", SpecDocument(""));
  std::filesystem::permissions(dir.path() / "locked.xml",
                               std::filesystem::perms::none);
  EXPECT_EQ(LoadMessageWithoutPrivilege(dir.path() / "locked.xml"),
            "locked.xml: cannot read: Permission denied");
}

TEST(SpecLoaderHostileTest, ReadErrorIsAClearError) {
  // Reading /proc/self/mem at offset 0 fails with EIO even for root, which
  // the permission test above cannot show.
  if (!std::filesystem::is_regular_file("/proc/self/mem")) {
    GTEST_SKIP() << "no /proc/self/mem";
  }
  StatusOr<SpecFile> file = LoadSpecFile("/proc/self/mem", "mem.xml");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "mem.xml: cannot read: i/o error");
}

TEST(SpecLoaderHostileTest, FolderWithoutXmlFilesIsRefused) {
  ScratchDir dir;
  WriteFile(dir.path() / "README.md", "no spec here");
  StatusOr<Spec> spec = LoadSpecDir(dir.path(), "d");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(spec.status().message(), "d: spec folder has no *.xml files");
}

TEST(SpecLoaderHostileTest, MissingFolderIsNotFound) {
  StatusOr<Spec> spec = LoadSpecDir(Fixture("no-such-folder"), "nf");
  EXPECT_EQ(spec.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(spec.status().message(), "nf: no such spec folder");
}

TEST(SpecLoaderHostileTest, EveryBrokenFileOfAFolderIsNamed) {
  StatusOr<Spec> spec = LoadSpecDir(Fixture("malformed"), "m");
  ASSERT_FALSE(spec.ok());
  // All but the one harmless file (undeclared_entity.xml) are named.
  const std::string message = spec.status().message();
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n') + 1, 12)
      << message;
  EXPECT_EQ(message.find("undeclared_entity"), std::string::npos);
}

}  // namespace
}  // namespace wskconf::conformance
