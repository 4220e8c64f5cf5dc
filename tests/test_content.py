"""The real knowledge base in this repository: clean, and usable by editors."""
from __future__ import annotations

import pytest

from conftest import ROOT
from kb import pipeline
from kb.load import project_files

SCHEMA_LINES = {
    "source": "# yaml-language-server: $schema=../kb/schemas/source.schema.json",
    "debate": "# yaml-language-server: $schema=../kb/schemas/debate.schema.json",
    "vocab": "# yaml-language-server: $schema=../kb/schemas/vocabulary.schema.json",
}


def test_real_kb_has_no_errors():
    _, report = pipeline.check(ROOT)
    assert [str(d) for d in report.errors] == []


@pytest.mark.parametrize("path,kind", project_files(ROOT), ids=lambda v: getattr(v, "name", v))
def test_every_file_names_its_schema_for_editors(path, kind):
    expected = SCHEMA_LINES[kind]
    if kind == "vocab" and path.stem in ("concepts", "places"):  # these two have schemas of their own
        expected = f"# yaml-language-server: $schema=../kb/schemas/{path.stem}.schema.json"
    assert path.read_text(encoding="utf-8").splitlines()[0] == expected


def test_schema_part_is_exercised(real_build):
    kb = real_build.kb
    assert any(c.parent for c in kb.claims.values()), "a nested counterargument"
    assert any(c.parent and kb.claims[c.parent].parent for c in kb.claims.values()), "a response to a counterargument"
    assert any(e.figure for e in kb.evidence()), "a numeric finding"
    assert {"agglomeration", "place-based", "people-based"} <= {c.position for c in kb.claims.values()}
