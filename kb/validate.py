"""Stage 2: check the YAML against the schemas and against itself, and build the model.

Two passes, both collecting every problem rather than stopping at the first:

1. *Structure*: each file is checked with JSON Schema (the same files under
   ``kb/schemas/`` that editors use for completion). jsonschema's messages are
   written for programmers, so each one is rewritten for a curator, with the
   line and column of the offending key or value and a hint.
2. *Meaning*: ids unique across files, references that resolve, no claim
   relating to itself, years in range, and so on. These need the whole
   knowledge base, so they run on the model built from the (possibly partly
   invalid) data; building is defensive so one bad field does not hide others.
"""
from __future__ import annotations

import datetime
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

import networkx as nx
from jsonschema import Draft7Validator

from .diagnostics import Loc, Report, did_you_mean
from .load import LocList, LocMap, RawFile, content_hash
from .model import (
    Attribution,
    Claim,
    Concept,
    Debate,
    Evidence,
    Figure,
    KnowledgeBase,
    Name,
    Place,
    Relation,
    Retired,
    Source,
    Term,
)

SCHEMA_DIR = Path(__file__).parent / "schemas"
SCHEMA_FILES = {
    "source": "source.schema.json", "debate": "debate.schema.json", "vocab": "vocabulary.schema.json",
    "concepts": "concepts.schema.json", "places": "places.schema.json",
}
#: Vocabularies every project needs, by file stem under ``vocab/``.
REQUIRED_VOCABULARIES = ("positions", "themes", "designs")
#: Optional vocabularies of phrases the NLP stage looks for in the text (kb.nlp); each has its own schema.
LEXICONS = ("concepts", "places")
#: Vocabularies the build knows how to use.
KNOWN_VOCABULARIES = REQUIRED_VOCABULARIES + LEXICONS
#: Marks the comments in which ``kb draft`` quotes the source for the curator (see kb.draft).
DRAFT_NOTE = "kb-draft-note"
MIN_YEAR = 1500
MAX_QUOTE_WORDS = 7

# What to call the object found under each key, for messages.
_OBJECT_NAMES = {
    "claims": "claim",
    "counterarguments": "counterargument",
    "responses": "response",
    "evidence": "evidence item",
    "attributed_to": "attribution",
    "attacks": "attack",
    "author": "name",
    "editor": "name",
    "terms": "term",
    "figure": "figure",
    "scope": "scope",
}
_TERM_NAMES = {"concepts": "concept", "places": "place"}
_FILE_NAMES = {
    "source": "source", "debate": "claims file", "vocab": "vocabulary file",
    "concepts": "concept vocabulary", "places": "place gazetteer",
}


@lru_cache(maxsize=None)
def schema(kind: str) -> Dict[str, Any]:
    return json.loads((SCHEMA_DIR / SCHEMA_FILES[kind]).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(kind: str) -> Draft7Validator:
    return Draft7Validator(schema(kind))


# --------------------------------------------------------------------------- structure


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_EXPECTED = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of 'field: value' lines",
}


def _node_at(data: Any, path: List[Any]) -> Any:
    node = data
    for step in path:
        node = node[step]
    return node


def _loc_at(data: LocMap, path: List[Any]) -> Loc:
    """Where the value at ``path`` starts in the file."""
    if not path:
        return data.loc
    parent = _node_at(data, path[:-1])
    last = path[-1]
    if isinstance(parent, LocMap):
        return parent.value_loc(last)
    if isinstance(parent, LocList):
        return parent.item_loc(last)
    return data.loc


