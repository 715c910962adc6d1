/*
 * layout.h - what heapgraph knows of each CPython version's memory layout,
 * as data: one line per field, one column per version.  Every value is a
 * byte offset or size on x86-64/aarch64 (LP64), or a switch where the
 * field's comment says so; NO (-1) means the version has no such field.
 * The walker reads these and never tests the version number itself.
 *
 * Where the numbers come from, and how a new version gets its column, is in
 * docs/cpython-versions.md: offsets were read from the DWARF of each
 * version's binary (scripts/pylayout-dwarf.sh prints a column for 3.13+),
 * and 3.13+ also publish many of them in _Py_DebugOffsets, which override
 * the table at load time (layout.c, hg_pylayout_debug_offsets).
 *
 * Switches (not offsets):
 *   owner_shim          first _PyInterpreterFrame.owner value of frames that are
 *                       not Python calls (C-stack shims, interpreter entries)
 *   stackref            frame slots and f_executable/f_funcobj are _PyStackRef:
 *                       low two bits are tags (3 = an int, not a pointer)
 *   dk_new              dict keys: 0 = 3.8-3.10 (dk_size, 40-byte header),
 *                       1 = 3.11+ (log2 sizes and a keys kind)
 *   managed_dict        instance dicts in front of the object: 0 none, 1 = 3.11
 *                       (dict at -24, values at -32), 2 = 3.12 (tagged word at
 *                       -24), 3 = 3.13+ (dict at -24, values inline after the body)
 *   long_lv_tag         int size kept as lv_tag (digits << 3) instead of ob_size
 *   long_min_digits     int.__sizeof__ counts at least this many digits
 *   static_type_header  sys.getsizeof adds a GC header to static types
 *   immortal            a negative low half of ob_refcnt means immortal
 *   refcnt_bits         bits of the first word that are the count (3.14+ keep
 *                       flags in the top 16)
 *   gen_state_completed generator frame states >= this hold no live locals
 *   sq_ringbuf          _queue.SimpleQueue keeps its items in a ring buffer here
 *                       (3.13+; a list before, found by the body scan)
 *   sq_sizeof_items     SimpleQueue.__sizeof__ counts the ring's slots (3.15+)
 *   ctypes_info         a ctypes type's StgInfo inside the type object (3.13+:
 *                       PyObject_GetTypeData, the heap type's size rounded up
 *                       to 16); before, a StgDict in tp_dict holds it
 *   co_code_obj / co_cached  3.11's cached co_code bytes; 3.12+'s pointer to four
 *                       cached objects (_co_code, _co_varnames, _co_cellvars,
 *                       _co_freevars)
 *   tm_old_table        tracemalloc's hash table is 3.8's (key and data inline
 *                       in the entry, sizes in the table), not 3.9+'s (two pointers)
 *   tm_nframe_u16       a traceback's frame count is a 16-bit word (3.9+), not an int
 *   tm_cstr_names       a tracemalloc frame's file name is a C string (3.15+),
 *                       not a str object
 *   co_lines            what a code object's line table is: 0 = co_lnotab (3.8,
 *                       3.9), 1 = 3.10's co_linetable, 2 = 3.11+'s location table
 *   tm_config           (an offset) how far before the traces pointer the
 *                       tracemalloc config sits, when both are in _PyRuntime
 *                       (3.12+); before, the config is _Py_tracemalloc_config
 */
#ifndef HG_CPYTHON_LAYOUT_H
#define HG_CPYTHON_LAYOUT_H

#include <stddef.h>

/*
 * The minor versions of 3.x with a column, oldest first.  Adding a version:
 * a column in every line below, its minor here, and one more parameter in
 * the X macros of layout.c (the compiler counts the columns).
 */
#define HG_PY_MINOR_FIRST	8
#define HG_PY_NVERSIONS		8
#define HG_PY_MINOR_LAST	(HG_PY_MINOR_FIRST + HG_PY_NVERSIONS - 1)

