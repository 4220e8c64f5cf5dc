"""Argdown: the debates and the argument around each claim as text the Argdown tools read.

`Argdown <https://argdown.org>`_ is a plain-text syntax for argument maps with
its own editor, VS Code extension and command line (``@argdown/cli``), which
draws maps, exports them and checks them. We write one file per debate and
one per claim; every claim is an Argdown *statement* titled with its id and
tagged with its position (``#place-based``), so Argdown colours the map by
position.

Relations map onto Argdown's as follows. Argdown has no "limits without
rejecting", so a qualification is written as an attack, and the finer kind of
every attack is kept in a comment after it (``// rebut``):

=============  ==========================
our relation   Argdown
=============  ==========================
supports       support (``+``)
qualifies      attack (``-``), ``// qualifies``
rebut          attack (``-``), ``// rebut``
undermine      attack (``-``), ``// undermine``
undercut       undercut (``_``), ``// undercut``
=============  ==========================

Claim text is escaped so that nothing in it is read as Argdown markup: ``#``
would start a tag, ``[`` and ``<`` a reference, ``_`` and ``*`` emphasis,
``//`` a comment (as in every URL), ``{`` a data block, and ``.x.`` or ``:x:``
a special character.

>>> escape("Cities grow 2.1 times #fast, see https://example.org/a_b.")
'Cities grow 2\\\\.1 times \\\\#fast, see https\\\\:\\\\/\\\\/example\\\\.org\\\\/a\\\\_b.'
"""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .argument import Argument, Node, load_argument

#: our relation type -> (Argdown relation symbol, Argdown relation type as its parser reports it)
RELATIONS: Dict[str, Tuple[str, str]] = {
    "supports": ("+", "support"),
    "qualifies": ("-", "attack"),
    "rebut": ("-", "attack"),
    "undermine": ("-", "attack"),
    "undercut": ("_", "undercut"),
}
_ORDER = {"supports": 0, "qualifies": 1}

#: Colour-blind-safe colours for position tags, assigned in order of position id.
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")

_SPECIAL = re.compile(r"[\\@#*_\[\]<>{}/]|[.:](?=\S)")

Relation = Tuple[str, str, str]  # (from claim, to claim, our relation type)


def escape(text: str) -> str:
    """Claim text as Argdown statement text: one line, no character read as markup."""
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), " ".join(str(text).split()))


def argdown_type(relation: str) -> str:
    """The relation type the Argdown parser reports for one of ours ('support', 'attack', 'undercut')."""
    return RELATIONS[relation][1]


def _front_matter(title: str, positions: Iterable[str], abstract: Optional[str] = None) -> List[str]:
    lines = ["===", f"title: {json.dumps(title, ensure_ascii=False)}"]
    if abstract:
        lines.append(f"abstract: {json.dumps(' '.join(abstract.split()), ensure_ascii=False)}")
    lines += ["model:", "  removeTagsFromText: true"]
    tags = sorted(set(positions))
    if tags:
        lines += ["color:", "  tagColors:"]
        lines += [f"    {tag}: \"{PALETTE[i % len(PALETTE)]}\"" for i, tag in enumerate(tags)]
    lines += ["===", ""]
    return lines


class _Writer:
    """Emits statements once (later mentions are references) and remembers which relations it wrote."""

    def __init__(self, texts: Dict[str, Tuple[str, str]]):
        self.texts = texts  # id -> (text, position)
        self.defined: Set[str] = set()
        self.written: Set[Relation] = set()
        self.lines: List[str] = []

    def statement(self, claim_id: str) -> str:
        if claim_id in self.defined or claim_id not in self.texts:
            return f"[{claim_id}]"
        self.defined.add(claim_id)
        text, position = self.texts[claim_id]
        return f"[{claim_id}]: {escape(text)} #{position}"

    def relation(self, depth: int, relation: str, claim_id: str, incoming: bool) -> None:
        symbol = RELATIONS[relation][0]
        arrow = f"<{symbol}" if incoming else f"{symbol}>"
        comment = "" if relation == "supports" else f" // {relation}"
        self.lines.append(f"{'  ' * depth}{arrow} {self.statement(claim_id)}{comment}")


def _tree(writer: _Writer, node: Node, depth: int = 0) -> None:
    """A kb.argument tree: each child bears on its parent (incoming relations)."""
    for child in node.children:
        writer.relation(depth + 1, child.relation or "supports", child.id, incoming=True)
        writer.written.add((child.id, node.id, child.relation or "supports"))
        _tree(writer, child, depth + 1)


def _loose_ends(writer: _Writer, relations: Iterable[Relation]) -> None:
    """Relations not yet written (cross-links the tree shows once), as small outgoing blocks."""
    pending = [r for r in relations if r not in writer.written]
    for source, target, relation in pending:
        writer.lines += ["", writer.statement(source)]
        writer.relation(1, relation, target, incoming=False)
        writer.written.add((source, target, relation))


