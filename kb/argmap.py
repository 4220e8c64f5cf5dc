"""Argument maps: the argument around a claim drawn as a standalone SVG.

A map shows the claim, the claims that support, qualify or attack it (and
what attacks those, down to the depth :func:`kb.argument.load_argument` went),
the evidence bearing on each claim, and -- on the far left, for context -- the
claims the root itself supports or attacks. Support and attack are drawn
differently (colour, dash pattern, arrow and a text label on every edge, so a
map still reads in black and white on a handout), undercuts are
distinguishable from rebuttals and underminers, every node links to its page,
and a legend explains it all.

Layout is layered and computed here, with no Graphviz: ``kb.argument`` gives a
*tree* (each claim appears once), so a tidy layered tree layout -- one column
per depth, each subtree in its own horizontal band, a parent centred on its
children -- has no edge crossings and no overlaps by construction, which a
general Sugiyama layout (e.g. grandalf) can only approximate. Columns run left
to right so that 30 or more claims grow the map *downwards*, where a page
scrolls, instead of shrinking the text.

The SVG uses presentation attributes only (no ``<style>`` element, no
``style=""``), so it needs no stylesheet, satisfies a strict
Content-Security-Policy when inlined in a page, and does not restyle the page
it is embedded in. Element ids are prefixed per root claim, so several maps can
share one HTML document. Every string from the knowledge base is escaped.

>>> from kb.argument import Argument, Node
>>> arg = Argument(Node("a-claim", "Cities <grow>.", "agglomeration", "causal"))
>>> svg = render_svg(arg)
>>> svg.startswith("<svg xmlns=")
True
>>> "Cities &lt;grow&gt;." in svg and 'href="/kb/claims/a-claim"' in svg
True
"""
from __future__ import annotations

import hashlib
import html
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from . import model
from .argument import DEFAULT_DEPTH, Argument, EvidenceItem, Node

# --- geometry (px) ------------------------------------------------------------------------------
NODE_WIDTH = 230
COLUMN_GAP = 96  # room for an edge label between two columns
ROW_GAP = 14
PAD = 9
MARGIN = 16
FONT = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"
TEXT_SIZE = 13
LINE = 17
SMALL_SIZE = 10.5
SMALL_LINE = 14
MAX_EVIDENCE_LINES = 6

# --- colours ------------------------------------------------------------------------------------
#: Node fills for positions, assigned in the order given to :func:`position_colors`.
PALETTE = ("#dbeafe", "#fde6c8", "#dcf2dc", "#efe0f7", "#fbdde3", "#d9f2f2", "#f4efc8", "#e6e6e6")
EVIDENCE_FILL = "#ffffff"
TEXT = "#1f2328"
MUTED = "#57606a"


@dataclass(frozen=True)
class EdgeStyle:
    label: str  # short verb on the edge
    explain: str  # legend text
    colour: str
    width: float
    dash: Optional[str] = None
    marker: str = "arrow"  # arrow | bar | dot


#: How each relation is drawn. Attacks are warm colours; each has its own dash and end marker.
EDGE_STYLES: Dict[str, EdgeStyle] = {
    "supports": EdgeStyle("supports", "supports: a reason for it", "#1a7f37", 2),
    "qualifies": EdgeStyle("qualifies", "qualifies: limits it without rejecting it", "#6e7781", 2, "7 4"),
    "rebut": EdgeStyle("rebuts", "rebuts: says it is false", "#cf222e", 2.4),
    "undercut": EdgeStyle("undercuts", "undercuts: says it does not follow from its reasons", "#8250df", 2.4, "9 4", "bar"),
    "undermine": EdgeStyle("undermines", "undermines: says a premise or its evidence is weak", "#bc4c00", 2.6, "2 4", "dot"),
    "evidence-supports": EdgeStyle("evidence for", "evidence for the claim", "#1a7f37", 1.2, "4 3"),
    "evidence-challenges": EdgeStyle("evidence against", "evidence against the claim", "#cf222e", 1.2, "4 3"),
}
ATTACKS = ("rebut", "undercut", "undermine")

