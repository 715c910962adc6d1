/*
 * kinds-code.c - the types of running code, each in one place: functions,
 * code objects, frames (3.8-3.10 frame objects hold everything; 3.11+ point
 * at an interpreter frame, whose slots are _PyStackRef from 3.14), generators
 * and coroutines, modules, methods and descriptors, exceptions and
 * tracebacks.  Offsets: abi.h and layout.h.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "walker.h"
#include "../../common/util.h"

#define MAX_SLOTS 100000	/* locals, cells or stack entries of one frame */

/* ---- function ---- */

/*
 * What a closure captured, named: an edge from the function to each cell's
 * contents labeled "closure 'name'" (the name from the code's free
 * variables: co_freevars before 3.11, the free kinds of co_localsplusnames
 * since), beside __closure__ -> tuple -> cell.  The function holds them
 * only through its cells: the edges are borrowed.
 */
static void closure_edges(struct walker *w, uint64_t fn)
{
	const struct hg_pylayout *L = w->L;
	uint64_t closure = L->fn_closure >= 0 ? rd_ptr(w, fn + (uint64_t)L->fn_closure) : 0;
	uint64_t code = rd_ptr(w, fn + (uint64_t)L->fn_code), names, kinds = 0;
	int64_t ncells, nnames, j = 0;

	if (!closure || !code)
		return;
	ncells = rd_i64(w, closure + OB_SIZE);
	if (L->co_freevars >= 0) {
		names = rd_ptr(w, code + (uint64_t)L->co_freevars);
	} else {
		names = rd_ptr(w, code + (uint64_t)L->co_localsplusnames);
		kinds = rd_ptr(w, code + (uint64_t)L->co_localspluskinds);
		if (!kinds)
			return;
	}
	nnames = names ? rd_i64(w, names + OB_SIZE) : 0;
	if (ncells <= 0 || ncells > MAX_SLOTS || nnames <= 0 || nnames > MAX_SLOTS)
		return;
	for (int64_t k = 0; k < nnames && j < ncells; k++) {
		uint64_t cell;
		uint32_t ci;

		if (kinds && !(rd_u8(w, kinds + BYTES_SVAL + (uint64_t)k) & CO_KIND_FREE))
			continue;
		cell = rd_tuple_item(w, closure, (uint64_t)j++);
		if (!cell || (ci = obj_ref(w, cell)) == HG_NONE || obj_kind(w, ci) != K_CELL)
			continue;
		edge(w, rd_ptr(w, cell + CELL_REF), str_label(w, rd_tuple_item(w, names, (uint64_t)k), "closure '", "'"),
		     HG_EDGE_STRONG | HG_EDGE_BORROWED, HG_REF_OTHER);
	}
}

static void function_edges(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t a = o->a;

	field(w, a, L->fn_code, "__code__");
	field(w, a, L->fn_globals, "__globals__");
	field(w, a, L->fn_builtins, "__builtins__");
	field(w, a, L->fn_name, "__name__");
	field(w, a, L->fn_qualname, "__qualname__");
	field(w, a, L->fn_defaults, "__defaults__");
	field(w, a, L->fn_kwdefaults, "__kwdefaults__");
	field(w, a, L->fn_closure, "__closure__");
	field(w, a, L->fn_doc, "__doc__");
	field(w, a, L->fn_dict, "__dict__");
	field(w, a, L->fn_module, "__module__");
	field(w, a, L->fn_annotations, "__annotations__");
	field(w, a, L->fn_annotate, "__annotate__");
	field(w, a, L->fn_typeparams, "__type_params__");
	closure_edges(w, a);
}

/* "<function f at 0x...>", lambdas as "lambda: file.py:12" */
static void function_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	const struct hg_pylayout *L = w->L;
	char name[256], q[256];
	int trunc;

	if (text_str(w, rd_ptr(w, o->a + (uint64_t)L->fn_name), name, sizeof(name), &trunc) < 0)
		snprintf(name, sizeof(name), "?");
	if (!strcmp(name, "<lambda>")) {
		uint64_t code = rd_ptr(w, o->a + (uint64_t)L->fn_code);
		char file[256];
		const char *base;

		if (text_str(w, rd_ptr(w, code + (uint64_t)L->co_filename), file, sizeof(file), &trunc) < 0)
			snprintf(file, sizeof(file), "?");
		base = strrchr(file, '/');
		snprintf(r, rn, "lambda: %s:%u", base ? base + 1 : file,
			 (unsigned)(rd_ptr(w, code + (uint64_t)L->co_firstlineno) & 0xffffffff));
	} else {
		if (text_str(w, rd_ptr(w, o->a + (uint64_t)L->fn_qualname), q, sizeof(q), &trunc) < 0)
			snprintf(q, sizeof(q), "%s", name);
		snprintf(r, rn, "<function %s at 0x%" PRIx64 ">", q, o->a);
	}
}

