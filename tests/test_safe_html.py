"""kb.safe_html: markdown rendered with raw HTML off, then sanitised with nh3."""
from __future__ import annotations

import doctest

import kb.safe_html
from kb.safe_html import clean, markdown_to_html


def test_doctests():
    assert doctest.testmod(kb.safe_html).failed == 0


def test_markdown_is_rendered():
    html = markdown_to_html("A *markdown* summary with a [link](https://example.org/).")
    assert "<em>markdown</em>" in html and 'href="https://example.org/"' in html


def test_raw_html_and_scripts_show_as_text_or_go():
    html = markdown_to_html("<script>alert(1)</script> and <b onclick=x()>bold</b>")
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;" in html  # shown as the text the curator typed


def test_javascript_links_are_dropped():
    assert 'href="javascript' not in markdown_to_html("[click](javascript:alert(1))")
    assert "javascript:" not in clean('<a href="javascript:alert(1)">x</a>')


def test_empty_input():
    assert markdown_to_html(None) == "" and clean(None) == ""
