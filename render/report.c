/*
 * report.c - the HTML report as a libxml2 tree (see report.h).
 *
 * Facts: libxml2's HTMLtree (htmlNewDocNoDtD, htmlDocDumpMemoryFormat: the
 * contents of <style> are written as they are, other text escaped; elements
 * HTML does not know, such as SVG's, get end tags), tree (xmlNewTextChild
 * escapes, xmlDocCopyNode), parser (xmlReadMemory without XML_PARSE_DTDLOAD
 * and with XML_PARSE_NONET reads nothing but the given bytes).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLtree.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "report.h"
#include "xml.h"
#include "../common/output.h"
#include "../common/util.h"

static const char CSS[] =
	"body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0;"
	"color:#1d2330;background:#f4f5f7}"
	"header{background:#1d3557;color:#fff;padding:22px 40px}"
	"h1{margin:0;font-size:24px;font-weight:600}"
	"header p{margin:4px 0 0;opacity:.85}"
	"nav{padding:8px 40px;background:#fff;border-bottom:1px solid #dde1e6}"
	"nav a{margin-right:20px;color:#1d3557;text-decoration:none;font-weight:500}"
	"main{max-width:1200px;margin:0 auto;padding:4px 32px 32px}"
	"section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:14px 24px 18px;margin:18px 0}"
	"h2{font-size:19px;margin:0 0 10px;color:#1d3557}"
	"h3{font-size:16px;margin:16px 0 6px}.suspect h3{margin-top:4px}"
	"p{margin:6px 0}"
	"table{border-collapse:collapse;width:100%;font-size:14px}"
	"th,td{text-align:left;padding:5px 10px;border-bottom:1px solid #eceef1;vertical-align:top}"
	"th{color:#5a6270;font-weight:600;white-space:nowrap}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"tr:nth-child(even) td{background:#fafbfc}"
	"code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:13px;overflow-wrap:anywhere}"
	".cards{display:flex;flex-wrap:wrap;gap:12px;margin:4px 0 8px}"
	".card{flex:1 1 150px;border:1px solid #dde1e6;border-radius:6px;padding:8px 14px}"
	".card b{display:block;font-size:20px;font-weight:600}"
	".card span{color:#5a6270;font-size:13px}"
	".suspect{border-left:4px solid #c0392b;padding:2px 16px;margin:14px 0}"
	"figure{margin:10px 0;overflow-x:auto}"
	"figure svg{max-width:100%;height:auto}"
	"figcaption{color:#5a6270;font-size:13px}"
	".up{color:#b03a2e}.down{color:#2e7d32}.quiet{color:#5a6270}"
	"footer{color:#5a6270;font-size:13px;text-align:center;padding:8px 20px 24px}";

struct page {
	htmlDocPtr doc;
	struct strbuf sb;
};

/* A child element with text from anywhere (cleaned for XML, escaped when written). */
static xmlNodePtr el(struct page *P, xmlNodePtr parent, const char *name, const char *text)
{
	return xmlNewTextChild(parent, NULL, BAD_CAST name, text ? BAD_CAST hg_xml_text(text, &P->sb) : NULL);
}

static void attr(struct page *P, xmlNodePtr n, const char *name, const char *value)
{
	xmlNewProp(n, BAD_CAST name, BAD_CAST hg_xml_text(value, &P->sb));
}

