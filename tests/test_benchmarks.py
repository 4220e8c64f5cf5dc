"""The benchmark script runs and prints its numbers (speed itself is not asserted: see benchmarks/)."""
from __future__ import annotations

import subprocess
import sys

from conftest import MINI, ROOT


def test_pages_benchmark_prints_median_and_p95():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "pages.py"), "--root", str(MINI), "-n", "3", "--warmup", "1"],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("5 claims; 3 requests per kind")
    for kind in ("claim page (reading room)", "plain row page (baseline)", "canned query argument_for_claim"):
        [line] = [l for l in lines if l.startswith(kind)]
        median, p95, n = line[len(kind):].split()
        assert float(median) > 0 and float(p95) >= float(median) and n == "3"
    assert "claim page / plain row page (median)" in lines[-1]


def test_build_stages_benchmark_prints_each_stage():
    """A small generated knowledge base, cold then warm: every stage gets a number, the warm NLP stage uses the cache."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "build_stages.py"), "--claims", "300", "--skip-real"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("synthetic knowledge base: 300 claims") for line in lines)
    for stage in ("load", "validate", "nlp", "graph", "analysis", "database", "exports", "total"):
        [line] = [l for l in lines if l.split()[:1] == [stage] and len(l.split()) == 3]
        cold, warm = line.split()[1:]
        assert float(cold.rstrip("s")) >= 0 and float(warm.rstrip("s")) >= 0
    [analysed] = [l for l in lines if "analysed by spaCy" in l]
    assert analysed.strip().endswith("warm 0")
