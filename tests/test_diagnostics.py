"""kb.diagnostics: how problems are collected, ordered and printed."""
from __future__ import annotations

import doctest

import kb.diagnostics
from kb.diagnostics import Diagnostic, Loc, Report, did_you_mean


def test_doctests():
    assert doctest.testmod(kb.diagnostics).failed == 0


def test_format():
    d = Diagnostic(Loc("claims/x.yml", 3, 5), "unknown field 'evidance'", "did you mean 'evidence'?")
    assert str(d) == "claims/x.yml:3:5: error: unknown field 'evidance' (did you mean 'evidence'?)"
    assert str(Diagnostic(Loc("a.yml"), "no hint", severity="warning")) == "a.yml:1:1: warning: no hint"


def test_errors_first_then_by_place():
    report = Report()
    report.warning(Loc("a.yml", 1), "w")
    report.error(Loc("b.yml", 9), "late")
    report.error(Loc("b.yml", 2), "early")
    assert [d.message for d in report.sorted()] == ["early", "late", "w"]
    assert not report.ok and report.summary() == "2 errors, 1 warning"


def test_did_you_mean():
    assert did_you_mean("place-basd", ["place-based", "people-based"]) == "did you mean 'place-based'?"
    assert did_you_mean("zzz", ["a", "b"]) == "expected one of: a, b"
    assert did_you_mean("zzz", [f"term-{i}" for i in range(20)]) is None
    assert did_you_mean(3, ["a"]) is None
