"""docs/cli.md is the command-line reference generated from the commands' own help (docs/gen_cli.py): it is what
the generator renders now, whatever the terminal, it names every command and option, and every command's help gives
an example that the command line accepts."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest
import typer.main

from lcllm_cli.cli import app
from tests.paths import ROOT

GENERATOR = ROOT / "docs" / "gen_cli.py"
PAGE = ROOT / "docs" / "cli.md"
STALE = "docs/cli.md is out of date: run python docs/gen_cli.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated(**env: str) -> str:
    """What the generator renders, in a fresh process with ``env`` added to a clean environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    proc = subprocess.run(
        [sys.executable, str(GENERATOR), "--stdout"],
        capture_output=True,
        env={**base, "PYTHONIOENCODING": "utf-8", **env},
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout.decode("utf-8")


def commands() -> list[tuple[Any, Any]]:
    """Every command and sub-command of the app, with its context, as the generator walks them."""
    root = typer.main.get_command(app)
    ctx = root.make_context("lcllm", ["--help"], resilient_parsing=True)
    return [(cmd, sub) for cmd, sub, _ in generator().walk(root, ctx)]


def test_docs_cli_md_is_what_the_generator_renders_from_the_help() -> None:
    assert PAGE.exists(), STALE
    assert PAGE.read_text(encoding="utf-8") == generated(), STALE


def test_the_rendering_does_not_depend_on_the_terminal() -> None:
    assert generated(COLUMNS="40", FORCE_COLOR="1", TERM="xterm-256color") == generated(COLUMNS="200", NO_COLOR="1")


def test_the_page_names_every_command_with_its_usage_options_and_examples() -> None:
    page = PAGE.read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (lcllm .+)$", page, re.MULTILINE)
    found = commands()
    assert sorted(headings) == sorted(sub.command_path for _, sub in found)  # each once
    assert len(found) >= 10
    sections = dict(zip(headings, re.split(r"^#+ lcllm .+$", page, flags=re.MULTILINE)[1:], strict=True))
    for cmd, sub in found:
        text = sections[sub.command_path]
        assert cmd.get_usage(sub).strip() in text, sub.command_path
        for param in cmd.get_params(sub):
            record = param.get_help_record(sub)
            if record:
                assert f"`{record[0]}`" in text, (sub.command_path, record[0])
        for example in generator().examples(cmd):
            assert f"\n{example}\n" in text, (sub.command_path, example)


@pytest.mark.parametrize("path", [sub.command_path for _, sub in commands()])
def test_every_command_has_an_example_the_command_line_accepts(path: str) -> None:
    cmd, sub = next((c, s) for c, s in commands() if s.command_path == path)
    examples = generator().examples(cmd)
    assert examples, f"`{path} --help` gives no example: add an `Example: \\`{path} ...\\`` paragraph to its help"
    for example in examples:
        words = shlex.split(example)
        assert " ".join(words[: len(path.split())]) == path, f"an example of `{path}` runs something else: {example}"
        args = words[len(path.split()) :]
        # Parsed as the command line would parse it (unknown options, missing arguments fail), but not run.
        cmd.make_context(sub.info_name, args, parent=sub.parent)


def test_examples_are_taken_from_example_paragraphs_only() -> None:
    class Fake:
        help = "Do it.\n\nSee `lcllm other`.\n\nExample: `lcllm x --a`, `lcllm x b`\n\nExamples: `lcllm x`"

    assert generator().examples(Fake) == ["lcllm x --a", "lcllm x b", "lcllm x"]
