"""What the reading-room pages show, computed from real built databases (no server)."""
from __future__ import annotations

import doctest
import sqlite3

import pytest
from markupsafe import Markup

import kb.pages
from conftest import FIXTURES
from kb import pipeline
from kb.pages import claim_page, debate_page, home_page, search, source_page, term_page

BASE = "http://127.0.0.1:8001"


def test_doctests():
    assert doctest.testmod(kb.pages).failed == 0


@pytest.fixture(scope="module")
def mini(mini_db):
    return mini_db


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    build = pipeline.build(FIXTURES / "hostile", tmp_path_factory.mktemp("hostile"))
    return sqlite3.connect(build.outputs[0])


def test_claim_page_content(mini):
    page = claim_page(mini, "cities-drive-growth", base_url=BASE)
    assert page["claim"]["text"] == "Dense cities drive national growth."
    assert page["claim"]["summary_html"] == Markup("<p>A <em>markdown</em> summary.</p>")
    assert page["claim"]["scope_places"] == ["UK", "France"]
    assert page["position"]["name"] == "Agglomeration"
    assert [t["id"] for t in page["themes"]] == ["cities"]
    assert [c.id for c in page["supporters"]] == ["back-big-cities"]
    assert [c.id for c in page["qualifiers"]] == ["growth-needs-institutions"]
    assert [c.id for c in page["attackers"]] == ["places-differ"]
    [attribution] = page["attributions"]
    assert (attribution["locator"], attribution["quote"]) == ("p. 12", "engines of growth")
    assert "Cities and growth" in attribution["reference"] and "Journal of Tests" in attribution["reference"]
    assert [(e["id"], e["design_name"], e["sms"], e["direction"]) for e in page["evidence"]] == [
        ("smith-elasticity", "Meta-analysis", None, "supports"), ("cities-drive-growth-e2", "Quasi-experiment", 4, "challenges"),
    ]
    assert page["evidence"][0]["figure"] == "0.04 elasticity (productivity with respect to density)"
    assert page["map_nodes"] == 5 and page["map_svg"].startswith("<svg")


def test_cite_this_claim_has_version_and_permalink(mini):
    page = claim_page(mini, "places-differ", base_url="https://kb.example.org", prefix="/")
    citation = page["citation"]
    assert citation["permalink"] == "https://kb.example.org/kb/claims/places-differ"
    assert citation["version"] == kb.__version__
    assert "Places differ too much for one rule" in citation["text"]
    assert f"Version {kb.__version__}" in citation["text"] and citation["permalink"] in citation["text"]
    assert isinstance(citation["html"], Markup) and "https://kb.example.org/kb/claims/places-differ" in citation["html"]
    # and the underlying source, formatted
    assert any("A report on places" in r for r in page["references_text"])


def test_claim_page_targets_and_parent(mini):
    page = claim_page(mini, "differences-are-sorting", base_url=BASE)
    assert page["parent"]["id"] == "places-differ"
    assert page["targets"] == [{"id": "places-differ", "text": "Places differ too much for one rule.",
                                "verb": "undermines", "url": "/kb/claims/places-differ"}]


def test_retired_id_and_unknown(mini):
    assert claim_page(mini, "old-claim-id", base_url=BASE)["claim"]["id"] == "growth-needs-institutions"
    assert claim_page(mini, "nothing", base_url=BASE) is None
    assert kb.pages.retired_target(mini, "old-claim-id")["resolves_to"] == "growth-needs-institutions"


def test_claim_extras_are_merged(mini):
    page = claim_page(mini, "places-differ", base_url=BASE,
                      extras=[lambda conn, arg: {"status": f"{len(arg.root.attackers)} attack(s)"}])
    assert page["status"] == "1 attack(s)"


def test_home_page(mini):
    page = home_page(mini)
    assert page["totals"] == {"claims": 5, "evidence": 3, "sources": 3, "attacks": 3, "unanswered": 2}
    assert [(p["id"], p["claims"]) for p in page["positions"]] == [("agglomeration", 3), ("place-based", 2)]
    assert {t["id"]: t["claims"] for t in page["themes"]} == {"cities": 3, "policy": 3}
    [debate] = page["debates"]
    assert [c["id"] for c in debate["roots"]] == ["cities-drive-growth"]
    assert debate["roots"][0]["attackers"] == 1 and debate["roots"][0]["supporters"] == 1


def test_source_page(mini):
    page = source_page(mini, "jones-2019-chapter")
    assert [a["claim"] for a in page["argues"]] == ["differences-are-sorting"]
    assert [(e["id"], e["claim"], e["sms"]) for e in page["evidences"]] == [
        ("cities-drive-growth-e2", "cities-drive-growth", 4), ("differences-are-sorting-e1", "differences-are-sorting", 3),
    ]
    assert [(a["role"], a["name"]) for a in page["authors"]] == [("author", "Bo Jones"), ("editor", "Cy Lee")]
    smith = source_page(mini, "smith-2020-cities")
    assert smith["links"] == [("DOI 10.1234/jt.2020.1", "https://doi.org/10.1234/jt.2020.1")]
    assert source_page(mini, "nothing") is None


def test_position_and_theme_pages(mini):
    position = term_page(mini, "positions", "place-based")
    assert [c["id"] for c in position["claims"]] == ["places-differ", "growth-needs-institutions"]
    assert [s["id"] for s in position["sources"]] == ["agency-2021-report"]
    theme = term_page(mini, "themes", "policy")
    assert [c["id"] for c in theme["claims"]] == ["places-differ", "back-big-cities", "growth-needs-institutions"]
    assert [g["title"] for g in theme["groups"]] == ["Main test debate"]
    assert term_page(mini, "themes", "nothing") is None


def test_debate_page(mini):
    page = debate_page(mini, "main")
    assert [c["id"] for c in page["roots"]] == ["cities-drive-growth"]
    assert len(page["claims"]) == 5


def test_search_stems_ranks_and_highlights(mini):
    found = search(mini, "city")
    assert {c["id"] for c in found["claims"]} == {"cities-drive-growth", "back-big-cities"}
    assert [s["id"] for s in found["sources"]] == ["smith-2020-cities"]
    assert "<mark>cities</mark>" in found["claims"][0]["snippet"]
    assert [c["id"] for c in search(mini, "dense cities")["claims"]] == ["cities-drive-growth"]  # every word must match
    assert [e["id"] for e in search(mini, "wage gap")["evidence"]] == ["differences-are-sorting-e1"]
    # FTS syntax in the query is not an error, and empty input finds nothing
    assert search(mini, '"unbalanced AND (')["total"] == 0
    assert search(mini, "   ")["total"] == 0


def test_hostile_strings_stay_text(hostile):
    page = claim_page(hostile, "script-claim", base_url=BASE)
    summary = str(page["claim"]["summary_html"])
    assert "<script" not in summary and "<img" not in summary and "javascript:" not in summary.split("href=")[-1]
    assert 'href="https://example.org/synthetic"' in summary
    assert "&lt;img" in summary  # raw HTML in markdown is shown, not obeyed
    assert "<svg onload" not in page["map_svg"] and "&lt;svg onload" in page["map_svg"]
    for reference in page["references"]:
        assert "<script" not in reference
    source = source_page(hostile, "synthetic-2020-hostile")
    assert "<a " not in source["summary_html"] and "<style" not in source["summary_html"]
    assert "&lt;a href=" in source["summary_html"]  # shown as text
    snippet = search(hostile, "pwned")["claims"][0]["snippet"]
    assert "<script" not in snippet and "&lt;script&gt;" in snippet and "<mark>pwned</mark>" in snippet
