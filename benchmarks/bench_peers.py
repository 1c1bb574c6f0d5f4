"""lcllm beside the tools curators use today, measured in the same run (issue 14: every figure 3x ahead of its peer).

* start-up: ``lcllm --help`` beside ``papis --help`` (papis, the reference manager closest to lcllm's job);
* duplicates in 10,000 entries: ``lcllm dedupe --dry-run`` on the synthetic list beside ``bibtex-tidy
  --duplicates`` on the same list as BibTeX (``lcllm export --bibtex``).

The peers are installed on first use from the package registries (papis from PyPI into a virtual environment,
bibtex-tidy from npm) into ``<bench data>/peers``, outside the repository; without them (no network, no npm) their
rows say so and the rest of the benchmark runs. The ratio is lcllm's median over the peer's, taken in turns.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from _lists import data_root, prepare
from _measure import Row, Spec, format_table, interleaved

LCLLM = str(Path(sys.executable).with_name("lcllm"))
AHEAD = 3.0  # the budget: lcllm at least 3x ahead of the peer beside it


def peers_dir() -> Path:
    return data_root() / "peers"


def ensure_papis(log: Callable[[str], None]) -> Path | None:
    exe = peers_dir() / "papis-venv" / "bin" / "papis"
    if exe.exists():
        return exe
    log("installing papis (PyPI) for the start-up comparison ...")
    venv = exe.parent.parent
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "papis"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        log(f"  papis could not be installed ({exc}); its row is left out")
        return None
    return exe if exe.exists() else None


def ensure_bibtex_tidy(log: Callable[[str], None]) -> Path | None:
    exe = peers_dir() / "node" / "node_modules" / ".bin" / "bibtex-tidy"
    if exe.exists():
        return exe
    npm = shutil.which("npm")
    if npm is None:
        log("  no npm: bibtex-tidy's row is left out")
        return None
    log("installing bibtex-tidy (npm) for the duplicates comparison ...")
    try:
        subprocess.run(
            [npm, "install", "--silent", "--prefix", str(exe.parents[2]), "bibtex-tidy"],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        log(f"  bibtex-tidy could not be installed ({exc}); its row is left out")
        return None
    return exe if exe.exists() else None


def _peer_row(name: str, figures: dict[str, object], ours: str, theirs: str, section: str, note: str) -> Row:
    row = Row(name, figures[ours], base=figures[theirs], section=section, note=note)  # type: ignore[arg-type]
    ratio = row.ratio
    if ratio is not None:
        ahead = 1 / ratio if ratio > 0 else float("inf")
        row.note = f"{note}; lcllm {ahead:.1f}x ahead" + ("" if ahead >= AHEAD else f" (budget {AHEAD:g}x: OVER)")
    return row


def rows(runs: int, *, size: int = 10_000, log: Callable[[str], None] = print) -> list[Row]:
    section = "peers, measured in the same run (x base = lcllm / peer)"
    out: list[Row] = []
    papis = ensure_papis(log)
    tidy = ensure_bibtex_tidy(log)
    with tempfile.TemporaryDirectory(prefix="lcllm-bench-peers-") as tmp_name:
        tmp = Path(tmp_name)
        env = {"XDG_CACHE_HOME": str(tmp / "cache"), "XDG_CONFIG_HOME": str(tmp / "config"), "HOME": str(tmp)}
        env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        specs = [Spec("lcllm --help", [LCLLM, "--help"], env=env)]
        if papis is not None:
            specs.append(Spec("papis --help", [str(papis), "--help"], env=env))
        if tidy is not None:
            lists = prepare(size, log=log)
            work = tmp / "entries.toml"
            shutil.copyfile(lists.toml, work)
            bib = tmp / "refs.bib"
            with bib.open("wb") as fh:
                subprocess.run([LCLLM, "--file", str(work), "export", "--bibtex"], stdout=fh, check=True, env=env)
            specs.append(Spec("lcllm dedupe", [LCLLM, "--file", str(work), "dedupe", "--dry-run"], env=env))
            specs.append(
                Spec(
                    "bibtex-tidy",
                    [str(tidy), str(bib), "--duplicates", "--no-merge", "--quiet", f"--output={tmp / 'tidy.bib'}"],
                    env=env,
                    ok_codes=(0, 1, 2, 3),
                )
            )
        log(f"peers: {', '.join(s.name for s in specs)}, {runs} runs each in turns ...")
        figures = interleaved(specs, runs)
        if tidy is not None and "@" not in (tmp / "tidy.bib").read_text(encoding="utf-8", errors="replace")[:1000]:
            raise SystemExit("bibtex-tidy wrote no entries: its command line is wrong, the figure would be void")
    if papis is not None:
        out.append(
            _peer_row(
                "start-up: lcllm --help / papis --help",
                figures,
                "lcllm --help",
                "papis --help",
                section,
                "papis 0.16 from PyPI",
            )
        )
    else:
        out.append(Row("start-up: papis --help", None, section=section, note="papis not installed"))
    if tidy is not None:
        out.append(
            _peer_row(
                f"duplicates in {size:,}: lcllm dedupe --dry-run / bibtex-tidy --duplicates",
                figures,
                "lcllm dedupe",
                "bibtex-tidy",
                section,
                "the same synthetic list (bibtex-tidy reads it as lcllm's BibTeX export)",
            )
        )
    else:
        out.append(Row("duplicates: bibtex-tidy", None, section=section, note="bibtex-tidy not installed"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    print(format_table(rows(args.runs, size=args.size, log=lambda m: print(m, file=sys.stderr))))


if __name__ == "__main__":
    main()