static void text(struct page *P, xmlNodePtr parent, const char *s)
{
	xmlAddChild(parent, xmlNewDocText(P->doc, BAD_CAST hg_xml_text(s, &P->sb)));
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static long long num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* 1234567 -> "1,234,567" */
static const char *grouped(long long v, char *buf, size_t len)
{
	char digits[32];
	size_t n, o = 0;
	int neg = v < 0;

	snprintf(digits, sizeof(digits), "%llu", neg ? 0ull - (unsigned long long)v : (unsigned long long)v);
	n = strlen(digits);
	if (neg && o + 1 < len)
		buf[o++] = '-';
	for (size_t k = 0; k < n && o + 2 < len; k++) {
		buf[o++] = digits[k];
		if ((n - k - 1) % 3 == 0 && k + 1 < n)
			buf[o++] = ',';
	}
	buf[o] = '\0';
	return buf;
}

static const char *bytes(long long v, char *buf, size_t len)
{
	hg_human_bytes((uint64_t)(v < 0 ? -v : v), 0, buf + (v < 0), len - 1);
	if (v < 0)
		buf[0] = '-';
	return buf;
}

/* A table cell: numbers right-aligned; title says the exact bytes when the text rounds them. */
static xmlNodePtr cell(struct page *P, xmlNodePtr tr, const char *s, int numeric)
{
	xmlNodePtr td = el(P, tr, "td", s);

	if (numeric)
		attr(P, td, "class", "n");
	return td;
}

static void cell_bytes(struct page *P, xmlNodePtr tr, long long v, int sign)
{
	char b[40], exact[40], t[48];
	xmlNodePtr td;

	bytes(v, b, sizeof(b));
	snprintf(t, sizeof(t), "%s%s", sign && v > 0 ? "+" : "", b);
	td = cell(P, tr, t, 1);
	snprintf(t, sizeof(t), "%s bytes", grouped(v, exact, sizeof(exact)));
	attr(P, td, "title", t);
}

static void cell_count(struct page *P, xmlNodePtr tr, long long v, int sign)
{
	char b[40], t[48];

	snprintf(t, sizeof(t), "%s%s", sign && v > 0 ? "+" : "", grouped(v, b, sizeof(b)));
	cell(P, tr, t, 1);
}

static xmlNodePtr head_row(struct page *P, xmlNodePtr table, const char *const *names, const char *numeric)
{
	xmlNodePtr tr = el(P, el(P, table, "thead", NULL), "tr", NULL);

	for (size_t k = 0; names[k]; k++) {
		xmlNodePtr th = el(P, tr, "th", names[k]);

		if (numeric[k] == 'n')
			attr(P, th, "class", "n");
	}
	return el(P, table, "tbody", NULL);
}

static xmlNodePtr section(struct page *P, xmlNodePtr main, const char *id, const char *title)
{
	xmlNodePtr s = el(P, main, "section", NULL);

	attr(P, s, "id", id);
	el(P, s, "h2", title);
	return s;
}

static void card(struct page *P, xmlNodePtr cards, const char *value, const char *label)
{
	xmlNodePtr c = el(P, cards, "div", NULL);

	attr(P, c, "class", "card");
	el(P, c, "b", value);
	el(P, c, "span", label);
}

/* The SVG elements graphviz draws with; a picture keeps no others. */
static int drawing_element(const xmlChar *name)
{
	static const char *const known[] = { "g", "title", "desc", "polygon", "polyline", "path", "ellipse", "circle",
					     "rect", "line", "text", "tspan", "defs", "linearGradient", "radialGradient",
					     "stop" };

	for (size_t k = 0; k < HG_ARRAY_SIZE(known); k++)
		if (!xmlStrcmp(name, BAD_CAST known[k]))
			return 1;
	return 0;
}

/*
 * What a picture may not carry into the page, though graphviz never writes it:
 * scripts, foreign content, links, animation (any element it does not draw
 * with), event handlers, styles.
 */
static void scrub_attributes(xmlNodePtr n)
{
	for (xmlAttrPtr a = n->properties; a;) {
		xmlAttrPtr an = a->next;

		if (!xmlStrncasecmp(a->name, BAD_CAST "on", 2) || !xmlStrcasecmp(a->name, BAD_CAST "href") ||
		    !xmlStrcasecmp(a->name, BAD_CAST "src") || !xmlStrcasecmp(a->name, BAD_CAST "style"))
			xmlRemoveProp(a);
		a = an;
	}
}

static void scrub(xmlNodePtr n)
{
	while (n) {
		xmlNodePtr next = n->next;

		if (n->type == XML_ELEMENT_NODE && !drawing_element(n->name)) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		} else if (n->type == XML_ELEMENT_NODE) {
			scrub_attributes(n);
			scrub(n->children);
		} else if (n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE) {
			xmlUnlinkNode(n);	/* comments, processing instructions, entities */
			xmlFreeNode(n);
		}
		n = next;
	}
}

/* The picture: the SVG parsed on its own (nothing fetched), scrubbed and copied into the page. */
static void picture(struct page *P, xmlNodePtr parent, const char *svg, const char *caption)
{
	xmlDocPtr sd;
	xmlNodePtr root, fig;

	if (!svg || !*svg)
		return;
	sd = xmlReadMemory(svg, (int)strlen(svg), NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!sd)
		return;
	root = xmlDocGetRootElement(sd);
	if (root && !xmlStrcmp(root->name, BAD_CAST "svg")) {
		scrub(root->children);
		scrub_attributes(root);
		fig = el(P, parent, "figure", NULL);
		xmlAddChild(fig, xmlDocCopyNode(root, P->doc, 1));
		el(P, fig, "figcaption", caption);
	}
	xmlFreeDoc(sd);
}

