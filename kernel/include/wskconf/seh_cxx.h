// The C++ form of __try/__except/__finally (see <wskconf/seh.h> for what is
// emulated and its limits): a try block plus a registration, so a raise
// throws wskconf::seh::Exception only when some __try can see it.
//
//   __try {B} __except(F) {H}  expands to
//   if (Scope s; true) try {B}
//   catch (Leave&) {} catch (Exception& e) { if (!e.Filter(F)) throw; }
//   if (Handler h; h) {H}
// and __finally {F} to `... catch (...) {save} for (Finally f; f.Once();) {F}`.
// libstdc++ uses `__try` as its own spelling of `try`: <exception> is
// included first, and this __try behaves as `try` in its code.
#ifndef WSKCONF_SEH_CXX_H_
#define WSKCONF_SEH_CXX_H_

#include <exception>
#include <type_traits>

#include <wskconf/seh.h>

namespace wskconf::seh {

// What a raise throws (default visibility: thrown by the runtime library,
// caught in driver code).
class __attribute__((visibility("default"))) Exception {
 public:
  explicit Exception(NTSTATUS code, PVOID address) {
    record_.ExceptionCode = code;
    record_.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    record_.ExceptionAddress = address;
  }
  NTSTATUS Code() const { return record_.ExceptionCode; }
  PEXCEPTION_POINTERS Pointers() {
    pointers_.ExceptionRecord = &record_;
    return &pointers_;
  }
  // The filter's value: true runs the handler. Any other value passes the
  // exception on; CONTINUE_EXECUTION turns it into
  // STATUS_NONCONTINUABLE_EXCEPTION first.
  bool Filter(LONG value);

 private:
  EXCEPTION_RECORD record_{};
  EXCEPTION_POINTERS pointers_{};
};

// What __leave throws; every __try of this form catches it first.
struct Leave {};

// Registers the __try for the duration of its block. constexpr, because
// libstdc++'s constexpr functions use __try too (never registered while
// constant-evaluated).
class Scope {
 public:
  constexpr Scope() {
    if (!std::is_constant_evaluated()) WskconfSehRegister(&registration_);
  }
  constexpr ~Scope() {
    if (!std::is_constant_evaluated()) WskconfSehUnregister(&registration_);
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  WSKCONF_SEH_REGISTRATION registration_{nullptr, WSKCONF_SEH_KIND_CXX};
};

// Hands the caught exception's code from the catch clause to the handler
// block that follows it (per thread; taken at once).
__attribute__((visibility("default"))) void SetPending(const Exception* e);
__attribute__((visibility("default"))) bool TakePending(NTSTATUS* code);
__attribute__((visibility("default"))) void SetPendingUnwind(
    std::exception_ptr e);
__attribute__((visibility("default"))) std::exception_ptr TakePendingUnwind();

class Handler {
 public:
  Handler() : due_(TakePending(&code_)) {}
  explicit operator bool() const { return due_; }
  NTSTATUS Code() const { return code_; }

 private:
  NTSTATUS code_ = 0;
  bool due_;
};

class Finally {
 public:
  Finally() : unwinding_(TakePendingUnwind()) {}
  // True once, for the __finally block; then rethrows what was passing.
  bool Once() {
    if (!ran_) return ran_ = true;
    if (unwinding_) {
      std::exception_ptr e = unwinding_;
      unwinding_ = nullptr;
      std::rethrow_exception(e);
    }
    return false;
  }
  bool Abnormal() const { return static_cast<bool>(unwinding_); }

 private:
  std::exception_ptr unwinding_;
  bool ran_ = false;
};

}  // namespace wskconf::seh

inline NTSTATUS WskconfSehCode(const wskconf::seh::Exception* e) {
  return e->Code();
}
inline NTSTATUS WskconfSehCode(const wskconf::seh::Handler* h) {
  return h->Code();
}
inline PEXCEPTION_POINTERS WskconfSehPointers(wskconf::seh::Exception* e) {
  return e->Pointers();
}
inline BOOLEAN WskconfSehAbnormal(const wskconf::seh::Finally* f) {
  return f->Abnormal();
}

#undef __try
#define __try if (::wskconf::seh::Scope wskconf_seh_scope_; true) try
#define __except(...)                                                 \
  catch (const ::wskconf::seh::Leave&) {                              \
  }                                                                   \
  catch (::wskconf::seh::Exception & wskconf_seh_ctx_) {              \
    if (!wskconf_seh_ctx_.Filter((LONG)(__VA_ARGS__))) throw;         \
    ::wskconf::seh::SetPending(&wskconf_seh_ctx_);                    \
  }                                                                   \
  if (::wskconf::seh::Handler wskconf_seh_ctx_; wskconf_seh_ctx_)
#define __finally                                                      \
  catch (const ::wskconf::seh::Leave&) {                               \
  }                                                                    \
  catch (...) {                                                        \
    ::wskconf::seh::SetPendingUnwind(std::current_exception());        \
  }                                                                    \
  for (::wskconf::seh::Finally wskconf_seh_ctx_; wskconf_seh_ctx_.Once();)
#define __leave throw ::wskconf::seh::Leave()

#endif  // WSKCONF_SEH_CXX_H_
