"""A small Flask application (Debian's python3-flask) that has served a few
hundred requests through its test client, with a module-level cache that
grows per request; then, when python3-django is there too, a small Django
project configured in-process that has served a few hundred requests through
its test Client.  The graph test on a framework's heap.

HG_FRAMEWORKS (default "flask django") chooses the frameworks; a framework
that cannot be imported is left out and named in the ground truth."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario

sys.path.append("/usr/lib/python3/dist-packages")

WANT = os.environ.get("HG_FRAMEWORKS", "flask django").split()
USED = []
MISSING = []


# --- Flask -------------------------------------------------------------------

FLASK_CACHE = {}      # grows with every request: the "leak"
FLASK_SESSIONS = []


def build_flask():
    import flask

    app = flask.Flask("hgshop")
    app.config["SECRET_KEY"] = "not-a-secret"
    products = {i: {"id": i, "name": "product-%d" % i, "price": i * 1.5} for i in range(50)}

    @app.before_request
    def count_request():
        flask.g.started = len(FLASK_CACHE)

    @app.route("/")
    def index():
        return flask.jsonify(products=len(products), cached=len(FLASK_CACHE))

    @app.route("/product/<int:pid>")
    def product(pid):
        item = products.get(pid)
        if item is None:
            flask.abort(404)
        FLASK_CACHE[("product", pid, len(FLASK_CACHE))] = dict(item, served_to=flask.request.remote_addr)
        return flask.jsonify(item)

    @app.route("/search")
    def search():
        q = flask.request.args.get("q", "")
        hits = [p for p in products.values() if q in p["name"]]
        FLASK_CACHE[("search", q, len(FLASK_CACHE))] = [h["id"] for h in hits]
        return flask.render_template_string(
            "<ul>{% for h in hits %}<li>{{ h.name }}</li>{% endfor %}</ul>", hits=hits)

    @app.route("/cart", methods=["POST"])
    def cart():
        data = flask.request.get_json(force=True)
        cart = flask.session.setdefault("cart", [])
        cart.append(data["pid"])
        flask.session.modified = True
        FLASK_SESSIONS.append(dict(flask.session))
        return flask.jsonify(cart=cart)

    return app


def drive_flask(app, n):
    client = app.test_client()
    codes = {}
    for i in range(n):
        kind = i % 4
        if kind == 0:
            r = client.get("/product/%d" % (i % 60))      # some are 404s
        elif kind == 1:
            r = client.get("/search?q=%d" % (i % 10))
        elif kind == 2:
            r = client.post("/cart", json={"pid": i % 50})
        else:
            r = client.get("/")
        codes[r.status_code] = codes.get(r.status_code, 0) + 1
        r.close()
    return client, codes


# --- Django ------------------------------------------------------------------

DJANGO_CACHE = {}


def django_index(request):
    from django.http import JsonResponse
    DJANGO_CACHE[("index", len(DJANGO_CACHE))] = request.META.get("HTTP_USER_AGENT", "")
    return JsonResponse({"cached": len(DJANGO_CACHE)})


def django_item(request, pk):
    from django.http import Http404, JsonResponse
    if pk >= 40:
        raise Http404("no item %d" % pk)
    item = {"pk": pk, "name": "item-%d" % pk, "qs": dict(request.GET)}
    DJANGO_CACHE[("item", pk, len(DJANGO_CACHE))] = item
    return JsonResponse(item)


def django_page(request):
    from django.template import engines
    from django.http import HttpResponse
    tpl = engines["django"].from_string("<p>{{ title }}</p>{% for x in items %}<i>{{ x }}</i>{% endfor %}")
    return HttpResponse(tpl.render({"title": "page", "items": list(range(int(request.GET.get("n", "3")) % 7))}))


def build_django():
    import django
    from django.conf import settings
    from django.urls import path

    settings.configure(
        DEBUG=False,
        SECRET_KEY="not-a-secret",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
        INSTALLED_APPS=["django.contrib.contenttypes"],
        DATABASES={},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": False}],
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )
    django.setup()
    global urlpatterns
    urlpatterns = [
        path("", django_index),
        path("item/<int:pk>/", django_item),
        path("page/", django_page),
    ]


def drive_django(n):
    from django.test import Client
    client = Client()
    codes = {}
    for i in range(n):
        kind = i % 3
        if kind == 0:
            r = client.get("/item/%d/" % (i % 50), {"q": str(i)})
        elif kind == 1:
            r = client.get("/page/", {"n": str(i)})
        else:
            r = client.get("/", HTTP_USER_AGENT="agent-%d" % (i % 7))
        codes[r.status_code] = codes.get(r.status_code, 0) + 1
        r.close()
    return client, codes


def main():
    flask_app = flask_client = django_client = None
    codes = {}
    if "flask" in WANT:
        try:
            import flask  # noqa: F401
        except ImportError:
            MISSING.append("flask")
        else:
            flask_app = build_flask()
            flask_client, codes["flask"] = drive_flask(flask_app, 400)
            USED.append("flask")
    if "django" in WANT:
        try:
            import django  # noqa: F401
        except ImportError:
            MISSING.append("django")
        else:
            build_django()
            django_client, codes["django"] = drive_django(300)
            USED.append("django")
    if not USED:
        sys.stdout.write("NOFRAMEWORK %s\n" % " ".join(MISSING))
        sys.stdout.flush()
        return
    hgscenario.ready({"scenario": "flask_app", "frameworks": USED, "missing": MISSING,
                      "status_codes": {k: {str(c): n for c, n in v.items()} for k, v in codes.items()}},
                     heap=True)
    return flask_app, flask_client, django_client


main()
