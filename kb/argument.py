"""The argument around one claim, read from the built database.

A claim page, a handout, a per-claim Argdown file and the JSON download all
show the same thing: a claim, the claims that support, qualify or attack it
(and, recursively, what attacks those), its evidence, and who argues each
part. This module extracts that once, from SQLite, so every view agrees.

It reads the database rather than the YAML so that the Datasette plugin (which
only has the database) and the command line give identical results.

>>> import sqlite3
>>> load_argument(sqlite3.connect(":memory:"), "x") is None
True
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

ATTACKS = ("rebut", "undercut", "undermine")
#: Levels below the claim shown by default: its supporters and counterarguments (1) and what
#: bears on those, such as the responses to each counterargument (2). Deeper levels are one
#: click away, on each claim's own page, and keep maps of central claims readable.
DEFAULT_DEPTH = 2


@dataclass
class Attribution:
    source: str
    locator: Optional[str] = None
    quote: Optional[str] = None


@dataclass
class EvidenceItem:
    id: str
    source: str
    finding: str
    design: str
    design_name: str
    empirical: bool
    direction: str
    locator: Optional[str] = None
    sms: Optional[int] = None
    figure_value: Optional[float] = None
    figure_low: Optional[float] = None
    figure_high: Optional[float] = None
    figure_unit: Optional[str] = None
    figure_measure: Optional[str] = None


@dataclass
class Node:
    """A claim in the tree. ``relation`` is how it bears on its parent (None for the root)."""

    id: str
    text: str
    position: str
    kind: str
    summary: Optional[str] = None
    relation: Optional[str] = None
    attributions: List[Attribution] = field(default_factory=list)
    evidence: List[EvidenceItem] = field(default_factory=list)
    children: List["Node"] = field(default_factory=list)
    truncated: bool = False  # True when it has children beyond the depth limit

    @property
    def supporters(self) -> List["Node"]:
        return [c for c in self.children if c.relation in ("supports", "qualifies")]

    @property
    def attackers(self) -> List["Node"]:
        return [c for c in self.children if c.relation in ATTACKS]

    def walk(self, depth: int = 0) -> Iterator[Tuple["Node", int]]:
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass
class Target:
    """A claim the root itself supports, qualifies or attacks (shown for context)."""

    id: str
    text: str
    position: str
    relation: str


@dataclass
class Argument:
    root: Node
    targets: List[Target] = field(default_factory=list)
    sources: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # id -> sources row (csl parsed)
    positions: Dict[str, str] = field(default_factory=dict)  # id -> name

    def nodes(self) -> Iterator[Node]:
        for node, _ in self.root.walk():
            yield node

    def edges(self) -> Iterator[Tuple[str, str, str]]:
        """(from, to, relation) for every claim-to-claim link in the tree."""
        for node, _ in self.root.walk():
            for child in node.children:
                yield child.id, node.id, child.relation or ""

    def to_dict(self) -> Dict[str, Any]:
        """Plain data for the JSON download; stable key order."""
        return {
            "claim": asdict(self.root),
            "targets": [asdict(t) for t in self.targets],
            "sources": {k: self.sources[k] for k in sorted(self.sources)},
            "positions": self.positions,
        }


def _rows(conn: sqlite3.Connection, sql: str, params: Tuple = ()) -> List[Dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def resolve(conn: sqlite3.Connection, claim_id: str) -> Optional[str]:
    """The live claim id for ``claim_id``, following retired ids; None if unknown."""
    try:
        if _rows(conn, "select id from claims where id = ?", (claim_id,)):
            return claim_id
        found = _rows(conn, "select resolves_to from retired_claims where id = ?", (claim_id,))
    except sqlite3.OperationalError:
        return None
    return found[0]["resolves_to"] if found else None


def _node(conn: sqlite3.Connection, row: Dict[str, Any], relation: Optional[str]) -> Node:
    node = Node(row["id"], row["text"], row["position"], row["kind"], row.get("summary"), relation)
    node.attributions = [
        Attribution(a["source"], a["locator"], a["quote"])
        for a in _rows(conn, "select source, locator, quote from attributions where claim = ? order by seq", (node.id,))
    ]
    node.evidence = [
        EvidenceItem(
            id=e["id"], source=e["source"], finding=e["finding"], design=e["design"],
            design_name=e["design_name"], empirical=bool(e["empirical"]), direction=e["direction"],
            locator=e["locator"], sms=e["sms"], figure_value=e["figure_value"], figure_low=e["figure_low"],
            figure_high=e["figure_high"], figure_unit=e["figure_unit"], figure_measure=e["figure_measure"],
        )
        for e in _rows(conn, """
            select e.*, d.name as design_name, d.empirical from evidence e join designs d on d.id = e.design
            where e.claim = ? order by e.seq""", (node.id,))
    ]
    return node


def load_argument(conn: sqlite3.Connection, claim_id: str, depth: int = DEFAULT_DEPTH) -> Optional[Argument]:
    """The argument around ``claim_id``: claims bearing on it down to ``depth`` levels.

    Each claim appears once; a claim reached again (a cycle, or two paths) is
    not expanded a second time, so the tree stays finite and readable.
    """
    claim_id = resolve(conn, claim_id)
    if claim_id is None:
        return None
    row = _rows(conn, "select * from claims where id = ?", (claim_id,))[0]
    root = _node(conn, row, None)
    seen = {root.id}
    frontier = [(root, 0)]
    while frontier:
        node, level = frontier.pop(0)
        incoming = _rows(conn, """
            select r.type, c.* from relations r join claims c on c.id = r.from_claim
            where r.to_claim = ? order by case r.type when 'supports' then 0 when 'qualifies' then 1 else 2 end, r.id""",
            (node.id,))
        for child_row in incoming:
            if child_row["id"] in seen:
                continue
            if level >= depth:
                node.truncated = True
                continue
            seen.add(child_row["id"])
            child = _node(conn, child_row, child_row["type"])
            node.children.append(child)
            frontier.append((child, level + 1))
    targets = [
        Target(t["id"], t["text"], t["position"], t["type"])
        for t in _rows(conn, """
            select r.type, c.id, c.text, c.position from relations r join claims c on c.id = r.to_claim
            where r.from_claim = ? order by r.id""", (root.id,))
    ]
    argument = Argument(root, targets)
    cited = sorted({a.source for n in argument.nodes() for a in n.attributions} | {e.source for n in argument.nodes() for e in n.evidence})
    for source in cited:
        found = _rows(conn, "select * from sources where id = ?", (source,))
        if found:
            found[0]["csl"] = json.loads(found[0]["csl"]) if found[0].get("csl") else {}
            argument.sources[source] = found[0]
    ids = {n.position for n in argument.nodes()} | {t.position for t in targets}
    argument.positions = {
        r["id"]: r["name"] for r in _rows(conn, "select id, name from positions") if r["id"] in ids
    }
    return argument
