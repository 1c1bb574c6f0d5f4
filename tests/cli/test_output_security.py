"""Issue 22: standard output that cannot take the text (a full disk, an encoding without the characters) ends in
one clear line and a non-zero exit code, or in escapes; never in a traceback. Run as the installed program."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lcllm_cli import store
from lcllm_cli.model import Entry, Library


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    lib = Library(title="L")
    lib.add_entries([Entry(kind="link", title=f"Café № {i} — 长上下文", url=f"https://e.org/{i}") for i in range(40)])
    store.save(lib, path)
    return path


def lcllm(
    *args: str, stdout: object = subprocess.PIPE, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lcllm_cli", *args],
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "args",
    [["list"], ["list", "--json"], ["show", "https://e.org/3"], ["export", "--markdown"], ["--version"], ["--help"]],
)
def test_a_full_disk_under_stdout_is_one_clear_line_and_exit_1(listed: Path, args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        proc = lcllm("--file", str(listed), *args, stdout=full) if args[0][0] != "-" else lcllm(*args, stdout=full)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    assert err.splitlines()[0] == "error: cannot write the output: No space left on device", err


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["show", "https://e.org/3"], ["export", "--markdown"]])
def test_an_output_encoding_without_the_characters_gets_escapes(listed: Path, encoding: str, args: list[str]) -> None:
    proc = lcllm("--file", str(listed), *args, env={"PYTHONIOENCODING": encoding})
    err = proc.stderr.decode(encoding, "replace")
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    out = proc.stdout.decode(encoding)  # what the terminal can show
    assert "\\u957f" in out or "\\u2014" in out or "\\\\u957f" in out  # 长 or the dash, escaped


def test_a_closed_pipe_is_not_an_error(listed: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lcllm_cli", "--file", str(listed), "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # `lcllm list | head -1`
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
