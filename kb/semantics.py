"""Dialectical status: which claims stand, are answered, or are contested *in this knowledge base*.

The claims and their attacks (rebut, undercut, undermine) form an abstract
argumentation framework in Dung's sense: a directed graph whose nodes are
arguments and whose edges say "attacks". Semantics decide which arguments
survive the attacks:

* **grounded** (sceptical, unique): an argument is *in* when every attacker is
  *out*, *out* when some attacker is *in*, and *undec* when attacks go round in
  a circle that nothing settles. Shown as **stands / answered / contested**.
* **preferred** (credulous): the maximal sets of arguments that are free of
  conflict and defend themselves. An argument is *sceptically* accepted when it
  is in every preferred extension, *credulously* when in some, *rejected* when
  in none. Where grounded says 'contested', preferred tells whether a coherent
  reading of the debate exists in which the claim stands.

This is a statement about the structure of the arguments recorded here, never
a verdict on whether a claim is true: a claim 'stands' when nothing in this
knowledge base answers its attackers, which may only mean nobody has written
the reply yet.

**Evidence** enters through *perspectives*. Under a perspective some evidence
items count and become arguments too: a counted finding that challenges a claim
attacks it, and counted findings that support and challenge the same claim
attack each other (conflicting evidence disputes itself; neither side wins by
default). Counting only evidence at SMS 3 or above, or only UK evidence,
changes which findings take part, so students can watch conclusions move.

A reinstatement chain (c attacks b attacks a): c stands, b is answered, a stands again.

>>> g = nx.DiGraph([("b", "a"), ("c", "b")])
>>> sorted(grounded_labelling(g).items())
[('a', 'in'), ('b', 'out'), ('c', 'in')]
>>> sorted(sorted(e) for e in preferred_extensions(nx.DiGraph([("a", "b"), ("b", "a")])))
[['a'], ['b']]
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Hashable, Iterable, List, Optional, Set

import networkx as nx

from . import db as kbdb
from .model import Evidence, KnowledgeBase

IN, OUT, UNDEC = "in", "out", "undec"
#: How a grounded label is worded for readers: always "... in this knowledge base".
STATUS = {IN: "stands", OUT: "answered", UNDEC: "contested"}
SCEPTICAL, CREDULOUS, REJECTED = "sceptical", "credulous", "rejected"
#: Largest cluster of undecided arguments whose preferred extensions are enumerated (the search is exponential).
MAX_UNDECIDED = 22


# --------------------------------------------------------------------------- abstract semantics


def grounded_labelling(g: nx.DiGraph) -> Dict[Hashable, str]:
    """The grounded labelling: the least fixed point, computed by propagation in linear time.

    Unattacked arguments are *in*; whatever they attack is *out*; an argument
    whose attackers are all *out* is *in*; everything never reached is *undec*.

    >>> sorted(grounded_labelling(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])).values())
    ['undec', 'undec', 'undec']
    """
    label: Dict[Hashable, str] = {}
    live = {n: len(set(g.predecessors(n))) for n in g}  # attackers not yet out
    queue = [n for n in g if live[n] == 0]
    while queue:
        a = queue.pop()
        if a in label:
            continue
        label[a] = IN
        for b in g.successors(a):
            if b in label:
                continue
            label[b] = OUT
            for c in g.successors(b):
                live[c] -= 1
                if live[c] == 0 and c not in label:
                    queue.append(c)
    return {n: label.get(n, UNDEC) for n in g}


def _preferred_of(g: nx.DiGraph) -> List[FrozenSet[Hashable]]:
    """Preferred extensions of a small framework: its maximal admissible sets, by backtracking.

    Each argument is either added (when that keeps the set conflict-free) or
    left out; every complete choice is kept if the set defends all its members.
    """
    nodes = sorted(g, key=str)
    attackers = {n: set(g.predecessors(n)) for n in nodes}
    targets = {n: set(g.successors(n)) for n in nodes}
    admissible: List[FrozenSet[Hashable]] = []

    def extend(i: int, chosen: Set[Hashable], defeated: Set[Hashable]) -> None:
        if i == len(nodes):
            if all(attackers[a] <= defeated for a in chosen):
                admissible.append(frozenset(chosen))
            return
        n = nodes[i]
        if n not in targets[n] and not (targets[n] & chosen) and not (attackers[n] & chosen):
            extend(i + 1, chosen | {n}, defeated | targets[n])
        extend(i + 1, chosen, defeated)

    extend(0, set(), set())
    maximal: List[FrozenSet[Hashable]] = []
    for s in sorted(admissible, key=len, reverse=True):
        if not any(s < m for m in maximal):
            maximal.append(s)
    return maximal


def _undecided_clusters(g: nx.DiGraph, grounded: Dict[Hashable, str]) -> List[nx.DiGraph]:
    """The undecided part of ``g``, split into its weakly connected pieces.

    Every preferred extension contains the grounded one, and what it adds is a
    preferred extension of the undecided part (arguments that grounded leaves
    open, with the attacks among them); separate pieces combine freely. So
    only small pieces ever need searching.
    """
    undecided = g.subgraph(n for n, label in grounded.items() if label == UNDEC)
    return [undecided.subgraph(c).copy() for c in sorted(nx.weakly_connected_components(undecided), key=lambda c: sorted(map(str, c)))]


def preferred_extensions(g: nx.DiGraph) -> List[FrozenSet[Hashable]]:
    """Every preferred extension of ``g`` (sets of arguments), in a stable order.

    >>> odd = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])
    >>> preferred_extensions(odd)
    [frozenset()]
    """
    grounded = grounded_labelling(g)
    base = frozenset(n for n, label in grounded.items() if label == IN)
    pieces = [_preferred_of(piece) for piece in _undecided_clusters(g, grounded)]
    extensions = [base.union(*choice) for choice in itertools.product(*pieces)]
    return sorted(extensions, key=lambda e: sorted(map(str, e)))


def preferred_acceptance(g: nx.DiGraph, limit: int = MAX_UNDECIDED) -> Dict[Hashable, Optional[str]]:
    """For each argument: 'sceptical' (in every preferred extension), 'credulous' (in some) or 'rejected'.

    Computed piece by piece, so the number of extensions never multiplies out.
    None for arguments in an undecided piece larger than ``limit``, where the
    search would take too long.
    """
    grounded = grounded_labelling(g)
    result: Dict[Hashable, Optional[str]] = {n: SCEPTICAL if label == IN else REJECTED for n, label in grounded.items()}
    for piece in _undecided_clusters(g, grounded):
        if piece.number_of_nodes() > limit:
            result.update((n, None) for n in piece)
            continue
        extensions = _preferred_of(piece)
        for n in piece:
            inside = sum(n in e for e in extensions)
            result[n] = SCEPTICAL if inside == len(extensions) else CREDULOUS if inside else REJECTED
    return result


# --------------------------------------------------------------------------- perspectives


@dataclass
class Context:
    """What a perspective may look at when deciding whether an evidence item counts."""

    kb: KnowledgeBase
    evidence_places: Dict[str, Set[str]] = field(default_factory=dict)
    uk: Set[str] = field(default_factory=set)  # 'uk' and every place within it


@dataclass(frozen=True)
class Perspective:
    id: str
    label: str
    description: str
    counts: Callable[[Evidence, Context], bool]


PERSPECTIVES: List[Perspective] = [
    Perspective(
        "all-evidence", "All evidence",
        "Every evidence item counts. A challenging finding attacks its claim; findings for and against "
        "the same claim dispute each other.",
        lambda e, ctx: True,
    ),
    Perspective(
        "arguments-only", "Arguments only",
        "No evidence counts: only the claims and their attacks on each other.",
        lambda e, ctx: False,
    ),
    Perspective(
        "sms-3-plus", "Robust evaluations only (SMS 3+)",
        "Only evidence rated 3 or more on the Maryland Scientific Methods Scale counts.",
        lambda e, ctx: e.sms is not None and e.sms >= 3,
    ),
    Perspective(
        "empirical-designs", "Empirical designs only",
        "Theory, simulation and argument are set aside: only evidence from designs that observe data counts.",
        lambda e, ctx: bool(ctx.kb.designs[e.design].empirical) if e.design in ctx.kb.designs else False,
    ),
    Perspective(
        "uk-evidence", "UK evidence only",
        "Only evidence about the United Kingdom counts: its scope or finding names the UK or a place within it.",
        lambda e, ctx: bool(ctx.evidence_places.get(e.id, set()) & ctx.uk),
    ),
]


def claim_arg(claim_id: str) -> str:
    return f"claim:{claim_id}"


def evidence_arg(evidence_id: str) -> str:
    return f"evidence:{evidence_id}"


def framework(kb: KnowledgeBase, counted: Iterable[Evidence] = ()) -> nx.DiGraph:
    """The attack graph of ``kb``: claims, plus the ``counted`` evidence items as arguments."""
    g = nx.DiGraph()
    g.add_nodes_from(claim_arg(c) for c in kb.claims)
    g.add_edges_from((claim_arg(r.source), claim_arg(r.target)) for r in kb.relations if r.is_attack)
    by_claim: Dict[str, Dict[str, List[str]]] = {}
    for e in counted:
        g.add_node(evidence_arg(e.id))
        by_claim.setdefault(e.claim, {"supports": [], "challenges": []})[e.direction].append(evidence_arg(e.id))
        if e.direction == "challenges":
            g.add_edge(evidence_arg(e.id), claim_arg(e.claim))
    for sides in by_claim.values():
        for pro, con in itertools.product(sides["supports"], sides["challenges"]):
            g.add_edge(pro, con)
            g.add_edge(con, pro)
    return g


@dataclass
class Status:
    """Every claim's status under every perspective, ready for the database."""

    claims: List[Dict[str, Any]]
    evidence: List[Dict[str, Any]]

    def write(self, db: Any) -> None:
        kbdb.create_schema(db, TABLES)
        kbdb.insert_rows(db, "perspectives", [
            {"id": p.id, "label": p.label, "description": p.description, "seq": i} for i, p in enumerate(PERSPECTIVES, 1)
        ])
        kbdb.insert_rows(db, "claim_status", self.claims)
        kbdb.insert_rows(db, "evidence_status", self.evidence)
        for name, sql in VIEWS.items():
            db.create_view(name, sql.strip())


