"""kb.handout and kb.selection: seminar handouts read from a real built database, and one in a real browser."""
from __future__ import annotations

import datetime
import doctest
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest

import kb.handout
from kb import handout
from kb.argument import load_argument

ACCESSED = datetime.date(2026, 3, 4)
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="module")
def mini(mini_db):
    return mini_db


@pytest.fixture(scope="module")
def real(real_db):
    return real_db


def test_doctests():
    assert doctest.testmod(kb.handout).failed == 0


def test_questions_follow_the_structure(mini):
    qs = handout.questions(load_argument(mini, "cities-drive-growth"))
    text = "\n".join(qs)
    # places-differ is answered by differences-are-sorting: ask whether the response meets it
    assert "Does the response “Differences between places mostly reflect who lives there” meet the objection " \
           "“Places differ too much for one rule”" in text
    # differences-are-sorting is not answered: ask how to answer it
    assert "No reply to the objection “Differences between places mostly reflect who lives there”" in text
    # growth-needs-institutions qualifies the root
    assert "How far does “Growth also needs local institutions” limit “Dense cities drive national growth”" in text
    # differences-are-sorting rests on SMS 3 evidence: not low; the root has SMS 4: not low
    assert "reaches only SMS" not in text
    assert qs[-1].startswith("This argument brings together Agglomeration, Place-based.")


def test_low_sms_question(project):
    from kb import pipeline

    path = project / "claims/main.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("sms: 3", "sms: 2"), encoding="utf-8")
    result = pipeline.build(project)
    conn = sqlite3.connect(result.outputs[0])
    qs = handout.questions(load_argument(conn, "differences-are-sorting"))
    assert any(q.startswith("The evidence for “Differences between places mostly reflect who lives there” reaches "
                            "only SMS 2 on the Maryland scale.") for q in qs), qs


def test_markdown_handout(mini):
    text = handout.handout(mini, claim="cities-drive-growth", fmt="md", style="harvard", accessed=ACCESSED,
                           base_url="https://kb.example.org")
    assert text.startswith("# Dense cities drive national growth.\n")
    assert "- **Claim**, Agglomeration: Dense cities drive national growth. — Smith & de Groot (2020), p. 12 (‘engines of growth’)" in text
    assert "  - **Counterargument** (rebuts), Place-based: Places differ too much for one rule. — Regional Agency (2021), section 2" in text
    assert "    - **Response** (undermines), Agglomeration:" in text
    assert "  - **Qualification** (qualifies), Place-based: Growth also needs local institutions." in text
    assert "| `cities-drive-growth` | Zones displaced activity. | Quasi-experiment | 4 | challenges | Jones (2019) |" in text
    assert "](data:image/svg+xml;base64," in text
    assert "### Questions for discussion\n\n1. " in text
    assert "Available at: https://kb.example.org/kb/claims/cities-drive-growth (Accessed: 4 March 2026)" in text \
        or "Available at: https://kb.example.org/kb/claims/cities-drive-growth (Accessed: March 4, 2026)" in text
    refs = text.split("## References\n\n")[1]
    assert [line[:12] for line in refs.strip().splitlines()] == ["- Jones, B. ", "- Regional A", "- Smith, A. "]


def test_html_handout_is_self_contained(mini):
    page = handout.handout(mini, claim="cities-drive-growth", fmt="html", accessed=ACCESSED)
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg xmlns=" in page and "@media print" in page and "@page" in page
    assert not re.search(r"""(src|href)=["']https?://(?!127\.0\.0\.1)""", page.split("<h2>References</h2>")[0].replace(
        'href="http://127.0.0.1', ""))  # no external assets; links only to the KB itself before the references
    assert "<script" not in page and "<link" not in page
    assert '<p class="text">Places differ too much for one rule.</p>' in page
    assert "<em>markdown</em>" in page  # the curator's markdown summary, rendered
    assert page.count('<div class="node role-') == 5