/*      field                    3.8     3.9    3.10    3.11    3.12    3.13    3.14    3.15 */
#define HG_PYLAYOUT_FIELDS(X) \
	/* _PyRuntimeState and PyInterpreterState */ \
	X(rt_interp_head,           32,     32,     32,     40,     40,    632,    808,    936) \
	X(rt_gc,                   344,     NO,     NO,     NO,     NO,     NO,     NO,     NO) \
	X(interp_size,            2720,   5656, 113528, 107752, 383552, 194968, 225864, 226240) \
	X(tstate_size,             264,    264,    280,    360,    288,    304,    832,    888) \
	X(is_next,                   0,      0,      0,      0,      0,   7264,   7272,   7264) \
	X(is_threads_head,           8,      8,      8,     16,     72,   7344,   7344,   7336) \
	X(is_gc,                    NO,    616,    616,    648,    112,   7400,   7408,   7400) \
	X(is_modules,               56,    856,    856,    888,    944,   7656,   7688,   7592) \
	X(is_sysdict,               72,    872,    872,    904,    352,   7640,   7672,   7576) \
	X(is_builtins,              80,    880,    880,    912,    360,   7648,   7680,   7584) \
	X(is_importlib,             88,    888,    888,    920,    960,   7672,   7704,   7608) \
	X(is_dict,                 544,   1376,   1344,   1400,   1720,   8448,   8496,   8448) \
	X(is_builtins_copy,        552,   1384,   1352,   1408,   1736,   8464,   8512,   8464) \
	X(is_types_builtins,        NO,     NO,     NO,     NO, 373704, 182968, 180240, 180264) \
	X(types_entry_size,         NO,     NO,     NO,     NO,     40,     48,     48,     48) \
	X(types_entry_dict,         NO,     NO,     NO,     NO,     16,     24,     24,     24) \
	/* the garbage collector's state (in the interpreter; 3.8: in the runtime) */ \
	X(gc_gen0,                  24,     24,     24,     24,     24,     24,     24,      8) \
	X(gc_permanent,            104,    104,    104,    104,    104,    104,     96,     80) \
	X(gc_collecting,           200,    200,    200,    200,    200,    200,    192,    112) \
	X(gc_garbage,              208,    208,    208,    208,    208,    208,    200,    128) \
	X(gc_callbacks,            216,    216,    216,    216,    216,    216,    208,    136) \
	/* PyThreadState and its _PyErr_StackItem chain */ \
	X(ts_next,                   8,      8,      8,      8,      8,      8,      8,      8) \
	X(ts_interp,                16,     16,     16,     16,     16,     16,     16,     16) \
	X(ts_frame,                 24,     24,     24,     NO,     NO,     NO,     NO,     NO) \
	X(ts_cframe,                NO,     NO,     NO,     56,     56,     NO,     NO,     NO) \
	X(cframe_current_frame,     NO,     NO,     NO,      8,      0,     NO,     NO,     NO) \
	X(ts_current_frame,         NO,     NO,     NO,     NO,     NO,     72,     72,     72) \
	X(ts_thread_id,            176,    176,    176,    152,    136,    152,    152,    176) \
	X(ts_native_thread_id,      NO,     NO,     NO,    160,    144,    160,    160,    184) \
	X(ts_dict,                 152,    152,    152,    128,    112,    128,    128,    152) \
	X(ts_exc_info,             144,    144,    144,    120,    104,    120,    120,    144) \
	X(ts_curexc_type,           88,     88,     88,     96,     NO,     NO,     NO,     NO) \
	X(ts_curexc_value,          96,     96,     96,    104,     NO,     NO,     NO,     NO) \
	X(ts_curexc_tb,            104,    104,    104,    112,     NO,     NO,     NO,     NO) \
	X(ts_current_exception,     NO,     NO,     NO,     NO,     96,    112,    112,    136) \
	X(ts_async_exc,            168,    168,    168,    144,    128,    144,    144,    168) \
	X(ts_context,              240,    240,    240,    224,    208,    208,    208,    232) \
	X(ts_exc_state,            112,    112,    112,    320,    256,    256,    256,    288) \
	X(exc_item_value,            8,      8,      8,      0,      0,      0,      0,      0) \
	X(exc_item_type,             0,      0,      0,     NO,     NO,     NO,     NO,     NO) \
	X(exc_item_tb,              16,     16,     16,     NO,     NO,     NO,     NO,     NO) \
	X(exc_item_previous,        24,     24,     24,      8,      8,      8,      8,      8) \
	/* PyFrameObject: 3.8-3.10 hold the frame in the object, 3.11+ point at an interpreter frame */ \
	X(f_back,                   24,     24,     24,     16,     16,     16,     16,     16) \
	X(f_code,                   32,     32,     32,     NO,     NO,     NO,     NO,     NO) \
	X(f_builtins,               40,     40,     40,     NO,     NO,     NO,     NO,     NO) \
	X(f_globals,                48,     48,     48,     NO,     NO,     NO,     NO,     NO) \
	X(f_locals,                 56,     56,     56,     NO,     NO,     NO,     NO,     NO) \
	X(f_valuestack,             64,     64,     64,     NO,     NO,     NO,     NO,     NO) \
	X(f_stacktop,               72,     72,     NO,     NO,     NO,     NO,     NO,     NO) \
	X(f_stackdepth,             NO,     NO,     80,     NO,     NO,     NO,     NO,     NO) \
	X(f_trace,                  80,     80,     72,     32,     32,     32,     32,     32) \
	X(f_gen,                    96,     96,     88,     NO,     NO,     NO,     NO,     NO) \
	X(f_localsplus,            360,    360,    352,     NO,     NO,     NO,     NO,     NO) \
	X(f_frame,                  NO,     NO,     NO,     24,     24,     24,     24,     24) \
	X(f_frame_data,             NO,     NO,     NO,     48,     48,     64,     72,     72) \
	X(f_extra_locals,           NO,     NO,     NO,     NO,     NO,     48,     48,     48) \
	X(f_locals_cache,           NO,     NO,     NO,     NO,     NO,     56,     56,     56) \
	X(f_overwritten,            NO,     NO,     NO,     NO,     NO,     NO,     64,     64) \
	X(frame_size,              368,    368,    360,     56,     56,     72,     80,     80) \
	/* _PyInterpreterFrame (3.11+) */ \
	X(if_code,                  NO,     NO,     NO,     32,      0,      0,      0,      0) \
	X(if_previous,              NO,     NO,     NO,     48,      8,      8,      8,      8) \
	X(if_func,                  NO,     NO,     NO,      0,     16,     16,     16,     16) \
	X(if_globals,               NO,     NO,     NO,      8,     24,     24,     24,     24) \
	X(if_builtins,              NO,     NO,     NO,     16,     32,     32,     32,     32) \
	X(if_locals,                NO,     NO,     NO,     24,     40,     40,     40,     40) \
	X(if_frame_obj,             NO,     NO,     NO,     40,     48,     48,     48,     48) \
	X(if_stacktop,              NO,     NO,     NO,     64,     64,     64,     NO,     NO) \
	X(if_stackpointer,          NO,     NO,     NO,     NO,     NO,     NO,     64,     64) \
	X(if_owner,                 NO,     NO,     NO,     69,     70,     70,     74,     74) \
	X(if_localsplus,            NO,     NO,     NO,     72,     72,     72,     80,     80) \
	X(owner_shim,               NO,     NO,     NO,     NO,      3,      3,      3,      3) \
	X(stackref,                  0,      0,      0,      0,      0,      0,      1,      1) \
	/* PyCodeObject */ \
	X(co_argcount,              16,     16,     16,     56,     52,     52,     52,     52) \
	X(co_nlocals,               28,     28,     28,     80,     80,     80,     80,     80) \
	X(co_stacksize,             32,     32,     32,     68,     64,     64,     64,     64) \
	X(co_flags,                 36,     36,     36,     48,     48,     48,     48,     48) \
	X(co_firstlineno,           40,     40,     40,     72,     68,     68,     68,     68) \
	X(co_code,                  48,     48,     48,     NO,     NO,     NO,     NO,     NO) \
	X(co_consts,                56,     56,     56,     24,     24,     24,     24,     24) \
	X(co_names,                 64,     64,     64,     32,     32,     32,     32,     32) \
	X(co_varnames,              72,     72,     72,     NO,     NO,     NO,     NO,     NO) \
	X(co_freevars,              80,     80,     80,     NO,     NO,     NO,     NO,     NO) \
	X(co_cellvars,              88,     88,     88,     NO,     NO,     NO,     NO,     NO) \
	X(co_cell2arg,              96,     96,     96,     NO,     NO,     NO,     NO,     NO) \
	X(co_exceptiontable,        NO,     NO,     NO,     40,     40,     40,     40,     40) \
	X(co_nlocalsplus,           NO,     NO,     NO,     76,     72,     72,     72,     72) \
	X(co_framesize,             NO,     NO,     NO,     NO,     76,     76,     76,     76) \
	X(co_localsplusnames,       NO,     NO,     NO,     96,     96,     96,     96,     96) \
	X(co_localspluskinds,       NO,     NO,     NO,    104,    104,    104,    104,    104) \
	X(co_filename,             104,    104,    104,    112,    112,    112,    112,    112) \
	X(co_name,                 112,    112,    112,    120,    120,    120,    120,    120) \
	X(co_qualname,              NO,     NO,     NO,    128,    128,    128,    128,    128) \
	X(co_linetable,            120,    120,    120,    136,    136,    136,    136,    136) \
	X(co_weakreflist,          136,    136,    136,    144,    144,    144,    144,    144) \
	X(co_code_obj,              NO,     NO,     NO,    152,     NO,     NO,     NO,     NO) \
	X(co_cached,                NO,     NO,     NO,     NO,    152,    160,    160,    160) \
	X(co_extra,                144,    144,    144,    176,    184,    192,    200,    200) \
	X(co_code_adaptive,         NO,     NO,     NO,    184,    192,    200,    208,    208) \
	X(code_size,               176,    176,    176,    192,    200,    208,    216,    216) \
	/* type objects */ \
	X(type_size,               416,    408,    408,    408,    416,    416,    416,    424) \
	X(ht_name,                 848,    840,    848,    848,    856,    856,    856,    864) \
	X(ht_slots,                856,    848,    856,    856,    864,    864,    864,    872) \
	X(ht_qualname,             864,    856,    864,    864,    872,    872,    872,    880) \
	X(ht_cached_keys,          872,    864,    872,    872,    880,    880,    880,    888) \
	X(ht_module,                NO,    872,    880,    880,    888,    888,    888,    896) \
	X(heaptype_size,           880,    880,    888,    904,    920,    928,    936,    944) \
	X(ctypes_info,              NO,     NO,     NO,     NO,     NO,    928,    944,    944) \
	/* ctypes: fields of the StgDict object (3.8-3.12) or the StgInfo at ctypes_info */ \
	X(stg_length,               64,     64,     64,     64,     64,     24,     24,     24) \
	X(stg_elements,             88,     88,     88,     88,     88,     48,     48,     48) \
	X(stg_proto,                96,     96,     96,     96,     96,     56,     56,     56) \
	X(stg_argtypes,            128,    128,    128,    128,    128,     88,     88,     88) \
	X(stg_converters,          136,    136,    136,    136,    136,     96,     96,     96) \
	X(stg_restype,             144,    144,    144,    144,    144,    104,    104,    104) \
	X(stg_checker,             152,    152,    152,    152,    152,    112,    112,    112) \
	X(stg_pointer_type,         NO,     NO,     NO,     NO,     NO,     NO,    120,    120) \
	X(stg_module,               NO,     NO,     NO,     NO,     NO,    120,    128,    128) \
	X(stg_format,              168,    168,    168,    168,    168,    136,    144,    144) \
	X(stg_ndim,                176,    176,    176,    176,    176,    144,    152,    152) \
	/* dicts and instance attributes */ \
	/* containers and modules */ \
	X(tuple_items,              24,     24,     24,     24,     24,     24,     32,     32) \
	X(mod_def,                  24,     24,     24,     24,     24,     24,     24,     NO) \
	X(mod_state,                32,     32,     32,     32,     32,     32,     32,     24) \
	X(mod_name,                 48,     48,     48,     48,     48,     48,     48,     40) \
	X(sq_ringbuf,               NO,     NO,     NO,     NO,     NO,     24,     24,     24) \
	X(sq_sizeof_items,           0,      0,      0,      0,      0,      0,      0,      1) \
	X(bytearray_bytes,          NO,     NO,     NO,     NO,     NO,     NO,     NO,     56) \
	X(mod_state_size,           NO,     NO,     NO,     NO,     NO,     NO,     NO,     56) \
	X(dk_new,                    0,      0,      0,      1,      1,      1,      1,      1) \
	X(values_prefix,             0,      0,      0,      0,      0,      8,      8,      8) \
	X(managed_dict,              0,      0,      0,      1,      2,      3,      3,      3) \
	/* str */ \
	X(ascii_size,               48,     48,     48,     48,     40,     40,     40,     40) \
	X(compact_size,             72,     72,     72,     72,     56,     56,     56,     56) \
	X(unicode_data,             72,     72,     72,     72,     56,     56,     56,     56) \
	X(utf8_length,              48,     48,     48,     48,     40,     40,     40,     40) \
	X(utf8,                     56,     56,     56,     56,     48,     48,     48,     48) \
	X(wstr,                     40,     40,     40,     40,     NO,     NO,     NO,     NO) \
	X(wstr_length,              64,     64,     64,     64,     NO,     NO,     NO,     NO) \
	/* int, reference counts, sizes */ \
	X(long_lv_tag,               0,      0,      0,      0,      1,      1,      1,      1) \
	X(long_min_digits,           0,      0,      0,      1,      1,      1,      1,      1) \
	X(static_type_header,        0,      0,      0,      1,      1,      0,      0,      0) \
	X(immortal,                  0,      0,      0,      0,      1,      1,      1,      1) \
	X(refcnt_bits,              64,     64,     64,     64,     64,     64,     48,     48) \
	X(co_opcache,              160,    160,    160,     NO,     NO,     NO,     NO,     NO) \
	/* functions */ \
	X(fn_code,                  16,     16,     48,     48,     48,     48,     48,     48) \
	X(fn_globals,               24,     24,     16,     16,     16,     16,     16,     16) \
	X(fn_builtins,              NO,     NO,     24,     24,     24,     24,     24,     24) \
	X(fn_name,                  64,     64,     32,     32,     32,     32,     32,     32) \
	X(fn_qualname,             104,    104,     40,     40,     40,     40,     40,     40) \
	X(fn_defaults,              32,     32,     56,     56,     56,     56,     56,     56) \
	X(fn_kwdefaults,            40,     40,     64,     64,     64,     64,     64,     64) \
	X(fn_closure,               48,     48,     72,     72,     72,     72,     72,     72) \
	X(fn_doc,                   56,     56,     80,     80,     80,     80,     80,     80) \
	X(fn_dict,                  72,     72,     88,     88,     88,     88,     88,     88) \
	X(fn_module,                88,     88,    104,    104,    104,    104,    104,    104) \
	X(fn_annotations,           96,     96,    112,    112,    112,    112,    112,    112) \
	X(fn_annotate,              NO,     NO,     NO,     NO,     NO,     NO,    120,    120) \
	X(fn_typeparams,            NO,     NO,     NO,     NO,    120,    120,    128,    128) \
	/* generators and coroutines */ \
	X(gi_frame,                 16,     16,     16,     NO,     NO,     NO,     NO,     NO) \
	X(gi_code,                  32,     32,     24,     16,     NO,     NO,     NO,     NO) \
	X(gi_name,                  48,     48,     40,     32,     24,     24,     24,     24) \
	X(gi_qualname,              56,     56,     48,     40,     32,     32,     32,     32) \
	X(gi_exc_state,             64,     64,     56,     48,     40,     40,     40,     40) \
	X(gi_frame_state,           NO,     NO,     NO,     75,     67,     67,     67,     67) \
	X(gi_iframe,                NO,     NO,     NO,     80,     72,     72,     72,     72) \
	X(gen_size,                 96,     96,     88,     88,     80,     80,    160,    160) \
	X(gen_state_completed,      NO,     NO,     NO,      1,      1,      1,      1,      5) \
	X(gi_origin,                NO,     NO,     NO,     64,     56,     56,     56,     56) \
	/* properties and exceptions */ \
	X(prop_name,                NO,     NO,     48,     48,     48,     48,     48,     48) \
	X(exc_notes,                NO,     NO,     NO,     32,     32,     32,     32,     32) \
	X(exc_traceback,            32,     32,     32,     40,     40,     40,     40,     40) \
	X(exc_context,              40,     40,     40,     48,     48,     48,     48,     48) \
	X(exc_cause,                48,     48,     48,     56,     56,     56,     56,     56) \
	/* tracemalloc's tables (tracemalloc.c) */ \
	X(tm_old_table,              1,      0,      0,      0,      0,      0,      0,      0) \
	X(tm_nframe_u16,             0,      1,      1,      1,      1,      1,      1,      1) \
	X(tm_cstr_names,             0,      0,      0,      0,      0,      0,      0,      1) \
	X(tm_config,                NO,     NO,     NO,     NO,    184,    184,    184,    184) \
	X(co_lines,                  0,      0,      1,      2,      2,      2,      2,      2)

