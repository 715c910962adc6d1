/*
 * graphml.c - the whole heap as GraphML, written with libxml2's text writer
 * (see graphml.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <libxml/xmlwriter.h>
#include "graphml.h"
#include "xml.h"
#include "../common/output.h"
#include "../common/util.h"

/* The attributes: GraphML's <key> declarations. */
static const struct { const char *id, *domain, *name, *type; } keys[] = {
	{ "type", "node", "type", "string" },
	{ "repr", "node", "repr", "string" },
	{ "size", "node", "size", "long" },
	{ "retained", "node", "retained", "long" },
	{ "reachable", "node", "reachable", "boolean" },
	{ "gc", "node", "gc", "boolean" },
	{ "root", "node", "root", "string" },
	{ "label", "edge", "label", "string" },
	{ "kind", "edge", "kind", "string" },
};

struct writer {
	xmlTextWriterPtr w;
	struct strbuf sb;
	int bad;
};

/* libxml2 prints its I/O errors (a full disk) itself: heapgraph says them once, in its own words */
static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void data(struct writer *W, const char *key, const char *text)
{
	W->bad |= xmlTextWriterStartElement(W->w, BAD_CAST "data") < 0;
	W->bad |= xmlTextWriterWriteAttribute(W->w, BAD_CAST "key", BAD_CAST key) < 0;
	W->bad |= xmlTextWriterWriteString(W->w, BAD_CAST hg_xml_text(text, &W->sb)) < 0;
	W->bad |= xmlTextWriterEndElement(W->w) < 0;
}

static void data_u64(struct writer *W, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	data(W, key, buf);
}

int hg_graphml_write(const struct hg_heap *h, const char *path, struct hg_error *err)
{
	struct hg_out out;
	struct writer W = { NULL, { NULL, 0, 0 }, 0 };
	xmlOutputBufferPtr buf;
	uint32_t *root_of;
	char id[32], to[32], q[512], rb[HG_REPR_BUF], lb[HG_LABEL_BUF];

	if (hg_out_open(&out, path, err) < 0)
		return -1;
	buf = xmlOutputBufferCreateFile(out.f, NULL);
	if (!buf || !(W.w = xmlNewTextWriter(buf))) {
		if (buf)
			xmlOutputBufferClose(buf);
		hg_out_abort(&out);
		return hg_errorf(err, HG_EWRITE, "%s: cannot start the XML writer", path ? path : "standard output");
	}
	strbuf_init(&W.sb);
	xmlSetGenericErrorFunc(NULL, quiet);
	/* the first root of each object, named */
	root_of = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*root_of));
	for (size_t i = 0; i < h->nobj; i++)
		root_of[i] = HG_NONE;
	for (size_t r = h->nroot; r-- > 0;)
		if (h->roots[r].obj < h->nobj && h->roots[r].what != HG_RW_MEMORY)
			root_of[h->roots[r].obj] = (uint32_t)r;

	xmlTextWriterSetIndent(W.w, 1);
	xmlTextWriterSetIndentString(W.w, BAD_CAST " ");
	W.bad |= xmlTextWriterStartDocument(W.w, NULL, "UTF-8", NULL) < 0;
	W.bad |= xmlTextWriterStartElement(W.w, BAD_CAST "graphml") < 0;
	W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "xmlns", BAD_CAST "http://graphml.graphdrawing.org/xmlns") < 0;
	for (size_t k = 0; k < HG_ARRAY_SIZE(keys); k++) {
		W.bad |= xmlTextWriterStartElement(W.w, BAD_CAST "key") < 0;
		W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "id", BAD_CAST keys[k].id) < 0;
		W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "for", BAD_CAST keys[k].domain) < 0;
		W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "attr.name", BAD_CAST keys[k].name) < 0;
		W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "attr.type", BAD_CAST keys[k].type) < 0;
		W.bad |= xmlTextWriterEndElement(W.w) < 0;
	}
	W.bad |= xmlTextWriterStartElement(W.w, BAD_CAST "graph") < 0;
	W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "id", BAD_CAST "heap") < 0;
	W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "edgedefault", BAD_CAST "directed") < 0;
	for (size_t i = 0; i < h->nobj && !W.bad; i++) {
		snprintf(id, sizeof(id), "0x%" PRIx64, hg_heap_addr(h, i));
		W.bad |= xmlTextWriterStartElement(W.w, BAD_CAST "node") < 0;
		W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "id", BAD_CAST id) < 0;
		data(&W, "type", hg_heap_type(h, i) < h->ntype ? hg_heap_type_name(h, hg_heap_type(h, i), q, sizeof(q)) : "?");
		data(&W, "repr", hg_heap_repr(h, (uint32_t)i, rb, sizeof(rb)));
		data_u64(&W, "size", hg_heap_size(h, i));
		if (h->retained)
			data_u64(&W, "retained", hg_heap_retained(h, i));
		data(&W, "reachable", h->flags[i] & HG_OBJ_REACHABLE ? "true" : "false");
		data(&W, "gc", h->flags[i] & HG_OBJ_GC ? "true" : "false");
		if (root_of[i] != HG_NONE)
			data(&W, "root", hg_heap_s(h, h->roots[root_of[i]].name));
		W.bad |= xmlTextWriterEndElement(W.w) < 0;
	}
	for (size_t i = 0; i < h->nobj && !W.bad; i++) {
		snprintf(id, sizeof(id), "0x%" PRIx64, hg_heap_addr(h, i));
		for (uint64_t e = hg_heap_first(h, i); e < hg_heap_first(h, i + 1) && !W.bad; e++) {
			snprintf(to, sizeof(to), "0x%" PRIx64, hg_heap_addr(h, h->to[e]));
			W.bad |= xmlTextWriterStartElement(W.w, BAD_CAST "edge") < 0;
			W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "source", BAD_CAST id) < 0;
			W.bad |= xmlTextWriterWriteAttribute(W.w, BAD_CAST "target", BAD_CAST to) < 0;
			data(&W, "label", hg_heap_label(h, h->label[e], lb));
			data(&W, "kind", hg_edge_kind_name(hg_heap_edge_kind(h, e)));
			W.bad |= xmlTextWriterEndElement(W.w) < 0;
		}
	}
	W.bad |= xmlTextWriterEndDocument(W.w) < 0;
	/* frees the writer and flushes its buffer into out.f, which stays open */
	xmlFreeTextWriter(W.w);
	xmlSetGenericErrorFunc(NULL, NULL);
	free(root_of);
	strbuf_release(&W.sb);
	if (W.bad)
		return hg_out_fail(&out, err);
	return hg_out_commit(&out, err);
}