def test_handout_escapes_claim_text(project):
    from kb import pipeline

    path = project / "claims/main.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "text: Places differ too much for one rule.", "text: 'Places <script>alert(1)</script> differ & vary.'"), encoding="utf-8")
    result = pipeline.build(project)
    conn = sqlite3.connect(result.outputs[0])
    page = handout.handout(conn, claim="cities-drive-growth", fmt="html", accessed=ACCESSED)
    assert "<script>" not in page and "Places &lt;script&gt;alert(1)&lt;/script&gt; differ &amp; vary." in page
    text = handout.handout(conn, claim="cities-drive-growth", fmt="md", accessed=ACCESSED)
    assert r"Places \<script\>alert(1)\</script\> differ & vary." in text


def test_theme_handout_on_the_real_kb(real):
    page = handout.handout(real, theme="spatial-policy", fmt="html", accessed=ACCESSED)
    assert page.count('<section class="argument"') >= 1
    assert "Theme: Spatially blind versus place-based policy" in page
    assert "Glaeser, E. L., &amp; Gottlieb, J. D. (2008)" in page


def chromium():
    path = Path("/usr/bin/chromium")
    if not path.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        pytest.skip("playwright (Python) is not installed")
    return str(path)


def test_handout_renders_in_a_browser(real, tmp_path):
    """The handout for a claim with a counterargument and a response, opened in headless Chromium."""
    from playwright.sync_api import sync_playwright

    executable = chromium()
    claim = "industrial-strategy-should-be-place-sensitive"
    page_file = tmp_path / "handout.html"
    page_file.write_text(handout.handout(real, claim=claim, fmt="html", accessed=ACCESSED), encoding="utf-8")
    SCREENSHOTS.mkdir(exist_ok=True)
    requests = []
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="kb-chromium-"), executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            viewport={"width": 1100, "height": 900},
        )
        try:
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            # the tree: the claim first; a counterargument, and a response to it indented further
            roles = [r.upper() for r in page.locator(".node .role").all_inner_texts()]
            assert roles[0] == "CLAIM" and "COUNTERARGUMENT" in roles and "RESPONSE" in roles
            lefts = [box["x"] for box in (n.bounding_box() for n in page.locator(".node").all())]
            response = roles.index("RESPONSE")
            counter = max(i for i in range(response) if roles[i] == "COUNTERARGUMENT")
            assert lefts[0] < lefts[counter] < lefts[response]
            # the map is drawn, with its three claims, and fits the page width
            svg = page.locator("figure.map svg")
            assert svg.count() == 1
            box = svg.bounding_box()
            assert box["width"] > 300 and box["height"] > 100
            assert box["x"] + box["width"] <= page.viewport_size["width"]
            assert page.locator("figure.map svg [data-claim]").count() >= 1
            assert page.locator("ol.questions li").count() >= 3
            assert page.locator(".refs li").count() >= 2
            page.screenshot(path=str(SCREENSHOTS / "handout.png"), full_page=True)
            # print layout: A4 PDF from the print stylesheet, the tree still visible
            page.emulate_media(media="print")
            assert page.locator(".node").first.is_visible()
            pdf = page.pdf(format="A4")
            assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        finally:
            context.close()
    assert all(url.startswith("file:") or url.startswith("data:") for url in requests), requests
    assert (SCREENSHOTS / "handout.png").stat().st_size > 20_000


def test_hostile_fixture_handout_has_no_live_markup(tmp_path):
    """Markup typed into claims, summaries and source fields shows as text in a handout."""
    from conftest import FIXTURES
    from kb import pipeline

    build = pipeline.build(FIXTURES / "hostile", tmp_path / "dist")
    conn = sqlite3.connect(build.outputs[0])
    for claim in ("script-claim", "javascript-claim"):
        page = handout.handout(conn, claim=claim, fmt="html")
        body = page.split("</style>", 1)[1]  # the handout's own print stylesheet is allowed
        assert not re.search(r"<(script|img|iframe|style)[\s>]", body)
        assert "<b>Agency" not in body and "<i>Ltd" not in body  # typed markup stays text
        assert 'href="javascript' not in page
    conn.close()
