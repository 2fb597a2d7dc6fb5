// Tests of reports/src/junit_writer.cc: where each verdict lands in the
// strict and rich variants.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <tinyxml2.h>

#include "sample_run.h"
#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using tinyxml2::XMLElement;

class Parsed {
 public:
  explicit Parsed(const std::string& xml) {
    EXPECT_EQ(doc_.Parse(xml.c_str(), xml.size()), tinyxml2::XML_SUCCESS) << xml;
  }
  const XMLElement* Root() const { return doc_.RootElement(); }
  const XMLElement* Suite(std::string_view name) const {
    for (const XMLElement* s = Root()->FirstChildElement("testsuite"); s;
         s = s->NextSiblingElement("testsuite")) {
      if (name == s->Attribute("name")) return s;
    }
    ADD_FAILURE() << "no testsuite " << name;
    return nullptr;
  }
  const XMLElement* Case(std::string_view suite, std::string_view name) const {
    const XMLElement* s = Suite(suite);
    for (const XMLElement* c = s ? s->FirstChildElement("testcase") : nullptr; c;
         c = c->NextSiblingElement("testcase")) {
      if (name == c->Attribute("name")) return c;
    }
    ADD_FAILURE() << "no testcase " << suite << "." << name;
    return nullptr;
  }

 private:
  tinyxml2::XMLDocument doc_;
};

std::string Property(const XMLElement* parent, std::string_view name) {
  const XMLElement* list = parent->FirstChildElement("properties");
  for (const XMLElement* p = list ? list->FirstChildElement("property") : nullptr; p;
       p = p->NextSiblingElement("property")) {
    if (name == p->Attribute("name")) return p->Attribute("value");
  }
  return "<absent>";
}

