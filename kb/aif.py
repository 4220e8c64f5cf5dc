"""AIF: each debate in the Argument Interchange Format, with a layout OVA3 can open.

AIF is the interchange format of the argument-mining and argument-mapping
community (AIFdb, OVA, arguebuf). A claim is an information node (``I``); a
``supports`` relation becomes a rule-application node (``RA``, "Default
Inference") between the two claims; an attack (``rebut``, ``undermine``, and
``qualifies``, which AIF has no weaker word for) becomes a conflict node
(``CA``, "Default Conflict").

An *undercut* says the attacked claim does not follow from its reasons, so it
attacks the inference, not the claim: ``I(undercutter) -> CA -> RA``, where
the RA is each inference into the attacked claim. When the knowledge base
records no supporting claim for it (its reasons are in its sources), the file
gets an RA node standing for that unstated inference, with the attacked claim
as its conclusion, so the undercut still has an inference to attack.

The file is in OVA3's form: ``{"AIF": {...}, "OVA": {...}, "text": {...}}``.
``AIF`` alone is plain AIF JSON (nodes, edges, locutions) for AIFdb-style
readers; ``OVA`` holds the positions of the boxes, computed with grandalf's
layered (Sugiyama) layout, conclusions at the top.
"""
from __future__ import annotations

import html
import json
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Tuple

from grandalf.graphs import Edge as GEdge, Graph as GGraph, Vertex
from grandalf.layouts import SugiyamaLayout

from .argdown import debate_relations

INFERENCE, CONFLICT = "Default Inference", "Default Conflict"
#: OVA's scheme ids for the default inference and conflict schemes.
SCHEME_IDS = {"RA": "72", "CA": "71"}
#: Box sizes used for the layout (OVA draws claims as wide text boxes, schemes as small ones).
SIZES = {"I": (240, 100), "RA": (140, 40), "CA": (140, 40)}
GAP_X, GAP_Y = 40, 60


class _View:
    def __init__(self, w: float, h: float):
        self.w, self.h = w, h
        self.xy = (0.0, 0.0)


def layout(nodes: List[Dict[str, Any]], edges: List[Tuple[str, str]]) -> Dict[str, Tuple[int, int]]:
    """Top-left positions for every node: conclusions on top, reasons and attacks below.

    Each connected part is laid out by grandalf's Sugiyama layout and the parts
    are placed side by side, in node order, so the result is deterministic.
    """
    vertices = {}
    for node in nodes:
        v = Vertex(node["nodeID"])
        v.view = _View(*SIZES.get(node["type"], SIZES["RA"]))
        vertices[node["nodeID"]] = v
    # grandalf puts sources on top; we want conclusions on top, so lay out the reversed edges.
    graph = GGraph(list(vertices.values()), [GEdge(vertices[b], vertices[a]) for a, b in edges])
    positions: Dict[str, Tuple[int, int]] = {}
    offset = 0.0
    for part in sorted(graph.C, key=lambda c: min(int(v.data) for v in c.sV)):
        sugiyama = SugiyamaLayout(part)
        sugiyama.xspace, sugiyama.yspace = GAP_X, GAP_Y
        sugiyama.init_all()
        sugiyama.draw()
        left = min(v.view.xy[0] - v.view.w / 2 for v in part.sV)
        top = min(v.view.xy[1] - v.view.h / 2 for v in part.sV)
        for v in part.sV:
            x = v.view.xy[0] - v.view.w / 2 - left + offset + GAP_X
            y = v.view.xy[1] - v.view.h / 2 - top + GAP_Y
            positions[v.data] = (int(round(x)), int(round(y)))
        offset += max(v.view.xy[0] + v.view.w / 2 for v in part.sV) - left + GAP_X
    return positions


def _rows(conn: sqlite3.Connection, sql: str, params: Tuple = ()) -> List[sqlite3.Row]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, params).fetchall()


