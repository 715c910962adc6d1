"""check_report.py REPORT.html SCREENSHOT.png DOMDUMP [growth]: the report
is one self-contained page (nothing fetched, no script), every section is
there, each leak suspect has its picture; Chromium's screenshot of it is not
blank (ink in every tenth of the page's height that holds a section); the
DOM Chromium built after loading a copy with a measuring script says every
section and every picture has a size on screen."""
import html.parser
import json
import re
import struct
import sys
import zlib

page, shot, dom = sys.argv[1:4]
want_growth = len(sys.argv) > 4
text = open(page, encoding="utf-8").read()


class Parse(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.bad = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.append(a["id"])
        for k, v in attrs:
            if k in ("src", "srcset") or (k in ("href", "xlink:href") and v and not v.startswith("#")):
                self.bad.append("%s %s=%s" % (tag, k, v))
        if tag in ("script", "link", "iframe", "object", "embed", "img"):
            self.bad.append(tag)


p = Parse()
p.feed(text)
assert not p.bad, "external or active content: %s" % p.bad[:5]
assert "url(" not in text and "@import" not in text, "CSS fetches something"
sections = ["dump", "summary", "suspects", "retainers", "types"] + (["growth"] if want_growth else [])
for s in sections:
    assert s in p.ids, "no section '%s'" % s
assert p.tags.count("svg") >= 1, "no picture"
assert p.tags.count("svg") == text.count('class="suspect"'), "a suspect without its picture"

# the screenshot: an RGB(A) PNG; unfilter its rows and look for ink
data = open(shot, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
ink_rows = []
for y in range(h):
    f = raw[y * (stride + 1)]
    row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = row[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1:
            row[x] = (row[x] + a) & 255
        elif f == 2:
            row[x] = (row[x] + b) & 255
        elif f == 3:
            row[x] = (row[x] + (a + b) // 2) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = row
    # dark pixels: text and lines
    ink_rows.append(sum(1 for x in range(0, stride, bpp * 4) if row[x] + row[x + 1] + row[x + 2] < 300))
assert sum(ink_rows) > 2000, "the screenshot is (nearly) blank"

# the measuring copy: every section and picture has a size on screen, and holds text
m = re.search(r"<pre id=\"hg-measure\">(.*?)</pre>", open(dom, encoding="utf-8").read(), re.S)
assert m, "the measuring script left no result"
got = json.loads(html.unescape(m.group(1)))
for s in sections:
    assert got["sections"].get(s, {}).get("height", 0) > 40, "section %s not rendered: %s" % (s, got["sections"].get(s))
    assert got["sections"][s]["text"] > 20, "section %s has no text on screen" % s
assert got["svgs"] and all(r["width"] > 50 and r["height"] > 30 for r in got["svgs"]), got["svgs"]
assert got["page_width"] <= 1400, "wider than the window: %s" % got["page_width"]
print("ok: %d sections, %d pictures, %d rows with ink" % (len(sections), len(got["svgs"]), sum(1 for r in ink_rows if r)))
