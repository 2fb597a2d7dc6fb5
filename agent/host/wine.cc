// Finding Wine and keeping wskconf's prefix.
#include "wskconf/agent/wine.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "internal/child_process.h"

namespace wskconf::agent {
namespace {

using conformance::FailedPreconditionError;
using conformance::InternalError;
using conformance::OkStatus;
using conformance::Status;

constexpr auto kWinebootTimeout = std::chrono::minutes(3);

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

bool Executable(const std::string& path) {
  return !path.empty() && access(path.c_str(), X_OK) == 0;
}

std::string Locate(const char* env_name, const char* program) {
  std::string path = Env(env_name);
  if (!path.empty()) return path;
  path = std::string("/usr/lib/wine/") + program;
  if (Executable(path)) return path;
  std::string dirs = Env("PATH");
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (Executable(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

// What a blocking flock in a helper thread reports back. flock has no
// timeout of its own; the thread waits, the caller waits on it with one.
struct LockAttempt {
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  bool abandoned = false;  // the caller gave up: the thread closes the fd
  int result = -1;
  int error = 0;  // flock's errno, as its thread saw it
};

// Takes an exclusive flock on `path`, waiting up to `timeout` for another
// holder to let go.
conformance::StatusOr<int> Lock(const std::string& path,
                                std::chrono::milliseconds timeout) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return FailedPreconditionError(
        fmt::format("{}: cannot open lock file: {}", path, std::strerror(errno)));
  }
  auto attempt = std::make_shared<LockAttempt>();
  std::thread([fd, attempt] {
    int result;
    do {
      result = flock(fd, LOCK_EX);
    } while (result != 0 && errno == EINTR);
    const int error = result != 0 ? errno : 0;
    std::lock_guard lock(attempt->mu);
    attempt->done = true;
    attempt->result = result;
    attempt->error = error;
    if (attempt->abandoned) close(fd);
    attempt->done_cv.notify_all();
  }).detach();
  std::unique_lock lock(attempt->mu);
  if (!attempt->done_cv.wait_for(lock, timeout, [&] { return attempt->done; })) {
    attempt->abandoned = true;
    return FailedPreconditionError(fmt::format(
        "{}: another wskconf process holds the Wine prefix", path));
  }
  if (attempt->result != 0) {
    close(fd);
    return FailedPreconditionError(
        fmt::format("{}: flock: {}", path, std::strerror(attempt->error)));
  }
  return fd;
}

}  // namespace

conformance::StatusOr<WineTools> FindWine() {
  WineTools tools{Locate("WSKCONF_WINE64", "wine64"),
                  Locate("WSKCONF_WINESERVER", "wineserver")};
  if (!Executable(tools.wine64) || !Executable(tools.wineserver)) {
    return FailedPreconditionError(
        "wine64/wineserver not found in $WSKCONF_WINE64/$WSKCONF_WINESERVER, "
        "/usr/lib/wine or PATH: install Debian's wine64 (scripts/setup.sh)");
  }
  return tools;
}

std::string DefaultPrefixDir() {
  if (!Env("WSKCONF_WINE_PREFIX").empty()) return Env("WSKCONF_WINE_PREFIX");
  std::string cache = Env("XDG_CACHE_HOME");
  if (cache.empty()) cache = Env("HOME") + "/.cache";
  return cache + "/wskconf/wine-prefix";
}

WinePrefix::WinePrefix(WineTools tools, std::string dir, int lock_fd)
    : tools_(std::move(tools)), dir_(std::move(dir)), lock_fd_(lock_fd) {}

WinePrefix::~WinePrefix() {
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

conformance::StatusOr<std::unique_ptr<WinePrefix>> WinePrefix::Open(
    WineTools tools, std::string dir, std::chrono::milliseconds lock_timeout) {
  std::error_code error;
  std::filesystem::path path(dir);
  std::filesystem::create_directories(path.parent_path(), error);
  if (error) {
    return FailedPreconditionError(fmt::format(
        "{}: cannot create its parent folder: {}", dir, error.message()));
  }
  auto fd = Lock(dir + ".lock", lock_timeout);
  if (!fd.ok()) return fd.status();
  std::unique_ptr<WinePrefix> prefix(
      new WinePrefix(std::move(tools), std::move(dir), *fd));
  WSKCONF_RETURN_IF_ERROR(prefix->Initialize());
  return prefix;
}

std::vector<std::string> WinePrefix::Environment() const {
  return {"WINEPREFIX=" + dir_, "WINEDEBUG=-all",
          "WINEDLLOVERRIDES=mscoree,mshtml="};
}

Status WinePrefix::Initialize() const {
  if (access((dir_ + "/system.reg").c_str(), R_OK) != 0) {
    internal::ChildOptions boot{{tools_.wine64, "wineboot", "-i"},
                                Environment(), {"DISPLAY"}};
    auto status = internal::RunToEnd(boot, kWinebootTimeout);
    if (!status.ok()) return status.status();
    if (*status != 0) {
      return InternalError(fmt::format(
          "{}: wineboot -i failed ({})", dir_,
          internal::ChildProcess::DescribeStatus(*status)));
    }
    // Starting a service before first-boot setup ends fails with "service
    // database locked" (1055).
    return WaitIdle(kWinebootTimeout);
  }
  // We hold the prefix's lock, so whatever still runs in it was left by a
  // wskconf process that died (a relay, winedevice.exe with the agent
  // loaded): end it, so this session starts from a clean Wine.
  return Kill();
}

Status WinePrefix::WaitIdle(std::chrono::milliseconds timeout) const {
  internal::ChildOptions wait{{tools_.wineserver, "-w"}, Environment(),
                              {"DISPLAY"}};
  auto status = internal::RunToEnd(wait, timeout);
  if (!status.ok()) return status.status();
  return OkStatus();
}

Status WinePrefix::Kill() const {
  internal::ChildOptions kill{{tools_.wineserver, "-k"}, Environment(),
                              {"DISPLAY"}};
  auto status = internal::RunToEnd(kill, std::chrono::seconds(30));
  return status.ok() ? OkStatus() : status.status();
}

}  // namespace wskconf::agent
