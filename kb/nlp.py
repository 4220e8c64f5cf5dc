"""Stage: find the concepts and places of ``vocab/`` in the text, with spaCy, cached by content hash.

The build runs between validation and the graph. It reads every piece of text a
reader might search for an idea or a place (claim texts, summaries and scopes,
evidence findings and scopes, source titles), and finds in it

* the **concepts** of ``vocab/concepts.yml``: labels and patterns are matched on
  lowercased lemmas, so 'knowledge spillover' finds 'Knowledge spillovers';
  variants are matched exactly, so 'RIS3' keeps its case;
* the **places** of ``vocab/places.yml``: matched exactly as written, because
  'US' is a country and 'us' is not.

Why spaCy without a model: a blank English pipeline with the lookup lemmatizer
of spacy-lookups-data and a ``PhraseMatcher`` is all this needs, installs from
PyPI, and never downloads anything at run time. Intra-word hyphens are read as
spaces (so 'left-behind' and 'left behind' are one phrase) by replacing them
one character for one, which keeps every offset valid in the original text.

Each text is analysed once: the result is stored in ``.kb-cache/nlp.sqlite``
under a hash of the text and of everything that could change the answer (this
module's version, spaCy's, the lookups', and the vocabularies), so a rebuild
only analyses what changed and imports spaCy only when something did. Cached
and fresh analyses are the same JSON, so a build gives the same rows either way.

>>> normalise("Left-behind places don\u2019t matter")
"Left behind places don't matter"
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from . import db as kbdb
from .model import KnowledgeBase

#: Bump when the analysis of a text changes, so old cache entries are not reused.
NLP_VERSION = "1"
CACHE_DIR = ".kb-cache"
CACHE_FILE = "nlp.sqlite"
#: Words that flip a sentence's meaning: kept as content words (as 'not') for similarity.
NEGATIONS = {"not", "no", "never", "n't", "nor", "neither", "none", "nothing", "without", "cannot"}

_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def normalise(text: str) -> str:
    """The text as the matcher sees it: same length, so offsets hold in the original."""
    return _HYPHEN.sub(" ", text).replace("\u2019", "'")


# --------------------------------------------------------------------------- texts


@dataclass(frozen=True)
class Text:
    """One piece of text to analyse and where it belongs.

    ``owner`` is a claim id (``owner_kind`` 'claim') or a source id ('source');
    ``evidence`` is set when the text is an evidence item's finding or scope.
    """

    owner_kind: str
    owner: str
    field: str  # text, summary, scope, finding or title
    text: str
    evidence: Optional[str] = None


def texts(kb: KnowledgeBase) -> List[Text]:
    """Everything the stage reads, in a stable order (claims as written, then sources by id)."""
    out: List[Text] = []
    for c in kb.claims.values():
        out.append(Text("claim", c.id, "text", c.text))
        if c.summary:
            out.append(Text("claim", c.id, "summary", c.summary))
        out.extend(Text("claim", c.id, "scope", p) for p in c.scope_places)
        for e in c.evidence:
            out.append(Text("claim", c.id, "finding", e.finding, e.id))
            out.extend(Text("claim", c.id, "scope", p, e.id) for p in e.scope_places)
    for s in sorted(kb.sources.values(), key=lambda s: s.id):
        if s.title:
            out.append(Text("source", s.id, "title", s.title))
    return out


# --------------------------------------------------------------------------- analysis


@dataclass
class Analysis:
    """What was found in one text: (term id, start, end) character spans, and its content lemmas."""

    concepts: List[Tuple[str, int, int]] = field(default_factory=list)
    places: List[Tuple[str, int, int]] = field(default_factory=list)
    lemmas: List[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps([self.concepts, self.places, self.lemmas], ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Analysis":
        concepts, places, lemmas = json.loads(text)
        return cls([tuple(c) for c in concepts], [tuple(p) for p in places], lemmas)


def lexicon(kb: KnowledgeBase) -> Dict[str, Any]:
    """The phrases to look for, as plain data (also what the cache fingerprint is made of)."""
    return {
        "concepts": [
            {"id": c.id, "lemma": [c.label, *c.patterns], "exact": list(c.variants)}
            for c in sorted(kb.concepts.values(), key=lambda c: c.id)
        ],
        "places": [
            {"id": p.id, "exact": _capitalised([p.label, *p.patterns])}
            for p in sorted(kb.places.values(), key=lambda p: p.id)
        ],
    }


def _capitalised(phrases: Iterable[str]) -> List[str]:
    """Each phrase, plus its capitalised form when it starts lowercase ('the North' -> 'The North')."""
    out: List[str] = []
    for phrase in phrases:
        for form in (phrase, phrase[:1].upper() + phrase[1:]):
            if form not in out:
                out.append(form)
    return out


def fingerprint(lex: Dict[str, Any]) -> str:
    """Everything besides the text itself that decides an analysis."""
    versions = [NLP_VERSION]
    for package in ("spacy", "spacy-lookups-data"):
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
            versions.append(f"{package}=?")
    data = json.dumps([versions, lex], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


class Analyser:
    """A blank English spaCy pipeline with the lookup lemmatizer and two phrase matchers.

    >>> from kb.model import Concept, KnowledgeBase, Place
    >>> from kb.diagnostics import Loc
    >>> kb = KnowledgeBase()
    >>> kb.concepts["spillovers"] = Concept("spillovers", "Knowledge spillovers", "", Loc("x"))
    >>> kb.places["uk"] = Place("uk", "United Kingdom", "country", Loc("x"), patterns=["UK"])
    >>> [a] = Analyser(lexicon(kb)).analyse(["Knowledge spillover is local in the UK, say us."])
    >>> a.concepts, a.places
    ([('spillovers', 0, 19)], [('uk', 36, 38)])
    """

    def __init__(self, lex: Dict[str, Any]):
        import spacy  # imported here: a fully cached build never needs it
        from spacy.matcher import PhraseMatcher

        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        self.nlp.initialize()
        self.table = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self.stop_words = self.nlp.Defaults.stop_words
        self.by_lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for concept in lex["concepts"]:
            self.by_lemma.add(f"concept:{concept['id']}", list(self.docs(concept["lemma"])))
            if concept["exact"]:
                self.exact.add(f"concept:{concept['id']}", [self.nlp.make_doc(normalise(v)) for v in concept["exact"]])
        for place in lex["places"]:
            self.exact.add(f"place:{place['id']}", [self.nlp.make_doc(normalise(v)) for v in place["exact"]])

    def docs(self, items: Iterable[str], batch_size: int = 512) -> Iterator[Any]:
        """spaCy docs of ``items`` (normalised, same offsets), with lowercased lemmas."""
        for doc in self.nlp.pipe((normalise(t) for t in items), batch_size=batch_size):
            yield self._fold_case(doc)

    def _fold_case(self, doc: Any) -> Any:
        """Lowercase every lemma, looking capitalised words up again ('Firms' -> 'firm')."""
        table = self.table
        for token in doc:
            lemma = token.lemma_
            if lemma == token.text and not token.is_lower:
                lower = token.lower_
                token.lemma_ = table.get(lower, lower)
            elif not lemma.islower():
                token.lemma_ = lemma.lower()
        return doc

    def spans(self, doc: Any) -> Dict[str, List[Any]]:
        """Concept and place matches in ``doc`` as spans labelled with the term id, in text order.

        Overlapping matches of one kind keep the longest ('North East England' over 'England').
        """
        from spacy.util import filter_spans

        strings = self.nlp.vocab.strings
        found: Dict[str, List[Any]] = {"concept": [], "place": []}
        for match_id, start, end in list(self.by_lemma(doc)) + list(self.exact(doc)):
            kind, term = strings[match_id].split(":", 1)
            span = doc[start:end]
            span.label_ = term
            found[kind].append(span)
        return {kind: sorted(filter_spans(spans), key=lambda s: s.start_char) for kind, spans in found.items()}

    def analyse(self, items: Sequence[str], batch_size: int = 512) -> List[Analysis]:
        results = []
        for doc in self.docs(items, batch_size):
            found = self.spans(doc)
            results.append(Analysis(
                [(s.label_, s.start_char, s.end_char) for s in found["concept"]],
                [(s.label_, s.start_char, s.end_char) for s in found["place"]],
                self._content_lemmas(doc),
            ))
        return results

    def _content_lemmas(self, doc: Any) -> List[str]:
        lemmas = []
        for token in doc:
            lemma = token.lemma_
            if lemma in NEGATIONS or token.lower_ in NEGATIONS:
                lemmas.append("not")
            elif not (token.is_punct or token.is_space or token.lower_ in self.stop_words or lemma in self.stop_words):
                lemmas.append(lemma)
        return lemmas


# --------------------------------------------------------------------------- cache


class Cache:
    """Analyses by content hash, in one SQLite file. A cache: any problem with it is ignored."""

    def __init__(self, path: Optional[Path]):
        self.path = path
        self.stored: Dict[str, str] = {}
        if path is not None and path.exists():
            try:
                conn = sqlite3.connect(path)
                try:
                    self.stored = dict(conn.execute("select key, value from analyses"))
                finally:
                    conn.close()
            except sqlite3.Error:
                self.stored = {}

    def save(self, used: Dict[str, str]) -> None:
        """Keep exactly the entries this build used (so the file does not grow without end)."""
        if self.path is None or used == self.stored:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path)
            try:
                with conn:
                    conn.execute("create table if not exists analyses (key text primary key, value text not null)")
                    conn.execute("delete from analyses")
                    conn.executemany("insert into analyses values (?, ?)", sorted(used.items()))
            finally:
                conn.close()
        except (OSError, sqlite3.Error):
            pass


# --------------------------------------------------------------------------- the stage


@dataclass
class Enrichment:
    """The stage's result: every text with its analysis, and the tables they make."""

    kb: KnowledgeBase
    texts: List[Text]
    analyses: List[Analysis]
    analysed: int = 0  # texts analysed by spaCy in this run (the rest came from the cache)

    def claim_lemmas(self) -> Dict[str, List[str]]:
        """Content lemmas of each claim's one-sentence text (for near-duplicate detection)."""
        return {t.owner: a.lemmas for t, a in zip(self.texts, self.analyses) if t.owner_kind == "claim" and t.field == "text"}

    def evidence_places(self) -> Dict[str, Set[str]]:
        """Places each evidence item is about: found in its finding or its scope."""
        out: Dict[str, Set[str]] = {}
        for t, a in zip(self.texts, self.analyses):
            if t.evidence:
                out.setdefault(t.evidence, set()).update(p for p, _, _ in a.places)
        return out

    def rows(self) -> Dict[str, List[Dict[str, Any]]]:
        kb = self.kb
        out: Dict[str, List[Dict[str, Any]]] = {name: [] for name in TABLES}
        out["concepts"] = [
            {"id": c.id, "label": c.label, "description": c.description, "theme": c.theme,
             "patterns": json.dumps(c.patterns, ensure_ascii=False),
             "variants": json.dumps(c.variants, ensure_ascii=False) if c.variants else None,
             "path": c.loc.path, "line": c.loc.line}
            for c in kb.concepts.values()
        ]
        out["places"] = [
            {"id": p.id, "label": p.label, "kind": p.kind, "description": p.description,
             "patterns": json.dumps(p.patterns, ensure_ascii=False) if p.patterns else None,
             "path": p.loc.path, "line": p.loc.line}
            for p in kb.places.values()
        ]
        out["place_hierarchy"] = [
            {"place": place, "ancestor": ancestor, "distance": distance}
            for place in kb.places for ancestor, distance in ancestors(kb, place)
        ]
        for t, a in zip(self.texts, self.analyses):
            for kind, found in (("concept", a.concepts), ("place", a.places)):
                table = f"{t.owner_kind}_{kind}s"
                for term, start, end in found:
                    row = {t.owner_kind: t.owner, kind: term, "field": t.field}
                    if t.owner_kind == "claim":
                        row["evidence"] = t.evidence
                    row.update({"span": t.text[start:end], "span_start": start, "span_end": end})
                    out[table].append(row)
        for table in ("claim_concepts", "claim_places", "source_concepts", "source_places"):
            for i, row in enumerate(out[table], 1):
                row["id"] = i
        return out

    def write(self, db: Any) -> None:
        """A writer for :func:`kb.db.write`: tables, views and full-text search of this stage."""
        kbdb.create_schema(db, TABLES)
        for name, rows in self.rows().items():
            kbdb.insert_rows(db, name, rows)
        db["concepts"].enable_fts(["label", "description"], tokenize="porter", create_triggers=False)
        for name, sql in VIEWS.items():
            db.create_view(name, sql.strip())


