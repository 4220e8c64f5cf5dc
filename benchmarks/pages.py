"""Benchmark: how long the reading room takes to serve a claim page, next to Datasette's plain row page.

Starts ``kb serve`` on a free loopback port over the built knowledge base,
then requests, one at a time, every claim's page (``/kb/claims/<id>``), the
same rows as Datasette's own row page (``?_plain=1``: the baseline), the
``argument_for_claim`` canned query for each claim, the home page and a
search, and prints the median and 95th percentile of each. Not a test: it
prints numbers (the target is a claim page within 3x the plain row page).

    python benchmarks/pages.py                 # the repository's knowledge base
    python benchmarks/pages.py --root PATH -n 200
"""
from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> float:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url}: HTTP {error.code}") from None
    return (time.perf_counter() - start) * 1000


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this repository)")
    parser.add_argument("-n", "--requests", type=int, default=100, help="requests per kind of page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests per kind first")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    project = work / "project"
    shutil.copytree(args.root, project, ignore=shutil.ignore_patterns(".venv", "dist", ".git", "tests", "*.egg-info"))
    if not (project / "metadata.yml").exists():  # canned queries and titles come from it
        shutil.copy(ROOT / "metadata.yml", project / "metadata.yml")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    kb = Path(sys.executable).parent / "kb"
    server = subprocess.Popen([str(kb), "serve", "--root", str(project), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                fetch(base + "/-/versions.json")
                break
            except OSError:
                time.sleep(0.2)
        with urllib.request.urlopen(base + "/kb/claims.json?_shape=arrayfirst&_size=max") as r:
            claims = json.load(r)
        quoted = [urllib.parse.quote(c, safe="") for c in claims]
        kinds = {
            "claim page (reading room)": [f"{base}/kb/claims/{c}" for c in quoted],
            "plain row page (baseline)": [f"{base}/kb/claims/{c}?_plain=1" for c in quoted],
            "canned query argument_for_claim": [f"{base}/kb/argument_for_claim?claim={c}" for c in quoted],
            "home page": [f"{base}/"],
            "search page": [f"{base}/-/search?q=agglomeration"],
        }
        results = {}
        # each claim page's first view formats its citation (citeproc); later views reuse it until the next day
        results["claim page, first view of each"] = [fetch(u) for u in kinds["claim page (reading room)"]]
        for name, urls in kinds.items():
            for i in range(args.warmup):
                fetch(urls[i % len(urls)])
            results[name] = [fetch(urls[i % len(urls)]) for i in range(args.requests)]
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    print(f"{len(claims)} claims; {args.requests} requests per kind, sequential, over loopback (ms)")
    print(f"{'':34}{'median':>9}{'p95':>9}{'n':>6}")
    for name, times in results.items():
        print(f"{name:34}{statistics.median(times):9.1f}{percentile(times, 0.95):9.1f}{len(times):6}")
    ratio = statistics.median(results["claim page (reading room)"]) / statistics.median(results["plain row page (baseline)"])
    print(f"claim page / plain row page (median): {ratio:.2f}x (target: within 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
