/* The kernel runtime's verifier: rule violations found in client or provider
 * code (IRP, MDL, IRQL, pool misuse, leaks) are recorded here instead of
 * crashing, and allocations can be made to fail on purpose (fault injection). */
#ifndef WSKCONF_VERIFIER_H_
#define WSKCONF_VERIFIER_H_

#include <ntdef.h>
#include <wskconf/verifier_rules.h>

EXTERN_C_START

/* One enumerator per row of WSKCONF_VERIFIER_RULES, prefixed WskconfRule. */
typedef enum _WSKCONF_RULE {
#define WSKCONF_RULE_ENUM_(name, id, summary) WskconfRule##name,
  WSKCONF_VERIFIER_RULES(WSKCONF_RULE_ENUM_)
#undef WSKCONF_RULE_ENUM_
  WskconfRuleCount
} WSKCONF_RULE;

/* A recorded violation. Message names the routine and the object involved. */
typedef struct _WSKCONF_VIOLATION {
  WSKCONF_RULE Rule;
  const char *RuleId;
  const void *Object;
  char Message[256];
} WSKCONF_VIOLATION, *PWSKCONF_VIOLATION;

/* The stable id of Rule ("Irp.CompletedTwice"), or "Unknown" when Rule is
 * out of range. Any IRQL. */
NTKERNELAPI const char *WskconfRuleId(WSKCONF_RULE Rule);

/* The one-line summary of Rule from verifier_rules.h, or "" out of range. */
NTKERNELAPI const char *WskconfRuleSummary(WSKCONF_RULE Rule);

/* Looks a rule up by id; returns WskconfRuleCount when no rule has that id. */
NTKERNELAPI WSKCONF_RULE WskconfRuleFromId(const char *RuleId);

/* Records a violation of Rule concerning Object (may be NULL) with a
 * printf-style message, prints "wskconf verifier: <RuleId>: <message>" to
 * stderr and calls the handler, if one is set. Any IRQL, any thread. The
 * message is truncated to fit WSKCONF_VIOLATION.Message. */
NTKERNELAPI VOID WskconfReportViolation(WSKCONF_RULE Rule, const void *Object,
                                        const char *Format, ...)
    __attribute__((format(printf, 3, 4)));

/* Number of violations recorded since the last WskconfClearViolations. The
 * record keeps at most WSKCONF_MAX_RECORDED_VIOLATIONS entries; the count
 * keeps counting past that. */
#define WSKCONF_MAX_RECORDED_VIOLATIONS 1024u
NTKERNELAPI ULONG WskconfGetViolationCount(VOID);

/* Copies violation number Index (0 = oldest) into *Out. Returns FALSE, and
 * leaves *Out alone, when Index is not recorded or Out is NULL. */
NTKERNELAPI BOOLEAN WskconfGetViolation(ULONG Index, PWSKCONF_VIOLATION Out);

/* Forgets every recorded violation. */
NTKERNELAPI VOID WskconfClearViolations(VOID);

/* Removes violation number Index from the record (so a test can consume the
 * violations it expected). Returns FALSE when Index is not recorded. */
NTKERNELAPI BOOLEAN WskconfConsumeViolation(ULONG Index);

/* Called (outside the verifier's lock, on the reporting thread) for every new
 * violation. NULL removes the handler. Returns the previous handler. */
typedef void (*PWSKCONF_VIOLATION_HANDLER)(const WSKCONF_VIOLATION *Violation,
                                           void *Context);
NTKERNELAPI PWSKCONF_VIOLATION_HANDLER
WskconfSetViolationHandler(PWSKCONF_VIOLATION_HANDLER Handler, void *Context);

/* Controls whether violations are echoed to stderr (default TRUE; the
 * environment variable WSKCONF_VERIFIER_QUIET=1 turns it off at start).
 * Returns the previous setting. */
NTKERNELAPI BOOLEAN WskconfSetViolationEcho(BOOLEAN Echo);

/* Writes the verifier's findings to Path as a JUnit XML report that
 * validates against the Ant and the Jenkins xUnit JUnit schemas: one test
 * case per rule (classname "wskconf.verifier", name = the rule id, which is
 * also the id of its spec clause), passing when the rule found nothing. A
 * rule's first finding is a <failure> (type = the rule id, message = "<rule
 * id>: <message>") in its test case; each further finding is a test case of
 * its own named "<rule id> #n". Findings are every violation reported since
 * the process started, except those consumed with WskconfConsumeViolation
 * (a test's expected violations); WskconfClearViolations does not remove
 * them. When the environment variable WSKCONF_VERIFIER_JUNIT names a file at
 * process start, the report is written there at exit (atexit; not after
 * _exit or a crash). Returns STATUS_SUCCESS, STATUS_INVALID_PARAMETER (NULL
 * or empty Path) or STATUS_UNSUCCESSFUL (the file cannot be written).
 * PASSIVE_LEVEL. */
NTKERNELAPI NTSTATUS WskconfWriteVerifierJUnit(const char *Path);

/* Reports Leak.Pool, Leak.Irp and Leak.Mdl once per object still allocated
 * and returns how many were reported. Objects stay allocated (and are reported
 * again by a later call) until the caller frees them. Also reports, once per
 * block and without counting them, Pool.WrittenAfterFree and
 * Irp.WrittenAfterFree for freed memory (still quarantined) that was written
 * after its free, and Event.SetWithWaitNotFollowedByWait for the calling
 * thread. PASSIVE_LEVEL. */
NTKERNELAPI ULONG WskconfCheckLeaks(VOID);

/* Number of IRPs (from IoAllocateIrp) and MDLs (from IoAllocateMdl) still
 * allocated. */
NTKERNELAPI ULONG WskconfLiveIrpCount(VOID);
NTKERNELAPI ULONG WskconfLiveMdlCount(VOID);

/* Fault injection. */
typedef enum _WSKCONF_ALLOCATION_KIND {
  WskconfAllocPool,
  WskconfAllocIrp,
  WskconfAllocMdl,
  WskconfAllocKindCount
} WSKCONF_ALLOCATION_KIND;

/* Makes the N-th next allocation of Kind fail (1 = the very next one); the
 * counter then disarms itself. N == 0 disarms it now. Each kind has its own
 * counter. */
NTKERNELAPI VOID WskconfFailNthAllocation(WSKCONF_ALLOCATION_KIND Kind, ULONG N);

/* Number of allocations of Kind that fault injection has failed since the
 * process started (lets a SQLite-style loop stop once nothing fires). */
NTKERNELAPI ULONG WskconfInjectedFailureCount(WSKCONF_ALLOCATION_KIND Kind);

/* Live pool bytes / blocks with Tag (Tag 0: every tag). Implemented by the
 * pool allocator (ke.h). */
NTKERNELAPI SIZE_T WskconfPoolLiveBytes(ULONG Tag);
NTKERNELAPI ULONG WskconfPoolLiveCount(ULONG Tag);

EXTERN_C_END

#endif /* WSKCONF_VERIFIER_H_ */
