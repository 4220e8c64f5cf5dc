"""The reading room in a real browser: `kb serve` on a loopback port, Chromium driven by Playwright.

Chromium is Debian's (``apt-get install chromium``, done by ``.ci/run``),
never a browser downloaded by Playwright. Without it these tests skip, saying
why; under CI (``CI`` set) a missing browser is a failure instead, so a broken
install cannot pass as "skipped". Screenshots go to ``tests/screenshots/``.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES, MINI, ROOT
from synthetic import write_large

SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def chromium_path():
    for candidate in (os.environ.get("KB_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _require_browser():
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright is not installed (pip install -e '.[test]')"
    if reason is None and chromium_path() is None:
        reason = "no Chromium found: install Debian's package (apt-get install chromium) or set KB_CHROMIUM"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`kb serve` on a project folder, on a free loopback port, stopped at the end."""

    def __init__(self, root: Path):
        shutil.copy(ROOT / "metadata.yml", root / "metadata.yml")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        kb = Path(sys.executable).parent / "kb"
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([str(kb), "serve", "--root", str(root), "--host", "127.0.0.1", "--port", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/-/versions.json", timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        self.log.seek(0)
        raise RuntimeError("kb serve did not start:\n" + self.log.read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    _require_browser()
    mini = tmp_path_factory.mktemp("browser") / "mini"
    shutil.copytree(MINI, mini)
    hostile = tmp_path_factory.mktemp("browser") / "hostile"
    shutil.copytree(FIXTURES / "hostile", hostile)
    large = write_large(tmp_path_factory.mktemp("browser") / "large")
    started = {}
    try:
        for name, root in (("mini", mini), ("hostile", hostile), ("large", large)):
            started[name] = Server(root)
        yield started
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture(scope="module")
def browser_context(servers, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium_path(), headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 900}, locale="en-GB",
        )
        context.set_default_timeout(15000)
        yield context
        context.close()


class Watched:
    """A page that records CSP violations, console errors, dialogs and every URL it requested."""

    def __init__(self, context):
        self.page = context.new_page()
        self.console, self.dialogs, self.requests = [], [], []
        self.page.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def check_clean(self, base):
        violations = self.page.evaluate("window.__csp || []")
        assert violations == [], f"CSP violations: {violations}"
        assert not [m for m in self.console if m.startswith("error")], self.console
        assert self.dialogs == [], f"a script ran: {self.dialogs}"
        outside = [u for u in self.requests if not (u.startswith(base) or u.startswith("data:"))]
        assert outside == [], f"requests to other hosts (pages must work offline): {outside}"

    def close(self):
        self.page.close()


def map_nodes(page):
    return set(page.eval_on_selector_all("svg.kbam g.kbam-node", "els => els.map(e => e.dataset.claim || e.dataset.evidence)"))


def map_edges(page):
    return set(tuple(e) for e in page.eval_on_selector_all(
        "svg.kbam g.kbam-edge", "els => els.map(e => [e.dataset.from, e.dataset.to, e.dataset.relation])"))


LAYOUT_CHECK = """svg => {
  const problems = [];
  const boxes = [...svg.querySelectorAll('g.kbam-node')].map(g => {
    const r = g.querySelector('rect');
    const box = {x: r.x.baseVal.value, y: r.y.baseVal.value, w: r.width.baseVal.value, h: r.height.baseVal.value,
                 id: g.dataset.claim || g.dataset.evidence};
    for (const t of g.querySelectorAll('tspan')) {
      const b = t.getBBox();
      if (b.x < box.x + 2 || b.x + b.width > box.x + box.w - 2 || b.y < box.y || b.y + b.height > box.y + box.h + 1)
        problems.push('text outside its box: ' + box.id + ': ' + t.textContent);
    }
    return box;
  });
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) problems.push('overlap: ' + a.id + ' ' + b.id);
  }
  return {problems, count: boxes.length};
}"""


def test_home_search_claim_map_counterargument_and_citation(servers, browser_context):
    base = servers["mini"].base
    w = Watched(browser_context)
    page = w.page
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Industrial strategy arguments"
    assert page.locator("#positions li").count() == 2 and page.locator("#themes li").count() == 2
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)

    # search for a term from the home page's search box
    page.fill("#kb-q", "dense growth")
    page.press("#kb-q", "Enter")
    page.wait_for_url("**/-/search?q=dense+growth")
    result = page.locator("#claims a", has_text="Dense cities drive national growth.")
    assert result.count() == 1
    assert page.locator("#claims mark").first.inner_text().lower() in ("dense", "growth")
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)

    # open the claim
    result.click()
    page.wait_for_url(base + "/kb/claims/cities-drive-growth")
    assert page.locator("h1.kb-claim-text").inner_text() == "Dense cities drive national growth."
    assert map_nodes(page) == {"cities-drive-growth", "back-big-cities", "growth-needs-institutions", "places-differ",
                               "differences-are-sorting", "smith-elasticity", "cities-drive-growth-e2",
                               "differences-are-sorting-e1"}
    assert map_edges(page) == {
        ("back-big-cities", "cities-drive-growth", "supports"),
        ("growth-needs-institutions", "cities-drive-growth", "qualifies"),
        ("places-differ", "cities-drive-growth", "rebut"),
        ("differences-are-sorting", "places-differ", "undermine"),
        ("smith-elasticity", "cities-drive-growth", "evidence-supports"),
        ("cities-drive-growth-e2", "cities-drive-growth", "evidence-challenges"),
        ("differences-are-sorting-e1", "differences-are-sorting", "evidence-supports"),
    }
    layout = page.eval_on_selector("svg.kbam", LAYOUT_CHECK)
    assert layout["problems"] == [] and layout["count"] == 8
    assert page.locator("svg.kbam g.kbam-legend").is_visible()
    assert page.locator("#evidence tr[data-evidence='cities-drive-growth-e2'] td.kb-sms").inner_text() == "4"
    page.screenshot(path=str(SCREENSHOTS / "claim.png"), full_page=True)

    # follow the counterargument: its box in the map is a link to its page
    page.locator("svg.kbam a:has(g[data-claim='places-differ'])").click()
    page.wait_for_url(base + "/kb/claims/places-differ")
    assert page.locator("h1.kb-claim-text").inner_text() == "Places differ too much for one rule."
    assert ("places-differ", "cities-drive-growth", "rebut") in map_edges(page)  # what it attacks, for context
    assert ("differences-are-sorting", "places-differ", "undermine") in map_edges(page)  # the reply to it
    cite = page.locator("#cite").inner_text()
    assert "Cite this claim" in cite
    assert f"{base}/kb/claims/places-differ" in cite
    assert "Version 0.1.0" in cite or "version 0.1.0" in cite.lower()
    assert "A report on places" in cite  # the underlying source
    page.screenshot(path=str(SCREENSHOTS / "counterargument.png"), full_page=True)

    # the downloads are there and work
    data = json.loads(page.request.get(base + "/kb/claims/places-differ/argument.json").text())
    assert data["claim"]["children"][0]["id"] == "differences-are-sorting"
    argdown = page.request.get(base + "/kb/claims/places-differ/argument.argdown").text()
    assert "[places-differ]" in argdown and "[differences-are-sorting]" in argdown
    w.check_clean(base)
    w.close()


