"""The reading room: a Datasette plugin that shows arguments, not just rows.

Installed with the package and registered under Datasette's ``datasette``
entry point group, so ``datasette`` (and ``kb serve`` / ``make serve``) load
it without flags. It adds:

* ``/`` -- a home page: what this is, positions and themes with counts, the
  debates' starting claims, one search box, links to SQL and canned queries;
* ``/kb/claims/<id>`` -- the claim page, still the claims table's row page so
  the permalink is the plain Datasette one: claim, position, themes, who
  argues it, an argument map (:mod:`kb.argmap`), the evidence table, "Cite
  this claim" and downloads (Argdown, JSON, SVG). ``?_plain=1`` shows
  Datasette's own row page. Retired ids redirect to the claim they became;
* ``/kb/sources/<id>``, ``/kb/positions/<id>``, ``/kb/themes/<id>``,
  ``/kb/debates/<id>`` -- what a source argues and evidences; the claims of a
  position, theme or debate as a browsable list;
* ``/-/search?q=`` -- one full-text search over claims, evidence and sources;
* ``/kb/claims/<id>/argument.json|argument.argdown|map.svg`` -- downloads;
* a Content-Security-Policy header on every response: strict (no inline
  script or style at all) on the pages above, which satisfy it, and one that
  allows Datasette's own inline scripts elsewhere. Nothing loads from another
  host, so every page works offline.

What a page shows is computed by :mod:`kb.pages` from the database; this
module only decides where pages live and how they are served.

Extending it (concept pages, gap matrices, a status line...)
-------------------------------------------------------------
* **A new page**: write ``async def view(datasette, request) -> Response`` in
  your own module, render with :func:`render` (our layout, strict CSP), and
  append ``(regex, view)`` to :data:`ROUTES`. Add the regex to :data:`STRICT`
  if the page uses only ``kb/base.html`` (no inline script/style).
* **A new row page**: add ``table: builder`` to :data:`ROW_PAGES` (builder:
  ``(conn, key, base_url) -> dict | None``) and a template
  ``templates/row-kb-<table>.html`` (copy ``row-kb-sources.html``).
* **More on the claim page**: append ``fn(conn, argument) -> dict`` to
  :data:`CLAIM_EXTRAS` (run in the same database call) and put the markup in
  ``templates/kb/_claim_status.html`` (shown under the claim's heading) or
  ``templates/kb/_claim_extra.html`` (shown after the evidence); both are
  included only if they exist. Templates extend ``kb/base.html`` and may
  override its blocks ``title``, ``crumbs``, ``content``.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Pattern, Tuple

from datasette import hookimpl
from datasette.utils import urlsafe_components
from datasette.utils.asgi import NotFound, Response, asgi_static
from jinja2 import ChoiceLoader, FileSystemLoader

from . import __version__, argdown, argmap, pages
from .argument import load_argument

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
DATABASE = pages.DATABASE

#: Content-Security-Policy of the reading-room pages: nothing inline, nothing from elsewhere.
CSP_STRICT = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: Datasette's own pages use inline scripts and styles; still nothing from another host.
CSP_DATASETTE = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'"
)
#: Paths whose pages satisfy :data:`CSP_STRICT` (unless asked for ``_plain``).
STRICT: List[Pattern[str]] = [
    re.compile(r"^/$"),
    re.compile(r"^/-/search$"),
    re.compile(rf"^/{DATABASE}/(claims|sources|positions|themes|debates)/[^/.]+$"),
    re.compile(rf"^/{DATABASE}/claims/[^/]+/map\.svg$"),
]


def _base_url(datasette, request) -> str:
    """Where this copy is served, from the request itself (for permalinks)."""
    return datasette.absolute_url(request, "/").rstrip("/")


def _claim_row(conn: sqlite3.Connection, key: str, base_url: str) -> Optional[Dict[str, Any]]:
    return pages.claim_page(conn, key, base_url=base_url, extras=CLAIM_EXTRAS)


#: Row pages we replace: table -> builder(conn, primary key, base url) -> template context.
ROW_PAGES: Dict[str, Callable[[sqlite3.Connection, str, str], Optional[Dict[str, Any]]]] = {
    "claims": _claim_row,
    "sources": lambda conn, key, base: pages.source_page(conn, key),
    "positions": lambda conn, key, base: pages.term_page(conn, "positions", key),
    "themes": lambda conn, key, base: pages.term_page(conn, "themes", key),
    "debates": lambda conn, key, base: pages.debate_page(conn, key),
}

#: Extra context for the claim page: fn(conn, argument) -> dict, run in the page's database call.
CLAIM_EXTRAS: List[Callable[[sqlite3.Connection, Any], Dict[str, Any]]] = []


def _plain(request) -> bool:
    return bool(request and request.args.get("_plain"))


def _static_hash(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]


_HASHES: Dict[str, str] = {}


def static_url(name: str) -> str:
    """URL of a file in kb/static, with a content hash so browsers never use a stale copy."""
    if name not in _HASHES:
        _HASHES[name] = _static_hash(name)
    return f"/-/kb/static/{name}?{_HASHES[name]}"


async def render(datasette, request, template: str, context: Dict[str, Any], status: int = 200) -> Response:
    """A reading-room page: our layout, Datasette's template context (urls, menus, plugins' vars)."""
    context = {**context, "kb_title": datasette.metadata("title") or pages.KB_TITLE}
    body = await datasette.render_template(template, context, request=request, view_name="kb")
    return Response.html(body, status=status)


def _database(datasette):
    try:
        return datasette.get_database(DATABASE)
    except KeyError:
        raise NotFound(f"No database called {DATABASE!r} is being served")


async def home(datasette, request) -> Response:
    if DATABASE not in datasette.databases:  # serving some other database: Datasette's own index
        from datasette.views.index import IndexView

        request.scope.setdefault("url_route", {}).setdefault("kwargs", {})["format"] = ""
        return await IndexView.as_view(datasette)(request, None)
    db = _database(datasette)
    context = await db.execute_fn(pages.home_page)
    queries = await datasette.get_canned_queries(DATABASE, request.actor)
    context["queries"] = [
        {"name": name, "title": q.get("title") or name, "description": q.get("description"),
         "url": datasette.urls.table(DATABASE, name)}
        for name, q in queries.items()
    ]
    context["database_url"] = datasette.urls.database(DATABASE)
    context["about"] = datasette.metadata("description_html")
    return await render(datasette, request, "kb/home.html", context)


async def search_view(datasette, request) -> Response:
    db = _database(datasette)
    q = (request.args.get("q") or "").strip()[:200]
    results = await db.execute_fn(lambda conn: pages.search(conn, q))
    results["sql_url"] = datasette.urls.table(DATABASE, "search_everything") + "?" + urllib.parse.urlencode({"q": q})
    return await render(datasette, request, "kb/search.html", results)


async def _argument(datasette, request):
    db = _database(datasette)
    claim = urllib.parse.unquote(request.url_vars["claim"])
    argument = await db.execute_fn(lambda conn: load_argument(conn, claim))
    if argument is None:
        raise NotFound(f"No claim {claim!r}")
    return db, argument


async def argument_json(datasette, request) -> Response:
    _, argument = await _argument(datasette, request)
    body = json.dumps(argument.to_dict(), ensure_ascii=False, indent=2, default=str)
    return Response(body, content_type="application/json; charset=utf-8",
                    headers={"content-disposition": f'inline; filename="{argument.root.id}.json"'})


async def argument_argdown(datasette, request) -> Response:
    db = _database(datasette)
    claim = urllib.parse.unquote(request.url_vars["claim"])

    def text(conn):
        argument = load_argument(conn, claim)
        if argument is None:
            return None, None
        return argument.root.id, argdown.claim_argdown(argument, argdown.claim_relations(conn, argument))

    root, body = await db.execute_fn(text)
    if body is None:
        raise NotFound(f"No claim {claim!r}")
    return Response.text(body, headers={"content-disposition": f'inline; filename="{root}.argdown"'})


async def map_svg(datasette, request) -> Response:
    db, argument = await _argument(datasette, request)
    colours = await db.execute_fn(pages.position_colours)
    svg = argmap.render_svg(argument, href=lambda cid: datasette.absolute_url(request, pages.claim_url(cid)),
                            evidence_href=lambda eid: datasette.absolute_url(request, pages.row_url("evidence", eid)),
                            colours=colours)
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml; charset=utf-8",
                    headers={"content-disposition": f'inline; filename="{argument.root.id}.svg"'})


#: (path regex, view). Checked before Datasette's own routes, in this order.
ROUTES: List[Tuple[str, Callable[..., Awaitable[Response]]]] = [
    (r"^/$", home),
    (r"^/-/search$", search_view),
    (r"^/-/kb/static/(?P<path>[A-Za-z0-9_.-]+)$", asgi_static(STATIC)),
    (rf"^/{DATABASE}/claims/(?P<claim>[^/]+)/argument\.json$", argument_json),
    (rf"^/{DATABASE}/claims/(?P<claim>[^/]+)/argument\.argdown$", argument_argdown),
    (rf"^/{DATABASE}/claims/(?P<claim>[^/]+)/map\.svg$", map_svg),
]


@hookimpl
def register_routes(datasette):
    return ROUTES


@hookimpl
def prepare_jinja2_environment(env, datasette):
    # Our templates first: row-kb-claims.html etc. replace Datasette's row page for those tables.
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])
    env.globals["kb_static"] = static_url
    env.globals["kb_version"] = __version__
    env.globals["kb_csp"] = CSP_STRICT


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    """On the row pages of ROW_PAGES tables, compute the page from the database."""
    if view_name != "row" or database != DATABASE or table not in ROW_PAGES or request is None:
        return {}

    async def inner() -> Dict[str, Any]:
        if _plain(request):
            return {"kb_plain": True}
        key = urlsafe_components(request.url_vars["pks"])[0]
        base = _base_url(datasette, request)
        build = ROW_PAGES[table]
        page = await datasette.get_database(database).execute_fn(lambda conn: build(conn, key, base))
        retired = request.args.get("retired")
        return {
            "kb_plain": False, "kb": page or {}, "kb_title": datasette.metadata("title") or pages.KB_TITLE,
            "kb_retired": retired if retired and re.fullmatch(r"[a-z0-9-]+", retired) else None,
            "kb_plain_url": request.path + "?_plain=1",
        }

    return inner


def csp_for(path: str, query: str) -> str:
    """The policy for one response: strict where our pages are, Datasette's otherwise."""
    if "_plain=" not in query and any(p.match(path) for p in STRICT):
        return CSP_STRICT
    return CSP_DATASETTE


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            policy = csp_for(scope.get("path", ""), scope.get("query_string", b"").decode("latin-1"))
            if DATABASE not in datasette.databases:
                policy = CSP_DATASETTE

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    # an error page rendered by Datasette itself (500...) has its inline script
                    policy_now = policy if event.get("status", 200) in (200, 301, 302, 404) else CSP_DATASETTE
                    headers = [h for h in event.get("headers", []) if h[0].lower() != b"content-security-policy"]
                    headers += [
                        [b"content-security-policy", policy_now.encode()],
                        [b"x-content-type-options", b"nosniff"],
                        [b"referrer-policy", b"same-origin"],
                    ]
                    event = {**event, "headers": headers}
                await send(event)

            await app(scope, receive, send_with_headers)

        return with_headers

    return wrap


