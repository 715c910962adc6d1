"""Makes DOT text comparable across runs: object ids and addresses become
numbers in order of first appearance; thread ids become N; what the type
`object` retains becomes N KiB (it holds the ids of its subclasses as ints
in tp_subclasses, one digit or two as the run's address layout has it)."""
import re
import sys

text = sys.stdin.read()
names = {}


def ident(m):
    key = m.group(0)
    if key not in names:
        names[key] = "%s%d" % (m.group(1), len([k for k in names if k.startswith(m.group(1))]) + 1)
    return names[key]


text = re.sub(r"\b(o|root|moreroots|too_many_o)(?:\d+)(?:_has_a_del)?\b", ident, text)
text = re.sub(r"0x[0-9a-f]{6,}", "0xADDR", text)
text = re.sub(r"tid \d+", "tid N", text)
text = re.sub(r"(type\\nobject\\n\d+ B, retains )[\d.]+ KiB", r"\1N KiB", text)
sys.stdout.write(text)
