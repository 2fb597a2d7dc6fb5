// What a generated case knows about the clause it checks, passed to a check
// helper, and the properties every case records for the runner and the
// reports (keys fixed by the child protocol: clause, strength, spec_file,
// spec_line, family, expected, actual).
#ifndef WSKCONF_CONFORMANCE_CASE_INFO_H_
#define WSKCONF_CONFORMANCE_CASE_INFO_H_

#include <wsk.h>

#include <string>
#include <string_view>

namespace wskconf::conformance {

// The socket categories of WskSocket's Flags; kNone for cases that need no
// socket (registration, client-level calls).
enum class SocketCategory { kNone, kBasic, kListen, kDatagram, kConnection, kStream };

// "basic", "listen", ... ("none" for kNone).
std::string_view SocketCategoryName(SocketCategory category);
// The WSK_FLAG_*_SOCKET value of a category (0 for kBasic and kNone).
ULONG SocketCategoryFlags(SocketCategory category);

// <expect> of the clause, as the generator read it. Exactly one of
// has_status / status_class is set for a clause with an <expect>; neither
// for a clause without one (the helper then knows what to check).
struct CaseExpect {
  bool has_status = false;
  NTSTATUS status = 0;
  const char* status_class = "";  // success | pending | failure | success-or-pending
  const char* information = "";   // what IoStatus.Information must hold
  const char* completes = "";     // "true" | "false" | ""
};

// One generated case: the clause, where it is written, what it is about, and
// the variant (socket category and address family) it runs in.
struct CaseInfo {
  const char* clause_id = "";  // exact id, dots included
  const char* strength = "";   // MUST | SHOULD | MAY
  const char* spec_file = "";  // spec/<file>.xml
  int spec_line = 0;
  const char* element = "";  // function or element the clause is about
  // The element's `value` attribute (an option's or IOCTL's code, a flag's
  // value), or "" when it has none.
  const char* element_value = "";
  SocketCategory category = SocketCategory::kNone;
  ADDRESS_FAMILY address_family = 0;  // AF_INET, AF_INET6, or 0
  CaseExpect expect;
};

// Records clause, strength, spec_file, spec_line and family (= element) as
// properties of the running test. Call once, first, in every case.
void RecordClause(const CaseInfo& info);

// Records what the case expected and what it saw (status names, byte
// counts), shown in reports next to a failure. The last call wins.
void RecordExpectedActual(std::string_view expected, std::string_view actual);

// "Inet", "Inet6" (or "AnyFamily" for 0), as used in generated test names.
std::string_view AddressFamilyName(ADDRESS_FAMILY family);

}  // namespace wskconf::conformance

#endif  // WSKCONF_CONFORMANCE_CASE_INFO_H_
