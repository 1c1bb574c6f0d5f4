"""How an lcllm process ends: without the interpreter's teardown, with every byte of output and the right status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lcllm_cli import store
from lcllm_cli.model import Entry, Library

LCLLM = str(Path(sys.executable).with_name("lcllm"))


@pytest.fixture
def big_list(tmp_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    lib = Library(entries=[Entry(kind="paper", title=f"Paper {i}", arxiv=f"2401.{i + 1:05d}") for i in range(3000)])
    store.save(lib, path)
    return path


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [(None, 0, ""), (0, 0, ""), (3, 3, ""), ("a message", 1, "a message\n")],
)
def test_finish_flushes_output_and_exits_as_sys_exit_would(code: object, status: int, stderr: str) -> None:
    script = f"import sys; from lcllm_cli.__main__ import _finish; sys.stdout.write('out' * 10000); _finish({code!r})"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (status, "out" * 10000, stderr)


def test_all_of_a_long_json_output_arrives(big_list: Path) -> None:
    proc = subprocess.run([LCLLM, "--file", str(big_list), "list", "--json"], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert [e["title"] for e in json.loads(proc.stdout)] == [f"Paper {i}" for i in range(3000)]


def test_a_reader_that_goes_away_ends_it_quietly(big_list: Path) -> None:
    proc = subprocess.Popen([LCLLM, "--file", str(big_list), "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # `lcllm list | head -1`
    errors = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert first.startswith(b"2401.00001\t")
    assert b"Traceback" not in errors and b"Exception ignored" not in errors


def test_errors_keep_their_exit_codes(tmp_path: Path) -> None:
    proc = subprocess.run([LCLLM, "--file", str(tmp_path / "none.toml"), "list"], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.startswith("error: no list at")
    proc = subprocess.run([LCLLM, "list", "--no-such-option"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and "--no-such-option" in proc.stderr