def ancestors(kb: KnowledgeBase, place: str) -> List[Tuple[str, int]]:
    """The place itself (distance 0) and every place containing it, nearest first, each once."""
    seen = {place: 0}
    frontier = [place]
    while frontier:
        nxt = []
        for p in frontier:
            for parent in kb.places[p].within:
                if parent in kb.places and parent not in seen:
                    seen[parent] = seen[p] + 1
                    nxt.append(parent)
        frontier = nxt
    return sorted(seen.items(), key=lambda kv: (kv[1], kv[0]))


def enrich(kb: KnowledgeBase, cache_dir: Optional[Path] = None) -> Enrichment:
    """Analyse every text of ``kb``, reusing cached analyses from ``cache_dir`` (None: no cache)."""
    items = texts(kb)
    lex = lexicon(kb)
    prefix = fingerprint(lex)
    keys = [hashlib.sha256(f"{prefix}\n{t.text}".encode()).hexdigest() for t in items]
    cache = Cache(Path(cache_dir) / CACHE_FILE if cache_dir is not None else None)
    found: Dict[str, str] = {k: cache.stored[k] for k in keys if k in cache.stored}
    missing = sorted({k: t.text for k, t in zip(keys, items) if k not in found}.items())
    if missing:
        fresh = Analyser(lex).analyse([text for _, text in missing])
        found.update((key, analysis.to_json()) for (key, _), analysis in zip(missing, fresh))
    cache.save(found)
    analyses = [Analysis.from_json(found[k]) for k in keys]
    return Enrichment(kb, items, analyses, analysed=len(missing))


