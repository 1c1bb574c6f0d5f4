"""Start-up: commands import only what they use (checked with ``python -X importtime``, not timed).

Speed itself is measured by ``benchmarks/run`` (whole processes, medians), never asserted here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lcllm_cli import store
from lcllm_cli.importers.markdown import parse
from tests.paths import FIXTURES
from tests.terminal import run_on_terminal

PYTHON = sys.executable
LCLLM = str(Path(sys.executable).with_name("lcllm"))

# Modules no command should pay for unless it talks to the network or reads BibTeX.
HEAVY = {"arxiv", "httpx", "httpcore", "bibtexparser", "requests", "lxml", "feedparser", "matplotlib", "numpy"}


@pytest.fixture
def listfile(tmp_path: Path, seed_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    store.save(parse(seed_path.read_text(encoding="utf-8")).library, path)
    return path


def imported(argv: list[str], *, executable: bool, cwd: Path, codes: tuple[int, ...] = (0, 1)) -> set[str]:
    """Every module a run of ``lcllm ARGV`` imports, from Python's own import-time report.

    ``executable``: the installed ``lcllm`` script (which builds only the command it runs), else
    ``python -m lcllm_cli`` (which builds them all).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    env["PYTHONPROFILEIMPORTTIME"] = "1"
    env["XDG_CACHE_HOME"] = os.environ["XDG_CACHE_HOME"]
    cmd = [LCLLM, *argv] if executable else [PYTHON, "-X", "importtime", "-m", "lcllm_cli", *argv]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode in codes, proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.add(name)
    assert "lcllm_cli" in names, "no import-time report: the command did not run"
    return names


def top_level(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


# (arguments after --file LIST, modules the command may use). None of them talks to the network.
COMMANDS: list[tuple[list[str], set[str]]] = [
    (["--help"], set()),
    (["--version"], set()),
    (["list"], set()),
    (["list", "--json"], set()),
    (["list", "--search", "rope"], set()),
    (["show", "2402.13753"], set()),
    (["show", "2402.13753", "--json"], set()),
    (["remove", "not-in-the-list"], set()),
    (["export", "--markdown"], set()),
    (["export", "--bibtex"], set()),
    (["export", "--csl-json"], set()),
    (["export", "--html"], set()),
    (["stats"], set()),  # matplotlib only for --svg
    (["stats", "--json"], set()),
    (["completion", "bash"], set()),
    (["check"], set()),
    (["dedupe", "--dry-run"], set()),
    (["import", "--help"], set()),
    (["add", "--help"], set()),
    (["refresh", "--help"], set()),
    (["enrich", "--help"], set()),
]


@pytest.mark.parametrize("executable", [True, False], ids=["lcllm", "python-m"])
@pytest.mark.parametrize(("args", "allowed"), COMMANDS, ids=[" ".join(a) for a, _ in COMMANDS])
def test_no_heavy_module_is_imported_by_a_command_that_does_not_use_it(
    listfile: Path, args: list[str], allowed: set[str], executable: bool
) -> None:
    names = imported(["--file", str(listfile), *args], executable=executable, cwd=listfile.parent)
    heavy = (top_level(names) & HEAVY) - allowed
    assert not heavy, f"lcllm {' '.join(args)} imports {sorted(heavy)}"


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["--version"],
        ["export", "--markdown"],
        ["check"],
        ["show", "x", "--json"],
        ["show", "2402.13753"],
        ["remove", "not-in-the-list"],
        ["dedupe", "--dry-run"],
        ["import", "--dry-run", str(FIXTURES / "awesome-long-context-llm.md")],
    ],
)
def test_rich_is_not_imported_where_nothing_is_drawn(listfile: Path, args: list[str]) -> None:
    names = imported(["--file", str(listfile), *args], executable=True, cwd=listfile.parent)
    assert "rich" not in top_level(names), f"lcllm {' '.join(args)} imports rich"


def test_top_level_help_and_version_import_neither_typer_nor_any_command(listfile: Path) -> None:
    for args in (["--help"], ["-h"], [], ["--version"]):
        names = imported(args, executable=True, cwd=listfile.parent, codes=(0,) if args else (2,))
        assert "lcllm_cli.__main__" in names
        assert not top_level(names) & {"typer", "click", "rich", "json"}, args
        assert not {n for n in names if n.startswith("lcllm_cli.cli")}, args


@pytest.mark.parametrize("args", [["--file", "x.toml", "--help"], ["list", "--help"], ["export", "--help"]])
def test_other_help_pages_are_drawn_without_rich(listfile: Path, args: list[str]) -> None:
    names = imported(args, executable=True, cwd=listfile.parent)
    assert "typer" in top_level(names)  # typer's own help for these ...
    assert "rich" not in top_level(names)  # ... in plain mode


def test_one_command_run_builds_only_its_own_module(listfile: Path) -> None:
    names = imported(["--file", str(listfile), "list", "--json"], executable=True, cwd=listfile.parent)
    assert "lcllm_cli.cli.browse" in names
    assert not {"lcllm_cli.cli.add", "lcllm_cli.cli.refresh", "lcllm_cli.cli.export"} & names
    # python -m lcllm_cli and the help of the whole app through typer still register every command
    assert {"lcllm_cli.cli.add", "lcllm_cli.cli.refresh"} <= imported(
        ["--file", str(listfile), "list", "--json"], executable=False, cwd=listfile.parent
    )
    assert {"lcllm_cli.cli.add", "lcllm_cli.cli.refresh"} <= imported(
        ["--file", str(listfile), "--help"], executable=True, cwd=listfile.parent
    )


def test_the_report_sees_modules_imported_while_a_command_runs(listfile: Path) -> None:
    # a control for the tests above: `show` imports the arXiv source module lazily (for a cached abstract),
    # and the report lists it; the arxiv package itself is still not imported
    names = imported(["--file", str(listfile), "show", "2402.13753"], executable=True, cwd=listfile.parent)
    assert "lcllm_cli.sources.arxiv" in names
    assert "arxiv" not in top_level(names)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_list_on_a_terminal_draws_its_table_without_rich(listfile: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    env["PYTHONPROFILEIMPORTTIME"] = "1"
    shown, report = run_on_terminal([LCLLM, "--file", str(listfile), "list"], env, stderr_to_pipe=True)
    assert b"first author" in shown  # the table was drawn on the terminal ...
    names = {line.rsplit("|", 1)[1].strip() for line in report.splitlines() if line.startswith("import time:")}
    assert "lcllm_cli.cli.browse" in names
    assert "rich" not in top_level(names)  # ... without rich
