/*
 * test-report.c - the HTML report and GraphML's text on hostile strings: a
 * report whose every string (dump name, types, reprs, paths, keys) is markup,
 * quotes, control characters or characters XML forbids (the JSON it is made
 * from is valid UTF-8: hg_json_str sees to that), and whose picture carries a
 * script, an event handler and a link, must parse back (libxml2's HTML
 * parser) with no element the page did not make, every such string as text,
 * and nothing XML cannot hold.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include "unit.h"
#include "../../render/report.h"
#include "../../render/xml.h"

static const char *const HOSTILE[] = {
	"<script>alert(1)</script>",
	"\"><img src=x onerror=alert(2)>",
	"ctl \x01\x02\x1b[31m tab\t",
	"nonchar \xef\xbf\xbf sep \xe2\x80\xa8",
	"a & b < c > d '",
};

/* Counts elements named name under n. */
static int count(xmlNodePtr n, const char *name)
{
	int c = 0;

	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST name))
			c++;
		c += count(n->children, name);
	}
	return c;
}

/* Does any attribute under n start with "on", or is any href not "#..."? */
static int active(xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
			int bad = !xmlStrncasecmp(a->name, BAD_CAST "on", 2) ||
				  (!xmlStrcasecmp(a->name, BAD_CAST "href") && v && v[0] != '#') ||
				  !xmlStrcasecmp(a->name, BAD_CAST "src");

			xmlFree(v);
			if (bad)
				return 1;
		}
		if (active(n->children))
			return 1;
	}
	return 0;
}

