/* The in-kernel agent's private declarations: the objects it keeps (sockets,
 * registrations, address-info results, retained indications), one pending
 * call (AGENT_OP) and the outgoing message queue. Built with mingw-w64 on
 * the project's wsk.h; runs in Wine's winedevice.exe or in Windows. */
#ifndef WSKCONF_AGENT_DRIVER_AGENT_H_
#define WSKCONF_AGENT_DRIVER_AGENT_H_

#include <ntddk.h>
#include <wsk.h>

#include "wskconf_agent_ioctl.h"
#include "wskconf_agent_protocol.h"

#define AGENT_TAG 'aksW' /* "Wska" in pool dumps */
#define AGENT_MAX_SOCKETS 256
#ifndef AGENT_MAX_REGISTRATIONS /* a test build may set fewer */
#define AGENT_MAX_REGISTRATIONS 64
#endif
#define AGENT_MAX_HANDLES 64
/* Bytes of indicated data an EVENT copies; the rest is only counted. */
#define AGENT_EVENT_DATA_LIMIT (64u * 1024u)
/* Bytes queued for the runner before new messages are dropped (counted and
 * reported with ERROR QUEUE_OVERFLOW). */
#define AGENT_QUEUE_LIMIT (32u * 1024u * 1024u)
/* Pool all chunked buffers (protocol version 3) may take together: two
 * WSKA_MAX_CHUNKED buffers, e.g. one assembling while a send that the
 * provider has not completed still holds another. */
#define AGENT_CHUNKED_LIMIT (2u * WSKA_MAX_CHUNKED)
/* Calls the provider may block in (agent_blocking.c) running at once, each
 * on a system thread of its own. */
#define AGENT_MAX_WORKERS 16
/* RunCall's answer for a call whose RETURN a worker sends when done. */
#define AGENT_RETURN_LATER 0xFFFFu

typedef enum _AGENT_SLOT_STATE {
  AgentSlotFree = 0,
  AgentSlotReserved, /* id given out, the provider has not confirmed it */
  AgentSlotLive,
  AgentSlotClosing,  /* WskCloseSocket sent, not completed */
} AGENT_SLOT_STATE;

/* The preset answer of one callback on one socket (WSKA_FN_SET_ANSWER). */
typedef struct _AGENT_ANSWER {
  LONG Status;            /* NTSTATUS, or WSK_INSPECT_ACTION for inspect */
  ULONGLONG Length;       /* receive: bytes to accept; 0: all */
  ULONG DispatchMask;     /* accept: callbacks of the accepted socket */
} AGENT_ANSWER;

/* One socket, named by Id on the wire; its address is the SocketContext
 * the provider passes to callbacks. Client dispatch tables live here so
 * each socket can offer its own set of callbacks (DISPATCH_MASK). */
typedef struct _AGENT_SOCKET {
  ULONG Id;
  AGENT_SLOT_STATE State;
  PWSK_SOCKET Socket;
  ULONG Flags; /* WSK_FLAG_*_SOCKET of its category */
  ULONG Owner; /* id of the registration it was made on (0: unknown) */
  AGENT_ANSWER Answers[WSKA_EV_LIMIT];
  /* Listening sockets (v2 SET_ANSWER of ACCEPT with ANSWERS): the answers
   * each socket the accept callback takes starts with. */
  AGENT_ANSWER AcceptedAnswers[WSKA_EV_LIMIT];
  BOOLEAN HasAcceptedAnswers;
  WSK_CLIENT_LISTEN_DISPATCH Listen;
  WSK_CLIENT_CONNECTION_DISPATCH Connection;
  WSK_CLIENT_DATAGRAM_DISPATCH Datagram;
  WSK_CLIENT_STREAM_DISPATCH Stream;
} AGENT_SOCKET, *PAGENT_SOCKET;

/* A registration slot's life. The slot (and the WSK_REGISTRATION in it)
 * stays taken and named by its Id after WskDeregister, so the runner can
 * still call the registration routines on the deregistered block as a
 * client may (WskCaptureProviderNPI must then fail): SHUTDOWN frees it. */
