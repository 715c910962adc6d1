#!/bin/sh
# report: the page to attach to a bug report.  On a Flask app's core (Debian's
# Python and python3-flask) and on two dumps of a leaking service: one
# self-contained HTML file (no scripts, nothing fetched), every section there,
# a backrefs picture for each leak suspect; headless Chromium (Debian's
# chromium) renders it: its screenshot is not blank, and a copy with a
# measuring script shows every section and picture with a size on screen
# (check_report.py).  The growth report names the leaking container.
. "$(dirname "$0")/lib.sh"

chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || { fail "no chromium (apt-get install chromium; scripts/install-deps.sh installs it)"; exit 0; }

# render PAGE NAME: screenshot and measured DOM of PAGE, then check_report.py
render() {
	page=$1; rname=$2; shift 2
	# a private profile, no network, the window of a laptop
	set -- --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions \
		--user-data-dir="$T_OUT/chrome-$rname" --window-size=1280,2400 "$@"
	timeout 120 "$chrome" "$@" --screenshot="$T_OUT/$rname.png" "file://$page" >"$T_OUT/$rname.chrome.log" 2>&1
	sed 's|</body>|<pre id="hg-measure"></pre><script>\
var r = {sections: {}, svgs: [], page_width: document.documentElement.scrollWidth};\
document.querySelectorAll("section").forEach(function (s) { var b = s.getBoundingClientRect();\
  r.sections[s.id] = {height: b.height, text: s.innerText.length}; });\
document.querySelectorAll("svg").forEach(function (s) { var b = s.getBoundingClientRect();\
  r.svgs.push({width: b.width, height: b.height}); });\
document.getElementById("hg-measure").textContent = JSON.stringify(r);</script></body>|' "$page" >"$T_OUT/$rname.measure.html"
	timeout 120 "$chrome" "$@" --dump-dom "file://$T_OUT/$rname.measure.html" >"$T_OUT/$rname.dom" 2>>"$T_OUT/$rname.chrome.log"
}

py=/usr/bin/python3.11
if [ -x "$py" ] && "$py" -c "import sys; sys.path.append('/usr/lib/python3/dist-packages'); import flask" 2>/dev/null; then
	begin_run
	HG_FRAMEWORKS=flask; export HG_FRAMEWORKS
	msg=$(make_core "$py" flask_app flask); st=$?
	unset HG_FRAMEWORKS
	if [ "$st" -ne 0 ]; then
		fail "flask: could not make a core: $msg"
	elif ! "$HEAPGRAPH" report "$T_OUT/flask.core" -o "$T_OUT/flask.html" 2>"$T_OUT/flask.err"; then
		fail "flask: report failed: $(head -3 "$T_OUT/flask.err")"
	else
		render "$T_OUT/flask.html" flask
		if out=$(python3 "$T_TOP/tests/t/check_report.py" "$T_OUT/flask.html" "$T_OUT/flask.png" "$T_OUT/flask.dom" 2>&1); then
			ok "flask: the report renders in Chromium: $out"
		else
			fail "flask: $out"; tail -3 "$T_OUT/flask.chrome.log"
		fi
	fi
	tidy flask
else
	skip "flask: no Debian python3.11 with python3-flask"
fi

# two dumps of a leaking service (counted as gc.get_objects() would): the growth
# section has the leaking type on top and names the container first
py=$(hg_pythons | grep -v '^sid-root-missing' | head -1 | cut -d' ' -f2)
hg_sysroot "$py"
begin_run
if ! msg=$(make_cores "$py" growing svc 2); then
	fail "growth: could not make the cores: $msg"
elif ! "$HEAPGRAPH" report "$T_OUT/svc.1.core" "$T_OUT/svc.2.core" --gc-only -o "$T_OUT/svc.html" 2>"$T_OUT/svc.err"; then
	fail "growth: report failed: $(head -3 "$T_OUT/svc.err")"
else
	render "$T_OUT/svc.html" svc
	if out=$(python3 "$T_TOP/tests/t/check_report.py" "$T_OUT/svc.html" "$T_OUT/svc.png" "$T_OUT/svc.dom" growth 2>&1) &&
		python3 - "$T_OUT/svc.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
growth = page[page.index('id="growth"'):page.index('id="retainers"')]
rows = re.findall(r"<tr>(.*?)</tr>", growth, re.S)
assert "__main__.Event" in rows[1] and "+3,000" in rows[1], rows[1]
new = growth[growth.index("New objects"):]
first = re.findall(r"<tr>(.*?)</tr>", new, re.S)[1]
assert "STORE" in first and "events" in first and "list[*]" in first and "+3,000" in first, first
PY
	then
		ok "growth: the report renders, with what grew (Event +3,000) and where it hangs (STORE.events)"
	else
		fail "growth: $out"
	fi
fi
tidy svc
rm -rf "$T_OUT"/chrome-*

expect_exit 2 "report -o with another extension" "$HEAPGRAPH" report "$T_TOP/README.md" -o "$T_OUT/x.pdf"
