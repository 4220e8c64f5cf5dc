"""Stage: write the knowledge base to SQLite with sqlite-utils.

Tables are created explicitly, with declared column types, primary keys,
foreign keys and indexes, before any row goes in: the schema is a published
interface (people write SQL against it), so it must not depend on what the
first row happened to contain. Rows are inserted in a stable order and the
file is vacuumed, so the same YAML gives the same database.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import sqlite_utils

from .model import ATTACK_TYPES, KnowledgeBase

# name -> (columns, pk, foreign keys, indexes)
Table = Tuple[Dict[str, Any], Any, List[Tuple[str, str, str]], List[List[str]]]

TABLES: Dict[str, Table] = {
    "positions": ({"id": str, "name": str, "description": str}, "id", [], []),
    "themes": ({"id": str, "name": str, "description": str}, "id", [], []),
    "designs": ({"id": str, "name": str, "description": str, "empirical": int}, "id", [], []),
    "debates": ({"id": str, "title": str, "description": str, "path": str}, "id", [], []),
    "sources": (
        {
            "id": str, "type": str, "title": str, "authors": str, "year": int, "issued": str,
            "container_title": str, "volume": str, "issue": str, "page": str, "publisher": str,
            "publisher_place": str, "doi": str, "url": str, "isbn": str, "summary": str,
            "verified": str, "is_verified": int, "csl": str, "path": str, "line": int,
        },
        "id", [], [["year"], ["type"]],
    ),
    "authors": ({"id": str, "name": str, "family": str, "given": str, "literal": str}, "id", [], [["family"]]),
    "source_authors": (
        {"source": str, "role": str, "seq": int, "author": str},
        ("source", "role", "seq"),
        [("source", "sources", "id"), ("author", "authors", "id")],
        [["author"]],
    ),
    "source_positions": (
        {"source": str, "position": str}, ("source", "position"),
        [("source", "sources", "id"), ("position", "positions", "id")], [["position"]],
    ),
    "claims": (
        {
            "id": str, "text": str, "summary": str, "position": str, "kind": str, "debate": str,
            "parent": str, "is_root": int, "scope_places": str, "scope_period": str,
            "path": str, "line": int, "seq": int,
        },
        "id",
        [("position", "positions", "id"), ("debate", "debates", "id"), ("parent", "claims", "id")],
        [["position"], ["kind"], ["debate"], ["parent"]],
    ),
    "retired_claims": (
        {"id": str, "replaced_by": str, "resolves_to": str, "note": str, "debate": str, "path": str, "line": int},
        "id", [("resolves_to", "claims", "id"), ("debate", "debates", "id")], [],
    ),
    "claim_themes": (
        {"claim": str, "theme": str}, ("claim", "theme"),
        [("claim", "claims", "id"), ("theme", "themes", "id")], [["theme"]],
    ),
    "attributions": (
        {"claim": str, "seq": int, "source": str, "locator": str, "quote": str},
        ("claim", "seq"), [("claim", "claims", "id"), ("source", "sources", "id")], [["source"]],
    ),
    "evidence": (
        {
            "id": str, "claim": str, "seq": int, "source": str, "locator": str, "finding": str,
            "design": str, "sms": int, "direction": str, "figure_value": float, "figure_low": float,
            "figure_high": float, "figure_unit": str, "figure_measure": str, "scope_places": str,
            "scope_period": str, "path": str, "line": int,
        },
        "id",
        [("claim", "claims", "id"), ("source", "sources", "id"), ("design", "designs", "id")],
        [["claim"], ["source"], ["design"], ["sms"]],
    ),
    "relations": (
        {"id": int, "from_claim": str, "to_claim": str, "type": str, "is_attack": int, "path": str, "line": int},
        "id", [("from_claim", "claims", "id"), ("to_claim", "claims", "id")],
        [["from_claim"], ["to_claim"], ["type"]],
    ),
    "build_info": ({"key": str, "value": str}, "key", [], []),
}

_ATTACKS = "(" + ", ".join(f"'{t}'" for t in ATTACK_TYPES) + ")"

VIEWS: Dict[str, str] = {
    "counterarguments": f"""
        select r.from_claim as attacker, a.text as attacker_text, a.position as attacker_position,
               r.type as attack_type,
               r.to_claim as target, t.text as target_text, t.position as target_position,
               exists (select 1 from relations back where back.to_claim = r.from_claim
                       and back.type in {_ATTACKS}) as answered
        from relations r
        join claims a on a.id = r.from_claim
        join claims t on t.id = r.to_claim
        where r.type in {_ATTACKS}""",
    "unanswered_counterarguments": """
        select attacker, attacker_text, attacker_position, attack_type, target, target_text, target_position
        from counterarguments where not answered""",
    "claim_overview": f"""
        select c.id, c.text, c.position, c.kind, c.debate,
               (select count(*) from evidence e where e.claim = c.id) as evidence_count,
               (select count(*) from evidence e where e.claim = c.id and e.direction = 'supports') as supporting_evidence,
               (select count(*) from evidence e where e.claim = c.id and e.direction = 'challenges') as challenging_evidence,
               (select max(sms) from evidence e where e.claim = c.id) as max_sms,
               (select count(*) from relations r where r.to_claim = c.id and r.type = 'supports') as supporters,
               (select count(*) from relations r where r.to_claim = c.id and r.type in {_ATTACKS}) as attackers,
               (select count(*) from relations r where r.from_claim = c.id and r.type in {_ATTACKS}) as attacks_made,
               (select count(*) from attributions a where a.claim = c.id) as attributions
        from claims c""",
    "source_citations": """
        select a.source, 'attribution' as role, a.claim, c.text as claim_text, a.locator, null as evidence, null as finding
        from attributions a join claims c on c.id = a.claim
        union all
        select e.source, 'evidence', e.claim, c.text, e.locator, e.id, e.finding
        from evidence e join claims c on c.id = e.claim""",
}

#: Full-text search: table -> columns, porter-stemmed so 'cluster' finds 'clusters'.
FTS: Dict[str, List[str]] = {
    "claims": ["text", "summary"],
    "evidence": ["finding"],
    "sources": ["title", "summary"],
}


def _json_list(values: Iterable[str]) -> Optional[str]:
    values = list(values)
    return json.dumps(values, ensure_ascii=False) if values else None


def create_schema(db: sqlite_utils.Database, tables: Optional[Dict[str, Table]] = None) -> None:
    """Create ``tables`` (default: the core :data:`TABLES`); later stages pass their own."""
    for name, (columns, pk, foreign_keys, indexes) in (TABLES if tables is None else tables).items():
        db[name].create(columns, pk=pk, foreign_keys=foreign_keys, not_null=_not_null(name, pk))
        for index in indexes:
            db[name].create_index(index)


def insert_rows(db: sqlite_utils.Database, name: str, rows: List[Dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into an existing table with one executemany.

    Several times faster than ``insert_all`` for the large derived tables, which
    need none of its conveniences: their schema is created explicitly first.
    """
    if not rows:
        return
    columns = list(rows[0])
    sql = f"insert into [{name}] ({', '.join(f'[{c}]' for c in columns)}) values ({', '.join('?' for _ in columns)})"
    with db.conn:
        db.conn.executemany(sql, [tuple(row[c] for c in columns) for row in rows])


