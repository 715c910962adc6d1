/*
 * xml.c - text from a dump made fit for XML (see xml.h).
 */
#include "xml.h"

const char *hg_xml_text(const char *s, struct strbuf *sb)
{
	static const char bad[] = "\xef\xbf\xbd";	/* U+FFFD */

	strbuf_reset(sb);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
		size_t n = hg_utf8_len(p);

		if (!n || (n == 1 && *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
		    (n == 3 && p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))) {
			strbuf_add(sb, bad, 3);
			p += n ? n : 1;
		} else {
			strbuf_add(sb, p, n);
			p += n;
		}
	}
	return sb->buf;
}