_CLAIM_PATH = re.compile(rf"^/{DATABASE}/claims/(?P<id>[^/.]+)(?P<ext>\.json)?$")
_ROW_PATH = re.compile(rf"^/{DATABASE}/(?P<table>sources|positions|themes|debates)/(?P<id>[^/.]+)$")


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    """Retired claim ids keep working: /kb/claims/<old-id> redirects to the claim it became.

    Other missing claims, sources, positions, themes and debates get a
    reading-room "not found" page (with a search box) instead of Datasette's.
    """
    if not isinstance(exception, NotFound) or request is None or DATABASE not in datasette.databases:
        return None
    row = _ROW_PATH.match(request.path)
    if row:
        what = {"sources": "source", "positions": "position", "themes": "theme", "debates": "debate"}[row["table"]]
        context = {"missing": urllib.parse.unquote(row["id"]), "what": what}
        return render(datasette, request, "kb/not_found.html", context, status=404)
    match = _CLAIM_PATH.match(request.path)
    if not match:
        return None
    old = urllib.parse.unquote(match["id"])

    async def inner():
        found = await datasette.get_database(DATABASE).execute_fn(lambda conn: pages.retired_target(conn, old))
        if not found:
            if match["ext"]:
                return None
            return await render(datasette, request, "kb/not_found.html", {"missing": old, "what": "claim"}, status=404)
        target = pages.claim_url(found["resolves_to"]) + (match["ext"] or "")
        if not match["ext"]:
            target += "?" + urllib.parse.urlencode({"retired": old})
        return Response.redirect(target, status=301)

    return inner


@hookimpl
def menu_links(datasette, actor, request):
    return [{"href": "/", "label": "Reading room home"}, {"href": "/-/search", "label": "Search arguments"}]
