"""Scale: whole-process wall time and peak memory of lcllm commands on synthetic lists of 1k, 10k and 100k entries.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000 10000 100000] [--runs 5] [--runs-large 3]

The lists come from benchmarks/synth.py (5-10 authors, 2-3 links, dates, venue, planted duplicates), made once and
cached (benchmarks/_lists.py). For each size, each figure is ``--runs`` measured runs (``--runs-large`` from 100k
up), each a fresh ``lcllm`` process with stdout to /dev/null, taken in turns (run 1 of every figure, then run 2,
...: a slow spell of the machine falls on one run of several figures, not on all the runs of one; a speed probe is
among them):

* ``list --json``, ``export --markdown``, ``export --bibtex``, ``dedupe --dry-run`` and ``check`` (validity,
  duplicates and link lint: what a pre-commit hook or CI job runs) read the list;
* ``import LIST.md`` reads the Markdown export of the list into a new entries.toml (a new file every run);
* ``export --bibtex, no keys`` runs on the list as it was before its entries had citation keys (export assigns
  them in memory and never writes the list).

Every figure runs with an empty cache directory every time (issue 14's budget: a CI runner or a fresh clone reads
like this); the TOML is parsed and validated in each.

The baseline of a size is a fresh Python parsing its entries.toml as lcllm does (toml-rs in pieces): the cost of reading
the TOML at all; tomli's figure is shown beside it (benchmarks/bench_toml.py compares the parsers).
Budget (issue 14): under 1 s at 10k; 100k within 10x of the 10k figure and under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lists import Lists, prepare
from _measure import PROBE, Row, Spec, format_table, interleaved, measure

LCLLM = str(Path(sys.executable).with_name("lcllm"))
TARGET_S = {10_000: 1.0}
MAX_MB = 1024
MAX_GROWTH = 10.0


def child_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    env["XDG_CACHE_HOME"] = str(cache)
    return env


def _label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def rows(
    sizes: list[int], runs: int, runs_large: int, *, log: Callable[[str], None] = print, dedupe_score: bool = True
) -> list[Row]:
    out: list[Row] = []
    previous: dict[str, Row] = {}
    for n in sorted(sizes):
        lists = prepare(n, log=log)
        k = runs if n < 100_000 else runs_large
        log(f"scale figures at {n:,} entries ({lists.size_mb():.0f} MB of TOML), {k} runs each ...")
        current = _size_rows(lists, k, previous, dedupe_score=dedupe_score)
        out.extend(current)
        previous = {r.figure.split(", ", 1)[1]: r for r in current if ", " in r.figure}
    return out


def _size_rows(lists: Lists, runs: int, previous: dict[str, Row], *, dedupe_score: bool) -> list[Row]:
    n = lists.n
    md_mb = lists.markdown.stat().st_size / 2**20
    section = f"{_label(n)} entries: {lists.size_mb():.1f} MB entries.toml, {md_mb:.1f} MB Markdown"
    target = TARGET_S.get(n)
    out: list[Row] = []
    with tempfile.TemporaryDirectory(prefix=f"lcllm-bench-{n}-") as tmp_name:
        tmp = Path(tmp_name)
        work = tmp / "entries.toml"
        shutil.copyfile(lists.toml, work)
        f = ["--file", str(work)]
        cold_cache = tmp / "cold-cache"
        cold = child_env(cold_cache)  # emptied before every run of the budgeted figures
        warm = child_env(tmp / "cache")

        def empty_cache(_: int) -> None:
            shutil.rmtree(cold_cache, ignore_errors=True)

        target_file = tmp / "imported.toml"
        import_argv = [LCLLM, "--file", str(target_file), "import", str(lists.markdown)]

        def fresh_target(run: int) -> None:
            empty_cache(run)
            target_file.unlink(missing_ok=True)

        unkeyed_file = tmp / "nokeys.toml"
        shutil.copyfile(lists.nokeys, unkeyed_file)

        def cold_spec(name: str, argv: list[str], before: Callable[[int], None] = empty_cache) -> Spec:
            return Spec(name, argv, before, warm_up=False, env=cold)

        specs = [
            Spec("speed probe", [sys.executable, "-c", PROBE], warm_up=False, env=warm),
            Spec("baseline: TOML parse", [sys.executable, "-c", _PARSE, str(work)], env=warm),
            Spec("tomli.loads", [sys.executable, "-c", _TOMLI, str(work)], env=warm),
            cold_spec("list --json", [LCLLM, *f, "list", "--json"]),
            cold_spec("export --markdown", [LCLLM, *f, "export", "--markdown"]),
            cold_spec("export --bibtex", [LCLLM, *f, "export", "--bibtex"]),
            cold_spec("import LIST.md", import_argv, fresh_target),
            cold_spec("dedupe --dry-run", [LCLLM, *f, "dedupe", "--dry-run"]),
            cold_spec("check", [LCLLM, *f, "check"]),
            cold_spec("export --bibtex, no keys", [LCLLM, "--file", str(unkeyed_file), "export", "--bibtex"]),
        ]
        dedupe_note = _dedupe_note(lists, f, warm) if dedupe_score else ""
        figures = interleaved(specs, runs)
    base = figures["baseline: TOML parse"]
    note = f"`python -c '{PROBE}'`: the machine's speed meanwhile"
    out.append(Row(f"{_label(n)}, speed probe", figures["speed probe"], section=section, note=note))
    note = "a fresh Python parsing the file as lcllm does (toml-rs, in pieces of 16 entries)"
    out.append(Row(f"{_label(n)}, baseline: TOML parse", base, section=section, note=note))
    tomli = figures["tomli.loads"]
    out.append(Row(f"{_label(n)}, tomli.loads", tomli, base=base, section=section, note="the other parser"))

    def row(name: str, *, targeted: bool = True, note: str = "") -> None:
        out.append(
            Row(
                f"{_label(n)}, {name}",
                figures[name],
                target_s=target if targeted else None,
                target_mb=MAX_MB,
                base=base,
                smaller=previous.get(name),
                max_growth=MAX_GROWTH if targeted and n >= 100_000 else None,
                note=note,
                section=section,
            )
        )

    row("list --json")
    row("export --markdown")
    row("export --bibtex")
    row("import LIST.md")
    row("dedupe --dry-run", note=dedupe_note)
    row("check", note="valid? duplicates? link lint? (the pre-commit/CI command; exits 1: planted duplicates)")
    row("export --bibtex, no keys", note="keys assigned in memory; the list is never written")
    return out


_PARSE = (
    "import sys; from lcllm_cli.store import _parse_toml; _parse_toml(open(sys.argv[1], encoding='utf-8').read(), '')"
)
_TOMLI = "import sys, tomli; tomli.loads(open(sys.argv[1], encoding='utf-8').read())"


def _dedupe_note(lists: Lists, f: list[str], env: dict[str, str]) -> str:
    """bench_dedupe's scoring of one ``dedupe --dry-run --json`` against the planted truth."""
    try:
        from bench_dedupe import score
    except ImportError:
        return ""
    try:
        truth = json.loads(lists.truth.read_text())
        sample = measure([LCLLM, *f, "dedupe", "--dry-run", "--json"], env=env, ok_codes=(0, 1), keep_output=True)
        s = score(json.loads(sample.stdout), truth["work"], truth["planted"], truth["near_misses"])
    except Exception as exc:  # a scoring problem must not hide the timings
        return f"(scoring failed: {exc})"
    if not s["planted"]:
        return ""
    merged = sum(s["near_misses_merged"].values())  # type: ignore[union-attr]
    return (
        f"found {s['found']}/{s['planted']} planted duplicates, {s['false_merge_groups']} false merges, "
        f"{merged}/{s['near_misses']} near-misses merged"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per figure below 100k (default 5)")
    parser.add_argument("--runs-large", type=int, default=3, help="measured runs per figure from 100k (default 3)")
    args = parser.parse_args()
    table = rows(args.sizes, args.runs, args.runs_large, log=lambda m: print(m, file=sys.stderr))
    print(format_table(table))


if __name__ == "__main__":
    main()
