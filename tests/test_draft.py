"""``kb draft``: candidate claims from a plain text, never the source's sentences as claim text."""
from __future__ import annotations

import doctest
import re

import pytest
import yaml
from click.testing import CliRunner

import kb.draft
from conftest import FIXTURES, ROOT
from kb import draft, pipeline
from kb.cli import cli

SYNTHETIC = FIXTURES / "draft" / "synthetic-source.txt"
SEEDS = sorted((ROOT.parent / "shared" / "seed").glob("*.txt"))


def test_doctests():
    assert doctest.testmod(kb.draft).failed == 0


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def values(node):
    """Every scalar the YAML holds (comments are not data, so they are not here)."""
    if isinstance(node, dict):
        for v in node.values():
            yield from values(v)
    elif isinstance(node, list):
        for v in node:
            yield from values(v)
    elif node is not None:
        yield str(node)


def shared_runs(text, reference, n):
    grams = {tuple(reference[i:i + n]) for i in range(len(reference) - n + 1)}
    found = words(text)
    return [" ".join(found[i:i + n]) for i in range(len(found) - n + 1) if tuple(found[i:i + n]) in grams]


def assert_no_source_text_in_values(skeleton, source_text, n=5):
    data = yaml.safe_load(skeleton)
    assert all(claim["text"] == "" for claim in data["claims"])
    reference = words(source_text)
    for value in values(data):
        assert shared_runs(value, reference, n) == [], value


def test_candidates_of_the_synthetic_text(project):
    kb, _ = pipeline.check(project)
    found = draft.find_candidates(SYNTHETIC.read_text(encoding="utf-8"), kb, str(SYNTHETIC))
    assert [(c.number, c.paragraph, c.kind, list(c.markers), c.themes) for c in found.candidates] == [
        (4, 3, "causal", ["stance", "cause"], ["cities"]),
        (5, 3, "empirical", ["contrast"], []),
        (7, 4, "prescriptive", ["contrast", "cause", "recommendation"], ["policy"]),
    ]
    assert found.candidates[0].sentence == ("We argue that dense cities in Testville drive national growth through "
                                            "made-up channels.")
    assert found.candidates[2].markers["contrast"] == ["rather than"]
    assert (found.sentences, found.paragraphs) == (10, 5)  # the title and the reference count, but are not drafted


def test_source_sentences_stay_in_notes(project):
    kb, _ = pipeline.check(project)
    text = SYNTHETIC.read_text(encoding="utf-8")
    found = draft.find_candidates(text, kb, str(SYNTHETIC))
    skeleton = draft.to_yaml(found, kb, source="smith-2020-cities")
    assert_no_source_text_in_values(skeleton, text)
    notes = " ".join(line.split("kb-draft-note:", 1)[1] for line in skeleton.splitlines() if "# kb-draft-note:" in line)
    for candidate in found.candidates:
        assert " ".join(words(candidate.sentence)) in " ".join(words(notes))


def test_the_curator_workflow_checks_once_texts_are_written(project, monkeypatch):
    monkeypatch.chdir(project)
    runner = CliRunner()
    made = runner.invoke(cli, ["draft", str(SYNTHETIC), "--source", "smith-2020-cities", "-o", "claims/drafted.yml"])
    assert made.exit_code == 0, made.output
    path = project / "claims/drafted.yml"
    # as drafted: every candidate's empty text is an error kb check points at
    checked = runner.invoke(cli, ["check", "-q"])
    assert checked.exit_code == 1
    errors = [line for line in checked.output.splitlines() if ": error:" in line]
    assert len(errors) == 3 and all("'text' of claim 'smith-2020-cities-s0" in e and "is empty" in e for e in errors)
    # the curator writes each claim in their own words
    written = iter(["Synthetic claim one.", "Synthetic claim two.", "Synthetic claim three."])
    path.write_text(re.sub(r'text: ""', lambda m: f"text: {next(written)}", path.read_text()), encoding="utf-8")
    checked = runner.invoke(cli, ["check"])
    assert checked.exit_code == 0, checked.output
    assert ("claims/drafted.yml:12:5: warning: kb draft's notes still quote the source here (10 lines marked "
            "'kb-draft-note')") in checked.output
    # ... and deletes the notes
    path.write_text("".join(l for l in path.read_text().splitlines(True) if "# kb-draft-note:" not in l), encoding="utf-8")
    checked = runner.invoke(cli, ["check", "--strict"])
    assert checked.exit_code == 0 and "0 errors, 0 warnings" in checked.output
    data = yaml.safe_load(path.read_text())
    assert data["claims"][0]["attributed_to"] == [{"source": "smith-2020-cities", "locator": "para. 3"}]
    pipeline.build(project)


def test_draft_prints_yaml_and_a_summary(project, monkeypatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["draft", str(SYNTHETIC), "--position", "place-based"])
    assert result.exit_code == 0
    data = yaml.safe_load(result.stdout)
    assert [c["id"] for c in data["claims"]] == ["synthetic-source-s04", "synthetic-source-s05", "synthetic-source-s07"]
    assert {c["position"] for c in data["claims"]} == {"place-based"}
    assert "attributed_to" not in data["claims"][0]
    assert result.stderr.splitlines()[0] == "3 of 10 sentences (5 paragraphs) look argumentative"
    assert "  s07 para. 4   prescriptive contrast, cause, recommendation  Local institutions" in result.stderr


@pytest.mark.parametrize("args,message", [
    (["--source", "smith-2020-citys"], "Error: unknown source 'smith-2020-citys' (did you mean 'smith-2020-cities'?)"),
    (["--position", "centrist"], "Error: unknown position 'centrist'"),
])
def test_draft_rejects_unknown_ids(project, monkeypatch, args, message):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["draft", str(SYNTHETIC), *args])
    assert result.exit_code == 1 and message in result.output


def test_draft_does_not_overwrite(project, monkeypatch):
    monkeypatch.chdir(project)
    (project / "out.yml").write_text("keep me")
    result = CliRunner().invoke(cli, ["draft", str(SYNTHETIC), "-o", "out.yml"])
    assert result.exit_code == 1 and "use --force" in result.output
    assert (project / "out.yml").read_text() == "keep me"


def test_draft_reports_bad_encoding_with_position(project, monkeypatch, tmp_path):
    monkeypatch.chdir(project)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Fine line.\nCaf\xe9 society.\n")
    result = CliRunner().invoke(cli, ["draft", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2:4: error: file is not valid UTF-8" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(not SEEDS, reason="no seed text beside the repository (shared/seed)")
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_text(seed):
    text = seed.read_text(encoding="utf-8")
    kb, _ = pipeline.check(ROOT)
    found = draft.find_candidates(text, kb, str(seed))
    assert len(found.candidates) >= 20
    skeleton = draft.to_yaml(found, kb, source="bailey-2026-beyond-agglomeration-blog")
    # the integrity rule of the project: no run of 8 words shared with the seed, anywhere in the data
    assert_no_source_text_in_values(skeleton, text, n=8)
    # the paragraph locators agree with the ones curators wrote for the same passages
    by_paragraph = {c.paragraph for c in found.candidates}
    assert {3, 5, 6, 11, 12} <= by_paragraph
