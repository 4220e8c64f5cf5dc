"""The NLP stage: concepts and places found with spaCy, written to real tables, cached by content hash."""
from __future__ import annotations

import doctest
import sqlite3
import subprocess
import sys

import pytest

import kb.nlp
from conftest import ROOT, query, table_rows, write
from kb import nlp, pipeline
from kb.diagnostics import Loc
from kb.model import Concept, KnowledgeBase, Place


def test_doctests():
    assert doctest.testmod(kb.nlp).failed == 0


@pytest.fixture(scope="module")
def analyser():
    kb = KnowledgeBase()
    for c in [
        Concept("left-behind", "Left-behind places", "", Loc("x"), patterns=["lagging region"]),
        Concept("spillovers", "Knowledge spillovers", "", Loc("x"), patterns=["tacit knowledge"]),
        Concept("s3", "Smart specialisation", "", Loc("x"), patterns=["smart specialization"], variants=["RIS3"]),
    ]:
        kb.concepts[c.id] = c
    for p in [
        Place("uk", "United Kingdom", "country", Loc("x"), patterns=["UK"]),
        Place("usa", "United States", "country", Loc("x"), patterns=["US"]),
        Place("england", "England", "nation", Loc("x"), within=["uk"]),
        Place("north", "North of England", "macro-region", Loc("x"), within=["england"], patterns=["the North"]),
    ]:
        kb.places[p.id] = p
    return nlp.Analyser(nlp.lexicon(kb))


def found(analyser, text):
    [a] = analyser.analyse([text])
    return [(t, text[s:e]) for t, s, e in a.concepts], [(t, text[s:e]) for t, s, e in a.places]


def test_concepts_match_lemmas_case_and_hyphens(analyser):
    concepts, _ = found(analyser, "Left behind places and LAGGING REGIONS gain little from knowledge spillovers.")
    assert concepts == [("left-behind", "Left behind places"), ("left-behind", "LAGGING REGIONS"),
                        ("spillovers", "knowledge spillovers")]
    concepts, _ = found(analyser, "Its left-behind place relies on tacit knowledge.")
    assert concepts == [("left-behind", "left-behind place"), ("spillovers", "tacit knowledge")]


def test_variants_keep_their_case(analyser):
    assert found(analyser, "Under RIS3, regions chose.")[0] == [("s3", "RIS3")]
    assert found(analyser, "Under ris3, regions chose.")[0] == []


def test_places_are_case_sensitive(analyser):
    assert found(analyser, "Firms in the US grew.")[1] == [("usa", "US")]
    assert found(analyser, "Let us see.")[1] == []
    # a pattern starting lowercase also matches capitalised at the start of a sentence
    assert found(analyser, "The North lags.")[1] == [("north", "The North")]


def test_longest_place_wins(analyser):
    assert found(analyser, "Wages in the North of England and in England.")[1] == [
        ("north", "North of England"), ("england", "England"),
    ]


def test_offsets_point_into_the_original_text(analyser):
    text = "Don\u2019t ignore left-behind places in the UK."
    [a] = analyser.analyse([text])
    assert [text[s:e] for _, s, e in a.concepts + a.places] == ["left-behind places", "UK"]


def test_content_lemmas_drop_stop_words_and_keep_negation(analyser):
    [a] = analyser.analyse(["Dense cities do not drive the national growth."])
    assert a.lemmas == ["dense", "city", "not", "drive", "national", "growth"]


# --------------------------------------------------------------------------- the built tables


def test_claim_concepts_and_places_in_mini_build(mini_build):
    assert query(mini_build, "select claim, concept, field, evidence, span from claim_concepts order by id") == [
        ("cities-drive-growth", "density", "text", None, "Dense cities"),
        ("cities-drive-growth", "density", "finding", "smith-elasticity", "density"),
        ("growth-needs-institutions", "institutions", "text", None, "local institutions"),
    ]
    assert query(mini_build, "select claim, place, field, evidence, span from claim_places order by id") == [
        ("cities-drive-growth", "uk", "scope", None, "UK"),
        ("cities-drive-growth", "france", "scope", None, "France"),
        ("cities-drive-growth", "uk", "scope", "cities-drive-growth-e2", "UK"),
    ]


def test_spans_are_the_words_at_their_offsets(real_build):
    conn = sqlite3.connect(real_build.outputs[0])
    texts = {(c.id, "text"): c.text for c in real_build.kb.claims.values()}
    checked = 0
    for claim, field, span, start, end in conn.execute(
            "select claim, field, span, span_start, span_end from claim_concepts where field = 'text'"):
        assert texts[(claim, field)][start:end] == span
        checked += 1
    assert checked > 0


