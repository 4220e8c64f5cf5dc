"""The knowledge base as plain dataclasses: what validation produces and every later stage reads.

Nested ``counterarguments:`` and ``responses:`` are authoring sugar; by the time
data reaches these classes they are ordinary :class:`Claim` objects with a
``parent`` and an attack :class:`Relation`, so no later stage needs to know
how a claim was written.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional

from .diagnostics import Loc

ATTACK_TYPES = ("rebut", "undercut", "undermine")
RELATION_TYPES = ("supports", "qualifies") + ATTACK_TYPES
KINDS = ("empirical", "causal", "normative", "prescriptive", "conceptual")
DIRECTIONS = ("supports", "challenges")


@dataclass
class Term:
    """An entry of a controlled vocabulary (a position, theme or study design)."""

    id: str
    name: str
    description: str
    vocabulary: str
    loc: Loc
    empirical: Optional[bool] = None


@dataclass
class Concept:
    """An idea to look for in the text (vocab/concepts.yml), e.g. knowledge spillovers.

    ``patterns`` are matched on lemmas, ignoring case, so 'knowledge spillover'
    also finds 'Knowledge spillovers'; ``variants`` are matched exactly as
    written, for acronyms such as 'RIS3' that must keep their case.
    """

    id: str
    label: str
    description: str
    loc: Loc
    theme: Optional[str] = None
    patterns: List[str] = field(default_factory=list)
    variants: List[str] = field(default_factory=list)


@dataclass
class Place:
    """A place of the gazetteer (vocab/places.yml); ``within`` lists the places that contain it."""

    id: str
    label: str
    kind: str
    loc: Loc
    within: List[str] = field(default_factory=list)
    patterns: List[str] = field(default_factory=list)
    description: Optional[str] = None


@dataclass
class Name:
    family: Optional[str] = None
    given: Optional[str] = None
    literal: Optional[str] = None
    particle: Optional[str] = None  # non-dropping particle, e.g. "de"
    suffix: Optional[str] = None

    @property
    def display(self) -> str:
        """'Given de Family' or the literal organisation name."""
        if self.literal:
            return self.literal
        family = " ".join(p for p in (self.particle, self.family) if p)
        parts = [p for p in (self.given, family) if p]
        name = " ".join(parts)
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def sort_name(self) -> str:
        if self.literal:
            return self.literal
        return ", ".join(p for p in (self.family, self.given) if p)

    @property
    def id(self) -> str:
        """A stable slug for the authors table: 'bailey-david', 'world-bank'."""
        return slugify(self.literal or " ".join(p for p in (self.family, self.given) if p))


@dataclass
class Source:
    id: str
    type: str
    title: str
    loc: Loc
    csl: Dict[str, object]  # the CSL fields exactly as written (our own fields removed)
    authors: List[Name] = field(default_factory=list)
    editors: List[Name] = field(default_factory=list)
    issued: Optional[str] = None
    year: Optional[int] = None
    summary: Optional[str] = None
    positions: List[str] = field(default_factory=list)
    verified: Optional[str] = None  # how the metadata was checked; None means `verified: false`

    @property
    def is_verified(self) -> bool:
        return self.verified is not None

    @property
    def short_ref(self) -> str:
        """'Bailey & Hildreth (2025)' style label for lists and maps."""
        people = self.authors or self.editors
        return short_ref([" ".join(p for p in (a.particle, a.family) if p) or a.literal or "" for a in people], self.year, self.title)


@dataclass
class Attribution:
    source: str
    loc: Loc
    locator: Optional[str] = None
    quote: Optional[str] = None


@dataclass
class Figure:
    unit: str
    measure: str
    value: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None


@dataclass
class Evidence:
    id: str
    claim: str
    source: str
    finding: str
    design: str
    direction: str
    loc: Loc
    seq: int
    locator: Optional[str] = None
    sms: Optional[int] = None
    figure: Optional[Figure] = None
    scope_places: List[str] = field(default_factory=list)
    scope_period: Optional[str] = None


@dataclass
class Relation:
    """A typed edge between claims: ``source`` supports, qualifies or attacks ``target``."""

    source: str
    target: str
    type: str  # one of RELATION_TYPES
    loc: Loc

    @property
    def is_attack(self) -> bool:
        return self.type in ATTACK_TYPES


@dataclass
class Claim:
    id: str
    text: str
    position: str
    kind: str
    themes: List[str]
    debate: str
    loc: Loc
    summary: Optional[str] = None
    scope_places: List[str] = field(default_factory=list)
    scope_period: Optional[str] = None
    attributions: List[Attribution] = field(default_factory=list)
    evidence: List[Evidence] = field(default_factory=list)
    parent: Optional[str] = None  # set for nested counterarguments and responses
    seq: int = 0  # order within its file, to list claims as the curator wrote them


@dataclass
class Retired:
    id: str
    replaced_by: str
    debate: str
    loc: Loc
    note: Optional[str] = None


@dataclass
class Debate:
    id: str
    title: str
    path: str
    loc: Loc
    description: Optional[str] = None
    roots: List[str] = field(default_factory=list)


@dataclass
class KnowledgeBase:
    positions: Dict[str, Term] = field(default_factory=dict)
    themes: Dict[str, Term] = field(default_factory=dict)
    designs: Dict[str, Term] = field(default_factory=dict)
    concepts: Dict[str, Concept] = field(default_factory=dict)
    places: Dict[str, Place] = field(default_factory=dict)
    sources: Dict[str, Source] = field(default_factory=dict)
    debates: Dict[str, Debate] = field(default_factory=dict)
    claims: Dict[str, Claim] = field(default_factory=dict)
    retired: Dict[str, Retired] = field(default_factory=dict)
    relations: List[Relation] = field(default_factory=list)
    content_hash: str = ""

    def evidence(self) -> Iterator[Evidence]:
        for claim in self.claims.values():
            yield from claim.evidence

    def resolve(self, claim_id: str) -> Optional[str]:
        """Follow ``replaced_by`` links to a live claim id (None if unknown or circular)."""
        seen = set()
        while claim_id in self.retired and claim_id not in seen:
            seen.add(claim_id)
            claim_id = self.retired[claim_id].replaced_by
        return claim_id if claim_id in self.claims else None


def short_ref(names: List[str], year: Optional[int], fallback: str) -> str:
    """The label used in maps, lists and graph exports.

    >>> short_ref(["Bailey", "Hildreth"], 2025, "t"), short_ref(["de Groot", "Smith", "Lee"], None, "t")
    ('Bailey & Hildreth (2025)', 'de Groot et al. (n.d.)')
    """
    names = [n for n in names if n]
    if not names:
        who = fallback
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} & {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who} ({year or 'n.d.'})"


def slugify(text: str) -> str:
    """'Rodríguez-Pose, Andrés' -> 'rodriguez-pose-andres'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
