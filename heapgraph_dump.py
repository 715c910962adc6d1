"""heapgraph_dump: a heapgraph snapshot of this process, written from inside it.

For where a core cannot be taken (containers without ptrace, hosted
platforms): call

    import heapgraph_dump
    heapgraph_dump.dump("app.jsonl.gz")

and read the file with heapgraph as a core: `heapgraph analyze app.jsonl.gz`,
`heapgraph chain app.jsonl.gz --type Foo`, ...  The format is heapgraph's
snapshot format (docs/snapshot-format.md in heapgraph's sources).

What it writes: every object gc.get_objects() returns and everything they
refer to (gc.get_referents), with the type, sys.getsizeof, a short repr that
runs no code of the objects' own, the value of numbers and strings, and the
references labeled where the object's kind says how (dict entries, sequence
items, attributes, slots, a function's parts); the roots: sys.modules, every
thread's frames with their local variables, the interpreter's own tables;
and, as held from outside the heap, the tracked objects no root reaches
(after dump(collect=True) runs gc.collect(), those are held by C code).
When tracemalloc traces, each object's allocation traceback too (what
tracemalloc.get_object_traceback() gives; 3.11's misses objects whose
attributes live in a managed dict).  Tracing makes the writer about 20 times
slower, as every allocation it makes is traced too (138,000 objects: 16 s
with one frame per traceback, 0.8 s without tracing, Python 3.11).

It leaves out its own bookkeeping and changes the heap as little as it can:
the collector is paused while it runs; frames' locals are read through
f_locals, which on Python before 3.13 makes a frame's locals dict.

Standard library only; Python 3.8 to 3.15.
"""
import gc
import gzip
import json
import sys
import threading
import time
import types

__all__ = ["dump"]

_HEAPTYPE = 1 << 9
_MANAGED_DICT = 1 << 4
_VALUE_MAX = 200
_REPR_MAX = 40


def _text(s):
    """s as valid UTF-8 text: lone surrogates (undecodable file names) become U+FFFD."""
    if type(s) is str and s.isascii():
        return s
    return s.encode("utf-8", "replace").decode("utf-8") if isinstance(s, str) else str(s)


_quote = json.encoder.encode_basestring_ascii   # a JSON string, quotes included


def _q(s):
    return _quote(_text(s))


def _type_names(t):
    mod = getattr(t, "__module__", None)
    if not isinstance(mod, str):
        mod = "builtins"
    name = t.__name__ if isinstance(getattr(t, "__name__", None), str) else "?"
    qual = t.__qualname__ if isinstance(getattr(t, "__qualname__", None), str) else name
    return name, "%s.%s" % (mod, qual)


def _short_repr(o, t):
    """objgraph's short repr, without running the object's own code."""
    if t in (int, float, bool) or o is None:
        return repr(o)
    if t is str:
        return repr(o[:_REPR_MAX])
    if t is bytes:
        return repr(o[:_REPR_MAX])
    if issubclass(t, type):
        n = type.__dict__["__name__"].__get__(o, t)
        return n if isinstance(n, str) else "?"
    if t is types.ModuleType:
        n = o.__dict__.get("__name__")
        return n if isinstance(n, str) else "?"
    if t in (list, tuple, dict, set, frozenset):
        return "%d item%s" % (len(o), "" if len(o) == 1 else "s")
    if t is types.FunctionType:
        return "<function %s at 0x%x>" % (o.__qualname__, id(o))
    if t is types.MethodType:
        return "%s (bound)" % getattr(o.__func__, "__name__", "?")
    if t is types.BuiltinFunctionType:
        return o.__name__
    if t is types.CodeType:
        return "<code object %s at 0x%x>" % (o.co_name, id(o))
    name, qual = _type_names(t)
    return "<%s object at 0x%x>" % (qual, id(o))


def _value(o, t):
    if t is str:
        return o[:_VALUE_MAX]
    if t in (int, bool):
        return str(o)
    if t is float:
        return repr(o)
    if t is bytes:
        return repr(o[:_VALUE_MAX])
    return None


