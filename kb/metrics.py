"""Where each claim stands in the argument graph: degree, PageRank, depth, and connected debates.

Computed on the claim-to-claim graph (supports, qualifies and attacks, each an
edge from the claim that bears on another to the claim it bears on), so

* **degree** counts the relations a claim takes part in;
* **PageRank** is high for claims that much of the argument bears on, directly
  or through other well-argued claims: the hubs of the debate;
* **depth** is how many relations separate a claim from the nearest root of a
  debate (roots are 0; a counterargument to a root is 1, a reply to that 2);
* **components** are the groups of claims linked by any chain of relations:
  an argument that a debate file holds two unconnected arguments, or that two
  files argue about the same claims, shows up here.

>>> g = nx.MultiDiGraph([("claim:b", "claim:a"), ("claim:c", "claim:b")])
>>> depths(g, ["a"])
{'a': 0, 'b': 1, 'c': 2}
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List

import networkx as nx

from . import db as kbdb
from .graph import argument_graph
from .model import KnowledgeBase


def _id(node: str) -> str:
    return node.split(":", 1)[1]


def depths(claims: nx.MultiDiGraph, roots: Iterable[str]) -> Dict[str, int]:
    """Relations between each claim and its nearest root, following edges backwards from the roots."""
    reverse = claims.reverse(copy=False)
    found: Dict[str, int] = {}
    sources = [f"claim:{r}" for r in roots if f"claim:{r}" in claims]
    if sources:
        for node, depth in nx.multi_source_dijkstra_path_length(reverse, sources, weight=lambda u, v, d: 1).items():
            found[_id(node)] = depth
    return dict(sorted(found.items(), key=lambda kv: (kv[1], kv[0])))


@dataclass
class Metrics:
    claims: List[Dict[str, Any]]
    components: List[Dict[str, Any]]

    def write(self, db: Any) -> None:
        kbdb.create_schema(db, TABLES)
        kbdb.insert_rows(db, "components", self.components)
        kbdb.insert_rows(db, "claim_metrics", self.claims)


def compute(kb: KnowledgeBase, graph: nx.MultiDiGraph) -> Metrics:
    """Metrics of every claim in ``graph`` (the build's graph, see :mod:`kb.graph`)."""
    claims = argument_graph(graph)
    simple = nx.DiGraph(claims)
    rank = nx.pagerank(simple) if simple.number_of_nodes() else {}
    depth = depths(claims, [r for d in kb.debates.values() for r in d.roots])
    seq = {c.id: c.seq for c in kb.claims.values()}
    groups = sorted(
        ([_id(n) for n in group] for group in nx.weakly_connected_components(simple)),
        key=lambda g: (-len(g), min(seq[c] for c in g)),
    )
    roots = {r for d in kb.debates.values() for r in d.roots}
    component_of: Dict[str, int] = {}
    components = []
    for number, members in enumerate(groups, 1):
        members = sorted(members, key=seq.__getitem__)
        component_of.update((c, number) for c in members)
        hub = max(members, key=lambda c: (round(rank[f"claim:{c}"], 6), -seq[c]))
        components.append({
            "id": number, "claims": len(members), "hub": hub,
            "debates": json.dumps(sorted({kb.claims[c].debate for c in members})),
            "roots": json.dumps([c for c in members if c in roots]),
        })
    rows = []
    for c in kb.claims.values():
        node = f"claim:{c.id}"
        rows.append({
            "claim": c.id, "in_degree": simple.in_degree(node), "out_degree": simple.out_degree(node),
            "degree": simple.degree(node), "pagerank": round(rank[node], 6), "depth": depth.get(c.id),
            "component": component_of[c.id],
        })
    return Metrics(rows, components)


TABLES: Dict[str, kbdb.Table] = {
    "components": (
        {"id": int, "claims": int, "hub": str, "debates": str, "roots": str}, "id", [("hub", "claims", "id")], [],
    ),
    "claim_metrics": (
        {"claim": str, "in_degree": int, "out_degree": int, "degree": int, "pagerank": float, "depth": int, "component": int},
        "claim", [("claim", "claims", "id"), ("component", "components", "id")], [["component"], ["pagerank"]],
    ),
}
