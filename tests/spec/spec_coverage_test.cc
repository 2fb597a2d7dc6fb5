// Tests `wskconf spec coverage` (conformance/src/spec_coverage.cc): which
// documentation pages count as API pages, and which of them the spec cites.
#include <sstream>

#include <gtest/gtest.h>

#include "test_support.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

using testing::Fixture;
using testing::ScratchDir;
using testing::SpecDocument;
using testing::WriteFile;

// A documentation folder with one page of every kind the command tells apart.
void WriteDocs(const std::filesystem::path& docs) {
  for (const char* page :
       {"ddi/nc-wsk-pfn_wsk_send.md", "ddi/index.md",
        "ddi/syntax-snapshots/nc-wsk-pfn_wsk_send.md",
        "ddi/unpublished/nc-wsk-pfn_wsk_send_ex.md",
        "ddi/netioddk/nf-netioddk-nmrregisterclient.md", "guide/so-keepalive.md",
        "guide/sio-wsk-query-inspect-id.md", "guide/wsk-cache-sd.md",
        "guide/closing-a-socket.md", "guide/historical/wsk-socket-options.md",
        "wdm/nf-wdm-iofreeirp.md", "wdm/kernel-reusing-irps.md", "VALUES.md",
        "ddi/notes.txt"}) {
    std::filesystem::create_directories((docs / page).parent_path());
    WriteFile(docs / page, "# page\n");
  }
}

TEST(SpecCoverageTest, ApiPagesAreReferenceAndOptionIoctlCodePages) {
  ScratchDir dir;
  WriteDocs(dir.path());
  StatusOr<std::vector<std::string>> pages = ApiPages(dir.path());
  ASSERT_TRUE(pages.ok()) << pages.status().message();
  EXPECT_EQ(*pages, (std::vector<std::string>{
                        "ddi/nc-wsk-pfn_wsk_send.md",
                        "ddi/netioddk/nf-netioddk-nmrregisterclient.md",
                        "guide/sio-wsk-query-inspect-id.md",
                        "guide/so-keepalive.md", "guide/wsk-cache-sd.md",
                        "wdm/nf-wdm-iofreeirp.md"}));
}

TEST(SpecCoverageTest, CitedPagesDropAnchorsAndIncludeReadings) {
  StatusOr<Spec> spec = LoadSpecDir(Fixture("clean"));
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const std::set<std::string> cited = CitedPages(*spec);
  EXPECT_EQ(cited.count("ddi/send.md"), 1u);
  EXPECT_EQ(cited.count("ddi/send.md#irp"), 0u);
  EXPECT_EQ(cited.count("guide/events.md"), 1u);  // only in a <reading>
}

// A spec citing `cited` pages, one function each.
void WriteSpec(const std::filesystem::path& dir,
               const std::vector<std::string>& cited) {
  std::string body;
  int n = 0;
  for (const std::string& page : cited) {
    const std::string id = "WskF" + std::to_string(++n);
    body += "<function id=\"" + id + "\" name=\"" + id + "\" source=\"" +
            page + "\"><clause id=\"" + id +
            ".C\" strength=\"MUST\" side=\"provider\" source=\"" + page +
            "\"><text>t</text></clause></function>\n";
  }
  WriteFile(dir / "spec.xml", SpecDocument(body));
}

TEST(SpecCoverageTest, UncitedApiPagesAreListedAndFail) {
  ScratchDir docs, spec;
  WriteDocs(docs.path());
  WriteSpec(spec.path(), {"ddi/nc-wsk-pfn_wsk_send.md", "guide/so-keepalive.md",
                          "guide/closing-a-socket.md"});
  std::ostringstream out, err;
  EXPECT_EQ(RunSpecCoverage(spec.path(), docs.path(), out, err), kExitFindings);
  EXPECT_EQ(out.str(),
            "ddi/netioddk/nf-netioddk-nmrregisterclient.md: documents an API "
            "element that no spec element or clause cites\n"
            "guide/sio-wsk-query-inspect-id.md: documents an API element that "
            "no spec element or clause cites\n"
            "guide/wsk-cache-sd.md: documents an API element that no spec "
            "element or clause cites\n"
            "wdm/nf-wdm-iofreeirp.md: documents an API element that no spec "
            "element or clause cites\n"
            "2 of 6 API pages cited\n"
            "client clauses: 0 verifier-checked, 0 untestable, 0 neither\n");
  EXPECT_EQ(err.str(), "");
}

