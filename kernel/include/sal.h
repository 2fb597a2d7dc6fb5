/* SAL 2.0 source annotations as no-ops, so driver code written with them for
 * the WDK compiles unchanged. None of them changes meaning or layout.
 *
 * The list follows Microsoft's SAL 2.0 reference (parameters and return
 * values, structs, locking, "when and where", intrinsics, best-practice
 * helpers) and the driver annotations of "SAL 2.0 annotations for Windows
 * drivers" (driverspecs.h: IRQL, dispatch, function class, floating point,
 * resources, and the older __drv_* spellings).
 *
 * Guard: every annotation is defined by name; there is no catch-all. An
 * annotation that is not in the list (a typo, or one this header lacks) stays
 * an undeclared identifier, so `struct { _Unknown_annot_ int x; };` is a
 * compile error in C and C++ rather than a member silently deleted.
 * tests/kernel (sal_guard_*) proves that for GCC and Clang, and sal_test
 * checks every documented annotation expands to nothing. */
#ifndef WSKCONF_SAL_H_
#define WSKCONF_SAL_H_

#define _SAL_VERSION 20
#define _USE_DECLSPECS_FOR_SAL 0
#define _USE_ATTRIBUTES_FOR_SAL 0

/* ---- Pointer parameters ------------------------------------------------ */
#define _In_
#define _Out_
#define _Inout_
#define _In_z_
#define _Inout_z_
#define _In_reads_(s)
#define _In_reads_bytes_(s)
#define _In_reads_z_(s)
#define _In_reads_or_z_(s)
#define _Out_writes_(s)
#define _Out_writes_bytes_(s)
#define _Out_writes_z_(s)
#define _Inout_updates_(s)
#define _Inout_updates_bytes_(s)
#define _Inout_updates_z_(s)
#define _Out_writes_to_(s, c)
#define _Out_writes_bytes_to_(s, c)
#define _Out_writes_all_(s)
#define _Out_writes_bytes_all_(s)
#define _Inout_updates_to_(s, c)
#define _Inout_updates_bytes_to_(s, c)
#define _Inout_updates_all_(s)
#define _Inout_updates_bytes_all_(s)
#define _In_reads_to_ptr_(p)
#define _In_reads_to_ptr_z_(p)
#define _Out_writes_to_ptr_(p)
#define _Out_writes_to_ptr_z_(p)

/* ---- Optional pointer parameters --------------------------------------- */
#define _In_opt_
#define _Out_opt_
#define _Inout_opt_
#define _In_opt_z_
#define _Inout_opt_z_
#define _In_reads_opt_(s)
#define _In_reads_bytes_opt_(s)
#define _In_reads_opt_z_(s)
#define _In_reads_or_z_opt_(s)
#define _Out_writes_opt_(s)
#define _Out_writes_bytes_opt_(s)
#define _Out_writes_opt_z_(s)
#define _Inout_updates_opt_(s)
#define _Inout_updates_bytes_opt_(s)
#define _Inout_updates_opt_z_(s)
#define _Out_writes_to_opt_(s, c)
#define _Out_writes_bytes_to_opt_(s, c)
#define _Out_writes_all_opt_(s)
#define _Out_writes_bytes_all_opt_(s)
#define _Inout_updates_to_opt_(s, c)
#define _Inout_updates_bytes_to_opt_(s, c)
#define _Inout_updates_all_opt_(s)
#define _Inout_updates_bytes_all_opt_(s)
#define _In_reads_to_ptr_opt_(p)
#define _In_reads_to_ptr_opt_z_(p)
#define _Out_writes_to_ptr_opt_(p)
#define _Out_writes_to_ptr_opt_z_(p)

/* ---- Output pointer parameters ----------------------------------------- */
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_z_
#define _Outptr_opt_result_z_
#define _Outptr_result_maybenull_z_
#define _Outptr_opt_result_maybenull_z_
#define _Outptr_result_nullonfailure_
#define _Outptr_opt_result_nullonfailure_
#define _COM_Outptr_
#define _COM_Outptr_result_maybenull_
#define _COM_Outptr_opt_
#define _COM_Outptr_opt_result_maybenull_
#define _Outptr_result_buffer_(s)
#define _Outptr_result_bytebuffer_(s)
#define _Outptr_opt_result_buffer_(s)
#define _Outptr_opt_result_bytebuffer_(s)
#define _Outptr_result_buffer_to_(s, c)
#define _Outptr_result_bytebuffer_to_(s, c)
#define _Outptr_opt_result_buffer_to_(s, c)
#define _Outptr_opt_result_bytebuffer_to_(s, c)
#define _Outptr_result_buffer_maybenull_(s)
#define _Outptr_result_bytebuffer_maybenull_(s)
#define _Outptr_opt_result_buffer_maybenull_(s)
#define _Outptr_opt_result_bytebuffer_maybenull_(s)
#define _Result_nullonfailure_
#define _Result_zeroonfailure_

