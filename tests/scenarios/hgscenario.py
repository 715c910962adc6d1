"""Shared by the scenario programs: record what the live interpreter says
(the ground truth heapgraph is checked against), then wait to be dumped.

ready() writes $HG_TRUTH as JSON, prints "READY <pid>" on stdout and then
either sleeps until killed (gcore takes the core) or, with HG_CRASH=1, aborts
so that the kernel writes the core.
"""
import json
import os
import platform
import sys
import threading
import time


def _threads():
    out = []
    for t in threading.enumerate():
        out.append({
            "name": t.name,
            "ident": t.ident,
            "native_id": getattr(t, "native_id", None),
        })
    return out


def ready(extra=None):
    truth = {
        "pid": os.getpid(),
        "version": platform.python_version(),
        "hexversion": sys.hexversion,
        "executable": os.path.realpath(sys.executable),
        "argv": sys.argv,
        "threads": _threads(),
        "modules": len(sys.modules),
    }
    if extra:
        truth.update(extra)
    path = os.environ.get("HG_TRUTH")
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(truth, f, indent=1, default=repr)
        os.rename(tmp, path)
    sys.stdout.write("READY %d\n" % os.getpid())
    sys.stdout.flush()
    if os.environ.get("HG_CRASH"):
        os.abort()
    while True:
        time.sleep(3600)


def park_thread(name, target, *args):
    """Starts a daemon thread running target(*args, ready_event) and waits
    until it signals that its locals are in place."""
    ev = threading.Event()
    t = threading.Thread(target=target, args=args + (ev,), name=name, daemon=True)
    t.start()
    ev.wait(30)
    return t