def _plain(arg: str) -> str:
    """'claim:x' -> 'x'; evidence keeps its prefix so readers can tell the two apart."""
    return arg[len("claim:"):] if arg.startswith("claim:") else arg


def assess(kb: KnowledgeBase, evidence_places: Optional[Dict[str, Set[str]]] = None,
           perspectives: Optional[List[Perspective]] = None) -> Status:
    """Label every claim (and counted evidence item) under grounded and preferred semantics, per perspective."""
    from .nlp import ancestors  # the place hierarchy

    uk = {p for p in kb.places if any(a == "uk" for a, _ in ancestors(kb, p))}
    ctx = Context(kb, evidence_places or {}, uk)
    claim_rows: List[Dict[str, Any]] = []
    evidence_rows: List[Dict[str, Any]] = []
    for perspective in perspectives or PERSPECTIVES:
        counted = [e for e in kb.evidence() if perspective.counts(e, ctx)]
        g = framework(kb, counted)
        grounded = grounded_labelling(g)
        preferred = preferred_acceptance(g)
        counted_per_claim: Dict[str, int] = {}
        for e in counted:
            counted_per_claim[e.claim] = counted_per_claim.get(e.claim, 0) + 1
        for c in kb.claims.values():
            arg = claim_arg(c.id)
            attackers = sorted(g.predecessors(arg), key=lambda a: (a.startswith("evidence:"), a))
            claim_rows.append({
                "claim": c.id, "perspective": perspective.id, "grounded": grounded[arg], "status": STATUS[grounded[arg]],
                "preferred": preferred[arg], "attackers": len(attackers),
                "attackers_standing": json.dumps([_plain(a) for a in attackers if grounded[a] == IN]),
                "attackers_open": json.dumps([_plain(a) for a in attackers if grounded[a] == UNDEC]),
                "evidence_counted": counted_per_claim.get(c.id, 0),
            })
        counted_ids = {e.id for e in counted}
        for e in kb.evidence():
            arg = evidence_arg(e.id)
            evidence_rows.append({
                "evidence": e.id, "perspective": perspective.id, "counted": int(e.id in counted_ids),
                "grounded": grounded.get(arg), "status": STATUS[grounded[arg]] if arg in grounded else None,
            })
    return Status(claim_rows, evidence_rows)


