"""Which arguments a handout or a reading list covers: one claim, a theme, or a position.

A theme or a position selects many claims, several of which belong to one
argument (a supporter of another selected claim, a reply to one). Teaching
material should show each argument once, from its top, so the selection is
reduced to *roots*: selected claims that do not themselves support, qualify or
attack another selected claim. Each root's argument comes from
:mod:`kb.argument`; a selected claim that no root's argument reaches (a cycle,
or deeper than the tree goes) becomes a root of its own.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .argument import DEFAULT_DEPTH, Argument, load_argument


class SelectionError(ValueError):
    """Nothing, or something unknown, was selected; the message says what exists."""


@dataclass
class Selection:
    kind: str  # "claim", "theme", "position" or "all"
    value: Optional[str]
    label: str  # e.g. "Theme: Regional inequality"
    arguments: List[Argument] = field(default_factory=list)

    def sources(self) -> Dict[str, Dict]:
        """Every cited source row (csl parsed) across the arguments, by id."""
        out: Dict[str, Dict] = {}
        for argument in self.arguments:
            out.update(argument.sources)
        return {k: out[k] for k in sorted(out)}


def _rows(conn: sqlite3.Connection, sql: str, params: Tuple = ()) -> List[sqlite3.Row]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, params).fetchall()


def _choices(conn: sqlite3.Connection, table: str) -> str:
    return ", ".join(r["id"] for r in _rows(conn, f"select id from {table} order by id"))


def select(
    conn: sqlite3.Connection, claim: Optional[str] = None, theme: Optional[str] = None,
    position: Optional[str] = None, depth: int = DEFAULT_DEPTH,
) -> Selection:
    """The arguments for one ``claim`` (a retired id resolves), a ``theme``, a ``position``, or everything."""
    if sum(x is not None for x in (claim, theme, position)) > 1:
        raise SelectionError("choose one of a claim, --theme or --position")
    if claim is not None:
        argument = load_argument(conn, claim, depth=depth)
        if argument is None:
            raise SelectionError(f"unknown claim '{claim}' (see 'kb ids' or the claims table for the ids)")
        return Selection("claim", claim, f"Claim {argument.root.id}", [argument])
    order = "order by c.is_root desc, c.debate, c.seq"
    if theme is not None:
        found = _rows(conn, "select name from themes where id = ?", (theme,))
        if not found:
            raise SelectionError(f"unknown theme '{theme}'; themes: {_choices(conn, 'themes')}")
        ids = [r["id"] for r in _rows(conn, f"""select c.id from claims c join claim_themes t on t.claim = c.id
            where t.theme = ? {order}""", (theme,))]
        label = f"Theme: {found[0]['name']}"
    elif position is not None:
        found = _rows(conn, "select name from positions where id = ?", (position,))
        if not found:
            raise SelectionError(f"unknown position '{position}'; positions: {_choices(conn, 'positions')}")
        ids = [r["id"] for r in _rows(conn, f"select c.id from claims c where c.position = ? {order}", (position,))]
        label = f"Position: {found[0]['name']}"
    else:
        ids = [r["id"] for r in _rows(conn, f"select c.id from claims c {order}")]
        label = "All claims"
    if not ids:
        raise SelectionError(f"no claims with {'theme' if theme else 'position'} '{theme or position}' yet")
    chosen = set(ids)
    outgoing = {
        r["from_claim"] for r in _rows(conn, "select from_claim, to_claim from relations")
        if r["from_claim"] in chosen and r["to_claim"] in chosen and r["from_claim"] != r["to_claim"]
    }
    roots = [i for i in ids if i not in outgoing]
    arguments: List[Argument] = []
    covered: set = set()
    for claim_id in roots + [i for i in ids if i in outgoing]:
        if claim_id in covered:
            continue
        argument = load_argument(conn, claim_id, depth=depth)
        if argument is None:  # pragma: no cover - ids come from the same database
            continue
        arguments.append(argument)
        covered |= {n.id for n in argument.nodes()}
    kind = "theme" if theme is not None else "position" if position is not None else "all"
    return Selection(kind, theme or position, label, arguments)
