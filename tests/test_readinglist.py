"""kb.readinglist: works behind a theme or position, grouped by position, each with what it argues."""
from __future__ import annotations

import doctest
import sqlite3

import pytest

import kb.readinglist
from kb import readinglist
from kb.selection import SelectionError


@pytest.fixture(scope="module")
def mini(mini_db):
    return mini_db


def test_doctests():
    assert doctest.testmod(kb.readinglist).failed == 0


def test_groups_by_the_positions_works_argue_for(mini):
    data = readinglist.build(mini, theme="cities", fmt="md")
    assert data.label == "Theme: Cities"
    groups = {g.name: [e.id for e in g.entries] for g in data.groups}
    # smith argues for agglomeration, agency for place-based; jones has no position
    assert groups == {
        "Agglomeration": ["smith-2020-cities"],
        "Place-based": ["agency-2021-report"],
        "Other works cited": ["jones-2019-chapter"],
    }
    [smith] = data.groups[0].entries
    assert smith.argues == "Finds that cities are productive."
    assert smith.reference.startswith("Smith, A., & de Groot, H. (2020). Cities and growth.")


def test_markdown_and_html(mini):
    text = readinglist.reading_list(mini, position="agglomeration", style="chicago")
    assert text.startswith("# Reading list · Position: Agglomeration\n")
    assert "## Agglomeration\n\n- Smith, A., and H. de Groot. 2020. “Cities and Growth”." in text
    assert "\n  Finds that cities are productive.\n" in text
    assert "No summary yet." in text  # jones-2019-chapter has none
    page = readinglist.reading_list(mini, position="agglomeration", fmt="html")
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert '<li data-source="smith-2020-cities">Smith, A., &amp; de Groot, H. (2020).' in page
    assert '<a href="https://doi.org/10.1234/jt.2020.1"' in page


def test_a_work_with_two_positions_is_listed_under_both(project):
    from kb import pipeline

    path = project / "sources/smith-2020-cities.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("positions: [agglomeration]", "positions: [agglomeration, place-based]"),
                    encoding="utf-8")
    conn = sqlite3.connect(pipeline.build(project).outputs[0])
    data = readinglist.build(conn, theme="cities")
    placed = {g.name: {e.id: e.also for e in g.entries} for g in data.groups}
    assert placed["Agglomeration"]["smith-2020-cities"] == ["Place-based"]
    assert placed["Place-based"]["smith-2020-cities"] == ["Agglomeration"]


def test_unknown_theme(mini):
    with pytest.raises(SelectionError, match="unknown theme"):
        readinglist.build(mini, theme="nope")