typedef enum _AGENT_REGISTRATION_STATE {
  AgentRegistrationFree = 0, /* Id 0 */
  AgentRegistrationLive,     /* WskRegister succeeded */
  AgentRegistrationDeregistering, /* WskDeregister running on a worker */
  AgentRegistrationDeregistered,  /* WskDeregister returned */
} AGENT_REGISTRATION_STATE;

typedef struct _AGENT_REGISTRATION {
  ULONG Id;
  AGENT_REGISTRATION_STATE State;
  LONG Captures;
  LONG Workers; /* blocking calls running on it: the slot is not freed */
  WSK_REGISTRATION Registration;
  WSK_CLIENT_DISPATCH ClientDispatch;
  WSK_CLIENT_NPI ClientNpi;
  WSK_PROVIDER_NPI ProviderNpi;
} AGENT_REGISTRATION, *PAGENT_REGISTRATION;

typedef enum _AGENT_HANDLE_KIND {
  AgentHandleFree = 0,
  AgentHandleAddressInfo, /* PADDRINFOEXW from WskGetAddressInfo */
  AgentHandleDataIndication,
  AgentHandleDatagramIndication,
} AGENT_HANDLE_KIND;

typedef struct _AGENT_HANDLE {
  ULONG Id;
  AGENT_HANDLE_KIND Kind;
  PVOID Object;
  ULONG Owner; /* registration or socket id it belongs to */
} AGENT_HANDLE;

/* One call in flight: the IRP the agent allocated and every buffer the
 * provider may write until it completes that IRP. Freed by whichever of the
 * dispatcher and the completion routine drops the last reference. */
typedef struct _AGENT_OP {
  LIST_ENTRY Link; /* in Agent.Ops while referenced */
  LONG References;
  ULONG RequestId;
  ULONG Function;
  PIRP Irp;
  ULONGLONG Start;
  BOOLEAN Returned;       /* RETURN queued: a COMPLETION may follow it */
  BOOLEAN CancelSent;     /* shutdown already called IoCancelIrp */
  struct _AGENT_BLOCK *Deferred; /* COMPLETION that came first */
  PAGENT_SOCKET Socket;
  PAGENT_SOCKET NewSocket; /* reserved for the socket the call creates */
  PAGENT_REGISTRATION Registration;
  PUCHAR Buffer;          /* data, MDL-described */
  SIZE_T BufferSize;
  BOOLEAN Chunked;        /* Buffer came from CHUNKs: AgentFreeChunked */
  PMDL Mdl;
  WSK_BUF WskBuf;
  PWSK_BUF_LIST BufList;  /* WskSendMessages: BufCount entries */
  ULONG BufCount;
  PUCHAR Input;           /* control input (pointer-free form translated) */
  PUCHAR Output;          /* control output; ControlInfo of receive-from */
  SIZE_T OutputSize;
  SIZE_T OutputReturned;
  ULONG ControlLength;
  ULONG ControlFlags;
  SOCKADDR_STORAGE Local;
  SOCKADDR_STORAGE Remote;
  BOOLEAN WantAddresses;
  WSK_INSPECT_ID InspectId;
  UNICODE_STRING NodeName;
  UNICODE_STRING ServiceName;
  ADDRINFOEXW Hints;
  PADDRINFOEXW AddressInfo;
  PUCHAR Scratch;         /* a COMPLETION's serialized output */
} AGENT_OP, *PAGENT_OP;

/* An encoded message waiting in the outgoing queue, or (Pool set) a chunk
 * stream (protocol version 5): the Length bytes a receive got, at
 * DataOffset in Pool (PoolSize bytes of the chunked pool, taken over from
 * the op), go out as CHUNKs of RequestId, at most one message's worth per
 * delivery, Sent so far; then Then, the COMPLETION that says CHUNKED. A
 * stream's Size is 0: its bytes count against AGENT_CHUNKED_LIMIT, not
 * the queue's limit. */
