"""Benchmark: a morning's `lcllm inbox` for a 60-paper list with three sections, against stand-ins on 127.0.0.1.

The stand-ins (tests/inbox_stub.py) answer like arXiv's search (30 new papers a section), the Hub's daily papers
(50 a day) and Semantic Scholar's recommendations (100 a section). Each run starts with an empty cache and asks
for the last three days (the default ``--since 2d``); then the same inbox is run again, as a curator would later
the same morning. Printed: the requests each source got, against the budget of issue 16 (at most one per section
for arXiv and Semantic Scholar, one per day for the Hub), the requests of the second run (target 0), and the
median wall time of the first runs beside that of `lcllm list` on the same list (the cost of starting lcllm and
reading the list, measured in the same run). arXiv's politeness delay is the real one (3 s) unless ``--delay``.

    .venv/bin/python benchmarks/bench_inbox.py [--runs 3] [--delay 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from _measure import Figure, Row, measure  # noqa: E402
from tests.inbox_stub import InboxStub, Paper  # noqa: E402

from lcllm_cli import store  # noqa: E402
from lcllm_cli.model import Entry, Library, Section  # noqa: E402

LCLLM = str(Path(sys.executable).with_name("lcllm"))
SECTIONS = {
    "Long Context": ["long context", "context window", "length extrapolation", "position interpolation"],
    "KV Cache": ["kv cache", "cache compression", "token eviction", "quantized cache"],
    "Agents": ["web agents", "tool use", "agent planning", "multi agent"],
}
PAPERS_PER_SECTION = 20


def synthetic_list(path: Path) -> None:
    """60 papers, 20 a section, whose titles use their section's phrases (so the derived queries find them)."""
    lib = Library(title="Synthetic inbox list", sections=[Section(name) for name in SECTIONS])
    n = 0
    for name, phrases in SECTIONS.items():
        for i in range(PAPERS_PER_SECTION):
            n += 1
            phrase = phrases[i % len(phrases)]
            lib.entries.append(
                Entry(
                    kind="paper",
                    title=f"{phrase.title()} for Language Systems, Study {i}",
                    arxiv=f"2410.{n:05d}",
                    section=name,
                    authors=[f"Author {n}", "Grace Hopper"],
                    published="2024-10-15",
                )
            )
    store.save(lib, path)


def stocked_stub(today: dt.date) -> InboxStub:
    stub = InboxStub()
    days = [today - dt.timedelta(days=2), today - dt.timedelta(days=1), today]
    n = 0
    for phrases in SECTIONS.values():
        for i in range(30):
            n += 1
            day = days[i % 3].isoformat()
            phrase = phrases[i % len(phrases)]
            stub.add_arxiv(Paper(f"2412.{n:05d}", f"New {phrase.title()} Method {i}", day, abstract=f"about {phrase}"))
    for d, day in enumerate(days):
        for i in range(50):
            n += 1
            phrase = list(SECTIONS.values())[i % 3][i % 4] if i % 2 else "protein folding"
            stub.add_daily(day.isoformat(), Paper(f"2412.{n:05d}", f"Daily {phrase} Paper {d}-{i}", day.isoformat()), i)
    for i in range(100):
        n += 1
        stub.add_recommendation(Paper(f"2412.{n:05d}", f"Recommended Paper {i}", days[i % 3].isoformat()))
    return stub


def rows(runs: int = 3, delay: float = 3.0, log: Callable[[str], None] | None = None) -> list[Row]:
    today = dt.datetime.now(dt.UTC).date()
    fig, peer = Figure(), Figure()
    first: list[dict[str, int]] = []
    second: list[int] = []
    with stocked_stub(today) as stub, tempfile.TemporaryDirectory(prefix="lcllm-bench-inbox-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
        env.update(stub.env())
        env.update(LCLLM_ARXIV_DELAY=str(delay), LCLLM_S2_INTERVAL="1")
        path = Path(tmp) / "entries.toml"
        synthetic_list(path)
        for run in range(runs):
            if log:
                log(f"inbox, run {run + 1} of {runs} ...")
            env["XDG_CACHE_HOME"] = str(Path(tmp) / f"cache-{run}")  # a fresh cache: the morning's first run
            counts = {s: len(stub.asked(s)) for s in ("arxiv", "hf", "s2")}
            sample = measure([LCLLM, "--file", str(path), "inbox"], env=env)
            if sample.returncode != 0:
                raise SystemExit(f"lcllm inbox failed ({sample.returncode}): {sample.stderr.decode()}")
            fig.add(sample)
            first.append({s: len(stub.asked(s)) - counts[s] for s in counts})
            before = len(stub.server.requests)
            again = measure([LCLLM, "--file", str(path), "inbox"], env=env)
            if again.returncode != 0:
                raise SystemExit(f"lcllm inbox (second run) failed: {again.stderr.decode()}")
            second.append(len(stub.server.requests) - before)
            peer.add(measure([LCLLM, "--file", str(path), "list"], env=env))
    sections, days = len(SECTIONS), 3
    budget = {"arxiv": sections, "s2": sections, "hf": days}
    worst = {s: max(c[s] for c in first) for s in budget}
    within = all(worst[s] <= budget[s] for s in budget) and max(second) == 0
    note = (
        f"requests: arXiv {worst['arxiv']} (budget {budget['arxiv']}), Semantic Scholar {worst['s2']} "
        f"(budget {budget['s2']}), Hugging Face {worst['hf']} (budget {budget['hf']}, one a day); "
        f"second run {max(second)} (target 0){'' if within else ' - OVER BUDGET'}; arXiv delay {delay:g} s"
    )
    return [
        Row(
            "lcllm inbox, 60 papers, 3 sections",
            fig,
            base=peer,
            note=note,
            section="inbox (issue 16), a morning's first run; x base = over `lcllm list` of the same list",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported (default 3)")
    parser.add_argument("--delay", type=float, default=3.0, help="arXiv's politeness delay, seconds (default 3)")
    args = parser.parse_args()
    (row,) = rows(args.runs, args.delay, log=lambda m: print(m, file=sys.stderr))
    assert row.fig is not None and row.base is not None
    print(row.figure)
    print(f"  {row.note}")
    print(
        f"  wall time: median {row.fig.wall:.3f} s (min {min(row.fig.walls):.3f}, max {max(row.fig.walls):.3f}); "
        f"`lcllm list` of the same list {row.base.wall:.3f} s (x{row.fig.wall / row.base.wall:.1f})"
    )


if __name__ == "__main__":
    main()
