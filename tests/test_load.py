"""The located YAML loader: positions, duplicate keys, encodings."""
from __future__ import annotations

import doctest

import kb.load
from kb.diagnostics import Report
from kb.load import LocList, LocMap, decode, parse_yaml


def test_doctests():
    assert doctest.testmod(kb.load).failed == 0


def test_positions_of_keys_values_and_items():
    report = Report()
    doc = parse_yaml("a: 1\nlist:\n  - x\n  - {k: v}\n", "f.yml", report)
    assert report.items == []
    assert isinstance(doc, LocMap) and isinstance(doc["list"], LocList)
    assert str(doc.key_loc("list")) == "f.yml:2:1"
    assert str(doc["list"].item_loc(1)) == "f.yml:4:5"
    assert str(doc["list"][1].value_loc("k")) == "f.yml:4:9"


def test_dates_stay_as_written():
    doc = parse_yaml("issued: 2021-06-30\nyear: 2020\n", "f.yml", Report())
    assert doc == {"issued": "2021-06-30", "year": 2020}


def test_duplicate_key_keeps_first_and_reports_second():
    report = Report()
    doc = parse_yaml("id: a\nid: b\n", "f.yml", report)
    assert doc["id"] == "a"
    assert [str(d) for d in report.items] == [
        "f.yml:2:1: error: duplicate key 'id' (first at line 1) "
        "(YAML would silently keep only the last one; remove or rename one of them)"
    ]


def test_duplicate_keys_in_nested_mappings():
    report = Report()
    parse_yaml("claims:\n  - id: a\n    text: x\n    text: y\n", "f.yml", report)
    assert [d.loc.line for d in report.items] == [4]


def test_byte_order_mark_is_accepted():
    report = Report()
    assert decode("\ufeffid: a\n".encode("utf-8"), "f.yml", report) == "id: a\n"
    assert report.items == []


def test_tab_indentation_gets_a_hint():
    report = Report()
    assert parse_yaml("a:\n\tb: 1\n", "f.yml", report) is None
    assert "use spaces" in str(report.items[0])
