"""Stage: files for other tools, written next to the database in ``dist/``.

Each writer takes the knowledge base, its graph and an output folder and
returns the paths it wrote. Every file must be byte-for-byte reproducible from
the same YAML, so writers sort what they emit and never record the time.
"""
from __future__ import annotations

import json
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


def write_all(kb: KnowledgeBase, graph: nx.MultiDiGraph, out: Path) -> List[Path]:
    paths: List[Path] = []
    for writer in WRITERS:
        paths.extend(writer(kb, graph, out))
    return paths