/* ---- Output reference parameters (C++) --------------------------------- */
#define _Outref_
#define _Outref_result_maybenull_
#define _Outref_result_nullonfailure_
#define _Outref_result_buffer_(s)
#define _Outref_result_bytebuffer_(s)
#define _Outref_result_buffer_to_(s, c)
#define _Outref_result_bytebuffer_to_(s, c)
#define _Outref_result_buffer_all_(s)
#define _Outref_result_bytebuffer_all_(s)
#define _Outref_result_buffer_maybenull_(s)
#define _Outref_result_bytebuffer_maybenull_(s)
#define _Outref_result_buffer_to_maybenull_(s, c)
#define _Outref_result_bytebuffer_to_maybenull_(s, c)
#define _Outref_result_buffer_all_maybenull_(s)
#define _Outref_result_bytebuffer_all_maybenull_(s)

/* ---- Return values ----------------------------------------------------- */
#define _Ret_z_
#define _Ret_maybenull_
#define _Ret_maybenull_z_
#define _Ret_null_
#define _Ret_notnull_
#define _Ret_valid_
#define _Ret_writes_(s)
#define _Ret_writes_bytes_(s)
#define _Ret_writes_z_(s)
#define _Ret_writes_to_(s, c)
#define _Ret_writes_bytes_to_(s, c)
#define _Ret_writes_maybenull_(s)
#define _Ret_writes_bytes_maybenull_(s)
#define _Ret_writes_maybenull_z_(s)
#define _Ret_writes_to_maybenull_(s, c)
#define _Ret_writes_bytes_to_maybenull_(s, c)

/* ---- Format strings ---------------------------------------------------- */
#define _Printf_format_string_
#define _Scanf_format_string_
#define _Scanf_s_format_string_
#define _Printf_format_string_params_(x)
#define _Scanf_format_string_params_(x)
#define _Scanf_s_format_string_params_(x)
#define _Format_string_impl_(kind, where)

/* ---- Ranges and values ------------------------------------------------- */
#define _In_range_(lo, hi)
#define _Out_range_(lo, hi)
#define _Ret_range_(lo, hi)
#define _Deref_in_range_(lo, hi)
#define _Deref_out_range_(lo, hi)
#define _Deref_inout_range_(lo, hi)
#define _Deref_ret_range_(lo, hi)
#define _Field_range_(lo, hi)
#define _Pre_equal_to_(e)
#define _Post_equal_to_(e)
#define _Unchanged_(e)
#define _Satisfies_(e)
#define _Pre_satisfies_(e)
#define _Post_satisfies_(e)

/* ---- Function-level annotations ---------------------------------------- */
#define _Called_from_function_class_(name)
#define _Check_return_
#define _Must_inspect_result_
#define _Function_class_(name)
#define _Raises_SEH_exception_
#define _Maybe_raises_SEH_exception_
#define _Use_decl_annotations_
#define _Always_(annos)
#define _On_failure_(annos)
#define _Return_type_success_(e)
#define _Success_(e)
#define _Analysis_noreturn_
#define _Analysis_mode_(mode)
#define _Analysis_assume_(e)
#define _Analysis_assume_nullterminated_(p)
#define _Inexpressible_(e)

/* ---- Structs and classes ----------------------------------------------- */
#define _Field_size_(s)
#define _Field_size_opt_(s)
#define _Field_size_part_(s, c)
#define _Field_size_part_opt_(s, c)
#define _Field_size_bytes_(s)
#define _Field_size_bytes_opt_(s)
#define _Field_size_bytes_part_(s, c)
#define _Field_size_bytes_part_opt_(s, c)
#define _Field_size_full_(s)
#define _Field_size_full_opt_(s)
#define _Field_size_bytes_full_(s)
#define _Field_size_bytes_full_opt_(s)
#define _Field_z_
#define _Struct_size_bytes_(s)

