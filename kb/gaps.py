"""Gaps in the knowledge base: what is missing, unanswered or never tested.

Each gap is an SQL view in the built database, so ``kb gaps``, the canned
queries in ``metadata.yml`` and anyone with ``sqlite3`` see the same rows:

* ``gap_claims_without_evidence``: empirical or causal claims with no evidence;
* ``gap_claims_resting_on_theory``: empirical or causal claims whose evidence
  comes only from theory, simulation or argument;
* ``unanswered_counterarguments`` (a core view): attacks nothing answers yet;
* ``gap_uncited_sources``: sources no claim or evidence item cites;
* ``gap_unchallenged_positions``: positions none of whose claims is attacked;
* ``evidence_gap_matrix``: every theme against every study design, with how
  many evidence items there are at each SMS level; the empty cells are the gaps.
"""
from __future__ import annotations

import sqlite3
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

EVIDENCE_KINDS = "('empirical', 'causal')"  # kinds of claim that evidence can bear on

VIEWS: Dict[str, str] = {
    "gap_claims_without_evidence": f"""
        select c.id as claim, c.text, c.position, c.kind, c.debate
        from claims c
        where c.kind in {EVIDENCE_KINDS} and not exists (select 1 from evidence e where e.claim = c.id)
        order by c.seq""",
    "gap_claims_resting_on_theory": f"""
        select c.id as claim, c.text, c.position, c.kind, c.debate, count(*) as evidence_count,
               group_concat(distinct e.design) as designs
        from claims c join evidence e on e.claim = c.id join designs d on d.id = e.design
        where c.kind in {EVIDENCE_KINDS}
        group by c.id having max(d.empirical) = 0
        order by c.seq""",
    "gap_uncited_sources": """
        select s.id as source, s.title, s.authors, s.year
        from sources s
        where not exists (select 1 from attributions a where a.source = s.id)
          and not exists (select 1 from evidence e where e.source = s.id)
        order by s.id""",
    "gap_unchallenged_positions": """
        select p.id as position, p.name, count(c.id) as claims
        from positions p join claims c on c.position = p.id
        group by p.id
        having sum(exists (select 1 from relations r where r.to_claim = c.id and r.is_attack)) = 0
        order by p.id""",
    "evidence_gap_matrix": """
        select t.id as theme, t.name as theme_name, d.id as design, d.name as design_name, d.empirical,
               count(e.id) as items, count(distinct e.claim) as claims,
               count(case when e.sms = 1 then 1 end) as sms_1, count(case when e.sms = 2 then 1 end) as sms_2,
               count(case when e.sms = 3 then 1 end) as sms_3, count(case when e.sms = 4 then 1 end) as sms_4,
               count(case when e.sms = 5 then 1 end) as sms_5,
               count(case when e.id is not null and e.sms is null then 1 end) as sms_none
        from themes t cross join designs d
        left join claim_themes ct on ct.theme = t.id
        left join evidence e on e.claim = ct.claim and e.design = d.id
        group by t.id, d.id
        order by t.rowid, d.rowid""",
}


def write(db: Any) -> None:
    """A writer for :func:`kb.db.write`: the gap views."""
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())


@dataclass
class Gap:
    name: str
    title: str
    sql: str
    rows: List[Dict[str, Any]]


#: (name, title, query) in the order ``kb gaps`` prints them.
SECTIONS: List[Tuple[str, str, str]] = [
    ("claims-without-evidence", "Empirical or causal claims with no evidence",
     "select * from gap_claims_without_evidence"),
    ("claims-resting-on-theory", "Empirical or causal claims resting only on theoretical evidence",
     "select * from gap_claims_resting_on_theory"),
    ("unanswered-counterarguments", "Counterarguments nothing answers yet",
     "select * from unanswered_counterarguments order by target, attacker"),
    ("uncited-sources", "Sources cited nowhere", "select * from gap_uncited_sources"),
    ("unchallenged-positions", "Positions never challenged", "select * from gap_unchallenged_positions"),
    ("themes-without-empirical-evidence", "Themes with no empirical evidence (see the evidence-gap matrix)",
     """select theme, theme_name from evidence_gap_matrix group by theme
        having sum(case when empirical then items else 0 end) = 0 order by theme"""),
]


def find(db_path: Path) -> List[Gap]:
    """Every gap section, read from a built database."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [Gap(name, title, sql, [dict(r) for r in conn.execute(sql)]) for name, title, sql in SECTIONS]
    finally:
        conn.close()


def _entry(name: str, row: Dict[str, Any]) -> Tuple[str, Optional[str]]:
    """A row as a heading line and, for claims, the claim's text to print under it."""
    if name in ("claims-without-evidence", "claims-resting-on-theory"):
        extra = f"; evidence: {row['designs']}" if row.get("designs") else ""
        return f"{row['claim']}  [{row['position']}, {row['kind']}{extra}]", row["text"]
    if name == "unanswered-counterarguments":
        return f"{row['attacker']}  [{row['attacker_position']}] {row['attack_type']}s {row['target']}", row["attacker_text"]
    if name == "uncited-sources":
        return f"{row['source']}: {row['title']}", None
    if name == "unchallenged-positions":
        return f"{row['position']} ({row['name']}): {row['claims']} claim{'s' if row['claims'] != 1 else ''}, none attacked", None
    return f"{row['theme']} ({row['theme_name']})", None


def format_text(gaps: List[Gap], width: int = 100) -> str:
    """The report ``kb gaps`` prints: one section per gap, each claim with its text wrapped under it."""
    out = []
    for gap in gaps:
        out.append(f"{gap.title} ({len(gap.rows)})")
        for row in gap.rows:
            head, text = _entry(gap.name, row)
            out.append("  " + head)
            if text:
                out.append(textwrap.fill(text, width, initial_indent="      ", subsequent_indent="      "))
        if not gap.rows:
            out.append("  none")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
