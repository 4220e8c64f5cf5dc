"""Synthetic knowledge bases written on the fly: a large one (40+ claims) and a hostile one.

Their text is obviously made up ("Synthetic claim 7 ...") and exists only to
exercise layout at scale and escaping; nothing here describes real literature.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

ATTACKS = ("rebut", "undercut", "undermine")


def _claim(i: int, position: str, text: str, **more) -> dict:
    return {
        "id": f"synthetic-claim-{i}", "text": text, "position": position, "kind": "causal",
        "themes": ["cities"], "attributed_to": [{"source": "smith-2020-cities", "locator": f"p. {i}"}], **more,
    }


def write_large(root: Path, supporters: int = 12) -> Path:
    """A fixture KB whose root claim has ``supporters`` supporters, each attacked and answered: 40+ claims."""
    shutil.copytree(MINI / "vocab", root / "vocab")
    shutil.copytree(MINI / "sources", root / "sources")
    claims = [_claim(0, "agglomeration", "Synthetic root claim that a made-up policy raises made-up growth everywhere.", evidence=[
        {"source": "jones-2019-chapter", "finding": "Synthetic finding number zero, invented for a layout test.",
         "design": "quasi-experimental", "sms": 3, "direction": "supports"},
    ])]
    n = 1
    for s in range(supporters):
        supporter = _claim(n, "agglomeration", f"Synthetic supporting claim {s} with enough words to need wrapping onto several lines of text.",
                           supports=["synthetic-claim-0"])
        n += 1
        attacker = _claim(n, "place-based", f"Synthetic counterargument {s}, also long enough to wrap across a few lines in its box.",
                          attacks=[{"claim": supporter["id"], "type": ATTACKS[s % 3]}])
        n += 1
        claims += [supporter, attacker]
        if s % 2 == 0:
            claims.append(_claim(n, "agglomeration", f"Synthetic response {s} answering the counterargument above.",
                                 attacks=[{"claim": attacker["id"], "type": "undercut"}]))
            n += 1
        if s % 3 == 0:
            supporter["evidence"] = [{"source": "smith-2020-cities", "finding": f"Synthetic evidence {s} for a supporter.",
                                      "design": "meta-analysis", "direction": "challenges"}]
    debate = {"title": "Synthetic large debate", "description": "Made-up claims for layout tests.",
              "roots": ["synthetic-claim-0"], "claims": claims}
    (root / "claims").mkdir(parents=True)
    (root / "claims" / "large.yml").write_text(yaml.safe_dump(debate, sort_keys=False), encoding="utf-8")
    return root
