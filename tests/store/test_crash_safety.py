"""Nothing is ever lost: SIGKILL during a write, an unwritable directory, a full disk."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library
from tests.paths import FIXTURES

WRITER = """
import sys
from pathlib import Path
from lcllm_cli import store
from lcllm_cli.model import Entry
from tests.paths import FIXTURES
path = Path(sys.argv[1])
i = 0
while True:  # rewrite the whole (large) file again and again until killed
    with store.edit(path) as lib:
        lib.add_entry(Entry(kind="link", title=f"added {sys.argv[2]}-{i}", url=f"https://example.org/{i}"))
    i += 1
"""


def big_library(n: int) -> Library:
    lib = Library(title="big")
    for i in range(n):
        lib.add_entries(
            [Entry(kind="paper", title=f"Paper {i} " + "x" * 200, authors=[f"Author {j}" for j in range(8)])]
        )
    return lib


def test_sigkill_at_random_moments_never_leaves_a_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    store.save(big_library(2000), path)  # ~1 MB: a write takes long enough to be interrupted
    rng = random.Random(1234)
    kills = 0
    for run in range(12):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(run)])
        time.sleep(rng.uniform(0.15, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        kills += proc.returncode == -signal.SIGKILL
        lib = store.load(path)  # must parse: the old file or a new one, never half of one
        assert len(lib.entries) >= 2000
        titles = [e.title for e in lib.entries if e.title.startswith(f"added {run}-")]
        # every completed write is whole and none is lost: this run's entries are exactly 0..k-1
        assert titles == [f"added {run}-{k}" for k in range(len(titles))]
    assert kills == 12
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "entries.toml"]
    # a killed writer may leave its temporary file behind, but never in place of the list
    assert all(name.startswith(".entries.toml.") and name.endswith(".tmp") for name in leftovers)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere: directory permissions do not apply")
def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:  # pragma: no cover - non-root only
    path = tmp_path / "entries.toml"
    store.save(big_library(1), path)
    before = path.read_bytes()
    tmp_path.chmod(0o555)
    try:
        result = CliRunner().invoke(app, ["--file", str(path), "remove", "Paper 0 " + "x" * 200])
        assert result.exit_code == 2
        assert "cannot" in result.output and "Traceback" not in result.output
    finally:
        tmp_path.chmod(0o755)
    assert path.read_bytes() == before


def test_unwritable_location_is_a_clear_error_even_as_root(tmp_path: Path) -> None:
    # a path whose parent is a regular file cannot be written by anyone, root included
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    result = CliRunner().invoke(
        app,
        [
            "--file",
            str(blocker / "entries.toml"),
            "import",
            str(FIXTURES / "awesome-long-context-llm.md"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: cannot")
    assert "Traceback" not in result.output


def test_full_disk_during_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "entries.toml"
    store.save(big_library(3), path)
    before = path.read_bytes()
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()  # type: ignore[attr-defined]

        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r": FullDisk(real_fdopen(fd, mode)))
    result = CliRunner().invoke(app, ["--file", str(path), "remove", "Paper 1 " + "x" * 200])
    assert result.exit_code == 2
    assert "No space left on device" in result.output and "free some disk space" in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entries.toml"]  # no lock file, no temporary