def _not_null(name: str, pk: Any) -> set:
    required = {
        "claims": {"text", "position", "kind", "debate"},
        "sources": {"type", "title"},
        "evidence": {"claim", "source", "finding", "design", "direction"},
        "relations": {"from_claim", "to_claim", "type"},
    }.get(name, set())
    return required | ({pk} if isinstance(pk, str) else set(pk))


def rows(kb: KnowledgeBase) -> Dict[str, List[Dict[str, Any]]]:
    """Every row of every table, in insertion order."""
    roots = {r for d in kb.debates.values() for r in d.roots}
    out: Dict[str, List[Dict[str, Any]]] = {name: [] for name in TABLES}
    for vocab in ("positions", "themes"):
        out[vocab] = [{"id": t.id, "name": t.name, "description": t.description} for t in getattr(kb, vocab).values()]
    out["designs"] = [
        {"id": t.id, "name": t.name, "description": t.description, "empirical": int(bool(t.empirical))}
        for t in kb.designs.values()
    ]
    out["debates"] = [
        {"id": d.id, "title": d.title, "description": d.description, "path": d.path}
        for d in sorted(kb.debates.values(), key=lambda d: d.id)
    ]
    authors: Dict[str, Dict[str, Any]] = {}
    for s in sorted(kb.sources.values(), key=lambda s: s.id):
        csl = s.csl
        out["sources"].append({
            "id": s.id, "type": s.type, "title": s.title,
            "authors": "; ".join(a.sort_name for a in s.authors) or None,
            "year": s.year, "issued": s.issued,
            **{col: _opt_str(csl.get(key)) for col, key in (
                ("container_title", "container-title"), ("volume", "volume"), ("issue", "issue"), ("page", "page"),
                ("publisher", "publisher"), ("publisher_place", "publisher-place"), ("doi", "DOI"), ("url", "URL"),
                ("isbn", "ISBN"),
            )},
            "summary": s.summary, "verified": s.verified, "is_verified": int(s.is_verified),
            "csl": json.dumps(csl, ensure_ascii=False, sort_keys=True), "path": s.loc.path, "line": s.loc.line,
        })
        for role, names in (("author", s.authors), ("editor", s.editors)):
            for seq, name in enumerate(names, 1):
                authors.setdefault(name.id, {
                    "id": name.id, "name": name.display, "family": name.family, "given": name.given, "literal": name.literal,
                })
                out["source_authors"].append({"source": s.id, "role": role, "seq": seq, "author": name.id})
        out["source_positions"].extend({"source": s.id, "position": p} for p in s.positions)
    out["authors"] = sorted(authors.values(), key=lambda a: a["id"])
    for c in kb.claims.values():
        out["claims"].append({
            "id": c.id, "text": c.text, "summary": c.summary, "position": c.position, "kind": c.kind,
            "debate": c.debate, "parent": c.parent, "is_root": int(c.id in roots),
            "scope_places": _json_list(c.scope_places), "scope_period": c.scope_period,
            "path": c.loc.path, "line": c.loc.line, "seq": c.seq,
        })
        out["claim_themes"].extend({"claim": c.id, "theme": t} for t in c.themes)
        out["attributions"].extend(
            {"claim": c.id, "seq": seq, "source": a.source, "locator": a.locator, "quote": a.quote}
            for seq, a in enumerate(c.attributions, 1)
        )
        for e in c.evidence:
            f = e.figure
            out["evidence"].append({
                "id": e.id, "claim": c.id, "seq": e.seq + 1, "source": e.source, "locator": e.locator,
                "finding": e.finding, "design": e.design, "sms": e.sms, "direction": e.direction,
                "figure_value": f.value if f else None, "figure_low": f.low if f else None,
                "figure_high": f.high if f else None, "figure_unit": f.unit if f else None,
                "figure_measure": f.measure if f else None, "scope_places": _json_list(e.scope_places),
                "scope_period": e.scope_period, "path": e.loc.path, "line": e.loc.line,
            })
    out["retired_claims"] = [
        {"id": r.id, "replaced_by": r.replaced_by, "resolves_to": kb.resolve(r.id), "note": r.note,
         "debate": r.debate, "path": r.loc.path, "line": r.loc.line}
        for r in kb.retired.values()
    ]
    out["relations"] = [
        {"id": i, "from_claim": r.source, "to_claim": r.target, "type": r.type, "is_attack": int(r.is_attack),
         "path": r.loc.path, "line": r.loc.line}
        for i, r in enumerate(kb.relations, 1)
    ]
    return out