# Approximate advance widths (em) of DejaVu Sans, the first font asked for; Verdana is close.
# Used to wrap text so that it fits the boxes; a browser test checks the real widths.
_WIDTHS = {
    **dict.fromkeys("il.,:;'|!", 0.30), **dict.fromkeys("jft", 0.37), **dict.fromkeys("r()[]{}/\\-", 0.40),
    **dict.fromkeys("sz\"*", 0.53), **dict.fromkeys("ckvxy", 0.60), **dict.fromkeys("abdeghnopqu", 0.64),
    **dict.fromkeys("0123456789$#+<>=?~^_", 0.64), **dict.fromkeys("IJ", 0.30), "w": 0.82, "m": 0.98,
    **dict.fromkeys("FLPTYZ", 0.64), **dict.fromkeys("ABEKRSVX", 0.70), **dict.fromkeys("CHNU", 0.76),
    **dict.fromkeys("DGOQ", 0.79), "M": 0.87, "W": 0.99, "&": 0.78, "%": 0.95, "@": 1.0, " ": 0.32,
}


def text_width(text: str, size: float = TEXT_SIZE, bold: bool = False) -> float:
    """Estimated rendered width of ``text`` in px (a little generous, never short).

    >>> text_width("ill") < text_width("mom")
    True
    """
    em = sum(_WIDTHS.get(ch, 0.72 if ch.isupper() else 0.66) for ch in text)
    return em * size * (1.13 if bold else 1.0) * 1.02


def wrap(text: str, width: float, size: float = TEXT_SIZE, bold: bool = False, max_lines: Optional[int] = None) -> List[str]:
    """Greedy word wrap to ``width`` px; over-long words are split; an ellipsis marks a cut.

    >>> wrap("one two three four", 75)
    ['one two', 'three four']
    """
    words = text.split()
    lines: List[str] = []
    current = ""
    for word in words:
        while text_width(word, size, bold) > width:  # a word longer than a line
            head = word
            while len(head) > 1 and text_width(head + "-", size, bold) > width:
                head = head[:-1]
            if current:
                lines.append(current)
                current = ""
            lines.append(head + "-")
            word = word[len(head):]
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + " …", size, bold) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last + " …"
    return lines or [""]


def position_colors(position_ids: Iterable[str]) -> Dict[str, str]:
    """Node fill per position, in the order given (pass the whole vocabulary for stable colours).

    >>> position_colors(["agglomeration", "place-based"])
    {'agglomeration': '#dbeafe', 'place-based': '#fde6c8'}
    """
    return {pid: PALETTE[i % len(PALETTE)] for i, pid in enumerate(position_ids)}


def short_ref(row: Optional[dict], fallback: str) -> str:
    """'Smith & de Groot (2020)' from a ``sources`` row as :mod:`kb.argument` gives it."""
    if not row:
        return fallback
    csl = row.get("csl") or {}
    people = [p for p in (csl.get("author") or csl.get("editor") or []) if isinstance(p, dict)]
    names = [
        p.get("literal") or " ".join(str(x) for x in (p.get("non-dropping-particle"), p.get("family")) if x) or p.get("given") or ""
        for p in people
    ]
    return model.short_ref(names, row.get("year"), row.get("title") or fallback)


# --- the picture as boxes and edges -------------------------------------------------------------


@dataclass
class Box:
    """One drawn node: a claim or an evidence item."""

    key: str  # unique within the map
    kind: str  # root | claim | target | evidence
    header: List[str]
    lines: List[str]
    footer: List[str]
    fill: str
    title: str  # full text, shown as a tooltip
    link: Optional[str]
    data: Dict[str, str]
    column: int = 0
    x: float = 0
    y: float = 0
    children: List["Box"] = field(default_factory=list)

    @property
    def height(self) -> float:
        return PAD * 2 + SMALL_LINE * len(self.header) + LINE * len(self.lines) + SMALL_LINE * len(self.footer) + 2