def claim_argdown(argument: Argument, relations: Sequence[Relation] = (), title: Optional[str] = None) -> str:
    """The argument around one claim as an Argdown document.

    The claim comes first with the claims bearing on it nested below (as in
    :mod:`kb.argument`), then what the claim itself supports or attacks, then
    any further ``relations`` (from, to, type) among these claims that the tree
    shows only once, e.g. a claim that qualifies the root and also undercuts a
    supporter.
    """
    root = argument.root
    texts = {n.id: (n.text, n.position) for n in argument.nodes()}
    for t in argument.targets:
        texts.setdefault(t.id, (t.text, t.position))
    writer = _Writer(texts)
    header = _front_matter(title or f"The argument around claim {root.id}", (p for _, p in texts.values()))
    writer.lines.append(writer.statement(root.id))
    _tree(writer, root)
    for target in argument.targets:
        writer.relation(1, target.relation, target.id, incoming=False)
        writer.written.add((root.id, target.id, target.relation))
    _loose_ends(writer, relations)
    return "\n".join(header + writer.lines) + "\n"


def _rows(conn: sqlite3.Connection, sql: str, params: Tuple = ()) -> List[sqlite3.Row]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row  # on this cursor only: the caller's connection is left as it was
    return cursor.execute(sql, params).fetchall()


def debate_relations(conn: sqlite3.Connection, debate: str) -> List[Relation]:
    """Every relation touching a claim of ``debate``, in file order."""
    return [
        (r["from_claim"], r["to_claim"], r["type"])
        for r in _rows(conn, """
            select r.from_claim, r.to_claim, r.type from relations r
            join claims a on a.id = r.from_claim join claims b on b.id = r.to_claim
            where a.debate = ? or b.debate = ? order by r.id""", (debate, debate))
    ]


def debate_argdown(conn: sqlite3.Connection, debate: str) -> str:
    """A whole debate as one Argdown document: a tree from each root, then the rest.

    Each claim is defined once, where it first appears; a claim reached again
    is written as a reference (``[id]``), so the map shows every relation
    while the text stays a readable outline.
    """
    info = _rows(conn, "select title, description from debates where id = ?", (debate,))
    if not info:
        raise KeyError(debate)
    claims = _rows(conn, "select id, text, position, is_root from claims where debate = ? order by seq", (debate,))
    relations = debate_relations(conn, debate)
    ids = {c["id"] for c in claims} | {r[0] for r in relations} | {r[1] for r in relations}
    marks = ",".join("?" * len(ids))
    texts = {
        r["id"]: (r["text"], r["position"])
        for r in _rows(conn, f"select id, text, position from claims where id in ({marks})", tuple(sorted(ids)))
    }
    incoming: Dict[str, List[Relation]] = {}
    for rel in sorted(relations, key=lambda r: _ORDER.get(r[2], 2)):
        incoming.setdefault(rel[1], []).append(rel)
    writer = _Writer(texts)

    def grow(claim_id: str, depth: int) -> None:
        for source, target, relation in incoming.get(claim_id, []):
            if (source, target, relation) in writer.written:
                continue
            expand = source not in writer.defined
            writer.relation(depth + 1, relation, source, incoming=True)
            writer.written.add((source, target, relation))
            if expand:
                grow(source, depth + 1)

    starts = [c["id"] for c in claims if c["is_root"]] + [c["id"] for c in claims if not c["is_root"]]
    for claim_id in starts:
        if claim_id in writer.defined:
            continue
        if writer.lines:
            writer.lines.append("")
        writer.lines.append(writer.statement(claim_id))
        grow(claim_id, 0)
    _loose_ends(writer, relations)
    header = _front_matter(info[0]["title"], (p for _, p in texts.values()), info[0]["description"])
    return "\n".join(header + writer.lines) + "\n"


def claim_relations(conn: sqlite3.Connection, argument: Argument) -> List[Relation]:
    """Every relation between two claims of ``argument`` (the tree keeps only the first path)."""
    ids = sorted({n.id for n in argument.nodes()})
    marks = ",".join("?" * len(ids))
    return [
        (r["from_claim"], r["to_claim"], r["type"])
        for r in _rows(conn, f"""select from_claim, to_claim, type from relations
            where from_claim in ({marks}) and to_claim in ({marks}) order by id""", tuple(ids) * 2)
    ]


def write_all(conn: sqlite3.Connection, out: Path) -> List[Path]:
    """``argdown/<debate>.argdown`` and ``argdown/claims/<claim>.argdown`` under ``out``."""
    folder = out / "argdown"
    (folder / "claims").mkdir(parents=True, exist_ok=True)
    paths = []
    for row in _rows(conn, "select id from debates order by id"):
        path = folder / f"{row['id']}.argdown"
        path.write_text(debate_argdown(conn, row["id"]), encoding="utf-8")
        paths.append(path)
    for row in _rows(conn, "select id from claims order by id"):
        argument = load_argument(conn, row["id"])
        if argument is None:  # pragma: no cover - ids come from the same database
            continue
        path = folder / "claims" / f"{row['id']}.argdown"
        path.write_text(claim_argdown(argument, claim_relations(conn, argument)), encoding="utf-8")
        paths.append(path)
    return paths