def _opt_str(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def counts(tables: Dict[str, List[Dict[str, Any]]]) -> Dict[str, int]:
    return {name: len(rs) for name, rs in tables.items() if name != "build_info"}


class ForeignKeyError(Exception):
    """The database would publish a reference to a row that does not exist."""


def write(kb: KnowledgeBase, path: Path, build_info: Dict[str, str], extra: Iterable[Any] = ()) -> Dict[str, int]:
    """Create the database at ``path`` (which must not exist) and return row counts.

    ``extra`` holds later stages' writers: callables taking the open database.
    """
    db = sqlite_utils.Database(path)
    create_schema(db)
    tables = rows(kb)
    table_counts = counts(tables)
    info = {**build_info, "counts": json.dumps(table_counts, sort_keys=True)}
    tables["build_info"] = [{"key": k, "value": v} for k, v in sorted(info.items())]
    for name, table_rows in tables.items():
        if table_rows:
            db[name].insert_all(table_rows)
    for writer in extra:
        writer(db)
    for table, columns in FTS.items():
        db[table].enable_fts(columns, tokenize="porter", create_triggers=False)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())
    problems = list(db.execute("PRAGMA foreign_key_check").fetchall())
    if problems:
        db.close()
        raise ForeignKeyError(f"{len(problems)} dangling foreign keys, first: {problems[0]}")
    db.execute("VACUUM")
    db.close()
    return table_counts


def stats(path: Path) -> Dict[str, Any]:
    """Row counts per table and claims per position, read from a built database."""
    db = sqlite_utils.Database(path)
    try:
        tables = {name: db[name].count for name in TABLES if name != "build_info" and db[name].exists()}
        per_position = {
            row["position"]: row["n"]
            for row in db.query("select position, count(*) as n from claims group by position order by position")
        }
        info = {row["key"]: row["value"] for row in db.query("select key, value from build_info")}
    finally:
        db.close()
    return {"tables": tables, "positions": per_position, "build_info": info}
