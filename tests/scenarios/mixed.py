"""Many kinds of objects under one roof, and the newest ones (t-strings,
frozendict, exception groups) where the interpreter has them: a parked
thread with an event loop, dataclasses, enums, slots, weak dicts, every
collections type, numbers, regexes, I/O buffers, generators, async
generators, lru_cache, contextvars, a tree of 341 nodes."""
import sys, os, gc, re, json, enum, array, struct, decimal, fractions, weakref, functools, itertools
import builtins, queue, collections, contextvars, dataclasses, io, types, threading, asyncio, typing
try:
    import zoneinfo
except ImportError:  # 3.8
    zoneinfo = None
import xml.etree.ElementTree as ET
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario

class Color(enum.Enum):
    RED = 1
    GREEN = 2

@dataclasses.dataclass
class Point:
    x: float
    y: float
    tags: list = dataclasses.field(default_factory=list)

class Slotted:
    __slots__ = ("a", "b", "__weakref__")
    def __init__(self, a, b):
        self.a, self.b = a, b

class Node:
    def __init__(self, name, parent=None):
        self.name, self.parent, self.children = name, parent, []
        if parent is not None:
            parent.children.append(self)

def make_tree(depth, width, parent=None, name="n"):
    node = Node(name, parent)
    if depth:
        for i in range(width):
            make_tree(depth - 1, width, node, "%s.%d" % (name, i))
    return node

def gen_numbers(n):
    total = 0
    for i in range(n):
        total += i
        yield total

async def agen(n):
    for i in range(n):
        yield i

async def coro_wait(ev):
    await ev.wait()

KEEP = {}
ROOT = make_tree(4, 4)
KEEP["points"] = [Point(i, i * 2.5, ["t%d" % i]) for i in range(300)]
KEEP["slots"] = [Slotted(i, str(i)) for i in range(200)]
KEEP["weak"] = weakref.WeakValueDictionary({i: s for i, s in enumerate(KEEP["slots"][:50])})
KEEP["counter"] = collections.Counter("abracadabra" * 20)
KEEP["od"] = collections.OrderedDict((str(i), i) for i in range(100))
KEEP["dd"] = collections.defaultdict(list, {"x": [1, 2], "y": [3]})
KEEP["chain"] = collections.ChainMap({"a": 1}, {"b": 2})
KEEP["deque"] = collections.deque(range(500), maxlen=1000)
KEEP["arr"] = array.array("d", range(1000))
KEEP["st"] = struct.Struct("<10sHq")
KEEP["dec"] = [decimal.Decimal("1.1") * i for i in range(20)]
KEEP["frac"] = [fractions.Fraction(i, 7) for i in range(20)]
KEEP["re"] = re.compile(r"(?P<w>\w+)@(?P<d>[\w.]+)")
KEEP["match"] = KEEP["re"].match("user@example.com")
KEEP["json"] = json.loads(json.dumps({"a": [1, 2, {"b": None}], "c": "d" * 100}))
KEEP["bio"] = io.BytesIO(b"x" * 5000)
KEEP["sq"] = queue.SimpleQueue()
for _i in range(20):
    KEEP["sq"].put(Node("queued%d" % _i))  # held by the queue's ring buffer only
for _i in range(5):
    KEEP["sq"].get()  # the ring's start moves
KEEP["ba0"] = bytearray()
KEEP["sio"] = io.StringIO("hello\n" * 100)
KEEP["ns"] = types.SimpleNamespace(a=1, b=[1, 2])
KEEP["mv"] = memoryview(bytearray(b"abcdef" * 10))
KEEP["gen"] = gen_numbers(100)
next(KEEP["gen"]); next(KEEP["gen"])
KEEP["ag"] = agen(5)
KEEP["partial"] = functools.partial(make_tree, 1, 2)
KEEP["cycle"] = itertools.cycle([1, 2, 3])
KEEP["xml"] = ET.fromstring("<r><a x='1'>t</a><b/></r>")
KEEP["cv"] = contextvars.ContextVar("cv", default=1)
KEEP["ctx"] = contextvars.copy_context()
KEEP["local"] = threading.local()
KEEP["local"].value = [1, 2, 3]
KEEP["colors"] = list(Color)
KEEP["zi"] = zoneinfo.ZoneInfo("UTC") if zoneinfo and os.path.exists("/usr/share/zoneinfo/UTC") else None
KEEP["typing"] = typing.Optional[typing.List[int]]
KEEP["complex"] = [complex(i, -i) for i in range(10)]
KEEP["frozen"] = frozenset(range(50))
KEEP["bytes"] = [bytes([i]) * i for i in range(50)]
KEEP["ba"] = bytearray(b"hello" * 100)
KEEP["rng"] = range(0, 100, 3)
KEEP["slc"] = slice(1, 10, 2)
try:
    raise ValueError("outer")
except ValueError as e:
    try:
        raise KeyError("inner") from e
    except KeyError as e2:
        KEEP["exc"] = e2
if sys.version_info >= (3, 11):
    KEEP["eg"] = ExceptionGroup("eg", [ValueError(1), TypeError(2)])
if sys.version_info >= (3, 14):
    exec("name = 'world'\nKEEP['tstr'] = t'hello {name}!'")
if hasattr(builtins, "frozendict"):
    KEEP["fd"] = builtins.frozendict(a=1, b=[2])

@functools.lru_cache(maxsize=64)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
fib(40)

def worker(ev, ready):
    local_list = [Node("w%d" % i) for i in range(10)]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    e2 = asyncio.Event()
    task = loop.create_task(coro_wait(e2))
    loop.run_until_complete(asyncio.sleep(0))
    ready.set()
    ev.wait()

ev = threading.Event()
t = hgscenario.park_thread("held-worker", worker, ev)
hgscenario.ready(heap=True)