const struct kind_ops kind_function_ops = { function_edges, NULL, function_repr, 0 };

/* ---- code ---- */

static void code_edges(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t a = o->a;

	field(w, a, L->co_code, "co_code");
	field(w, a, L->co_consts, "co_consts");
	field(w, a, L->co_names, "co_names");
	field(w, a, L->co_varnames, "co_varnames");
	field(w, a, L->co_freevars, "co_freevars");
	field(w, a, L->co_cellvars, "co_cellvars");
	field(w, a, L->co_exceptiontable, "co_exceptiontable");
	field(w, a, L->co_localsplusnames, "co_localsplusnames");
	field(w, a, L->co_localspluskinds, "co_localspluskinds");
	field(w, a, L->co_filename, "co_filename");
	field(w, a, L->co_name, "co_name");
	field(w, a, L->co_qualname, "co_qualname");
	field(w, a, L->co_linetable, "co_linetable");
	field(w, a, L->co_code_obj, "_co_code");
	if (L->co_cached >= 0) {
		uint64_t cc = rd_ptr(w, a + (uint64_t)L->co_cached);

		/* _PyCoCached: four object pointers */
		if (cc) {
			field(w, cc, 0, "_co_code");
			field(w, cc, 8, "_co_varnames");
			field(w, cc, 16, "_co_cellvars");
			field(w, cc, 24, "_co_freevars");
		}
	}
}

/* code.__sizeof__: the object (3.11+: with its bytecode), cell2arg, co_extra, and (3.8-3.10) the opcache */
static uint64_t code_size(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	const struct tinfo *t = o->t;
	uint64_t a = o->a, size, extra = rd_ptr(w, a + (uint64_t)L->co_extra);

	if (L->co_cell2arg >= 0) {
		uint64_t cells = rd_ptr(w, a + (uint64_t)L->co_cellvars);

		size = (uint64_t)t->basicsize;
		if (rd_ptr(w, a + (uint64_t)L->co_cell2arg) && cells)
			size += 8 * rd_ptr(w, cells + OB_SIZE);
	} else {
		int64_t n = rd_i64(w, a + OB_SIZE);

		size = ((uint64_t)t->basicsize + (uint64_t)(n > 0 ? n : 0) * (uint64_t)t->itemsize + 7) & ~(uint64_t)7;
	}
	if (extra) {
		int64_t ce = rd_i64(w, extra + CODE_EXTRA_COUNT);

		if (ce >= 1 && ce < 4096)
			size += 16 + (uint64_t)(ce - 1) * 8;
	}
	if (L->co_opcache >= 0 && rd_ptr(w, a + (uint64_t)L->co_opcache)) {
		uint64_t code = rd_ptr(w, a + (uint64_t)L->co_code);

		size += CO_OPCACHE_ENTRY * rd_u8(w, a + (uint64_t)L->co_opcache + CO_OPCACHE_SIZE);
		if (code)
			size += rd_ptr(w, code + OB_SIZE) / 2;
	}
	return size;
}

static void code_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	const struct hg_pylayout *L = w->L;
	char name[256], file[256];
	int trunc;

	if (text_str(w, rd_ptr(w, o->a + (uint64_t)L->co_name), name, sizeof(name), &trunc) < 0)
		snprintf(name, sizeof(name), "?");
	if (text_str(w, rd_ptr(w, o->a + (uint64_t)L->co_filename), file, sizeof(file), &trunc) < 0)
		snprintf(file, sizeof(file), "?");
	snprintf(r, rn, "<code object %.100s at 0x%" PRIx64 ", file \"%.100s\", line %u>", name, o->a, file,
		 rd_u32(w, o->a + (uint64_t)L->co_firstlineno));
}

const struct kind_ops kind_code_ops = { code_edges, code_size, code_repr, 0 };

/* ---- frames ---- */

