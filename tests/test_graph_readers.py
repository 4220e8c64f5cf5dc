"""dist/graph.graphml read by igraph, a GraphML reader independent of networkx (whose writer made it),
as Gephi or Cytoscape would read it: every node, edge and attribute, with the claims' ids and texts."""
from __future__ import annotations

import pytest

igraph = pytest.importorskip("igraph", reason="igraph (test extra) reads GraphML independently of networkx")


@pytest.mark.parametrize("which", ["mini", "real"])
def test_igraph_reads_the_graphml(which, mini_build, real_build):
    build = mini_build if which == "mini" else real_build
    graph = igraph.Graph.Read_GraphML(str(build.outputs[0].parent / "graph.graphml"))
    nodes = {v["id"]: v for v in graph.vs}
    for claim in build.kb.claims.values():
        assert nodes[f"claim:{claim.id}"]["text"] == claim.text
        assert nodes[f"claim:{claim.id}"]["position"] == claim.position
    for source in build.kb.sources:
        assert nodes[f"source:{source}"]["kind"] == "source"
    relations = {(graph.vs[e.source]["id"], graph.vs[e.target]["id"], e["type"]) for e in graph.es}
    for r in build.kb.relations:
        assert (f"claim:{r.source}", f"claim:{r.target}", r.type) in relations
    assert graph.is_directed()
