/*
 * xml.h - text from a dump made fit for XML (GraphML, the HTML report):
 * libxml2 escapes markup, but XML 1.0 has no place for control characters
 * or bytes that are not UTF-8.
 */
#ifndef HG_RENDER_XML_H
#define HG_RENDER_XML_H

#include "../common/util.h"

/*
 * s as valid XML character data in sb (reset first): invalid UTF-8 and the
 * characters XML forbids (controls but tab, newline and return; U+FFFE,
 * U+FFFF) become U+FFFD.  Returns sb->buf.
 */
const char *hg_xml_text(const char *s, struct strbuf *sb);

#endif
