"""Stage 1: read the YAML files of a project, keeping where every value came from.

PyYAML's ``safe_load`` throws away positions and silently keeps the last of two
duplicate keys. We parse with the C LibYAML composer instead and build plain
dicts and lists ourselves (:class:`LocMap`, :class:`LocList`) that remember the
line and column of every key and value, so later stages can point a curator at
the exact spot. Problems are reported, never raised.

>>> from kb.diagnostics import Report
>>> report = Report()
>>> doc = parse_yaml("id: a\\ntext: hi\\n", "claims/x.yml", report)
>>> doc["text"], str(doc.value_loc("text"))
('hi', 'claims/x.yml:2:7')
"""
from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml
from yaml.constructor import SafeConstructor

from .diagnostics import Loc, Report

try:  # the C loader is much faster; fall back where LibYAML is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore

#: Folders of a project and the kind of document each holds.
FOLDERS = {"vocab": "vocab", "sources": "source", "claims": "debate"}
SUFFIXES = {".yml", ".yaml"}


class LocMap(dict):
    """A dict that knows where it, each key and each value stand in the file."""

    loc: Loc
    key_locs: Dict[str, Loc]
    value_locs: Dict[str, Loc]

    def key_loc(self, key: str) -> Loc:
        return self.key_locs.get(key, self.loc)

    def value_loc(self, key: str) -> Loc:
        return self.value_locs.get(key, self.loc)


class LocList(list):
    """A list that knows where it and each of its items stand in the file."""

    loc: Loc
    item_locs: List[Loc]

    def item_loc(self, index: int) -> Loc:
        if 0 <= index < len(self.item_locs):
            return self.item_locs[index]
        return self.loc


@dataclass
class RawFile:
    """One YAML file as read from disk: ``data`` is None when it could not be parsed."""

    path: str  # relative to the project root, with forward slashes
    kind: str  # "vocab", "source" or "debate"
    stem: str
    data: Optional[LocMap]
    sha256: str
    text: Optional[str] = field(default=None, repr=False)  # as decoded, for checks that read comments


_constructor = SafeConstructor()


def _loc(path: str, mark: Any) -> Loc:
    return Loc(path, mark.line + 1, mark.column + 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    value = _constructor.construct_object(node)
    # Unquoted dates become ``datetime.date``; keep them as the ISO text the curator wrote.
    if isinstance(value, (datetime.date, datetime.datetime)):
        return node.value
    return value


def _convert(node: yaml.Node, path: str, report: Report) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = LocMap()
        result.loc = _loc(path, node.start_mark)
        result.key_locs, result.value_locs = {}, {}
        for key_node, value_node in node.value:
            key_loc = _loc(path, key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                report.error(key_loc, "a key must be a plain word, not a list or mapping")
                continue
            key = _scalar(key_node)
            key = key if isinstance(key, str) else str(key)
            if key in result:
                first = result.key_locs[key]
                report.error(
                    key_loc,
                    f"duplicate key '{key}' (first at line {first.line})",
                    "YAML would silently keep only the last one; remove or rename one of them",
                )
                continue
            result[key] = _convert(value_node, path, report)
            result.key_locs[key] = key_loc
            result.value_locs[key] = _loc(path, value_node.start_mark)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LocList()
        items.loc = _loc(path, node.start_mark)
        items.item_locs = []
        for item in node.value:
            items.append(_convert(item, path, report))
            items.item_locs.append(_loc(path, item.start_mark))
        return items
    return _scalar(node)


def _yaml_hint(problem: str, char: str) -> str:
    if char == "\t" or "\\t" in problem:
        return "YAML does not allow tabs for indentation; use spaces"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, or the indentation is off"
    if "could not find expected ':'" in problem or "simple key" in problem:
        return "check the indentation of this line and the one before it"
    if "found undefined alias" in problem:
        return "an '*' starts an alias; quote text that begins with '*'"
    return "check indentation, colons and quotes near here"


def decode(data: bytes, path: str, report: Report) -> Optional[str]:
    """Decode UTF-8 (a BOM is tolerated), or report where the first bad byte is."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        report.error(
            Loc(path, line, col),
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02X} cannot be decoded)",
            "save the file with UTF-8 encoding",
        )
        return None


def parse_yaml(text: str, path: str, report: Report) -> Optional[LocMap]:
    """Parse one YAML document that must be a mapping; report every problem found."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(path, mark) if mark else Loc(path)
        problem = exc.problem or str(exc)
        message = f"YAML syntax error: {problem}"
        if exc.context:
            message += f" ({exc.context})"
        char = text[mark.index] if mark and 0 <= mark.index < len(text) else ""
        report.error(loc, message, _yaml_hint(problem, char))
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        report.error(Loc(path), f"YAML error: {exc}")
        return None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        report.error(Loc(path), "file is empty", "write at least the required fields, or delete the file")
        return None
    if len(nodes) > 1:
        report.error(
            _loc(path, nodes[1].start_mark),
            "file holds more than one YAML document ('---')",
            "keep one document per file",
        )
        return None
    root = nodes[0]
    if not isinstance(root, yaml.MappingNode):
        found = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        report.error(
            _loc(path, root.start_mark),
            f"expected a mapping of 'field: value' lines at the top of the file, found {found}",
            "see the README section 'Writing entries' for the layout of this kind of file",
        )
        return None
    return _convert(root, path, report)


def read_file(root: Path, file: Path, kind: str, report: Report) -> RawFile:
    rel = file.relative_to(root).as_posix()
    data = file.read_bytes()
    text = decode(data, rel, report)
    doc = parse_yaml(text, rel, report) if text is not None else None
    return RawFile(rel, kind, file.stem, doc, hashlib.sha256(data).hexdigest(), text)


def project_files(root: Path) -> List[Tuple[Path, str]]:
    """Every YAML file of the project with its kind, in a stable order."""
    found = []
    for folder, kind in FOLDERS.items():
        directory = root / folder
        if directory.is_dir():
            for file in sorted(directory.iterdir()):
                if file.is_file() and file.suffix in SUFFIXES and not file.name.startswith("."):
                    found.append((file, kind))
    return found


def load_project(root: Path) -> Tuple[List[RawFile], Report]:
    """Read every vocabulary, source and claims file under ``root``."""
    report = Report()
    files = [read_file(root, file, kind, report) for file, kind in project_files(root)]
    return files, report


def content_hash(files: List[RawFile]) -> str:
    """A digest of all input files: the build's identity, independent of the clock."""
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.path):
        digest.update(f.path.encode() + b"\0" + f.sha256.encode() + b"\n")
    return digest.hexdigest()


def project_hash(root: Path) -> str:
    """:func:`content_hash` of a project on disk, without parsing it (for staleness checks)."""
    root = Path(root)
    files = [
        RawFile(f.relative_to(root).as_posix(), kind, f.stem, None, hashlib.sha256(f.read_bytes()).hexdigest())
        for f, kind in project_files(root)
    ]
    return content_hash(files)
