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


# --------------------------------------------------------------------------------------------- SIGKILL of real commands

LCLLM = Path(sys.executable).with_name("lcllm")
KILLS_PER_COMMAND = 6


def _dupes_library(n: int) -> Library:
    """A big list where every tenth paper repeats an earlier one (by arXiv id): dedupe has work to do."""
    lib = Library(title="big")
    for i in range(n):
        k = i - 1 if i % 10 == 9 else i
        lib.add_entries(
            [Entry(kind="paper", title=f"Paper {k} " + "y" * 150, arxiv=f"2301.{k:05d}", version=1, authors=["A B"])]
        )
    return lib


def _kill_case(command: str, tmp_path: Path, env: dict[str, str]) -> tuple[list[str], dict[Path, bytes]]:
    """The arguments of ``command`` and the files it may change, each with its content before."""
    path = tmp_path / "entries.toml"
    files: dict[Path, bytes] = {}
    if command == "import":
        store.save(big_library(50), path)
        source = tmp_path / "other.md"
        other = Library(title="other")
        other.add_entries(
            [Entry(kind="paper", title=f"Imported {i} " + "z" * 150, arxiv=f"2302.{i:05d}") for i in range(1500)]
        )
        from lcllm_cli.exporters.markdown import render

        source.write_text(render(other), encoding="utf-8")
        args = ["import", str(source)]
    elif command == "add":
        store.save(big_library(1000), path)
        args = ["add", "2403.00001", "2403.00002"]
    elif command == "dedupe":
        store.save(_dupes_library(1000), path)
        args = ["dedupe", "--yes"]
    else:
        store.save(big_library(2000), path)
        readme = tmp_path / "README.md"
        readme.write_text("# Hand\n\n<!-- lcllm:start -->\nold\n<!-- lcllm:end -->\n\nfooter\n", encoding="utf-8")
        files[readme] = readme.read_bytes()
        args = ["export", "--markdown", "--in-place", str(readme)]
    files[path] = path.read_bytes()
    return ["--file", str(path), *args], files


@pytest.mark.parametrize("command", ["import", "add", "dedupe", "export --in-place"])
def test_sigkill_at_random_points_of_a_command_leaves_each_file_old_or_new(
    tmp_path: Path, command: str, arxiv: object
) -> None:
    """Issue 21: a real ``lcllm`` killed at random moments (from start-up to the rename) leaves each file it
    writes byte for byte the old one or the new one (the new one as an uninterrupted run writes it), and a rerun
    completes the work."""
    env = {**os.environ, "LCLLM_ARXIV_DELAY": "0", "LCLLM_ARXIV_BACKOFF": "0", "XDG_CACHE_HOME": str(tmp_path / "c")}
    name = command.split()[0]
    ref_dir, run_dir = tmp_path / "reference", tmp_path / "killed"
    ref_dir.mkdir()
    run_dir.mkdir()
    argv, files = _kill_case(name, ref_dir, env)
    started = time.monotonic()
    done = subprocess.run([str(LCLLM), *argv], env=env, capture_output=True, text=True, timeout=120)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    new = {p.name: p.read_bytes() for p in files}
    assert any(new[p.name] != old for p, old in files.items()), "the command changed nothing"
    rng = random.Random(f"kill-{command}")
    outcomes = {"old": 0, "new": 0}
    for k in range(KILLS_PER_COMMAND):
        for p in run_dir.iterdir():
            p.unlink()
        argv, files = _kill_case(name, run_dir, env)
        proc = subprocess.Popen([str(LCLLM), *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # half the kills early (start-up, reading, fetching), half late (rendering, writing, the rename)
        time.sleep(took * (rng.uniform(0.05, 0.6) if k % 2 else rng.uniform(0.6, 1.0)))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        for p, old in files.items():
            now = p.read_bytes()
            assert now in (old, new[p.name]), f"{p.name} is neither the old file nor the new one"
            outcomes["old" if now == old else "new"] += 1
        # a rerun after the kill ends with the new files
        again = subprocess.run([str(LCLLM), *argv], env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
        for p in files:
            assert p.read_bytes() == new[p.name], p.name
    assert sum(outcomes.values()) == KILLS_PER_COMMAND * len(files)
