"""Start-up: whole-process wall time and peak memory of short lcllm commands on the shipped entries.toml.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15]

Each run is a fresh process (``lcllm`` as installed in the virtual environment), stdout to /dev/null unless said
otherwise; the baseline is ``python -c pass`` with the same interpreter, measured in the same run. Targets
(issue 8): ``--help`` and ``list`` under 0.15 s, ``export --bibtex`` under 0.25 s. For comparison (issue 8):
``papis --help`` takes about 0.18 s and ``pubs --help`` about 0.36 s.

The shipped list is copied to a temporary folder first (``export --bibtex`` stores citation keys in the list it
reads; one unmeasured warm-up run per command does that, and compiles the byte code).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import Figure, Row, format_table, measure, repeat

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "entries.toml"
LCLLM = str(Path(sys.executable).with_name("lcllm"))


def child_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop("COLUMNS", None)
    return env


def rows(runs: int, *, log=print) -> list[Row]:  # type: ignore[no-untyped-def]
    section = f"start-up, shipped entries.toml ({_count(SHIPPED)} entries)"
    out: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="lcllm-bench-") as tmp:
        work = Path(tmp) / "entries.toml"
        shutil.copyfile(SHIPPED, work)
        env = child_env(Path(tmp) / "cache")
        f = ["--file", str(work)]

        def fig(argv: list[str], **kw: object) -> Figure:
            measure(argv, env=env, ok_codes=(0, 1), **kw)  # type: ignore[arg-type]  # warm-up
            return repeat(runs, argv, env=env, ok_codes=(0, 1), **kw)  # type: ignore[arg-type]

        log("start-up figures ...")
        base = fig([sys.executable, "-c", "pass"])
        out.append(Row("python -c pass (baseline)", base, section=section))
        out.append(Row("lcllm --help", fig([LCLLM, "--help"]), 0.15, 1024, base=base, section=section))
        out.append(Row("lcllm list (to a pipe)", fig([LCLLM, *f, "list"]), 0.15, 1024, base=base, section=section))
        out.append(
            Row(
                "lcllm list (on a terminal)",
                fig([LCLLM, *f, "list"], terminal=True),
                0.15,
                1024,
                base=base,
                section=section,
                note="pseudo-terminal, 120 columns: the table",
            )
        )
        out.append(Row("lcllm list --json", fig([LCLLM, *f, "list", "--json"]), base=base, section=section))
        out.append(Row("lcllm show 2402.13753", fig([LCLLM, *f, "show", "2402.13753"]), base=base, section=section))
        out.append(
            Row("lcllm export --bibtex", fig([LCLLM, *f, "export", "--bibtex"]), 0.25, 1024, base=base, section=section)
        )
        out.append(Row("lcllm export --markdown", fig([LCLLM, *f, "export", "--markdown"]), base=base, section=section))
        out.append(Row("lcllm check", fig([LCLLM, *f, "check"]), base=base, section=section))
    return out


def _count(path: Path) -> int:
    try:
        return path.read_text("utf-8").count("[[entry]]")
    except OSError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured runs per figure; the median is reported")
    args = parser.parse_args()
    print(format_table(rows(args.runs, log=lambda m: print(m, file=sys.stderr))))


if __name__ == "__main__":
    main()
