"""kb.aif: the AIF/OVA3 exports, read back by arguebuf (a Python AIF reader we did not write)."""
from __future__ import annotations

import json
import sqlite3

import pytest

from kb import aif
from kb.argdown import debate_relations

arguebuf = pytest.importorskip("arguebuf", reason="arguebuf (test extra, Python 3.11+) reads AIF")


@pytest.fixture(params=["mini", "real"])
def build(request, mini_build, real_build):
    return mini_build if request.param == "mini" else real_build


def documents(build):
    folder = build.outputs[0].parent / "aif"
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}


def structure(graph, claim_of):
    """(from claim, to claim or 'inference of <claim>', 'support'|'attack') read from an arguebuf graph."""
    out = set()
    for scheme in graph.scheme_nodes.values():
        kind = "support" if type(scheme.scheme).__name__ == "Support" else "attack"
        premises = [n for n in graph.incoming_nodes(scheme) if n.id in graph.atom_nodes]
        for target in graph.outgoing_nodes(scheme):
            if target.id in graph.atom_nodes:
                to = claim_of[target.id]
            else:  # a scheme node: the inference it attacks, named by that inference's conclusion
                [conclusion] = graph.outgoing_nodes(target)
                to = f"inference of {claim_of[conclusion.id]}"
            for premise in premises:
                out.add((claim_of[premise.id], to, kind))
    return out


def expected(relations):
    """What the AIF must say: support as RA, rebut/undermine/qualify as CA, undercut as CA -> RA."""
    out = set()
    for source, target, kind in relations:
        if kind == "supports":
            out.add((source, target, "support"))
        elif kind == "undercut":
            out.add((source, f"inference of {target}", "attack"))
        else:
            out.add((source, target, "attack"))
    return out


def test_one_file_per_debate(build):
    assert sorted(documents(build)) == sorted(build.kb.debates)


@pytest.mark.parametrize("loader", ["xaif", "aif"])
def test_arguebuf_reads_claims_and_relations(build, loader):
    conn = sqlite3.connect(build.outputs[0])
    for debate, document in documents(build).items():
        graph = arguebuf.load.xaif(document) if loader == "xaif" else arguebuf.load.aif(document["AIF"])
        claim_of = aif.claim_ids(conn, debate)
        assert {claim_of[i]: n.plain_text for i, n in graph.atom_nodes.items()} == {
            c: build.kb.claims[c].text for c in claim_of.values()
        }
        relations = debate_relations(conn, debate)
        assert structure(graph, claim_of) == expected(relations)
        # every inference is reached: supports' RAs have a premise; undercut RAs are attacked
        for scheme in graph.scheme_nodes.values():
            assert graph.incoming_nodes(scheme) and graph.outgoing_nodes(scheme)


def test_undercut_attacks_an_inference(mini_build):
    """growth-needs-institutions undercuts back-big-cities: its CA points at an RA concluding back-big-cities."""
    [document] = documents(mini_build).values()
    nodes = {n["nodeID"]: n for n in document["AIF"]["nodes"]}
    edges = [(e["fromID"], e["toID"]) for e in document["AIF"]["edges"]]
    conn = sqlite3.connect(mini_build.outputs[0])
    ids = {claim: i for i, claim in aif.claim_ids(conn, "main").items()}
    conflicts = [b for a, b in edges if a == ids["growth-needs-institutions"] and nodes[b]["type"] == "CA"]
    targets = {nodes[b]["type"]: b for a, b in edges for ca in conflicts if a == ca}
    assert "RA" in targets
    assert (targets["RA"], ids["back-big-cities"]) in edges


def test_ova_layout_block(build):
    for document in documents(build).values():
        aif_ids = [n["nodeID"] for n in document["AIF"]["nodes"]]
        layout = document["OVA"]["nodes"]
        assert [n["nodeID"] for n in layout] == aif_ids
        assert all(isinstance(n["x"], int) and isinstance(n["y"], int) and n["x"] >= 0 and n["y"] >= 0 for n in layout)
        assert len({(n["x"], n["y"]) for n in layout}) == len(layout)  # no two boxes on the same spot
        assert [(e["fromID"], e["toID"]) for e in document["OVA"]["edges"]] == [
            (e["fromID"], e["toID"]) for e in document["AIF"]["edges"]
        ]
        assert document["text"]["txt"]
        ys = {n["nodeID"]: n["y"] for n in layout}
        for edge in document["AIF"]["edges"]:  # conclusions above their reasons (no cycles in the fixtures)
            assert ys[edge["toID"]] < ys[edge["fromID"]], edge
