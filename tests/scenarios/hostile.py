"""Strings that must not break DOT, SVG or HTML: quotes, backslashes,
newlines, <>&, a lone surrogate, control characters, DOT escapes like \\N
and \\G, and a megabyte key."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario

Weird = type('We"ird\\Na\nme<&>', (), {})
obj = Weird()
obj.__dict__['attr "quoted" \\ \n <b>&amp;</b> \\l \\G'] = ["value"]
TARGET = obj.__dict__['attr "quoted" \\ \n <b>&amp;</b> \\l \\G']
HOSTILE = {
    '"; node [label="pwned"]; x="': TARGET,
    "\udcff lone surrogate": TARGET,
    "ctl \x01\x02\x7f tab\t": TARGET,
    "x" * (1 << 20): TARGET,
    b"\xff\xfe bytes key": TARGET,
    '<script>alert("x")</script>': TARGET,
    "\x1b[2J\x1b[31mterminal escape": TARGET,
}
OWNER = [obj, HOSTILE]
ESCAPE_CLASS = type("Esc\x1b[31mape", (), {})
ESCAPED = ESCAPE_CLASS()

hgscenario.ready({"targets": {"target": id(TARGET), "obj": id(obj), "escaped": id(ESCAPED)}})
