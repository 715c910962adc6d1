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


def _typename(o):
    t = type(o)
    return t.__name__, "%s.%s" % (getattr(t, "__module__", "?"), getattr(t, "__qualname__", t.__name__))


def _frames():
    """Locals of every thread's frames, innermost first: [{thread, frames: [[func, {var: id}]]}]."""
    import gc
    names = {t.ident: t.name for t in threading.enumerate()}
    natives = {t.ident: getattr(t, "native_id", None) for t in threading.enumerate()}
    out = []
    current = sys._current_frames()
    for ident, frame in current.items():
        frames = []
        f = frame
        while f is not None:
            # The recorder's own frames change after recording: leave them out.
            if f.f_code.co_filename != __file__:
                local = {k: id(v) for k, v in f.f_locals.items()}
                frames.append([f.f_code.co_name, local])
            f = f.f_back
        out.append({"ident": ident, "name": names.get(ident), "native_id": natives.get(ident),
                    "frames": frames})
    # frame objects kept in locals form a cycle with this frame: break it
    current.clear()
    del frame, f, current
    return out


_C_SIZEOF = ("method_descriptor", "wrapper_descriptor", "builtin_function_or_method")


def _sizeof(o, sizes):
    """sys.getsizeof, but only where __sizeof__ is C code: a Python-level
    __sizeof__ (mock objects have one) could change the heap it reports on."""
    if id(o) in sizes:
        return
    try:
        if type(type(o).__sizeof__).__name__ in _C_SIZEOF:
            sizes[id(o)] = sys.getsizeof(o)
    except Exception:
        pass


def record_heap():
    """What the live interpreter says about its heap: the ground truth.

    Collects first and then disables the collector, so that nothing recorded
    is freed before the core is taken."""
    import gc
    gc.collect()
    gc.disable()
    objs = gc.get_objects()
    objects = {}
    referents = {}
    sizes = {}
    for o in objs:
        name, qual = _typename(o)
        objects[id(o)] = [name, qual]
        _sizeof(o, sizes)
        refs = gc.get_referents(o)
        referents[id(o)] = [id(r) for r in refs]
        for r in refs:
            _sizeof(r, sizes)
    del objs
    return {
        "objects": objects,
        "referents": referents,
        "sizes": sizes,
        "frames": _frames(),
    }


def _typestats():
    """objgraph's typestats (or the same count without objgraph), taken last,
    when every object the recording made is gone again."""
    objgraph = sys.modules.get("objgraph")
    if objgraph is not None:
        return objgraph.typestats(), "objgraph"
    else:
        import gc
        stats = {}
        for o in gc.get_objects():
            stats[type(o).__name__] = stats.get(type(o).__name__, 0) + 1
        return stats, "gc.get_objects"


def _write(path, data):
    # json.dumps without indent uses the C encoder: it leaves no garbage behind
    tmp = path + ".tmp"
    text = json.dumps(data, default=repr)
    with open(tmp, "w") as f:
        f.write(text)
    del text
    os.rename(tmp, path)


def record_chains(targets):
    """objgraph.find_backref_chain(obj, objgraph.is_proper_module) for each
    named target: {name: [id, ...] from the module to the target, or None
    when objgraph finds no chain}.  Run before anything else is recorded:
    it collects garbage first."""
    sys.modules.setdefault("graphviz", None)  # objgraph's optional import; keeps mock out
    sys.path.append("/usr/lib/python3/dist-packages")
    import objgraph
    out = {}
    for name, obj in targets.items():
        chain = objgraph.find_backref_chain(obj, objgraph.is_proper_module)
        out[name] = [id(o) for o in chain] if len(chain) > 1 else None
        del chain
    return out


def ready(extra=None, heap=False):
    # objgraph comes from Debian's python3-objgraph: use it under Debian's
    # Python only.  Under pyenv's 3.8 its graphviz import drags in
    # unittest.mock, whose objects change when inspected; elsewhere the same
    # count (type(o).__name__ over gc.get_objects()) is made by hand.
    if heap and sys.executable.startswith("/usr/bin/"):
        sys.path.append("/usr/lib/python3/dist-packages")
        try:
            import objgraph  # noqa: F401  imported before recording, not during
        except Exception:
            pass
    # platform.python_version() fills platform._sys_version_cache the first
    # time: ask before recording, or that dict grows after it was measured.
    version = platform.python_version()
    # HG_SELFDUMP: the process writes its own snapshot with heapgraph_dump.py
    # (beside this file in a sid root, at the top of the sources otherwise)
    # just before the truth is recorded: the same heap, seen from inside.
    selfdump = os.environ.get("HG_SELFDUMP")
    if selfdump:
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path[:0] = [here, os.path.join(here, "..", "..")]
        import heapgraph_dump
        heapgraph_dump.dump(selfdump, collect=True)
        del heapgraph_dump
    heap_truth = record_heap() if heap else None
    truth = {
        "pid": os.getpid(),
        "version": version,
        "hexversion": sys.hexversion,
        "executable": os.path.realpath(sys.executable),
        "argv": sys.argv,
        "threads": _threads(),
        "modules": len(sys.modules),
    }
    if extra:
        truth.update(extra)
    if heap_truth:
        truth.update(heap_truth)
    path = os.environ.get("HG_TRUTH")
    if path:
        if heap:
            # typestats last, in a file of its own, once the recording is freed
            _write(path + ".partial", truth)
            del truth, heap_truth
            stats, source = _typestats()
            _write(path + ".typestats", {"typestats": stats, "source": source})
            del stats
            os.rename(path + ".partial", path)
        else:
            _write(path, truth)
    sys.stdout.write("READY %d\n" % os.getpid())
    sys.stdout.flush()
    if os.environ.get("HG_CRASH"):
        os.abort()
    while True:
        time.sleep(3600)


