"""A service that leaks small dicts among the big dicts of the standard
library.  Every request it handles appends a small record to an audit trail
nothing trims (AUDIT.entries: 20,000 dicts); a session table keyed by token
keeps 3,000 more, and a per-user settings table 300.  The largest dicts in
the heap are the standard library's tables (html.entities, email, http,
unicodedata-backed name tables, logging), and each module's globals.

The truth names the leaked dicts (their ids), so a test can tell whether
`--type dict` picked the leaked ones or the largest."""
import collections
import email.message
import email.policy
import html.entities
import http.client
import http.server
import json
import logging
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario


class AuditTrail:
    def __init__(self):
        self.entries = []

    def record(self, path, user, n):
        self.entries.append({"path": path, "user": user, "status": 200 + n % 3, "ms": n % 97})


AUDIT = AuditTrail()
SESSIONS = {}
SETTINGS = collections.OrderedDict()
log = logging.getLogger("service")


def handle(n):
    path = "/api/items?page=%d&sort=name" % n
    user = "user-%05d" % (n % 7919)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    AUDIT.record(path, user, n)
    if n % 7 == 0 and len(SESSIONS) < 3000:
        SESSIONS["tok-%08x" % (n * 2654435761 % 2**32)] = {"user": user, "since": n, "scopes": "read"}
    if n % 67 == 0:
        SETTINGS[user] = {"theme": "dark", "page_size": int(query["page"][0]) % 50}
    return json.dumps({"ok": True, "n": n})


for i in range(21000):
    handle(i)

hgscenario.ready({
    "leaked": [id(d) for d in AUDIT.entries],
    "sessions": [id(d) for d in SESSIONS.values()],
    "max_leaked_size": max(sys.getsizeof(d) for d in AUDIT.entries),
    "entities": id(html.entities.html5),
})
