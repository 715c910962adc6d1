"""A service-shaped program the graph test has not been tuned on: an asyncio
event loop parked in a thread with suspended tasks, async generators and a
loopback connection; dataclasses, enums, named tuples, a metaclass, chained
exceptions kept with their tracebacks, closures three deep, functools
helpers, thread-local data, context variables, buffers, regular
expressions, numbers of the decimal/fractions/datetime kinds, itertools
objects, weak references, subclasses of builtins with attributes, __slots__
mixed with __dict__, a 50-frame recursion parked in a thread, delegating
generators, ~200k small objects and module-level caches; and C-implemented
kinds a service meets: ctypes, ElementTree, sqlite3, logging, a thread pool,
operator/itertools/dict iterators, typing generics, abc registries, hashes.

Standard library only; runs on CPython 3.8 to 3.13."""
import abc
import array
import asyncio
import collections
import concurrent.futures
import contextlib
import contextvars
import ctypes
import dataclasses
import datetime
import decimal
import enum
import fractions
import functools
import hashlib
import heapq
import io
import itertools
import logging
import mmap
import operator
import os
import queue
import re
import sqlite3
import struct
import sys
import tempfile
import threading
import types
import typing
import weakref
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario

PY = sys.version_info[:2]


# --- dataclasses -------------------------------------------------------------

@dataclasses.dataclass
class Order:
    order_id: int
    customer: str
    lines: list = dataclasses.field(default_factory=list)
    total: decimal.Decimal = decimal.Decimal("0")


@dataclasses.dataclass(frozen=True)
class Sku:
    code: str
    price: fractions.Fraction


if PY >= (3, 10):
    @dataclasses.dataclass(slots=True)
    class Point:
        x: float
        y: float
        tags: tuple = ()

    @dataclasses.dataclass(slots=True, kw_only=True)
    class Config:
        name: str
        retries: int = 3
        opts: dict = dataclasses.field(default_factory=dict)
else:
    @dataclasses.dataclass
    class Point:
        __slots__ = ("x", "y", "tags")
        x: float
        y: float
        tags: tuple

    @dataclasses.dataclass
    class Config:
        name: str
        retries: int = 3
        opts: dict = dataclasses.field(default_factory=dict)


# --- enums and named tuples --------------------------------------------------

class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Priority(enum.IntEnum):
    LOW = 1
    NORMAL = 5
    HIGH = 10


class Perm(enum.Flag):
    R = 4
    W = 2
    X = 1


class Address(typing.NamedTuple):
    street: str
    city: str
    zip: str = "00000"


Pair = collections.namedtuple("Pair", "left right")


# --- a metaclass with its own __call__ --------------------------------------

class Registry(type):
    instances = {}

    def __call__(cls, *args, **kw):
        key = (cls.__name__,) + args
        if key not in Registry.instances:
            Registry.instances[key] = super().__call__(*args, **kw)
        return Registry.instances[key]


class Service(metaclass=Registry):
    default_timeout = 30

    def __init__(self, name, port=0):
        self.name = name
        self.port = port
        self._stats = collections.Counter()

    @classmethod
    def create(cls, name):
        return cls(name)

    @staticmethod
    def normalise(name):
        return name.strip().lower()

    @property
    def label(self):
        return "%s:%d" % (self.name, self.port)

    @label.setter
    def label(self, value):
        self.name, port = value.split(":")
        self.port = int(port)


# --- subclasses of builtins with attributes, slots mixed with __dict__ -------

class AttrDict(dict):
    def __init__(self, *a, **kw):
        dict.__init__(self, *a, **kw)
        self.source = "attrdict"


class Batch(list):
    def __init__(self, items, owner):
        list.__init__(self, items)
        self.owner = owner


class TagSet(set):
    def __init__(self, items):
        set.__init__(self, items)
        self.frozen_at = datetime.datetime(2024, 1, 2, 3, 4, 5)


class Label(str):
    def __new__(cls, value, lang):
        self = str.__new__(cls, value)
        self.lang = lang
        return self


class Coord(tuple):
    def __new__(cls, x, y):
        self = tuple.__new__(cls, (x, y))
        self.unit = "m"
        return self


class Money(int):
    def __new__(cls, cents, currency):
        self = int.__new__(cls, cents)
        self.currency = currency
        return self


class Blob(bytes):
    def __new__(cls, data, mime):
        self = bytes.__new__(cls, data)
        self.mime = mime
        return self


