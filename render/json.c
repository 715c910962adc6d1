/*
 * json.c - see json.h.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "../analyzer/heap.h"
#include "../common/util.h"

json_t *hg_json_str(const char *s)
{
	struct strbuf sb;
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	strbuf_init(&sb);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = hg_utf8_len(p);

		if (n) {
			strbuf_add(&sb, p, n);
			p += n;
		} else {
			strbuf_addstr(&sb, "\xef\xbf\xbd");
			p++;
		}
	}
	j = json_string(sb.buf);
	strbuf_release(&sb);
	return j ? j : json_string("");
}

json_t *hg_json_addr(uint64_t addr)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
	return json_string(buf);
}

int hg_json_print(FILE *f, json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	int rc = s && fputs(s, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;

	free(s);
	json_decref(o);
	return rc;
}

json_t *hg_json_traceback(const struct hg_heap *h, uint32_t i)
{
	uint32_t t = hg_heap_tb(h, i);
	json_t *a;

	if (t == HG_NONE)
		return json_null();
	a = json_array();
	for (uint32_t k = hg_heap_tb_len(h, t); k-- > 0;) {
		const struct hg_tb_frame *f = hg_heap_tb_frame(h, t, k);
		json_t *fr = json_object();

		json_object_set_new(fr, "filename", hg_json_str(hg_heap_s(h, f->file)));
		json_object_set_new(fr, "lineno", json_integer(f->lineno));
		json_object_set_new(fr, "function", f->func ? hg_json_str(hg_heap_s(h, f->func)) : json_null());
		json_array_append_new(a, fr);
	}
	return a;
}
