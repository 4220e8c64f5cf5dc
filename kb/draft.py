"""``kb draft``: find the argumentative sentences of a plain-text source and lay out candidate claims.

A curator reading a paper or a blog post wants a head start: which sentences
argue something, where they are, which concepts they touch. This module splits
the text into paragraphs and sentences (spaCy's rule-based sentencizer on the
same blank English pipeline as :mod:`kb.nlp`), looks for markers of

* **stance**: 'we argue', 'we suggest', 'we question', 'a key problem' ...
* **contrast**: 'however', 'yet', 'rather than', 'despite' ...
* **cause**: 'because', 'as a result', 'leads to', 'driven by' ...
* **recommendation**: 'should', 'must', 'need to', 'call for' ...

and writes a YAML skeleton with one candidate claim per argumentative sentence.

It never writes a claim for the curator. Every candidate's ``text`` is empty
(so ``kb check`` reports each one until it is written in the curator's own
words), and the source's sentence appears only in a comment marked
``kb-draft-note``, for reference: YAML comments never reach the database, and
``kb check`` warns while such notes remain in ``claims/``. Kind, themes and
position are guesses (from the markers, the concepts found, and the source),
marked as such, and valid so the file checks once the texts are written.
"""
from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from .model import KnowledgeBase, slugify
from .validate import DRAFT_NOTE

MARKERS: Dict[str, List[str]] = {
    "stance": [
        "we argue", "i argue", "argue that", "we suggest", "suggest that", "we contend", "contend that",
        "we claim", "we believe", "we challenge", "we question", "question the assumption", "we highlight",
        "we emphasise", "we emphasize", "we propose", "in our view", "our critique", "our argument",
        "key problem", "key limitation", "crucially", "ultimately", "it is clear", "we find", "we show",
        "challenge the idea", "the importance of", "crucial", "critical",
    ],
    "contrast": [
        "however", "yet", "but", "although", "though", "whereas", "rather than", "despite", "instead",
        "in contrast", "on the other hand", "nevertheless", "nonetheless", "even though", "at the cost of",
        "not just", "not only", "neither", "while", "contrast with",
    ],
    "cause": [
        "because", "therefore", "thus", "hence", "as a result", "so that", "lead to", "result in",
        "due to", "consequently", "in so doing", "cause", "drive", "driven by", "generate", "enable",
        "encourage", "undermine", "contribute to", "this means", "which means", "reduce", "increase",
    ],
    "recommendation": [
        "should", "must", "need to", "ought to", "call for", "require", "it is important", "it is essential",
        "recommend", "have to", "it means",
    ],
}
#: Kind guessed from the strongest marker present (first match wins).
KIND_BY_MARKER = [("recommendation", "prescriptive"), ("cause", "causal"), ("contrast", "empirical"), ("stance", "conceptual")]
MIN_WORDS = 6
LONG_LINE = 100  # a block with a longer line holds one paragraph per line
_LIST_ITEM = re.compile(r"^([-*\u2022]|\d+[.)])\s")
_REFERENCE = re.compile(r"\b[A-Z]\.,?\s.*\(\d{4}[a-z]?\)")  # a bibliography entry: 'Bailey, D., ... (2025)'


@dataclass
class Candidate:
    """An argumentative sentence and what the draft proposes for it."""

    number: int  # sentence number in the whole text, from 1
    paragraph: int
    sentence: str
    markers: Dict[str, List[str]]  # category -> the words that matched
    concepts: List[Tuple[str, str]] = field(default_factory=list)  # (concept id, words matched)
    themes: List[str] = field(default_factory=list)
    kind: str = "conceptual"


@dataclass
class Draft:
    path: str
    sentences: int
    paragraphs: int
    candidates: List[Candidate]


