"""Benchmark: `lcllm add` with 100 ids against a stand-in arXiv that takes 0.3 s per request.

Runs the installed executable as a user would (a fresh entries.toml each run, the default 3 s politeness delay,
which a single request never waits for) and prints the requests made and the wall time of the whole process.
Target (issue 3): 1 request and under 1.5 s. For comparison (docs/anchors.md): papis made 60 requests in 28 s and
pubs 20 requests in 14 s for 20 ids against the same kind of server.

    .venv/bin/python benchmarks/bench_add.py [--ids 100] [--runs 5] [--latency 0.3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.arxiv_stub import ArxivStub  # noqa: E402

LCLLM = Path(sys.executable).with_name("lcllm")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=100, help="ids per `lcllm add` (default 100)")
    parser.add_argument("--runs", type=int, default=5, help="runs; the median is reported (default 5)")
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the stand-in takes per request")
    args = parser.parse_args()

    ids = [f"2404.{i:05d}" for i in range(1, args.ids + 1)]
    walls: list[float] = []
    requests: list[int] = []
    with ArxivStub(latency=args.latency) as stub, tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
        env.update(LCLLM_ARXIV_API_URL=stub.url, XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        for run in range(args.runs):
            path = Path(tmp) / f"entries-{run}.toml"
            before = len(stub.requests)
            started = time.perf_counter()
            proc = subprocess.run([str(LCLLM), "--file", str(path), "add", *ids], env=env, capture_output=True)
            walls.append(time.perf_counter() - started)
            requests.append(len(stub.requests) - before)
            if proc.returncode != 0:
                sys.exit(f"lcllm add failed ({proc.returncode}): {proc.stderr.decode()}")
            added = path.read_text("utf-8").count("[[entry]]")
            if added != args.ids:
                sys.exit(f"expected {args.ids} entries, found {added}")
    print(f"lcllm add, {args.ids} ids, stand-in arXiv answering in {args.latency:g} s per request, {args.runs} runs")
    print(f"  requests per run: {', '.join(map(str, requests))}")
    print(f"  wall time: median {statistics.median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f})")


if __name__ == "__main__":
    main()
