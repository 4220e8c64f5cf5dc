"""The argument graph, and its GraphML and node-link exports read back by networkx."""
from __future__ import annotations

import doctest
import json
from collections import Counter

import networkx as nx

import kb.graph
from kb.graph import argument_graph, build_graph
from kb import pipeline


def test_doctests():
    assert doctest.testmod(kb.graph).failed == 0


def test_nodes_and_typed_edges(project):
    kb, _ = pipeline.check(project)
    g = build_graph(kb)
    kinds = Counter(kind for _, kind in g.nodes(data="kind"))
    assert kinds == {"claim": 5, "source": 3}
    types = Counter(t for _, _, t in g.edges(data="type"))
    assert types == {
        "supports": 1, "qualifies": 1, "rebut": 1, "undercut": 1, "undermine": 1,
        "evidence": 3, "attributed_to": 5,
    }
    # evidence runs from source to claim and keeps its direction and SMS level
    data = g.get_edge_data("source:jones-2019-chapter", "claim:cities-drive-growth")
    assert data["cities-drive-growth-e2"] == {
        "type": "evidence", "evidence": "cities-drive-growth-e2", "direction": "challenges",
        "design": "quasi-experimental", "sms": 4,
    }
    assert g.has_edge("claim:growth-needs-institutions", "claim:back-big-cities", key="undercut")


def test_argument_graph_has_only_claims(project):
    kb, _ = pipeline.check(project)
    g = argument_graph(build_graph(kb))
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 5


def test_graphml_round_trip(mini_build):
    out = mini_build.outputs[0].parent
    g = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    original = build_graph(mini_build.kb)
    assert g.number_of_nodes() == original.number_of_nodes()
    assert g.number_of_edges() == original.number_of_edges()
    assert Counter(t for _, _, t in g.edges(data="type")) == Counter(t for _, _, t in original.edges(data="type"))
    assert g.nodes["claim:cities-drive-growth"]["position"] == "agglomeration"


def test_node_link_round_trip(mini_build):
    out = mini_build.outputs[0].parent
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    g = nx.node_link_graph(data, edges="edges")
    assert isinstance(g, nx.MultiDiGraph)
    original = build_graph(mini_build.kb)
    assert sorted(g.nodes) == sorted(original.nodes)
    assert sorted(g.edges(keys=True)) == sorted(original.edges(keys=True))
