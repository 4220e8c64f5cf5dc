"""Stage: the argument graph, a networkx ``MultiDiGraph`` of claims and sources.

Node ids are prefixed (``claim:...``, ``source:...``) because a claim and a
source may share a slug. Edges carry a ``type``:

* claim -> claim: ``supports``, ``qualifies``, ``rebut``, ``undercut``, ``undermine``
* source -> claim: ``evidence`` (with ``direction``, ``design``, ``sms``)
* claim -> source: ``attributed_to`` (with ``locator``)

Every attribute is a plain string or number so the graph writes to GraphML,
which has no notion of lists or None. Nodes and edges are added in sorted
order so the exported files are byte-for-byte reproducible.

>>> from kb.model import KnowledgeBase
>>> build_graph(KnowledgeBase()).number_of_nodes()
0
"""
from __future__ import annotations

from typing import Any, Dict

import networkx as nx

from .model import KnowledgeBase


def claim_node(claim_id: str) -> str:
    return f"claim:{claim_id}"


def source_node(source_id: str) -> str:
    return f"source:{source_id}"


def _clean(attrs: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in attrs.items() if v is not None and v != ""}


def build_graph(kb: KnowledgeBase) -> nx.MultiDiGraph:
    """Claims, sources and every typed link between them."""
    g = nx.MultiDiGraph(name="industrial-strategy-arguments")
    for source in sorted(kb.sources.values(), key=lambda s: s.id):
        g.add_node(source_node(source.id), **_clean({
            "kind": "source", "label": source.short_ref, "title": source.title,
            "year": source.year, "type": source.type, "verified": int(source.is_verified),
        }))
    for claim in sorted(kb.claims.values(), key=lambda c: c.id):
        g.add_node(claim_node(claim.id), **_clean({
            "kind": "claim", "label": claim.id, "text": claim.text, "position": claim.position,
            "claim_kind": claim.kind, "debate": claim.debate, "themes": ",".join(claim.themes),
        }))
    for rel in sorted(kb.relations, key=lambda r: (r.source, r.target, r.type)):
        g.add_edge(claim_node(rel.source), claim_node(rel.target), key=rel.type, type=rel.type,
                   relation="attack" if rel.is_attack else rel.type)
    for claim in sorted(kb.claims.values(), key=lambda c: c.id):
        for index, att in enumerate(claim.attributions):
            g.add_edge(claim_node(claim.id), source_node(att.source), key=f"attributed_to-{index + 1}",
                       **_clean({"type": "attributed_to", "locator": att.locator}))
        for ev in claim.evidence:
            g.add_edge(source_node(ev.source), claim_node(claim.id), key=ev.id, **_clean({
                "type": "evidence", "evidence": ev.id, "direction": ev.direction, "design": ev.design, "sms": ev.sms,
            }))
    return g


def argument_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Only the claims and the claim-to-claim relations (supports, qualifies, attacks)."""
    claims = [n for n, kind in g.nodes(data="kind") if kind == "claim"]
    return g.subgraph(claims).copy()