# --------------------------------------------------------------------------- tables

TABLES: Dict[str, kbdb.Table] = {
    "concepts": (
        {"id": str, "label": str, "description": str, "theme": str, "patterns": str, "variants": str, "path": str, "line": int},
        "id", [("theme", "themes", "id")], [["theme"]],
    ),
    "places": (
        {"id": str, "label": str, "kind": str, "description": str, "patterns": str, "path": str, "line": int},
        "id", [], [["kind"]],
    ),
    "place_hierarchy": (
        {"place": str, "ancestor": str, "distance": int}, ("place", "ancestor"),
        [("place", "places", "id"), ("ancestor", "places", "id")], [["ancestor"]],
    ),
    "claim_concepts": (
        {"id": int, "claim": str, "concept": str, "field": str, "evidence": str, "span": str, "span_start": int, "span_end": int},
        "id", [("claim", "claims", "id"), ("concept", "concepts", "id"), ("evidence", "evidence", "id")],
        [["claim"], ["concept"], ["evidence"]],
    ),
    "claim_places": (
        {"id": int, "claim": str, "place": str, "field": str, "evidence": str, "span": str, "span_start": int, "span_end": int},
        "id", [("claim", "claims", "id"), ("place", "places", "id"), ("evidence", "evidence", "id")],
        [["claim"], ["place"], ["evidence"]],
    ),
    "source_concepts": (
        {"id": int, "source": str, "concept": str, "field": str, "span": str, "span_start": int, "span_end": int},
        "id", [("source", "sources", "id"), ("concept", "concepts", "id")], [["source"], ["concept"]],
    ),
    "source_places": (
        {"id": int, "source": str, "place": str, "field": str, "span": str, "span_start": int, "span_end": int},
        "id", [("source", "sources", "id"), ("place", "places", "id")], [["source"], ["place"]],
    ),
}

VIEWS: Dict[str, str] = {
    "claim_tags": """
        select c.id as claim, c.text, c.position, c.kind, c.debate,
               (select json_group_array(concept) from (select distinct concept from claim_concepts k
                 where k.claim = c.id order by concept)) as concepts,
               (select json_group_array(place) from (select distinct place from claim_places p
                 where p.claim = c.id order by place)) as places
        from claims c order by c.seq""",
    "concept_overview": """
        select k.id as concept, k.label, k.theme, k.description,
               (select count(distinct claim) from claim_concepts m where m.concept = k.id) as claims,
               (select count(*) from claim_concepts m where m.concept = k.id) as mentions,
               (select count(distinct source) from source_concepts s where s.concept = k.id) as sources
        from concepts k order by claims desc, k.id""",
}
