"""kb cite, kb handout and kb reading-list, run as a lecturer would (real project folders, real builds)."""
from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from conftest import write
from kb.cli import cli


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cite_builds_first_then_cites(project):
    result = invoke("cite", "cities-drive-growth", "--root", str(project), "--accessed", "2026-03-04",
                    "--base-url", "https://kb.example.org/")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Cite this claim (apa):\n  Industrial strategy arguments contributors. (n.d.). "
                          "Dense cities drive national growth [Claim cities-drive-growth]. In Industrial strategy "
                          "arguments (Version 0.1.0). Retrieved March 4, 2026, from https://kb.example.org/kb/claims/cities-drive-growth\n")
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
    assert page.exit_code == 0 and page.stdout.count('<div class="node role-') == 3
    for option, value in (("--theme", "spatial-policy"), ("--position", "place-based")):
        assert invoke("handout", option, value, "--root", str(root)).exit_code == 0
        listed = invoke("reading-list", option, value, "--root", str(root))
        assert listed.exit_code == 0 and "## Place-based and place-sensitive" in listed.stdout