typedef struct _AGENT_BLOCK {
  LIST_ENTRY Link;
  SIZE_T Size;
  PUCHAR Pool;
  SIZE_T PoolSize, DataOffset, Length, Sent;
  ULONG RequestId;
  struct _AGENT_BLOCK *Then;
  UCHAR Bytes[1];
} AGENT_BLOCK, *PAGENT_BLOCK;

typedef struct _AGENT_STATE {
  PDEVICE_OBJECT Device;
  KSPIN_LOCK Lock; /* queue, ops, tables */
  LIST_ENTRY Queue;
  SIZE_T QueuedBytes;
  ULONG Lost;
  PIRP PendingReceive;
  LIST_ENTRY Ops;
  BOOLEAN Greeted; /* HELLO done on the current handle */
  ULONG Version;   /* protocol version agreed in that HELLO */
  ULONG NextId;
  ULONG SocketsInUse;
  /* Signalled while SocketsInUse <= SocketsTarget: a shutdown waits for
   * the sockets it closed, not for those earlier sessions left behind. */
  ULONG SocketsTarget;
  KEVENT SocketsAtTarget;
  /* The registration the call being run belongs to (its REGISTRATION, or
   * the owner of its SOCKET): sockets it makes are stamped with it. */
  ULONG CallOwner;
  AGENT_SOCKET Sockets[AGENT_MAX_SOCKETS];
  AGENT_REGISTRATION Registrations[AGENT_MAX_REGISTRATIONS];
  AGENT_HANDLE Handles[AGENT_MAX_HANDLES];
  AGENT_ANSWER DefaultAnswers[WSKA_EV_LIMIT];
  /* Workers of blocking calls (agent_blocking.c), under Lock; Generation
   * counts relay connections, so a worker that ends after its connection
   * was reset drops its RETURN instead of sending it to the next runner. */
  ULONG WorkersRunning;
  KEVENT AllWorkersDone; /* signalled while WorkersRunning is 0 */
  LONG Generation;
  /* CHUNK reassembly (agent_chunks.c): the open assembly, the buffer of
   * the CALL being run, the pool they and running calls hold, and the
   * request whose chunks were refused. */
  WSKA_ASSEMBLY Chunks;
  PUCHAR ChunkBuffer;
  SIZE_T ChunkSize;
  PUCHAR ChunkReady;
  SIZE_T ChunkReadySize;
  SIZE_T ChunkedBytes; /* under Lock */
  ULONG ChunkFailedId;
  ULONG ChunkFailedCode;
  char ChunkFailedText[160];
} AGENT_STATE;

extern AGENT_STATE Agent;

/* agent_main.c: the agent clock (system time), 100 ns units. */
ULONGLONG AgentNow(VOID);

/* agent_queue.c: messages to the runner. Any IRQL <= DISPATCH_LEVEL. */
PAGENT_BLOCK AgentEncode(const WSKA_MESSAGE *Message);
VOID AgentEnqueueLocked(PAGENT_BLOCK Block); /* Agent.Lock held */
VOID AgentDeliver(VOID);                      /* Agent.Lock not held */
VOID AgentPost(const WSKA_MESSAGE *Message);
VOID AgentPostError(ULONG RequestId, ULONG Code, const char *Text);
NTSTATUS AgentQueueReceive(PIRP Irp);
VOID AgentCancelReceive(VOID);
VOID AgentDropQueue(VOID);
/* The chunk stream of Op's received Length bytes followed by Completion;
 * takes Op's chunked buffer over. NULL (Completion freed) without pool. */
PAGENT_BLOCK AgentChunkStream(PAGENT_OP Op, SIZE_T Length,
                              PAGENT_BLOCK Completion);

/* agent_objects.c: tables. Lookups return NULL for unknown ids. */
VOID AgentInitializeObjects(VOID);
/* Owned by Agent.CallOwner; AgentReserveOwnedSocket names the owner (an
 * accept callback: its listening socket's). */