class Hybrid:
    __slots__ = ("fixed", "other", "__dict__", "__weakref__")

    def __init__(self, i):
        self.fixed = i
        self.other = [i]
        self.dynamic = "dyn-%d" % i


class HybridChild(Hybrid):
    __slots__ = ("more",)

    def __init__(self, i):
        Hybrid.__init__(self, i)
        self.more = {"i": i}
        self.extra = (i, i)


class Resource:
    opened = []

    def __init__(self, name):
        self.name = name
        Resource.opened.append(name)

    def __del__(self):
        Resource.opened.remove(self.name)


# --- closures three deep, functools ------------------------------------------

def make_pipeline(prefix):
    seen = []

    def stage(suffix):
        counter = [0]

        def step(value):
            counter[0] += 1
            seen.append(value)
            return "%s%s%s" % (prefix, value, suffix)
        return step
    return stage


PIPELINE = make_pipeline("<")(">")
PIPELINE("first")


@functools.lru_cache(maxsize=128)
def price_of(code):
    return fractions.Fraction(len(code) * 7, 3)


for _c in ("apple", "pear", "plum", "kiwi", "fig"):
    price_of(_c)


@functools.singledispatch
def render(obj):
    return repr(obj)


@render.register(int)
def _(obj):
    return "int:%d" % obj


@render.register(list)
def _(obj):
    return "list:%d" % len(obj)


render(3)
render([1])
render("x")  # fills the dispatch cache

PARTIAL = functools.partial(render, [1, 2, 3])
PARTIAL_KW = functools.partial(Order, customer="acme", lines=[])


# --- exceptions chained, with their tracebacks -------------------------------

class ServiceError(Exception):
    def __init__(self, msg, code):
        Exception.__init__(self, msg)
        self.code = code


def _parse(raw):
    buf = list(raw)
    return int(raw) + len(buf)


def _load(raw):
    try:
        return _parse(raw)
    except ValueError as e:
        raise ServiceError("bad input %r" % raw, 400) from e


def _handle(raw):
    context_data = {"raw": raw, "attempt": 1}
    try:
        _load(raw)
    except ServiceError:
        context_data["attempt"] += 1
        raise KeyError("while handling: " + raw)


try:
    _handle("not-a-number")
except KeyError as e:
    CHAINED = e                 # __context__ ServiceError, whose __cause__ is a ValueError
FAILURES = [CHAINED, CHAINED.__context__, CHAINED.__context__.__cause__]
TRACEBACK = CHAINED.__traceback__


# --- buffers, regexps, numbers, dates, itertools ----------------------------

RAW = bytearray(b"header:" + bytes(range(256)) * 4)
VIEW = memoryview(RAW)
VIEW_SLICE = VIEW[7:64]
ARR_D = array.array("d", [i / 3 for i in range(1000)])
ARR_I = array.array("i", range(100))
HEADER = struct.Struct("<IHHq")
PACKED = HEADER.pack(1, 2, 3, 4)
RECORD = struct.Struct("<4sI2h10x")    # repeat counts: fewer format codes than items
ARR_B = array.array("b", b"\x01\x02\x03" * 50)
SINK = open(os.devnull, "wb", buffering=3000)    # BufferedWriter with its buffer
SPOOL = tempfile.TemporaryFile("w+b", buffering=5000)    # BufferedRandom
SPOOL.write(b"spooled" * 10)
WORD_RE = re.compile(r"(?P<word>\w+)@(?P<host>[\w.]+)")
MATCH = WORD_RE.search("mail alice@example.org now")
MATCHES = list(WORD_RE.finditer("a@b c@d e@f"))
SIO = io.StringIO()
SIO.write("log line\n" * 50)
BIO = io.BytesIO(b"\x00\x01" * 500)
BIO.seek(10)
decimal.getcontext().prec = 30
MONEY = [decimal.Decimal("19.99"), decimal.Decimal(1) / decimal.Decimal(7), decimal.Decimal("-0")]
RATIOS = [fractions.Fraction(1, 3), fractions.Fraction(22, 7), fractions.Fraction(10 ** 30, 3)]
WHEN = [datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc),
        datetime.date(1999, 12, 31), datetime.time(23, 59, 1),
        datetime.timedelta(days=3, seconds=7), datetime.timezone(datetime.timedelta(hours=2), "CEST")]
