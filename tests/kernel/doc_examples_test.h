/* Prelude of the documentation examples (doc_examples_test): what the
 * snippets assume is in scope, the hook their elided code becomes, and the
 * fake WSK provider of doc_examples_test.c that records what they call. */
#ifndef WSKCONF_TESTS_KERNEL_DOC_EXAMPLES_TEST_H_
#define WSKCONF_TESTS_KERNEL_DOC_EXAMPLES_TEST_H_

#include <ntddk.h>
#include <wsk.h>

/* A line `...` of a snippet (elided application code). Both completion
 * routines compiled here have Irp and Context in scope where code is elided:
 * the hook records which routine got there, with what IRP result and
 * context, before the routine frees the IRP. */
#define WSKCONF_DOCS_ELIDED WskconfDocsElided(__func__, Irp, Context)

EXTERN_C_START

void WskconfDocsElided(const char *Function, PIRP Irp, PVOID Context);

/* Entry points of the snippets (defined in the generated files). */
NTSTATUS SetExclusiveAddrUse(PWSK_SOCKET Socket);
NTSTATUS AcceptConnection(PWSK_SOCKET Socket, PVOID AcceptSocketContext,
                          PWSK_CLIENT_CONNECTION_DISPATCH AcceptSocketDispatch);

/* How the fake provider finishes a request. */
typedef enum _WSKCONF_DOCS_COMPLETION {
  WskconfDocsCompleteInline, /* IoCompleteRequest before returning */
  WskconfDocsCompleteLater   /* STATUS_PENDING; WskconfDocsCompletePending */
} WSKCONF_DOCS_COMPLETION;

/* Everything the fake provider saw, and what the elided code saw. */
typedef struct _WSKCONF_DOCS_FAKE {
  WSKCONF_DOCS_COMPLETION Completion;
  NTSTATUS CompleteWith; /* status the provider completes with */

  ULONG ControlCalls;
  PWSK_SOCKET ControlSocket;
  WSK_CONTROL_SOCKET_TYPE RequestType;
  ULONG ControlCode;
  ULONG Level;
  SIZE_T InputSize;
  ULONG InputValue; /* *(ULONG *)InputBuffer at call time */
  SIZE_T OutputSize;
  PVOID OutputBuffer;
  SIZE_T *OutputSizeReturned;

  ULONG AcceptCalls;
  PWSK_SOCKET ListenSocket;
  ULONG AcceptFlags;
  PVOID AcceptSocketContext;
  const WSK_CLIENT_CONNECTION_DISPATCH *AcceptSocketDispatch;
  PSOCKADDR LocalAddress;
  PSOCKADDR RemoteAddress;

  PIRP LastIrp;    /* the IRP of the last call (freed by the snippet) */
  PIRP PendingIrp; /* set while a request is pending */

  ULONG ElidedCalls;
  char ElidedFunction[64];
  NTSTATUS ElidedStatus;
  ULONG_PTR ElidedInformation;
  PVOID ElidedContext;
} WSKCONF_DOCS_FAKE;

extern WSKCONF_DOCS_FAKE WskconfDocsFake;
/* A datagram socket, a listening socket, and the connection socket an
 * accept returns (in Irp->IoStatus.Information on success). */
extern WSK_SOCKET WskconfDocsDatagramSocket;
extern WSK_SOCKET WskconfDocsListenSocket;
extern WSK_SOCKET WskconfDocsAcceptedSocket;

/* Clears the record; requests then complete with CompleteWith. */
void WskconfDocsReset(WSKCONF_DOCS_COMPLETION Completion,
                      NTSTATUS CompleteWith);
/* Completes the pending request as WskconfDocsCompleteInline would have. */
void WskconfDocsCompletePending(void);

EXTERN_C_END

#endif /* WSKCONF_TESTS_KERNEL_DOC_EXAMPLES_TEST_H_ */