static void dump_section(struct page *P, xmlNodePtr main, const json_t *d)
{
	xmlNodePtr s = section(P, main, "dump", "The dump"), t, tr;
	const json_t *roots = json_object_get(d, "roots"), *unr = json_object_get(d, "unreachable");
	char b1[64], b2[64], line[256];
	static const char *const kinds[] = { "module", "frame", "interpreter", "outside", "c" };
	static const char *const kind_names[] = { "module", "frame", "interpreter", "held from outside the heap",
						  "C memory" };

	t = el(P, s, "table", NULL);
	tr = el(P, t, "tr", NULL);
	el(P, tr, "th", "file");
	el(P, el(P, tr, "td", NULL), "code", str(d, "dump"));
	tr = el(P, t, "tr", NULL);
	el(P, tr, "th", "process");
	snprintf(line, sizeof(line), "pid %lld, Python %s", num(d, "pid"), str(d, "python"));
	el(P, tr, "td", line);
	tr = el(P, t, "tr", NULL);
	el(P, tr, "th", "state");
	el(P, tr, "td", json_is_true(json_object_get(d, "incomplete")) ?
			"incomplete: the dump is damaged or truncated, some objects may be missing" :
			"complete: every object could be read");
	tr = el(P, t, "tr", NULL);
	el(P, tr, "th", "roots");
	line[0] = '\0';
	for (size_t k = 0; k < HG_ARRAY_SIZE(kinds); k++) {
		size_t used = strlen(line);

		snprintf(line + used, sizeof(line) - used, "%s%s %s", k ? ", " : "",
			 grouped(num(roots, kinds[k]), b1, sizeof(b1)), kind_names[k]);
	}
	el(P, tr, "td", line);

	s = section(P, main, "summary", "Summary");
	t = el(P, s, "div", NULL);
	attr(P, t, "class", "cards");
	card(P, t, grouped(num(d, "objects"), b1, sizeof(b1)), "objects");
	card(P, t, bytes(num(d, "bytes"), b1, sizeof(b1)), "in objects (shallow)");
	card(P, t, grouped(num(d, "gc_objects"), b1, sizeof(b1)), "tracked by the GC");
	card(P, t, grouped(num(d, "references"), b1, sizeof(b1)), "references");
	card(P, t, grouped(num(d, "types"), b1, sizeof(b1)), "types");
	snprintf(line, sizeof(line), "%s (%s)", grouped(num(unr, "objects"), b1, sizeof(b1)),
		 bytes(num(unr, "bytes"), b2, sizeof(b2)));
	card(P, t, line, "unreachable: gc.collect() would free them");
}

static void types_section(struct page *P, xmlNodePtr main, const json_t *types, long long total)
{
	static const char *const cols[] = { "type", "objects", "bytes", "% of all", "retained", NULL };
	xmlNodePtr s = section(P, main, "types", "Top types"), body;
	size_t k;
	json_t *r;
	char pct[32];

	el(P, s, "p", "By the bytes of their objects; retained is what freeing every object of the type would "
		      "free (the objects no other object of the type holds alone).");
	body = head_row(P, el(P, s, "table", NULL), cols, " nnnn");
	json_array_foreach(types, k, r) {
		xmlNodePtr tr = el(P, body, "tr", NULL);

		el(P, el(P, tr, "td", NULL), "code", str(r, "type"));
		cell_count(P, tr, num(r, "count"), 0);
		cell_bytes(P, tr, num(r, "bytes"), 0);
		snprintf(pct, sizeof(pct), "%.1f%%", total ? 100.0 * (double)num(r, "bytes") / (double)total : 0.0);
		cell(P, tr, pct, 1);
		cell_bytes(P, tr, num(r, "retained"), 0);
	}
}