/* ---- Locking and shared data ------------------------------------------- */
#define _Acquires_exclusive_lock_(l)
#define _Acquires_lock_(l)
#define _Acquires_nonreentrant_lock_(l)
#define _Acquires_shared_lock_(l)
#define _Create_lock_level_(name)
#define _Has_lock_kind_(kind)
#define _Has_lock_level_(name)
#define _Lock_level_order_(a, b)
#define _Post_same_lock_(a, b)
#define _Releases_exclusive_lock_(l)
#define _Releases_lock_(l)
#define _Releases_nonreentrant_lock_(l)
#define _Releases_shared_lock_(l)
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Requires_no_locks_held_
#define _Requires_shared_lock_held_(l)
#define _Requires_exclusive_lock_held_(l)
#define _Guarded_by_(l)
#define _Write_guarded_by_(l)
#define _Interlocked_
#define _Interlocked_operand_
#define _Lock_kind_mutex_
#define _Lock_kind_event_
#define _Lock_kind_semaphore_
#define _Lock_kind_spin_lock_
#define _Lock_kind_critical_section_
#define _Global_cancel_spin_lock_
#define _Global_critical_region_
#define _Global_interlock_
#define _Global_priority_region_
/* Statement-level markers: expand to an empty statement. */
#define _Benign_race_begin_ ((void)0);
#define _Benign_race_end_ ((void)0);
#define _No_competing_thread_begin_ ((void)0);
#define _No_competing_thread_end_ ((void)0);
#define _Analysis_suppress_lock_checking_(l)

/* ---- When and where an annotation applies ------------------------------ */
#define _At_(target, annos)
#define _At_buffer_(target, iter, count, annos)
#define _Group_(annos)
#define _When_(cond, annos)

/* ---- Intrinsics used inside annotations -------------------------------- */
#define _Curr_
#define _Old_(e)
#define _Param_(n)
#define _Nullterm_length_(p)
#define _String_length_(p)

/* ---- Lower-level building blocks (pre/post conditions) ----------------- */
#define _Pre_
#define _Post_
#define _Deref_
#define _Deref_pre_
#define _Deref_post_
#define _Pre_valid_
#define _Post_valid_
#define _Pre_invalid_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Pre_null_
#define _Post_notnull_
#define _Post_maybenull_
#define _Post_null_
#define _Pre_z_
#define _Post_z_
#define _Prepost_z_
#define _Pre_readable_size_(s)
#define _Pre_writable_size_(s)
#define _Pre_readable_byte_size_(s)
#define _Pre_writable_byte_size_(s)
#define _Post_readable_size_(s)
#define _Post_writable_size_(s)
#define _Post_readable_byte_size_(s)
#define _Post_writable_byte_size_(s)
#define _Pre_defensive_
#define _Post_defensive_
#define _In_defensive_(annos)
#define _Out_defensive_(annos)
#define _Inout_defensive_(annos)
#define _Notnull_
#define _Maybenull_
#define _Null_
#define _Valid_
#define _Notvalid_
#define _Const_
#define _Literal_
#define _Notliteral_
#define _Points_to_data_
#define _Reserved_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Readable_elements_(s)
#define _Writable_elements_(s)
#define _Readable_bytes_(s)
#define _Writable_bytes_(s)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Strict_type_match_
#define _Enum_is_bitflag_
#define _Deref_out_
#define _Deref_out_opt_
#define _Deref_opt_out_
#define _Deref_opt_out_opt_
#define _Deref_out_z_
#define _Deref_ret_z_
#define _Deref_pre_z_
#define _Deref_post_z_
#define _Deref_in_bound_
#define _Deref_out_bound_
#define _In_bound_
#define _Out_bound_
#define _Ret_bound_
#define _Deref_pre_readonly_
#define _Deref_post_maybenull_
#define _Deref_post_notnull_
#define _Deref_post_null_
#define _Deref_pre_maybenull_
#define _Deref_pre_notnull_
#define _Deref_pre_null_
#define _Deref_pre_valid_
#define _Deref_post_valid_
#define _Deref_pre_invalid_
#define _Deref_post_invalid_

