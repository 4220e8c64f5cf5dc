"""The SQLite database: declared schema, foreign keys, views, full-text search, build info."""
from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from kb import db


def connect(build) -> sqlite_utils.Database:
    return sqlite_utils.Database(sqlite3.connect(f"file:{build.outputs[0]}?mode=ro", uri=True))


def test_tables_have_declared_types_and_keys(mini_build):
    d = connect(mini_build)
    assert set(db.TABLES) <= set(d.table_names())
    assert d["claims"].pks == ["id"]
    assert d["attributions"].pks == ["claim", "seq"]
    assert d["evidence"].columns_dict["sms"] is int
    assert d["evidence"].columns_dict["figure_value"] is float
    fks = {(fk.column, fk.other_table) for fk in d["relations"].foreign_keys}
    assert fks == {("from_claim", "claims"), ("to_claim", "claims")}
    assert {(fk.column, fk.other_table) for fk in d["evidence"].foreign_keys} == {
        ("claim", "claims"), ("source", "sources"), ("design", "designs"),
    }
    assert ["position"] in [i.columns for i in d["claims"].indexes]


def test_foreign_keys_all_resolve(mini_build):
    d = connect(mini_build)
    assert list(d.execute("PRAGMA foreign_key_check").fetchall()) == []


def test_rows(mini_build):
    d = connect(mini_build)
    claim = d["claims"].get("places-differ")
    assert claim["parent"] == "cities-drive-growth" and claim["position"] == "place-based"
    assert d["claims"].get("cities-drive-growth")["is_root"] == 1
    assert json.loads(d["claims"].get("cities-drive-growth")["scope_places"]) == ["UK", "France"]
    ev = d["evidence"].get("smith-elasticity")
    assert (ev["figure_value"], ev["figure_unit"]) == (0.04, "elasticity")
    assert d["retired_claims"].get("old-claim-id")["resolves_to"] == "growth-needs-institutions"
    source = d["sources"].get("agency-2021-report")
    assert source["is_verified"] == 0 and source["verified"] is None and source["year"] == 2021
    assert [r["author"] for r in d["source_authors"].rows_where("source = ?", ["smith-2020-cities"], order_by="seq")] == [
        "smith-ann", "groot-henk",
    ]
    assert d["authors"].get("groot-henk")["name"] == "Henk de Groot"
    assert d["authors"].get("regional-agency")["literal"] == "Regional Agency"


def test_views(mini_build):
    d = connect(mini_build)
    counter = {r["attacker"]: r for r in d["counterarguments"].rows}
    assert counter["places-differ"]["answered"] == 1
    assert counter["differences-are-sorting"]["answered"] == 0
    unanswered = {r["attacker"] for r in d["unanswered_counterarguments"].rows}
    assert unanswered == {"differences-are-sorting", "growth-needs-institutions"}
    overview = {r["id"]: r for r in d["claim_overview"].rows}
    row = overview["cities-drive-growth"]
    assert (row["evidence_count"], row["supporting_evidence"], row["challenging_evidence"]) == (2, 1, 1)
    assert (row["supporters"], row["attackers"], row["max_sms"]) == (1, 1, 4)
    roles = sorted((r["role"], r["claim"]) for r in d["source_citations"].rows_where("source = ?", ["jones-2019-chapter"]))
    assert roles == [("attribution", "differences-are-sorting"), ("evidence", "cities-drive-growth"), ("evidence", "differences-are-sorting")]


def test_full_text_search_is_stemmed(mini_build):
    d = connect(mini_build)
    # 'city' matches 'cities' through the porter stemmer
    assert [r["id"] for r in d["claims"].search("city", columns=["id"])] == ["cities-drive-growth", "back-big-cities"] or \
        {r["id"] for r in d["claims"].search("city", columns=["id"])} == {"cities-drive-growth", "back-big-cities"}
    assert [r["id"] for r in d["evidence"].search("displaced", columns=["id"])] == ["cities-drive-growth-e2"]
    assert [r["id"] for r in d["sources"].search("report", columns=["id"])] == ["agency-2021-report"]


def test_build_info(mini_build):
    d = connect(mini_build)
    info = {r["key"]: r["value"] for r in d["build_info"].rows}
    assert info["kb_version"]
    assert len(info["content_hash"]) == 64
    assert json.loads(info["counts"])["claims"] == 5


def test_stats(mini_build):
    data = db.stats(mini_build.outputs[0])
    assert data["tables"]["claims"] == 5
    assert data["positions"] == {"agglomeration": 3, "place-based": 2}
