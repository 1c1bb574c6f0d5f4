"""Nothing is ever lost: SIGKILL during a write, an unwritable directory, a full disk."""

from __future__ import annotations

import errno
import os
import random
import shutil
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
    elif command == "workspace":  # one export writes three pages and the index
        from lcllm_cli.mdsyntax import MARKER_END, MARKER_START

        toml = ["[workspace]", 'title = "Plaza"', 'index = "README.md"']
        (tmp_path / "lists").mkdir()
        for name in ("one", "two", "three"):
            lib = big_library(700)
            lib.title = f"List {name}"
            store.save(lib, tmp_path / "lists" / f"{name}.toml")
            page = tmp_path / f"{name}.md"
            page.write_text(f"# List {name}\n\n{MARKER_START}\nold\n{MARKER_END}\n", encoding="utf-8")
            files[page] = page.read_bytes()
            toml += ["", "[[list]]", f'name = "{name}"', f'entries = "lists/{name}.toml"', f'markdown = "{name}.md"']
        readme = tmp_path / "README.md"
        readme.write_text(f"# Plaza\n\n{MARKER_START}\n{MARKER_END}\n", encoding="utf-8")
        files[readme] = readme.read_bytes()
        workspace = tmp_path / "lcllm.toml"
        workspace.write_text("\n".join(toml) + "\n", encoding="utf-8")
        return ["--file", str(workspace), "export"], files
    else:
        store.save(big_library(2000), path)
        readme = tmp_path / "README.md"
        readme.write_text("# Hand\n\n<!-- lcllm:start -->\nold\n<!-- lcllm:end -->\n\nfooter\n", encoding="utf-8")
        files[readme] = readme.read_bytes()
        args = ["export", "--markdown", "--in-place", str(readme)]
    files[path] = path.read_bytes()
    return ["--file", str(path), *args], files


@pytest.mark.parametrize("command", ["import", "add", "dedupe", "export --in-place", "workspace export"])
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
        shutil.rmtree(run_dir)
        run_dir.mkdir()
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


# --------------------------------------------------------------------------------------------- ENOSPC and EIO


class _Faulty:
    """os.fdopen's file for a temporary of ``name``: every write fails with ``err``."""

    def __init__(self, fh: object, err: int) -> None:
        self.fh, self.err = fh, err

    def __enter__(self) -> _Faulty:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()  # type: ignore[attr-defined]

    def fileno(self) -> int:
        return self.fh.fileno()  # type: ignore[attr-defined]

    def write(self, data: object) -> int:
        raise OSError(self.err, os.strerror(self.err))

    def flush(self) -> None:
        pass


def inject(monkeypatch: pytest.MonkeyPatch, name: str, err: int, stage: str) -> None:
    """Make writes of the file called ``name`` (through its temporary) fail with ``err`` at ``stage``: ``write``
    (the bytes), ``fsync`` (the flush to disk) or ``rename`` (the atomic replace)."""
    real_fdopen, real_fsync, real_replace = os.fdopen, os.fsync, os.replace

    def mine(fd: int) -> bool:
        try:
            return os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(f".{name}.")
        except OSError:
            return False

    def fdopen(fd: int, *a: object, **k: object) -> object:
        fh = real_fdopen(fd, *a, **k)  # type: ignore[call-overload]
        return _Faulty(fh, err) if stage == "write" and mine(fd) else fh

    def fsync(fd: int) -> None:
        if stage == "fsync" and mine(fd):
            raise OSError(err, os.strerror(err))
        real_fsync(fd)

    def replace(src: object, dst: object, *a: object, **k: object) -> None:
        if stage == "rename" and os.path.basename(str(dst)) == name:
            raise OSError(err, os.strerror(err))
        real_replace(src, dst, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fdopen", fdopen)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)


DISK_CASES = {
    # what: (the file that cannot be written, the command)
    "the list (add)": ("entries.toml", ["add", "2402.00001"]),
    "the list (edit)": ("entries.toml", ["edit", "Seed", "--note", "n"]),
    "the list (import)": ("entries.toml", ["import", str(FIXTURES / "awesome-long-context-llm.md")]),
    "a README's marked part": ("README.md", ["export", "--markdown", "--in-place", "README"]),
    "an export": ("out.md", ["export", "--markdown", "-o", "OUT"]),
}


@pytest.mark.parametrize("stage", ["write", "fsync", "rename"])
@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
@pytest.mark.parametrize("case", list(DISK_CASES))
def test_a_full_or_failing_disk_on_any_write_is_one_clear_line_and_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arxiv: object, case: str, err: int, stage: str
) -> None:
    """Issue 21: ENOSPC or EIO when writing the list, a README's marked part or an export, at the write, the
    fsync or the rename: one ``error:`` line with the system's words, exit 2, every file as it was, no temporary
    left behind."""
    name, args = DISK_CASES[case]
    path = tmp_path / "entries.toml"
    lib = Library(title="Disk")
    lib.add_entries([Entry(kind="paper", title="Seed", arxiv="2401.00009", version=1)])
    store.save(lib, path)
    readme, out = tmp_path / "README.md", tmp_path / "out.md"
    readme.write_text("# Hand\n\n<!-- lcllm:start -->\nold\n<!-- lcllm:end -->\n", encoding="utf-8")
    out.write_text("old export\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (path, readme, out)}
    inject(monkeypatch, name, err, stage)
    argv = [str(readme) if a == "README" else str(out) if a == "OUT" else a for a in args]
    result = CliRunner().invoke(app, ["--file", str(path), *argv])
    assert "Traceback" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and os.strerror(err) in errors[0] and name in errors[0], result.output
    assert result.exit_code == 2, result.output
    assert {p: p.read_bytes() for p in before} == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_really_full_tmpfs_keeps_the_old_list_and_readme(tmp_path: Path, arxiv: object) -> None:
    """The same on a real full file system: a 64 KB tmpfs (mounted when the tests run as root, as in the
    project's container; elsewhere the injected faults above stand for it)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root): the injected ENOSPC tests cover this")
    try:
        path = disk / "entries.toml"
        store.save(big_library(40), path)  # ~20 KB of the 64
        readme = disk / "README.md"
        readme.write_text("# Hand\n\n<!-- lcllm:start -->\nold\n<!-- lcllm:end -->\n", encoding="utf-8")
        before = {p: p.read_bytes() for p in (path, readme)}
        for args in (
            ["import", str(FIXTURES / "awesome-long-context-llm.md")],  # the list grows past what is free
            ["export", "--markdown", "--in-place", str(readme)],
        ):
            filler = disk / "filler"
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            filler.write_bytes(b"\0" * max(0, free - 4096))  # leave less than either new file needs
            result = CliRunner().invoke(app, ["--file", str(path), *args])
            filler.unlink()
            assert "Traceback" not in result.output, result.output
            errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
            assert len(errors) == 1 and "No space left on device" in errors[0], result.output
            assert result.exit_code == 2
            assert {p: p.read_bytes() for p in before} == before
            assert sorted(p.name for p in disk.iterdir()) == ["README.md", "entries.toml"]
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)
