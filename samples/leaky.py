"""leaky.py - a small "web service" that leaks memory the ways real ones do.

Try heapgraph on it (make demo does all of this):

    python3 samples/leaky.py          # prints "READY <pid>" once it has leaked
    gcore -o leaky <pid>              # writes leaky.<pid>
    heapgraph info leaky.<pid>

The leaks, so you can check what heapgraph finds:

  1. RESPONSE_CACHE, a module-level dict, keeps every rendered response,
     keyed by the full URL.  The query string makes every key different, so
     the cache grows with every request and nothing ever evicts.
  2. Every Session subscribes its on_event method to the module-level
     EventBus and never unsubscribes: the bus's listener list holds the bound
     methods, the bound methods hold the sessions, long after logout.
  3. The "report-worker" thread builds a big batch of rows in a local
     variable and then blocks; the batch is held by nothing but that thread's
     frame.

Standard library only; Python 3.8 to 3.13.  Usage: leaky.py [REQUESTS]
(default 2000).  After printing READY it waits, for at most $LEAKY_WAIT
seconds (default 600), and exits early if the program that started it goes
away, so a demo that dies never leaves it running.
"""
import json
import os
import sys
import threading
import time


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body


class Session:
    def __init__(self, user, bus):
        self.user = user
        self.seen = []
        bus.subscribe(self.on_event)  # leak 2: never unsubscribed

    def on_event(self, event):
        self.seen.append(event)


class EventBus:
    def __init__(self):
        self.listeners = []

    def subscribe(self, fn):
        self.listeners.append(fn)

    def publish(self, event):
        for fn in self.listeners:
            fn(event)


RESPONSE_CACHE = {}  # leak 1: url -> Response, never evicted
BUS = EventBus()


def render(path, params):
    rows = [{"id": i, "name": "item-%d" % i, "tags": ["a", "b"]} for i in range(int(params["n"]))]
    return json.dumps({"path": path, "page": params["page"], "items": rows})


def handle(url):
    """GET url: served from the cache when possible, else rendered and cached."""
    cached = RESPONSE_CACHE.get(url)
    if cached is not None:
        return cached
    path, _, query = url.partition("?")
    params = dict(kv.split("=", 1) for kv in query.split("&"))
    body = render(path, params)
    resp = Response(200, {"Content-Type": "application/json", "Content-Length": str(len(body))}, body)
    RESPONSE_CACHE[url] = resp
    return resp


def login(user):
    session = Session(user, BUS)
    BUS.publish({"type": "login", "user": user})
    return session  # the caller drops it at "logout"; the bus does not


def report_worker(started, stop):
    batch = [("row", i, "x" * 64) for i in range(5000)]  # leak 3: held by this frame only
    started.set()
    stop.wait()
    return len(batch)


def wait_to_be_dumped():
    parent = os.getppid()
    deadline = time.time() + float(os.environ.get("LEAKY_WAIT", "600"))
    while time.time() < deadline and os.getppid() == parent:
        time.sleep(0.5)


def main():
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    for i in range(requests):
        if i % 50 == 0:
            login("user%d" % (i // 50))
        handle("/api/items?page=%d&n=%d&t=%d" % (i % 20, 5 + i % 10, i))

    started, stop = threading.Event(), threading.Event()
    worker = threading.Thread(target=report_worker, args=(started, stop), name="report-worker", daemon=True)
    worker.start()
    started.wait(30)

    sys.stdout.write("READY %d\n" % os.getpid())
    sys.stdout.flush()
    wait_to_be_dumped()
    stop.set()


if __name__ == "__main__":
    main()
