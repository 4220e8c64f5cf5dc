"""Reading-room pages for derived knowledge: concepts, places, the evidence-gap matrix, claim status.

What each page shows is computed here from the built database (plain data,
testable without a server). The module is a Datasette plugin of its own
(entry point ``kb_derived``); on import, :func:`register` hooks the pages into
the reading-room plugin (:mod:`kb.plugin`) through its extension lists:

* ``/kb/concepts/<id>``: a concept, where it is mentioned, related concepts;
* ``/kb/places/<id>``: a place, what contains it and what it contains, and
  the claims about it or anywhere within it, by status;
* ``/-/evidence-gaps``: themes against study designs, with the SMS levels of
  the evidence in each cell; empty cells are the gaps;
* on every claim page, under its heading: whether the claim stands, is
  answered or is contested *in this knowledge base*, under each perspective;
  after its evidence: the concepts and places found in it, and similar claims.

The status is always worded as a fact about the recorded arguments, never as
a verdict on truth.
"""
from __future__ import annotations

import json
import re
import sqlite3
import urllib.parse
from typing import Any, Dict, List, Optional

from datasette import hookimpl
from markupsafe import Markup

from .pages import DATABASE, claim_list, claim_url, rows, row_url
from .safe_html import markdown_to_html

#: How each status reads in a sentence on a page.
STATUS_TEXT = {
    "stands": "Stands in this knowledge base",
    "answered": "Answered in this knowledge base",
    "contested": "Contested in this knowledge base",
}
STATUS_WHY = {
    "stands": "every counterargument recorded here is itself answered, or there is none",
    "answered": "a counterargument or finding recorded here stands against it",
    "contested": "its counterarguments and their replies go round in a circle that nothing recorded here settles",
}
PREFERRED_TEXT = {
    "sceptical": "it stands in every coherent reading of the debate (preferred semantics)",
    "credulous": "it stands in some coherent readings of the debate but not in others (preferred semantics)",
    "rejected": "no coherent reading of the debate accepts it (preferred semantics)",
}
EVIDENCE_GAPS_PATH = "/-/evidence-gaps"


def _reasons(conn: sqlite3.Connection, ids: List[str]) -> List[Dict[str, Any]]:
    """The claims and evidence items named in a status row, with their text and links."""
    out = []
    for ref in ids:
        if ref.startswith("evidence:"):
            eid = ref.split(":", 1)[1]
            found = rows(conn, "select finding, source from evidence where id = ?", (eid,))
            text = found[0]["finding"] if found else eid
            out.append({"kind": "evidence", "id": eid, "text": text, "url": row_url("evidence", eid)})
        else:
            found = rows(conn, "select text from claims where id = ?", (ref,))
            out.append({"kind": "claim", "id": ref, "text": found[0]["text"] if found else ref, "url": claim_url(ref)})
    return out


def claim_status(conn: sqlite3.Connection, argument: Any) -> Dict[str, Any]:
    """The claim page's status line and its perspectives (a :data:`kb.plugin.CLAIM_EXTRAS` function)."""
    try:
        found = rows(conn, """
            select s.*, p.label, p.description from claim_status s join perspectives p on p.id = s.perspective
            where s.claim = ? order by p.seq""", (argument.root.id,))
    except sqlite3.OperationalError:  # a database built without the analysis stage
        return {}
    if not found:
        return {}
    readings = []
    for row in found:
        readings.append({
            "perspective": row["perspective"], "label": row["label"], "description": row["description"],
            "status": row["status"], "text": STATUS_TEXT[row["status"]], "why": STATUS_WHY[row["status"]],
            "preferred": row["preferred"], "preferred_text": PREFERRED_TEXT.get(row["preferred"] or ""),
            "standing": _reasons(conn, json.loads(row["attackers_standing"])),
            "open": _reasons(conn, json.loads(row["attackers_open"])),
            "evidence_counted": row["evidence_counted"],
        })
    main = readings[0]
    return {"derived_status": {
        "main": main, "others": readings[1:],
        "changes": len({r["status"] for r in readings}) > 1,
        "table_url": f"/{DATABASE}/claim_status?claim={urllib.parse.quote(argument.root.id)}&_labels=on",
    }}


