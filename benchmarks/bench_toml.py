"""Reading entries.toml: each TOML parser on the synthetic lists, so the choice in store.py rests on figures.

    .venv/bin/python benchmarks/bench_toml.py [--sizes 1000 10000 100000] [--runs 5]

For each list size, each parser parses the same text in a fresh process (so nothing is warm but the OS page cache);
the figure is the median wall time of the parse call alone, and the peak memory of the process. Also checks that every
parser gives the same data. tomllib is the standard library's, tomli the compiled wheel lcllm depends on, rtoml and
toml_rs two Rust parsers (rtoml is not a dependency: "n/a" unless installed by hand), and "lcllm" what lcllm_cli.store
does from ``store.FAST_PARSE_MIN_CHARS`` up: toml_rs on pieces of the text (in one go it holds its own tree beside
Python's, 0.9 GB at 100k, and is slower).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lists import prepare

PARSERS = ("tomllib", "tomli", "rtoml", "toml_rs", "lcllm")
_CHILD = """
import hashlib, json, resource, sys, time
t0 = time.perf_counter()
if sys.argv[1] == "lcllm":  # what lcllm_cli.store does: toml_rs, in pieces
    from lcllm_cli.store import _parse_toml
    loads = lambda text: _parse_toml(text, sys.argv[2])
else:
    loads = __import__(sys.argv[1]).loads
t1 = time.perf_counter()
text = open(sys.argv[2], encoding="utf-8").read()
t2 = time.perf_counter()
data = loads(text)
t3 = time.perf_counter()
digest = hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"import": t1 - t0, "parse": t3 - t2, "digest": digest, "rss": rss}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'list':>8}  {'MB':>5}  " + "  ".join(f"{p:>17}" for p in PARSERS) + "  same data")
    for n in args.sizes:
        lists = prepare(n, log=lambda m: print(m, file=sys.stderr))
        runs = args.runs if n < 100_000 else max(1, args.runs // 2)
        cells, digests = [], set()
        for name in PARSERS:
            parses, imports, rss = [], [], []
            for _ in range(runs):
                out = subprocess.run(
                    [sys.executable, "-c", _CHILD, name, str(lists.toml)], capture_output=True, text=True, check=False
                )
                if out.returncode:
                    cells.append(f"{'n/a':>17}")
                    break
                figure = json.loads(out.stdout)
                parses.append(figure["parse"])
                imports.append(figure["import"])
                rss.append(figure["rss"])
                digests.add(figure["digest"])
            else:
                cells.append(f"{statistics.median(parses):7.3f} s {max(rss):5.0f} MB")
        print(f"{n:>8,}  {lists.size_mb():5.1f}  " + "  ".join(cells) + f"  {'yes' if len(digests) == 1 else 'NO'}")
    print("median parse time and peak RSS per parser, each run a fresh process; lcllm_cli.store reads big lists")
    print("with toml_rs in pieces of store.FAST_PARSE_PIECE_ENTRIES entries, which keeps its peak near tomli's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
