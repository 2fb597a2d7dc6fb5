// Status and StatusOr<T> for wskconf's tooling (spec loader, lint, generator):
// Abseil's names and shapes, small enough to read in one sitting. Inside the
// WSK boundary NTSTATUS is used instead; these never cross it.
#ifndef WSKCONF_STATUS_H_
#define WSKCONF_STATUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace wskconf::conformance {

// What kind of failure a Status carries. Callers branch on ok() first and on
// the code only where they must (the CLI maps codes to exit codes).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the input is unusable (malformed XML, bad bytes)
  kNotFound,            // a file or folder that must exist does not
  kFailedPrecondition,  // the environment is not as required
  kResourceExhausted,   // a size limit was exceeded
  kInternal,            // a bug in wskconf
};

// The result of an operation that returns no value: ok, or an error with a
// lowercase message that names the file, line and what is wrong.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Marks a Status as deliberately ignored.
  void IgnoreError() const {}

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}
inline Status NotFoundError(std::string message) {
  return Status(StatusCode::kNotFound, std::move(message));
}
inline Status FailedPreconditionError(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message));
}
inline Status ResourceExhaustedError(std::string message) {
  return Status(StatusCode::kResourceExhausted, std::move(message));
}
inline Status InternalError(std::string message) {
  return Status(StatusCode::kInternal, std::move(message));
}

// A value of T, or the Status saying why there is none. Accessing value() of
// a non-ok StatusOr is a harness bug (asserted by std::get).
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // An error. An ok `status` carries no value, so it becomes kInternal (as
  // in Abseil) rather than an ok StatusOr without a value.
  StatusOr(Status status)  // NOLINT: implicit
      : data_(status.ok() ? InternalError("StatusOr built from an ok Status")
                          : std::move(status)) {}
  StatusOr(T value) : data_(std::move(value)) {}         // NOLINT: implicit

  bool ok() const { return std::holds_alternative<T>(data_); }
  Status status() const {
    return ok() ? OkStatus() : std::get<Status>(data_);
  }

  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> data_;
};

}  // namespace wskconf::conformance

// Returns from the enclosing function if `expr` (a Status) is not ok.
#define WSKCONF_RETURN_IF_ERROR(expr)                              \
  do {                                                             \
    ::wskconf::conformance::Status wskconf_status_ = (expr);       \
    if (!wskconf_status_.ok()) return wskconf_status_;             \
  } while (0)

#define WSKCONF_STATUS_CONCAT_INNER_(a, b) a##b
#define WSKCONF_STATUS_CONCAT_(a, b) WSKCONF_STATUS_CONCAT_INNER_(a, b)

// `WSKCONF_ASSIGN_OR_RETURN(auto x, F());` declares x from F()'s value, or
// returns F()'s Status from the enclosing function.
#define WSKCONF_ASSIGN_OR_RETURN(lhs, expr)                                    \
  auto WSKCONF_STATUS_CONCAT_(wskconf_statusor_, __LINE__) = (expr);          \
  if (!WSKCONF_STATUS_CONCAT_(wskconf_statusor_, __LINE__).ok())              \
    return WSKCONF_STATUS_CONCAT_(wskconf_statusor_, __LINE__).status();      \
  lhs = std::move(WSKCONF_STATUS_CONCAT_(wskconf_statusor_, __LINE__)).value()

#endif  // WSKCONF_STATUS_H_
