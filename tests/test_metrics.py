"""Graph metrics of the claims: degree, PageRank, depth from the roots, connected components."""
from __future__ import annotations

import doctest
import json

import kb.metrics
from conftest import query, write
from kb import pipeline


def test_doctests():
    assert doctest.testmod(kb.metrics).failed == 0


def test_degree_and_depth(mini_build):
    got = {r[0]: r[1:] for r in query(mini_build, "select claim, in_degree, out_degree, depth from claim_metrics")}
    assert got == {
        "cities-drive-growth": (3, 0, 0),  # the root
        "back-big-cities": (1, 1, 1),
        "growth-needs-institutions": (0, 2, 1),
        "places-differ": (1, 1, 1),
        "differences-are-sorting": (0, 1, 2),
    }


def test_pagerank_ranks_the_root_first(mini_build):
    ranked = [r[0] for r in query(mini_build, "select claim from claim_metrics order by pagerank desc")]
    assert ranked[0] == "cities-drive-growth"
    assert abs(sum(r[0] for r in query(mini_build, "select pagerank from claim_metrics")) - 1) < 1e-4


def test_components_are_the_connected_debates(project, tmp_path):
    write(project, "claims/island.yml", "title: Island\nroots: [island-claim]\nclaims:\n"
          "  - id: island-claim\n    text: An unconnected claim.\n    position: agglomeration\n    kind: causal\n"
          "    themes: [cities]\n    attributed_to: [{source: smith-2020-cities}]\n")
    result = pipeline.build(project, tmp_path / "out")
    components = query(result, "select id, claims, hub, debates, roots from components order by id")
    assert components == [
        (1, 5, "cities-drive-growth", json.dumps(["main"]), json.dumps(["cities-drive-growth"])),
        (2, 1, "island-claim", json.dumps(["island"]), json.dumps(["island-claim"])),
    ]
    assert query(result, "select component, depth from claim_metrics where claim = 'island-claim'") == [(2, 0)]


def test_depths_on_the_real_kb_follow_the_relations(real_build):
    depth = dict(query(real_build, "select claim, depth from claim_metrics"))
    roots = {r for d in real_build.kb.debates.values() for r in d.roots}
    assert roots and all(depth[r] == 0 for r in roots)
    bears_on = {}
    for source, target in query(real_build, "select from_claim, to_claim from relations"):
        bears_on.setdefault(source, set()).add(target)
    for claim, d in depth.items():
        if d is None:  # not connected to any root
            assert all(depth[t] is None for t in bears_on.get(claim, ()))
        elif d > 0:  # one step from a claim one step nearer a root, and no nearer
            steps = [depth[t] for t in bears_on.get(claim, ()) if depth[t] is not None]
            assert min(steps) == d - 1, claim
