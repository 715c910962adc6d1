#!/bin/sh
# export -o F.graphml: GraphML (libxml2) that networkx loads (Debian's
# python3-networkx), with a node per object and an edge per reference, their
# attributes equal to the JSONL export's; and the hostile strings of
# tests/scenarios/hostile.py (markup, quotes, control characters, invalid
# UTF-8, a megabyte key) come out as well-formed XML text, not markup.
. "$(dirname "$0")/lib.sh"

py=$(hg_pythons | grep -v '^sid-root-missing' | head -1 | cut -d' ' -f2)
[ -n "$py" ] || { skip "no Python interpreter found"; exit 0; }
hg_sysroot "$py"
for scen in basic hostile; do
	begin_run
	if ! msg=$(make_core "$py" "$scen" "$scen"); then fail "$scen: could not make a core: $msg"; continue; fi
	core=$T_OUT/$scen.core
	if ! "$HEAPGRAPH" export "$core" -o "$T_OUT/$scen.graphml" 2>"$T_OUT/$scen.err" ||
	   ! "$HEAPGRAPH" export "$core" -o "$T_OUT/$scen.jsonl" 2>>"$T_OUT/$scen.err"; then
		fail "$scen: export failed: $(head -3 "$T_OUT/$scen.err")"; continue
	fi
	# Debian's python3 has Debian's networkx (install-deps.sh)
	if /usr/bin/python3 - "$T_OUT/$scen.graphml" "$T_OUT/$scen.jsonl" "$scen" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
import networkx as nx
ET.parse(sys.argv[1])                      # well-formed XML, strictly parsed
g = nx.read_graphml(sys.argv[1])
objs, nref = {}, 0
for line in open(sys.argv[2]):
    o = json.loads(line)
    if "address" in o:
        objs["0x%x" % o["address"]] = o
        nref += len(o["refs"]) + len(o.get("weak_refs", []))
assert g.number_of_nodes() == len(objs), (g.number_of_nodes(), len(objs))
assert g.number_of_edges() == nref, (g.number_of_edges(), nref)
for n, d in g.nodes(data=True):
    o = objs[n]
    assert d["size"] == o["size"] and d["retained"] == o["retained"], (n, d, o)
    assert d["type"] == o.get("qualname", "?"), (n, d["type"], o.get("qualname"))
    assert d["gc"] == o["gc"] and d["reachable"] != o.get("unreachable", False), (n, d, o)
if sys.argv[3] == "hostile":
    reprs = [d.get("repr", "") for _, d in g.nodes(data=True)]
    labels = [d.get("label", "") for _, _, d in g.edges(data=True)]
    assert any('<script>alert("x")</script>' in l for l in labels), "the markup key is not kept as text"
    assert any('node [label="pwned"]' in l for l in labels)
    ctl = [l for l in labels if l.startswith("['ctl ")]
    assert ctl and not any(c < " " for l in ctl for c in l), ctl
    esc = [d["type"] for _, d in g.nodes(data=True) if "[31mape" in d["type"]]
    assert esc and not any("\x1b" in t for t in esc), esc
    assert any(l.startswith("['xxxxxxxx") for l in labels)
PY
	then ok "$scen: GraphML loads in networkx; nodes, edges and attributes equal the JSONL export's"
	else fail "$scen: GraphML does not match the export"; fi
	tidy "$scen"
done
expect_exit 2 "export -o with another extension" "$HEAPGRAPH" export "$T_TOP/README.md" -o "$T_OUT/x.xml"