def step(n, extra=None):
    """Dump n of several of this process (growth's tests): writes extra (with
    the pid and version) to $HG_TRUTH.n and objgraph's typestats, taken last
    as ready() takes them, to $HG_TRUTH.n.typestats; says "READY pid"; and
    returns when the test, having taken the core, sends SIGUSR1."""
    import signal
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    path = os.environ.get("HG_TRUTH")
    if path:
        truth = {"pid": os.getpid(), "version": platform.python_version(), "step": n}
        truth.update(extra or {})
        _write("%s.%d" % (path, n), truth)
        del truth
        stats, source = _typestats()
        _write("%s.%d.typestats" % (path, n), {"typestats": stats, "source": source})
        del stats, source
    sys.stdout.write("READY %d\n" % os.getpid())
    sys.stdout.flush()
    signal.sigwait({signal.SIGUSR1})


def _in_fork(child):
    """Runs child() in a forked copy of this process and returns what it
    returned, sent back as JSON through a pipe.  The parent's heap is not
    touched."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        data = json.dumps(child()).encode()
        while data:
            data = data[os.write(w, data):]
        os._exit(0)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


def garbage_ids():
    """What gc.collect() would free now, asked of the same heap: a forked
    child collects with DEBUG_SAVEALL and sends back {"freed": ids, "maybe":
    ids} (the ids of gc.garbage and of what left gc.get_objects(); "maybe":
    tuples and dicts, which a collection may only have stopped tracking).
    The parent's heap is not touched (call it with the collector disabled,
    from the only thread: a forked child has no other threads, and what only
    their frames held would look free)."""
    import gc

    def child():
        # what gc.garbage keeps (DEBUG_SAVEALL), and what was freed outright:
        # finalizers (a generator's close) can break a cycle, which then goes
        # by reference counting.  Objects made after the collection cannot
        # hide a freed address: they are not among those listed before it.
        # A collection also stops tracking tuples and dicts that hold only
        # untracked objects: those that left gc.get_objects() may be alive,
        # so they are sent apart, as "maybe".
        # (a loop, not a comprehension: that would be one more object to free)
        before = {}
        objs = gc.get_objects()
        for o in objs:
            before[id(o)] = type(o) in (tuple, dict)
        del objs, o
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        after = gc.get_objects()
        gone = set(before).difference(map(id, after))
        garbage = set(map(id, gc.garbage))
        freed = {i for i in gone if not before[i]} | garbage
        maybe = {i for i in gone if before[i]} - garbage
        return {"freed": sorted(freed), "maybe": sorted(maybe)}
    return _in_fork(child)


def _referents(o):
    """gc.get_referents(o), and what tp_traverse leaves out because it cannot
    make a cycle but still holds: a dict's str keys (3.11+), a code object's
    constants, names and tables."""
    import gc
    out = gc.get_referents(o)
    t = type(o)
    if dict in t.__mro__:
        out.extend(dict.keys(o))
    elif t is type(_referents.__code__):
        out.extend(o.co_consts)
        # only attributes the code object stores: others (co_varnames 3.11+,
        # co_lnotab) are made anew on each access, and a new object could sit
        # at a freed address
        for name in ("co_names", "co_filename", "co_name", "co_qualname"):
            if hasattr(o, name):
                out.append(getattr(o, name))
    return out


def _cached(o):
    """Whether o is one of the objects every CPython keeps for reuse and holds
    a reference to itself: the small ints -5..256, the empty and one-latin-1-
    character strings, the empty and one-byte bytes, the empty tuple."""
    t = type(o)
    if t is int:
        return -5 <= o <= 256
    if t is str:
        return len(o) == 0 or (len(o) == 1 and ord(o) < 256)
    if t is bytes:
        return len(o) <= 1
    return t is tuple and len(o) == 0


def freed_by_dropping(holder, key):
    """What dropping holder[key] -- the only reference to it -- and then
    collecting would free, asked of the same heap: a forked child notes every
    object the target reaches (gc.get_referents, tracked or not) with its
    sys.getsizeof, deletes holder[key], runs gc.collect(), and looks for each
    noted object among those still reachable from what the collector tracks
    (the child's own bookkeeping and its running frame skipped, so a new
    object at a freed address is never mistaken for a survivor).  Returns the
    freed bytes and object count.  Call it from the only thread with the
    collector disabled, like garbage_ids."""
    import gc

    def child():
        noted = {}
        stack = [holder[key]]
        while stack:
            o = stack.pop()
            if id(o) not in noted:
                # an immortal object (3.12+) is never freed, nor one the
                # interpreter caches and holds itself
                noted[id(o)] = None if sys.getrefcount(o) >= 1 << 30 or _cached(o) else sys.getsizeof(o)
                stack.extend(_referents(o))
        del o, stack
        del holder[key]
        gc.collect()
        skip = {id(noted), id(sys._getframe())}
        skip.add(id(skip))
        alive = set()
        skip.add(id(alive))
        todo = gc.get_objects()
        skip.add(id(todo))
        while todo:
            o = todo.pop()
            i = id(o)
            if i not in alive and i not in skip:
                alive.add(i)
                todo.extend(_referents(o))
        del o
        freed = [i for i in noted if i not in alive and noted[i] is not None]
        return {"bytes": sum(noted[i] for i in freed), "objects": len(freed)}
    return _in_fork(child)


def park_thread(name, target, *args):
    """Starts a daemon thread running target(*args, ready_event) and waits
    until it signals that its locals are in place."""
    ev = threading.Event()
    t = threading.Thread(target=target, args=args + (ev,), name=name, daemon=True)
    t.start()
    ev.wait(30)
    return t