_C_METHODS = ("method_descriptor", "wrapper_descriptor", "builtin_function_or_method")
_HAVE_GC = 1 << 14


def _sizeof(o, t):
    """sys.getsizeof, where __sizeof__ is C code; a class's own __sizeof__ is not run:
    then object.__sizeof__ and the collector's header, as sys.getsizeof adds it."""
    try:
        if type(t.__sizeof__).__name__ in _C_METHODS:
            return sys.getsizeof(o)
        return object.__sizeof__(o) + (16 if t.__flags__ & _HAVE_GC else 0)
    except Exception:
        return 0


def _key_label(k):
    if type(k) is str:
        return "['%s']" % k
    if type(k) in (int, float, bool) or k is None:
        return "[%r]" % (k,)
    return "[%s]" % _short_repr(k, type(k))


_FIELDS = {
    # not __dict__ nor __annotations__: reading them makes them
    types.FunctionType: ("__code__", "__globals__", "__defaults__", "__kwdefaults__", "__closure__",
                         "__module__", "__name__", "__qualname__", "__doc__", "__builtins__"),
    types.MethodType: ("__func__", "__self__"),
    types.CellType if hasattr(types, "CellType") else type(None): ("cell_contents",),
    types.FrameType: ("f_back", "f_code", "f_globals", "f_builtins", "f_locals", "f_trace"),
    types.ModuleType: ("__dict__",),
    property: ("fget", "fset", "fdel", "__doc__"),
    staticmethod: ("__func__",),
    classmethod: ("__func__",),
    types.GeneratorType: ("gi_frame", "gi_code", "gi_yieldfrom"),
    types.CoroutineType: ("cr_frame", "cr_code", "cr_await"),
    types.TracebackType: ("tb_next", "tb_frame"),
    # not co_code, co_lnotab, co_varnames and the like: since 3.11 reading them makes new objects
    types.CodeType: ("co_consts", "co_names", "co_filename", "co_name", "co_qualname", "co_linetable",
                     "co_exceptiontable"),
}


_ATOMS = (str, int, float, bytes, bool, type(None), complex)


def _labels(o, t, refs):
    """{id(referent): label} for the referents whose label the object's kind tells.
    By the object's type, never isinstance (a dead weakref proxy raises, a __class__
    property runs code), and through the builtin methods, never a subclass's own."""
    lab = {}
    if t in _ATOMS or not refs:
        return lab
    if issubclass(t, dict):
        try:
            for k, v in dict.items(o):
                lab.setdefault(id(k), "key")
                lab.setdefault(id(v), _key_label(k))
        except Exception:
            pass
    elif issubclass(t, (list, tuple)):
        for i, v in enumerate(list.__iter__(o) if issubclass(t, list) else tuple.__iter__(o)):
            lab.setdefault(id(v), "[%d]" % i)
    elif issubclass(t, (set, frozenset)):
        for v in set.__iter__(o) if issubclass(t, set) else frozenset.__iter__(o):
            lab.setdefault(id(v), "{}")
    elif issubclass(t, type):
        for name in ("__dict__", "__mro__", "__bases__", "__base__", "__name__", "__qualname__", "__module__",
                     "__doc__"):
            try:
                v = type.__getattribute__(o, name)
            except Exception:
                continue
            if name == "__dict__":
                # a mappingproxy: the dict behind it (its one referent) is the type's referent
                inner = gc.get_referents(v)
                if inner:
                    lab.setdefault(id(inner[0]), "__dict__")
            else:
                lab.setdefault(id(v), name)
    fields = _FIELDS.get(t)
    for name in fields or ():
        try:
            lab.setdefault(id(object.__getattribute__(o, name) if t is not types.ModuleType
                              else o.__dict__), name)
        except Exception:
            pass
    if not issubclass(t, type) and not fields and not issubclass(t, threading.local):
        # (a thread-local's __dict__ read from this thread would be made for it)
        # an instance: its __dict__ when it has one already (since 3.11 reading __dict__ makes one
        # of an object whose attributes are kept in it: those are left without labels) and its slots
        for r in refs:
            if type(r) is dict and not (sys.version_info >= (3, 11) and t.__flags__ & _MANAGED_DICT):
                try:
                    if object.__getattribute__(o, "__dict__") is r:
                        lab.setdefault(id(r), "__dict__")
                except Exception:
                    pass
        for c in getattr(t, "__mro__", ()):
            for slot in c.__dict__.get("__slots__", ()) if isinstance(c.__dict__.get("__slots__", ()), (tuple, list)) else ():
                desc = c.__dict__.get(slot)
                if type(desc).__name__ == "member_descriptor":
                    try:
                        lab.setdefault(id(desc.__get__(o, t)), "." + slot)
                    except Exception:
                        pass
    return lab