def _describe(data: LocMap, path: List[Any], kind: str) -> str:
    """'claim 'x'', 'evidence item 2 of claim 'x'', 'source' ... for the object at ``path``."""
    what = _FILE_NAMES[kind]
    if kind == "source" and isinstance(data.get("id"), str):
        what = f"source '{data['id']}'"
    claim_id = None
    node: Any = data
    key: Any = None
    for step in path:
        if isinstance(node, list) and isinstance(step, int):
            what = _OBJECT_NAMES.get(key, "item")
            if what in ("claim", "counterargument", "response"):
                item = node[step]
                claim_id = item.get("id") if isinstance(item, dict) else None
                if isinstance(item, dict) and "replaced_by" in item:
                    what = "retired claim"
            elif key == "terms" and isinstance(node[step], dict) and isinstance(node[step].get("id"), str):
                what = f"{_TERM_NAMES.get(kind, 'term')} '{node[step]['id']}'"
            else:
                what = f"{what} {step + 1}"
        elif isinstance(step, str):
            key = step
            if step in ("figure", "scope"):
                what = f"{step} of {what}" if what not in ("claim", "counterargument", "response") else step
        node = node[step]
    if claim_id and isinstance(claim_id, str):
        if what in ("claim", "counterargument", "response", "retired claim"):
            return f"{what} '{claim_id}'"
        return f"{what} of claim '{claim_id}'"
    return what


def _property_schema(err: Any, field: str) -> Dict[str, Any]:
    return err.schema.get("properties", {}).get(field, {}) if isinstance(err.schema, dict) else {}


def _field_hint(prop: Dict[str, Any]) -> Optional[str]:
    hint = prop.get("description")
    if "enum" in prop:
        options = "One of: " + ", ".join(prop["enum"])
        hint = f"{hint} {options}" if hint else options
    return hint


_PATTERN_HINTS = {
    "DOI": ("malformed DOI {v!r}", "write the bare DOI, e.g. 10.1080/00343404.2023.2168260, without 'https://doi.org/'"),
    "URL": ("malformed URL {v!r}", "a URL starts with http:// or https:// and has no spaces"),
    "issued": ("{v!r} is not a valid date", "write a year (2025) or an ISO date (2025-06-23)"),
    "accessed": ("{v!r} is not a valid date", "write an ISO date, e.g. 2026-01-31"),
}
_VERBS = {"supports": "supports", "qualifies": "qualifies"}
_SLUG_HINT = "ids are lowercase slugs of letters, digits and hyphens, e.g. agglomeration-raises-productivity"


def _translate(err: Any, data: LocMap, kind: str, report: Report) -> None:
    path = list(err.absolute_path)
    validator = err.validator
    if validator == "additionalProperties":
        allowed = list(err.schema.get("properties", {}))
        what = _describe(data, path, kind)
        for key in err.instance:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or "allowed fields: " + ", ".join(allowed)
                report.error(err.instance.key_loc(key), f"unknown field '{key}' in {what}", hint)
        return
    if validator == "required":
        what = _describe(data, path, kind)
        for field in err.validator_value:
            if field not in err.instance:
                hint = _field_hint(_property_schema(err, field))
                report.error(_loc_at(data, path), f"{what} is missing required field '{field}'", hint)
        return

    loc = _loc_at(data, path)
    field = next((p for p in reversed(path) if isinstance(p, str)), None)
    field_text = f"'{path[-1]}'" if path and isinstance(path[-1], str) else f"item {path[-1] + 1} of '{field}'" if path else "file"
    owner = _describe(data, path[:-1], kind)
    value = err.instance
    if validator == "type":
        expected = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        names = " or ".join(_EXPECTED.get(t, t) for t in expected)
        report.error(loc, f"{field_text} of {owner} should be {names}, not {_type_name(value)}", err.schema.get("description"))
    elif validator == "enum":
        hint = did_you_mean(value, [str(v) for v in err.validator_value])
        report.error(loc, f"{value!r} is not a valid {field or 'value'} for {owner}", hint)
    elif validator == "pattern":
        if field in _PATTERN_HINTS and not (path and isinstance(path[-1], int)):
            message, hint = _PATTERN_HINTS[field]
            report.error(loc, message.format(v=value) + f" in {owner}", hint)
        elif path and path[-1] == "id":
            report.error(loc, f"invalid id {value!r}", _SLUG_HINT)
        else:
            report.error(loc, f"{value!r} in {field_text} of {owner} is not a valid id", _SLUG_HINT)
    elif validator in ("minimum", "maximum"):
        if field == "sms":
            report.error(
                loc,
                f"SMS level {value} of {owner} is outside the Maryland Scientific Methods Scale 1-5",
                "1 = correlation at one point in time ... 5 = randomised controlled trial",
            )
        else:
            bound = "at least" if validator == "minimum" else "at most"
            report.error(loc, f"{field_text} of {owner} must be {bound} {err.validator_value}, not {value}")
    elif validator == "minLength":
        report.error(loc, f"{field_text} of {owner} is empty", err.schema.get("description"))
    elif validator == "minItems":
        report.error(loc, f"{field_text} of {owner} needs at least {err.validator_value} item(s)", err.schema.get("description"))
    elif validator == "uniqueItems":
        report.error(loc, f"{field_text} of {owner} lists the same item twice", "remove the repeated item")
    elif validator == "not" and field == "verified":
        report.error(
            loc,
            f"'verified: true' in {owner} does not say how the metadata was checked",
            "write where you checked it (a URL or catalogue record), or false if you could not",
        )
    else:  # pragma: no cover - a schema keyword we have no wording for yet
        report.error(loc, f"{field_text} of {owner}: {err.message}")


