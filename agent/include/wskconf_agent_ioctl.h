/* How the relay reaches the in-kernel agent: the device name, the service
 * name and the two IOCTLs. Shared by agent/driver and agent/relay; plain C,
 * no Windows header needed (the codes are CTL_CODE values written out). */
#ifndef WSKCONF_AGENT_IOCTL_H_
#define WSKCONF_AGENT_IOCTL_H_

/* Kernel and Win32 names of the agent's device, and its service name. */
#define WSKA_DEVICE_NAME L"\\Device\\WskconfAgent"
#define WSKA_DOS_DEVICE_NAME L"\\DosDevices\\WskconfAgent"
#define WSKA_WIN32_DEVICE_PATH "\\\\.\\WskconfAgent"
#define WSKA_SERVICE_NAME "WskconfAgent"

/* CTL_CODE(FILE_DEVICE_UNKNOWN (0x22), function, METHOD_BUFFERED (0),
 * FILE_ANY_ACCESS (0)). */
#define WSKA_CTL_CODE(function) ((0x22u << 16) | ((function) << 2))

/* Input: exactly one protocol message (wskconf_agent_protocol.h). No output.
 * The IOCTL succeeds whenever the agent took the message, even a malformed
 * one: the answer (RETURN, or ERROR naming the problem) comes through
 * IOCTL_WSKA_RECEIVE. STATUS_INVALID_PARAMETER only when the input buffer
 * is smaller than a header or larger than the largest message. */
#define IOCTL_WSKA_SUBMIT WSKA_CTL_CODE(0x900u)

/* Output: one or more whole messages back to back (Information = bytes).
 * Pends until the agent has something to say; one at a time (a second
 * concurrent request fails with STATUS_DEVICE_BUSY). The output buffer must
 * hold the largest message, WSKA_RECEIVE_BUFFER_SIZE bytes, else
 * STATUS_BUFFER_TOO_SMALL. Cancelable. */
#define IOCTL_WSKA_RECEIVE WSKA_CTL_CODE(0x901u)
#define WSKA_RECEIVE_BUFFER_SIZE (16u + 1024u * 1024u)

/* No input. Output: a WSKA_LEFTOVERS, what the agent's tables hold now and
 * their sizes. Asked by the relay after it reopened the device (the agent
 * reset itself when the previous handle closed), so every count is what
 * earlier sessions left that the reset could not reclaim: a registration
 * with a socket whose close (or creation) the provider never completed, or
 * a worker still inside the provider. STATUS_BUFFER_TOO_SMALL when the
 * output buffer is smaller than the structure. */
#define IOCTL_WSKA_LEFTOVERS WSKA_CTL_CODE(0x902u)

typedef struct WSKA_LEFTOVERS {
  unsigned int registrations, max_registrations;
  unsigned int sockets, max_sockets;
  unsigned int handles, max_handles;
  unsigned int workers, max_workers; /* threads of blocking calls */
} WSKA_LEFTOVERS;

#endif /* WSKCONF_AGENT_IOCTL_H_ */
