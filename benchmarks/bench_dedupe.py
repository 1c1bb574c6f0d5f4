"""How fast and how right is ``lcllm dedupe`` on big lists? Run by hand; prints figures, asserts nothing.

    python benchmarks/bench_dedupe.py            # 10,000 and 100,000 entries
    python benchmarks/bench_dedupe.py 1000 5000  # other sizes

For each size it writes a synthetic list (benchmarks/synth.py: planted duplicates of every kind, planted
near-misses) to a temporary folder and runs the installed ``lcllm --file LIST dedupe --dry-run --json`` as its own
process, measuring the wall time and the peak memory (max RSS, from ``os.wait4``) of that whole process: start-up,
reading the TOML, detection and output: three times with the human output (the median), once with ``--json``.
Then it scores the groups against the truth: planted duplicates found (both entries in one group), per kind, and
false merges (a group joining entries of different works), per near-miss kind.

Targets (issue 4): under 1 s at 10k and under 10 s at 100k for the whole process, under 1 GB, every planted
duplicate found, no false merge.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synth import generate

LCLLM = Path(sys.executable).with_name("lcllm")


def run(args: list[str], cache: Path) -> tuple[float, int, bytes]:
    """Wall seconds, peak RSS in MB and stdout of one lcllm process (its user cache in ``cache``)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    start = time.perf_counter()
    proc = subprocess.Popen([str(LCLLM), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"lcllm {' '.join(args)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return wall, usage.ru_maxrss // 1024, out


def score(report: dict, work: list[int], planted: list, near: list) -> dict[str, object]:
    group_of: dict[int, int] = {}
    false_groups = 0
    for g, group in enumerate(report["groups"]):
        idx = [m["position"] - 1 for m in group["members"]]
        for i in idx:
            group_of[i] = g
        if len({work[i] for i in idx}) > 1:
            false_groups += 1
    found = Counter()
    missed = Counter()
    for kind, a, b in planted:
        same = a in group_of and group_of.get(a) == group_of.get(b)
        (found if same else missed)[kind] += 1
    near_merged = Counter(kind for kind, a, b in near if a in group_of and group_of.get(a) == group_of.get(b))
    return {
        "found": sum(found.values()),
        "planted": len(planted),
        "missed_by_kind": dict(missed),
        "false_merge_groups": false_groups,
        "near_misses": len(near),
        "near_misses_merged": dict(near_merged),
    }


def bench(n: int) -> None:
    t0 = time.perf_counter()
    synth = generate(n, seed=n)
    from lcllm_cli import store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "entries.toml"
        store.write_atomic(path, store.dumps(synth.library))
        made = time.perf_counter() - t0
        size = path.stat().st_size / 2**20
        cache = Path(tmp) / "cache"
        runs = [run(["--file", str(path), "dedupe", "--dry-run"], cache) for _ in range(3)]
        wall_cold = statistics.median(r[0] for r in runs)
        rss_cold = max(r[1] for r in runs)
        wall_json, rss_json, out = run(["--file", str(path), "dedupe", "--dry-run", "--json"], cache)
        wall_help, _, _ = run(["--help"], cache)
    report = json.loads(out)
    s = score(report, synth.work, synth.planted, synth.near_misses)
    kinds = Counter(kind for kind, _, _ in synth.planted)
    print(f"== {n:,} entries ({size:.1f} MB of TOML, made in {made:.1f} s)")
    print(f"   dedupe --dry-run        : {wall_cold:6.2f} s wall (median of 3), {rss_cold:5d} MB peak RSS")
    print(f"   dedupe --dry-run --json : {wall_json:6.2f} s wall, {rss_json:5d} MB peak RSS")
    print(f"   lcllm --help            : {wall_help:6.2f} s wall (start-up alone)")
    print(f"   groups found            : {len(report['groups'])}, entries that would go away: {report['duplicates']}")
    print(f"   planted duplicates found: {s['found']} of {s['planted']}  ({dict(sorted(kinds.items()))})")
    if s["missed_by_kind"]:
        print(f"   missed, by kind         : {s['missed_by_kind']}")
    print(f"   false merges            : {s['false_merge_groups']} groups joining different works")
    print(
        f"   near-misses merged      : {sum(s['near_misses_merged'].values())} of {s['near_misses']}"
        + (f"  {s['near_misses_merged']}" if s["near_misses_merged"] else "")
    )
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    sizes = [int(a.replace(",", "").replace("_", "")) for a in argv] or [10_000, 100_000]
    print(f"lcllm: {LCLLM}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    for n in sizes:
        bench(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
