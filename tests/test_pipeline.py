"""The build: all or nothing, deterministic, and quiet when not on a terminal."""
from __future__ import annotations

import hashlib
import io
import sqlite3

import pytest

from conftest import table_rows, write
from kb import export, pipeline


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failed_build_leaves_previous_database_untouched(project):
    first = pipeline.build(project)
    db_path = first.outputs[0]
    before = {p.name: digest(p) for p in first.outputs}
    text = (project / "claims/main.yml").read_text()
    write(project, "claims/main.yml", text.replace("supports: [cities-drive-growth]", "supports: [cities-drive-growt]"))
    with pytest.raises(pipeline.BuildFailed) as failed:
        pipeline.build(project)
    assert "unknown claim 'cities-drive-growt'" in str(failed.value.report.errors[0])
    assert {p.name: digest(p) for p in first.outputs} == before
    published = {p.relative_to(db_path.parent).parts[0] for p in first.outputs}  # files and export folders
    assert sorted(p.name for p in db_path.parent.iterdir()) == sorted(published)


def test_interrupted_build_leaves_previous_database_untouched(project, monkeypatch):
    first = pipeline.build(project)
    before = digest(first.outputs[0])
    write(project, "claims/main.yml", (project / "claims/main.yml").read_text().replace("Dense cities", "Big cities"))

    def interrupt(kb, graph, out):
        raise KeyboardInterrupt  # Ctrl-C in the middle of writing exports

    monkeypatch.setattr(export, "WRITERS", export.WRITERS + [interrupt])
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(project)
    assert digest(first.outputs[0]) == before
    assert not [p for p in first.outputs[0].parent.iterdir() if p.name.startswith(".")]


def test_successful_rebuild_replaces_database(project):
    pipeline.build(project)
    write(project, "claims/main.yml", (project / "claims/main.yml").read_text().replace("Dense cities", "Big cities"))
    second = pipeline.build(project)
    conn = sqlite3.connect(second.outputs[0])
    assert conn.execute("select text from claims where id = 'cities-drive-growth'").fetchone()[0] == "Big cities drive national growth."


def test_same_input_same_rows_and_bytes(project, tmp_path):
    a = pipeline.build(project, tmp_path / "a")
    b = pipeline.build(project, tmp_path / "b")
    assert table_rows(a.outputs[0]) == table_rows(b.outputs[0])
    for pa, pb in zip(a.outputs[1:], b.outputs[1:]):
        assert pa.read_bytes() == pb.read_bytes(), pa.name


def test_staleness(project):
    db_path = project / "dist" / "kb.db"
    assert pipeline.is_stale(project, db_path)
    pipeline.build(project)
    assert not pipeline.is_stale(project, db_path)
    write(project, "sources/smith-2020-cities.yml", (project / "sources/smith-2020-cities.yml").read_text() + "ISBN: '1'\n")
    assert pipeline.is_stale(project, db_path)


def test_progress_is_silent_unless_enabled(project):
    quiet, loud = io.StringIO(), io.StringIO()
    pipeline.build(project, progress=pipeline.Progress(False, quiet))
    pipeline.build(project, progress=pipeline.Progress(True, loud))
    assert quiet.getvalue() == ""
    assert [line.split(" ...")[0].strip() for line in loud.getvalue().splitlines()] == [
        "load", "validate", "nlp", "graph", "analysis", "database", "exports",
    ]


def test_summary_line(project):
    result = pipeline.build(project)
    assert result.summary().startswith(f"built {result.outputs[0]}: 5 claims, 3 sources, 3 evidence items, 5 relations (3 attacks), 1 debates;")
