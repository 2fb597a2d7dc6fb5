/* wskconf_relay.exe: installs and starts the in-kernel agent as a
 * demand-start kernel-driver service, opens its device and carries protocol
 * messages between the runner (standard input/output, or one TCP
 * connection) and the agent (IOCTL_WSKA_SUBMIT, and a pending
 * IOCTL_WSKA_RECEIVE the agent completes when it has something to say).
 * When the runner closes its side, the relay closes the device (the agent
 * then undoes what was left open), stops and deletes the service.
 *
 *   wskconf_relay.exe [--driver PATH] [--tcp PORT [--any] [--serve]]
 *                     [--keep-service]
 *
 * With --serve the relay keeps the agent running and serves one TCP
 * connection after another (one at a time): each gets a fresh device
 * handle, so the agent undoes what the previous runner left open. It ends
 * when it is killed or the agent goes away. Before each connection it says
 * what the agent's tables still hold ("relay: agent leftovers: ...") and
 * after accepting one "relay: runner connected".
 *
 * Exit codes: 0 runner closed the channel; 2 bad command line; 3 service
 * or device could not be set up; 4 the agent went away (device I/O failed);
 * 5 the runner sent bytes that are not a protocol frame. Diagnostics go to
 * standard error, one line each, prefixed "relay:". */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wskconf_agent_ioctl.h"
#include "wskconf_agent_protocol.h"

enum { kExitOk = 0, kExitUsage = 2, kExitSetup = 3, kExitAgentLost = 4,
       kExitBadFrame = 5 };

typedef struct Options {
  char driver[MAX_PATH];
  int tcp_port; /* 0: standard input/output */
  int any_address;
  int keep_service;
  int serve; /* --serve: one TCP connection after another */
} Options;

static HANDLE device = INVALID_HANDLE_VALUE;
static SC_HANDLE service;
static int keep_service;
static SOCKET peer = INVALID_SOCKET;
static CRITICAL_SECTION write_lock;
static volatile LONG agent_lost;
/* The pump issues its receive and ServeRunner cancels it under this lock,
 * with closing_device set first: a receive is either issued before the
 * cancel (and cancelled by it) or not at all. Without it the pump could
 * issue one just after CancelIoEx, which then stays pending for ever and
 * the relay never stops. */
static CRITICAL_SECTION device_lock;
static volatile LONG closing_device;

static void Say(const char *what, DWORD error) {
  if (error != 0) {
    fprintf(stderr, "relay: %s (error %lu)\n", what, (unsigned long)error);
  } else {
    fprintf(stderr, "relay: %s\n", what);
  }
  fflush(stderr);
}

/* ---- The runner's side: stdin/stdout or one TCP connection. ---- */

static int ReadFully(void *buffer, DWORD size) {
  char *p = buffer;
  while (size > 0) {
    DWORD got = 0;
    if (peer != INVALID_SOCKET) {
      int n = recv(peer, p, (int)size, 0);
      if (n <= 0) return 0;
      got = (DWORD)n;
    } else if (!ReadFile(GetStdHandle(STD_INPUT_HANDLE), p, size, &got,
                         NULL) ||
               got == 0) {
      return 0;
    }
    p += got;
    size -= got;
  }
  return 1;
}

static int WriteFully(const void *buffer, DWORD size) {
  const char *p = buffer;
  int ok = 1;
  EnterCriticalSection(&write_lock);
  while (ok && size > 0) {
    DWORD put = 0;
    if (peer != INVALID_SOCKET) {
      int n = send(peer, p, (int)size, 0);
      ok = n > 0;
      put = ok ? (DWORD)n : 0;
    } else {
      ok = WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), p, size, &put, NULL) &&
           put > 0;
    }
    p += put;
    size -= put;
  }
  LeaveCriticalSection(&write_lock);
  return ok;
}

static SOCKET listener = INVALID_SOCKET;