def test_real_kb_tables_are_filled(real_build):
    counts = dict(query(real_build, """
        select 'concepts', count(*) from concepts union all select 'places', count(*) from places
        union all select 'claim_concepts', count(*) from claim_concepts
        union all select 'claim_places', count(*) from claim_places
        union all select 'source_concepts', count(*) from source_concepts"""))
    assert counts["concepts"] >= 30 and counts["places"] >= 80
    assert counts["claim_concepts"] > 0 and counts["claim_places"] > 0 and counts["source_concepts"] > 0
    assert ("agglomeration-economies", "agglomeration economies") in query(
        real_build, "select concept, lower(span) from source_concepts")


def test_place_hierarchy(mini_build):
    assert query(mini_build, "select ancestor, distance from place_hierarchy where place = 'testville' order by distance") == [
        ("testville", 0), ("north", 1), ("england", 2), ("uk", 3),
    ]


def test_claim_tags_view(mini_build):
    got = dict(query(mini_build, "select claim, places from claim_tags"))
    assert got["cities-drive-growth"] == '["france","uk"]'
    assert got["back-big-cities"] == "[]"


def test_project_without_concepts_or_places_still_builds(project, tmp_path):
    (project / "vocab/concepts.yml").unlink()
    (project / "vocab/places.yml").unlink()
    result = pipeline.build(project, tmp_path / "out")
    assert query(result, "select count(*) from claim_concepts") == [(0,)]


# --------------------------------------------------------------------------- the cache


def test_cache_reuses_analyses_and_gives_the_same_rows(project, tmp_path):
    cold = pipeline.build(project, tmp_path / "cold")
    assert cold.derived["nlp"].analysed > 0
    assert (project / ".kb-cache" / "nlp.sqlite").exists()
    warm = pipeline.build(project, tmp_path / "warm")
    assert warm.derived["nlp"].analysed == 0
    uncached = pipeline.build(project, tmp_path / "uncached", cache=False)
    assert table_rows(cold.outputs[0]) == table_rows(warm.outputs[0]) == table_rows(uncached.outputs[0])


def test_only_changed_text_is_analysed_again(project, tmp_path):
    pipeline.build(project, tmp_path / "a")
    path = project / "claims/main.yml"
    path.write_text(path.read_text().replace("Dense cities drive", "Dense cities in the North drive"))
    result = pipeline.build(project, tmp_path / "b")
    assert result.derived["nlp"].analysed == 1
    assert ("cities-drive-growth", "north", "the North") in query(result, "select claim, place, span from claim_places")


def test_vocabulary_change_invalidates_the_cache(project, tmp_path):
    pipeline.build(project, tmp_path / "a")
    path = project / "vocab/concepts.yml"
    path.write_text(path.read_text().replace("patterns: [institution]", "patterns: [institution, growth]"))
    result = pipeline.build(project, tmp_path / "b")
    assert result.derived["nlp"].analysed == len(result.derived["nlp"].texts) - 1  # one repeated text (scope 'UK')
    assert ("cities-drive-growth", "institutions", "growth") in query(result, "select claim, concept, span from claim_concepts")


def test_broken_cache_is_ignored(project, tmp_path):
    write(project, ".kb-cache/nlp.sqlite", "this is not a database")
    result = pipeline.build(project, tmp_path / "a")
    assert query(result, "select count(*) from claim_concepts") == [(3,)]


def test_warm_build_does_not_import_spacy(project, tmp_path):
    pipeline.build(project, tmp_path / "a")
    code = ("import sys; from kb import pipeline; "
            f"pipeline.build({str(project)!r}, {str(tmp_path / 'b')!r}); print('spacy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.stdout.strip() == "False", result.stderr


# --------------------------------------------------------------------------- Datasette


def test_concept_pages_and_facets(mini_client):
    page = mini_client.get("/kb/concepts/density")
    assert page.status_code == 200 and "Many people close together." in page.text
    facets = mini_client.json("/kb/claim_tags.json?_facet_array=places")["facet_results"]
    assert {f["value"] for f in facets["places"]["results"]} == {"uk", "france"}
    found = mini_client.json("/kb/concepts.json?_search=institution&_shape=array")
    assert [r["id"] for r in found] == ["institutions"]
