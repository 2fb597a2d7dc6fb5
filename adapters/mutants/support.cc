// What every mutant shares: which fault it carries, the notes on IRPs in
// flight and the client side of each socket (internal/hooks.h).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <map>
#include <mutex>

#include "internal/hooks.h"

// The mutant's name, defined by its one-line select.cc build.
extern const char kWskconfMutantName[];

namespace wskconf::mutants {
namespace {

struct FaultName {
  Fault fault;
  const char* name;
};
constexpr FaultName kFaultNames[] = {
#define WSKCONF_FAULT(id, name) {Fault::id, name},
#include "internal/faults.inc"
#undef WSKCONF_FAULT
};

Fault FaultByName(const char* name) {
  for (const FaultName& entry : kFaultNames) {
    if (strcmp(entry.name, name) == 0) return entry.fault;
  }
  fprintf(stderr,
          "wskconf mutant: '%s' names no fault of adapters/mutants/internal/"
          "faults.inc (mutants.txt and the code disagree)\n",
          name);
  abort();
}

struct Notes {
  std::mutex mu;
  std::map<PIRP, IrpNote> irps;
  std::map<PWSK_SOCKET, ClientSide> sockets;
};

Notes& TheNotes() {
  static Notes* notes = new Notes;  // never destroyed: used until exit
  return *notes;
}

}  // namespace

Fault SelectedFault() {
  static const Fault fault = FaultByName(kWskconfMutantName);
  return fault;
}

void NoteIrp(PIRP irp, const IrpNote& note) {
  if (irp == nullptr) return;
  Notes& n = TheNotes();
  std::lock_guard<std::mutex> lock(n.mu);
  n.irps[irp] = note;
}

std::optional<IrpNote> TakeNote(PIRP irp) {
  Notes& n = TheNotes();
  std::lock_guard<std::mutex> lock(n.mu);
  auto it = n.irps.find(irp);
  if (it == n.irps.end()) return std::nullopt;
  IrpNote note = it->second;
  n.irps.erase(it);
  return note;
}

void ForgetIfFinal(PIRP irp, NTSTATUS returned) {
  if (irp == nullptr || returned == STATUS_PENDING) return;
  Notes& n = TheNotes();
  std::lock_guard<std::mutex> lock(n.mu);
  n.irps.erase(irp);
}

void RememberClient(PWSK_SOCKET socket, const ClientSide& client) {
  Notes& n = TheNotes();
  std::lock_guard<std::mutex> lock(n.mu);
  n.sockets[socket] = client;
}

std::optional<ClientSide> ClientOf(PWSK_SOCKET socket) {
  Notes& n = TheNotes();
  std::lock_guard<std::mutex> lock(n.mu);
  auto it = n.sockets.find(socket);
  if (it == n.sockets.end()) return std::nullopt;
  return it->second;
}

bool RewritesFailureToSuccess(Op op, int /*request: every kind, for now*/) {
  switch (SelectedFault()) {
    case Fault::kListenUnboundSucceeds: return op == Op::kListen;
    case Fault::kConnectRefusedSucceeds: return op == Op::kConnect;
    case Fault::kGetRemoteUnconnectedSucceeds: return op == Op::kGetRemote;
    case Fault::kSecondBindSucceeds: return op == Op::kBind;
    case Fault::kControlFailureReportedAsSuccess: return op == Op::kControl;
    default: return false;
  }
}

NTSTATUS Returned(Op op, NTSTATUS returned, int request) {
  if (returned != STATUS_PENDING && !NT_SUCCESS(returned) &&
      RewritesFailureToSuccess(op, request)) {
    return STATUS_SUCCESS;
  }
  return returned;
}

NTSTATUS FailIrp(PIRP irp, NTSTATUS status) {
  if (irp != nullptr) {
    IoSetNextIrpStackLocation(irp);  // take it, as the reference does
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = 0;
    RealIofCompleteRequest(irp, IO_NO_INCREMENT);
  }
  return status;
}

}  // namespace wskconf::mutants

namespace wskconf::mutants {
bool ReadsPastMdlChain() { return Active(Fault::kReadsPastMdlChain); }
bool GracefulShutsBothWays() { return Active(Fault::kGracefulShutsBothWays); }
}  // namespace wskconf::mutants