def claim_tags(conn: sqlite3.Connection, argument: Any) -> Dict[str, Any]:
    """Concepts and places found in the claim or its evidence, and claims worded like it."""
    claim = argument.root.id
    try:
        concepts = rows(conn, """
            select k.id, k.label, count(*) as mentions from claim_concepts m join concepts k on k.id = m.concept
            where m.claim = ? group by k.id order by min(m.id)""", (claim,))
        places = rows(conn, """
            select p.id, p.label, p.kind, count(*) as mentions from claim_places m join places p on p.id = m.place
            where m.claim = ? group by p.id order by min(m.id)""", (claim,))
        similar = rows(conn, """
            select c.id, c.text, s.score, s.likely_duplicate from similar_claims s join claims c on c.id = s.similar_to
            where s.claim = ? and not s.related
            union all
            select c.id, c.text, s.score, s.likely_duplicate from similar_claims s join claims c on c.id = s.claim
            where s.similar_to = ? and not s.related
            order by score desc, id limit 5""", (claim, claim))
    except sqlite3.OperationalError:
        return {}
    for c in concepts:
        c["url"] = row_url("concepts", c["id"])
    for p in places:
        p["url"] = row_url("places", p["id"])
    for s in similar:
        s["url"] = claim_url(s["id"])
        s["percent"] = round(s["score"] * 100)
    return {"derived_tags": {"concepts": concepts, "places": places, "similar": similar}}