def debate_aif(conn: sqlite3.Connection, debate: str) -> Dict[str, Any]:
    """One debate as an OVA3 document (AIF plus layout); see the module docstring for the mapping."""
    info = _rows(conn, "select title, description from debates where id = ?", (debate,))
    if not info:
        raise KeyError(debate)
    relations = debate_relations(conn, debate)
    own = [r["id"] for r in _rows(conn, "select id from claims where debate = ? order by seq", (debate,))]
    others = sorted({c for r in relations for c in r[:2]} - set(own))
    order = own + others
    marks = ",".join("?" * len(order))
    texts = {r["id"]: r["text"] for r in _rows(conn, f"select id, text from claims where id in ({marks})", tuple(order))}

    nodes: List[Dict[str, Any]] = []
    edges: List[Tuple[str, str]] = []
    ids: Dict[str, str] = {}

    def node(kind: str, text: str) -> str:
        nodes.append({"nodeID": str(len(nodes) + 1), "text": text, "type": kind})  # AIFdb writes ids as text
        return nodes[-1]["nodeID"]

    for claim in order:
        ids[claim] = node("I", texts[claim])
    inferences: Dict[str, List[str]] = {}  # claim -> RA nodes concluding it
    for source, target, kind in relations:
        if kind == "supports":
            ra = node("RA", INFERENCE)
            edges += [(ids[source], ra), (ra, ids[target])]
            inferences.setdefault(target, []).append(ra)
    for source, target, kind in relations:
        if kind == "supports":
            continue
        if kind != "undercut":
            ca = node("CA", CONFLICT)
            edges += [(ids[source], ca), (ca, ids[target])]
            continue
        if target not in inferences:  # the attacked claim's reasons are not claims here: stand in for them
            ra = node("RA", INFERENCE)
            edges.append((ra, ids[target]))
            inferences[target] = [ra]
        for ra in inferences[target]:
            ca = node("CA", CONFLICT)
            edges += [(ids[source], ca), (ca, ra)]

    positions = layout(nodes, edges)
    title, description = info[0]["title"], info[0]["description"]
    text = f"<b>{html.escape(title)}</b>" + (f"<br><br>{html.escape(' '.join(description.split()))}" if description else "")
    return {
        "AIF": {
            "nodes": nodes,
            "edges": [{"edgeID": i, "fromID": a, "toID": b, "formEdgeID": None} for i, (a, b) in enumerate(edges, 1)],
            "schemefulfillments": [
                {"nodeID": n["nodeID"], "schemeID": SCHEME_IDS[n["type"]]} for n in nodes if n["type"] in SCHEME_IDS
            ],
            "descriptorfulfillments": [],
            "cqdescriptorfulfillments": [],
            "participants": [],
            "locutions": [],
        },
        "OVA": {
            "firstname": "Industrial strategy",
            "surname": "arguments",
            "url": "",
            "nodes": [
                {"nodeID": n["nodeID"], "visible": True, "x": positions[n["nodeID"]][0],
                 "y": positions[n["nodeID"]][1], "timestamp": ""}
                for n in nodes
            ],
            "edges": [{"fromID": a, "toID": b, "visible": True} for a, b in edges],
        },
        "text": {"txt": text},
    }


def claim_ids(conn: sqlite3.Connection, debate: str) -> Dict[str, str]:
    """Which claim each I-node stands for (I-nodes come first, in the order :func:`debate_aif` used)."""
    relations = debate_relations(conn, debate)
    own = [r["id"] for r in _rows(conn, "select id from claims where debate = ? order by seq", (debate,))]
    order = own + sorted({c for r in relations for c in r[:2]} - set(own))
    return {str(i): claim for i, claim in enumerate(order, 1)}


def write_all(conn: sqlite3.Connection, out: Path) -> List[Path]:
    """``aif/<debate>.json`` under ``out``, one per debate."""
    folder = out / "aif"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for row in _rows(conn, "select id from debates order by id"):
        path = folder / f"{row['id']}.json"
        path.write_text(json.dumps(debate_aif(conn, row["id"]), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
