/* SAL 2 source annotations as no-ops, so driver code written with them for
 * the WDK compiles unchanged. None of them changes meaning or layout. */
#ifndef WSKCONF_SAL_H_
#define WSKCONF_SAL_H_

#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _Out_
#define _Out_opt_
#define _Out_writes_(n)
#define _Out_writes_opt_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_bytes_to_(n, c)
#define _Out_writes_bytes_to_opt_(n, c)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_updates_(n)
#define _Inout_updates_bytes_(n)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_result_bytebuffer_(n)
#define _Deref_out_
#define _Deref_out_opt_
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_range_(l, h)
#define _Result_nullonfailure_
#define _Success_(e)
#define _Check_return_
#define _Must_inspect_result_
#define _Use_decl_annotations_
#define _Field_size_(n)
#define _Field_size_opt_(n)
#define _Field_size_bytes_(n)
#define _Field_size_bytes_opt_(n)
#define _Field_range_(l, h)
#define _Reserved_
#define _Pre_satisfies_(e)
#define _Post_satisfies_(e)
#define _Analysis_assume_(e)
#define _At_(t, a)
#define _When_(c, a)
#define _Null_terminated_
#define _NullNull_terminated_
#define _Printf_format_string_
#define _Strict_type_match_
#define _Literal_
#define _Notliteral_
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Post_writable_byte_size_(n)
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define _IRQL_requires_(i)
#define _IRQL_requires_max_(i)
#define _IRQL_requires_min_(i)
#define _IRQL_raises_(i)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(k, v)
#define _IRQL_restores_global_(k, v)
#define _IRQL_requires_same_
#define _IRQL_always_function_max_(i)
#define _IRQL_always_function_min_(i)
#define _Function_class_(c)
#define _Dispatch_type_(t)
#define _Kernel_float_used_
#define _Kernel_requires_resource_held_(r)
#define _Kernel_clear_do_init_(v)
#define _Kernel_IoGetDmaAdapter_
#define __drv_allocatesMem(k)
#define __drv_freesMem(k)
#define __drv_aliasesMem
#define __drv_when(c, a)
#define __drv_maxIRQL(i)
#define __drv_minIRQL(i)
#define __drv_requiresIRQL(i)
#define __drv_setsIRQL(i)
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_savesIRQLGlobal(k, v)
#define __drv_restoresIRQLGlobal(k, v)
#define __drv_raisesIRQL(i)
#define __drv_dispatchType(t)
#define __drv_functionClass(c)
#define __drv_reportError(m)
#define __drv_strictTypeMatch(m)
#define __drv_sameIRQL
#define __drv_useCancelIRQL
#define __drv_acquiresCancelSpinLock
#define __drv_releasesCancelSpinLock
#define __drv_mustHold(k)
#define __drv_innerMustHold(k)

/* The pre-SAL-2 names (__in, __out, __inout...) are not defined: libstdc++
 * uses them as identifiers, so defining them breaks C++ code. */

#endif /* WSKCONF_SAL_H_ */