def paragraphs(text: str) -> List[str]:
    """The paragraphs of a plain text, each on one line.

    Blocks are separated by blank lines. Inside a block, hard-wrapped lines are
    joined, but a block of long lines (one paragraph per line, as web pages are
    often saved) or of list items is split line by line.

    >>> paragraphs("A line\\nwrapped.\\n\\nNext.")
    ['A line wrapped.', 'Next.']
    >>> paragraphs("- one item\\n- another")
    ['- one item', '- another']
    """
    out: List[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if max(len(line) for line in lines) > LONG_LINE or (len(lines) > 1 and all(_LIST_ITEM.match(line) for line in lines[1:])):
            out.extend(" ".join(line.split()) for line in lines)
        else:
            out.append(" ".join(" ".join(lines).split()))
    return out


def find_candidates(text: str, kb: KnowledgeBase, path: str = "text") -> Draft:
    """Split ``text`` into sentences and keep those with argumentative markers."""
    from spacy.matcher import PhraseMatcher
    from spacy.pipeline import Sentencizer

    from .nlp import Analyser, lexicon

    analyser = Analyser(lexicon(kb))
    markers = PhraseMatcher(analyser.nlp.vocab, attr="LEMMA")
    for category, phrases in MARKERS.items():
        markers.add(category, list(analyser.docs(phrases)))
    sentencizer = Sentencizer()
    strings = analyser.nlp.vocab.strings
    candidates: List[Candidate] = []
    number = 0
    blocks = paragraphs(text)
    for para, doc in enumerate(analyser.docs(blocks), 1):
        doc = sentencizer(doc)
        if _REFERENCE.search(blocks[para - 1]):
            number += len(list(doc.sents))
            continue
        concepts = analyser.spans(doc)["concept"]
        found = [(strings[m], doc[s:e]) for m, s, e in markers(doc)]
        for sent in doc.sents:
            number += 1
            sentence = blocks[para - 1][sent.start_char:sent.end_char].strip()  # the original characters
            if len(sentence.split()) < MIN_WORDS or not sentence.endswith((".", "?", "!", '"', "\u201d")):
                continue
            hits: Dict[str, List[str]] = {}
            for category, span in found:
                if sent.start <= span.start and span.end <= sent.end:
                    hits.setdefault(category, [])
                    words = span.text.lower()
                    if words not in hits[category]:
                        hits[category].append(words)
            if not hits:
                continue
            candidate = Candidate(number, para, sentence, {c: hits[c] for c in MARKERS if c in hits})
            candidate.concepts = [(s.label_, s.text) for s in concepts if sent.start <= s.start and s.end <= sent.end]
            candidate.kind = next(kind for category, kind in KIND_BY_MARKER if category in hits)
            for concept_id, _ in candidate.concepts:
                theme = kb.concepts[concept_id].theme
                if theme in kb.themes and theme not in candidate.themes:
                    candidate.themes.append(theme)
            candidates.append(candidate)
    return Draft(path, number, len(blocks), candidates)


def _scalar(value: str) -> str:
    """A YAML scalar on one line (quoted only when it must be)."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True).strip().removesuffix("\n...").strip()


def to_yaml(draft: Draft, kb: KnowledgeBase, source: Optional[str] = None, position: Optional[str] = None,
            prefix: Optional[str] = None) -> str:
    """The YAML skeleton: a claims file whose every claim has an empty ``text`` and a note quoting the source."""
    prefix = slugify(prefix or source or Path(draft.path).stem) or "draft"
    guessed_position = None
    if not position and source in kb.sources and kb.sources[source].positions:
        position = kb.sources[source].positions[0]
        guessed_position = f"from the positions of source {source}: check"
    if not position:
        position = next(iter(kb.positions), "position")
        guessed_position = "no source position to go by: choose one of " + ", ".join(kb.positions)
    common = Counter(t for c in draft.candidates for t in c.themes).most_common(1)
    fallback_theme = common[0][0] if common else next(iter(kb.themes), "theme")
    name = Path(draft.path).name
    out = [
        "# yaml-language-server: $schema=../kb/schemas/debate.schema.json",
        f"# Drafted by `kb draft` from {name}: {len(draft.candidates)} candidate claims "
        f"from {draft.sentences} sentences in {draft.paragraphs} paragraphs.",
        "# kb draft writes no claims. For each candidate:",
        "#   1. read the source's sentence in its note (a comment, kept for reference only);",
        "#   2. write the claim in your own words in `text`, one sentence (kb check reports every empty text);",
        "#   3. check the guessed kind, themes and position; add supports/attacks and evidence;",
        f"#   4. delete the notes (comment lines marked {DRAFT_NOTE}) and the candidates not worth a claim.",
        f"title: {_scalar('Draft from ' + name)}",
        f"description: {_scalar('Candidate claims drafted from ' + name + '; every text still to be written.')}",
        "claims:",
    ]
    for c in draft.candidates:
        note = f"# {DRAFT_NOTE}: "
        wrapped = textwrap.wrap(f'"{c.sentence}"', 88)
        out.append(f"  - id: {prefix}-s{c.number:02d}")
        out.append(f"    {note}sentence {c.number} (para. {c.paragraph}), the source's own words; do not copy:")
        out.extend(f"    {note}  {line}" for line in wrapped)
        marks = "; ".join(f"{category}: {', '.join(words)}" for category, words in c.markers.items())
        out.append(f"    {note}markers: {marks}")
        out.append('    text: ""')
        out.append(f"    position: {position}" + (f"  # guessed, {guessed_position}" if guessed_position else ""))
        kind_from = next(category for category, kind in KIND_BY_MARKER if category in c.markers)
        out.append(f"    kind: {c.kind}  # guessed from the {kind_from} markers: check")
        if c.themes:
            labels = ", ".join(kb.concepts[cid].label for cid, _ in c.concepts)
            out.append(f"    themes: [{', '.join(c.themes)}]  # from the concepts found: {labels}")
        else:
            out.append(f"    themes: [{fallback_theme}]  # guessed: no concept found in the sentence")
        if source:
            out.append("    attributed_to:")
            out.append(f"      - {{source: {source}, locator: para. {c.paragraph}}}")
    if not draft.candidates:
        out.append("  []  # no argumentative sentence found")
    return "\n".join(out) + "\n"
