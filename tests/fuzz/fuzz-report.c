/*
 * fuzz-report.c - libFuzzer target for the HTML report writer on hostile
 * content: each input is the report's document (JSON, as "heapgraph
 * report" assembles it from a dump: names, reprs, paths and SVG pictures
 * that carry the dump's strings).  The page written is parsed back as HTML
 * and must carry nothing active: no script, no foreign or embedded
 * content, no event handler, no link but the page's own "#..." ones.
 * With HG_FUZZ_SEED=PATH it first writes a hostile document to PATH.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "harness.h"
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include "../../render/report.h"

static char dir[] = "/tmp/hg-fuzz-report-XXXXXX";
static char path[sizeof(dir) + 16];

static const char SEED[] =
	"{\"dump\": {\"dump\": \"core</title><script>alert(1)</script>\", \"bytes\": 4096, \"objects\": 3,"
	" \"python\": \"3.11<img src=x onerror=alert(1)>\", \"pid\": 7, \"incomplete\": true},"
	" \"suspects\": [{\"type\": \"dict\\\"><script>\", \"repr\": \"{'a': '</td><iframe>'}\", \"retained\": 100,"
	" \"path\": \"sys.modules['x<a href=javascript:alert(1)>'] \\u2192 .cache\","
	" \"svg\": \"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script>"
	"<a href='javascript:alert(3)'><text onclick='alert(4)' style='x'>t</text></a>"
	"<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'><script>alert(5)</script></body></foreignObject>"
	"<!-- c --><?pi x?><g><text>&lt;script&gt;</text></g></svg>\","
	" \"holds\": {\"type\": \"str<script>\", \"count\": 2, \"items\": 3, \"examples\": [\"['<script>']\"]},"
	" \"retained_sites\": [{\"at\": \"<script>.py:1\", \"shallow\": 10, \"objects\": 1}]}],"
	" \"types\": [{\"type\": \"<style>x{}</style>\", \"count\": 1, \"bytes\": 10, \"retained\": 20}],"
	" \"sites\": [{\"at\": \"a.py:1 <script>\", \"bytes\": 5}]}";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seed = getenv("HG_FUZZ_SEED");

	(void)argc;
	(void)argv;
	fuzz_dir(dir);
	snprintf(path, sizeof(path), "%s/r.html", dir);
	if (seed)
		fuzz_file(seed, SEED, sizeof(SEED) - 1);
	return 0;
}

static void found(const char *what, const xmlChar *name)
{
	fprintf(stderr, "fuzz-report: the page carries %s <%s>\n", what, name ? (const char *)name : "?");
	abort();
}

/* Everything active a page could carry, anywhere in the tree. */
static void check(xmlNodePtr n, int *styles)
{
	static const char *const banned[] = { "script", "iframe", "object", "embed", "foreignobject", "frame",
					      "base", "form", "link", "img", "use", "animate", "set" };

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (size_t k = 0; k < sizeof(banned) / sizeof(banned[0]); k++)
			if (!strcasecmp((const char *)n->name, banned[k]))
				found("the element", n->name);
		if (!strcasecmp((const char *)n->name, "style"))
			++*styles;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);

			if (!strncasecmp((const char *)a->name, "on", 2))
				found("an event handler on", n->name);
			if ((!strcasecmp((const char *)a->name, "href") || !strcasecmp((const char *)a->name, "src")) &&
			    (!v || v[0] != '#'))
				found("a link out of the page on", n->name);
			if (!strcasecmp((const char *)a->name, "style"))
				found("a style attribute on", n->name);
			xmlFree(v);
		}
		check(n->children, styles);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
	struct hg_error err;
	htmlDocPtr page;
	int styles = 0;

	if (!doc)
		return 0;
	if (hg_report_write(doc, path, &err) == 0) {
		page = htmlReadFile(path, "utf-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
		if (!page) {
			fprintf(stderr, "fuzz-report: the page does not parse\n");
			abort();
		}
		check(xmlDocGetRootElement(page), &styles);
		if (styles != 1)
			found("a second style sheet", BAD_CAST "style");
		xmlFreeDoc(page);
		unlink(path);
	}
	json_decref(doc);
	return 0;
}