@dataclass
class Edge:
    child: Box  # the supporter / attacker / evidence (drawn on the right)
    parent: Box  # what it bears on (on the left)
    style: str  # key of EDGE_STYLES


def _safe_link(url: Optional[str]) -> Optional[str]:
    """Only relative, http(s) and fragment links; anything else (``javascript:``...) is dropped."""
    if not url:
        return None
    scheme = urllib.parse.urlsplit(url.strip()).scheme.lower()
    return url if scheme in ("", "http", "https") else None


def _attribution_refs(node: Node, argument: Argument) -> List[str]:
    refs = []
    for a in node.attributions:
        ref = short_ref(argument.sources.get(a.source), a.source)
        if ref not in refs:
            refs.append(ref)
    return refs


def _claim_box(node: Node, kind: str, argument: Argument, colours: Dict[str, str], href) -> Box:
    inner = NODE_WIDTH - 2 * PAD
    position = argument.positions.get(node.position, node.position)
    header = f"{position} · {node.kind}" if node.kind else position
    footer: List[str] = []
    refs = _attribution_refs(node, argument)
    if refs:
        footer = wrap("— " + "; ".join(refs), inner, SMALL_SIZE, max_lines=2)
    if node.truncated:
        footer.append("+ more on its page")
    return Box(
        key=f"claim:{node.id}", kind=kind,
        header=wrap(header, inner, SMALL_SIZE, bold=True, max_lines=2),
        lines=wrap(node.text, inner, bold=kind == "root"), footer=footer, fill=colours.get(node.position, PALETTE[-1]),
        title=node.text, link=_safe_link(href(node.id)), data={"claim": node.id},
    )


def _figure(e: EvidenceItem) -> str:
    def num(v: float) -> str:
        return f"{v:g}"
    if e.figure_value is not None:
        value = num(e.figure_value)
    elif e.figure_low is not None and e.figure_high is not None:
        value = f"{num(e.figure_low)}–{num(e.figure_high)}"
    else:
        return ""
    return f"{value} {e.figure_unit or ''}".strip()


def _evidence_box(e: EvidenceItem, argument: Argument, evidence_href) -> Box:
    inner = NODE_WIDTH - 2 * PAD
    header = "EVIDENCE · " + e.design_name + (f" · SMS {e.sms}" if e.sms else "")
    footer_text = "— " + short_ref(argument.sources.get(e.source), e.source)
    figure = _figure(e)
    if figure:
        footer_text += " · " + figure
    return Box(
        key=f"evidence:{e.id}", kind="evidence",
        header=wrap(header, inner, SMALL_SIZE, bold=True, max_lines=2),
        lines=wrap(e.finding, inner, max_lines=MAX_EVIDENCE_LINES),
        footer=wrap(footer_text, inner, SMALL_SIZE, max_lines=2), fill=EVIDENCE_FILL, title=e.finding,
        link=_safe_link(evidence_href(e.id)) if evidence_href else None, data={"evidence": e.id},
    )


def _default_href(claim_id: str) -> str:
    return "/kb/claims/" + urllib.parse.quote(claim_id, safe="")


def _default_evidence_href(evidence_id: str) -> str:
    return "/kb/evidence/" + urllib.parse.quote(evidence_id, safe="")


def build_boxes(argument: Argument, href, evidence_href, colours, evidence: bool) -> Tuple[List[Box], List[Edge], Box]:
    """The tree of boxes (root first) and the edges between them, before layout."""
    boxes: List[Box] = []
    edges: List[Edge] = []

    def visit(node: Node, kind: str) -> Box:
        box = _claim_box(node, kind, argument, colours, href)
        boxes.append(box)
        for child in node.children:
            child_box = visit(child, "claim")
            box.children.append(child_box)
            edges.append(Edge(child_box, box, child.relation or "supports"))
        if evidence:
            for item in node.evidence:
                ebox = _evidence_box(item, argument, evidence_href)
                boxes.append(ebox)
                box.children.append(ebox)
                edges.append(Edge(ebox, box, "evidence-" + ("challenges" if item.direction == "challenges" else "supports")))
        return box

    root = visit(argument.root, "root")
    for target in argument.targets:
        node = Node(target.id, target.text, target.position, "", relation=None)
        tbox = _claim_box(node, "target", argument, colours, href)
        tbox.header = wrap(f"{argument.positions.get(target.position, target.position)} · this claim {EDGE_STYLES.get(target.relation, EDGE_STYLES['supports']).label} it",
                           NODE_WIDTH - 2 * PAD, SMALL_SIZE, bold=True, max_lines=2)
        tbox.footer = []
        tbox.fill = "#f6f8fa"
        boxes.append(tbox)
        edges.append(Edge(root, tbox, target.relation))
    return boxes, edges, root


