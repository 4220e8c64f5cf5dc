"""The build: load -> validate -> nlp -> graph -> analysis -> db -> export, published atomically.

Everything is written into a temporary folder inside ``dist/`` and moved into
place only when every stage has succeeded, so a failed or interrupted build
leaves the previous ``dist/kb.db`` byte-for-byte as it was. ``os.replace``
within one folder is atomic, which is why the temporary folder lives in
``dist/`` and not in ``/tmp`` (possibly another filesystem).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from . import __version__, db, duplicates, export, gaps, metrics, nlp, semantics
from .diagnostics import Report
from .graph import build_graph
from .load import load_project, project_hash
from .model import KnowledgeBase
from .validate import check_files

DB_NAME = "kb.db"


class Progress:
    """Stage names and timings on a terminal; silent when output is piped or captured."""

    def __init__(self, enabled: bool = False, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr

    @classmethod
    def auto(cls) -> "Progress":
        return cls(enabled=sys.stderr.isatty())

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        if self.enabled:
            self.stream.write(f"  {name} ...")
            self.stream.flush()
        yield
        if self.enabled:
            self.stream.write(f" {time.perf_counter() - start:.2f} s\n")
            self.stream.flush()


class BuildFailed(Exception):
    """Validation found errors; ``report`` says which. Nothing was written."""

    def __init__(self, report: Report):
        super().__init__(report.summary())
        self.report = report


@dataclass
class BuildResult:
    kb: KnowledgeBase
    report: Report
    outputs: List[Path]
    counts: Dict[str, int]
    seconds: float
    info: Dict[str, str] = field(default_factory=dict)
    derived: Dict[str, object] = field(default_factory=dict)  # later stages' results, by stage name

    def summary(self) -> str:
        c = self.counts
        attacks = sum(1 for r in self.kb.relations if r.is_attack)
        return (
            f"built {self.outputs[0]}: {c['claims']} claims, {c['sources']} sources, {c['evidence']} evidence items, "
            f"{c['relations']} relations ({attacks} attacks), {c['debates']} debates; "
            f"{len(self.report.warnings)} warnings; {self.seconds:.1f} s"
        )


def check(root: Path, progress: Optional[Progress] = None) -> Tuple[KnowledgeBase, Report]:
    """Load and validate a project: the knowledge base and every problem found."""
    progress = progress or Progress()
    with progress.stage("load"):
        files, report = load_project(Path(root))
    with progress.stage("validate"):
        kb = check_files(files, report)
    return kb, report


def git_commit(root: Path) -> Optional[str]:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def build_info(kb: KnowledgeBase, root: Path) -> Dict[str, str]:
    """What identifies this build. No timestamps: the same input must give the same rows."""
    info = {"kb_version": __version__, "content_hash": kb.content_hash}
    commit = git_commit(root)
    if commit:
        info["git_commit"] = commit
    return info


def _publish(staging: Path, out: Path) -> None:
    """Move every file and folder from ``staging`` into ``out``, replacing old ones."""
    for entry in sorted(staging.iterdir()):
        target = out / entry.name
        if entry.is_dir():
            old = None
            if target.exists():
                old = Path(tempfile.mkdtemp(dir=out, prefix=".old-"))
                os.replace(target, old / entry.name)
            os.replace(entry, target)
            if old:
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(entry, target)


def build(root: Path, out: Optional[Path] = None, progress: Optional[Progress] = None, cache: bool = True) -> BuildResult:
    """Validate ``root`` and write the database and exports to ``out`` (default ``root/dist``).

    Raises :class:`BuildFailed` without touching ``out`` if validation finds errors.
    ``cache`` reuses the NLP analyses kept in ``root/.kb-cache`` (the rows are the same either way).
    """
    start = time.perf_counter()
    root = Path(root)
    out = Path(out) if out else root / "dist"
    progress = progress or Progress()
    kb, report = check(root, progress)
    if not report.ok:
        raise BuildFailed(report)
    with progress.stage("nlp"):
        cache_dir = root / nlp.CACHE_DIR if cache else None
        enrichment = nlp.enrich(kb, cache_dir)
        similar = duplicates.find(kb, enrichment.claim_lemmas(), cache_dir=cache_dir)
        similar.warn(kb, report)
    derived = {"nlp": enrichment, "duplicates": similar}
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".build-"))
    try:
        with progress.stage("graph"):
            graph = build_graph(kb)
        with progress.stage("analysis"):
            derived["status"] = semantics.assess(kb, enrichment.evidence_places())
            derived["metrics"] = metrics.compute(kb, graph)
        info = build_info(kb, root)
        writers = [result.write for result in derived.values()] + [gaps.write]
        with progress.stage("database"):
            counts = db.write(kb, staging / DB_NAME, info, extra=writers)
        with progress.stage("exports"):
            exports = export.write_all(kb, graph, staging)
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    outputs = [out / DB_NAME] + [out / p.relative_to(staging) for p in exports]
    return BuildResult(kb, report, outputs, counts, time.perf_counter() - start, info, derived)


def is_stale(root: Path, db_path: Path) -> bool:
    """Whether the YAML (or this program's version) changed since ``db_path`` was built."""
    if not db_path.exists():
        return True
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            info = dict(conn.execute("select key, value from build_info").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return True
    return info.get("content_hash") != project_hash(root) or info.get("kb_version") != __version__
