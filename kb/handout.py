"""Seminar handouts: the argument around a claim (or a theme's, or a position's) on one page.

A handout gives the claim, the tree of supporting reasons, counterarguments
and responses with who argues each, the evidence with its design and
Maryland SMS level, the argument map, discussion questions read off the
structure, a bibliography in the course's citation style, and how to cite the
claim. Markdown is for editing (and Pandoc); HTML is self-contained (inline
CSS and SVG, no network) and prints cleanly.

Everything is read from the built database through :mod:`kb.selection` and
:mod:`kb.argument`, so a handout shows exactly what the claim pages show.
"""
from __future__ import annotations

import base64
import datetime
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import jinja2

from . import argmap, cite
from .argument import ATTACKS, Argument, EvidenceItem, Node
from .safe_html import markdown_to_html
from .selection import Selection, select

DEFAULT_BASE_URL = "http://127.0.0.1:8001"
FORMATS = ("md", "html")
LOW_SMS = 2  # SMS 1-2: correlation, with or without controls; no credible counterfactual

#: How a claim bears on its parent, as a handout says it.
VERBS = {"supports": "supports", "qualifies": "qualifies", "rebut": "rebuts", "undercut": "undercuts", "undermine": "undermines"}


@dataclass
class Item:
    """One claim in the printed tree."""

    node: Node
    depth: int
    role: str  # Claim, Reason, Qualification, Counterargument, Response
    verb: Optional[str]
    position: str
    attribution: str
    permalink: str


@dataclass
class EvidenceRow:
    claim: Node
    evidence: EvidenceItem
    source: str


@dataclass
class Section:
    """One argument of the handout (a handout for a theme has several)."""

    argument: Argument
    items: List[Item]
    evidence: List[EvidenceRow]
    questions: List[str]
    svg: str
    citation: str
    permalink: str


@dataclass
class Handout:
    title: str
    label: str
    sections: List[Section]
    references: List[str]
    info: Dict[str, str] = field(default_factory=dict)
    style: str = "apa"


def attribution(node: Node, sources: Dict[str, Dict[str, Any]]) -> str:
    """'Bailey (2026), para. 5; Bailey & Hildreth (2025)': who argues a claim, and where."""
    parts = []
    for a in node.attributions:
        text = argmap.short_ref(sources.get(a.source), a.source)
        if a.locator:
            text += f", {a.locator}"
        if a.quote:
            text += f" (‘{a.quote}’)"
        parts.append(text)
    return "; ".join(parts)


def _role(node: Node, parent: Optional[Node]) -> str:
    if parent is None:
        return "Claim"
    if node.relation in ATTACKS:
        return "Response" if parent.relation in ATTACKS else "Counterargument"
    return "Qualification" if node.relation == "qualifies" else "Reason"


def _items(argument: Argument, permalink) -> List[Item]:
    out: List[Item] = []

    def walk(node: Node, parent: Optional[Node], depth: int) -> None:
        out.append(Item(
            node, depth, _role(node, parent), VERBS.get(node.relation or ""),
            argument.positions.get(node.position, node.position), attribution(node, argument.sources), permalink(node.id),
        ))
        for child in node.children:
            walk(child, node, depth + 1)

    walk(argument.root, None, 0)
    return out


def _quote(text: str, limit: int = 140) -> str:
    text = " ".join(text.split()).rstrip(".")
    return f"“{text if len(text) <= limit else text[: limit - 1].rsplit(' ', 1)[0] + '…'}”"


