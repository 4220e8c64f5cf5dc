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