void iframe_edges(struct walker *w, uint64_t f, int stack_ok)
{
	const struct hg_pylayout *L = w->L;
	int ck, fk, vk;
	uint64_t code = rd_stackref_kind(w, f + (uint64_t)L->if_code, &ck), names, kinds;
	uint64_t func = rd_stackref_kind(w, f + (uint64_t)L->if_func, &fk);
	int64_t n, stacktop, nnames;
	uint32_t ci;

	edgef(w, code, ck, HG_REF_FIELD, "f_code");
	edgef(w, func, fk, HG_REF_FIELD, "f_func");
	/* borrowed from the function */
	field_borrowed(w, f, L->if_globals, "f_globals");
	field_borrowed(w, f, L->if_builtins, "f_builtins");
	field(w, f, L->if_locals, "f_locals");
	if (!code || (ci = obj_ref(w, code)) == HG_NONE || obj_kind(w, ci) != K_CODE)
		return;
	n = (int32_t)rd_u32(w, code + (uint64_t)L->co_nlocalsplus);
	names = rd_ptr(w, code + (uint64_t)L->co_localsplusnames);
	kinds = rd_ptr(w, code + (uint64_t)L->co_localspluskinds);
	nnames = names ? rd_i64(w, names + OB_SIZE) : 0;
	stacktop = iframe_stacktop(w, f);
	if (n < 0 || n > MAX_SLOTS)
		return;
	for (int64_t k = 0; k < n; k++) {
		uint64_t v = rd_stackref_kind(w, f + (uint64_t)L->if_localsplus + 8 * (uint64_t)k, &vk);
		uint64_t nm = k < nnames ? rd_tuple_item(w, names, (uint64_t)k) : 0;
		uint8_t kind = kinds ? rd_u8(w, kinds + BYTES_SVAL + (uint64_t)k) : 0;

		if (!v)
			continue;
		edge(w, v, nm ? str_label(w, nm, (kind & CO_KIND_CELL_FREE) ? "cell '" : "local '", "'") :
		     hg_heap_cstr(w->h, "local ?"), vk, HG_REF_OTHER);
	}
	if (stack_ok && stacktop > n && stacktop < n + MAX_SLOTS)
		for (int64_t k = n; k < stacktop; k++) {
			uint64_t v = rd_stackref_kind(w, f + (uint64_t)L->if_localsplus + 8 * (uint64_t)k, &vk);

			edgef(w, v, vk, HG_REF_OTHER, "stack[%lld]", (long long)(k - n));
		}
}

/* A 3.8-3.10 frame object: locals by name from the code's varnames/cellvars/freevars. */
static void frame_old_edges(struct walker *w, uint64_t f)
{
	const struct hg_pylayout *L = w->L;
	uint64_t code = rd_ptr(w, f + (uint64_t)L->f_code);
	static const char *const pfx[3] = { "local '", "cell '", "cell '" };
	uint64_t tuples[3];
	int64_t k = 0;

	field(w, f, L->f_back, "f_back");
	field(w, f, L->f_code, "f_code");
	field(w, f, L->f_builtins, "f_builtins");
	field(w, f, L->f_globals, "f_globals");
	field(w, f, L->f_locals, "f_locals");
	field(w, f, L->f_trace, "f_trace");
	if (!code)
		return;
	tuples[0] = rd_ptr(w, code + (uint64_t)L->co_varnames);
	tuples[1] = rd_ptr(w, code + (uint64_t)L->co_cellvars);
	tuples[2] = rd_ptr(w, code + (uint64_t)L->co_freevars);
	for (int t = 0; t < 3; t++) {
		int64_t n = tuples[t] ? rd_i64(w, tuples[t] + OB_SIZE) : 0;

		if (n < 0 || n > MAX_SLOTS)
			return;
		for (int64_t j = 0; j < n; j++, k++) {
			uint64_t v = rd_ptr(w, f + (uint64_t)L->f_localsplus + 8 * (uint64_t)k);

			if (v)
				edge(w, v, str_label(w, rd_tuple_item(w, tuples[t], (uint64_t)j), pfx[t], "'"),
				     HG_EDGE_STRONG, HG_REF_OTHER);
		}
	}
	/* The value stack of a suspended frame (3.8/3.9 f_stacktop; 3.10 f_stackdepth). */
	{
		uint64_t vs = rd_ptr(w, f + (uint64_t)L->f_valuestack);
		int64_t depth = 0;

		if (L->f_stacktop >= 0) {
			uint64_t top = rd_ptr(w, f + (uint64_t)L->f_stacktop);

			if (top > vs && vs)
				depth = (int64_t)(top - vs) / 8;
		} else if (L->f_stackdepth >= 0) {
			depth = (int32_t)rd_u32(w, f + (uint64_t)L->f_stackdepth);
		}
		for (int64_t j = 0; vs && j < depth && j < MAX_SLOTS; j++)
			edgef(w, rd_ptr(w, vs + 8 * (uint64_t)j), HG_EDGE_STRONG, HG_REF_OTHER, "stack[%lld]", (long long)j);
	}
}