# --- layout -------------------------------------------------------------------------------------


def layout(root: Box, targets: Sequence[Box]) -> Tuple[float, float]:
    """Place every box; return the drawing's width and height (without the legend).

    Column = depth (targets, if any, in a column left of the root). Each box
    gets a band as tall as the larger of itself and its children's bands; its
    children's bands are stacked inside it and the box is centred on them.
    Bands of one column never overlap, so neither do boxes or edges.
    """
    band: Dict[str, float] = {}

    def measure(box: Box) -> float:
        kids = sum(measure(c) for c in box.children) + ROW_GAP * max(0, len(box.children) - 1)
        band[box.key] = max(box.height, kids)
        return band[box.key]

    first = 1 if targets else 0

    def place(box: Box, column: int, top: float) -> None:
        box.column = column
        box.x = MARGIN + column * (NODE_WIDTH + COLUMN_GAP)
        total = band[box.key]
        box.y = top + (total - box.height) / 2
        kids = sum(band[c.key] for c in box.children) + ROW_GAP * max(0, len(box.children) - 1)
        y = top + (total - kids) / 2
        for child in box.children:
            place(child, column + 1, y)
            y += band[child.key] + ROW_GAP

    measure(root)
    target_total = sum(t.height for t in targets) + ROW_GAP * max(0, len(targets) - 1)
    height = max(band[root.key], target_total)
    place(root, first, MARGIN + (height - band[root.key]) / 2)
    y = MARGIN + (height - target_total) / 2
    for t in targets:
        t.column, t.x, t.y = 0, MARGIN, y
        y += t.height + ROW_GAP

    def deepest(box: Box) -> int:
        return max([box.column] + [deepest(c) for c in box.children])

    columns = deepest(root) + 1
    width = 2 * MARGIN + columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP
    return width, height + 2 * MARGIN


# --- drawing ------------------------------------------------------------------------------------

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(text: object) -> str:
    """Escape for XML text and attribute values (and drop characters XML forbids)."""
    return html.escape(_INVALID_XML.sub("", str(text)), quote=True)


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _markers(prefix: str) -> str:
    out = []
    for key, s in EDGE_STYLES.items():
        mid = f"{prefix}-m-{key}"
        if s.marker == "bar":
            shape = f'<path d="M 1 0 L 1 10 M 5 0 L 5 10" stroke="{s.colour}" stroke-width="2" fill="none"/>'
            box = 'viewBox="0 0 8 10" refX="7" refY="5" markerWidth="8" markerHeight="10"'
        elif s.marker == "dot":
            shape = f'<circle cx="5" cy="5" r="4" fill="{s.colour}"/>'
            box = 'viewBox="0 0 10 10" refX="8" refY="5" markerWidth="8" markerHeight="8"'
        else:
            shape = f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{s.colour}"/>'
            box = 'viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8"'
        out.append(f'<marker id="{mid}" {box} markerUnits="userSpaceOnUse" orient="auto">{shape}</marker>')
    return "<defs>" + "".join(out) + "</defs>"