def _by_status(conn: sqlite3.Connection, claims: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Claims grouped as they stand in this knowledge base (all evidence counted)."""
    status = {r["claim"]: r["status"] for r in rows(conn, "select claim, status from claim_status where perspective = 'all-evidence'")}
    groups = []
    for word in ("stands", "contested", "answered"):
        members = [c for c in claims if status.get(c["id"]) == word]
        if members:
            groups.append({"status": word, "text": STATUS_TEXT[word], "claims": members})
    return groups


def concept_page(conn: sqlite3.Connection, concept_id: str) -> Optional[Dict[str, Any]]:
    """A concept: what it means, the phrases that find it, and every claim and source that mentions it."""
    found = rows(conn, "select k.*, t.name as theme_name from concepts k left join themes t on t.id = k.theme where k.id = ?",
                 (concept_id,))
    if not found:
        return None
    concept = found[0]
    mentions = rows(conn, """
        select m.claim, m.field, m.evidence, m.span from claim_concepts m join claims c on c.id = m.claim
        where m.concept = ? order by c.seq, m.id""", (concept_id,))
    spans: Dict[str, List[str]] = {}
    for m in mentions:
        where = "evidence" if m["evidence"] else m["field"]
        spans.setdefault(m["claim"], [])
        label = f"“{m['span']}” ({where})"
        if label not in spans[m["claim"]]:
            spans[m["claim"]].append(label)
    claims = claim_list(conn, "c.id in (select claim from claim_concepts where concept = ?)", (concept_id,))
    for c in claims:
        c["spans"] = spans.get(c["id"], [])
    sources = rows(conn, """
        select s.id, s.title, s.authors, s.year from source_concepts m join sources s on s.id = m.source
        where m.concept = ? group by s.id order by s.year, s.id""", (concept_id,))
    for s in sources:
        s["url"] = row_url("sources", s["id"])
    related = rows(conn, """
        select k.id, k.label, count(distinct a.claim) as shared
        from claim_concepts a join claim_concepts b on b.claim = a.claim and b.concept != a.concept
        join concepts k on k.id = b.concept
        where a.concept = ? group by k.id order by shared desc, k.label limit 8""", (concept_id,))
    for r in related:
        r["url"] = row_url("concepts", r["id"])
    phrases = [concept["label"], *json.loads(concept["patterns"] or "[]"), *json.loads(concept["variants"] or "[]")]
    return {
        "concept": concept, "description_html": Markup(markdown_to_html(concept["description"])),
        "phrases": list(dict.fromkeys(phrases)), "claims": claims, "groups": _by_status(conn, claims),
        "sources": sources, "related": related,
        "theme_url": row_url("themes", concept["theme"]) if concept["theme"] else None,
        "facet_url": f"/{DATABASE}/claim_concepts?concept={urllib.parse.quote(concept_id)}&_facet=field&_labels=on",
    }


def place_page(conn: sqlite3.Connection, place_id: str) -> Optional[Dict[str, Any]]:
    """A place: where it sits in the gazetteer, and the claims about it or anywhere within it."""
    found = rows(conn, "select * from places where id = ?", (place_id,))
    if not found:
        return None
    place = found[0]
    within = rows(conn, """
        select p.id, p.label, p.kind, h.distance from place_hierarchy h join places p on p.id = h.ancestor
        where h.place = ? and h.distance > 0 order by h.distance desc, p.label""", (place_id,))
    contains = rows(conn, """
        select p.id, p.label, p.kind from place_hierarchy h join places p on p.id = h.place
        where h.ancestor = ? and h.distance = 1 order by p.label""", (place_id,))
    for p in within + contains:
        p["url"] = row_url("places", p["id"])
    claims = claim_list(conn, """c.id in (select m.claim from claim_places m join place_hierarchy h on h.place = m.place
                                          where h.ancestor = ?)""", (place_id,))
    named = {}
    for r in rows(conn, """
            select m.claim, p.label from claim_places m join place_hierarchy h on h.place = m.place
            join places p on p.id = m.place where h.ancestor = ? order by m.id""", (place_id,)):
        named.setdefault(r["claim"], [])
        if r["label"] not in named[r["claim"]]:
            named[r["claim"]].append(r["label"])
    for c in claims:
        c["spans"] = named.get(c["id"], [])
    evidence = rows(conn, """
        select count(distinct m.evidence) as n from claim_places m join place_hierarchy h on h.place = m.place
        where h.ancestor = ? and m.evidence is not null""", (place_id,))[0]["n"]
    return {
        "place": place, "within": within, "contains": contains, "claims": claims,
        "groups": _by_status(conn, claims), "evidence_count": evidence,
        "theory_url": f"/{DATABASE}/claims_resting_on_theory?place={urllib.parse.quote(place_id)}",
        "query_url": f"/{DATABASE}/claims_about_place?place={urllib.parse.quote(place_id)}",
    }


def evidence_gaps_page(conn: sqlite3.Connection) -> Dict[str, Any]:
    """The evidence-gap matrix: a row per theme, a column per study design, SMS levels in each cell."""
    cells = rows(conn, "select * from evidence_gap_matrix")
    designs = rows(conn, "select id, name, empirical from designs order by empirical desc, rowid")
    themes = rows(conn, "select id, name from themes order by rowid")
    by_cell = {(c["theme"], c["design"]): c for c in cells}
    matrix = []
    for t in themes:
        row = {"theme": t, "url": row_url("themes", t["id"]), "cells": [], "total": 0, "empirical": 0}
        for d in designs:
            cell = by_cell.get((t["id"], d["id"]), {"items": 0, "claims": 0})  # (every cell exists in the view)
            levels = [(level, cell.get(f"sms_{level}") or 0) for level in (1, 2, 3, 4, 5)]
            row["cells"].append({
                "design": d["id"], "count": cell["items"], "claims": cell["claims"],
                "sms": [f"SMS {level}: {n}" for level, n in levels if n],
                "no_sms": cell.get("sms_none") or 0,
                "url": f"/{DATABASE}/evidence_of_theme_and_design?" + urllib.parse.urlencode({"theme": t["id"], "design": d["id"]}),
            })
            row["total"] += cell["items"]
            row["empirical"] += cell["items"] if d["empirical"] else 0
        matrix.append(row)
    column_totals = [sum(r["cells"][i]["count"] for r in matrix) for i in range(len(designs))]
    return {
        "designs": designs, "matrix": matrix, "column_totals": column_totals,
        "empty": sum(1 for r in matrix for c in r["cells"] if not c["count"]),
        "cells": len(themes) * len(designs),
        "table_url": f"/{DATABASE}/evidence_gap_matrix",
        "without_empirical": [r["theme"] for r in matrix if not r["empirical"]],
    }


# --------------------------------------------------------------------------- the plugin side


async def evidence_gaps_view(datasette, request):
    from .plugin import _database, render

    db = _database(datasette)
    context = await db.execute_fn(evidence_gaps_page)
    return await render(datasette, request, "kb/evidence_gaps.html", {"kb": context})


_MISSING = re.compile(rf"^/{DATABASE}/(?P<table>concepts|places)/(?P<id>[^/.]+)$")


@hookimpl
def handle_exception(datasette, request, exception):
    """A missing concept or place gets the reading room's "not found" page, like a missing claim."""
    from datasette.utils.asgi import NotFound

    from .plugin import render

    if not isinstance(exception, NotFound) or request is None or DATABASE not in datasette.databases:
        return None
    match = _MISSING.match(request.path)
    if not match:
        return None
    context = {"missing": urllib.parse.unquote(match["id"]), "what": match["table"][:-1]}
    return render(datasette, request, "kb/not_found.html", context, status=404)


@hookimpl
def menu_links(datasette, actor, request):
    return [{"href": EVIDENCE_GAPS_PATH, "label": "Evidence-gap matrix"}]


def register() -> None:
    """Add these pages to the reading-room plugin's lists (once)."""
    from . import plugin

    if claim_status in plugin.CLAIM_EXTRAS:
        return
    plugin.CLAIM_EXTRAS.extend([claim_status, claim_tags])
    plugin.ROW_PAGES["concepts"] = lambda conn, key, base: concept_page(conn, key)
    plugin.ROW_PAGES["places"] = lambda conn, key, base: place_page(conn, key)
    plugin.ROUTES.append((rf"^{re.escape(EVIDENCE_GAPS_PATH)}$", evidence_gaps_view))
    plugin.STRICT.append(re.compile(rf"^/{DATABASE}/(concepts|places)/[^/.]+$"))
    plugin.STRICT.append(re.compile(rf"^{re.escape(EVIDENCE_GAPS_PATH)}$"))


register()