def questions(argument: Argument) -> List[str]:
    """Discussion questions read off the structure of an argument, in tree order.

    One for each unanswered counterargument, each answered one (does the
    response meet it?), each undercut and qualification, each claim resting
    only on low-SMS or non-causal evidence, and each empirical or causal claim
    with no evidence; then, when several positions meet, one comparing them.
    """
    out: List[str] = []
    parents: Dict[str, Node] = {c.id: n for n, _ in argument.root.walk() for c in n.children}
    for node, _ in argument.root.walk():
        parent = parents.get(node.id)
        if parent is not None and node.relation in ATTACKS:
            if node.attackers:
                reply = node.attackers[0]
                out.append(f"Does the response {_quote(reply.text)} meet the objection {_quote(node.text)}, "
                           f"or does it change the question?")
            else:
                out.append(f"No reply to the objection {_quote(node.text)} is recorded yet. "
                           f"How could someone who holds {_quote(parent.text)} answer it?")
            if node.relation == "undercut":
                out.append(f"{_quote(node.text)} does not deny {_quote(parent.text)}; it says the claim does not "
                           f"follow from its reasons. Which reasons, and is the objection fair to them?")
        if parent is not None and node.relation == "qualifies":
            out.append(f"How far does {_quote(node.text)} limit {_quote(parent.text)}? Where would the claim still hold?")
        empirical = [e for e in node.evidence if e.empirical]
        if empirical:
            levels = [e.sms for e in empirical if e.sms is not None]
            if levels and max(levels) <= LOW_SMS:
                out.append(f"The evidence for {_quote(node.text)} reaches only SMS {max(levels)} on the Maryland "
                           f"scale. What would a study at SMS 3 or above have to compare to test it?")
            elif not levels and node.kind == "causal":
                designs = ", ".join(sorted({e.design_name.lower() for e in empirical}))
                out.append(f"{_quote(node.text)} is a causal claim, but its evidence ({designs}) does not isolate "
                           f"cause and effect. What design would?")
        elif node.kind in ("empirical", "causal") and not node.evidence:
            out.append(f"No evidence is recorded for {_quote(node.text)}. What data would show whether it is true?")
    positions = sorted({n.position for n in argument.nodes()})
    if len(positions) > 1:
        names = ", ".join(argument.positions.get(p, p) for p in positions)
        out.append(f"This argument brings together {names}. Where do they disagree about the facts, and where "
                   f"about what counts as success?")
    return out


def _evidence(argument: Argument) -> List[EvidenceRow]:
    return [
        EvidenceRow(node, e, argmap.short_ref(argument.sources.get(e.source), e.source) + (f", {e.locator}" if e.locator else ""))
        for node in argument.nodes() for e in node.evidence
    ]


def _info(conn: sqlite3.Connection) -> Dict[str, str]:
    try:
        return {k: v for k, v in conn.execute("select key, value from build_info")}
    except sqlite3.Error:
        return {}


def build(
    conn: sqlite3.Connection, claim: Optional[str] = None, theme: Optional[str] = None, position: Optional[str] = None,
    style: str = "apa", fmt: str = "html", base_url: str = DEFAULT_BASE_URL, accessed: Optional[datetime.date] = None,
) -> Handout:
    """Everything a handout shows, formatted for ``fmt`` ('html' or 'md'); raises SelectionError or cite.UnknownStyle."""
    cite.style_path(style)  # fail early, before any work, on an unknown style
    selection: Selection = select(conn, claim=claim, theme=theme, position=position)
    info = _info(conn)
    version = info.get("kb_version", "unknown")
    base = base_url.rstrip("/")

    def permalink(claim_id: str) -> str:
        return f"{base}/kb/claims/{claim_id}"

    text_fmt = "html" if fmt == "html" else "text"
    sections = []
    for argument in selection.arguments:
        root = argument.root
        sections.append(Section(
            argument=argument, items=_items(argument, permalink), evidence=_evidence(argument),
            questions=questions(argument), svg=argmap.render_svg(argument, href=permalink),
            citation=cite.claim_citation(root.id, root.text, version, permalink(root.id), style=style, fmt=text_fmt,
                                         accessed=accessed),
            permalink=permalink(root.id),
        ))
    items = cite.source_items(selection.sources().values())
    references = cite.bibliography(items, style=style, fmt=text_fmt)
    title = selection.arguments[0].root.text if selection.kind == "claim" else selection.label
    return Handout(title, selection.label, sections, references, info, style)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("kb", "templates"), autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
)


def md_escape(text: Any) -> str:
    """Text safe inside Markdown: no accidental emphasis, links, HTML or table cells."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", " ".join(str(text).split()))


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


_ENV.filters.update(md=md_escape, markdown_html=markdown_to_html, svg_data_uri=svg_data_uri)


def render(data: Handout, fmt: str = "html") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}': choose {' or '.join(FORMATS)}")
    template = _ENV.get_template("handout.html" if fmt == "html" else "handout.md")
    return template.render(h=data, styles=cite.STYLES, markup=jinja2.utils.markupsafe.Markup)


def handout(conn: sqlite3.Connection, fmt: str = "html", **options: Any) -> str:
    """A finished handout as text: ``handout(conn, claim="x", fmt="md", style="harvard")``."""
    return render(build(conn, fmt=fmt, **options), fmt)