def _ports(edges: Sequence[Edge]) -> Dict[int, Tuple[float, float]]:
    """Where each edge leaves its child and meets its parent (y of both ends).

    Edges arriving at one box are spread over its right side, and edges
    leaving one box over its left side, in drawing order, so that arrowheads
    of different kinds never sit on top of each other.
    """
    incoming: Dict[str, List[int]] = {}
    outgoing: Dict[str, List[int]] = {}
    for i, e in enumerate(edges):
        incoming.setdefault(e.parent.key, []).append(i)
        outgoing.setdefault(e.child.key, []).append(i)

    def spread(box: Box, index: int, group: List[int]) -> float:
        k = len(group)
        if k == 1:
            return box.y + box.height / 2
        span = min(box.height - 16, 14.0 * (k - 1))
        return box.y + (box.height - span) / 2 + span * group.index(index) / (k - 1)

    return {
        i: (spread(e.child, i, outgoing[e.child.key]), spread(e.parent, i, incoming[e.parent.key]))
        for i, e in enumerate(edges)
    }


def _draw_edge(edge: Edge, prefix: str, y1: float, y2: float) -> str:
    s = EDGE_STYLES.get(edge.style, EDGE_STYLES["supports"])
    x1, x2 = edge.child.x, edge.parent.x + NODE_WIDTH
    dx = (x1 - x2) / 2
    d = f"M {_n(x1)} {_n(y1)} C {_n(x1 - dx)} {_n(y1)}, {_n(x2 + dx)} {_n(y2)}, {_n(x2)} {_n(y2)}"
    frm = edge.child.data.get("claim") or edge.child.data.get("evidence")
    to = edge.parent.data["claim"]
    if edge.parent.kind == "target":  # several edges leave the root: label each at its target
        lx, ly, anchor = x2 + 12, y2 - 6, "start"
    else:
        lx, ly, anchor = x1 - 5, y1 - 5, "end"
    label = (f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" font-size="{SMALL_SIZE}" fill="{s.colour}" '
             f'stroke="#ffffff" stroke-width="3" paint-order="stroke" stroke-linejoin="round">{esc(s.label)}</text>')
    return (f'<g class="kbam-edge kbam-{esc(edge.style)}" data-from="{esc(frm)}" data-to="{esc(to)}" data-relation="{esc(edge.style)}">'
            f'<title>{esc(frm)} {esc(s.label)} {esc(to)}</title>'
            f'<path d="{d}" fill="none" {_stroke(s)} marker-end="url(#{prefix}-m-{edge.style})"/>{label}</g>')


def _stroke(s: EdgeStyle) -> str:
    dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
    cap = ' stroke-linecap="round"' if s.marker == "dot" else ""
    return f'stroke="{s.colour}" stroke-width="{_n(s.width)}"{dash}{cap}'


def _draw_box(box: Box) -> str:
    x, y = box.x, box.y
    stroke, width, dash = {
        "root": ("#1f2328", 3, ""), "claim": ("#57606a", 1.2, ""),
        "target": ("#8c959f", 1.2, ' stroke-dasharray="5 3"'), "evidence": ("#8c959f", 1, ""),
    }[box.kind]
    radius = 2 if box.kind == "evidence" else 8
    parts = [
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{NODE_WIDTH}" height="{_n(box.height)}" rx="{radius}" '
        f'fill="{box.fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>'
    ]
    if box.kind == "evidence":  # a folded corner: reads as "a document", not a claim
        parts.append(f'<path d="M {_n(x + NODE_WIDTH - 12)} {_n(y)} L {_n(x + NODE_WIDTH)} {_n(y + 12)}" stroke="{stroke}" stroke-width="1" fill="none"/>')
    ty = y + PAD + SMALL_SIZE
    parts.append(f'<text x="{_n(x + PAD)}" y="{_n(ty)}" font-size="{SMALL_SIZE}" font-weight="bold" fill="{MUTED}">')
    for i, line in enumerate(box.header):
        parts.append(f'<tspan x="{_n(x + PAD)}" dy="{0 if i == 0 else SMALL_LINE}">{esc(line)}</tspan>')
    parts.append("</text>")
    ty += SMALL_LINE * (len(box.header) - 1) + SMALL_LINE - SMALL_SIZE + TEXT_SIZE + 2
    weight = ' font-weight="bold"' if box.kind == "root" else ""
    parts.append(f'<text x="{_n(x + PAD)}" y="{_n(ty)}" font-size="{TEXT_SIZE}" fill="{TEXT}"{weight}>')
    for i, line in enumerate(box.lines):
        parts.append(f'<tspan x="{_n(x + PAD)}" dy="{0 if i == 0 else LINE}">{esc(line)}</tspan>')
    parts.append("</text>")
    if box.footer:
        fy = ty + LINE * (len(box.lines) - 1) + SMALL_LINE + 1
        parts.append(f'<text x="{_n(x + PAD)}" y="{_n(fy)}" font-size="{SMALL_SIZE}" font-style="italic" fill="{MUTED}">')
        for i, line in enumerate(box.footer):
            parts.append(f'<tspan x="{_n(x + PAD)}" dy="{0 if i == 0 else SMALL_LINE}">{esc(line)}</tspan>')
        parts.append("</text>")
    data = "".join(f' data-{k}="{esc(v)}"' for k, v in box.data.items())
    group = (f'<g class="kbam-node kbam-{box.kind}"{data}><title>{esc(box.title)}</title>' + "".join(parts) + "</g>")
    if box.link:
        link = esc(box.link)
        return f'<a href="{link}" xlink:href="{link}">{group}</a>'
    return group