static void frame_edges(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t a = o->a, f;

	if (L->f_code >= 0) {
		frame_old_edges(w, a);
		return;
	}
	f = rd_ptr(w, a + (uint64_t)L->f_frame);
	field(w, a, L->f_back, "f_back");
	field(w, a, L->f_trace, "f_trace");
	field(w, a, L->f_extra_locals, "f_extra_locals");
	field(w, a, L->f_locals_cache, "f_locals_cache");
	field(w, a, L->f_overwritten, "f_overwritten_fast_locals");
	/* The frame data lives in the object once the call returned (owner 2). */
	if (f == a + (uint64_t)L->f_frame_data)
		iframe_edges(w, f, 1);
}

/* The slots an interpreter frame of this code needs: locals, cells, free variables and the stack. */
static uint64_t code_slots(struct walker *w, uint64_t code)
{
	return (uint64_t)rd_u32(w, code + (uint64_t)w->L->co_nlocalsplus) +
	       (uint64_t)rd_u32(w, code + (uint64_t)w->L->co_stacksize);
}

static uint64_t frame_size(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t a = o->a, size;

	if (L->f_code >= 0) {
		/* 3.8-3.10: the object holds locals, cells, free variables and the stack */
		uint64_t code = rd_ptr(w, a + (uint64_t)L->f_code);
		uint64_t cells = rd_ptr(w, code + (uint64_t)L->co_cellvars);
		uint64_t frees = rd_ptr(w, code + (uint64_t)L->co_freevars);
		uint64_t extras = rd_u32(w, code + (uint64_t)L->co_stacksize) + rd_u32(w, code + (uint64_t)L->co_nlocals) +
				  (cells ? rd_ptr(w, cells + OB_SIZE) : 0) + (frees ? rd_ptr(w, frees + OB_SIZE) : 0);

		size = (uint64_t)L->frame_size + (extras - 1) * 8;
	} else {
		uint64_t f = rd_ptr(w, a + (uint64_t)L->f_frame);

		size = (uint64_t)L->f_frame_data + (uint64_t)L->if_localsplus +
		       8 * code_slots(w, rd_stackref(w, f + (uint64_t)L->if_code));
	}
	if (size > ((uint64_t)1 << 32))
		size = (uint64_t)L->frame_size;
	return size;
}

const struct kind_ops kind_frame_ops = { frame_edges, frame_size, NULL, 0 };

/* ---- generators, coroutines, async generators ---- */

static void gen_edges(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t a = o->a;

	if (L->gi_frame >= 0) {
		field(w, a, L->gi_frame, "gi_frame");
		field(w, a, L->gi_code, "gi_code");
	} else {
		int8_t state = (int8_t)rd_u8(w, a + (uint64_t)L->gi_frame_state);

		field(w, a, L->gi_code, "gi_code");
		if (state < L->gen_state_completed)
			iframe_edges(w, a + (uint64_t)L->gi_iframe, 1);
		else
			edgef(w, rd_stackref(w, a + (uint64_t)L->gi_iframe + (uint64_t)L->if_code), HG_EDGE_STRONG, HG_REF_FIELD,
			      "gi_code");
	}
	field(w, a, L->gi_name, "__name__");
	field(w, a, L->gi_qualname, "__qualname__");
	field(w, a, L->gi_origin, "origin_or_finalizer");
	/* 3.8-3.10 coroutines and async generators add fields after the generator's */
	if (L->gi_origin < 0 && o->t->basicsize > L->gen_size)
		scan_body(w, o->t, a, L->gen_size, o->t->basicsize);
	/* the exception being handled: 3.8-3.10 keep its type first */
	field(w, a, L->gi_exc_state + (L->exc_item_type >= 0 ? 8 : 0), "gi_exc_state");
}

static uint64_t gen_size(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t code;

	if (L->gi_iframe < 0)
		return (uint64_t)o->t->basicsize;
	/* 3.11+: the header, the frame header and the frame's slots */
	code = L->gi_code >= 0 ? rd_ptr(w, o->a + (uint64_t)L->gi_code)
			       : rd_stackref(w, o->a + (uint64_t)L->gi_iframe + (uint64_t)L->if_code);
	return (uint64_t)L->gi_iframe + (uint64_t)L->if_localsplus + 8 * code_slots(w, code);
}