def schema_kind(file: RawFile) -> str:
    """The schema a file is checked against: concepts and places have richer ones than other vocabularies."""
    if file.kind == "vocab" and file.stem in LEXICONS:
        return file.stem
    return file.kind


def check_structure(file: RawFile, report: Report) -> None:
    """Report every JSON Schema violation in one file."""
    if file.data is None:
        return
    kind = schema_kind(file)
    errors = sorted(_validator(kind).iter_errors(file.data), key=lambda e: [str(p) for p in e.absolute_path])
    for err in errors:
        _translate(err, file.data, kind, report)


# --------------------------------------------------------------------------- model building


def _text(value: Any) -> Optional[str]:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _strings(value: Any) -> List[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _maps(value: Any) -> List[Tuple[int, LocMap]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, LocMap)] if isinstance(value, list) else []


def _item_loc(container: Any, index: int, fallback: Loc) -> Loc:
    return container.item_loc(index) if isinstance(container, LocList) else fallback


class _Builder:
    """Turns located YAML into a :class:`KnowledgeBase`, reporting problems of meaning."""

    def __init__(self, report: Report):
        self.report = report
        self.kb = KnowledgeBase()
        self.claim_locs: Dict[str, Loc] = {}
        self.evidence_locs: Dict[str, Loc] = {}
        # (source-field loc, referenced id, kind of thing referenced, owner description)
        self.refs: List[Tuple[Loc, str, str, str]] = []
        self.raw_relations: List[Tuple[str, str, str, Loc]] = []
        self.attack_type_misuse: List[Tuple[Loc, str]] = []
        self.missing_vocabularies: set = set()  # reported once, not at every use
        # (loc of the within item, containing place id, contained place id)
        self.place_refs: List[Tuple[Loc, str, str]] = []
        # (lexicon, normalised phrase) -> (term id, loc): a phrase may point to one term only
        self.phrases: Dict[Tuple[str, str], Tuple[str, Loc]] = {}

    # -- vocabularies
    def add_vocabulary(self, file: RawFile) -> None:
        name = file.stem
        if name not in KNOWN_VOCABULARIES:
            self.report.error(
                file.data.loc if file.data else Loc(file.path),
                f"unknown vocabulary '{name}'",
                did_you_mean(name, KNOWN_VOCABULARIES),
            )
            return
        if name in LEXICONS:
            self.add_lexicon(file)
            return
        target: Dict[str, Term] = getattr(self.kb, name)
        if file.data is None:
            return
        for term_id, item, loc in self._terms(file, target):
            empirical = item.get("empirical")
            if name == "designs" and not isinstance(empirical, bool):
                self.report.error(loc, f"design '{term_id}' needs 'empirical: true' or 'empirical: false'", "false for theory, argument and policy documents")
            target[term_id] = Term(
                term_id, _text(item.get("name")) or term_id, _text(item.get("description")) or "", name, loc,
                empirical if isinstance(empirical, bool) else None,
            )

    def _terms(self, file: RawFile, target: Dict[str, Any]) -> Iterator[Tuple[str, LocMap, Loc]]:
        """The id, mapping and position of each term of a vocabulary file, reporting repeated ids."""
        terms = file.data.get("terms")
        for index, item in _maps(terms):
            term_id = _text(item.get("id"))
            if not term_id:
                continue
            loc = _item_loc(terms, index, file.data.loc)
            if term_id in target:
                first = target[term_id].loc.line
                self.report.error(loc, f"duplicate {file.stem[:-1]} id '{term_id}' (first at line {first})", "ids must be unique")
                continue
            yield term_id, item, loc

    def add_lexicon(self, file: RawFile) -> None:
        """vocab/concepts.yml or vocab/places.yml: terms with the phrases that name them in the text."""
        if file.data is None:
            return
        name = file.stem
        target: Dict[str, Any] = getattr(self.kb, name)
        for term_id, item, loc in self._terms(file, target):
            label = _text(item.get("label")) or term_id
            if name == "concepts":
                term: Any = Concept(
                    term_id, label, _text(item.get("description")) or "", loc, _text(item.get("theme")),
                    _strings(item.get("patterns")), _strings(item.get("variants")),
                )
                if term.theme:
                    self.refs.append((item.value_loc("theme"), term.theme, "themes", f"concept '{term_id}'"))
            else:
                term = Place(
                    term_id, label, _text(item.get("kind")) or "", loc, _strings(item.get("within")),
                    _strings(item.get("patterns")), _text(item.get("description")),
                )
                for i, parent in enumerate(term.within):
                    self.place_refs.append((_item_loc(item.get("within"), i, loc), parent, term_id))
            target[term_id] = term
            phrases = [(label, item.value_loc("label"), name == "concepts")]
            for key, folded in (("patterns", name == "concepts"), ("variants", False)):
                values = item.get(key)
                phrases += [(p, _item_loc(values, i, loc), folded) for i, p in enumerate(_strings(values))]
            for phrase, phrase_loc, folded in phrases:
                self._claim_phrase(name, term_id, phrase, phrase_loc, folded)

    def _claim_phrase(self, lexicon: str, term_id: str, phrase: str, loc: Loc, folded: bool) -> None:
        """Report a phrase that already names another term: the match would be ambiguous."""
        key = " ".join(phrase.replace("-", " ").split())
        key = key.casefold() if folded else key
        owner = self.phrases.setdefault((lexicon, key), (term_id, loc))
        if owner[0] != term_id:
            singular = lexicon[:-1]
            self.report.error(
                loc, f"'{phrase}' of {singular} '{term_id}' already names {singular} '{owner[0]}' (line {owner[1].line})",
                f"a phrase can point to one {singular} only; remove it from one of them",
            )

    # -- sources
    def _names(self, value: Any, owner: str) -> List[Name]:
        names = []
        for index, item in _maps(value):
            name = Name(
                family=_text(item.get("family")), given=_text(item.get("given")), literal=_text(item.get("literal")),
                particle=_text(item.get("non-dropping-particle")), suffix=_text(item.get("suffix")),
            )
            if not (name.family or name.literal):
                self.report.error(
                    value.item_loc(index), f"a name in {owner} needs 'family' (a person) or 'literal' (an organisation)",
                    "e.g. {family: Bailey, given: David} or {literal: World Bank}",
                )
                continue
            names.append(name)
        return names

    def add_source(self, file: RawFile) -> None:
        data = file.data
        if data is None:
            return
        source_id = _text(data.get("id"))
        if not source_id:
            return
        owner = f"source '{source_id}'"
        if source_id != file.stem:
            self.report.error(
                data.value_loc("id"), f"source id '{source_id}' does not match its file name '{Path(file.path).name}'",
                f"rename the file to {source_id}.yml, or set id: {file.stem}",
            )
        if source_id in self.kb.sources:
            first = self.kb.sources[source_id].loc
            self.report.error(data.value_loc("id"), f"duplicate source id '{source_id}' (first in {first.path}:{first.line})", "each work gets one file")
            return
        issued = data.get("issued")
        year = None
        if isinstance(issued, int) and not isinstance(issued, bool):
            year = issued
        elif isinstance(issued, str) and re.match(r"^\d{4}", issued):
            year = int(issued[:4])
        if year is not None and not (MIN_YEAR <= year <= datetime.date.today().year + 1):
            self.report.error(
                data.value_loc("issued"), f"year {year} of {owner} is out of range",
                f"expected a year between {MIN_YEAR} and next year; check for a typo",
            )
        verified = data.get("verified")
        ours = {"summary", "positions", "verified"}
        csl = {k: v for k, v in data.items() if k not in ours}
        source = Source(
            id=source_id, type=_text(data.get("type")) or "document", title=_text(data.get("title")) or "",
            loc=data.loc, csl=csl, authors=self._names(data.get("author"), owner), editors=self._names(data.get("editor"), owner),
            issued=_text(issued), year=year, summary=_text(data.get("summary")),
            positions=_strings(data.get("positions")), verified=verified.strip() if isinstance(verified, str) and verified.strip() else None,
        )
        for index, position in enumerate(source.positions):
            self.refs.append((_item_loc(data.get("positions"), index, data.loc), position, "positions", owner))
        self.kb.sources[source_id] = source

    # -- debates and claims
    def add_debate(self, file: RawFile) -> None:
        data = file.data
        if data is None:
            return
        debate = Debate(
            id=file.stem, title=_text(data.get("title")) or file.stem, path=file.path, loc=data.loc,
            description=_text(data.get("description")), roots=_strings(data.get("roots")),
        )
        self.kb.debates[debate.id] = debate
        for index, root in enumerate(debate.roots):
            self.refs.append((_item_loc(data.get("roots"), index, data.loc), root, "claim", f"roots of {file.path}"))
        claims = data.get("claims")
        for index, item in _maps(claims):
            self.add_entry(item, debate.id, parent=None, attack_type=None)

    def _claim_id(self, item: LocMap) -> Optional[str]:
        claim_id = _text(item.get("id"))
        if not claim_id:
            return None
        if claim_id in self.claim_locs:
            first = self.claim_locs[claim_id]
            self.report.error(
                item.value_loc("id"), f"duplicate claim id '{claim_id}' (first in {first.path}:{first.line})",
                "claim ids are global; choose a new id for one of them",
            )
            return None
        self.claim_locs[claim_id] = item.value_loc("id")
        return claim_id

    def add_entry(self, item: LocMap, debate: str, parent: Optional[str], attack_type: Optional[str]) -> None:
        if "replaced_by" in item:
            claim_id = self._claim_id(item)
            target = _text(item.get("replaced_by"))
            if claim_id and target:
                self.kb.retired[claim_id] = Retired(claim_id, target, debate, item.loc, _text(item.get("note")))
            return
        claim_id = self._claim_id(item)
        if not claim_id:
            return
        owner = f"claim '{claim_id}'"
        if parent is None and "attack_type" in item:
            self.attack_type_misuse.append((item.key_loc("attack_type"), claim_id))
        scope = item.get("scope") if isinstance(item.get("scope"), LocMap) else LocMap()
        claim = Claim(
            id=claim_id, text=_text(item.get("text")) or "", position=_text(item.get("position")) or "",
            kind=_text(item.get("kind")) or "", themes=_strings(item.get("themes")), debate=debate, loc=item.loc,
            summary=_text(item.get("summary")), scope_places=_strings(scope.get("places")), scope_period=_text(scope.get("period")),
            parent=parent, seq=len(self.kb.claims),
        )
        self.kb.claims[claim_id] = claim
        if claim.position:
            self.refs.append((item.value_loc("position"), claim.position, "positions", owner))
        for index, theme in enumerate(claim.themes):
            self.refs.append((_item_loc(item.get("themes"), index, item.loc), theme, "themes", owner))
        self._sentence_check(item, claim)

        attributions = item.get("attributed_to")
        for index, att in _maps(attributions):
            loc = _item_loc(attributions, index, item.loc)
            source = _text(att.get("source"))
            if not source:
                continue
            quote = _text(att.get("quote"))
            if quote and len(quote.split()) > MAX_QUOTE_WORDS:
                self.report.error(
                    att.value_loc("quote"), f"quote in {owner} has {len(quote.split())} words; at most {MAX_QUOTE_WORDS} are allowed",
                    "quote only a short distinctive phrase; say the rest in your own words in 'text'",
                )
            claim.attributions.append(Attribution(source, loc, _text(att.get("locator")), quote))
            self.refs.append((att.value_loc("source"), source, "source", owner))

        evidence = item.get("evidence")
        for index, ev in _maps(evidence):
            self.add_evidence(claim, ev, index, _item_loc(evidence, index, item.loc))

        for key in ("supports", "qualifies"):
            values = item.get(key)
            for index, target in enumerate(_strings(values)):
                self.raw_relations.append((claim_id, target, key, _item_loc(values, index, item.loc)))
        attacks = item.get("attacks")
        for index, attack in _maps(attacks):
            target, kind = _text(attack.get("claim")), _text(attack.get("type"))
            if target and kind:
                self.raw_relations.append((claim_id, target, kind, attack.value_loc("claim")))
        if parent is not None:
            self.raw_relations.append((claim_id, parent, attack_type or "rebut", item.value_loc("id")))
        for key in ("counterarguments", "responses"):
            for _, child in _maps(item.get(key)):
                child_type = _text(child.get("attack_type"))
                self.add_entry(child, debate, parent=claim_id, attack_type=child_type)

    def _sentence_check(self, item: LocMap, claim: Claim) -> None:
        if re.search(r"[.!?]\s+[A-Z]", claim.text.rstrip(".")):
            self.report.warning(
                item.value_loc("text"), f"text of claim '{claim.id}' looks like more than one sentence",
                "keep 'text' to one sentence and move the detail to 'summary'",
            )

    def add_evidence(self, claim: Claim, ev: LocMap, index: int, loc: Loc) -> None:
        evidence_id = _text(ev.get("id")) or f"{claim.id}-e{index + 1}"
        if evidence_id in self.evidence_locs:
            first = self.evidence_locs[evidence_id]
            self.report.error(loc, f"duplicate evidence id '{evidence_id}' (first in {first.path}:{first.line})", "give the evidence item a unique id")
            return
        self.evidence_locs[evidence_id] = loc
        owner = f"evidence item {index + 1} of claim '{claim.id}'"
        figure = None
        raw_figure = ev.get("figure")
        if isinstance(raw_figure, LocMap):
            nums = {k: raw_figure.get(k) for k in ("value", "low", "high")}
            nums = {k: float(v) for k, v in nums.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
            if "value" not in nums and not ("low" in nums and "high" in nums):
                self.report.error(raw_figure.loc, f"figure of {owner} needs a value, or both low and high", "e.g. {value: 0.04, unit: elasticity, measure: ...}")
            elif "low" in nums and "high" in nums and nums["low"] > nums["high"]:
                self.report.error(raw_figure.value_loc("low"), f"figure of {owner} has low {nums['low']:g} above high {nums['high']:g}", "swap them")
            figure = Figure(_text(raw_figure.get("unit")) or "", _text(raw_figure.get("measure")) or "", nums.get("value"), nums.get("low"), nums.get("high"))
        scope = ev.get("scope") if isinstance(ev.get("scope"), LocMap) else LocMap()
        sms = ev.get("sms")
        item = Evidence(
            id=evidence_id, claim=claim.id, source=_text(ev.get("source")) or "", finding=_text(ev.get("finding")) or "",
            design=_text(ev.get("design")) or "", direction=_text(ev.get("direction")) or "", loc=loc, seq=index,
            locator=_text(ev.get("locator")), sms=sms if isinstance(sms, int) and not isinstance(sms, bool) and 1 <= sms <= 5 else None,
            figure=figure, scope_places=_strings(scope.get("places")), scope_period=_text(scope.get("period")),
        )
        claim.evidence.append(item)
        if item.source:
            self.refs.append((ev.value_loc("source"), item.source, "source", owner))
        if item.design:
            self.refs.append((ev.value_loc("design"), item.design, "designs", owner))

    # -- whole-KB checks
    def resolve_references(self) -> None:
        kb = self.kb
        for loc, ref, kind, owner in self.refs:
            if kind == "source":
                if ref not in kb.sources:
                    self.report.error(loc, f"{owner} cites unknown source '{ref}'", did_you_mean(ref, kb.sources) or f"add sources/{ref}.yml")
            elif kind == "claim":
                self._claim_ref(loc, ref, owner)
            elif kind not in self.missing_vocabularies:
                vocabulary: Dict[str, Term] = getattr(kb, kind)
                if ref not in vocabulary:
                    self.report.error(
                        loc, f"{owner} uses unknown {kind[:-1]} '{ref}'",
                        did_you_mean(ref, vocabulary) or f"add it to vocab/{kind}.yml",
                    )
        for loc, claim_id in self.attack_type_misuse:
            self.report.error(
                loc, f"attack_type in top-level claim '{claim_id}' has nothing to attack",
                "attack_type only applies to a nested counterargument or response; otherwise use attacks: [{claim: ..., type: ...}]",
            )
        for retired in kb.retired.values():
            self._claim_ref(retired.loc, retired.replaced_by, f"retired claim '{retired.id}'", allow_retired=True)
            if retired.replaced_by in kb.retired or retired.replaced_by in kb.claims:
                if kb.resolve(retired.id) is None:
                    self.report.error(retired.loc, f"replaced_by of '{retired.id}' goes round in a circle", "point it at a live claim")

        self.resolve_places()

        seen: Dict[Tuple[str, str, str], Loc] = {}
        kinds_between: Dict[Tuple[str, str], set] = {}
        for source, target, kind, loc in self.raw_relations:
            verb = _VERBS.get(kind, f"attacks ({kind})")
            if source == target:
                self.report.error(loc, f"claim '{source}' {verb} itself", "a relation needs two different claims")
                continue
            if not self._claim_ref(loc, target, f"claim '{source}'"):
                continue
            if (source, target, kind) in seen:
                self.report.error(loc, f"claim '{source}' {verb} '{target}' twice (first at line {seen[(source, target, kind)].line})", "remove one")
                continue
            seen[(source, target, kind)] = loc
            kinds_between.setdefault((source, target), set()).add("attack" if kind in ("rebut", "undercut", "undermine") else kind)
            if {"supports", "attack"} <= kinds_between[(source, target)]:
                self.report.error(loc, f"claim '{source}' both supports and attacks '{target}'", "split it into two claims, or use qualifies")
            kb.relations.append(Relation(source, target, kind, loc))

    def resolve_places(self) -> None:
        """Every place a place is within must exist, and containment must not go round in a circle."""
        places = self.kb.places
        for loc, parent, child in self.place_refs:
            if parent == child:
                self.report.error(loc, f"place '{child}' is within itself", "list the places that contain it")
            elif parent not in places:
                self.report.error(
                    loc, f"place '{child}' is within unknown place '{parent}'",
                    did_you_mean(parent, places) or "add it to vocab/places.yml",
                )
        within = nx.DiGraph((p.id, parent) for p in places.values() for parent in p.within if parent in places and parent != p.id)
        cycles = []
        for cycle in nx.simple_cycles(within):
            start = cycle.index(min(cycle, key=lambda c: places[c].loc.line))
            cycles.append(cycle[start:] + cycle[:start])  # in containment order, from the first written
        for path in sorted(cycles):
            first = path[0]
            self.report.error(
                places[first].loc, "places are within each other in a circle: " + " -> ".join(path + [first]),
                "a place cannot be within a place it contains",
            )

    def _claim_ref(self, loc: Loc, ref: str, owner: str, allow_retired: bool = False) -> bool:
        kb = self.kb
        if ref in kb.claims:
            return True
        if ref in kb.retired:
            if allow_retired:
                return True
            live = kb.resolve(ref)
            self.report.error(loc, f"{owner} refers to retired claim '{ref}'", f"it was replaced by '{live}'; refer to that instead" if live else "it was retired")
            return False
        self.report.error(loc, f"{owner} refers to unknown claim '{ref}'", did_you_mean(ref, list(kb.claims) + list(kb.retired)))
        return False

    def warnings(self) -> None:
        kb = self.kb
        cited = {a.source for c in kb.claims.values() for a in c.attributions} | {e.source for e in kb.evidence()}
        for source in kb.sources.values():
            if source.id not in cited:
                self.report.warning(source.loc, f"source '{source.id}' is cited nowhere", "attribute a claim or an evidence item to it, or remove it")
        for claim in kb.claims.values():
            if not claim.attributions:
                self.report.warning(claim.loc, f"claim '{claim.id}' has no attribution", "add attributed_to: [{source: ..., locator: ...}]")
        supports = nx.DiGraph((r.source, r.target) for r in kb.relations if r.type == "supports")
        for cycle in sorted(sorted(c) for c in nx.simple_cycles(supports)):
            first = min(cycle, key=lambda c: (kb.claims[c].loc.path, kb.claims[c].loc.line))
            self.report.warning(
                kb.claims[first].loc, "claims support each other in a circle: " + " -> ".join(cycle + [cycle[0]]),
                "circular support lends no claim any weight; break the cycle",
            )


def check_draft_notes(file: RawFile, report: Report) -> None:
    """Warn when a claims file still holds the source sentences ``kb draft`` left as notes."""
    if file.kind != "debate" or not file.text or DRAFT_NOTE not in file.text:
        return
    lines = [(n, line) for n, line in enumerate(file.text.splitlines(), 1) if line.lstrip().startswith(f"# {DRAFT_NOTE}")]
    if not lines:
        return
    first, text = lines[0]
    report.warning(
        Loc(file.path, first, text.index("#") + 1 if "#" in text else 1),
        f"kb draft's notes still quote the source here ({len(lines)} line{'s' if len(lines) != 1 else ''} marked '{DRAFT_NOTE}')",
        "write each claim in your own words, then delete the notes: the source's sentences must not stay in claims/",
    )


def check_files(files: Iterable[RawFile], report: Report) -> KnowledgeBase:
    """Validate loaded files and build the knowledge base; problems go to ``report``."""
    files = list(files)
    for file in files:
        check_structure(file, report)
        check_draft_notes(file, report)
    builder = _Builder(report)
    present = {f.stem for f in files if f.kind == "vocab"}
    for name in REQUIRED_VOCABULARIES:
        if name not in present:
            builder.missing_vocabularies.add(name)
            report.error(Loc(f"vocab/{name}.yml"), f"missing vocabulary file vocab/{name}.yml", "every project needs positions, themes and designs")
    for kind in ("vocab", "source", "debate"):  # vocabularies and sources first: claims refer to them
        for file in files:
            if file.kind == kind:
                {"vocab": builder.add_vocabulary, "source": builder.add_source, "debate": builder.add_debate}[kind](file)
    builder.resolve_references()
    builder.warnings()
    kb = builder.kb
    kb.content_hash = content_hash(files)
    return kb