def _legend(top: float, width: float, positions: Dict[str, str], colours: Dict[str, str], styles: Sequence[str]) -> Tuple[str, float]:
    """Legend items flowed into rows across ``width``; returns the SVG and its height."""
    items: List[Tuple[float, str]] = []  # (width, svg at origin)
    for key in styles:
        s = EDGE_STYLES[key]
        w = 40 + text_width(s.explain, SMALL_SIZE)
        marker_end = {"arrow": f'<path d="M 36 6 L 28 2 L 28 10 z" fill="{s.colour}"/>',
                      "bar": f'<path d="M 31 1 L 31 11 M 35 1 L 35 11" stroke="{s.colour}" stroke-width="2"/>',
                      "dot": f'<circle cx="33" cy="6" r="4" fill="{s.colour}"/>'}[s.marker]
        items.append((w, f'<g class="kbam-legend-item" data-relation="{key}"><path d="M 0 6 L 30 6" {_stroke(s)}/>{marker_end}'
                         f'<text x="42" y="10" font-size="{SMALL_SIZE}" fill="{TEXT}">{esc(s.explain)}</text></g>'))
    for pid, name in positions.items():
        label = f"claim of the {name} position"
        items.append((28 + text_width(label, SMALL_SIZE), f'<g class="kbam-legend-item" data-position="{esc(pid)}"><rect x="0" y="0" width="22" height="12" rx="3" fill="{colours.get(pid, PALETTE[-1])}" stroke="#57606a"/>'
                                                           f'<text x="28" y="10" font-size="{SMALL_SIZE}" fill="{TEXT}">{esc(label)}</text></g>'))
    items.append((28 + text_width("the claim this map is about", SMALL_SIZE), '<g class="kbam-legend-item"><rect x="1" y="1" width="20" height="10" rx="3" fill="#ffffff" stroke="#1f2328" stroke-width="2.5"/>'
                                                                               f'<text x="28" y="10" font-size="{SMALL_SIZE}" fill="{TEXT}">the claim this map is about</text></g>'))
    items.append((28 + text_width("evidence: finding, study design, SMS", SMALL_SIZE), '<g class="kbam-legend-item"><rect x="0" y="0" width="22" height="12" rx="1" fill="#ffffff" stroke="#8c959f"/>'
                                                                                       f'<text x="28" y="10" font-size="{SMALL_SIZE}" fill="{TEXT}">evidence: finding, study design, SMS</text></g>'))
    out = [f'<g class="kbam-legend"><text x="{MARGIN}" y="{_n(top + 11)}" font-size="{SMALL_SIZE}" font-weight="bold" fill="{MUTED}">'
           'KEY · arrows point at the claim they bear on · click a box to open its page</text>']
    x, y, row = MARGIN, top + 22, 16
    for w, svg in items:
        if x > MARGIN and x + w > width - MARGIN:
            x, y = MARGIN, y + row
        out.append(f'<g transform="translate({_n(x)} {_n(y)})">{svg}</g>')
        x += w + 18
    out.append("</g>")
    return "".join(out), y + row - top