COUNT = itertools.count(100, 5)
next(COUNT)
CYCLE = itertools.cycle(["a", "b", "c"])
next(CYCLE)
CHAIN = itertools.chain([1, 2], (3, 4), "xy")
next(CHAIN)
ISLICE = itertools.islice(itertools.count(), 5, None)
GROUPS = itertools.groupby("aabbbc")
next(GROUPS)


# --- weak references ---------------------------------------------------------

class Subscriber:
    def __init__(self, n):
        self.n = n

    def ping(self):
        return self.n


def _closed(name, log):
    log.append(name)


SUBSCRIBERS = [Subscriber(i) for i in range(10)]
WEAKSET = weakref.WeakSet(SUBSCRIBERS[:6])
CLOSE_LOG = []
FINALIZERS = [weakref.finalize(s, _closed, "sub-%d" % s.n, CLOSE_LOG) for s in SUBSCRIBERS[:3]]
WEAKKEYS = weakref.WeakKeyDictionary({s: s.n for s in SUBSCRIBERS[3:8]})
WEAKMETHOD = weakref.WeakMethod(SUBSCRIBERS[9].ping)
WEAKPROXY = weakref.proxy(SUBSCRIBERS[8])
WEAKCALLABLE = weakref.proxy(PIPELINE)
HYBRID_REF = None  # set below


# --- generators delegating with yield from -----------------------------------

def leaf_gen(tag):
    buf = [tag] * 3
    while True:
        got = yield buf
        buf.append(got)


def middle_gen(tag):
    note = {"middle": tag}
    result = yield from leaf_gen(tag)
    return note, result


def outer_gen():
    header = "outer"
    yield header
    yield from middle_gen("deep")


DELEGATING = outer_gen()
next(DELEGATING)
next(DELEGATING)
DELEGATING.send("sent")


# --- coroutines and async generators parked without a loop ------------------

class Suspend:
    def __await__(self):
        got = yield "parked"
        return got


async def standalone(n):
    pending = ["standalone", n]
    await Suspend()
    return pending


async def ticker(limit):
    state = {"limit": limit}
    for i in range(limit):
        yield i, state


PARKED_CORO = standalone(1)
PARKED_CORO.send(None)
PARKED_AGEN = ticker(5)
try:
    PARKED_AGEN.asend(None).send(None)
except StopIteration:
    pass


# --- context variables and thread-local data -------------------------------

REQUEST_ID = contextvars.ContextVar("request_id", default=None)
USER = contextvars.ContextVar("user")
TOKEN = REQUEST_ID.set("req-main")
USER.set({"name": "main-user"})
SAVED_CTX = contextvars.copy_context()
TLS = threading.local()
TLS.conn = {"thread": "main", "open": True}


def _in_context():
    REQUEST_ID.set("req-in-ctx")
    return REQUEST_ID.get()


OTHER_CTX = contextvars.Context()
OTHER_CTX.run(_in_context)


# --- C-implemented kinds a service meets -------------------------------------

class CPoint(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_double), ("name", ctypes.c_char_p)]


CPOINT_P = ctypes.POINTER(CPoint)
CPOINTS = (CPoint * 4)()
CPOINTS[1].x = 7
CPOINTS[1].name = b"second"
CPTR = ctypes.pointer(CPOINTS[1])
CBUF = ctypes.create_string_buffer(b"ctypes buffer", 64)
CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)(lambda v: v * 2)
CALLBACK(21)

CATALOG = ET.Element("catalog", {"version": "1"})
for _i in range(30):
    _item = ET.SubElement(CATALOG, "item", id=str(_i))
    _item.text = "item %d" % _i
    ET.SubElement(_item, "price", currency="EUR").text = str(_i * 1.5)
CATALOG_TREE = ET.ElementTree(CATALOG)
PARSED_XML = ET.fromstring("<a><b x='1'>text</b><c/>tail</a>")

DB = sqlite3.connect(":memory:")
DB.execute("create table t (id integer primary key, name text)")
DB.executemany("insert into t (name) values (?)", [("n%d" % i,) for i in range(50)])
DB.commit()
for _i in range(5):
    DB.execute("select name from t where id = ?", (_i,)).fetchone()
SQL_CURSOR = DB.execute("select id, name from t where id < 10")
SQL_ROWS = SQL_CURSOR.fetchmany(3)

LOG = logging.getLogger("service.app")
LOG_STREAM = io.StringIO()
_handler = logging.StreamHandler(LOG_STREAM)
_handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
LOG.addHandler(_handler)
LOG.setLevel(logging.INFO)
LOG.propagate = False
for _i in range(20):
    LOG.info("request %d served", _i)

