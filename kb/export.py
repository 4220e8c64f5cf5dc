"""Stage: files for other tools, written next to the database in ``dist/``.

Each writer takes the knowledge base, its graph and an output folder and
returns the paths it wrote. Every file must be byte-for-byte reproducible from
the same YAML, so writers sort what they emit and never record the time.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Callable, List

import networkx as nx

from .model import KnowledgeBase

Writer = Callable[[KnowledgeBase, nx.MultiDiGraph, Path], List[Path]]


def write_graphml(kb: KnowledgeBase, graph: nx.MultiDiGraph, out: Path) -> List[Path]:
    """The whole graph as GraphML, for Gephi, yEd or Cytoscape."""
    path = out / "graph.graphml"
    nx.write_graphml(graph, path, encoding="utf-8", prettyprint=True)
    return [path]


def write_node_link(kb: KnowledgeBase, graph: nx.MultiDiGraph, out: Path) -> List[Path]:
    """The whole graph as node-link JSON, for networkx and D3-style tools."""
    path = out / "graph.json"
    data = nx.node_link_data(graph, edges="edges")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return [path]


WRITERS: List[Writer] = [write_graphml, write_node_link]


def write_bibliography(kb: KnowledgeBase, graph: nx.MultiDiGraph, out: Path) -> List[Path]:
    """Every source as CSL-JSON (Zotero, Pandoc, citeproc) and as BibTeX (LaTeX, JabRef); keys are source ids."""
    from . import bibtex, cite

    items = cite.source_items({"id": s.id, "csl": s.csl} for s in kb.sources.values())
    csl_path, bib_path = out / "bibliography.json", out / "bibliography.bib"
    csl_path.write_text(json.dumps(items, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    bib_path.write_text(bibtex.entries(items), encoding="utf-8")
    return [csl_path, bib_path]


def write_argument_formats(kb: KnowledgeBase, graph: nx.MultiDiGraph, out: Path) -> List[Path]:
    """Argdown (per debate and per claim) and AIF/OVA3 (per debate), read from the database just written."""
    from . import aif, argdown

    with closing(sqlite3.connect(f"file:{out / 'kb.db'}?mode=ro", uri=True)) as conn:
        return argdown.write_all(conn, out) + aif.write_all(conn, out)


WRITERS += [write_bibliography, write_argument_formats]


def write_all(kb: KnowledgeBase, graph: nx.MultiDiGraph, out: Path) -> List[Path]:
    paths: List[Path] = []
    for writer in WRITERS:
        paths.extend(writer(kb, graph, out))
    return paths