PAGENT_SOCKET AgentReserveSocket(ULONG Flags, ULONG DispatchMask);
PAGENT_SOCKET AgentReserveOwnedSocket(ULONG Flags, ULONG DispatchMask,
                                      ULONG Owner);
VOID AgentFreeSocket(PAGENT_SOCKET Socket);
PAGENT_SOCKET AgentFindSocket(ULONG Id);
/* The owner of socket Id in any state but free (0: none). */
ULONG AgentSocketOwner(ULONG Id);
/* Sets SocketsTarget to the sockets taken but not live (creations and
 * closes the provider has not completed), which a shutdown's closes do
 * not free. */
VOID AgentTargetSocketsNotLive(VOID);
/* Whether a socket of Registration (or of unknown owner) is still taken,
 * which its WskDeregister would wait for. */
BOOLEAN AgentMaySocketsRemain(ULONG Registration);
/* What the tables hold now (IOCTL_WSKA_LEFTOVERS). */
VOID AgentCountLeftovers(WSKA_LEFTOVERS *Out);
PAGENT_REGISTRATION AgentNewRegistration(VOID);
PAGENT_REGISTRATION AgentFindRegistration(ULONG Id);
ULONG AgentNewHandle(AGENT_HANDLE_KIND Kind, PVOID Object, ULONG Owner);
PVOID AgentTakeHandle(ULONG Id, AGENT_HANDLE_KIND Kind, ULONG Owner);
VOID AgentSetDispatch(PAGENT_SOCKET Socket, ULONG DispatchMask);
const VOID *AgentClientDispatch(PAGENT_SOCKET Socket, ULONG DispatchMask);
AGENT_ANSWER AgentAnswerOf(PAGENT_SOCKET Socket, ULONG Event);
NTSTATUS AgentSetAnswer(const WSKA_MESSAGE *Call);
/* A v2 ANSWERS blob (checked by the codec) into Answers[]. */
VOID AgentApplyAnswers(AGENT_ANSWER *Answers, const WSKA_BLOB *Records);
/* Presets a socket the call creates from the call's ANSWERS, if any. */
VOID AgentPresetAnswers(PAGENT_SOCKET Socket, const WSKA_MESSAGE *Call);
extern const WSK_CLIENT_DISPATCH AgentClientDispatchTable;

/* agent_ops.c: calls that take an IRP. */
PAGENT_OP AgentNewOp(const WSKA_MESSAGE *Call, BOOLEAN WithIrp);
NTSTATUS AgentOpSetBuffer(PAGENT_OP Op, const WSKA_BLOB *Data, SIZE_T Length,
                          ULONG Offset);
VOID AgentOpReturned(PAGENT_OP Op, WSKA_MESSAGE *Return);
VOID AgentOpRelease(PAGENT_OP Op);
VOID AgentOpDiscard(PAGENT_OP Op); /* its IRP never reached the provider */
VOID AgentCancelOp(ULONG RequestId, WSKA_MESSAGE *Return);
VOID AgentShutdown(WSKA_MESSAGE *Return);
NTSTATUS AgentOpSetInput(PAGENT_OP Op, const WSKA_MESSAGE *Call,
                         BOOLEAN EventMaskForm, PVOID *Input, SIZE_T *Size);
NTSTATUS AgentOpSetOutput(PAGENT_OP Op, ULONGLONG Size);
extern const GUID AgentNpiWskInterfaceId;
ULONG AgentCopyAddress(const WSKA_BLOB *Blob, SOCKADDR_STORAGE *Address);
ULONG AgentAddressSize(const SOCKADDR_STORAGE *Address);
SIZE_T AgentCopyFromWskBuf(const WSK_BUF *Buffer, PUCHAR Out, SIZE_T Limit);

/* agent_calls_client.c / agent_calls_socket.c: one function per call.
 * Each fills *Return (STATUS and outputs known at once); a WSKA error code
 * other than WSKA_E_OK means the call was refused before reaching WSK. */
ULONG AgentClientCall(const WSKA_MESSAGE *Call, WSKA_MESSAGE *Return,
                      PAGENT_OP *OpOut);
