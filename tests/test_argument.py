"""The argument around a claim, read from a real built database."""
from __future__ import annotations

import doctest
import json
import sqlite3

import kb.argument
from kb.argument import load_argument, resolve


def test_doctests():
    assert doctest.testmod(kb.argument).failed == 0


def connect(build):
    return sqlite3.connect(build.outputs[0])


def test_tree_of_supporters_attackers_and_responses(mini_build):
    arg = load_argument(connect(mini_build), "cities-drive-growth")
    root = arg.root
    assert root.text == "Dense cities drive national growth."
    assert [(c.id, c.relation) for c in root.children] == [
        ("back-big-cities", "supports"), ("growth-needs-institutions", "qualifies"), ("places-differ", "rebut"),
    ]
    assert [c.id for c in root.supporters] == ["back-big-cities", "growth-needs-institutions"]
    [counter] = root.attackers
    assert [(r.id, r.relation) for r in counter.attackers] == [("differences-are-sorting", "undermine")]
    # growth-needs-institutions is reached once; its undercut of back-big-cities shows under back-big-cities
    back = root.children[0]
    assert [(c.id, c.relation) for c in back.children] == []  # already shown under the root
    assert sorted(arg.edges()) == sorted([
        ("back-big-cities", "cities-drive-growth", "supports"),
        ("growth-needs-institutions", "cities-drive-growth", "qualifies"),
        ("places-differ", "cities-drive-growth", "rebut"),
        ("differences-are-sorting", "places-differ", "undermine"),
    ])


def test_evidence_attributions_and_sources(mini_build):
    arg = load_argument(connect(mini_build), "cities-drive-growth")
    assert [(e.id, e.direction, e.sms, e.empirical) for e in arg.root.evidence] == [
        ("smith-elasticity", "supports", None, True), ("cities-drive-growth-e2", "challenges", 4, True),
    ]
    assert arg.root.evidence[0].figure_unit == "elasticity"
    assert arg.root.attributions[0].quote == "engines of growth"
    assert set(arg.sources) == {"smith-2020-cities", "jones-2019-chapter", "agency-2021-report"}
    assert arg.sources["smith-2020-cities"]["csl"]["DOI"] == "10.1234/jt.2020.1"
    assert arg.positions == {"agglomeration": "Agglomeration", "place-based": "Place-based"}


def test_targets_give_context(mini_build):
    arg = load_argument(connect(mini_build), "growth-needs-institutions")
    assert [(t.id, t.relation) for t in arg.targets] == [("cities-drive-growth", "qualifies"), ("back-big-cities", "undercut")]


def test_depth_limit_marks_truncation(mini_build):
    arg = load_argument(connect(mini_build), "cities-drive-growth", depth=1)
    counter = [c for c in arg.root.children if c.id == "places-differ"][0]
    assert counter.children == [] and counter.truncated


def test_retired_ids_resolve(mini_build):
    conn = connect(mini_build)
    assert resolve(conn, "old-claim-id") == "growth-needs-institutions"
    assert load_argument(conn, "old-claim-id").root.id == "growth-needs-institutions"
    assert load_argument(conn, "nothing-here") is None


def test_json_round_trip(mini_build):
    data = json.loads(json.dumps(load_argument(connect(mini_build), "cities-drive-growth").to_dict()))
    assert data["claim"]["id"] == "cities-drive-growth"
    assert data["claim"]["children"][2]["children"][0]["id"] == "differences-are-sorting"
