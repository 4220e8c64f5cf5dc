"""Near-duplicate claims: thresholds on constructed pairs, exact candidate search, warnings and table."""
from __future__ import annotations

import doctest
import itertools
import json
import random
import sqlite3

import pytest
from click.testing import CliRunner

import kb.duplicates
from conftest import write
from kb import pipeline
from kb.cli import cli
from kb.duplicates import LIKELY, jaccard, similar_pairs

HEAD = "title: Newer\nclaims:\n"  # sorts after claims/main.yml, so its claims come second


def extra(claim_id: str, text: str, more: str = "") -> str:
    return (HEAD + f"  - id: {claim_id}\n    text: {text}\n    position: agglomeration\n    kind: causal\n"
            "    themes: [cities]\n    attributed_to: [{source: smith-2020-cities}]\n" + more)


def test_doctests():
    assert doctest.testmod(kb.duplicates).failed == 0


# The mini fixture's claim 'cities-drive-growth' reads "Dense cities drive national growth."
PAIRS = [
    ("reordered-and-inflected", "National growth is driven by dense cities.", "", 1.0, True),
    ("one-word-changed", "Dense cities drive regional growth.", "", 0.667, True),
    ("two-words-changed", "Dense towns drive regional growth.", "", 0.429, False),
    ("negated", "Dense cities do not drive national growth.", "", 0.833, False),
    ("already-related", "Dense cities hardly drive national growth.",
     "    attacks: [{claim: cities-drive-growth, type: rebut}]\n", 0.833, False),
    ("unrelated", "Coastal fisheries need cold water.", "", None, False),
]


@pytest.mark.parametrize("case,text,more,score,likely", PAIRS, ids=[p[0] for p in PAIRS])
def test_thresholds_on_constructed_pairs(project, tmp_path, case, text, more, score, likely):
    write(project, "claims/newer.yml", extra("new-claim", text, more))
    result = pipeline.build(project, tmp_path / "out")
    pairs = {(p.claim, p.similar_to): p for p in result.derived["duplicates"].pairs}
    pair = pairs.get(("cities-drive-growth", "new-claim"))
    if score is None:
        assert pair is None
        return
    assert pair.score == score
    assert pair.likely_duplicate is likely
    warned = [str(w) for w in result.report.warnings if "near-duplicate" in str(w)]
    assert bool(warned) is likely
    conn = sqlite3.connect(result.outputs[0])
    row = conn.execute("select score, likely_duplicate from similar_claims where claim = 'cities-drive-growth' "
                       "and similar_to = 'new-claim'").fetchone()
    assert row == (score, int(likely))


def test_likely_threshold_is_between_one_and_two_changed_words():
    five = {"dense", "city", "drive", "national", "growth"}
    assert jaccard(five, five - {"national"} | {"regional"}) >= LIKELY
    assert jaccard(five, five - {"national", "city"} | {"regional", "town"}) < LIKELY


def test_prefix_filtering_finds_exactly_what_brute_force_finds():
    rng = random.Random(7)
    words = [f"w{i}" for i in range(40)]
    sets = {f"c{i}": set(rng.sample(words, rng.randint(1, 8))) for i in range(300)}
    for threshold in (0.3, 0.4, 0.6, 0.75, 1.0):
        brute = sorted((a, b, jaccard(sets[a], sets[b])) for a, b in itertools.combinations(sets, 2)
                       if jaccard(sets[a], sets[b]) >= threshold)
        assert sorted(similar_pairs(sets, threshold)) == brute, threshold


def test_check_duplicates_prints_warning_at_the_second_claim(project, monkeypatch):
    write(project, "claims/newer.yml", extra("new-claim", "National growth is driven by dense cities."))
    monkeypatch.chdir(project)
    runner = CliRunner()
    plain = runner.invoke(cli, ["check"])
    assert plain.exit_code == 0 and "near-duplicate" not in plain.output
    flagged = runner.invoke(cli, ["check", "--duplicates"])
    assert flagged.exit_code == 0
    assert ("claims/newer.yml:3:5: warning: claim 'new-claim' looks like a near-duplicate of claim "
            "'cities-drive-growth' (claims/main.yml:5): 100% of their content words are the same (merge them and "
            "retire one with replaced_by, or reword one so the difference is clear)") in flagged.output
    strict = runner.invoke(cli, ["check", "--duplicates", "--strict"])
    assert strict.exit_code == 1


def test_real_kb_has_no_likely_duplicates(real_build):
    assert [str(w) for w in real_build.report.warnings if "near-duplicate" in str(w)] == []


def test_pairs_are_reused_while_no_claim_changes(project, tmp_path):
    from kb import duplicates, nlp

    kb, _ = pipeline.check(project)
    lemmas = nlp.enrich(kb, None).claim_lemmas()
    cache = tmp_path / "cache"
    first = duplicates.find(kb, lemmas, cache_dir=cache)
    stored = json.loads((cache / "similar.json").read_text())
    assert stored["pairs"] == [[p.claim, p.similar_to, p.score] for p in first.pairs]
    # a planted entry under the same key is what the next run returns: proof that it reads the cache
    stored["pairs"] = [["back-big-cities", "places-differ", 0.5]]
    (cache / "similar.json").write_text(json.dumps(stored))
    assert [(p.claim, p.similar_to) for p in duplicates.find(kb, lemmas, cache_dir=cache).pairs] == [
        ("back-big-cities", "places-differ")]
    lemmas["places-differ"] = lemmas["places-differ"] + ["changed"]
    assert duplicates.find(kb, lemmas, cache_dir=cache).pairs == first.pairs