ULONG AgentSocketCall(const WSKA_MESSAGE *Call, WSKA_MESSAGE *Return,
                      PAGENT_OP *OpOut);
VOID AgentFillCompletion(PAGENT_OP Op, WSKA_MESSAGE *Completion);

/* agent_calls_client.c: one registration routine (DEREGISTER, CAPTURE_,
 * RELEASE_PROVIDER_NPI, QUERY_PROVIDER_CHARACTERISTICS) on R, inline or on
 * a worker; fills Return's STATUS and outputs. PASSIVE_LEVEL. */
VOID AgentRegistrationCall(PAGENT_REGISTRATION R, ULONG Function,
                           ULONG Timeout, WSKA_MESSAGE *Return);

/* agent_blocking.c: calls the provider may block in — WskDeregister (it
 * waits for captures and sockets to go) and WskCaptureProviderNPI with a
 * wait — run on a system thread each, so the relay's next requests (the
 * WskReleaseProviderNPI that lets a WskDeregister return) still get
 * through; the worker posts the RETURN when the provider returns.
 * AgentStartBlocking returns AGENT_RETURN_LATER, or a WSKA error code
 * (NO_RESOURCES: AGENT_MAX_WORKERS reached, or no thread). */
BOOLEAN AgentMayBlock(const WSKA_MESSAGE *Call);
ULONG AgentStartBlocking(const WSKA_MESSAGE *Call, PAGENT_REGISTRATION R);
/* Waits up to Milliseconds for every worker to end: STATUS_SUCCESS or
 * STATUS_TIMEOUT. */
NTSTATUS AgentWaitWorkers(ULONG Milliseconds);
VOID AgentInitializeWorkers(VOID);

/* agent_provider.c: the provider's WskQueryProviderCharacteristics, found
 * in its image at run time; NULL with *Why set when it is absent (or only
 * an unimplemented-function stub). PASSIVE_LEVEL. */
typedef NTSTATUS(WSKAPI *AGENT_QUERY_ROUTINE)(PWSK_REGISTRATION,
                                              PWSK_PROVIDER_CHARACTERISTICS);
AGENT_QUERY_ROUTINE AgentFindQueryRoutine(const char **Why);

/* agent_chunks.c: CHUNK reassembly. PASSIVE_LEVEL (AgentFreeChunked:
 * any IRQL <= DISPATCH_LEVEL). AgentHandleChunk never answers: a refusal
 * is kept for the CALL of that request, which AgentFinishChunks answers
 * (a WSKA error code and its reason in Text) or readies the buffer for;
 * AgentOpTakeChunked gives that buffer to the call's op. */
VOID AgentHandleChunk(const WSKA_MESSAGE *Chunk);
ULONG AgentFinishChunks(const WSKA_MESSAGE *Call, char *Text, SIZE_T Size);
NTSTATUS AgentOpTakeChunked(PAGENT_OP Op, ULONG Offset);
VOID AgentFreeChunked(PUCHAR Buffer, SIZE_T Size);
VOID AgentFreeChunkedLocked(PUCHAR Buffer, SIZE_T Size); /* Lock held */
/* Pool for a chunked buffer of Size bytes, or NULL (over
 * AGENT_CHUNKED_LIMIT, or no pool). */
PUCHAR AgentAllocateChunked(SIZE_T Size);
/* A receive of more than WSKA_MAX_DATA bytes (version 5): Op's buffer of
 * Offset + Length bytes from the chunked pool, its MDL and WskBuf.
 * STATUS_INSUFFICIENT_RESOURCES over the limit or without pool. */
NTSTATUS AgentOpSetReceiveChunked(PAGENT_OP Op, SIZE_T Length, ULONG Offset);
VOID AgentDropChunks(VOID);

/* agent_requests.c: one message from the relay. PASSIVE_LEVEL. */
VOID AgentHandleMessage(const UCHAR *Bytes, SIZE_T Size);

#endif /* WSKCONF_AGENT_DRIVER_AGENT_H_ */
