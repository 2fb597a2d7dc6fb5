// ProbeAdapter: open an adapter and register with it in a forked child, so
// that a crash, a hang or a failure during registration becomes a one-line
// message for the caller instead of taking the caller down (loader.h).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <fmt/format.h>
#include <wskconf/ntstatus_names.h>

#include "wskconf/adapters/loader.h"

namespace wskconf::adapters {
namespace {

// ---- Child side: records on the pipe. ----
//   S<step>\n                 about to call <step>
//   E<kind>\n<message>\n      failed (kind: LoadErrorKind as a number)
//   O<abi>\n<has_info>\n then three <length>:<bytes> fields (name, version,
//   statement)                success

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string Field(const std::string& text) {
  return fmt::format("{}:{}", text.size(), text);
}

[[noreturn]] void ChildFail(int fd, LoadErrorKind kind, const std::string& message) {
  WriteAll(fd, fmt::format("E{}\n{}\n", static_cast<int>(kind), message));
  _exit(1);
}

[[noreturn]] void RunChild(int fd, const std::string& path) {
  WriteAll(fd, "Sdlopen\n");
  Result<LoadedAdapter> opened = OpenAdapter(path);
  if (!opened.ok()) ChildFail(fd, opened.error->kind, opened.error->message);
  const EntryPoints& e = opened.value->entry;
  static const WSK_CLIENT_DISPATCH kDispatch = {MAKE_WSK_VERSION(1, 0), 0, nullptr};
  WSK_CLIENT_NPI npi = {nullptr, &kDispatch};
  WSK_REGISTRATION registration = {};
  auto failed = [&](const char* step, NTSTATUS status) {
    ChildFail(fd, LoadErrorKind::kRegistrationFailed,
              fmt::format("{}: registration probe: {} returned {} (0x{:08X})", path,
                          step, WskconfNtStatusName(status),
                          static_cast<unsigned>(status)));
  };
  WriteAll(fd, "SWskRegister\n");
  NTSTATUS status = e.WskRegister(&npi, &registration);
  if (!NT_SUCCESS(status)) failed("WskRegister", status);
  WriteAll(fd, "SWskCaptureProviderNPI\n");
  WSK_PROVIDER_NPI provider = {};
  status = e.WskCaptureProviderNPI(&registration, 5000, &provider);
  if (!NT_SUCCESS(status)) failed("WskCaptureProviderNPI", status);
  if (provider.Dispatch == nullptr) {
    ChildFail(fd, LoadErrorKind::kRegistrationFailed,
              fmt::format("{}: registration probe: WskCaptureProviderNPI succeeded "
                          "but returned no provider dispatch table", path));
  }
  WriteAll(fd, "SWskQueryProviderCharacteristics\n");
  WSK_PROVIDER_CHARACTERISTICS characteristics = {};
  status = e.WskQueryProviderCharacteristics(&registration, &characteristics);
  if (!NT_SUCCESS(status)) failed("WskQueryProviderCharacteristics", status);
  WriteAll(fd, "SWskReleaseProviderNPI\n");
  e.WskReleaseProviderNPI(&registration);
  WriteAll(fd, "SWskDeregister\n");
  e.WskDeregister(&registration);
  const AdapterDescription& d = opened.value->description;
  WriteAll(fd, fmt::format("O{}\n{}\n{}{}{}", d.abi_version, d.has_info ? 1 : 0,
                           Field(d.name), Field(d.version), Field(d.statement)));
  _exit(0);
}

// ---- Parent side. ----

// Reads the child's records until EOF or the deadline; false on timeout.
bool ReadUntilEof(int fd, std::chrono::steady_clock::time_point deadline,
                  std::string& out) {
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p = {fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    out.append(buffer, static_cast<size_t>(n));
  }
}

// The last step the child announced ("S<step>\n" records).
std::string LastStep(const std::string& records) {
  std::string step = "loading";
  size_t pos = 0;
  while ((pos = records.find('S', pos)) != std::string::npos) {
    if (pos != 0 && records[pos - 1] != '\n') { ++pos; continue; }
    const size_t end = records.find('\n', pos);
    if (end == std::string::npos) break;
    step = records.substr(pos + 1, end - pos - 1);
    pos = end;
  }
  return step;
}

bool TakeField(const std::string& text, size_t& pos, std::string& out) {
  const size_t colon = text.find(':', pos);
  if (colon == std::string::npos) return false;
  const size_t size = std::stoul(text.substr(pos, colon - pos));
  if (colon + 1 + size > text.size()) return false;
  out = text.substr(colon + 1, size);
  pos = colon + 1 + size;
  return true;
}

Result<AdapterDescription> ParseOutcome(const std::string& path,
                                        const std::string& records) {
  const size_t error = records.rfind("\nE");
  const size_t ok = records.rfind("\nO");
  if (error != std::string::npos) {
    const size_t kind_end = records.find('\n', error + 2);
    const size_t message_end = records.find('\n', kind_end + 1);
    const int kind = std::stoi(records.substr(error + 2, kind_end - error - 2));
    return {{}, LoadError{static_cast<LoadErrorKind>(kind),
                          records.substr(kind_end + 1, message_end - kind_end - 1)}};
  }
  AdapterDescription d;
  size_t pos = ok + 2;
  const size_t abi_end = records.find('\n', pos);
  const size_t info_end = abi_end == std::string::npos ? abi_end : records.find('\n', abi_end + 1);
  if (ok == std::string::npos || info_end == std::string::npos) {
    return {{}, LoadError{LoadErrorKind::kRegistrationFailed,
                          fmt::format("{}: registration probe ended without a result", path)}};
  }
  d.abi_version = std::stoul(records.substr(pos, abi_end - pos));
  d.has_info = records[abi_end + 1] == '1';
  pos = info_end + 1;
  if (!TakeField(records, pos, d.name) || !TakeField(records, pos, d.version) ||
      !TakeField(records, pos, d.statement)) {
    return {{}, LoadError{LoadErrorKind::kRegistrationFailed,
                          fmt::format("{}: registration probe sent a truncated result", path)}};
  }
  return {std::move(d), std::nullopt};
}

}  // namespace

Result<AdapterDescription> ProbeAdapter(const std::string& path,
                                        std::chrono::milliseconds timeout) {
  if (std::optional<LoadError> bad = CheckElfFile(path)) return {{}, bad};
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return {{}, LoadError{LoadErrorKind::kRegistrationFailed,
                          fmt::format("{}: cannot probe: pipe: {}", path, strerror(errno))}};
  }
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {{}, LoadError{LoadErrorKind::kRegistrationFailed,
                          fmt::format("{}: cannot probe: fork: {}", path, strerror(errno))}};
  }
  if (pid == 0) {
    close(fds[0]);
    RunChild(fds[1], path);
  }
  close(fds[1]);
  std::string records = "\n";  // records then all start after a newline
  const bool finished =
      ReadUntilEof(fds[0], std::chrono::steady_clock::now() + timeout, records);
  close(fds[0]);
  if (!finished) kill(pid, SIGKILL);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  const std::string step = LastStep(records.substr(1));
  if (!finished) {
    return {{}, LoadError{LoadErrorKind::kRegistrationHung,
                          fmt::format("{}: registration probe hung in {} (killed after {} ms)",
                                      path, step, timeout.count())}};
  }
  if (WIFSIGNALED(wstatus)) {
    const int sig = WTERMSIG(wstatus);
    return {{}, LoadError{LoadErrorKind::kRegistrationCrashed,
                          fmt::format("{}: crashed with signal {} (SIG{}) in {} during the "
                                      "registration probe",
                                      path, sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
                                      step)}};
  }
  // An exit, even with status 0, before the child's outcome record.
  if (WIFEXITED(wstatus) && records.find("\nE") == std::string::npos &&
      (WEXITSTATUS(wstatus) != 0 || records.find("\nO") == std::string::npos)) {
    return {{}, LoadError{LoadErrorKind::kRegistrationFailed,
                          fmt::format("{}: the process exited with status {} in {} during "
                                      "the registration probe (an adapter must not exit)",
                                      path, WEXITSTATUS(wstatus), step)}};
  }
  return ParseOutcome(path, records);
}

}  // namespace wskconf::adapters