def test_source_position_and_theme_pages(servers, browser_context):
    base = servers["mini"].base
    w = Watched(browser_context)
    page = w.page
    page.goto(base + "/")
    page.click("#positions a:text('Place-based')")
    page.wait_for_url(base + "/kb/positions/place-based")
    assert page.locator("#claims li[data-claim]").count() == 2
    page.click("a:text('Growth also needs local institutions.')")
    page.wait_for_url(base + "/kb/claims/growth-needs-institutions")
    page.click("#argued-by a:text('what else it argues')")
    page.wait_for_url(base + "/kb/sources/agency-2021-report")
    assert "A report on places" in page.locator("h1").inner_text()
    assert page.locator("#argues li").count() == 2
    page.screenshot(path=str(SCREENSHOTS / "source.png"), full_page=True)
    page.goto(base + "/kb/themes/policy")
    assert page.locator("#claims li[data-claim]").count() == 3
    # a retired id still lands on its claim
    page.goto(base + "/kb/claims/old-claim-id")
    assert page.url.startswith(base + "/kb/claims/growth-needs-institutions")
    assert "was retired" in page.locator(".kb-notice").inner_text()
    w.check_clean(base)
    w.close()


def test_copy_citation_button(servers, browser_context):
    base = servers["mini"].base
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    w = Watched(browser_context)
    w.page.goto(base + "/kb/claims/back-big-cities")
    w.page.click("button.kb-copy")
    w.page.wait_for_function("document.querySelector('button.kb-copy').textContent === 'Copied'")
    copied = w.page.evaluate("navigator.clipboard.readText()")
    assert "Policy should back the biggest cities" in copied and f"{base}/kb/claims/back-big-cities" in copied
    w.check_clean(base)
    w.close()


def test_hostile_text_never_runs(servers, browser_context):
    base = servers["hostile"].base
    w = Watched(browser_context)
    page = w.page
    for path in ("/", "/kb/claims/script-claim", "/kb/claims/javascript-claim", "/kb/sources/synthetic-2020-hostile",
                 "/-/search?q=synthetic", "/kb/debates/hostile"):
        page.goto(base + path)
    page.goto(base + "/kb/claims/script-claim")
    assert page.locator("h1.kb-claim-text").inner_text() == 'Synthetic claim <script>alert("pwned")</script> that must show as text.'
    assert page.locator("svg.kbam text", has_text="<script>").count() >= 1  # in the map too, as text
    page.screenshot(path=str(SCREENSHOTS / "hostile.png"), full_page=True)
    # the javascript: link in the summary is not a link
    assert page.locator("a[href^='javascript']").count() == 0
    w.check_clean(base)
    assert w.dialogs == []
    w.close()


def test_large_map_is_readable(servers, browser_context):
    base = servers["large"].base
    w = Watched(browser_context)
    page = w.page
    page.goto(base + "/kb/claims/synthetic-claim-0")
    layout = page.eval_on_selector("svg.kbam", LAYOUT_CHECK)
    assert layout["count"] >= 30
    assert layout["problems"] == []
    # the map scrolls inside its frame rather than shrinking its text
    sizes = page.eval_on_selector_all("svg.kbam g.kbam-node text", "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
    assert min(sizes) >= 10 and sizes.count(13) == layout["count"]  # every claim and finding at 13px, labels at 10.5
    page.screenshot(path=str(SCREENSHOTS / "large-map.png"), full_page=True)
    w.check_clean(base)
    w.close()
