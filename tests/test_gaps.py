"""Gaps: the views, the evidence-gap matrix, ``kb gaps`` and the canned queries that match them."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from conftest import write
from kb import gaps, pipeline
from kb.cli import cli

GAPPY = """title: Gappy
claims:
  - id: bare-empirical
    text: Towns grew faster.
    position: people-based
    kind: empirical
    themes: [policy]
    attributed_to: [{source: smith-2020-cities}]
  - id: theory-only
    text: Firms cluster to share suppliers in the North.
    position: agglomeration
    kind: causal
    themes: [cities]
    attributed_to: [{source: smith-2020-cities}]
    evidence:
      - {source: smith-2020-cities, finding: A model says so., design: theory, direction: supports}
"""


@pytest.fixture(scope="module")
def gappy(tmp_path_factory):
    import shutil

    from conftest import MINI

    root = tmp_path_factory.mktemp("gappy") / "project"
    shutil.copytree(MINI, root, ignore=shutil.ignore_patterns(".kb-cache", "dist"))
    write(root, "claims/gappy.yml", GAPPY)
    positions = root / "vocab/positions.yml"
    positions.write_text(positions.read_text() + "  - {id: people-based, name: People-based, description: People.}\n")
    write(root, "sources/lonely-2000-book.yml", "id: lonely-2000-book\ntype: book\ntitle: Nobody cites me\nissued: 2000\nverified: false\n")
    return pipeline.build(root, root / "dist")


def by_name(build):
    return {g.name: g.rows for g in gaps.find(build.outputs[0])}


def test_each_gap(gappy):
    found = by_name(gappy)
    assert [r["claim"] for r in found["claims-without-evidence"]] == ["bare-empirical"]
    assert [(r["claim"], r["designs"]) for r in found["claims-resting-on-theory"]] == [("theory-only", "theory")]
    assert {(r["attacker"], r["target"]) for r in found["unanswered-counterarguments"]} == {
        ("differences-are-sorting", "places-differ"), ("growth-needs-institutions", "back-big-cities")}
    assert [r["source"] for r in found["uncited-sources"]] == ["lonely-2000-book"]
    assert [(r["position"], r["claims"]) for r in found["unchallenged-positions"]] == [("people-based", 1)]
    assert [r["theme"] for r in found["themes-without-empirical-evidence"]] == ["policy"]


def test_mini_has_no_evidence_gaps(mini_build):
    found = by_name(mini_build)
    assert found["claims-without-evidence"] == [] and found["claims-resting-on-theory"] == []
    assert found["uncited-sources"] == [] and found["unchallenged-positions"] == []


def test_evidence_gap_matrix(mini_build):
    conn = sqlite3.connect(mini_build.outputs[0])
    cells = {(r[0], r[1]): r[2:] for r in conn.execute(
        "select theme, design, items, claims, sms_3, sms_4, sms_none from evidence_gap_matrix")}
    assert len(cells) == 2 * 3  # every theme against every design, empty cells included
    assert cells[("cities", "meta-analysis")] == (1, 1, 0, 0, 1)
    assert cells[("cities", "quasi-experimental")] == (2, 2, 1, 1, 0)
    assert cells[("policy", "theory")] == (0, 0, 0, 0, 0)


def test_kb_gaps_prints_a_report(gappy):
    result = CliRunner().invoke(cli, ["gaps", "--db", str(gappy.outputs[0])])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Empirical or causal claims with no evidence (1)"
    assert lines[1] == "  bare-empirical  [people-based, empirical]"
    assert lines[2] == "      Towns grew faster."
    assert "  theory-only  [agglomeration, causal; evidence: theory]" in lines
    assert "  lonely-2000-book: Nobody cites me" in lines
    assert "  people-based (People-based): 1 claim, none attacked" in lines


def test_kb_gaps_json(gappy):
    result = CliRunner().invoke(cli, ["gaps", "--db", str(gappy.outputs[0]), "--json"])
    data = json.loads(result.output)
    assert list(data) == [name for name, _, _ in gaps.SECTIONS]


def test_kb_gaps_without_database(tmp_path):
    result = CliRunner().invoke(cli, ["gaps", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "run 'kb build' first" in result.output


def test_kb_gaps_on_the_real_kb(real_build):
    result = CliRunner().invoke(cli, ["gaps", "--db", str(real_build.outputs[0])])
    assert result.exit_code == 0 and "Counterarguments nothing answers yet" in result.output


def test_canned_queries_match_the_gaps(gappy):
    from conftest import Client

    client = Client(gappy.outputs[0])
    try:
        def rows(path):
            return client.json(path + "&_shape=array")

        assert [r["claim"] for r in rows("/kb/claims_without_evidence.json?position=people-based")] == ["bare-empirical"]
        assert rows("/kb/claims_without_evidence.json?position=agglomeration") == []
        # "which claims about the North of England rest only on theory?"
        assert [r["claim"] for r in rows("/kb/claims_resting_on_theory.json?place=north")] == ["theory-only"]
        assert [r["claim"] for r in rows("/kb/claims_resting_on_theory.json?place=uk")] == ["theory-only"]
        assert rows("/kb/claims_resting_on_theory.json?place=france") == []
        assert [r["source"] for r in rows("/kb/sources_cited_nowhere.json?")] == ["lonely-2000-book"]
        assert [r["position"] for r in rows("/kb/positions_never_challenged.json?")] == ["people-based"]
        assert [r["claim"] for r in rows("/kb/claims_about_place.json?place=england")] == ["theory-only"]
        assert {r["claim"] for r in rows("/kb/claims_about_place.json?place=uk")} == {"theory-only", "cities-drive-growth"}
        assert [r["claim"] for r in rows("/kb/claims_mentioning_concept.json?concept=institutions")] == [
            "growth-needs-institutions"]
        assert [r["items"] for r in rows("/kb/evidence_gaps_for_theme.json?theme=policy")] == [0, 0, 0]
    finally:
        client.close()