# --------------------------------------------------------------------------- tables

TABLES: Dict[str, kbdb.Table] = {
    "perspectives": ({"id": str, "label": str, "description": str, "seq": int}, "id", [], []),
    "claim_status": (
        {"claim": str, "perspective": str, "grounded": str, "status": str, "preferred": str, "attackers": int,
         "attackers_standing": str, "attackers_open": str, "evidence_counted": int},
        ("claim", "perspective"), [("claim", "claims", "id"), ("perspective", "perspectives", "id")],
        [["perspective", "status"]],
    ),
    "evidence_status": (
        {"evidence": str, "perspective": str, "counted": int, "grounded": str, "status": str},
        ("evidence", "perspective"), [("evidence", "evidence", "id"), ("perspective", "perspectives", "id")],
        [["perspective"]],
    ),
}


def _compared_sql() -> str:
    columns = ",\n".join(
        f"max(case when s.perspective = '{p.id}' then s.status end) as [{p.id.replace('-', '_')}]" for p in PERSPECTIVES
    )
    return f"""
        select c.id as claim, c.text, c.position, c.kind,
        {columns},
        count(distinct s.status) > 1 as changes
        from claims c join claim_status s on s.claim = c.id
        group by c.id order by c.seq"""


VIEWS: Dict[str, str] = {"claim_status_compared": _compared_sql()}
