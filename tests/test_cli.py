"""The ``kb`` command line and ``build.py``: output and exit codes, run as a user would."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from conftest import ROOT, write
from kb.cli import cli

BROKEN = """title: Broken
claims:
  - id: broken-claim
    text: A claim.
    position: agglomeration
    kind: causal
    kind: empirical
    themes: [cities]
    supports: [no-such-claim]
"""


def run(*args, cwd=None):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_check_clean_project_exits_zero(project):
    result = CliRunner().invoke(cli, ["check", "--root", str(project)])
    assert result.exit_code == 0
    assert "0 errors, 0 warnings" in result.output


def test_check_reports_and_exits_one(project, monkeypatch):
    write(project, "claims/broken.yml", BROKEN)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "claims/broken.yml:7:5: error: duplicate key 'kind'" in result.output
    assert "claims/broken.yml:9:16: error: claim 'broken-claim' refers to unknown claim 'no-such-claim'" in result.output
    assert "2 errors" in result.output


def test_check_paths_are_relative_to_where_you_stand(project, monkeypatch):
    write(project, "claims/broken.yml", BROKEN)
    monkeypatch.chdir(project.parent)
    result = CliRunner().invoke(cli, ["check", "--root", "project", "-q"])
    assert result.output.splitlines()[0].startswith(os.path.join("project", "claims", "broken.yml") + ":7:5: error:")


def test_strict_fails_on_warnings(project):
    write(project, "sources/x.yml", "id: x\ntype: book\ntitle: T\nissued: 2001\nverified: false\n")
    assert CliRunner().invoke(cli, ["check", "--root", str(project)]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", "--root", str(project), "--strict"]).exit_code == 1


def test_build_py_duplicate_key_and_dangling_reference(project):
    """The acceptance case: two path:line errors in one run, previous database untouched."""
    first = run(str(ROOT / "build.py"), "--root", str(project), cwd=project)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("built ")
    db_path = project / "dist" / "kb.db"
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()

    write(project, "claims/broken.yml", BROKEN)
    second = run(str(ROOT / "build.py"), cwd=project)
    assert second.returncode == 1
    errors = [line for line in second.stderr.splitlines() if ": error:" in line]
    assert [e.split(": error:")[0] for e in errors] == ["claims/broken.yml:7:5", "claims/broken.yml:9:16"]
    assert "Traceback" not in second.stderr
    assert "nothing was written" in second.stderr
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_kb_build_and_stats(project, monkeypatch):
    monkeypatch.chdir(project)
    runner = CliRunner()
    built = runner.invoke(cli, ["build"])
    assert built.exit_code == 0, built.output
    assert "5 claims, 3 sources" in built.output
    stats = runner.invoke(cli, ["stats"])
    assert stats.exit_code == 0
    lines = stats.output.splitlines()
    assert "claims            5" in lines
    assert "agglomeration     3" in lines


def test_stats_without_database(project, monkeypatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == 1
    assert "run 'kb build' first" in result.output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_builds_then_serves_read_only(project):
    shutil.copy(ROOT / "metadata.yml", project / "metadata.yml")
    port = free_port()
    kb = Path(sys.executable).parent / "kb"
    proc = subprocess.Popen([str(kb), "serve", "--root", str(project), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        data = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/kb/claims.json?_shape=array", timeout=2) as r:
                    data = json.load(r)
                break
            except OSError:
                time.sleep(0.2)
        assert data is not None, proc.stderr.read() if proc.poll() is not None else "server did not answer"
        assert len(data) == 5
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/kb/counterarguments_of_claim.json?claim=cities-drive-growth&_shape=array", timeout=2) as r:
            assert [row["attacker"] for row in json.load(r)] == ["places-differ"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/databases.json", timeout=2) as r:
            assert json.load(r)[0]["is_mutable"] is False
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert (project / "dist" / "kb.db").exists()


def test_ids_lists_live_and_retired_claims(project):
    result = CliRunner().invoke(cli, ["ids", "--root", str(project)])
    assert result.exit_code == 0
    assert result.output.splitlines() == sorted([
        "back-big-cities", "cities-drive-growth", "differences-are-sorting", "growth-needs-institutions",
        "old-claim-id", "places-differ",
    ])


# --- reading room: kb map ----------------------------------------------------------------------


def test_map_writes_standalone_svg(mini_build, tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "map.svg"
    result = CliRunner().invoke(cli, ["map", "places-differ", "--db", str(mini_build.outputs[0]), "-o", str(out),
                                      "--base-url", "https://kb.example.org/"])
    assert result.exit_code == 0, result.output
    tree = ET.parse(out).getroot()
    hrefs = {a.get("href") for a in tree.iter("{http://www.w3.org/2000/svg}a")}
    assert {"https://kb.example.org/kb/claims/places-differ", "https://kb.example.org/kb/claims/differences-are-sorting",
            "https://kb.example.org/kb/claims/cities-drive-growth"} <= hrefs
    default = CliRunner().invoke(cli, ["map", "places-differ", "--db", str(mini_build.outputs[0]), "--no-evidence"])
    assert 'href="http://127.0.0.1:8001/kb/claims/places-differ"' in default.output
    assert "data-evidence" not in default.output


def test_map_unknown_claim_and_missing_database(mini_build, tmp_path):
    result = CliRunner().invoke(cli, ["map", "places-difer", "--db", str(mini_build.outputs[0])])
    assert result.exit_code == 1
    assert "no claim 'places-difer'" in result.output and "did you mean 'places-differ'?" in result.output
    missing = CliRunner().invoke(cli, ["map", "x", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "run 'kb build' first" in missing.output
    (tmp_path / "junk.db").write_text("not a database")
    junk = CliRunner().invoke(cli, ["map", "x", "--db", str(tmp_path / "junk.db")])
    assert junk.exit_code == 1 and "not a built knowledge base" in junk.output and "Traceback" not in junk.output


# --- cite and teach: kb cite, kb handout, kb reading-list, run as a lecturer would ---


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cite_builds_first_then_cites(project):
    result = invoke("cite", "cities-drive-growth", "--root", str(project), "--accessed", "2026-03-04",
                    "--base-url", "https://kb.example.org/")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Cite this claim (apa):\n  Industrial strategy arguments contributors. (2026). "
                          "Dense cities drive national growth [Claim cities-drive-growth]. In Industrial strategy "
                          "arguments (Version 0.1.0). https://kb.example.org/kb/claims/cities-drive-growth\n")
    assert "\nArgued in:\n  Smith, A., & de Groot, H. (2020). Cities and growth." in out
    assert "https://doi.org/10.1234/jt.2020.1 (p. 12)\n" in out
    assert "\nEvidence from:\n  Jones, B. (2019). Evaluating zones." in out
    assert (project / "dist" / "kb.db").exists()  # built because it was missing


def test_cite_styles_and_html(project):
    harvard = invoke("cite", "cities-drive-growth", "--root", str(project), "--style", "harvard", "--accessed", "2026-03-04")
    assert "Smith, A. and de Groot, H. (2020) “Cities and growth”" in harvard.stdout
    html = invoke("cite", "cities-drive-growth", "--root", str(project), "--format", "html", "--accessed", "2026-03-04")
    assert html.stdout.startswith('<div class="kb-cite"><p class="kb-cite-claim">')
    assert '<span class="kb-locator">(p. 12)</span>' in html.stdout


def test_cite_follows_retired_ids(project):
    result = invoke("cite", "old-claim-id", "--root", str(project))
    assert result.exit_code == 0
    assert "Growth also needs local institutions [Claim growth-needs-institutions]" in result.stdout


def test_errors_are_one_line_with_choices(project):
    unknown = invoke("cite", "no-such-claim", "--root", str(project))
    assert unknown.exit_code == 2 and "Error: unknown claim 'no-such-claim'" in unknown.output
    style = invoke("cite", "cities-drive-growth", "--root", str(project), "--style", "harvad")
    assert style.exit_code == 2 and "choose apa, harvard, chicago" in style.output and "did you mean harvard" in style.output
    theme = invoke("handout", "--theme", "nope", "--root", str(project))
    assert theme.exit_code == 2 and "unknown theme 'nope'; themes: cities, policy" in theme.output
    neither = invoke("handout", "--root", str(project))
    assert neither.exit_code == 2 and "give one CLAIM, or --theme THEME, or --position POSITION" in neither.output
    both = invoke("reading-list", "--theme", "cities", "--position", "place-based", "--root", str(project))
    assert both.exit_code == 2
    for result in (unknown, style, theme, neither, both):
        assert "Traceback" not in result.output


def test_broken_yaml_without_a_build_is_reported_not_raised(project):
    write(project, "claims/extra.yml", "title: Broken\nclaims:\n  - id: x\n    text: [unclosed\n")
    result = subprocess.run([sys.executable, "-m", "kb.cli", "cite", "cities-drive-growth", "--root", str(project)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "claims/extra.yml:" in result.stderr and "build failed" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_yaml_uses_the_previous_build(project):
    assert invoke("build", "--root", str(project)).exit_code == 0
    write(project, "claims/extra.yml", "title: Broken\nclaims:\n  - id: x\n    text: [unclosed\n")
    result = invoke("cite", "cities-drive-growth", "--root", str(project))
    assert result.exit_code == 0
    assert "using the previous build" in result.stderr
    assert "[Claim cities-drive-growth]" in result.stdout


def test_handout_to_file(project, tmp_path):
    out = tmp_path / "seminar.html"
    result = invoke("handout", "cities-drive-growth", "--format", "html", "--style", "chicago", "-o", str(out),
                    "--root", str(project))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "CSL style “chicago”" in page
    md = invoke("handout", "--position", "place-based", "--root", str(project))
    assert md.stdout.startswith("# Position: Place-based\n")


def test_reading_list(project):
    result = invoke("reading-list", "--theme", "cities", "--style", "harvard", "--root", str(project))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Reading list · Theme: Cities\n")
    assert "## Agglomeration\n\n- Smith, A. and de Groot, H. (2020)" in result.stdout
    html = invoke("reading-list", "--format", "html", "--root", str(project))
    assert "<h1>Reading list · All claims</h1>" in html.stdout


def test_each_command_works_on_the_real_kb(tmp_path):
    """The real knowledge base of this repository, copied so that its dist/ is left alone."""
    import shutil

    from conftest import ROOT

    root = tmp_path / "real"
    for folder in ("claims", "sources", "vocab"):
        shutil.copytree(ROOT / folder, root / folder)
    cited = invoke("cite", "uk-regional-gaps-persist", "--root", str(root), "--style", "chicago")
    assert cited.exit_code == 0, cited.output
    assert "Zymek, R., and B. Jones. 2020." in cited.stdout and "(para. 5)" in cited.stdout
    page = invoke("handout", "industrial-strategy-should-be-place-sensitive", "--format", "html", "--root", str(root))
    assert page.exit_code == 0 and page.stdout.count('<div class="node role-') >= 3
    for option, value in (("--theme", "spatial-policy"), ("--position", "place-based")):
        assert invoke("handout", option, value, "--root", str(root)).exit_code == 0
        listed = invoke("reading-list", option, value, "--root", str(root))
        assert listed.exit_code == 0 and "## Place-based and place-sensitive" in listed.stdout
