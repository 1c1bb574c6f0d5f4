"""`lcllm completion SHELL`: the script for each shell, and Tab completion through it answered by lcllm itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli.cli import app

BIN = Path(sys.executable).parent
LCLLM = str(BIN / "lcllm")
runner = CliRunner()


@pytest.mark.parametrize(("shell", "needle"), [("bash", "complete -o default -F _lcllm_completion lcllm"),
                                               ("zsh", "#compdef lcllm"), ("fish", "complete --command lcllm"),
                                               ("pwsh", "Register-ArgumentCompleter")])  # fmt: skip
def test_the_script_of_each_shell(shell: str, needle: str) -> None:
    result = runner.invoke(app, ["completion", shell])
    assert result.exit_code == 0, result.output
    assert needle in result.stdout
    assert "_LCLLM_COMPLETE=complete_" in result.stdout.replace('"', "").replace("$Env:", "").replace(" = ", "=")


def test_an_unknown_shell_is_one_error_line() -> None:
    result = runner.invoke(app, ["completion", "tcsh"])
    assert result.exit_code == 2
    assert "error: unknown shell 'tcsh'" in result.output and "hint: use one of: bash, zsh" in result.output


def _complete(env: dict[str, str]) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("_LCLLM", "COMP_", "_TYPER"))}
    proc = subprocess.run([LCLLM], env={**base, **env}, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_completion_requests_are_answered_with_commands_and_options() -> None:
    assert _complete({"_LCLLM_COMPLETE": "complete_bash", "COMP_WORDS": "lcllm ex", "COMP_CWORD": "1"}).split() == [
        "export"
    ]
    options = _complete({"_LCLLM_COMPLETE": "complete_bash", "COMP_WORDS": "lcllm export --cs", "COMP_CWORD": "2"})
    assert options.split() == ["--csl-json", "--csl"]
    zsh = _complete({"_LCLLM_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "lcllm sta"})
    assert '"stats"' in zsh


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
def test_bash_completes_through_the_printed_script() -> None:
    script = (
        "source <(lcllm completion bash); COMP_WORDS=(lcllm imp); COMP_CWORD=1; _lcllm_completion lcllm; "
        'echo "${COMPREPLY[@]}"'
    )
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["import"]