static void retainers_section(struct page *P, xmlNodePtr main, const json_t *top, long long total)
{
	static const char *const cols[] = { "retained", "%", "shallow", "object", "held by", NULL };
	xmlNodePtr s = section(P, main, "retainers", "Biggest retainers"), body;
	size_t k;
	json_t *r;
	char pct[32], line[512];

	el(P, s, "p", "The objects whose freeing would free the most (their retained size: what only they hold, "
		      "through the dominator tree), and the shortest chain from a root to each.");
	body = head_row(P, el(P, s, "table", NULL), cols, "nnn  ");
	json_array_foreach(top, k, r) {
		xmlNodePtr tr = el(P, body, "tr", NULL), td;
		json_t *path = json_object_get(r, "path");

		cell_bytes(P, tr, num(r, "retained"), 0);
		snprintf(pct, sizeof(pct), "%.1f", total ? 100.0 * (double)num(r, "retained") / (double)total : 0.0);
		cell(P, tr, pct, 1);
		cell_bytes(P, tr, num(r, "shallow"), 0);
		td = el(P, tr, "td", NULL);
		snprintf(line, sizeof(line), "%s %s ", str(r, "type"), str(r, "addr"));
		el(P, td, "code", line);
		text(P, td, str(r, "repr"));
		if (json_is_string(json_object_get(r, "allocated_at"))) {
			el(P, td, "br", NULL);
			text(P, td, "allocated at ");
			el(P, td, "code", str(r, "allocated_at"));
		}
		el(P, el(P, tr, "td", NULL), "code", json_is_string(path) ? json_string_value(path) : "(no root reaches it)");
	}
}

static void sites_section(struct page *P, xmlNodePtr main, const json_t *sites, long long total)
{
	static const char *const cols[] = { "retained", "%", "shallow", "objects", "allocated at", "most bytes of type",
					    NULL };
	xmlNodePtr s = section(P, main, "sites", "Where the memory was allocated"), body;
	size_t k;
	json_t *r;
	char pct[32];

	el(P, s, "p", "The process was tracing with tracemalloc: the lines that allocated the objects, by what "
		      "freeing all of a line's objects would free.");
	body = head_row(P, el(P, s, "table", NULL), cols, "nnnn  ");
	json_array_foreach(sites, k, r) {
		xmlNodePtr tr = el(P, body, "tr", NULL);

		cell_bytes(P, tr, num(r, "retained"), 0);
		snprintf(pct, sizeof(pct), "%.1f", total ? 100.0 * (double)num(r, "retained") / (double)total : 0.0);
		cell(P, tr, pct, 1);
		cell_bytes(P, tr, num(r, "shallow"), 0);
		cell_count(P, tr, num(r, "objects"), 0);
		el(P, el(P, tr, "td", NULL), "code", str(r, "at"));
		el(P, el(P, tr, "td", NULL), "code", str(r, "type"));
	}
}

static void suspects_section(struct page *P, xmlNodePtr main, const json_t *suspects, long long total)
{
	xmlNodePtr s = section(P, main, "suspects", "Leak suspects");
	size_t k, l;
	json_t *r, *e;
	char line[512], size[40], num_buf[40];

	if (!json_array_size(suspects)) {
		el(P, s, "p", "None: no object retains 10% of the heap, and no container holds 500 or more objects "
			      "of one type.");
		return;
	}
	json_array_foreach(suspects, k, r) {
		xmlNodePtr d = el(P, s, "div", NULL), p;
		const json_t *holds = json_object_get(r, "holds"), *f = json_object_get(r, "followed_from");
		const json_t *path = json_object_get(r, "path");

		attr(P, d, "class", "suspect");
		snprintf(line, sizeof(line), "%zu. %s %s retains %s, %.1f%% of the heap", k + 1, str(r, "type"),
			 str(r, "addr"), bytes(num(r, "retained"), size, sizeof(size)),
			 total ? 100.0 * (double)num(r, "retained") / (double)total : 0.0);
		el(P, d, "h3", line);
		if (str(r, "repr")[0]) {
			p = el(P, d, "p", "It is ");
			el(P, p, "code", str(r, "repr"));
			text(P, p, ".");
		}
		p = el(P, d, "p", "Held by ");
		el(P, p, "code", json_is_string(path) ? json_string_value(path) : "no root (garbage)");
		text(P, p, ".");
		if (json_is_string(json_object_get(r, "allocated_at"))) {
			p = el(P, d, "p", "Allocated at ");
			el(P, p, "code", str(r, "allocated_at"));
			text(P, p, " (tracemalloc).");
		}
		if (json_array_size(json_object_get(r, "retained_sites"))) {
			p = el(P, d, "p", "What it retains was allocated at ");
			json_array_foreach(json_object_get(r, "retained_sites"), l, e) {
				if (l)
					text(P, p, ", ");
				el(P, p, "code", str(e, "at"));
				snprintf(line, sizeof(line), " (%s in %s objects)", bytes(num(e, "shallow"), size, sizeof(size)),
					 grouped(num(e, "objects"), num_buf, sizeof(num_buf)));
				text(P, p, line);
			}
			text(P, p, ".");
		}
		if (json_object_get(holds, "type")) {
			p = el(P, d, "p", NULL);
			snprintf(line, sizeof(line), "It holds %lld %s", num(holds, "count"), str(holds, "type"));
			text(P, p, line);
			if (num(holds, "items") != num(holds, "count")) {
				snprintf(line, sizeof(line), " among %lld items", num(holds, "items"));
				text(P, p, line);
			}
			json_array_foreach(json_object_get(holds, "examples"), l, e) {
				text(P, p, l ? ", " : ", such as ");
				el(P, p, "code", json_string_value(e));
			}
			text(P, p, ".");
		}
		if (f) {
			snprintf(line, sizeof(line), "Followed down from %s %s, which retains %.1f%% of the heap.",
				 str(f, "type"), str(f, "addr"),
				 total ? 100.0 * (double)num(f, "retained") / (double)total : 0.0);
			el(P, d, "p", line);
		}
		picture(P, d, str(r, "svg"), "What refers to it (backrefs, as objgraph's show_backrefs draws them).");
	}
}