def render_svg(
    argument: Argument,
    href: Optional[Callable[[str], str]] = None,
    *,
    evidence_href: Optional[Callable[[str], str]] = None,
    evidence: bool = True,
    colours: Optional[Dict[str, str]] = None,
) -> str:
    """The argument map of ``argument`` as a standalone ``<svg>`` document (a string).

    ``href(claim_id)`` gives each claim box's link (default ``/kb/claims/<id>``).
    Evidence boxes link to ``evidence_href(evidence_id)``; with neither
    ``href`` nor ``evidence_href`` given that is ``/kb/evidence/<id>``, and with
    only ``href`` given evidence boxes are not links (their page may not exist
    where the map is used). ``evidence=False`` leaves evidence out. ``colours``
    maps position ids to fills (see :func:`position_colors`; pass the whole
    vocabulary so a position has the same colour on every map).
    """
    if evidence_href is None and href is None:
        evidence_href = _default_evidence_href
    href = href or _default_href
    colours = colours or position_colors(sorted(argument.positions))
    prefix = "kbam-" + hashlib.sha1(argument.root.id.encode("utf-8")).hexdigest()[:8]
    boxes, edges, root = build_boxes(argument, href, evidence_href, colours, evidence)
    targets = [b for b in boxes if b.kind == "target"]
    width, height = layout(root, targets)
    width = max(width, 640)
    ports = _ports(edges)
    shown = [k for k in EDGE_STYLES if evidence or not k.startswith("evidence")]
    legend, legend_height = _legend(height, width, argument.positions, colours, shown)
    total = height + legend_height + MARGIN
    n_claims = sum(1 for b in boxes if b.kind in ("root", "claim"))
    n_evidence = sum(1 for b in boxes if b.kind == "evidence")
    summary = (f"{n_claims} claims and {n_evidence} evidence items around the claim: {argument.root.text} "
               f"Supporters: {len(argument.root.supporters)}; counterarguments: {len(argument.root.attackers)}.")
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" class="kbam" '
        f'width="{_n(width)}" height="{_n(total)}" viewBox="0 0 {_n(width)} {_n(total)}" role="group" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" font-family="{FONT}" data-claim="{esc(argument.root.id)}">',
        f'<title id="{prefix}-title">Argument map: {esc(argument.root.text)}</title>',
        f'<desc id="{prefix}-desc">{esc(summary)}</desc>',
        _markers(prefix),
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(total)}" fill="#ffffff"/>',
        '<g class="kbam-edges">', *(_draw_edge(e, prefix, *ports[i]) for i, e in enumerate(edges)), "</g>",
        '<g class="kbam-nodes">', *(_draw_box(b) for b in boxes), "</g>",
        legend,
        "</svg>",
    ])


def claim_map(conn, claim_id: str, base_url: str = "http://127.0.0.1:8001", depth: int = DEFAULT_DEPTH, evidence: bool = True) -> Optional[str]:
    """The map of ``claim_id`` from a built database (an open ``sqlite3`` connection), or None if unknown.

    Links are absolute, to the reading room published at ``base_url``, so the
    file works wherever it is put (slides, handouts, a wiki). Colours follow the
    whole positions vocabulary, as on the site.
    """
    from .argument import load_argument

    argument = load_argument(conn, claim_id, depth=depth)
    if argument is None:
        return None
    base = base_url.rstrip("/")
    ids = [row[0] for row in conn.execute("select id from positions order by rowid")]
    return render_svg(
        argument,
        href=lambda cid: f"{base}/kb/claims/{urllib.parse.quote(cid, safe='')}",
        evidence_href=lambda eid: f"{base}/kb/evidence/{urllib.parse.quote(eid, safe='')}",
        evidence=evidence, colours=position_colors(ids),
    )