TEST(StrictJUnitTest, SuitesSortedWithCountsAndNoRootAttributes) {
  Parsed xml(WriteStrictJUnit(testing::SampleRun()));
  EXPECT_EQ(xml.Root()->FirstAttribute(), nullptr);
  std::vector<std::string> names;
  for (const XMLElement* s = xml.Root()->FirstChildElement(); s; s = s->NextSiblingElement()) {
    names.push_back(s->Attribute("name"));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Registration", "WskBind", "WskSend"}));
  const XMLElement* bind = xml.Suite("WskBind");
  EXPECT_STREQ(bind->Attribute("tests"), "3");
  EXPECT_STREQ(bind->Attribute("failures"), "0");
  EXPECT_STREQ(bind->Attribute("errors"), "1");
  EXPECT_STREQ(bind->Attribute("skipped"), "1");
  EXPECT_STREQ(bind->Attribute("time"), "0.251");
  EXPECT_STREQ(bind->Attribute("id"), "1");
  EXPECT_STREQ(bind->Attribute("timestamp"), "1970-01-01T00:00:00");
  EXPECT_STREQ(bind->Attribute("hostname"), "localhost");
  EXPECT_EQ(Property(bind, "adapter"), "reference");
  EXPECT_EQ(Property(bind, "policy"), "random:42");
  EXPECT_EQ(Property(bind, "warnings"), "1");
}

TEST(StrictJUnitTest, TestcasesCarryOnlyNameClassnameTime) {
  Parsed xml(WriteStrictJUnit(testing::SampleRun()));
  const XMLElement* c = xml.Case("WskSend", "WSK_Send_0002/Tcp_Inet6");
  int count = 0;
  for (const tinyxml2::XMLAttribute* a = c->FirstAttribute(); a; a = a->Next()) ++count;
  EXPECT_EQ(count, 3);
  EXPECT_STREQ(c->Attribute("classname"), "WskSend");
  EXPECT_STREQ(c->Attribute("time"), "0.011");
  EXPECT_EQ(c->FirstChildElement("properties"), nullptr);
  EXPECT_EQ(c->FirstChildElement("system-out"), nullptr);
}

TEST(StrictJUnitTest, FailureShowsClauseMessageAndExpectedAgainstActual) {
  Parsed xml(WriteStrictJUnit(testing::SampleRun()));
  const XMLElement* failure =
      xml.Case("WskSend", "WSK_Send_0002/Tcp_Inet6")->FirstChildElement("failure");
  ASSERT_NE(failure, nullptr);
  EXPECT_STREQ(failure->Attribute("type"), "MUST WSK.Send.0002");
  EXPECT_STREQ(failure->Attribute("message"),
               "WskSend with a NULL Irp returned the wrong status");
  EXPECT_THAT(failure->GetText(), HasSubstr("at spec/socket-connection.xml:131"));
  EXPECT_THAT(failure->GetText(), HasSubstr("expected: STATUS_INVALID_PARAMETER\n"));
  EXPECT_THAT(failure->GetText(), HasSubstr("actual:   STATUS_SUCCESS\n"));
  EXPECT_THAT(failure->GetText(), HasSubstr("--- output ---\n[ RUN      ]"));
  const XMLElement* plain =
      xml.Case("Registration", "HarnessSelfCheck")->FirstChildElement("failure");
  ASSERT_NE(plain, nullptr);
  EXPECT_STREQ(plain->Attribute("type"), "FAIL");
}

TEST(StrictJUnitTest, SkipErrorAndPassPlacement) {
  Parsed xml(WriteStrictJUnit(testing::SampleRun()));
  const XMLElement* skipped =
      xml.Case("WskBind", "WSK_Bind_0008/Udp_Inet")->FirstChildElement("skipped");
  ASSERT_NE(skipped, nullptr);
  EXPECT_THAT(skipped->Attribute("message"), StartsWith("not supported: "));
  EXPECT_EQ(skipped->Attribute("type"), nullptr);  // the Ant schema has none
  const XMLElement* error =
      xml.Case("WskBind", "WSK_Bind_0009/Udp_Inet")->FirstChildElement("error");
  ASSERT_NE(error, nullptr);
  EXPECT_STREQ(error->Attribute("type"), "ERROR");
  EXPECT_STREQ(error->Attribute("message"), "crash: signal 11 (SIGSEGV)");
  EXPECT_EQ(xml.Case("WskSend", "WSK_Send_0001/Tcp_Inet")->FirstChildElement(), nullptr);
}

TEST(StrictJUnitTest, WarnIsAPassingCasePlusALineInTheSuiteOutput) {
  Parsed xml(WriteStrictJUnit(testing::SampleRun()));
  EXPECT_EQ(xml.Case("WskBind", "WSK_Bind_0007/Udp_Inet")->FirstChildElement(), nullptr);
  EXPECT_STREQ(xml.Suite("WskBind")->FirstChildElement("system-out")->GetText(),
               "[WARN] WskBind.WSK_Bind_0007/Udp_Inet: SHOULD clause WSK.Bind.0007 "
               "not met: Information was 4, Windows leaves 0\n");
}

TEST(StrictJUnitTest, OptionsSetTimestampAndHostname) {
  Parsed xml(WriteStrictJUnit(testing::SampleRun(),
                              {.timestamp = "2026-11-30T12:00:00", .hostname = "ci-7"}));
  EXPECT_STREQ(xml.Suite("WskSend")->Attribute("timestamp"), "2026-11-30T12:00:00");
  EXPECT_STREQ(xml.Suite("WskSend")->Attribute("hostname"), "ci-7");
}

TEST(StrictJUnitTest, EmptyRunStillNamesAdapterAndPolicy) {
  RunResult run{.adapter = "reference", .policy = "pend", .cases = {}};
  Parsed xml(WriteStrictJUnit(run));
  const XMLElement* suite = xml.Root()->FirstChildElement("testsuite");
  ASSERT_NE(suite, nullptr);
  EXPECT_STREQ(suite->Attribute("tests"), "0");
  EXPECT_EQ(Property(suite, "adapter"), "reference");
}

TEST(StrictJUnitTest, OutputDoesNotDependOnCaseOrder) {
  RunResult run = testing::SampleRun();
  const std::string before = WriteStrictJUnit(run);
  std::reverse(run.cases.begin(), run.cases.end());
  EXPECT_EQ(WriteStrictJUnit(run), before);
}

TEST(RichJUnitTest, CasesPointAtTheClauseAndCarryProperties) {
  Parsed xml(WriteRichJUnit(testing::SampleRun()));
  const XMLElement* c = xml.Case("WskSend", "WSK_Send_0002/Tcp_Inet6");
  EXPECT_STREQ(c->Attribute("file"), "spec/socket-connection.xml");
  EXPECT_STREQ(c->Attribute("line"), "131");
  EXPECT_EQ(Property(c, "clause"), "WSK.Send.0002");
  EXPECT_EQ(Property(c, "strength"), "MUST");
  EXPECT_EQ(Property(c, "family"), "WskSend");
  EXPECT_EQ(Property(c, "adapter"), "reference");
  EXPECT_EQ(Property(c, "policy"), "random:42");
  EXPECT_EQ(Property(c, "verdict"), "fail");
  EXPECT_EQ(Property(c, "expected"), "STATUS_INVALID_PARAMETER");
  EXPECT_EQ(Property(c, "actual"), "STATUS_SUCCESS");
  EXPECT_STREQ(c->FirstChildElement("system-out")->GetText(),
               "[ RUN      ] WskSend.WSK_Send_0002/Tcp_Inet6\n");
  EXPECT_THAT(c->FirstChildElement("failure")->GetText(),
              ::testing::Not(HasSubstr("--- output ---")));
}

TEST(RichJUnitTest, WarnIsVisibleInTheCaseOutputAndAsAProperty) {
  Parsed xml(WriteRichJUnit(testing::SampleRun()));
  const XMLElement* c = xml.Case("WskBind", "WSK_Bind_0007/Udp_Inet");
  EXPECT_EQ(Property(c, "verdict"), "warn");
  EXPECT_EQ(c->FirstChildElement("failure"), nullptr);
  EXPECT_THAT(c->FirstChildElement("system-out")->GetText(),
              StartsWith("[WARN] WskBind.WSK_Bind_0007/Udp_Inet: SHOULD clause"));
}

TEST(RichJUnitTest, CaseWithoutClauseHasNoFileLineOrClauseProperty) {
  Parsed xml(WriteRichJUnit(testing::SampleRun()));
  const XMLElement* c = xml.Case("Registration", "HarnessSelfCheck");
  EXPECT_EQ(c->Attribute("file"), nullptr);
  EXPECT_EQ(c->Attribute("line"), nullptr);
  EXPECT_EQ(Property(c, "clause"), "<absent>");
}

TEST(JUnitEscapingTest, EveryByteSurvivesAsTextOrVisibleEscape) {
  RunResult run = testing::SampleRun();
  run.cases[1].message = testing::EveryByte();
  const std::string xml = WriteStrictJUnit(run);
  Parsed parsed(xml);
  const XMLElement* failure = parsed.Case("WskSend", "WSK_Send_0002/Tcp_Inet6")
                                  ->FirstChildElement("failure");
  // Attribute values keep tab, LF and CR as written (character references).
  EXPECT_EQ(std::string(failure->Attribute("message")), SanitizeForXml(testing::EveryByte()));
  EXPECT_THAT(xml, HasSubstr("\\x00\\x01"));
  EXPECT_THAT(xml, HasSubstr("&#9;&#10;\\x0B\\x0C&#13;"));
  EXPECT_THAT(xml, HasSubstr("&quot;#$%&amp;'()"));
}

}  // namespace
}  // namespace wskconf::reports
