"""Errors and warnings about the YAML, each tied to a file, line and column.

Curators fix what they can see. Every problem the loader and validator find is
collected as a :class:`Diagnostic` rather than raised, so one run reports every
error at once, in the ``path:line:col: message`` form that editors and CI logs
turn into clickable links.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable, List, Optional


@dataclass(frozen=True, order=True)
class Loc:
    """A position in a file: ``line`` and ``col`` are 1-based, as editors count."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    loc: Loc
    message: str
    hint: Optional[str] = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        text = f"{self.loc}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass
class Report:
    """An ordered collection of diagnostics from one run."""

    items: List[Diagnostic] = field(default_factory=list)

    def error(self, loc: Loc, message: str, hint: Optional[str] = None) -> None:
        self.items.append(Diagnostic(loc, message, hint, "error"))

    def warning(self, loc: Loc, message: str, hint: Optional[str] = None) -> None:
        self.items.append(Diagnostic(loc, message, hint, "warning"))

    def extend(self, other: "Report") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> List[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> List[Diagnostic]:
        return [d for d in self.items if not d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> List[Diagnostic]:
        """Errors first, then by file and position, so output is stable."""
        return sorted(
            self.items,
            key=lambda d: (not d.is_error, d.loc.path, d.loc.line, d.loc.col, d.message),
        )

    def summary(self) -> str:
        e, w = len(self.errors), len(self.warnings)
        return f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"


def did_you_mean(word: object, choices: Iterable[str]) -> Optional[str]:
    """A ``did you mean 'x'?`` hint for a misspelt id, field or enum value.

    >>> did_you_mean("evidance", ["evidence", "summary"])
    "did you mean 'evidence'?"
    """
    choices = sorted(set(choices))
    if not isinstance(word, str) or not choices:
        return None
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if len(choices) <= 12:
        return "expected one of: " + ", ".join(choices)
    return None
