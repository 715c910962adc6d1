/*
 * layout.c - the columns of layout.h turned into a struct hg_pylayout, and
 * the _Py_DebugOffsets that 3.13+ publish at &_PyRuntime laid over them.
 *
 * The positions of _Py_DebugOffsets members differ per version (3.14 and
 * 3.15 added members in the middle); they were read from each version's
 * headers and DWARF (scripts/pylayout-dwarf.sh prints them as dbg_*).
 */
#include <string.h>
#include "layout.h"
#include "../../common/util.h"

#define NO (-1)

static const struct field {
	size_t at;		/* offsetof(struct hg_pylayout, the field) */
	int v[HG_PY_NVERSIONS];
} fields[] = {
#define X(name, v8, v9, v10, v11, v12, v13, v14, v15) \
	{ offsetof(struct hg_pylayout, name), { v8, v9, v10, v11, v12, v13, v14, v15 } },
	HG_PYLAYOUT_FIELDS(X)
#undef X
};

int hg_pylayout_get(int major, int minor, struct hg_pylayout *out)
{
	int col = minor - HG_PY_MINOR_FIRST;

	if (major != 3 || col < 0 || col >= HG_PY_NVERSIONS)
		return -1;
	memset(out, 0, sizeof(*out));
	out->minor = minor;
	for (size_t k = 0; k < HG_ARRAY_SIZE(fields); k++)
		*(int *)((char *)out + fields[k].at) = fields[k].v[col];
	return 0;
}

/*
 * Byte position in _Py_DebugOffsets of the member that publishes a field,
 * per version from 3.13 (NO: that version does not publish it).
 */
#define DBG_FIRST_MINOR 13
#define DBG_NVERSIONS	(HG_PY_MINOR_LAST - DBG_FIRST_MINOR + 1)

static const struct dbg_field {
	size_t at;
	int pos[DBG_NVERSIONS];
} dbg_fields[] = {
	/*  field                    3.13  3.14  3.15 */
#define D(name, p13, p14, p15) { offsetof(struct hg_pylayout, name), { p13, p14, p15 } }
	D(rt_interp_head,              40,   40,   40),
	D(interp_size,                 48,   48,   48),
	D(is_next,                     64,   64,   64),
	D(is_threads_head,             72,   72,   72),
	D(is_gc,                       80,   88,   88),
	D(is_modules,                  88,   96,   96),
	D(is_sysdict,                  96,  104,  104),
	D(is_builtins,                104,  112,  112),
	D(tstate_size,                152,  176,  176),
	D(ts_next,                    168,  192,  192),
	D(ts_interp,                  176,  200,  200),
	D(ts_current_frame,           184,  208,  208),
	D(ts_thread_id,               192,  216,  240),
	D(ts_native_thread_id,        200,  224,  248),
	D(ts_current_exception,        NO,   NO,  288),
	D(ts_exc_state,                NO,   NO,  296),
	D(exc_item_value,              NO,   NO,  304),
	D(if_previous,                232,  256,  320),
	D(if_code,                    240,  264,  328),
	D(if_localsplus,              256,  280,  344),
	D(if_owner,                   264,  288,  352),
	D(if_stackpointer,             NO,  296,  360),
	D(code_size,                  272,  312,  376),
	D(co_filename,                280,  320,  384),
	D(co_name,                    288,  328,  392),
	D(co_qualname,                296,  336,  400),
	D(co_linetable,               304,  344,  408),
	D(co_firstlineno,             312,  352,  416),
	D(co_argcount,                320,  360,  424),
	D(co_localsplusnames,         328,  368,  432),
	D(co_localspluskinds,         336,  376,  440),
	D(co_code_adaptive,           344,  384,  448),
	D(type_size,                  368,  416,  480),
	D(heaptype_size,               NO,   NO,  528),
	D(ht_cached_keys,              NO,   NO,  536),
	D(ascii_size,                 560,  640,  736),
	D(compact_size,                NO,   NO,  744),
	D(gc_collecting,              576,  656,  760),
	D(gi_name,                     NO,  672,  800),
	D(gi_iframe,                   NO,  680,  808),
	D(gi_frame_state,              NO,  688,  816),
#undef D
};

int hg_pylayout_debug_offsets(struct hg_pylayout *L, const unsigned char *d, size_t len)
{
	int col = L->minor - DBG_FIRST_MINOR, taken = 0;

	if (col < 0 || col >= DBG_NVERSIONS || len < 8 || memcmp(d, HG_PY_DEBUG_COOKIE, 8))
		return 0;
	for (size_t k = 0; k < HG_ARRAY_SIZE(dbg_fields); k++) {
		int pos = dbg_fields[k].pos[col];
		uint64_t v;

		if (pos < 0 || (size_t)pos + 8 > len)
			continue;
		v = hg_le64(d + pos);
		/* a damaged table must not send the walk astray: offsets and sizes are small */
		if (v >= (1u << 20))
			continue;
		*(int *)((char *)L + dbg_fields[k].at) = (int)v;
		taken++;
	}
	return taken;
}
