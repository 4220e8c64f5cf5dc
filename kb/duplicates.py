"""Near-duplicate claims: pairs whose one-sentence texts share most of their content lemmas.

As a knowledge base grows, two curators will write the same claim twice in
slightly different words. Similarity is the Jaccard index of the two texts'
content lemmas (from :mod:`kb.nlp`: lowercased, stop words dropped, negations
kept as 'not'), so word order, plurals and tense do not matter:

>>> jaccard({"city", "drive", "growth"}, {"city", "drive", "national", "growth"})
0.75

Pairs at or above :data:`SIMILAR` go to the ``similar_claims`` table; those at
or above :data:`LIKELY` are flagged as likely duplicates (build warnings, and
``kb check --duplicates``) unless the curator has already related the two
claims (a claim that attacks or supports another is not its duplicate) or only
one of them is negated ('X drives growth' / 'X does not drive growth').

Comparing every pair is quadratic; :func:`similar_pairs` uses prefix
filtering (index only the rarest lemmas of each claim, enough that any pair
reaching the threshold must share one), which is exact and fast on 10,000
claims.
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set, Tuple

from . import db as kbdb
from .diagnostics import Report
from .model import KnowledgeBase

#: Share of content lemmas from which two claims are flagged as likely duplicates.
LIKELY = 0.6
#: Share of content lemmas from which a pair is listed in ``similar_claims``.
SIMILAR = 0.4


def jaccard(a: Set[str], b: Set[str]) -> float:
    return round(len(a & b) / len(a | b), 3) if a or b else 0.0


def similar_pairs(sets: Dict[str, Set[str]], threshold: float = SIMILAR) -> List[Tuple[str, str, float]]:
    """Every pair (a, b, score) with Jaccard similarity >= ``threshold``, a before b in ``sets``' order.

    >>> similar_pairs({"a": {"x", "y"}, "b": {"x", "y", "z"}, "c": {"q"}}, 0.5)
    [('a', 'b', 0.667)]
    """
    order = {key: i for i, key in enumerate(sets)}
    frequency = Counter(token for tokens in sets.values() for token in tokens)
    index: Dict[str, List[str]] = defaultdict(list)
    candidates: Set[Tuple[str, str]] = set()
    for key, tokens in sets.items():
        if not tokens:
            continue
        ranked = sorted(tokens, key=lambda t: (frequency[t], t))  # rarest first
        prefix = len(ranked) - math.ceil(threshold * len(ranked) - 1e-9) + 1
        for token in ranked[:prefix]:
            for other in index[token]:
                candidates.add((other, key))
            index[token].append(key)
    pairs = []
    for a, b in candidates:
        score = jaccard(sets[a], sets[b])
        if score >= threshold:
            pairs.append((a, b, score) if order[a] < order[b] else (b, a, score))
    return sorted(pairs, key=lambda p: (order[p[0]], order[p[1]]))


@dataclass
class Pair:
    claim: str  # the one written first
    similar_to: str
    score: float
    shared: List[str]
    related: bool  # the curator already linked them with supports, qualifies or an attack
    polarity_differs: bool  # one is negated and the other is not

    @property
    def likely_duplicate(self) -> bool:
        return self.score >= LIKELY and not self.related and not self.polarity_differs


@dataclass
class Duplicates:
    pairs: List[Pair]

    @property
    def likely(self) -> List[Pair]:
        return [p for p in self.pairs if p.likely_duplicate]

    def warn(self, kb: KnowledgeBase, report: Report) -> None:
        """One warning per likely duplicate, at the claim written second."""
        for p in self.likely:
            first, second = kb.claims[p.claim], kb.claims[p.similar_to]
            report.warning(
                second.loc,
                f"claim '{second.id}' looks like a near-duplicate of claim '{first.id}' ({first.loc.path}:{first.loc.line}): "
                f"{round(p.score * 100)}% of their content words are the same",
                "merge them and retire one with replaced_by, or reword one so the difference is clear",
            )

    def write(self, db: Any) -> None:
        kbdb.create_schema(db, TABLES)
        rows = [
            {"claim": p.claim, "similar_to": p.similar_to, "score": p.score, "shared": json.dumps(p.shared),
             "likely_duplicate": int(p.likely_duplicate), "related": int(p.related), "polarity_differs": int(p.polarity_differs)}
            for p in self.pairs
        ]
        if rows:
            db["similar_claims"].insert_all(rows)


def find(kb: KnowledgeBase, lemmas: Dict[str, Iterable[str]], threshold: float = SIMILAR) -> Duplicates:
    """Similar pairs among the claims of ``kb``, given each claim's content lemmas."""
    sets = {claim: set(lemmas.get(claim, ())) for claim in kb.claims}
    linked = {frozenset((r.source, r.target)) for r in kb.relations}
    pairs = [
        Pair(a, b, score, sorted(sets[a] & sets[b] - {"not"}), frozenset((a, b)) in linked,
             ("not" in sets[a]) != ("not" in sets[b]))
        for a, b, score in similar_pairs(sets, threshold)
    ]
    return Duplicates(pairs)


def check(kb: KnowledgeBase, root: Path, report: Report) -> Duplicates:
    """``kb check --duplicates``: analyse the claims (using the build's cache) and warn about likely duplicates."""
    from . import nlp

    found = find(kb, nlp.enrich(kb, Path(root) / nlp.CACHE_DIR).claim_lemmas())
    found.warn(kb, report)
    return found


TABLES: Dict[str, kbdb.Table] = {
    "similar_claims": (
        {"claim": str, "similar_to": str, "score": float, "shared": str, "likely_duplicate": int, "related": int,
         "polarity_differs": int},
        ("claim", "similar_to"), [("claim", "claims", "id"), ("similar_to", "claims", "id")],
        [["similar_to"], ["likely_duplicate"]],
    ),
}
