// Structured exception handling (<wskconf/seh.h>): the per-thread list of
// active __try registrations, raising to the innermost one (a siglongjmp to
// a C frame, a C++ exception for a C++ __try), and the fault signals that
// become exceptions inside a C __try.
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>

#include <wdm.h>

namespace wskconf::kernel::internal {
namespace {

// initial-exec: the signal handler reads it without a TLS allocation.
__thread WSKCONF_SEH_REGISTRATION* t_top
    __attribute__((tls_model("initial-exec"))) = nullptr;
thread_local const wskconf::seh::Exception* t_pending = nullptr;
thread_local NTSTATUS t_pending_code = 0;
thread_local std::exception_ptr t_pending_unwind;

constexpr int kFaultSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct sigaction g_previous[sizeof(kFaultSignals) / sizeof(int)];
std::once_flag g_signals_once;

[[noreturn]] void Unhandled(const EXCEPTION_RECORD& record) {
  KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED,
               static_cast<ULONG_PTR>(static_cast<ULONG>(record.ExceptionCode)),
               reinterpret_cast<ULONG_PTR>(record.ExceptionAddress), 0, 0);
}

[[noreturn]] void JumpToFrame(WSKCONF_SEH_FRAME* frame,
                              const EXCEPTION_RECORD& record) {
  t_top = frame->Registration.Previous;
  frame->Record = record;
  frame->Record.ExceptionRecord = nullptr;
  frame->Pointers.ExceptionRecord = &frame->Record;
  frame->Pointers.ContextRecord = nullptr;
  frame->Phase = WSKCONF_SEH_PHASE_RAISED;
  siglongjmp(frame->Jump, 1);
}

// Delivers the exception to the innermost registration; never returns.
[[noreturn]] void Raise(const EXCEPTION_RECORD& record) {
  WSKCONF_SEH_REGISTRATION* top = t_top;
  if (top == nullptr) Unhandled(record);
  if (top->Kind == WSKCONF_SEH_KIND_C) {
    JumpToFrame(reinterpret_cast<WSKCONF_SEH_FRAME*>(top), record);
  }
  throw wskconf::seh::Exception(record.ExceptionCode, record.ExceptionAddress);
}

[[noreturn]] void RaiseStatus(NTSTATUS status, void* address) {
  EXCEPTION_RECORD record{};
  record.ExceptionCode = status;
  record.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
  record.ExceptionAddress = address;
  Raise(record);
}

NTSTATUS StatusOfSignal(int signal) {
  switch (signal) {
    case SIGFPE:
      return STATUS_INTEGER_DIVIDE_BY_ZERO;
    case SIGILL:
      return STATUS_ILLEGAL_INSTRUCTION;
    default:
      return STATUS_ACCESS_VIOLATION;
  }
}

// Hands the previous disposition the fault: its handler, or (default or
// ignore) that disposition reinstated, so the faulting instruction runs again
// and ends the process as it would have without us.
void Chain(int signal, siginfo_t* info, void* context) {
  for (size_t i = 0; i < sizeof(kFaultSignals) / sizeof(int); ++i) {
    if (kFaultSignals[i] != signal) continue;
    const struct sigaction& previous = g_previous[i];
    if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction != nullptr) {
      previous.sa_sigaction(signal, info, context);
    } else if (previous.sa_handler != SIG_DFL &&
               previous.sa_handler != SIG_IGN) {
      previous.sa_handler(signal);
    } else {
      sigaction(signal, &previous, nullptr);
    }
    return;
  }
}

void OnFault(int signal, siginfo_t* info, void* context) {
  WSKCONF_SEH_REGISTRATION* top = t_top;
  if (top == nullptr || top->Kind != WSKCONF_SEH_KIND_C) {
    Chain(signal, info, context);
    return;
  }
  EXCEPTION_RECORD record{};
  record.ExceptionCode = StatusOfSignal(signal);
  record.ExceptionAddress = info->si_addr;
  record.NumberParameters = 2;
  record.ExceptionInformation[1] = reinterpret_cast<ULONG_PTR>(info->si_addr);
  JumpToFrame(reinterpret_cast<WSKCONF_SEH_FRAME*>(top), record);
}

// WSKCONF_SEH_SIGNALS=0 leaves the fault signals alone.
void InstallFaultHandlers() {
  const char* setting = std::getenv("WSKCONF_SEH_SIGNALS");
  if (setting != nullptr && std::strcmp(setting, "0") == 0) return;
  for (size_t i = 0; i < sizeof(kFaultSignals) / sizeof(int); ++i) {
    struct sigaction action {};
    action.sa_sigaction = OnFault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(kFaultSignals[i], &action, &g_previous[i]);
  }
}