GETTERS = [operator.itemgetter("id", "name"), operator.attrgetter("order_id", "customer"),
           operator.methodcaller("split", ",", 1)]
ITERATORS = [iter([1, 2, 3]), iter((1, 2)), iter({"a": 1, "b": 2}), iter({1, 2}), iter("str"), iter(b"bytes"),
             iter(range(10)), map(str, range(5)), filter(None, [0, 1, 2]), zip("ab", "cd"), enumerate("xyz"),
             reversed([1, 2, 3])]
for _it in ITERATORS:
    next(_it)
VIEWED = {"k": 1, "j": [2]}
DICT_VIEWS = [VIEWED.keys(), VIEWED.values(), VIEWED.items()]
ITEMS_ITER = iter({"x": [1], "y": [2]}.items())
next(ITEMS_ITER)


class Plugin(abc.ABC):
    @abc.abstractmethod
    def run(self):
        pass


class RealPlugin(Plugin):
    def run(self):
        return 1


Plugin.register(dict)
PLUGIN_CHECKS = [isinstance({}, Plugin), isinstance([], Plugin), issubclass(RealPlugin, Plugin)]
TYPING = [typing.List[int], typing.Optional[str], typing.Dict[str, typing.Tuple[int, ...]],
          typing.Callable[[int], str], typing.Union[int, str]]
ALIASES = [list[int], dict[str, list[int]]] if PY >= (3, 9) else []


class Base:
    def who(self):
        return "base"


class Derived(Base):
    def who(self):
        return "derived/" + super().who()


SUPER = super(Derived, Derived())
HASHES = [hashlib.sha256(b"payload"), hashlib.md5(b"x"), hashlib.blake2b(b"y", digest_size=16)]
COMPRESSOR = zlib.compressobj()
COMPRESSED = COMPRESSOR.compress(b"data" * 100)
DECOMPRESSOR = zlib.decompressobj()
NS = types.SimpleNamespace(a=1, b=[2])
PROXY = types.MappingProxyType({"k": "v"})
CHAIN_MAP = collections.ChainMap({"a": 1}, {"b": 2})
TASK_HEAP = []
for _i in (5, 1, 4, 2, 3):
    heapq.heappush(TASK_HEAP, (_i, "task%d" % _i))
JOBS = queue.Queue()
for _i in range(5):
    JOBS.put(("job", _i))
SHARED = mmap.mmap(-1, 4096)
SHARED.write(b"shared memory")
SLICES = [slice(1, 10, 2), range(0, 100, 7), 3 + 4j]
EXIT_STACK = contextlib.ExitStack()
EXIT_STACK.callback(print, "never")
EXIT_STACK.enter_context(contextlib.suppress(KeyError))
POOL = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="pool")
POOL_RESULTS = [f.result() for f in [POOL.submit(pow, 2, i) for i in range(10)]]


# --- module-level caches and ~200k small objects ----------------------------

ORDERS = {}
for _i in range(400):
    o = Order(_i, "cust-%d" % (_i % 37), [Sku("sku-%d" % (_i % 11), price_of("sku-%d" % (_i % 9)))])
    o.total = decimal.Decimal(_i) / 4
    ORDERS[_i] = o
SERVICES = [Service("svc%d" % i, 8000 + i) for i in range(5)]
SERVICES[0].label = "renamed:9000"
POINTS = [Point(float(i), float(-i), ("p", i)) for i in range(50)]
CONFIG = Config(name="main", opts={"debug": True})
ENUMS = [Color.RED, Color("green"), Priority.HIGH, Perm.R | Perm.W, Perm(7), Perm(0)]
ADDRESSES = [Address("Main St %d" % i, "Springfield") for i in range(20)]
PAIRS = [Pair(i, str(i)) for i in range(20)]
SUBCLASSED = [AttrDict(a=1, b=[2]), Batch([1, 2, 3], "me"), TagSet({"x", "y"}),
              Label("hello", "en"), Coord(1.5, 2.5), Money(1999, "EUR"), Blob(b"\x89PNG", "image/png")]
HYBRIDS = [Hybrid(i) for i in range(10)] + [HybridChild(i) for i in range(10)]
HYBRID_REF = weakref.ref(HYBRIDS[0])
RESOURCES = [Resource("r%d" % i) for i in range(5)]

