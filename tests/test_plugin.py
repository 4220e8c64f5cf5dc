"""The reading-room plugin through Datasette's own test client: pages, links, headers, safety."""
from __future__ import annotations

import fnmatch
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

import kb
from conftest import FIXTURES, ROOT, Client
from kb import pipeline, plugin


class Page(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text_parts = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def links(self):
        return [a.get("href") for t, a in self.tags if t == "a" and a.get("href")]


def assert_strict_csp_satisfied(response):
    """The page's header is the strict policy, and nothing in the page needs more than it allows."""
    assert response.headers["content-security-policy"] == plugin.CSP_STRICT
    page = Page(response.text)
    for tag, attrs in page.tags:
        assert tag != "style", "inline <style> would be blocked"
        assert "style" not in attrs, f"style attribute on <{tag}> would be blocked"
        assert not any(k.startswith("on") for k in attrs), f"event handler on <{tag}>"
        if tag == "script":
            assert attrs.get("src", "").startswith("/"), "inline or external script"
        if tag in ("link", "img", "iframe", "object", "embed", "source"):
            assert (attrs.get("href") or attrs.get("src") or "/").startswith("/"), f"external asset in <{tag}>"
    return page


def test_plugin_is_registered(mini_client):
    plugins = mini_client.json("/-/plugins.json")
    ours = [p for p in plugins if p["name"] == "industrial-strategy-kb"]  # kb.plugin and kb.derived_pages
    assert ours and {"register_routes", "extra_template_vars", "asgi_wrapper"} <= set().union(*(p["hooks"] for p in ours))


def test_home_page(mini_client):
    response = mini_client.get("/")
    assert response.status_code == 200
    page = assert_strict_csp_satisfied(response)
    assert "This is a knowledge base of the arguments" in page.text
    assert page.find("form", action="/-/search") and page.find("input", name="q")
    links = page.links()
    assert "/kb/claims/cities-drive-growth" in links  # start here
    assert {"/kb/positions/agglomeration", "/kb/positions/place-based", "/kb/themes/cities"} <= set(links)
    assert "/kb" in links  # the SQL interface
    for query in ("argument_for_claim", "search_everything", "citing_source"):
        assert f"/kb/{query}" in links
    assert "Agglomeration 3 claims" in page.text and "Place-based 2 claims" in page.text
    assert "5 claims · 3 evidence items · 3 sources" in page.text


def test_claim_page(mini_client):
    response = mini_client.get("/kb/claims/cities-drive-growth")
    assert response.status_code == 200
    page = assert_strict_csp_satisfied(response)
    assert page.find("h1", **{"class": "kb-claim-text"})
    assert "Dense cities drive national growth." in page.text
    assert "/kb/positions/agglomeration" in page.links() and "/kb/themes/cities" in page.links()
    # who argues it: formatted reference with locator and quote
    assert "Cities and growth" in page.text and "(p. 12)" in page.text and "engines of growth" in page.text
    # the map, inline, with every claim a link
    assert page.find("svg", **{"class": "kbam"})
    assert {a.get("data-claim") for t, a in page.tags if t == "g" and "kbam-node" in (a.get("class") or "")} >= {
        "cities-drive-growth", "places-differ", "differences-are-sorting", "back-big-cities", "growth-needs-institutions"}
    assert "/kb/claims/places-differ" in page.links()
    # evidence table with design and SMS
    rows = page.find("tr", data_evidence="cities-drive-growth-e2")
    assert rows and "Quasi-experiment" in response.text
    # cite this claim, with version and the request's own host in the permalink
    assert "Cite this claim" in page.text
    assert "http://localhost/kb/claims/cities-drive-growth" in page.text
    assert f"Version {kb.__version__}" in page.text
    # downloads
    assert "/kb/claims/cities-drive-growth/argument.json" in page.links()
    assert "/kb/claims/cities-drive-growth/map.svg" in page.links()
    assert "/kb/claims/cities-drive-growth/argument.argdown" in page.links()


def test_plain_row_page_still_available(mini_client):
    response = mini_client.get("/kb/claims/cities-drive-growth?_plain=1")
    assert response.status_code == 200
    assert "Links from other tables" in response.text
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    # other tables keep Datasette's row page
    assert "kbam" not in mini_client.get("/kb/evidence/smith-elasticity").text


def test_retired_ids_redirect(mini_client):
    response = mini_client.get("/kb/claims/old-claim-id")
    assert response.status_code == 301
    assert response.headers["location"] == "/kb/claims/growth-needs-institutions?retired=old-claim-id"
    landed = mini_client.get(response.headers["location"])
    assert "The claim id old-claim-id was retired" in Page(landed.text).text
    assert mini_client.get("/kb/claims/old-claim-id.json").headers["location"] == "/kb/claims/growth-needs-institutions.json"


def test_not_found_pages(mini_client):
    for path, what in (("/kb/claims/no-such-claim", "claim"), ("/kb/sources/nope", "source"), ("/kb/themes/nope", "theme")):
        response = mini_client.get(path)
        assert response.status_code == 404
        page = assert_strict_csp_satisfied(response)
        assert f"No {what} called" in page.text
    assert mini_client.get("/kb/claims/no-such-claim/argument.json").status_code == 404


def test_argument_json_download(mini_client):
    response = mini_client.get("/kb/claims/cities-drive-growth/argument.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert data["claim"]["id"] == "cities-drive-growth"
    assert [c["id"] for c in data["claim"]["children"]] == ["back-big-cities", "growth-needs-institutions", "places-differ"]
    assert set(data["sources"]) == {"smith-2020-cities", "jones-2019-chapter", "agency-2021-report"}


def test_map_svg_download(mini_client):
    response = mini_client.get("/kb/claims/places-differ/map.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    tree = ET.fromstring(response.text.encode())
    hrefs = {a.get("href") for a in tree.iter("{http://www.w3.org/2000/svg}a")}
    assert "http://localhost/kb/claims/differences-are-sorting" in hrefs  # absolute: the file works anywhere


def test_argdown_download(mini_client, mini_build):
    import sqlite3

    from kb import argdown
    from kb.argument import load_argument

    response = mini_client.get("/kb/claims/growth-needs-institutions/argument.argdown")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    conn = sqlite3.connect(mini_build.outputs[0])
    argument = load_argument(conn, "growth-needs-institutions")
    assert response.text == argdown.claim_argdown(argument, argdown.claim_relations(conn, argument))
    assert "[growth-needs-institutions]" in response.text and "// undercut" in response.text
    assert mini_client.get("/kb/claims/no-such-claim/argument.argdown").status_code == 404


def test_source_page(mini_client):
    response = mini_client.get("/kb/sources/jones-2019-chapter")
    page = assert_strict_csp_satisfied(response)
    assert "Evaluating zones" in page.text
    assert "What it argues (1)" in page.text and "What it evidences (2)" in page.text
    assert "/kb/claims/differences-are-sorting" in page.links() and "/kb/claims/cities-drive-growth" in page.links()


def test_position_theme_and_debate_pages(mini_client):
    position = assert_strict_csp_satisfied(mini_client.get("/kb/positions/place-based"))
    assert "2 claims" in position.text
    assert {"/kb/claims/places-differ", "/kb/claims/growth-needs-institutions"} <= set(position.links())
    assert "/kb/sources/agency-2021-report" in position.links()
    theme = assert_strict_csp_satisfied(mini_client.get("/kb/themes/policy"))
    assert "3 claims" in theme.text and "/kb/claims/back-big-cities" in theme.links()
    debate = assert_strict_csp_satisfied(mini_client.get("/kb/debates/main"))
    assert "All 5 claims" in debate.text


def test_search_page(mini_client):
    response = mini_client.get("/-/search?q=institutions")
    page = assert_strict_csp_satisfied(response)
    assert "/kb/claims/growth-needs-institutions" in page.links()
    assert "<mark>institutions</mark>" in response.text
    assert "/kb/search_everything?q=institutions" in page.links()
    assert mini_client.get("/-/search?q=%22unbalanced+AND+(").status_code == 200
    assert "Search" in Page(mini_client.get("/-/search").text).text


def test_static_files(mini_client):
    css = mini_client.get(plugin.static_url("kb.css"))
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    for path in ("/-/kb/static/..%2Fplugin.py", "/-/kb/static/../plugin.py", "/-/kb/static/%2E%2E/plugin.py"):
        response = mini_client.get(path)
        assert response.status_code != 200 or "hookimpl" not in response.text, path


def test_datasette_pages_get_the_datasette_policy(mini_client):
    policy = mini_client.get("/kb/claims").headers["content-security-policy"]
    assert policy == plugin.CSP_DATASETTE and "frame-ancestors 'none'" in policy


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    build = pipeline.build(FIXTURES / "hostile", tmp_path_factory.mktemp("hostile"))
    client = Client(build.outputs[0])
    yield client
    client.close()


def test_hostile_content_is_text(hostile_client):
    for path in ("/kb/claims/script-claim", "/kb/claims/javascript-claim", "/", "/kb/sources/synthetic-2020-hostile",
                 "/-/search?q=synthetic", "/kb/debates/hostile", "/kb/themes/cities"):
        response = hostile_client.get(path)
        assert response.status_code == 200, path
        page = assert_strict_csp_satisfied(response)
        assert not [a for t, a in page.tags if t == "script" and "src" not in a], path
        assert not [h for h in page.links() if h.strip().lower().startswith("javascript:")], path
        assert not page.find("img") and not page.find("b"), path
        assert "alert(" not in "".join(a.get("src", "") for _, a in page.tags)
    claim = Page(hostile_client.get("/kb/claims/script-claim").text)
    assert 'Synthetic claim <script>alert("pwned")</script> that must show as text.' in claim.text
    assert "https://example.org/synthetic" in claim.links()
    assert "Synthetic <b>Agency</b>" in claim.text  # in the formatted reference, as typed
    assert 'Synthetic <script>alert("title")</script> report' in claim.text


def test_every_template_and_static_file_is_package_data():
    """Templates and static files must be in the wheel, or `pip install` gives a plugin without pages."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"\[tool\.setuptools\.package-data\]\s*kb\s*=\s*\[([^\]]*)\]", text)
    globs = re.findall(r'"([^"]+)"', block.group(1))
    package = ROOT / "kb"
    for folder in ("templates", "static"):
        for path in (package / folder).rglob("*"):
            if path.is_file():
                rel = path.relative_to(package).as_posix()
                assert any(fnmatch.fnmatch(rel, g) and rel.count("/") == g.count("/") for g in globs), rel


def test_other_databases_keep_datasette_index(tmp_path):
    """The plugin is installed for every `datasette`; without a kb database it stays out of the way."""
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.commit()
    client = Client(other)
    try:
        response = client.get("/")
        assert response.status_code == 200 and "other" in response.text
        assert response.headers["content-security-policy"] == plugin.CSP_DATASETTE
        assert client.get("/other/t").status_code == 200
    finally:
        client.close()


def test_reply_line_not_repeated_when_the_target_says_it(mini_client):
    """'Written as a reply to X' and 'This claim undermines: X' would say the same thing twice."""
    html = mini_client.get("/kb/claims/differences-are-sorting").text
    assert "Written as a reply to" not in html
    assert html.count('href="/kb/claims/places-differ"') >= 1 and "undermines" in html
