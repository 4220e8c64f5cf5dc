"""kb.argdown: the Argdown exports, read back by the Argdown CLI (@argdown/cli from npm)."""
from __future__ import annotations

import doctest
import json
import shutil
import sqlite3
import subprocess

import pytest

import kb.argdown
from kb import argument
from kb.argdown import argdown_type, claim_argdown, claim_relations, debate_relations, escape

from conftest import ROOT


def argdown_cli():
    local = ROOT / "node_modules" / ".bin" / "argdown"
    path = str(local) if local.exists() else shutil.which("argdown")
    if not path or not shutil.which("node"):
        pytest.skip("Argdown CLI not installed: run 'npm ci' (package.json has @argdown/cli) with node on PATH")
    return path


def parse(files, tmp_path):
    """Run ``argdown json`` on ``files``; every file must parse without errors. Returns name -> parsed JSON."""
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    for name, text in files.items():
        (src / f"{name}.argdown").write_text(text, encoding="utf-8")
    out = tmp_path / "json"
    result = subprocess.run([argdown_cli(), "json", str(src / "*.argdown"), str(out)], capture_output=True, text=True, timeout=300)
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "error" not in log.lower(), log
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}


def statements(parsed):
    return {k: v["members"][0]["text"].strip() for k, v in parsed["statements"].items() if v.get("members")}


def relations(parsed):
    return sorted((r["from"], r["to"], r["relationType"]) for r in parsed["relations"])


def expected(rels):
    return sorted({(a, b, argdown_type(t)) for a, b, t in rels})


def test_doctests():
    assert doctest.testmod(kb.argdown).failed == 0


def test_writes_one_file_per_debate_and_per_claim(mini_build):
    dist = mini_build.outputs[0].parent
    assert (dist / "argdown" / "main.argdown").is_file()
    assert sorted(p.stem for p in (dist / "argdown" / "claims").glob("*.argdown")) == sorted(mini_build.kb.claims)


def test_debate_outline(mini_build):
    text = (mini_build.outputs[0].parent / "argdown" / "main.argdown").read_text(encoding="utf-8")
    assert 'title: "Main test debate"' in text
    assert "[cities-drive-growth]: Dense cities drive national growth. #agglomeration\n" in text
    assert "  <+ [back-big-cities]: Policy should back the biggest cities. #agglomeration\n" in text
    assert "    <_ [growth-needs-institutions]: Growth also needs local institutions. #place-based // undercut\n" in text
    assert "  <- [growth-needs-institutions] // qualifies\n" in text  # defined once, then referenced


@pytest.mark.parametrize("which", ["mini", "real"])
def test_argdown_cli_finds_the_same_statements_and_relations(which, mini_build, real_build, tmp_path):
    build = mini_build if which == "mini" else real_build
    dist = build.outputs[0].parent / "argdown"
    files = {p.stem: p.read_text(encoding="utf-8") for p in dist.glob("*.argdown")}
    files.update({f"claim--{p.stem}": p.read_text(encoding="utf-8") for p in (dist / "claims").glob("*.argdown")})
    parsed = parse(files, tmp_path)
    conn = sqlite3.connect(build.outputs[0])
    for debate in build.kb.debates:
        rels = debate_relations(conn, debate)
        ids = {c.id for c in build.kb.claims.values() if c.debate == debate} | {x for r in rels for x in r[:2]}
        assert statements(parsed[debate]) == {i: " ".join(build.kb.claims[i].text.split()) for i in ids}
        assert relations(parsed[debate]) == expected(rels)
        assert set(parsed[debate]["tags"]) == {build.kb.claims[i].position for i in ids}
    for claim_id in build.kb.claims:
        arg = argument.load_argument(conn, claim_id)
        ids = {n.id for n in arg.nodes()} | {t.id for t in arg.targets}
        rels = claim_relations(conn, arg) + [(claim_id, t.id, t.relation) for t in arg.targets]
        got = parsed[f"claim--{claim_id}"]
        assert statements(got) == {i: " ".join(build.kb.claims[i].text.split()) for i in ids}, claim_id
        assert relations(got) == expected(rels), claim_id


HOSTILE = [
    "Growth rose 2.1% (e.g. 0.015-0.039) in #1 region_a vs *b*: see https://example.org/a_b?x=1.",
    "[Not a reference] <not an argument> @mention {not: data} // not a comment /* nor */ <!-- nor -->",
    "Back\\slash, :colon:, .dot. and __under__ -> +> <- _> >< (1) at the end:",
]


def test_escaping_survives_the_argdown_parser(mini_build, tmp_path):
    conn = sqlite3.connect(mini_build.outputs[0])
    arg = argument.load_argument(conn, "cities-drive-growth")
    nodes = list(arg.nodes())
    for node, text in zip(nodes, HOSTILE):
        node.text = text
    parsed = parse({"hostile": claim_argdown(arg, claim_relations(conn, arg))}, tmp_path)["hostile"]
    got = statements(parsed)
    for node, text in zip(nodes, HOSTILE):
        assert got[node.id] == text
    assert relations(parsed) == expected(claim_relations(conn, arg))
    assert escape("a_b") == "a\\_b"  # and the test can fail: unescaped, '_b' would start emphasis


def test_unescaped_text_would_be_misread(tmp_path):
    """The reader is strict enough to notice: without escaping, a URL's '//' starts a comment."""
    parsed = parse({"raw": "[x]: see https://example.org/page here\n"}, tmp_path)["raw"]
    assert statements(parsed)["x"] != "see https://example.org/page here"