ROWS = []
for _i in range(66000):
    row = {"id": _i, "name": "row-%d" % _i, "score": _i * 0.25}
    if _i % 4 == 0:
        row["tags"] = ["t%d" % (_i % 13)]
    ROWS.append(row)
del row, o, _i, _c, _item, _it, _handler


# --- threads -----------------------------------------------------------------

def recurse(depth, ready, trail):
    here = ["frame", depth]
    label = "depth-%d" % depth
    trail.append(label)
    if depth == 0:
        TLS.conn = {"thread": "recursion", "depth": len(trail)}
        REQUEST_ID.set("req-recursion")
        ready.set()
        threading.Event().wait()
    else:
        recurse(depth - 1, ready, trail)
    return here, label


def recursion_thread(ready):
    trail = []
    recurse(49, ready, trail)


def tls_worker(ready):
    TLS.conn = {"thread": "tls-worker", "rows": [1, 2, 3]}
    TLS.counter = itertools.count()
    mine = Batch(["w", "x"], "tls-worker")
    ready.set()
    threading.Event().wait()
    return mine


# --- the asyncio service, parked in its own thread ---------------------------

async def handle_client(reader, writer):
    peer = writer.get_extra_info("peername")
    line = await reader.readline()          # the client never finishes its line
    writer.write(line)
    return peer


async def consumer(queue, seen):
    local_note = {"consumer": True}
    while True:
        item = await queue.get()
        seen.append(item)
        queue.task_done()
        del item
    return local_note


async def waiter(event, tag):
    parked_on = ["event", tag]
    await event.wait()
    return parked_on


async def lock_holder(lock, future):
    async with lock:
        await future


async def lock_waiter(lock):
    want = "the lock"
    async with lock:
        return want


async def agen_user(agen):
    async for item in agen:         # parks inside the generator, on its gate
        if item[0] == 5:
            break
    return agen


async def stream(n, gate):
    buffer = []
    for i in range(n):
        if i == 3:
            await gate
        buffer.append(i)
        yield i, buffer


async def service_main(ready, box):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    seen = []
    event = asyncio.Event()
    lock = asyncio.Lock()
    never = loop.create_future()
    gate = loop.create_future()
    server = await asyncio.start_server(handle_client, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"partial request without newline")
    await writer.drain()
    agen = stream(10, gate)
    tasks = [
        asyncio.ensure_future(consumer(queue, seen)),
        asyncio.ensure_future(waiter(event, "w1")),
        asyncio.ensure_future(waiter(event, "w2")),
        asyncio.ensure_future(lock_holder(lock, never)),
        asyncio.ensure_future(lock_waiter(lock)),
        asyncio.ensure_future(agen_user(agen)),
    ]
    for i in range(5):
        await queue.put({"job": i})
    held_agen = stream(5, never)
    await held_agen.__anext__()             # an async generator suspended at a yield
    for _ in range(20):
        await asyncio.sleep(0)
    box.update(loop=loop, queue=queue, seen=seen, event=event, lock=lock, never=never, gate=gate,
               server=server, reader=reader, writer=writer, tasks=tasks, agen=agen, held_agen=held_agen)
    ready.set()
    await never                             # parks the loop: nothing is scheduled any more


def loop_thread(ready):
    box = {}
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(service_main(ready, box))


def settle(threads):
    """Waits until every parked thread blocks in a wait or select (or, in
    the thread pool, in its work queue's get), five polls in a row, so that
    nothing runs Python code while the ground truth is recorded."""
    import time
    idents = {t.ident for t in threads}
    idents.update(t.ident for t in threading.enumerate() if t.name.startswith("pool"))
    quiet = 0
    for _ in range(1000):
        frames = sys._current_frames()
        busy = [i for i in idents if i in frames and frames[i].f_code.co_name not in ("wait", "select", "_worker")]
        del frames
        quiet = 0 if busy else quiet + 1
        if quiet >= 5:
            return
        time.sleep(0.02)
    raise SystemExit("threads did not settle")


def main():
    threads = [
        hgscenario.park_thread("recursion", recursion_thread),
        hgscenario.park_thread("tls-worker", tls_worker),
        hgscenario.park_thread("asyncio-loop", loop_thread),
    ]
    settle(threads)
    request_log = [Order(-1, "main", [])]
    ctx_value = REQUEST_ID.get()
    hgscenario.ready({"scenario": "service"}, heap=True)
    return request_log, ctx_value


main()