static int ListenForRunner(const Options *o) {
  WSADATA wsa;
  struct sockaddr_in address;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 0;
  listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  memset(&address, 0, sizeof(address));
  address.sin_family = AF_INET;
  address.sin_port = htons((u_short)o->tcp_port);
  address.sin_addr.s_addr = htonl(o->any_address ? INADDR_ANY
                                                 : INADDR_LOOPBACK);
  if (listener == INVALID_SOCKET ||
      bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 ||
      listen(listener, 1) != 0) {
    Say("cannot listen on the TCP port", (DWORD)WSAGetLastError());
    return 0;
  }
  return 1;
}

static int AcceptRunner(void) {
  Say("waiting for the runner on TCP", 0);
  peer = accept(listener, NULL, NULL);
  return peer != INVALID_SOCKET;
}

/* ---- The service. ---- */

static SC_HANDLE InstallService(SC_HANDLE manager, const char *driver) {
  SERVICE_STATUS status;
  SC_HANDLE service = OpenServiceA(manager, WSKA_SERVICE_NAME,
                                   SERVICE_ALL_ACCESS);
  if (service != NULL) { /* left over by a relay that did not finish */
    ControlService(service, SERVICE_CONTROL_STOP, &status);
    DeleteService(service);
    CloseServiceHandle(service);
  }
  service = CreateServiceA(manager, WSKA_SERVICE_NAME, WSKA_SERVICE_NAME,
                           SERVICE_ALL_ACCESS, SERVICE_KERNEL_DRIVER,
                           SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, driver,
                           NULL, NULL, NULL, NULL, NULL);
  if (service == NULL) {
    Say("CreateService failed", GetLastError());
    return NULL;
  }
  if (!StartServiceA(service, 0, NULL) &&
      GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
    Say(GetLastError() == ERROR_SERVICE_DATABASE_LOCKED
            ? "StartService failed: service database locked (first-boot "
              "setup still running? wait for it: wineserver -w)"
            : "StartService failed",
        GetLastError());
    DeleteService(service);
    CloseServiceHandle(service);
    return NULL;
  }
  return service;
}

static void RemoveService(SC_HANDLE service, int keep) {
  SERVICE_STATUS status;
  if (service == NULL) return;
  if (!ControlService(service, SERVICE_CONTROL_STOP, &status)) {
    Say("stopping the agent failed", GetLastError());
  }
  if (!keep && !DeleteService(service)) {
    Say("deleting the service failed", GetLastError());
  }
  CloseServiceHandle(service);
}

/* ---- The agent's side. ---- */

/* DeviceIoControl on the overlapped device handle, waiting for the end. */
static BOOL Control(DWORD code, void *in, DWORD in_size, void *out,
                    DWORD out_size, DWORD *returned) {
  OVERLAPPED overlapped;
  BOOL ok;
  memset(&overlapped, 0, sizeof(overlapped));
  overlapped.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
  if (overlapped.hEvent == NULL) return FALSE;
  ok = DeviceIoControl(device, code, in, in_size, out, out_size, returned,
                       &overlapped);
  if (!ok && GetLastError() == ERROR_IO_PENDING) {
    ok = GetOverlappedResult(device, &overlapped, returned, TRUE);
  }
  CloseHandle(overlapped.hEvent);
  return ok;
}

/* One IOCTL_WSKA_RECEIVE, issued under device_lock unless the device is
 * closing (then it fails with ERROR_OPERATION_ABORTED at once). */
static BOOL ReceiveFromAgent(unsigned char *buffer, DWORD *got) {
  OVERLAPPED overlapped;
  HANDLE handle;
  BOOL ok, pending;
  memset(&overlapped, 0, sizeof(overlapped));
  overlapped.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
  if (overlapped.hEvent == NULL) return FALSE;
  EnterCriticalSection(&device_lock);
  handle = device;
  if (closing_device) {
    LeaveCriticalSection(&device_lock);
    CloseHandle(overlapped.hEvent);
    SetLastError(ERROR_OPERATION_ABORTED);
    return FALSE;
  }
  ok = DeviceIoControl(handle, IOCTL_WSKA_RECEIVE, NULL, 0, buffer,
                       WSKA_RECEIVE_BUFFER_SIZE, got, &overlapped);
  pending = !ok && GetLastError() == ERROR_IO_PENDING;
  LeaveCriticalSection(&device_lock);
  if (pending) ok = GetOverlappedResult(handle, &overlapped, got, TRUE);
  CloseHandle(overlapped.hEvent);
  return ok;
}

