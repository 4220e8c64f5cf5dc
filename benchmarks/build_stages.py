#!/usr/bin/env python3
"""Time each build stage on the real knowledge base and on a generated one of 10,000 claims.

    .venv/bin/python benchmarks/build_stages.py            # real KB, then 10,000 synthetic claims
    .venv/bin/python benchmarks/build_stages.py --claims 2000 --skip-real

Each knowledge base is built twice: *cold* (no NLP cache: every text goes
through spaCy) and *warm* (unchanged, so every analysis comes from the cache).
The targets for the NLP stage are under 10 s cold and under 1 s warm on two
cores. This prints numbers; it asserts nothing (timing is not a test).

The generated knowledge base uses the project's real vocabularies (so the
concept and place matchers have their real size) and made-up text built from
their phrases; it is written to a temporary folder and deleted afterwards.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb import pipeline  # noqa: E402
from kb.model import ATTACK_TYPES  # noqa: E402

VERBS = ("raises", "lowers", "shapes", "limits", "drives", "weakens", "supports", "undermines", "explains", "predicts")
#: Made-up words ('synthword17'), drawn with Zipf's law like the words of real prose: a few very common, most rare.
WORDS = [f"synthword{i}" for i in range(4000)]
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]


class Timings(pipeline.Progress):
    """Records how long each stage took instead of printing it."""

    def __init__(self) -> None:
        super().__init__(enabled=False)
        self.seconds: Dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def generate(root: Path, claims: int, seed: int = 1) -> Path:
    """A synthetic knowledge base of ``claims`` claims under ``root``, using the real vocabularies."""
    rng = random.Random(seed)
    shutil.copytree(ROOT / "vocab", root / "vocab")
    vocab = {name: yaml.safe_load((root / "vocab" / f"{name}.yml").read_text(encoding="utf-8"))["terms"]
             for name in ("positions", "themes", "designs", "concepts", "places")}
    positions = [t["id"] for t in vocab["positions"]]
    themes = [t["id"] for t in vocab["themes"]]
    designs = [t["id"] for t in vocab["designs"]]
    phrases = [p for t in vocab["concepts"] for p in t["patterns"]]
    places = [t["label"] for t in vocab["places"]]

    (root / "sources").mkdir()
    sources = [f"synthetic-{2000 + i % 25}-source-{i}" for i in range(max(10, claims // 50))]
    for i, source in enumerate(sources):
        data = {"id": source, "type": "report", "title": f"Synthetic report {i} on {rng.choice(phrases)} in {rng.choice(places)}",
                "author": [{"literal": f"Synthetic Institute {i % 7}"}], "issued": 2000 + i % 25, "verified": False}
        (root / "sources" / f"{source}.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def sentence(n: int) -> str:
        words = rng.choices(WORDS, WEIGHTS, k=rng.randint(8, 16))
        words[rng.randrange(len(words))] += " " + rng.choice(phrases)
        words[rng.randrange(len(words))] += f" in {rng.choice(places)} " + rng.choice(VERBS)
        return "Synthetic " + " ".join(words) + "."

    (root / "claims").mkdir()
    debates = max(1, claims // 500)
    ids: List[List[str]] = [[] for _ in range(debates)]
    files: List[List[dict]] = [[] for _ in range(debates)]
    for n in range(claims):
        d = n % debates
        claim = {
            "id": f"synthetic-claim-{n}", "text": sentence(n), "position": rng.choice(positions),
            "kind": rng.choice(["empirical", "causal", "normative", "prescriptive", "conceptual"]),
            "themes": rng.sample(themes, 2), "attributed_to": [{"source": rng.choice(sources), "locator": f"p. {n % 300 + 1}"}],
        }
        if n % 3 == 0:
            claim["summary"] = " ".join(sentence(n * 7 + k) for k in range(3))
        if n % 2 == 0:
            claim["evidence"] = [{
                "source": rng.choice(sources), "finding": sentence(n * 11), "design": rng.choice(designs),
                "direction": rng.choice(["supports", "supports", "challenges"]),
                "scope": {"places": [rng.choice(places)]}, **({"sms": rng.randint(1, 5)} if n % 4 == 0 else {}),
            }]
        earlier = ids[d]
        if earlier and rng.random() < 0.5:
            claim["supports"] = [rng.choice(earlier[-50:])]
        elif earlier and rng.random() < 0.6:
            claim["attacks"] = [{"claim": rng.choice(earlier[-50:]), "type": rng.choice(ATTACK_TYPES)}]
        ids[d].append(claim["id"])
        files[d].append(claim)
    for d, entries in enumerate(files):
        debate = {"title": f"Synthetic debate {d}", "roots": [entries[0]["id"]], "claims": entries}
        (root / "claims" / f"synthetic-{d:02d}.yml").write_text(yaml.safe_dump(debate, sort_keys=False), encoding="utf-8")
    return root


def run(name: str, root: Path, out: Path) -> None:
    rows = []
    for label in ("cold", "warm"):
        if label == "cold":
            shutil.rmtree(root / ".kb-cache", ignore_errors=True)
        timings = Timings()
        start = time.perf_counter()
        result = pipeline.build(root, out / label, progress=timings)
        total = time.perf_counter() - start
        rows.append((label, timings.seconds, total, result))
    result = rows[0][3]
    print(f"\n{name}: {len(result.kb.claims)} claims, {sum(1 for _ in result.kb.evidence())} evidence items, "
          f"{len(result.kb.relations)} relations, {len(result.derived['nlp'].texts)} texts for the NLP stage")
    stages = list(rows[0][1])
    print("  " + "stage".ljust(12) + "".join(label.rjust(10) for label, *_ in rows))
    for stage in stages:
        print("  " + stage.ljust(12) + "".join(f"{t[stage]:9.2f}s" for _, t, _, _ in rows))
    print("  " + "total".ljust(12) + "".join(f"{total:9.2f}s" for _, _, total, _ in rows))
    print(f"  nlp texts analysed by spaCy: cold {rows[0][3].derived['nlp'].analysed}, warm {rows[1][3].derived['nlp'].analysed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=10_000, help="size of the generated knowledge base")
    parser.add_argument("--skip-real", action="store_true", help="only the generated knowledge base")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        tmp = Path(tmp)
        if not args.skip_real:
            real = tmp / "real"
            shutil.copytree(ROOT, real, ignore=shutil.ignore_patterns(".git", ".venv", "dist", ".kb-cache", "*.egg-info"))
            run("real knowledge base", real, tmp / "real-out")
        start = time.perf_counter()
        synthetic = generate(tmp / "synthetic", args.claims)
        print(f"\n(generated {args.claims} synthetic claims in {time.perf_counter() - start:.1f} s)")
        run("synthetic knowledge base", synthetic, tmp / "synthetic-out")


if __name__ == "__main__":
    main()