TEST(SpecCoverageTest, EveryApiPageCitedIsClean) {
  ScratchDir docs, spec;
  WriteDocs(docs.path());
  WriteSpec(spec.path(),
            {"ddi/nc-wsk-pfn_wsk_send.md",
             "ddi/netioddk/nf-netioddk-nmrregisterclient.md",
             "guide/sio-wsk-query-inspect-id.md", "guide/so-keepalive.md",
             "guide/wsk-cache-sd.md", "wdm/nf-wdm-iofreeirp.md#remarks"});
  std::ostringstream out, err;
  EXPECT_EQ(RunSpecCoverage(spec.path(), docs.path(), out, err), kExitClean);
  EXPECT_EQ(out.str(),
            "6 of 6 API pages cited\n"
            "client clauses: 0 verifier-checked, 0 untestable, 0 neither\n");
}

TEST(SpecCoverageTest, ClientClausesSplitByHowTheyAreChecked) {
  ScratchDir docs, spec;
  WriteDocs(docs.path());
  const std::string clause =
      "<clause strength=\"MUST\" side=\"client\" source=\"ddi/a.md\" ";
  WriteFile(spec.path() / "spec.xml",
            SpecDocument(
                "<topic id=\"T\">" + clause +
                "id=\"T.V\" checked-by=\"verifier\"><text>t</text></clause>" +
                clause +
                "id=\"T.U\" checked-by=\"untestable\" untestable-reason=\"r\">"
                "<text>t</text></clause>" +
                clause + "id=\"T.N1\"><text>t</text></clause>" + clause +
                "id=\"T.N2\" checked-by=\"case\"><text>t</text></clause>"
                "<clause id=\"T.P\" strength=\"MUST\" side=\"provider\" "
                "source=\"ddi/a.md\"><text>t</text></clause></topic>"));
  StatusOr<Spec> loaded = LoadSpecDir(spec.path(), "");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const ClientClauseSplit split = SplitClientClauses(*loaded);
  EXPECT_EQ(split.verifier, 1u);
  EXPECT_EQ(split.untestable, 1u);
  ASSERT_EQ(split.neither.size(), 2u);
  EXPECT_EQ(split.neither[0]->id, "T.N1");
  EXPECT_EQ(split.neither[1]->id, "T.N2");
  std::ostringstream out, err;
  RunSpecCoverage(spec.path(), docs.path(), out, err);
  EXPECT_NE(out.str().find("client clauses: 1 verifier-checked, 1 "
                           "untestable, 2 neither\n"),
            std::string::npos)
      << out.str();
}

TEST(SpecCoverageTest, MissingOrEmptyDocsFolderIsUnusable) {
  ScratchDir empty, spec;
  WriteSpec(spec.path(), {"ddi/a.md"});
  std::ostringstream out, err;
  EXPECT_EQ(RunSpecCoverage(spec.path(), empty.path() / "nowhere", out, err),
            kExitUnusable);
  EXPECT_NE(err.str().find("does not exist"), std::string::npos) << err.str();
  std::ostringstream out2, err2;
  EXPECT_EQ(RunSpecCoverage(spec.path(), empty.path(), out2, err2),
            kExitUnusable);
  EXPECT_NE(err2.str().find("no API pages"), std::string::npos) << err2.str();
}

}  // namespace
}  // namespace wskconf::conformance