static void paths_table(struct page *P, xmlNodePtr s, const json_t *paths)
{
	static const char *const cols[] = { "objects", "bytes", "where they hang", NULL };
	xmlNodePtr body = head_row(P, el(P, s, "table", NULL), cols, "nn ");
	size_t k;
	json_t *r;

	json_array_foreach(paths, k, r) {
		xmlNodePtr tr = el(P, body, "tr", NULL);

		cell_count(P, tr, num(r, "count"), 1);
		cell_bytes(P, tr, num(r, "bytes"), 1);
		el(P, el(P, tr, "td", NULL), "code", str(r, "path"));
	}
}

static void growth_section(struct page *P, xmlNodePtr main, const json_t *g)
{
	static const char *const cols[] = { "type", "objects", "change", "bytes", "change", "new objects", NULL };
	const json_t *dumps = json_object_get(g, "dumps"), *ls = json_object_get(g, "leak_set");
	xmlNodePtr s = section(P, main, "growth", "What grew"), body, p;
	size_t k, shown = 0;
	json_t *r;
	char line[512], b[40], b2[40];

	p = el(P, s, "p", "From ");
	el(P, p, "code", json_string_value(json_array_get(dumps, 0)));
	text(P, p, " to ");
	el(P, p, "code", json_string_value(json_array_get(dumps, json_array_size(dumps) - 1)));
	text(P, p, json_is_true(json_object_get(g, "gc_only")) ?
		   ", counting what gc.get_objects() returns (as objgraph's show_growth)." :
		   ", all objects. The types whose count grew the most first.");
	body = head_row(P, el(P, s, "table", NULL), cols, " nnnnn");
	json_array_foreach(json_object_get(g, "types"), k, r) {
		xmlNodePtr tr;

		if (num(r, "count_delta") <= 0 || shown++ >= 15)
			continue;
		tr = el(P, body, "tr", NULL);
		el(P, el(P, tr, "td", NULL), "code", str(r, "type"));
		cell_count(P, tr, num(r, "count_new"), 0);
		snprintf(line, sizeof(line), "+%s", grouped(num(r, "count_delta"), b, sizeof(b)));
		attr(P, el(P, tr, "td", line), "class", "n up");
		cell_bytes(P, tr, num(r, "bytes_new"), 0);
		cell_bytes(P, tr, num(r, "bytes_delta"), 1);
		cell_count(P, tr, num(r, "new_count"), 0);
	}
	snprintf(line, sizeof(line), "%s new objects (%s) that the first dump did not have, by where they hang: each "
		 "under the first new object on its shortest chain from a root, keys and indexes merged.",
		 grouped(num(json_object_get(g, "new_objects"), "count"), b, sizeof(b)),
		 bytes(num(json_object_get(g, "new_objects"), "bytes"), b2, sizeof(b2)));
	el(P, s, "h3", "New objects");
	el(P, s, "p", line);
	paths_table(P, s, json_object_get(g, "paths"));
	if (ls) {
		el(P, s, "h3", "Leak set");
		snprintf(line, sizeof(line), "%s objects new in the second dump and still alive in every later one "
			 "(allocated in one interval and never freed):", grouped(num(ls, "count"), b, sizeof(b)));
		el(P, s, "p", line);
		paths_table(P, s, json_object_get(ls, "paths"));
	}
}

