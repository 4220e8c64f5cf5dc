"""What the reading-room pages show, computed from the built database.

Each ``*_page`` function takes an open ``sqlite3.Connection`` to a built
``kb.db`` and returns the template context of one page as plain data (HTML
that came from markdown or a citation formatter is already sanitised and
wrapped in :class:`markupsafe.Markup`; every other string is escaped by the
templates). Keeping this apart from :mod:`kb.plugin` means the pages' content
can be tested on a real database without a server, and that the Datasette
plugin only decides *where* a page lives.

A claim's argument always comes from :func:`kb.argument.load_argument`, so the
page, the map, the JSON download and the handouts agree.

>>> import sqlite3
>>> claim_page(sqlite3.connect(":memory:"), "no-such-claim", base_url="http://localhost:8001") is None
True
"""
from __future__ import annotations

import datetime
import html
import json
import re
import sqlite3
import urllib.parse
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Sequence

import nh3
from markupsafe import Markup

from . import argmap, cite
from .argument import ATTACKS, DEFAULT_DEPTH, Argument, load_argument, resolve
from .safe_html import clean, markdown_to_html

KB_TITLE = "Industrial strategy arguments"
DATABASE = "kb"

#: How a relation reads in a sentence, from the side of the claim making it.
VERBS = {
    "supports": "supports", "qualifies": "qualifies", "rebut": "rebuts", "undercut": "undercuts",
    "undermine": "undermines",
}


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> List[Dict[str, Any]]:
    cursor = conn.execute(sql, tuple(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def claim_url(claim_id: str, prefix: str = "/") -> str:
    return f"{prefix}{DATABASE}/claims/{urllib.parse.quote(claim_id, safe='')}"


def row_url(table: str, key: str, prefix: str = "/") -> str:
    return f"{prefix}{DATABASE}/{table}/{urllib.parse.quote(str(key), safe='')}"


def build_info(conn: sqlite3.Connection) -> Dict[str, str]:
    try:
        return {r["key"]: r["value"] for r in rows(conn, "select key, value from build_info")}
    except sqlite3.Error:
        return {}


# --- citations ---------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _reference(row_json: str, fmt: str) -> str:
    return cite.bibliography([cite.csl_item(json.loads(row_json))], style="apa", fmt=fmt)[0]


def reference(row: Dict[str, Any], fmt: str = "html") -> Any:
    """A source's formatted reference (APA, by :mod:`kb.cite`): sanitised Markup for html, str for text.

    Cached by content: the database is read-only, and citeproc is the slow part of a page.
    """
    out = _reference(json.dumps(row, sort_keys=True, default=str), fmt)
    return Markup(clean(out)) if fmt == "html" else out


@lru_cache(maxsize=4096)
def _claim_citation_html(claim_id: str, text: str, version: str, permalink: str, day: datetime.date) -> str:
    # ``day`` is in the key because the citation says when it was retrieved
    return clean(cite.claim_citation(claim_id, text, version, permalink, style="apa", fmt="html"))


def claim_citation(claim_id: str, text: str, version: str, permalink: str, fmt: str = "html") -> Any:
    """How to cite a claim of the knowledge base, with version and permalink (by :mod:`kb.cite`).

    Formatted once per claim and day (citeproc takes tens of milliseconds); the
    text form is the HTML form without its tags, so the two always agree.
    """
    out = _claim_citation_html(claim_id, text, version, permalink, datetime.date.today())
    return Markup(out) if fmt == "html" else html.unescape(nh3.clean(out, tags=set()))


# --- shared pieces -----------------------------------------------------------------------------


def figure_text(item: Any) -> str:
    get = item.get if isinstance(item, dict) else lambda k: getattr(item, k)
    if get("figure_value") is not None:
        value = f"{get('figure_value'):g}"
    elif get("figure_low") is not None and get("figure_high") is not None:
        value = f"{get('figure_low'):g}–{get('figure_high'):g}"
    else:
        return ""
    unit = get("figure_unit") or ""
    measure = get("figure_measure")
    return f"{value} {unit}".strip() + (f" ({measure})" if measure else "")


def _json_list(value: Optional[str]) -> List[str]:
    return json.loads(value) if value else []


def claim_list(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> List[Dict[str, Any]]:
    """Claims with their counts and themes, for browsable lists (position, theme, debate pages)."""
    found = rows(conn, f"""
        select c.id, c.text, c.position, p.name as position_name, c.kind, c.debate, c.parent, c.is_root, c.seq,
               o.evidence_count, o.supporters, o.attackers, o.attacks_made, o.max_sms,
               (select group_concat(t.name, ', ') from claim_themes ct join themes t on t.id = ct.theme
                where ct.claim = c.id) as theme_names
        from claims c join claim_overview o on o.id = c.id join positions p on p.id = c.position
        where {where} order by c.debate, c.seq""", params)
    for row in found:
        row["url"] = claim_url(row["id"])
    return found


def position_colours(conn: sqlite3.Connection) -> Dict[str, str]:
    """One colour per position across the whole site, in vocabulary order."""
    return argmap.position_colors(r["id"] for r in rows(conn, "select id from positions order by rowid"))


# --- pages --------------------------------------------------------------------------------------


def claim_page(
    conn: sqlite3.Connection,
    claim_id: str,
    *,
    base_url: str,
    prefix: str = "/",
    depth: int = DEFAULT_DEPTH,
    extras: Sequence[Callable[[sqlite3.Connection, Argument], Dict[str, Any]]] = (),
) -> Optional[Dict[str, Any]]:
    """Everything the claim page shows; None if there is no such claim (or no database).

    ``base_url`` is where this copy is published (the request's own host in
    pages), used for the permalink in "Cite this claim". ``extras`` are
    functions adding more context (see :data:`kb.plugin.CLAIM_EXTRAS`).
    """
    try:
        argument = load_argument(conn, claim_id, depth=depth)
    except sqlite3.Error:
        return None
    if argument is None:
        return None
    root = argument.root
    claim = rows(conn, "select * from claims where id = ?", (root.id,))[0]
    position = rows(conn, "select * from positions where id = ?", (root.position,))[0]
    themes = rows(conn, """select t.id, t.name from claim_themes ct join themes t on t.id = ct.theme
                           where ct.claim = ? order by t.name""", (root.id,))
    debate = rows(conn, "select id, title from debates where id = ?", (claim["debate"],))[0]
    parent = rows(conn, "select id, text from claims where id = ?", (claim["parent"],)) if claim["parent"] else []
    info = build_info(conn)
    version = info.get("kb_version", "")
    permalink = base_url.rstrip("/") + claim_url(root.id, prefix)

    attributions = []
    for a in root.attributions:
        row = argument.sources.get(a.source)
        attributions.append({
            "source": a.source, "locator": a.locator, "quote": a.quote, "url": row_url("sources", a.source, prefix),
            "reference": reference(row) if row else a.source, "short": argmap.short_ref(row, a.source),
        })
    evidence = []
    for e in root.evidence:
        row = argument.sources.get(e.source)
        evidence.append({
            "id": e.id, "direction": e.direction, "finding": e.finding, "figure": figure_text(e),
            "design": e.design, "design_name": e.design_name, "empirical": e.empirical, "sms": e.sms,
            "source": e.source, "short": argmap.short_ref(row, e.source), "locator": e.locator,
            "source_url": row_url("sources", e.source, prefix), "url": row_url("evidence", e.id, prefix),
        })
    cited = sorted({a.source for a in root.attributions} | {e.source for e in root.evidence})
    references = [reference(argument.sources[s]) for s in cited if s in argument.sources]
    references_text = [reference(argument.sources[s], "text") for s in cited if s in argument.sources]
    href = lambda cid: claim_url(cid, prefix)  # noqa: E731 - a one-line link rule
    svg = argmap.render_svg(argument, href=href, evidence_href=lambda eid: row_url("evidence", eid, prefix),
                            colours=position_colours(conn))
    base = claim_url(root.id, prefix)
    context = {
        "claim": {**claim, "summary_html": Markup(markdown_to_html(claim["summary"])),
                  "scope_places": _json_list(claim["scope_places"])},
        "position": position, "themes": themes, "debate": debate, "parent": parent[0] if parent else None,
        "argument": argument, "root": root,
        "supporters": [c for c in root.children if c.relation == "supports"],
        "qualifiers": [c for c in root.children if c.relation == "qualifies"],
        "attackers": [c for c in root.children if c.relation in ATTACKS],
        "targets": [{"id": t.id, "text": t.text, "verb": VERBS.get(t.relation, t.relation), "url": href(t.id)}
                    for t in argument.targets],
        "attributions": attributions, "evidence": evidence,
        "map_svg": Markup(svg), "map_nodes": sum(1 for _ in argument.nodes()),
        "citation": {
            "html": claim_citation(root.id, root.text, version, permalink, "html"),
            "text": claim_citation(root.id, root.text, version, permalink, "text"),
            "permalink": permalink, "version": version, "commit": info.get("git_commit"),
        },
        "references": references, "references_text": references_text,
        "downloads": {
            "argdown": base + "/argument.argdown", "json": base + "/argument.json", "svg": base + "/map.svg",
            "row_json": base + ".json",
        },
        "verbs": VERBS,
        "claim_url": href,
    }
    for extra in extras:
        context.update(extra(conn, argument))
    return context


def home_page(conn: sqlite3.Connection) -> Dict[str, Any]:
    """Counts, positions, themes and the debates' starting claims."""
    count = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    totals = {
        "claims": count("select count(*) from claims"),
        "evidence": count("select count(*) from evidence"),
        "sources": count("select count(*) from sources"),
        "attacks": count("select count(*) from relations where is_attack"),
        "unanswered": count("select count(*) from unanswered_counterarguments"),
    }
    positions = rows(conn, """
        select p.id, p.name, p.description, count(c.id) as claims
        from positions p left join claims c on c.position = p.id group by p.id order by p.rowid""")
    themes = rows(conn, """
        select t.id, t.name, t.description, count(ct.claim) as claims
        from themes t left join claim_themes ct on ct.theme = t.id group by t.id
        having count(ct.claim) > 0 order by count(ct.claim) desc, t.name""")
    debates = rows(conn, """
        select d.id, d.title, d.description, (select count(*) from claims c where c.debate = d.id) as claims
        from debates d order by d.id""")
    for d in debates:
        d["description_html"] = Markup(markdown_to_html(d["description"]))
        d["roots"] = claim_list(conn, "c.debate = ? and c.is_root", (d["id"],))
        d["url"] = row_url("debates", d["id"])
    for p in positions:
        p["url"] = row_url("positions", p["id"])
    for t in themes:
        t["url"] = row_url("themes", t["id"])
    return {"totals": totals, "positions": positions, "themes": themes, "debates": debates, "build": build_info(conn)}


def source_page(conn: sqlite3.Connection, source_id: str) -> Optional[Dict[str, Any]]:
    """What a source argues (attributions) and evidences (evidence items), with its reference."""
    found = rows(conn, "select * from sources where id = ?", (source_id,))
    if not found:
        return None
    source = found[0]
    source["csl"] = json.loads(source["csl"]) if source.get("csl") else {}
    links = []
    if source.get("doi"):
        links.append(("DOI " + source["doi"], "https://doi.org/" + urllib.parse.quote(source["doi"], safe="/:;()._-")))
    if source.get("url") and urllib.parse.urlsplit(source["url"]).scheme in ("http", "https"):
        links.append(("Web page", source["url"]))
    argues = rows(conn, """
        select a.claim, c.text, c.position, p.name as position_name, a.locator, a.quote
        from attributions a join claims c on c.id = a.claim join positions p on p.id = c.position
        where a.source = ? order by c.debate, c.seq""", (source_id,))
    evidences = rows(conn, """
        select e.*, c.text as claim_text, d.name as design_name
        from evidence e join claims c on c.id = e.claim join designs d on d.id = e.design
        where e.source = ? order by c.debate, c.seq, e.seq""", (source_id,))
    for row in argues:
        row["url"] = claim_url(row["claim"])
    for row in evidences:
        row["url"] = claim_url(row["claim"])
        row["figure"] = figure_text(row)
    authors = rows(conn, """
        select sa.role, a.id, a.name from source_authors sa join authors a on a.id = sa.author
        where sa.source = ? order by sa.role, sa.seq""", (source_id,))
    positions = rows(conn, """
        select p.id, p.name from source_positions sp join positions p on p.id = sp.position
        where sp.source = ? order by p.rowid""", (source_id,))
    for p in positions:
        p["url"] = row_url("positions", p["id"])
    return {
        "source": source, "reference": reference(source), "reference_text": reference(source, "text"),
        "summary_html": Markup(markdown_to_html(source.get("summary"))), "links": links,
        "argues": argues, "evidences": evidences, "authors": authors, "positions": positions,
    }


def term_page(conn: sqlite3.Connection, vocabulary: str, term_id: str) -> Optional[Dict[str, Any]]:
    """A position or theme: its description and its claims as a browsable list."""
    table = {"positions": "positions", "themes": "themes"}[vocabulary]
    found = rows(conn, f"select * from {table} where id = ?", (term_id,))
    if not found:
        return None
    if vocabulary == "positions":
        claims = claim_list(conn, "c.position = ?", (term_id,))
        sources = rows(conn, """select s.id, s.title, s.authors, s.year from source_positions sp join sources s on s.id = sp.source
                                where sp.position = ? order by s.year, s.id""", (term_id,))
    else:
        claims = claim_list(conn, "c.id in (select claim from claim_themes where theme = ?)", (term_id,))
        sources = []
    for s in sources:
        s["url"] = row_url("sources", s["id"])
    by_debate: Dict[str, List[Dict[str, Any]]] = {}
    for c in claims:
        by_debate.setdefault(c["debate"], []).append(c)
    titles = {d["id"]: d["title"] for d in rows(conn, "select id, title from debates")}
    groups = [{"id": d, "title": titles.get(d, d), "url": row_url("debates", d), "claims": cs} for d, cs in by_debate.items()]
    term = found[0]
    return {
        "term": term, "vocabulary": vocabulary, "description_html": Markup(markdown_to_html(term.get("description"))),
        "claims": claims, "groups": groups, "sources": sources,
        "facet_url": f"/{DATABASE}/" + ("claims?position=" + urllib.parse.quote(term_id) if vocabulary == "positions"
                                         else "claim_themes?theme=" + urllib.parse.quote(term_id) + "&_labels=on"),
    }


def debate_page(conn: sqlite3.Connection, debate_id: str) -> Optional[Dict[str, Any]]:
    """A debate: where to start, then every claim in the order the curators wrote them."""
    found = rows(conn, "select * from debates where id = ?", (debate_id,))
    if not found:
        return None
    claims = claim_list(conn, "c.debate = ?", (debate_id,))
    return {
        "debate": found[0], "description_html": Markup(markdown_to_html(found[0].get("description"))),
        "roots": [c for c in claims if c["is_root"]], "claims": claims,
    }


_HIT_OPEN, _HIT_CLOSE = "\x02", "\x03"


def _highlight(snippet: Optional[str]) -> Markup:
    """Escape an FTS snippet, then turn its hit markers into <mark> elements."""
    text = html.escape(snippet or "")
    return Markup(text.replace(_HIT_OPEN, "<mark>").replace(_HIT_CLOSE, "</mark>"))


def fts_query(q: str) -> str:
    """User input as an FTS5 query of quoted terms (all must match): no syntax errors, no operators.

    >>> fts_query('cluster "policy')
    '"cluster" "policy"'
    """
    terms = re.findall(r"[\w'-]+", q)
    return " ".join('"' + t.replace('"', "") + '"' for t in terms)


def search(conn: sqlite3.Connection, q: str, limit: int = 50) -> Dict[str, Any]:
    """Full-text search over claims, evidence and sources, best matches first, with highlighted snippets."""
    query = fts_query(q or "")
    results: Dict[str, Any] = {"q": q or "", "claims": [], "evidence": [], "sources": [], "total": 0}
    if not query:
        return results
    snip = f"snippet({{t}}, -1, '{_HIT_OPEN}', '{_HIT_CLOSE}', '…', 24)"
    results["claims"] = rows(conn, f"""
        select c.id, c.text, c.position, p.name as position_name, {snip.format(t='claims_fts')} as snippet
        from claims_fts join claims c on c.rowid = claims_fts.rowid join positions p on p.id = c.position
        where claims_fts match ? order by claims_fts.rank limit ?""", (query, limit))
    results["evidence"] = rows(conn, f"""
        select e.id, e.claim, c.text as claim_text, e.design, e.sms, e.direction, {snip.format(t='evidence_fts')} as snippet
        from evidence_fts join evidence e on e.rowid = evidence_fts.rowid join claims c on c.id = e.claim
        where evidence_fts match ? order by evidence_fts.rank limit ?""", (query, limit))
    results["sources"] = rows(conn, f"""
        select s.id, s.title, s.authors, s.year, {snip.format(t='sources_fts')} as snippet
        from sources_fts join sources s on s.rowid = sources_fts.rowid
        where sources_fts match ? order by sources_fts.rank limit ?""", (query, limit))
    for row in results["claims"]:
        row["url"], row["snippet"] = claim_url(row["id"]), _highlight(row["snippet"])
    for row in results["evidence"]:
        row["url"], row["snippet"] = claim_url(row["claim"]) + "#evidence", _highlight(row["snippet"])
    for row in results["sources"]:
        row["url"], row["snippet"] = row_url("sources", row["id"]), _highlight(row["snippet"])
    results["total"] = len(results["claims"]) + len(results["evidence"]) + len(results["sources"])
    return results


def retired_target(conn: sqlite3.Connection, claim_id: str) -> Optional[Dict[str, Any]]:
    """For a retired claim id: the live claim it resolves to, and the note."""
    try:
        found = rows(conn, "select id, resolves_to, note from retired_claims where id = ?", (claim_id,))
    except sqlite3.Error:
        return None
    if not found or not found[0]["resolves_to"]:
        return None
    return found[0]


__all__ = [
    "claim_page", "home_page", "source_page", "term_page", "debate_page", "search", "retired_target",
    "reference", "claim_citation", "resolve",
]
