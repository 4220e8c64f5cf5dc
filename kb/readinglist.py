"""Reading lists: the works behind a theme or a position, grouped by position, each with what it argues.

The works are every source cited (as argument or as evidence) in the
arguments :mod:`kb.selection` picks, so a reading list for a position also
lists the works that answer it. They are grouped by the positions the work
itself argues for (a work arguing for two appears under both, marked), in the
order of ``vocab/positions.yml``, formatted in the chosen CSL style, each
followed by one line from our summary of it.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import jinja2

from . import cite
from .handout import md_escape
from .selection import select

FORMATS = ("md", "html")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


@dataclass
class Entry:
    id: str
    reference: str
    argues: str
    also: List[str] = field(default_factory=list)  # names of the other groups it appears in


@dataclass
class Group:
    position: Optional[str]
    name: str
    entries: List[Entry]


@dataclass
class ReadingList:
    label: str
    groups: List[Group]
    style: str
    info: Dict[str, str] = field(default_factory=dict)


def first_sentence(text: Optional[str]) -> str:
    """The first sentence of a summary, on one line.

    >>> first_sentence("Finds that cities are productive. Also much else.")
    'Finds that cities are productive.'
    """
    if not text:
        return "No summary yet."
    return _SENTENCE.split(" ".join(text.split()), maxsplit=1)[0]


def build(conn: sqlite3.Connection, theme: Optional[str] = None, position: Optional[str] = None,
          style: str = "apa", fmt: str = "html") -> ReadingList:
    cite.style_path(style)
    selection = select(conn, theme=theme, position=position)
    sources = selection.sources()
    order = [r[0] for r in conn.execute("select id from positions order by rowid")]
    names = dict(conn.execute("select id, name from positions").fetchall())
    members: Dict[Optional[str], List[str]] = {}
    of_source: Dict[str, List[Optional[str]]] = {}
    for source_id in sources:
        positions = [r[0] for r in conn.execute(
            "select position from source_positions where source = ?", (source_id,))]
        positions = sorted(positions, key=lambda p: order.index(p) if p in order else len(order)) or [None]
        of_source[source_id] = positions
        for p in positions:
            members.setdefault(p, []).append(source_id)
    text_fmt = "html" if fmt == "html" else "text"
    groups = []
    for p in [p for p in order if p in members] + ([None] if None in members else []):
        items = cite.source_items(sources[s] for s in members[p])
        entries = [
            Entry(sid, ref, first_sentence(sources[sid].get("summary")),
                  [names.get(o, o) for o in of_source[sid] if o != p and o is not None])
            for sid, ref in cite.references(items, style=style, fmt=text_fmt)
        ]
        groups.append(Group(p, names.get(p, "Other works cited") if p else "Other works cited", entries))
    info = {k: v for k, v in conn.execute("select key, value from build_info")}
    return ReadingList(selection.label, groups, style, info)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("kb", "templates"), autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
)
_ENV.filters["md"] = md_escape


def render(data: ReadingList, fmt: str = "md") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}': choose {' or '.join(FORMATS)}")
    return _ENV.get_template(f"reading-list.{'html' if fmt == 'html' else 'md'}").render(r=data)


def reading_list(conn: sqlite3.Connection, fmt: str = "md", **options) -> str:
    """A finished reading list: ``reading_list(conn, theme="regional-inequality", style="harvard")``."""
    return render(build(conn, fmt=fmt, **options), fmt)