/* Agent to runner: keeps one IOCTL_WSKA_RECEIVE pending at all times. */
static DWORD WINAPI Pump(void *unused) {
  unsigned char *buffer = malloc(WSKA_RECEIVE_BUFFER_SIZE);
  (void)unused;
  while (buffer != NULL) {
    DWORD got = 0;
    if (!ReceiveFromAgent(buffer, &got)) {
      if (!closing_device) {
        /* winedevice.exe (or the driver) is gone: tell the runner by
         * ending, rather than leave it waiting on a silent channel. */
        InterlockedExchange(&agent_lost, 1);
        Say("receiving from the agent failed", GetLastError());
        RemoveService(service, keep_service);
        ExitProcess(kExitAgentLost);
      }
      break;
    }
    if (got != 0 && !WriteFully(buffer, got)) break;
  }
  free(buffer);
  return 0;
}

/* Runner to agent, one frame at a time, until the runner closes. */
static int Forward(void) {
  unsigned char *frame = malloc(WSKA_HEADER_SIZE + WSKA_MAX_PAYLOAD);
  int result = kExitOk;
  while (frame != NULL && ReadFully(frame, WSKA_HEADER_SIZE)) {
    uint32_t payload = 0;
    WSKA_RESULT check;
    DWORD ignored = 0;
    if (WskaPeekHeader(frame, WSKA_HEADER_SIZE, &payload, &check) !=
        WSKA_E_OK) {
      Say(check.text, 0); /* the stream has lost its framing */
      result = kExitBadFrame;
      break;
    }
    if (!ReadFully(frame + WSKA_HEADER_SIZE, payload)) break;
    if (!Control(IOCTL_WSKA_SUBMIT, frame, WSKA_HEADER_SIZE + payload, NULL,
                 0, &ignored)) {
      Say("submitting to the agent failed", GetLastError());
      result = kExitAgentLost;
      break;
    }
  }
  free(frame);
  if (agent_lost) result = kExitAgentLost;
  return result;
}

static int ParseOptions(int argc, char **argv, Options *o) {
  int i;
  char *slash;
  memset(o, 0, sizeof(*o));
  GetModuleFileNameA(NULL, o->driver, sizeof(o->driver));
  slash = strrchr(o->driver, '\\');
  if (slash == NULL) return 0;
  strcpy(slash + 1, "wskconf_agent.sys"); /* beside the relay */
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--driver") == 0 && i + 1 < argc) {
      if (GetFullPathNameA(argv[++i], sizeof(o->driver), o->driver, NULL) ==
          0) {
        return 0;
      }
    } else if (strcmp(argv[i], "--tcp") == 0 && i + 1 < argc) {
      o->tcp_port = atoi(argv[++i]);
      if (o->tcp_port <= 0 || o->tcp_port > 65535) return 0;
    } else if (strcmp(argv[i], "--any") == 0) {
      o->any_address = 1;
    } else if (strcmp(argv[i], "--serve") == 0) {
      o->serve = 1;
    } else if (strcmp(argv[i], "--keep-service") == 0) {
      o->keep_service = 1;
    } else {
      return 0;
    }
  }
  return o->serve == 0 || o->tcp_port != 0; /* --serve needs --tcp */
}

