"""The real knowledge base in this repository: clean, complete enough to teach from, and stable."""
from __future__ import annotations

import re
import subprocess
from collections import Counter

import networkx as nx
import pytest

from conftest import ROOT
from kb import pipeline
from kb.load import project_files

SCHEMA_LINES = {
    "source": "# yaml-language-server: $schema=../kb/schemas/source.schema.json",
    "debate": "# yaml-language-server: $schema=../kb/schemas/debate.schema.json",
    "vocab": "# yaml-language-server: $schema=../kb/schemas/vocabulary.schema.json",
}
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def checked():
    return pipeline.check(ROOT)


def test_real_kb_has_no_errors_or_warnings(checked):
    _, report = checked
    assert [str(d) for d in report.sorted()] == []


@pytest.mark.parametrize("path,kind", project_files(ROOT), ids=lambda v: getattr(v, "name", v))
def test_every_file_names_its_schema_for_editors(path, kind):
    expected = SCHEMA_LINES[kind]
    if kind == "vocab" and path.stem in ("concepts", "places"):  # these two have schemas of their own
        expected = f"# yaml-language-server: $schema=../kb/schemas/{path.stem}.schema.json"
    assert path.read_text(encoding="utf-8").splitlines()[0] == expected


def test_counts(checked):
    kb, _ = checked
    attacks = [r for r in kb.relations if r.is_attack]
    assert len(kb.sources) >= 80
    assert len(kb.claims) >= 180
    assert sum(1 for _ in kb.evidence()) >= 250
    assert len(attacks) >= 80


def test_every_position_has_at_least_20_claims(checked):
    kb, _ = checked
    per_position = Counter(c.position for c in kb.claims.values())
    assert set(per_position) == set(kb.positions)
    assert min(per_position.values()) >= 20, per_position


def test_every_empirical_or_causal_claim_has_evidence(checked):
    kb, _ = checked
    bare = [c.id for c in kb.claims.values() if c.kind in ("empirical", "causal") and not c.evidence]
    assert bare == []


def test_impact_evaluations_carry_an_sms_level(checked):
    """Randomised trials are SMS 5 by definition; quasi-experimental evaluations of spatial policy need a level.

    (Quasi-experimental studies of something other than a policy, such as trade shocks and voting, need not.)
    """
    kb, _ = checked
    policy = {"policy-evaluation", "spatial-policy"}
    trials = [e.id for e in kb.evidence() if e.design == "randomised-trial" and e.sms != 5]
    evaluations = [
        e.id for e in kb.evidence()
        if e.design == "quasi-experimental" and policy & set(kb.claims[e.claim].themes) and e.sms is None
    ]
    assert trials == [] and evaluations == []


def test_every_claim_reachable_from_a_debate_root(checked):
    kb, _ = checked
    g = nx.Graph()
    g.add_nodes_from(kb.claims)
    g.add_edges_from((r.source, r.target) for r in kb.relations)
    roots = {root for d in kb.debates.values() for root in d.roots}
    assert all(d.roots for d in kb.debates.values()), "every debate names its roots"
    reached = set().union(*(nx.node_connected_component(g, r) for r in roots))
    assert sorted(set(kb.claims) - reached) == []


def test_no_orphan_sources(checked):
    kb, _ = checked
    cited = {a.source for c in kb.claims.values() for a in c.attributions} | {e.source for e in kb.evidence()}
    assert sorted(set(kb.sources) - cited) == []


def test_every_position_is_attacked_by_another(checked):
    kb, _ = checked
    attacked_by = {}
    for r in kb.relations:
        if r.is_attack:
            target, attacker = kb.claims[r.target].position, kb.claims[r.source].position
            if target != attacker:
                attacked_by.setdefault(target, set()).add(attacker)
    assert set(attacked_by) == set(kb.positions), attacked_by


def test_every_attack_is_answered_or_listed_open(real_client, checked):
    kb, _ = checked
    attacks = {(r.source, r.target) for r in kb.relations if r.is_attack}
    attacked = {r.target for r in kb.relations if r.is_attack}
    answered = {a for a in attacks if a[0] in attacked}
    open_rows = real_client.json("/kb/unanswered_counterarguments.json?_shape=array&_size=max")
    listed_open = {(r["attacker"], r["target"]) for r in open_rows}
    assert answered | listed_open == attacks and not (answered & listed_open)


@pytest.mark.parametrize("release", sorted((ROOT / "releases").glob("*.txt")), ids=lambda p: p.stem)
def test_released_ids_still_resolve(checked, release):
    """Citations and links use claim ids: every id ever released must resolve, directly or via replaced_by."""
    kb, _ = checked
    ids = [line.strip() for line in release.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert ids, f"{release} is empty"
    assert [i for i in ids if kb.resolve(i) is None] == []


def test_schema_parts_are_exercised(checked):
    kb, _ = checked
    assert any(c.parent for c in kb.claims.values()), "a nested counterargument"
    assert any(c.parent and kb.claims[c.parent].parent for c in kb.claims.values()), "a response"
    assert any(e.figure for e in kb.evidence()), "a numeric finding"
    assert any(e.sms for e in kb.evidence()), "an SMS level"


@pytest.mark.skipif(not (SHARED / "tools" / "copied-text").exists(), reason="the shared copied-text tool is not available here")
def test_no_text_copied_from_the_seed():
    """No run of 8+ words shared with the seed, except the exact title of a work the seed lists.

    The seed's reading list names two companion papers; their titles are bibliographic facts and must
    stay exact (a wrong citation is worse than a flagged one). Anything else flagged fails: prose
    copied into a claim, summary or finding can never be excused this way.
    """
    for seed in sorted((SHARED / "seed").glob("*.txt")):
        result = subprocess.run([str(SHARED / "tools" / "copied-text"), str(seed)], cwd=ROOT, capture_output=True, text=True)
        for line in result.stdout.splitlines():
            where, run = line.split(": ", 1)
            path, lineno = where.rsplit(":", 1)
            text = (ROOT / path).read_text(encoding="utf-8").splitlines()[int(lineno) - 1]
            assert path.startswith("sources/") and text.startswith("title:"), f"copied text: {line}"
            title = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text[len("title:"):].lower().replace("\u2019", "'"))
            assert run.split() == title, f"copied text beyond a title: {line}"
