"""Help pages: `lcllm --help` (printed without typer from a snapshot) is what the typer app itself gives, lists
every command under its panel with its whole one-line help, and `lcllm CMD --help` still explains each command."""

from __future__ import annotations

import os
import pprint
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from lcllm_cli import __main__ as launcher
from lcllm_cli import __version__
from lcllm_cli.cli import app
from lcllm_cli.cli.app import help_page

LCLLM = str(Path(sys.executable).with_name("lcllm"))


def run(*args: str, columns: int | None = 100, module: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_") and k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    cmd = [sys.executable, "-m", "lcllm_cli", *args] if module else [LCLLM, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)


def test_the_snapshot_in_main_is_what_the_app_gives() -> None:
    group = typer.main.get_command(app)
    ctx = group.make_context("lcllm", ["list"], resilient_parsing=True)
    page = help_page(group, ctx)  # type: ignore[arg-type]
    assert page == launcher.TOP_HELP, (
        "a command's help or panel changed: set TOP_HELP in src/lcllm_cli/__main__.py to\n" + pprint.pformat(page)
    )


def test_every_command_is_listed_under_its_panel_with_its_first_paragraph() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    seen = []
    for command in [*app.registered_commands, *app.registered_groups]:  # `section` is a group of subcommands
        first = " ".join((command.help or "").split("\n\n")[0].split())
        assert f"{command.name} {first}" in text, command.name  # the whole paragraph: no "..." cut
        seen.append(command.name)
    assert len(seen) == len(launcher.COMMAND_MODULES)
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.endswith(":") and not line.startswith(" ")] == [
        "Options:",
        "Build the list:",
        "Browse:",
        "Keep it clean and current:",
        "Publish:",
        "Set up:",
    ]
    browse = lines.index("Browse:")
    assert lines[browse + 1].startswith("  list        List entries as a table")
    assert lines[browse + 4].startswith("  show        Show every field of one entry")
    assert "  -f, --file <path>  The entries file to work on" in result.stdout and "[env var: LCLLM_FILE]" in text


@pytest.mark.parametrize("columns", [40, 60, 79, 100, 200, None])
def test_the_fast_help_is_the_typer_help_at_any_width(tmp_path: Path, columns: int | None) -> None:
    fast = run("--help", columns=columns)
    through_typer = run("--file", str(tmp_path / "x.toml"), "--help", columns=columns)  # any option: typer's path
    assert fast.returncode == through_typer.returncode == 0
    assert fast.stdout == through_typer.stdout
    assert fast.stdout.startswith("Usage: lcllm [OPTIONS] COMMAND [ARGS]...\n\n  Keep a curated awesome list")
    width = max(min(columns or 80, 80) - 2, 50)
    assert max(map(len, fast.stdout.splitlines())) <= width
    if columns is not None:
        result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": str(columns)})
        assert result.stdout == fast.stdout


def test_short_option_and_no_arguments() -> None:
    assert run("-h").stdout == run("--help").stdout
    bare = run()
    assert bare.returncode == 2 and bare.stdout == ""  # no command: the help on stderr, a usage error, as click does
    assert bare.stderr == run("--help").stdout
    module = run("--help", module=True)
    assert module.returncode == 0 and module.stdout.startswith("Usage: python -m lcllm_cli [OPTIONS] COMMAND")
    assert module.stdout.split("\n", 1)[1] == run("--help").stdout.split("\n", 1)[1]


@pytest.mark.parametrize("command", sorted(launcher.COMMAND_MODULES))
def test_each_command_help_still_explains_it_with_an_example(command: str) -> None:
    proc = run(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Usage: lcllm {command} [OPTIONS]")
    assert "Example" in proc.stdout and "-h, --help" in proc.stdout
    assert "\x1b" not in proc.stdout and "╭" not in proc.stdout
    cmd = next(c for c in [*app.registered_commands, *app.registered_groups] if c.name == command)
    assert " ".join((cmd.help or "").split()) in " ".join(proc.stdout.split())  # every word of its help, in order


def test_a_usage_error_is_plain_and_names_the_option() -> None:
    proc = run("list", "--nope")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "Usage: lcllm list [OPTIONS]",
        "Try 'lcllm list -h' for help.",
        "",
        "Error: No such option: --nope",
    ]


def test_version_without_typer_is_what_the_app_prints(tmp_path: Path) -> None:
    fast = run("--version")
    through_typer = run("--file", str(tmp_path / "x.toml"), "--version")
    assert fast.returncode == through_typer.returncode == 0
    assert (
        fast.stdout == through_typer.stdout == CliRunner().invoke(app, ["--version"]).stdout == f"lcllm {__version__}\n"
    )