static HANDLE OpenDevice(void) {
  return CreateFileA(WSKA_WIN32_DEVICE_PATH, GENERIC_READ | GENERIC_WRITE, 0,
                     NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
}

/* Carries one runner's messages until it closes its side, then closes the
 * device handle (the agent undoes what the runner left open). */
static int ServeRunner(void) {
  HANDLE pump = CreateThread(NULL, 0, Pump, NULL, 0, NULL);
  HANDLE closing;
  int result;
  if (pump == NULL) return kExitSetup;
  result = Forward();
  Say("runner's side ended; cancelling the receive from the agent", 0);
  EnterCriticalSection(&device_lock);
  InterlockedExchange(&closing_device, 1); /* the pump's failure is expected */
  CancelIoEx(device, NULL);
  LeaveCriticalSection(&device_lock);
  WaitForSingleObject(pump, INFINITE);
  CloseHandle(pump);
  Say("receive from the agent ended", 0);
  /* Closed only now: the pump waited on it until its receive ended. */
  closing = device;
  device = INVALID_HANDLE_VALUE;
  CloseHandle(closing);
  InterlockedExchange(&closing_device, 0);
  return result;
}

/* One line on standard error with what the agent's tables hold now (after
 * the reset of the previous connection's handle): the runner reads it and
 * restarts Wine's side before a table runs out. Always one line per
 * connection, so the runner can tell the reset is done. */
static void ReportLeftovers(void) {
  WSKA_LEFTOVERS l;
  DWORD got = 0;
  memset(&l, 0, sizeof(l));
  if (!Control(IOCTL_WSKA_LEFTOVERS, NULL, 0, &l, sizeof(l), &got) ||
      got != sizeof(l)) {
    fprintf(stderr, "relay: agent leftovers: unknown (error %lu)\n",
            (unsigned long)GetLastError());
  } else {
    fprintf(stderr,
            "relay: agent leftovers: registrations %u/%u, sockets %u/%u, "
            "handles %u/%u, workers %u/%u\n",
            l.registrations, l.max_registrations, l.sockets, l.max_sockets,
            l.handles, l.max_handles, l.workers, l.max_workers);
  }
  fflush(stderr);
}

/* --serve: a fresh device handle per connection, until the agent is lost. */
static int ServeForever(void) {
  int result = kExitOk;
  for (;;) {
    if (device == INVALID_HANDLE_VALUE) device = OpenDevice();
    if (device == INVALID_HANDLE_VALUE) {
      Say("reopening the agent's device failed", GetLastError());
      return kExitAgentLost;
    }
    ReportLeftovers();
    if (!AcceptRunner()) return kExitSetup;
    Say("runner connected", 0);
    result = ServeRunner();
    closesocket(peer);
    peer = INVALID_SOCKET;
    if (result == kExitAgentLost) return result;
    Say("runner closed the connection", 0);
  }
}

int main(int argc, char **argv) {
  Options o;
  SC_HANDLE manager;
  int result;
  if (!ParseOptions(argc, argv, &o)) {
    fprintf(stderr, "usage: wskconf_relay.exe [--driver PATH] [--tcp PORT "
                    "[--any] [--serve]] [--keep-service]\n");
    return kExitUsage;
  }
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
  InitializeCriticalSection(&write_lock);
  InitializeCriticalSection(&device_lock);
  manager = OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS);
  if (manager == NULL) {
    Say("OpenSCManager failed", GetLastError());
    return kExitSetup;
  }
  keep_service = o.keep_service;
  service = InstallService(manager, o.driver);
  if (service == NULL) return kExitSetup;
  device = OpenDevice();
  if (device == INVALID_HANDLE_VALUE) {
    Say("opening the agent's device failed", GetLastError());
    RemoveService(service, o.keep_service);
    return kExitSetup;
  }
  Say("agent started", 0);
  if (o.tcp_port != 0 && !ListenForRunner(&o)) {
    result = kExitSetup;
  } else if (o.serve) {
    result = ServeForever();
  } else if (o.tcp_port != 0 && !AcceptRunner()) {
    result = kExitSetup;
  } else {
    result = ServeRunner();
  }
  if (listener != INVALID_SOCKET) closesocket(listener);
  if (device != INVALID_HANDLE_VALUE) CloseHandle(device);
  /* Each step of the stop says so: a relay that does not stop is reported
   * with these lines, which then name the step it is stuck in. */
  Say("stopping the agent service", 0);
  RemoveService(service, o.keep_service);
  CloseServiceHandle(manager);
  Say("done", 0);
  return result;
}