// Passes the exception in `frame` on to the next registration.
[[noreturn]] void PassOn(WSKCONF_SEH_FRAME* frame) {
  frame->Phase = WSKCONF_SEH_PHASE_DONE;
  Raise(frame->Record);
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

VOID WskconfSehRegister(WSKCONF_SEH_REGISTRATION* Registration) {
  if (Registration->Kind == WSKCONF_SEH_KIND_C) {
    std::call_once(internal::g_signals_once, internal::InstallFaultHandlers);
  }
  Registration->Previous = internal::t_top;
  internal::t_top = Registration;
}

VOID WskconfSehUnregister(WSKCONF_SEH_REGISTRATION* Registration) {
  for (WSKCONF_SEH_REGISTRATION** link = &internal::t_top; *link != nullptr;
       link = &(*link)->Previous) {
    if (*link == Registration) {
      *link = Registration->Previous;
      return;
    }
  }
}

BOOLEAN WskconfSehHandlerActive(VOID) { return internal::t_top != nullptr; }

BOOLEAN WskconfSehStep(WSKCONF_SEH_FRAME* Frame) {
  switch (Frame->Phase) {
    case WSKCONF_SEH_PHASE_START:  // the frame is all zeros
      Frame->Registration.Kind = WSKCONF_SEH_KIND_C;
      Frame->Phase = WSKCONF_SEH_PHASE_BODY;
      WskconfSehRegister(&Frame->Registration);
      return TRUE;
    case WSKCONF_SEH_PHASE_BODY:  // the block ended, or __leave
      WskconfSehUnregister(&Frame->Registration);
      Frame->Phase = WSKCONF_SEH_PHASE_ENDED;
      return TRUE;
    case WSKCONF_SEH_PHASE_RAISED:     // no __except or __finally took it
    case WSKCONF_SEH_PHASE_UNWINDING:  // the __finally block ran
      internal::PassOn(Frame);
    default:
      Frame->Phase = WSKCONF_SEH_PHASE_DONE;
      return FALSE;
  }
}

BOOLEAN WskconfSehFilter(WSKCONF_SEH_FRAME* Frame, LONG Value) {
  if (Value > 0) {
    Frame->Phase = WSKCONF_SEH_PHASE_HANDLING;
    return TRUE;
  }
  if (Value < 0) {
    Frame->Record.ExceptionCode = STATUS_NONCONTINUABLE_EXCEPTION;
  }
  internal::PassOn(Frame);
}

VOID WskconfSehFrameCleanup(WSKCONF_SEH_FRAME* Frame) {
  if (Frame->Phase == WSKCONF_SEH_PHASE_BODY) {
    WskconfSehUnregister(&Frame->Registration);
  }
}

namespace wskconf::seh {

bool Exception::Filter(LONG value) {
  if (value > 0) return true;
  if (value < 0) record_.ExceptionCode = STATUS_NONCONTINUABLE_EXCEPTION;
  return false;
}

void SetPending(const Exception* e) {
  internal::t_pending = e;
  internal::t_pending_code = e->Code();
}

bool TakePending(NTSTATUS* code) {
  if (internal::t_pending == nullptr) return false;
  internal::t_pending = nullptr;
  *code = internal::t_pending_code;
  return true;
}

void SetPendingUnwind(std::exception_ptr e) {
  internal::t_pending_unwind = std::move(e);
}

std::exception_ptr TakePendingUnwind() {
  return std::exchange(internal::t_pending_unwind, nullptr);
}

}  // namespace wskconf::seh

VOID ExRaiseStatus(NTSTATUS Status) {
  internal::RaiseStatus(Status, __builtin_return_address(0));
}

VOID RtlRaiseStatus(NTSTATUS Status) {
  internal::RaiseStatus(Status, __builtin_return_address(0));
}

VOID ExRaiseAccessViolation(VOID) {
  internal::RaiseStatus(STATUS_ACCESS_VIOLATION, __builtin_return_address(0));
}

VOID ExRaiseDatatypeMisalignment(VOID) {
  internal::RaiseStatus(STATUS_DATATYPE_MISALIGNMENT,
                        __builtin_return_address(0));
}

VOID RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord) {
  if (ExceptionRecord == nullptr) {
    internal::RaiseStatus(STATUS_INVALID_PARAMETER,
                          __builtin_return_address(0));
  }
  internal::Raise(*ExceptionRecord);
}

namespace wskconf::kernel::internal {
namespace {

// The checks both probes share (see <wskconf/seh.h>).
void Probe(std::uintptr_t address, SIZE_T length, ULONG alignment) {
  if (length == 0) return;
  if (alignment != 0 && (address & (alignment - 1)) != 0) {
    RaiseStatus(STATUS_DATATYPE_MISALIGNMENT, __builtin_return_address(0));
  }
  constexpr std::uintptr_t kLowestValid = 0x10000;
  if (address < kLowestValid || address + length < address) {
    RaiseStatus(STATUS_ACCESS_VIOLATION, __builtin_return_address(0));
  }
}

}  // namespace
}  // namespace wskconf::kernel::internal

VOID ProbeForRead(const volatile VOID* Address, SIZE_T Length,
                  ULONG Alignment) {
  internal::Probe(reinterpret_cast<std::uintptr_t>(Address), Length,
                  Alignment);
}

VOID ProbeForWrite(volatile VOID* Address, SIZE_T Length, ULONG Alignment) {
  internal::Probe(reinterpret_cast<std::uintptr_t>(Address), Length,
                  Alignment);
}
