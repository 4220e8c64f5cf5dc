"""The published database through Datasette's own test client: descriptions, facets, canned queries."""
from __future__ import annotations

import re
import sqlite3

import pytest

from conftest import metadata

QUERIES = metadata()["databases"]["kb"]["queries"]


def visible_tables_and_columns(db_path):
    conn = sqlite3.connect(db_path)
    try:
        names = [r[0] for r in conn.execute(
            "select name from sqlite_master where type in ('table', 'view') and name not like '%_fts%' "
            "and name not like 'sqlite_%' order by name")]
        return {n: [r[1] for r in conn.execute(f"pragma table_info([{n}])")] for n in names}
    finally:
        conn.close()


def test_every_table_and_column_is_described(real_build):
    described = metadata()["databases"]["kb"]["tables"]
    for table, columns in visible_tables_and_columns(real_build.outputs[0]).items():
        assert table in described, f"metadata.yml has no entry for table {table}"
        assert described[table].get("description"), f"table {table} has no description"
        missing = [c for c in columns if c not in described[table].get("columns", {})]
        assert not missing, f"columns of {table} without a description: {missing}"
    # and nothing described that does not exist
    assert set(described) <= set(visible_tables_and_columns(real_build.outputs[0]))


def test_metadata_names_title_licence_source():
    meta = metadata()
    for key in ("title", "license", "license_url", "source", "about"):
        assert meta.get(key), key
    assert "CC BY 4.0" in meta["license"] and "MIT" in meta["license"]


def test_at_least_six_canned_queries_with_named_parameters():
    with_params = [name for name, q in QUERIES.items() if re.search(r":\w+", q["sql"])]
    assert len(with_params) >= 6


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_canned_query_runs_on_real_kb(real_client, real_build, name):
    params = {p: "" for p in re.findall(r":(\w+)", QUERIES[name]["sql"])}
    some_claim = next(iter(real_build.kb.claims))
    some_source = next(iter(real_build.kb.sources))
    params.update({k: v for k, v in {"claim": some_claim, "source": some_source, "q": "agglomeration"}.items() if k in params})
    query = "&".join(f"{k}={v}" for k, v in params.items())
    real_client.json(f"/kb/{name}.json?{query}&_shape=array")


def rows(client, path):
    return client.json(path + ("&" if "?" in path else "?") + "_shape=array")


def test_argument_for_claim(mini_client):
    got = {(r["role"], r["id"]) for r in rows(mini_client, "/kb/argument_for_claim.json?claim=cities-drive-growth")}
    assert got == {
        ("claim", "cities-drive-growth"),
        ("attribution", "smith-2020-cities"),
        ("evidence", "smith-elasticity"), ("evidence", "cities-drive-growth-e2"),
        ("supporter", "back-big-cities"), ("supporter", "growth-needs-institutions"),
        ("counterargument", "places-differ"),
        ("response", "differences-are-sorting"),
    }


def test_counterarguments_of_claim(mini_client):
    got = rows(mini_client, "/kb/counterarguments_of_claim.json?claim=places-differ")
    assert [(r["attacker"], r["attack_type"], r["answered"]) for r in got] == [("differences-are-sorting", "undermine", 0)]


def test_evidence_by_design_and_sms(mini_client):
    got = rows(mini_client, "/kb/evidence_by_design.json?design=quasi-experimental&min_sms=4")
    assert [r["id"] for r in got] == ["cities-drive-growth-e2"]
    everything = rows(mini_client, "/kb/evidence_by_design.json?design=&min_sms=")
    assert len(everything) == 3


def test_claims_by_position_and_theme(mini_client):
    got = rows(mini_client, "/kb/claims_by_position_and_theme.json?position=place-based&theme=cities")
    assert [r["id"] for r in got] == ["growth-needs-institutions"]
    assert len(rows(mini_client, "/kb/claims_by_position_and_theme.json?position=&theme=")) == 5


def test_unanswered_counterarguments(mini_client):
    got = rows(mini_client, "/kb/unanswered_counterarguments_by_position.json?position=place-based")
    assert [(r["attacker"], r["target"]) for r in got] == [("growth-needs-institutions", "back-big-cities")]


def test_citing_source(mini_client):
    got = rows(mini_client, "/kb/citing_source.json?source=smith-2020-cities")
    assert sorted((r["role"], r["claim"]) for r in got) == [
        ("attribution", "back-big-cities"), ("attribution", "cities-drive-growth"), ("evidence", "cities-drive-growth"),
    ]


def test_search_everything(mini_client):
    got = rows(mini_client, "/kb/search_everything.json?q=city")
    assert {(r["kind"], r["id"]) for r in got} >= {("claim", "cities-drive-growth"), ("source", "smith-2020-cities")}
    # FTS syntax in user input is escaped, not an error
    rows(mini_client, '/kb/search_everything.json?q=%22unbalanced')


def test_table_search_facets_and_labels(mini_client):
    data = mini_client.json("/kb/claims.json?_search=institutions")
    assert [r[0] for r in data["rows"]] == ["growth-needs-institutions"]
    facets = mini_client.json("/kb/claims.json?_facet=position")["facet_results"]
    assert {f["value"] for f in facets["position"]["results"]} == {"agglomeration", "place-based"}
    labelled = mini_client.json("/kb/relations.json?_labels=on&_shape=array&type=undercut")
    assert labelled[0]["to_claim"] == {"value": "back-big-cities", "label": "Policy should back the biggest cities."}


def test_claim_permalink_and_read_only(mini_client):
    assert mini_client.get("/kb/claims/cities-drive-growth").status_code == 200
    assert mini_client.json("/-/databases.json")[0]["is_mutable"] is False


def test_table_descriptions_shown(mini_client):
    html = mini_client.get("/kb/evidence").text
    assert "Maryland Scientific Methods Scale" in html
