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

Comparing every pair one by one is slow in Python; :func:`similar_pairs`
multiplies sparse matrices instead (scipy), which is exact and takes about a
second on 10,000 claims.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from . import db as kbdb
from .diagnostics import Report
from .model import KnowledgeBase

#: Share of content lemmas from which two claims are flagged as likely duplicates.
LIKELY = 0.6
#: Share of content lemmas from which a pair is listed in ``similar_claims``.
SIMILAR = 0.4
#: Bump when the similarity measure changes, so cached pairs are not reused.
VERSION = "1"
CACHE_FILE = "similar.json"


def jaccard(a: Set[str], b: Set[str]) -> float:
    return round(len(a & b) / len(a | b), 3) if a or b else 0.0


def similar_pairs(sets: Dict[str, Set[str]], threshold: float = SIMILAR, block: int = 512) -> List[Tuple[str, str, float]]:
    """Every pair (a, b, score) with Jaccard similarity >= ``threshold``, a before b in ``sets``' order.

    The overlaps of all pairs are the product of the claim-by-lemma incidence
    matrix with its transpose; computed as a sparse product one block of rows at
    a time, it is exact, runs in C, and never holds more than a block in memory.

    >>> similar_pairs({"a": {"x", "y"}, "b": {"x", "y", "z"}, "c": {"q"}}, 0.5)
    [('a', 'b', 0.667)]
    """
    import numpy as np
    from scipy import sparse

    keys = list(sets)
    columns: Dict[str, int] = {}
    rows, cols = [], []
    for row, key in enumerate(keys):
        for token in sets[key]:
            rows.append(row)
            cols.append(columns.setdefault(token, len(columns)))
    if not columns:
        return []
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(keys), len(columns)))
    sizes = np.diff(matrix.indptr)
    size = sizes.tolist()
    pairs = []
    for start in range(0, len(keys), block):
        overlap = (matrix[start:start + block] @ matrix[start:].T).tocoo()
        i, j, shared = overlap.row + start, overlap.col + start, overlap.data
        # shared / (|a| + |b| - shared) >= threshold, without dividing; a little slack for rounding
        near = (j > i) & (shared * (1 + threshold) >= (threshold - 0.001) * (sizes[i] + sizes[j]))
        for a, b, n in zip(i[near].tolist(), j[near].tolist(), shared[near].tolist()):
            score = round(n / (size[a] + size[b] - n), 3)  # exactly as jaccard() rounds
            if score >= threshold:
                pairs.append((a, b, score))
    return [(keys[a], keys[b], score) for a, b, score in sorted(pairs)]


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
        kbdb.insert_rows(db, "similar_claims", rows)


def cached_pairs(sets: Dict[str, Set[str]], threshold: float, cache_dir: Optional[Path]) -> List[Tuple[str, str, float]]:
    """:func:`similar_pairs`, reused from ``cache_dir/similar.json`` when no claim's lemmas changed."""
    data = json.dumps([VERSION, threshold, [(k, sorted(v)) for k, v in sets.items()]], ensure_ascii=False)
    key = hashlib.sha256(data.encode()).hexdigest()
    path = Path(cache_dir) / CACHE_FILE if cache_dir is not None else None
    if path is not None and path.exists():
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("key") == key:
                return [(a, b, score) for a, b, score in cached["pairs"]]
        except (OSError, ValueError, TypeError, KeyError):
            pass
    pairs = similar_pairs(sets, threshold)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"key": key, "pairs": pairs}), encoding="utf-8")
        except OSError:
            pass
    return pairs


def find(kb: KnowledgeBase, lemmas: Dict[str, Iterable[str]], threshold: float = SIMILAR,
         cache_dir: Optional[Path] = None) -> Duplicates:
    """Similar pairs among the claims of ``kb``, given each claim's content lemmas."""
    sets = {claim: set(lemmas.get(claim, ())) for claim in kb.claims}
    linked = {frozenset((r.source, r.target)) for r in kb.relations}
    pairs = [
        Pair(a, b, score, sorted(sets[a] & sets[b] - {"not"}), frozenset((a, b)) in linked,
             ("not" in sets[a]) != ("not" in sets[b]))
        for a, b, score in cached_pairs(sets, threshold, cache_dir)
    ]
    return Duplicates(pairs)


def check(kb: KnowledgeBase, root: Path, report: Report) -> Duplicates:
    """``kb check --duplicates``: analyse the claims (using the build's cache) and warn about likely duplicates."""
    from . import nlp

    cache_dir = Path(root) / nlp.CACHE_DIR
    found = find(kb, nlp.enrich(kb, cache_dir).claim_lemmas(), cache_dir=cache_dir)
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
