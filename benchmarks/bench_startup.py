"""Start-up: whole-process wall time and peak memory of short lcllm commands on the shipped entries.toml.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15]

Each run is a fresh process (``lcllm`` as installed in the virtual environment), stdout to /dev/null unless said
otherwise, with an empty cache directory; the baseline is ``python -c pass`` with the same interpreter, measured in
the same run. Budget (issue 14): ``--help`` and every command on the shipped list under 0.1 s. For comparison:
``papis --help`` takes about 0.16 s (benchmarks/bench_peers.py measures it beside lcllm).

The shipped list is copied to a temporary folder first; one unmeasured warm-up run per command compiles the byte
code (a fresh install does that once).
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
BUDGET_S = 0.1


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
        commands: list[tuple[str, list[str], dict[str, object]]] = [
            ("lcllm --help", [LCLLM, "--help"], {}),
            ("lcllm list (to a pipe)", [LCLLM, *f, "list"], {}),
            ("lcllm list (on a terminal)", [LCLLM, *f, "list"], {"terminal": True}),
            ("lcllm list --json", [LCLLM, *f, "list", "--json"], {}),
            ("lcllm show 2402.13753", [LCLLM, *f, "show", "2402.13753"], {}),
            ("lcllm export --markdown", [LCLLM, *f, "export", "--markdown"], {}),
            ("lcllm export --bibtex", [LCLLM, *f, "export", "--bibtex"], {}),
            ("lcllm check", [LCLLM, *f, "check"], {}),
        ]
        for name, argv, kw in commands:
            note = "pseudo-terminal, 120 columns: the table" if kw.get("terminal") else ""
            out.append(Row(name, fig(argv, **kw), BUDGET_S, 1024, base=base, section=section, note=note))
        left = sorted(p.name for p in (Path(tmp) / "cache").rglob("*") if p.is_file())
        if left:  # a read-only command leaves nothing in the cache directory: every run starts with an empty one
            raise SystemExit(f"start-up runs left files in the cache directory: {', '.join(left)}")
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
