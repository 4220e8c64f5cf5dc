"""Pages for derived knowledge: claim status, concept and place pages, the evidence-gap matrix."""
from __future__ import annotations

import sqlite3

import pytest

from kb import derived_pages, plugin
from kb.argument import load_argument
from test_plugin import Page, assert_strict_csp_satisfied


@pytest.fixture(scope="module")
def conn(mini_build):
    connection = sqlite3.connect(mini_build.outputs[0])
    yield connection
    connection.close()


def test_registered_with_the_reading_room():
    assert derived_pages.claim_status in plugin.CLAIM_EXTRAS and derived_pages.claim_tags in plugin.CLAIM_EXTRAS
    assert {"concepts", "places"} <= set(plugin.ROW_PAGES)
    derived_pages.register()  # a second call changes nothing
    assert plugin.CLAIM_EXTRAS.count(derived_pages.claim_status) == 1


def test_claim_status_context(conn):
    status = derived_pages.claim_status(conn, load_argument(conn, "cities-drive-growth"))["derived_status"]
    assert (status["main"]["status"], status["main"]["text"]) == ("contested", "Contested in this knowledge base")
    assert [r["text"] for r in status["main"]["open"]] == ["Zones displaced activity."]
    assert status["changes"] is True
    assert [(r["perspective"], r["status"]) for r in status["others"]] == [
        ("arguments-only", "stands"), ("sms-3-plus", "answered"), ("empirical-designs", "contested"),
        ("uk-evidence", "answered")]
    answered = derived_pages.claim_status(conn, load_argument(conn, "places-differ"))["derived_status"]["main"]
    assert [(r["kind"], r["id"]) for r in answered["standing"]] == [("claim", "differences-are-sorting")]


def test_claim_tags_context(conn):
    tags = derived_pages.claim_tags(conn, load_argument(conn, "cities-drive-growth"))["derived_tags"]
    assert [(c["id"], c["mentions"]) for c in tags["concepts"]] == [("density", 2)]
    assert [p["id"] for p in tags["places"]] == ["uk", "france"]


def test_concept_page(conn):
    page = derived_pages.concept_page(conn, "density")
    assert [c["id"] for c in page["claims"]] == ["cities-drive-growth"]
    assert page["claims"][0]["spans"] == ["“Dense cities” (text)", "“density” (evidence)"]
    assert [g["status"] for g in page["groups"]] == ["contested"]
    assert page["phrases"] == ["Density", "dense city"]
    assert derived_pages.concept_page(conn, "nothing") is None


def test_place_page_follows_the_hierarchy(conn):
    uk = derived_pages.place_page(conn, "uk")
    assert [c["id"] for c in uk["claims"]] == ["cities-drive-growth"]
    assert [p["id"] for p in uk["contains"]] == ["england"]
    assert uk["evidence_count"] == 1
    north = derived_pages.place_page(conn, "north")
    assert [p["id"] for p in north["within"]] == ["uk", "england"]
    assert north["claims"] == []


def test_evidence_gaps_page(conn):
    page = derived_pages.evidence_gaps_page(conn)
    assert [r["theme"]["id"] for r in page["matrix"]] == ["cities", "policy"]
    assert [d["id"] for d in page["designs"]] == ["meta-analysis", "quasi-experimental", "theory"]  # empirical first
    cities = {c["design"]: c for c in page["matrix"][0]["cells"]}
    assert (cities["quasi-experimental"]["count"], cities["quasi-experimental"]["sms"]) == (2, ["SMS 3: 1", "SMS 4: 1"])
    assert page["column_totals"] == [1, 2, 0] and page["empty"] == 4
    assert [t["id"] for t in page["without_empirical"]] == ["policy"]


# --------------------------------------------------------------------------- served by Datasette


def test_claim_page_shows_status_and_perspectives(mini_client):
    response = mini_client.get("/kb/claims/cities-drive-growth")
    page = assert_strict_csp_satisfied(response)
    assert "Contested in this knowledge base : its counterarguments and their replies go round" in page.text
    assert "not whether the claim is true" in page.text
    rows = [a for t, a in page.tags if t == "tr" and "data-perspective" in a]
    assert [r["data-perspective"] for r in rows] == ["arguments-only", "sms-3-plus", "empirical-designs", "uk-evidence"]
    assert page.text.count("(changes)") == 3
    assert "/kb/concepts/density" in page.links() and "/kb/places/uk" in page.links()


def test_concept_and_place_pages(mini_client):
    page = assert_strict_csp_satisfied(mini_client.get("/kb/concepts/density"))
    assert "Density" in page.text and "Contested in this knowledge base (1)" in page.text
    assert "/kb/claims/cities-drive-growth" in page.links()
    page = assert_strict_csp_satisfied(mini_client.get("/kb/places/uk"))
    assert "1 claim about United Kingdom or a place within it" in page.text
    assert "/kb/places/england" in page.links()
    plain = mini_client.get("/kb/places/uk?_plain=1")
    assert plain.status_code == 200 and 'class="kb-place"' not in plain.text


def test_missing_concept_or_place_gets_a_reading_room_404(mini_client):
    response = mini_client.get("/kb/places/atlantis")
    assert response.status_code == 404
    assert "No place called atlantis" in Page(response.text).text


def test_evidence_gap_matrix_page(mini_client):
    assert {"href": "/-/evidence-gaps", "label": "Evidence-gap matrix"} in derived_pages.menu_links(None, None, None)
    page = assert_strict_csp_satisfied(mini_client.get("/-/evidence-gaps"))
    assert "4 of 6 cells are empty" in page.text
    cells = [a for t, a in page.tags if t == "td" and "data-design" in a]
    assert len(cells) == 6
    assert sum("kb-gap" in a["class"] for a in cells) == 4
    link = next(h for h in page.links() if "evidence_of_theme_and_design" in h and "quasi-experimental" in h)
    got = mini_client.json(link.replace("?", ".json?", 1) + "&_shape=array")
    assert sorted(r["id"] for r in got) == ["cities-drive-growth-e2", "differences-are-sorting-e1"]
