#!/bin/sh
# pylayout-dwarf.sh - prints the offsets heapgraph's layout table needs for
# one CPython 3.13+ binary, read from its DWARF by gdb: the column of a new
# version in formats/cpython/layout.c, or a check of an existing one.
#
#   sh scripts/pylayout-dwarf.sh [-r ROOT] BINARY
#
# BINARY must have debug info (Debian: the python3.X-dbg package puts it
# under /usr/lib/debug/.build-id, where gdb finds it).  With -r ROOT gdb runs
# inside that chroot (a sid root for 3.14/3.15: `gdb` installed there), and
# BINARY is a path inside it.  A field the version does not have prints "NO";
# one gdb cannot evaluate prints "?" with gdb's reason (a renamed member:
# look in the headers).  Fields that are not offsets (feature switches such
# as managed_dict or stackref) are set by hand: see docs/cpython-versions.md.
set -eu

root=
if [ "${1:-}" = -r ]; then root=$2; shift 2; fi
bin=${1:?usage: pylayout-dwarf.sh [-r ROOT] BINARY}

# field | C expression whose address (or value, for sizeof) is the offset;
# @field | the _Py_DebugOffsets member that publishes it (printed as
# dbg_field: its byte position in that structure, for layout.c's map)
fields='
rt_interp_head|&((_PyRuntimeState*)0)->interpreters.head
interp_size|sizeof(PyInterpreterState)
tstate_size|sizeof(PyThreadState)
is_next|&((PyInterpreterState*)0)->next
is_threads_head|&((PyInterpreterState*)0)->threads.head
is_gc|&((PyInterpreterState*)0)->gc
is_modules|&((PyInterpreterState*)0)->imports.modules
is_sysdict|&((PyInterpreterState*)0)->sysdict
is_builtins|&((PyInterpreterState*)0)->builtins
is_importlib|&((PyInterpreterState*)0)->imports.importlib
is_dict|&((PyInterpreterState*)0)->dict
is_builtins_copy|&((PyInterpreterState*)0)->builtins_copy
is_types_builtins|&((PyInterpreterState*)0)->types.builtins.initialized[0]
types_entry_size|sizeof(((PyInterpreterState*)0)->types.builtins.initialized[0])
types_entry_dict|(long)&((PyInterpreterState*)0)->types.builtins.initialized[0].tp_dict - (long)&((PyInterpreterState*)0)->types.builtins.initialized[0]
gc_gen0|&((struct _gc_runtime_state*)0)->generations[0]
gc_permanent|&((struct _gc_runtime_state*)0)->permanent_generation
gc_collecting|&((struct _gc_runtime_state*)0)->collecting
gc_garbage|&((struct _gc_runtime_state*)0)->garbage
gc_callbacks|&((struct _gc_runtime_state*)0)->callbacks
ts_next|&((PyThreadState*)0)->next
ts_interp|&((PyThreadState*)0)->interp
ts_current_frame|&((PyThreadState*)0)->current_frame
ts_thread_id|&((PyThreadState*)0)->thread_id
ts_native_thread_id|&((PyThreadState*)0)->native_thread_id
ts_dict|&((PyThreadState*)0)->dict
ts_exc_info|&((PyThreadState*)0)->exc_info
ts_current_exception|&((PyThreadState*)0)->current_exception
ts_async_exc|&((PyThreadState*)0)->async_exc
ts_context|&((PyThreadState*)0)->context
ts_exc_state|&((PyThreadState*)0)->exc_state
exc_item_value|&((_PyErr_StackItem*)0)->exc_value
exc_item_previous|&((_PyErr_StackItem*)0)->previous_item
f_back|&((PyFrameObject*)0)->f_back
f_trace|&((PyFrameObject*)0)->f_trace
f_frame|&((PyFrameObject*)0)->f_frame
f_frame_data|&((PyFrameObject*)0)->_f_frame_data
f_extra_locals|&((PyFrameObject*)0)->f_extra_locals
f_locals_cache|&((PyFrameObject*)0)->f_locals_cache
f_overwritten|&((PyFrameObject*)0)->f_overwritten_fast_locals
frame_size|sizeof(PyFrameObject)
if_code|&((_PyInterpreterFrame*)0)->f_executable
if_previous|&((_PyInterpreterFrame*)0)->previous
if_func|&((_PyInterpreterFrame*)0)->f_funcobj
if_globals|&((_PyInterpreterFrame*)0)->f_globals
if_builtins|&((_PyInterpreterFrame*)0)->f_builtins
if_locals|&((_PyInterpreterFrame*)0)->f_locals
if_frame_obj|&((_PyInterpreterFrame*)0)->frame_obj
if_stacktop|&((_PyInterpreterFrame*)0)->stacktop
if_stackpointer|&((_PyInterpreterFrame*)0)->stackpointer
if_owner|&((_PyInterpreterFrame*)0)->owner
if_localsplus|&((_PyInterpreterFrame*)0)->localsplus
owner_cstack|(int)FRAME_OWNED_BY_CSTACK
owner_interpreter|(int)FRAME_OWNED_BY_INTERPRETER
co_argcount|&((PyCodeObject*)0)->co_argcount
co_nlocals|&((PyCodeObject*)0)->co_nlocals
co_stacksize|&((PyCodeObject*)0)->co_stacksize
co_flags|&((PyCodeObject*)0)->co_flags
co_firstlineno|&((PyCodeObject*)0)->co_firstlineno
co_exceptiontable|&((PyCodeObject*)0)->co_exceptiontable
co_nlocalsplus|&((PyCodeObject*)0)->co_nlocalsplus
co_framesize|&((PyCodeObject*)0)->co_framesize
co_consts|&((PyCodeObject*)0)->co_consts
co_names|&((PyCodeObject*)0)->co_names
co_localsplusnames|&((PyCodeObject*)0)->co_localsplusnames
co_localspluskinds|&((PyCodeObject*)0)->co_localspluskinds
co_filename|&((PyCodeObject*)0)->co_filename
co_name|&((PyCodeObject*)0)->co_name
co_qualname|&((PyCodeObject*)0)->co_qualname
co_linetable|&((PyCodeObject*)0)->co_linetable
co_weakreflist|&((PyCodeObject*)0)->co_weakreflist
co_cached|&((PyCodeObject*)0)->_co_cached
co_extra|&((PyCodeObject*)0)->co_extra
co_code_adaptive|&((PyCodeObject*)0)->co_code_adaptive
code_size|sizeof(PyCodeObject)
type_size|sizeof(PyTypeObject)
ht_name|&((PyHeapTypeObject*)0)->ht_name
ht_slots|&((PyHeapTypeObject*)0)->ht_slots
ht_qualname|&((PyHeapTypeObject*)0)->ht_qualname
ht_cached_keys|&((PyHeapTypeObject*)0)->ht_cached_keys
ht_module|&((PyHeapTypeObject*)0)->ht_module
heaptype_size|sizeof(PyHeapTypeObject)
ascii_size|sizeof(PyASCIIObject)
compact_size|sizeof(PyCompactUnicodeObject)
unicode_data|&((PyUnicodeObject*)0)->data
utf8_length|&((PyCompactUnicodeObject*)0)->utf8_length
utf8|&((PyCompactUnicodeObject*)0)->utf8
fn_code|&((PyFunctionObject*)0)->func_code
fn_globals|&((PyFunctionObject*)0)->func_globals
fn_builtins|&((PyFunctionObject*)0)->func_builtins
fn_name|&((PyFunctionObject*)0)->func_name
fn_qualname|&((PyFunctionObject*)0)->func_qualname
fn_defaults|&((PyFunctionObject*)0)->func_defaults
fn_kwdefaults|&((PyFunctionObject*)0)->func_kwdefaults
fn_closure|&((PyFunctionObject*)0)->func_closure
fn_doc|&((PyFunctionObject*)0)->func_doc
fn_dict|&((PyFunctionObject*)0)->func_dict
fn_module|&((PyFunctionObject*)0)->func_module
fn_annotations|&((PyFunctionObject*)0)->func_annotations
fn_annotate|&((PyFunctionObject*)0)->func_annotate
fn_typeparams|&((PyFunctionObject*)0)->func_typeparams
gi_name|&((PyGenObject*)0)->gi_name
gi_qualname|&((PyGenObject*)0)->gi_qualname
gi_exc_state|&((PyGenObject*)0)->gi_exc_state
gi_origin|&((PyGenObject*)0)->gi_origin_or_finalizer
gi_frame_state|&((PyGenObject*)0)->gi_frame_state
gi_iframe|&((PyGenObject*)0)->gi_iframe
gen_size|sizeof(PyGenObject)
gen_state_completed|(int)FRAME_COMPLETED
prop_name|&((propertyobject*)0)->prop_name
exc_notes|&((PyBaseExceptionObject*)0)->notes
exc_traceback|&((PyBaseExceptionObject*)0)->traceback
exc_context|&((PyBaseExceptionObject*)0)->context
exc_cause|&((PyBaseExceptionObject*)0)->cause
values_prefix|&((PyDictValues*)0)->values
@rt_interp_head|runtime_state.interpreters_head
@interp_size|interpreter_state.size
@is_next|interpreter_state.next
@is_threads_head|interpreter_state.threads_head
@is_gc|interpreter_state.gc
@is_modules|interpreter_state.imports_modules
@is_sysdict|interpreter_state.sysdict
@is_builtins|interpreter_state.builtins
@tstate_size|thread_state.size
@ts_next|thread_state.next
@ts_interp|thread_state.interp
@ts_current_frame|thread_state.current_frame
@ts_thread_id|thread_state.thread_id
@ts_native_thread_id|thread_state.native_thread_id
@ts_current_exception|thread_state.current_exception
@ts_exc_state|thread_state.exc_state
@exc_item_value|err_stackitem.exc_value
@if_previous|interpreter_frame.previous
@if_code|interpreter_frame.executable
@if_localsplus|interpreter_frame.localsplus
@if_owner|interpreter_frame.owner
@if_stackpointer|interpreter_frame.stackpointer
@co_filename|code_object.filename
@co_name|code_object.name
@co_qualname|code_object.qualname
@co_linetable|code_object.linetable
@co_firstlineno|code_object.firstlineno
@co_argcount|code_object.argcount
@co_localsplusnames|code_object.localsplusnames
@co_localspluskinds|code_object.localspluskinds
@co_code_adaptive|code_object.co_code_adaptive
@code_size|code_object.size
@type_size|type_object.size
@heaptype_size|heap_type_object.size
@ht_cached_keys|heap_type_object.ht_cached_keys
@ascii_size|unicode_object.asciiobject_size
@compact_size|unicode_object.compactunicodeobject_size
@gc_collecting|gc.collecting
@gi_name|gen_object.gi_name
@gi_iframe|gen_object.gi_iframe
@gi_frame_state|gen_object.gi_frame_state
'

args=
echo "$fields" | while IFS='|' read -r name expr; do
	[ -n "$name" ] || continue
	case $name in
	@*) name=dbg_${name#@}; expr="&((_Py_DebugOffsets*)0)->$expr" ;;
	esac
	printf '%s\n' "-ex" "echo $name \\n" "-ex" "printf \"%ld\\\\n\", (long)($expr)"
done >/tmp/pylayout-args.$$
set --
while IFS= read -r a; do set -- "$@" "$a"; done </tmp/pylayout-args.$$
rm -f /tmp/pylayout-args.$$
if [ -n "$root" ]; then
	out=$(chroot "$root" gdb -nx -batch "$@" "$bin" 2>&1)
else
	out=$(gdb -nx -batch "$@" "$bin" 2>&1)
fi
# gdb prints "name" then either a number or an error: pair them up
echo "$out" | awk '
	/^[a-z][a-z_0-9]* *$/ { if (name != "") print name, "?"; name = $1; next }
	name != "" && /^-?[0-9]+$/ { print name, $1; name = ""; next }
	name != "" && /There is no member|No symbol/ { print name, "NO   (" $0 ")"; name = ""; next }
	name != "" { print name, "?    (" $0 ")"; name = "" }
	END { if (name != "") print name, "?" }'
