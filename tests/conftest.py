"""Shared fixtures: real projects on disk, real builds, a real Datasette."""
from __future__ import annotations

import asyncio
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import List

import pytest
import yaml

from kb import pipeline

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the small fixture KB that a test may break as it likes."""
    root = tmp_path / "project"
    shutil.copytree(MINI, root, ignore=shutil.ignore_patterns(".kb-cache", "dist"))
    return root


def write(root: Path, relpath: str, text: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def diagnostics(root: Path) -> List[str]:
    """Every diagnostic of a project as printed by ``kb check``."""
    _, report = pipeline.check(root)
    return [str(d) for d in report.sorted()]


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory) -> pipeline.BuildResult:
    return pipeline.build(MINI, tmp_path_factory.mktemp("mini-dist"), cache=False)  # no cache in the fixture folder


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> pipeline.BuildResult:
    """The real knowledge base of this repository, built once per test session."""
    return pipeline.build(ROOT, tmp_path_factory.mktemp("real-dist"))


def connect(db_path: Path) -> sqlite3.Connection:
    """A read-only connection: tests look at a build, they never change it."""
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)


@pytest.fixture(scope="session")
def mini_db(mini_build):
    conn = connect(mini_build.outputs[0])
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def real_db(real_build):
    conn = connect(real_build.outputs[0])
    yield conn
    conn.close()


def table_rows(db_path: Path) -> dict:
    """Every row of every table: what 'the same rows' means when comparing two builds."""
    with closing(connect(db_path)) as conn:
        names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
        return {n: conn.execute(f"select * from [{n}]").fetchall() for n in names}


def query(build, sql: str) -> list:
    """The rows a SQL query returns from a build's database."""
    with closing(connect(build.outputs[0])) as conn:
        return conn.execute(sql).fetchall()


def metadata() -> dict:
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))


class Client:
    """Datasette's own ASGI test client, driven synchronously."""

    def __init__(self, db_path: Path):
        from datasette.app import Datasette

        self.ds = Datasette(immutables=[str(db_path)], metadata=metadata(), settings={"sql_time_limit_ms": 3000})
        self.loop = asyncio.new_event_loop()

    def get(self, path: str):
        return self.loop.run_until_complete(self.ds.client.get(path))

    def json(self, path: str):
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response.json()

    def close(self) -> None:
        self.loop.close()


@pytest.fixture(scope="session")
def real_client(real_build):
    client = Client(real_build.outputs[0])
    yield client
    client.close()


@pytest.fixture(scope="session")
def mini_client(mini_build):
    client = Client(mini_build.outputs[0])
    yield client
    client.close()
