"""Markdown and HTML from the knowledge base, made safe to put in a page.

Summaries are markdown written by curators; citations come back from a
formatter as HTML. Either could carry ``<script>``, an ``onerror=`` attribute
or a ``javascript:`` link, by accident or on purpose. Markdown is rendered with
markdown-it-py with raw HTML *disabled* (so HTML in a summary shows as text),
and everything is then passed through nh3 (the Ammonia sanitiser) with a short
list of allowed tags and only http(s) and mailto links.

>>> markdown_to_html("A *markdown* summary with <script>alert(1)</script>.")
'<p>A <em>markdown</em> summary with &lt;script&gt;alert(1)&lt;/script&gt;.</p>'
>>> markdown_to_html("[click](javascript:alert(1))")
'<p>[click](javascript:alert(1))</p>'
>>> clean('<a href="https://doi.org/10.1/x" onclick="x()">doi</a><script>x()</script>')
'<a href="https://doi.org/10.1/x" rel="noopener noreferrer">doi</a>'
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import nh3
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "em", "strong", "i", "b", "u", "sup", "sub", "small", "span", "div", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "q", "cite", "abbr",
}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "span": {"class"}, "div": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # CommonMark, raw HTML off: '<b>' in a summary is shown, not obeyed.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def clean(html: Optional[str]) -> str:
    """Sanitise HTML: allowed tags only, no event handlers or styles, only http(s)/mailto links."""
    if not html:
        return ""
    return nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer",
        strip_comments=True,
    )


def markdown_to_html(text: Optional[str]) -> str:
    """Render curator markdown to sanitised HTML ('' for None)."""
    if not text:
        return ""
    return clean(_markdown().render(text)).strip()