int hg_report_write(const json_t *doc, const char *path, struct hg_error *err)
{
	struct page P;
	const json_t *d = json_object_get(doc, "dump");
	xmlNodePtr html, head, body, hdr, nav, main, foot;
	xmlChar *mem = NULL;
	int size = 0;
	long long total = num(d, "bytes");
	char line[512], b1[40], b2[40];
	struct hg_out out;
	static const char *const links[][2] = {
		{ "#dump", "Dump" }, { "#summary", "Summary" }, { "#suspects", "Leak suspects" },
		{ "#growth", "What grew" }, { "#retainers", "Biggest retainers" }, { "#sites", "Allocation sites" },
		{ "#types", "Top types" },
	};

	strbuf_init(&P.sb);
	P.doc = htmlNewDocNoDtD(NULL, NULL);
	xmlCreateIntSubset(P.doc, BAD_CAST "html", NULL, NULL);
	html = xmlNewDocNode(P.doc, NULL, BAD_CAST "html", NULL);
	xmlDocSetRootElement(P.doc, html);
	attr(&P, html, "lang", "en");
	head = el(&P, html, "head", NULL);
	attr(&P, el(&P, head, "meta", NULL), "charset", "utf-8");
	{
		xmlNodePtr m = el(&P, head, "meta", NULL);

		attr(&P, m, "name", "viewport");
		attr(&P, m, "content", "width=device-width, initial-scale=1");
	}
	snprintf(line, sizeof(line), "heapgraph report: %s", str(d, "dump"));
	el(&P, head, "title", line);
	xmlNewTextChild(head, NULL, BAD_CAST "style", BAD_CAST CSS);
	body = el(&P, html, "body", NULL);

	hdr = el(&P, body, "header", NULL);
	el(&P, hdr, "h1", "What holds the memory");
	snprintf(line, sizeof(line), "%s \xc2\xb7 Python %s, pid %lld \xc2\xb7 %s objects, %s", str(d, "dump"),
		 str(d, "python"), num(d, "pid"), grouped(num(d, "objects"), b1, sizeof(b1)), bytes(total, b2, sizeof(b2)));
	el(&P, hdr, "p", line);
	nav = el(&P, body, "nav", NULL);
	for (size_t k = 0; k < HG_ARRAY_SIZE(links); k++)
		if ((strcmp(links[k][0], "#growth") || json_object_get(doc, "growth")) &&
		    (strcmp(links[k][0], "#sites") || json_array_size(json_object_get(doc, "sites"))))
			attr(&P, el(&P, nav, "a", links[k][1]), "href", links[k][0]);
	main = el(&P, body, "main", NULL);

	dump_section(&P, main, d);
	suspects_section(&P, main, json_object_get(doc, "suspects"), total);
	if (json_object_get(doc, "growth"))
		growth_section(&P, main, json_object_get(doc, "growth"));
	retainers_section(&P, main, json_object_get(doc, "retainers"), total);
	if (json_array_size(json_object_get(doc, "sites")))
		sites_section(&P, main, json_object_get(doc, "sites"), total);
	types_section(&P, main, json_object_get(doc, "types"), total);
	foot = el(&P, body, "footer", NULL);
	snprintf(line, sizeof(line), "Made by heapgraph %s from the dump alone, offline. Sizes are sys.getsizeof's; "
		 "text from the dump is shown as text.", str(doc, "version"));
	el(&P, foot, "p", line);

	htmlDocDumpMemoryFormat(P.doc, &mem, &size, 1);
	xmlFreeDoc(P.doc);
	strbuf_release(&P.sb);
	if (!mem)
		return hg_errorf(err, HG_EWRITE, "%s: could not make the page", path ? path : "standard output");
	if (hg_out_open(&out, path, err) < 0) {
		xmlFree(mem);
		return -1;
	}
	if (size > 0 && fwrite(mem, 1, (size_t)size, out.f) != (size_t)size) {
		xmlFree(mem);
		return hg_out_fail(&out, err);
	}
	xmlFree(mem);
	return hg_out_commit(&out, err);
}