def dump(path, collect=False):
    """Writes a heapgraph snapshot of this process to path: JSON lines, gzip'd
    when path ends in .gz.  collect=True runs gc.collect() first, so that what
    no root reaches is what C code holds, not garbage.  Returns the number of
    objects written."""
    enabled = gc.isenabled()
    if collect:
        # twice: a collection untracks the tuples holding only untracked objects, and an outer
        # tuple met before its inner ones waits for the next one
        gc.collect()
        gc.collect()
    gc.disable()
    try:
        # the moment the snapshot describes: what the collector tracks now; what the
        # writer makes after this is not written
        return _dump(path, gc.get_objects())
    finally:
        if enabled:
            gc.enable()


def _reach(stack, objs, reached):
    while stack:
        o = stack.pop()
        if id(o) in reached or id(o) not in objs:
            continue
        reached.add(id(o))
        try:
            refs = gc.get_referents(o)
        except Exception:
            refs = []
        t = type(o)
        if t.__flags__ & _HEAPTYPE:
            refs.append(t)
        stack.extend(refs)


def _dump(path, tracked):
    mine = set()                      # ids of the writer's own containers: left out
    mine.add(id(tracked))
    mine.add(id(mine))
    then = set(map(id, tracked))      # tracked objects not among these are newer: the writer's
    mine.add(id(then))
    objs = {}                         # id -> object, everything written
    mine.add(id(objs))
    order = []
    mine.add(id(order))
    frame_here = sys._getframe()
    for o in tracked:
        if id(o) not in mine and o is not frame_here:
            objs[id(o)] = o
            order.append(o)
    roots = []                        # (kind, name, object)
    mine.add(id(roots))
    for name, m in list(sys.modules.items()):
        if m is not None:
            roots.append(("module", "sys.modules['%s']" % name, m))
    roots.append(("interpreter", "sys.modules", sys.modules))
    roots.append(("interpreter", "sys.__dict__", sys.__dict__))
    import builtins
    roots.append(("interpreter", "builtins", builtins.__dict__))
    names = {t.ident: t.name for t in threading.enumerate()}
    mine.add(id(names))
    for tid, f in sys._current_frames().items():
        tname = "thread '%s' (tid %d)" % (names.get(tid, "?"), tid)
        while f is not None:
            if f.f_code is not _dump.__code__ and f.f_code is not dump.__code__:
                where = "%s frame %s()" % (tname, f.f_code.co_name)
                roots.append(("frame", "%s code" % where, f.f_code))
                roots.append(("frame", "%s globals" % where, f.f_globals))
                try:
                    loc = f.f_locals
                    if type(loc) is dict:
                        # before 3.13 reading f_locals makes the frame a dict, which stays: part of the heap
                        then.add(id(loc))
                        roots.append(("frame", "%s locals dict" % where, loc))
                    for var, v in list(loc.items()):
                        roots.append(("frame", "%s local '%s'" % (where, var), v))
                    del loc
                except Exception:
                    pass
            f = f.f_back
    del f
    # everything referred to, breadth first
    i = 0
    for kind, name, o in roots:
        if id(o) not in objs and id(o) not in mine and (id(o) in then or not gc.is_tracked(o)):
            objs[id(o)] = o
            order.append(o)
    while i < len(order):
        o = order[i]
        i += 1
        try:
            refs = gc.get_referents(o)
        except Exception:
            continue
        t = type(o)
        if t.__flags__ & _HEAPTYPE:
            refs.append(t)
        for r in refs:
            if id(r) not in objs and id(r) not in mine and (id(r) in then or not gc.is_tracked(r)):
                objs[id(r)] = r
                order.append(r)
    # reachability from the roots; tracked objects none reaches are held from outside
    reached = set()
    mine.add(id(reached))
    stack = [o for _, _, o in roots]
    mine.add(id(stack))

    _reach(stack, objs, reached)
    for o in order:
        if id(o) not in reached and gc.is_tracked(o):
            roots.append(("outside", "held from outside the heap (C code, as the writer saw it)", o))
            _reach([o], objs, reached)

    opener = gzip.open if path.endswith(".gz") else open
    n = 0
    # allocation tracebacks when tracemalloc traces (the C module: importing
    # tracemalloc.py would make objects; PYTHONTRACEMALLOC never imports it)
    import _tracemalloc
    tracing = _tracemalloc.is_tracing()
    where = _tracemalloc._get_object_traceback
    files = {}                        # file name -> as a JSON string
    tbs = {}                          # traceback -> its JSON text
    mine.add(id(files))
    mine.add(id(tbs))
    with opener(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"heapgraph_snapshot": 1, "python": "%d.%d.%d" % sys.version_info[:3],
                              "pid": __import__("os").getpid(),
                              "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                              "incomplete": False, "writer": "heapgraph_dump.py",
                              "tracemalloc": _tracemalloc.get_traceback_limit() if tracing else 0},
                             ensure_ascii=True) + "\n")
        names = {}                    # type -> its two names as JSON strings
        mine.add(id(names))
        for o in order:
            t = type(o)
            try:
                refs = [r for r in gc.get_referents(o) if id(r) in objs]
            except Exception:
                refs = []
            lab = _labels(o, t, refs)
            labels = [lab.get(id(r), "") for r in refs]
            if t.__flags__ & _HEAPTYPE and id(t) in objs:
                refs.append(t)
                labels.append("__class__")
            tn = names.get(t)
            if tn is None:
                name, qual = _type_names(t)
                tn = names[t] = (_q(name), _q(qual), qual)
            size = _sizeof(o, t)
            try:
                short = _short_repr(o, t)
                v = _value(o, t)
            except Exception:         # an int too long for str(), ...
                short, v = "<%s object at 0x%x>" % (tn[2], id(o)), None
            tb = ""
            if tracing:
                # (filename, lineno) pairs, the most recent first; the file wants the oldest first
                frames = where(o)
                if frames:
                    tb = tbs.get(frames)
                    if tb is None:
                        parts = []
                        for f, line in reversed(frames):
                            q = files.get(f)
                            if q is None:
                                q = files[f] = _q(f)
                            parts.append("[%s,%d]" % (q, line))
                        tb = tbs[frames] = ',"traceback":[' + ",".join(parts) + "]"
            out.write('{"address":%d,"type":%s,"qualname":%s,"size":%d,"repr":%s,"refs":[%s],"ref_labels":[%s],'
                      '"gc":%s%s%s}\n' % (id(o), tn[0], tn[1], size, _q(short), ",".join([str(id(r)) for r in refs]),
                                          ",".join([_q(x) for x in labels]),
                                          "true" if gc.is_tracked(o) else "false",
                                          "" if v is None else ',"value":' + _q(v), tb))
            n += 1
        for kind, name, o in roots:
            if id(o) not in objs:
                continue
            out.write(json.dumps({"root": kind, "name": _text(name), "refs": [id(o)], "ref_labels": [_text(name)]},
                                 ensure_ascii=True) + "\n")
    return n
