// WPP tracing (<wskconf/wpp.h>): the WPP %!X! extensions on top of the
// Microsoft printf rules, printing when WSKCONF_WPP_PRINT=1.
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <wskconf/ke.h>
#include <wskconf/ntstatus_names.h>
#include <wskconf/wpp.h>

#include "internal/ms_format.h"

namespace wskconf::kernel::internal {
namespace {

std::atomic<ULONG> g_trace_count{0};
// WPP_INIT_TRACING minus WPP_CLEANUP calls: as on Windows, a trace made while
// no driver has tracing initialised goes nowhere.
std::atomic<LONG> g_initialised{0};
thread_local std::string t_last_message;

struct TraceSite {
  const char* file;
  ULONG line;
  const char* function;
  ULONG level;
  const char* flags;
};

// Appends the value of the WPP extension `name`, taking its argument.
void AppendExtension(std::string* out, const std::string& name,
                     const TraceSite& site, va_list* args) {
  char buffer[64];
  if (name == "FUNC") {
    out->append(site.function);
  } else if (name == "FILE") {
    const char* slash = std::strrchr(site.file, '/');
    out->append(slash != nullptr ? slash + 1 : site.file);
  } else if (name == "LINE") {
    out->append(std::to_string(site.line));
  } else if (name == "LEVEL") {
    out->append(std::to_string(site.level));
  } else if (name == "FLAGS") {
    out->append(site.flags);
  } else if (name == "STATUS") {
    char text[96];
    WskconfFormatNtStatus(va_arg(*args, NTSTATUS), text, sizeof(text));
    out->append(text);
  } else if (name == "HRESULT" || name == "WINERROR") {
    std::snprintf(buffer, sizeof(buffer), "0x%08X", va_arg(*args, unsigned));
    out->append(buffer);
  } else if (name == "bool") {
    out->append(va_arg(*args, int) ? "TRUE" : "FALSE");
  } else if (name == "GUID") {
    const GUID* g = va_arg(*args, const GUID*);
    if (g == nullptr) {
      out->append("(null)");
      return;
    }
    std::snprintf(buffer, sizeof(buffer),
                  "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1],
                  g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
                  g->Data4[6], g->Data4[7]);
    out->append(buffer);
  } else if (name == "IPADDR") {
    auto bytes = static_cast<ULONG>(va_arg(*args, unsigned));
    const auto* b = reinterpret_cast<const UCHAR*>(&bytes);
    std::snprintf(buffer, sizeof(buffer), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    out->append(buffer);
  } else if (name == "PORT") {
    auto port = static_cast<USHORT>(va_arg(*args, unsigned));
    out->append(std::to_string(static_cast<unsigned>(RtlUshortByteSwap(port))));
  } else {
    out->append("<" + name + ">");
  }
}

std::string FormatTrace(const TraceSite& site, const char* format,
                        va_list* args) {
  std::string out;
  std::string plain;
  for (const char* p = format; *p != 0;) {
    if (p[0] == '%' && p[1] == '%') {  // a literal percent stays escaped
      plain.append(p, 2);
      p += 2;
      continue;
    }
    const char* close =
        p[0] == '%' && p[1] == '!' ? std::strchr(p + 2, '!') : nullptr;
    if (close == nullptr) {
      plain.push_back(*p++);
      continue;
    }
    FormatMsAppend(&out, plain.c_str(), args);
    plain.clear();
    AppendExtension(&out, std::string(p + 2, close), site, args);
    p = close + 1;
  }
  FormatMsAppend(&out, plain.c_str(), args);
  return out;
}

bool PrintEnabled() {
  const char* setting = std::getenv("WSKCONF_WPP_PRINT");
  return setting != nullptr && std::strcmp(setting, "1") == 0;
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

VOID WskconfWppInitTracing(int, ...) { internal::g_initialised.fetch_add(1); }

VOID WskconfWppCleanup(int, ...) {
  LONG before = internal::g_initialised.load();
  while (before > 0 &&
         !internal::g_initialised.compare_exchange_weak(before, before - 1)) {
  }
}

VOID WskconfWppTrace(PCSTR File, ULONG Line, PCSTR Function, ULONG Level,
                     PCSTR Flags, PCSTR Format, ...) {
  if (internal::g_initialised.load() == 0) return;
  internal::TraceSite site{File != nullptr ? File : "?", Line,
                           Function != nullptr ? Function : "?", Level,
                           Flags != nullptr ? Flags : ""};
  va_list args;
  va_start(args, Format);
  std::string text = Format != nullptr
                         ? internal::FormatTrace(site, Format, &args)
                         : std::string();
  va_end(args);
  internal::g_trace_count.fetch_add(1);
  if (internal::PrintEnabled()) {
    std::fprintf(stderr, "[wpp %s %lu] %s\n", site.flags,
                 static_cast<unsigned long>(Level), text.c_str());
  }
  internal::t_last_message = std::move(text);
}

PCSTR WskconfWppLastMessage(VOID) { return internal::t_last_message.c_str(); }

ULONG WskconfWppTraceCount(VOID) { return internal::g_trace_count.load(); }
