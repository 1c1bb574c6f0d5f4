"""Issue 22, the findings about files: special files and links as targets, FIFOs, deep TOML, stray temporaries,
and numbers from the environment. Each test runs the attack as the campaign did."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lcllm_cli import files, store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library


def listed(path: Path, n: int = 2) -> bytes:
    lib = Library(title="Small")
    lib.add_entries([Entry(kind="link", title=f"Page {i}", url=f"https://example.org/{i}") for i in range(n)])
    store.save(lib, path)
    return path.read_bytes()


def invoke(path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--file", str(path), *args])


def one_error(result: Result) -> str:
    assert "Traceback" not in result.output, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, result.output
    return lines[0]


# --------------------------------------------------------------------------------------------- export -o


@pytest.mark.parametrize("fmt", ["--markdown", "--bibtex"])
def test_export_to_a_device_writes_into_it_and_keeps_the_node(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "entries.toml"
    listed(path)
    device = tmp_path / "null"  # a node of our own: a regression must not replace the machine's /dev/null
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    result = invoke(path, "export", fmt, "-o", str(device))
    assert result.exit_code == 0, result.output
    assert device.is_char_device()


def test_export_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    listed(path)
    real = tmp_path / "site" / "README.md"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "README.md"
    link.symlink_to(real)
    result = invoke(path, "export", "--markdown", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "[Page 0](https://example.org/0)" in real.read_text()


def test_export_to_a_fifo_nobody_reads_is_one_clear_line_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    listed(path)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    result = invoke(path, "export", "--markdown", "-o", str(fifo))
    assert result.exit_code == 2
    assert "cannot write" in one_error(result)
    assert fifo.is_fifo()


def test_export_to_a_fifo_with_a_reader_writes_into_it(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    listed(path)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    time.sleep(0.2)  # the reader has the FIFO open
    result = invoke(path, "export", "--markdown", "-o", str(fifo))
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert b"[Page 1](https://example.org/1)" in got[0]


def test_export_to_a_link_to_its_own_stdout_does_not_hang(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    listed(path)
    link = tmp_path / "out.md"
    link.symlink_to("/proc/self/fd/1")
    proc = subprocess.run(
        [sys.executable, "-m", "lcllm_cli", "--file", str(path), "export", "--markdown", "-o", str(link)],
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    assert b"[Page 0](https://example.org/0)" in proc.stdout
    assert link.is_symlink()


@pytest.mark.parametrize("how", ["same", "relative", "link"])
def test_export_onto_the_list_itself_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    path = tmp_path / "entries.toml"
    before = listed(path)
    monkeypatch.chdir(tmp_path)
    target = {"same": str(path), "relative": "./entries.toml", "link": str(tmp_path / "alias.toml")}[how]
    if how == "link":
        (tmp_path / "alias.toml").symlink_to(path)
    for args in (["export", "--markdown", "-o", target], ["export", "--bibtex", "-o", target]):
        result = invoke(path, *args)
        assert result.exit_code == 2
        assert "is the list itself" in one_error(result)
    assert path.read_bytes() == before


# --------------------------------------------------------------------------------------------- the list


def test_a_symlinked_list_is_written_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "data" / "entries.toml"
    real.parent.mkdir()
    listed(real)
    link = tmp_path / "entries.toml"
    link.symlink_to(real)
    result = invoke(link, "remove", "Page 0")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert [e.title for e in store.load(real).entries] == ["Page 1"]


def test_a_fifo_in_place_of_the_list_is_one_clear_line(tmp_path: Path) -> None:
    fifo = tmp_path / "entries.toml"
    os.mkfifo(fifo)
    result = invoke(fifo, "list")
    assert result.exit_code == 2
    assert "not a regular file" in one_error(result)


def test_toml_nested_hundreds_deep_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text('[[entry]]\nkind = "link"\ntitle = "t"\nnotes = ' + "[" * 3000 + "]" * 3000 + "\n")
    result = invoke(path, "list")
    assert result.exit_code == 2
    assert "nested hundreds of levels deep" in one_error(result)


@pytest.mark.parametrize("nest", ["[" * 20_000 + "]" * 20_000, "{a = " * 20_000 + "1" + "}" * 20_000])
def test_a_big_list_nested_thousands_deep_is_one_clear_line_not_a_crash(tmp_path: Path, nest: str) -> None:
    """A list big enough for the compiled parser, whose recursion on the machine stack would overflow (SIGSEGV)."""
    path = tmp_path / "entries.toml"
    page = '[[entry]]\nkind = "link"\ntitle = "Page {0}"\nurl = "https://e.org/{0}"\n\n'
    entries = "".join(page.format(i) for i in range(2000))
    path.write_text(entries + f'[[entry]]\nkind = "link"\ntitle = "t"\nnotes = {nest}\n', encoding="utf-8")
    assert path.stat().st_size > store.FAST_PARSE_MIN_CHARS
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "lcllm_cli", "--file", str(path), "list"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-300:])
    assert "nested hundreds of levels deep" in proc.stderr


def test_a_stray_temporary_of_a_killed_write_is_removed_by_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    listed(path)
    stray = tmp_path / ".entries.toml.4242-1.tmp"
    stray.write_text("half a list")
    old = time.time() - files.STALE_TMP_SECONDS - 10
    os.utime(stray, (old, old))
    fresh = tmp_path / ".entries.toml.4243-1.tmp"  # a write that may still be going on: left alone
    fresh.write_text("in progress")
    assert invoke(path, "remove", "Page 0").exit_code == 0
    assert not stray.exists() and fresh.exists()


def test_no_command_leaves_a_file_beside_the_list(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    listed(path, 3)
    for args in (["remove", "Page 0"], ["export", "--bibtex"], ["export", "--markdown"], ["check"], ["list"]):
        invoke(path, *args)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entries.toml"]


# --------------------------------------------------------------------------------------------- environment


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-3", "soon"])
@pytest.mark.parametrize("name", ["LCLLM_HTTP_TIMEOUT", "LCLLM_ARXIV_DELAY", "LCLLM_S2_INTERVAL", "LCLLM_LOCK_TIMEOUT"])
def test_a_number_from_the_environment_that_is_none_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    from lcllm_cli.errors import UsageError

    monkeypatch.setenv(name, value)
    readers = {
        "LCLLM_HTTP_TIMEOUT": lambda: __import__("lcllm_cli.sources.http", fromlist=["x"]).HttpConfig.from_env(),
        "LCLLM_ARXIV_DELAY": lambda: __import__("lcllm_cli.sources.arxiv", fromlist=["x"]).ArxivConfig.from_env(),
        "LCLLM_S2_INTERVAL": lambda: __import__("lcllm_cli.sources.s2", fromlist=["x"]).interval(),
        "LCLLM_LOCK_TIMEOUT": files.lock_timeout,
    }
    with pytest.raises(UsageError) as info:
        readers[name]()
    assert name in info.value.message and value in info.value.message