struct hg_pylayout {
	int minor;
#define HG_PYLAYOUT_MEMBER(name, ...) int name;
	HG_PYLAYOUT_FIELDS(HG_PYLAYOUT_MEMBER)
#undef HG_PYLAYOUT_MEMBER
};

/*
 * Fills *out with the column of 3.minor; -1 when that version has none
 * (see HG_PY_MINOR_FIRST/LAST for the range, for messages).
 */
int hg_pylayout_get(int major, int minor, struct hg_pylayout *out);

/*
 * Overrides the fields the process published about itself in
 * _Py_DebugOffsets (3.13+): d is the structure's bytes as read from
 * &_PyRuntime (len of them).  Returns how many fields were taken.
 */
int hg_pylayout_debug_offsets(struct hg_pylayout *L, const unsigned char *d, size_t len);
/* _Py_DebugOffsets begins with the cookie "xdebugpy", PY_VERSION_HEX and the free-threaded flag. */
#define HG_PY_DEBUG_COOKIE	"xdebugpy"
#define HG_PY_DEBUG_VERSION	8
#define HG_PY_DEBUG_FREE_THREADED 16
/* Bytes of _Py_DebugOffsets that cover every member the map reads. */
#define HG_PY_DEBUG_OFFSETS_LEN 824

#endif