/* ---- Drivers: IRQL ----------------------------------------------------- */
#define _IRQL_requires_(irql)
#define _IRQL_requires_max_(irql)
#define _IRQL_requires_min_(irql)
#define _IRQL_raises_(irql)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(kind, param)
#define _IRQL_restores_global_(kind, param)
#define _IRQL_requires_same_
#define _IRQL_always_function_max_(irql)
#define _IRQL_always_function_min_(irql)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_
#define _IRQL_inout_

/* ---- Drivers: dispatch routines, floating point, resources ------------- */
#define _Dispatch_type_(type)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Kernel_float_used_
#define _Kernel_clear_do_init_(yes_no)
#define _Kernel_IoGetDmaAdapter_
#define _Kernel_acquires_resource_(kind)
#define _Kernel_releases_resource_(kind)
#define _Kernel_requires_resource_held_(kind)
#define _Kernel_requires_resource_not_held_(kind)
#define _Kernel_ExFreePool_
#define _Kernel_ExAllocatePool_
#define _Kernel_requires_same_
#define _Kernel_is_cancel_spin_lock_

/* ---- Drivers: the __drv_* spellings of driverspecs.h ------------------- */
#define __drv_allocatesMem(kind)
#define __drv_freesMem(kind)
#define __drv_aliasesMem
#define __drv_when(cond, annos)
#define __drv_at(target, annos)
#define __drv_in(annos)
#define __drv_out(annos)
#define __drv_arg(target, annos)
#define __drv_fun(annos)
#define __drv_ret(annos)
#define __drv_in_deref(annos)
#define __drv_out_deref(annos)
#define __drv_valueIs(list)
#define __drv_constant
#define __drv_nonConstant
#define __drv_isObjectPointer
#define __drv_notPointer
#define __drv_formatString(kind)
#define __drv_preferredFunction(func, why)
#define __drv_reportError(why)
#define __drv_inTry
#define __drv_notInTry
#define __drv_interlocked
#define __drv_floatSaved
#define __drv_floatRestored
#define __drv_floatUsed
#define __drv_completionType(kind)
#define __drv_callbackType(kind)
#define __drv_clearDoInit(yes_no)
#define __drv_IoGetDmaAdapter
#define __drv_maxIRQL(i)
#define __drv_minIRQL(i)
#define __drv_requiresIRQL(i)
#define __drv_setsIRQL(i)
#define __drv_raisesIRQL(i)
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_savesIRQLGlobal(kind, param)
#define __drv_restoresIRQLGlobal(kind, param)
#define __drv_sameIRQL
#define __drv_useCancelIRQL
#define __drv_isCancelIRQL
#define __drv_maxFunctionIRQL(i)
#define __drv_minFunctionIRQL(i)
#define __drv_dispatchType(t)
#define __drv_dispatchType_other
#define __drv_functionClass(c)
#define __drv_strictTypeMatch(mode)
#define __drv_strictType(type, mode)
#define __drv_acquiresCancelSpinLock
#define __drv_releasesCancelSpinLock
#define __drv_mustHoldCancelSpinLock
#define __drv_neverHoldCancelSpinLock
#define __drv_acquiresCriticalRegion
#define __drv_releasesCriticalRegion
#define __drv_mustHoldCriticalRegion
#define __drv_neverHoldCriticalRegion
#define __drv_acquiresPriorityRegion
#define __drv_releasesPriorityRegion
#define __drv_mustHoldPriorityRegion
#define __drv_neverHoldPriorityRegion
#define __drv_acquiresResource(kind)
#define __drv_releasesResource(kind)
#define __drv_acquiresResourceGlobal(kind, param)
#define __drv_releasesResourceGlobal(kind, param)
#define __drv_mustHold(kind)
#define __drv_mustHoldGlobal(kind, param)
#define __drv_neverHold(kind)
#define __drv_neverHoldGlobal(kind, param)
#define __drv_innerMustHold(kind)
#define __drv_innerNeverHold(kind)
#define __drv_acquiresExclusiveResource(kind)
#define __drv_releasesExclusiveResource(kind)
#define __drv_acquiresExclusiveResourceGlobal(kind, param)
#define __drv_releasesExclusiveResourceGlobal(kind, param)

/* The pre-SAL-2 names (__in, __out, __inout...) are not defined: libstdc++
 * uses them as identifiers, so defining them breaks C++ code. */

#endif /* WSKCONF_SAL_H_ */