const struct kind_ops kind_gen_ops = { gen_edges, gen_size, NULL, 0 };

/* ---- module ---- */

static void module_edges(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t a = o->a;
	uint64_t def = L->mod_def >= 0 ? rd_ptr(w, a + (uint64_t)L->mod_def) : 0;
	uint64_t state = rd_ptr(w, a + (uint64_t)L->mod_state);
	/* the state's size: PyModuleDef.m_size, or the module's own copy (3.15+) */
	int64_t msize = L->mod_state_size >= 0 ? rd_i64(w, a + (uint64_t)L->mod_state_size) :
			def ? rd_i64(w, def + MODDEF_M_SIZE) : 0;
	int budget = 1024;

	field(w, a, MODULE_DICT, "__dict__");
	field(w, a, L->mod_name, "__name__");
	/* A C module's state holds its types and objects. */
	if (state && msize > 0)
		scan_state(w, state, msize < 65536 ? (uint64_t)msize : 65536, "module state", 0, &budget);
}

static void module_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	int trunc;

	if (text_str(w, rd_ptr(w, o->a + (uint64_t)w->L->mod_name), r, rn, &trunc) < 0)
		snprintf(r, rn, "<module>");
}

const struct kind_ops kind_module_ops = { module_edges, NULL, module_repr, 0 };

/* ---- methods and descriptors ---- */

static void method_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, METHOD_FUNC, "__func__");
	field(w, o->a, METHOD_SELF, "__self__");
}

/* "name (bound)" */
static void method_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	uint64_t fn = rd_ptr(w, o->a + METHOD_FUNC);
	char name[256];
	int trunc;

	if (text_str(w, rd_ptr(w, fn + (uint64_t)w->L->fn_name), name, sizeof(name), &trunc) < 0)
		snprintf(name, sizeof(name), "?");
	snprintf(r, rn, "%s%s", name, rd_ptr(w, o->a + METHOD_SELF) ? " (bound)" : "");
}

const struct kind_ops kind_method_ops = { method_edges, NULL, method_repr, 0 };

static void cfunction_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, CFUNC_SELF, "__self__");
	field(w, o->a, CFUNC_MODULE, "__module__");
	if (o->t->basicsize >= CMETHOD_SIZE)
		field(w, o->a, CFUNC_CLASS, "__class__");
}

static void cfunction_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	uint64_t ml = rd_ptr(w, o->a + CFUNC_ML);

	if (!ml || hg_mem_cstr(w->m, rd_ptr(w, ml), r, rn) < 0)
		snprintf(r, rn, "<builtin>");
}

const struct kind_ops kind_cfunction_ops = { cfunction_edges, NULL, cfunction_repr, 0 };

static void property_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, PROP_GET, "fget");
	field(w, o->a, PROP_SET, "fset");
	field(w, o->a, PROP_DEL, "fdel");
	field(w, o->a, PROP_DOC, "__doc__");
	field(w, o->a, w->L->prop_name, "__name__");
}

const struct kind_ops kind_property_ops = { property_edges, NULL, NULL, 0 };

static void classmethod_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, CLASSMETHOD_FUNC, "__func__");
	field(w, o->a, CLASSMETHOD_DICT, "__dict__");
}

const struct kind_ops kind_classmethod_ops = { classmethod_edges, NULL, NULL, 0 };

static void descr_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, DESCR_OBJCLASS, "__objclass__");
	field(w, o->a, DESCR_NAME, "__name__");
	field(w, o->a, DESCR_QUALNAME, "__qualname__");
}

const struct kind_ops kind_descr_ops = { descr_edges, NULL, NULL, 0 };

/* ---- exceptions and tracebacks ---- */

static void exception_edges(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;

	field(w, o->a, EXC_DICT, "__dict__");
	field(w, o->a, EXC_ARGS, "args");
	field(w, o->a, L->exc_notes, "__notes__");
	field(w, o->a, L->exc_traceback, "__traceback__");
	field(w, o->a, L->exc_context, "__context__");
	field(w, o->a, L->exc_cause, "__cause__");
}

const struct kind_ops kind_exception_ops = { exception_edges, NULL, NULL, 0 };

static void traceback_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, TB_NEXT, "tb_next");
	field(w, o->a, TB_FRAME, "tb_frame");
}

const struct kind_ops kind_traceback_ops = { traceback_edges, NULL, NULL, 0 };
