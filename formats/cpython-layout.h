/*
 * cpython-layout.h - per-version CPython layouts as data: one table row per
 * minor version 3.8 .. 3.13, every field a byte offset (or size).  A value
 * of -1 means "this version has no such field".  The walker reads these and
 * never tests the version itself, except through the feature fields below.
 */
#ifndef HG_CPYTHON_LAYOUT_H
#define HG_CPYTHON_LAYOUT_H

struct hg_pylayout {
	int minor;

	/* _PyRuntimeState and PyInterpreterState */
	int rt_interp_head, rt_gc;	/* rt_gc: 3.8 only (GC state in the runtime) */
	int interp_size, tstate_size;	/* sizeof(PyInterpreterState), sizeof(PyThreadState) */
	int is_next, is_threads_head, is_gc, is_modules, is_sysdict, is_builtins,
	    is_importlib, is_dict, is_builtins_copy;
	int is_types_builtins, types_entry_size, types_entry_dict;	/* 3.12+ static types */

	/* PyThreadState */
	int ts_next, ts_interp, ts_frame, ts_cframe, cframe_current_frame, ts_current_frame,
	    ts_thread_id, ts_native_thread_id, ts_dict, ts_exc_info, ts_curexc_type,
	    ts_curexc_value, ts_curexc_tb, ts_current_exception, ts_async_exc, ts_context,
	    ts_exc_state;
	int exc_item_value, exc_item_type, exc_item_tb, exc_item_previous;

	/* PyFrameObject (3.8-3.10 holds everything; 3.11+ points at an interpreter frame) */
	int f_back, f_code, f_builtins, f_globals, f_locals, f_valuestack, f_stacktop,
	    f_stackdepth, f_trace, f_gen, f_localsplus, f_frame, f_frame_data,
	    f_extra_locals, f_locals_cache, frame_size;

	/* _PyInterpreterFrame (3.11+) */
	int if_code, if_previous, if_func, if_globals, if_builtins, if_locals,
	    if_frame_obj, if_stacktop, if_owner, if_localsplus;
	int owner_cstack;	/* owner value of C-stack shim frames (3.12+), else -1 */

	/* PyCodeObject */
	int co_argcount, co_nlocals, co_stacksize, co_flags, co_firstlineno, co_code,
	    co_consts, co_names, co_varnames, co_freevars, co_cellvars, co_cell2arg,
	    co_exceptiontable, co_nlocalsplus, co_framesize, co_localsplusnames,
	    co_localspluskinds, co_filename, co_name, co_qualname, co_linetable,
	    co_weakreflist, co_code_obj, co_cached, co_extra, co_code_adaptive, code_size;
	/* co_code_obj: 3.11's cached co_code bytes object; co_cached: 3.12+ pointer to a
	 * struct of four object pointers (_co_code, _co_varnames, _co_cellvars, _co_freevars) */

	/* types */
	int type_size, ht_name, ht_slots, ht_qualname, ht_cached_keys, ht_module, heaptype_size;
	int ctypes_info;	/* 3.13: a ctypes type's StgInfo, inside the type object at this
				 * offset; before, a StgDict in tp_dict holds it */

	/* dict keys: 0 = 3.8-3.10 (dk_size, 40-byte header), 1 = 3.11+ (log2 sizes, kinds) */
	int dk_new;
	int values_prefix;	/* 3.13: values[] at +8 in PyDictValues; 0 before */

	/* pre-header and instance dicts: see reference/cpython-layouts.md section 3.2 */
	int managed_dict;	/* 0 none, 1 = 3.11 (dict -24, values -32), 2 = 3.12 tagged -24, 3 = 3.13 */

	/* str */
	int ascii_size, compact_size, unicode_data, utf8_length, utf8, wstr, wstr_length;

	/* int: 1 when the size is lv_tag (3.12+), 0 when it is ob_size */
	int long_lv_tag;
	int long_min_digits;	/* int.__sizeof__ counts at least this many digits (3.11+: 1) */
	int static_type_header;	/* sys.getsizeof adds a GC header to static types (3.11, 3.12) */
	int immortal;		/* 3.12+: a negative low half of ob_refcnt means immortal */
	int co_opcache;		/* 3.8-3.10: offset of co_opcache (co_opcache_size is a byte at +12) */

	/* function */
	int fn_code, fn_globals, fn_builtins, fn_name, fn_qualname, fn_defaults, fn_kwdefaults,
	    fn_closure, fn_doc, fn_dict, fn_module, fn_annotations, fn_typeparams;

	/* generators and coroutines */
	int gi_frame, gi_code, gi_name, gi_qualname, gi_exc_state, gi_frame_state, gi_iframe,
	    gen_size;
	int gen_state_completed;	/* frame states >= this hold no live locals */
	int gi_origin;		/* 3.11+: cr_origin / ag_finalizer, in the common head */

	/* weakref, property, exceptions */
	int prop_name, exc_notes, exc_traceback, exc_context, exc_cause;
};

/* The row for 3.minor, or NULL when that version is not supported. */
const struct hg_pylayout *hg_pylayout_find(int major, int minor);

#endif