TEST(hostile_strings_stay_text)
{
	json_t *doc = json_object(), *d = json_object(), *t = json_array(), *top = json_array(), *sus = json_array();
	json_t *g = json_object(), *paths = json_array();
	char path[] = "/tmp/hg-test-report-XXXXXX", *raw;
	struct hg_error err;
	htmlDocPtr back;
	xmlChar *body;
	FILE *f;
	long size;
	int fd = mkstemp(path);

	close(fd);
	for (size_t k = 0; k < HG_ARRAY_SIZE(HOSTILE); k++) {
		json_array_append_new(t, json_pack("{s:s,s:i,s:i,s:i}", "type", HOSTILE[k], "count", 3, "bytes", 100,
						   "retained", 200));
		json_array_append_new(top, json_pack("{s:s,s:s,s:s,s:i,s:i,s:s}", "addr", "0x1000", "type", HOSTILE[k],
						     "repr", HOSTILE[k], "shallow", 10, "retained", 20, "path", HOSTILE[k]));
		json_array_append_new(paths, json_pack("{s:s,s:i,s:i}", "path", HOSTILE[k], "count", 5, "bytes", 50));
	}
	json_object_set_new(d, "dump", json_string(HOSTILE[0]));
	json_object_set_new(d, "python", json_string(HOSTILE[1]));
	json_object_set_new(d, "bytes", json_integer(1000));
	json_object_set_new(d, "objects", json_integer(12));
	json_array_append_new(sus, json_pack("{s:s,s:s,s:s,s:i,s:s,s:{s:i,s:s,s:i,s:[s,s]},s:s}", "addr", "0x2000",
					     "type", HOSTILE[2], "repr", HOSTILE[4], "retained", 500, "path", HOSTILE[1],
					     "holds", "items", 9, "type", HOSTILE[0], "count", 9, "examples", HOSTILE[0],
					     HOSTILE[3], "svg",
					     "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(3)\" width=\"10\" "
					     "height=\"10\"><script>alert(4)</script><a href=\"http://x\"><text>in a link</text>"
					     "</a><g onclick=\"alert(5)\"><text>&lt;kept as text&gt;</text></g></svg>"));
	json_object_set_new(g, "dumps", json_pack("[s,s]", HOSTILE[1], HOSTILE[2]));
	json_object_set_new(g, "types", json_pack("[{s:s,s:i,s:i,s:i,s:i,s:i}]", "type", HOSTILE[0], "count_new", 5,
						   "count_delta", 2, "bytes_new", 50, "bytes_delta", 20, "new_count", 2));
	json_object_set_new(g, "new_objects", json_pack("{s:i,s:i}", "count", 2, "bytes", 20));
	json_object_set_new(g, "paths", paths);
	json_object_set_new(doc, "version", json_string("test"));
	json_object_set_new(doc, "dump", d);
	json_object_set_new(doc, "types", t);
	json_object_set_new(doc, "retainers", top);
	json_object_set_new(doc, "suspects", sus);
	json_object_set_new(doc, "growth", g);
	if (!CHECK_EQ_INT(hg_report_write(doc, path, &err), 0))
		return;
	json_decref(doc);

	/* the bytes: UTF-8 throughout, no control character but newline and tab */
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	raw = malloc((size_t)size + 1);
	CHECK(fread(raw, 1, (size_t)size, f) == (size_t)size);
	raw[size] = '\0';
	fclose(f);
	{
		int bad = 0;

		for (const unsigned char *p = (const unsigned char *)raw; *p;) {
			size_t n = hg_utf8_len(p);

			if (!n || (*p < 0x20 && *p != '\n' && *p != '\t'))
				bad++;
			p += n ? n : 1;
		}
		CHECK_EQ_INT(bad, 0);
	}
	CHECK(!strstr(raw, "<script"));
	CHECK(!strstr(raw, "<img"));
	free(raw);

	/* the tree: only the page's own elements; the strings are text */
	back = htmlReadFile(path, "UTF-8", HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (!CHECK(back != NULL))
		return;
	CHECK_EQ_INT(count(xmlDocGetRootElement(back), "script"), 0);
	CHECK_EQ_INT(count(xmlDocGetRootElement(back), "img"), 0);
	CHECK_EQ_INT(count(xmlDocGetRootElement(back), "a") - 6, 0);	/* the six links of the navigation */
	CHECK_EQ_INT(count(xmlDocGetRootElement(back), "svg"), 1);
	CHECK_EQ_INT(active(xmlDocGetRootElement(back)), 0);
	body = xmlNodeGetContent(xmlDocGetRootElement(back));
	CHECK(strstr((char *)body, "<script>alert(1)</script>") != NULL);
	CHECK(strstr((char *)body, "\"><img src=x onerror=alert(2)>") != NULL);
	CHECK(strstr((char *)body, "a & b < c > d '") != NULL);
	CHECK(strstr((char *)body, "ctl \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd[31m tab\t") != NULL);
	CHECK(strstr((char *)body, "nonchar \xef\xbf\xbd sep \xe2\x80\xa8") != NULL);
	CHECK(strstr((char *)body, "<kept as text>") != NULL);
	CHECK(strstr((char *)body, "in a link") == NULL);
	xmlFree(body);
	xmlFreeDoc(back);
	unlink(path);
}

TEST(xml_text_cleaning)
{
	struct strbuf sb;

	strbuf_init(&sb);
	CHECK_EQ_STR(hg_xml_text("plain <&> text", &sb), "plain <&> text");
	CHECK_EQ_STR(hg_xml_text("a\x01" "b\x7f" "c\td\ne\rf", &sb), "a\xef\xbf\xbd" "b\x7f" "c\td\ne\rf");
	CHECK_EQ_STR(hg_xml_text("\xef\xbf\xbe\xef\xbf\xbf", &sb), "\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_EQ_STR(hg_xml_text("\xed\xa0\x80 surrogate", &sb), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate");
	CHECK_EQ_STR(hg_xml_text(NULL, &sb), "");
	strbuf_release(&sb);
}

int main(void)
{
	RUN(hostile_strings_stay_text);
	RUN(xml_text_cleaning);
	return UNIT_DONE();
}
