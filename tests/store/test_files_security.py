"""Issue 22, the findings about files: special files and links as targets, FIFOs, deep TOML, stray temporaries,
a tampered parse cache, and numbers from the environment. Each test runs the attack as the campaign did."""

from __future__ import annotations

import marshal
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
from tests.synthetic import synthetic_library


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


# --------------------------------------------------------------------------------------------- parse cache


def _big_list(path: Path) -> None:
    store.save(synthetic_library(600, 3), path)
    assert path.stat().st_size >= store.PARSE_CACHE_MIN_BYTES


def _records() -> list[Path]:
    return sorted((files.cache_dir() / "parsed").glob("*.marshal"))


def test_a_tampered_cache_record_never_reaches_the_file(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    _big_list(path)
    assert invoke(path, "list").exit_code == 0  # the record is written
    (record,) = _records()
    data = marshal.loads(record.read_bytes())
    planted = list(data["rows"][0])
    planted[1] = "PLANTED ENTRY"  # the title
    data["rows"].append(tuple(planted))
    record.write_bytes(marshal.dumps(data, 2))
    result = invoke(path, "remove", store.load(path).entries[5].ident)  # a write
    assert result.exit_code == 0, result.output
    assert "PLANTED ENTRY" not in path.read_text()


@pytest.mark.parametrize(
    "damage",
    [
        "title is a number",
        "links hold a table",
        "authors hold a number",
        "row too short",
        "citations too short",
        "publication too short",
    ],
)
def test_wrong_types_in_a_cache_record_are_never_used(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "entries.toml"
    _big_list(path)
    assert invoke(path, "list").exit_code == 0
    (record,) = _records()
    data = marshal.loads(record.read_bytes())
    names = list(Entry.__dataclass_fields__)
    row = list(data["rows"][0])
    if damage == "title is a number":
        row[names.index("title")] = 12
    elif damage == "links hold a table":
        row[names.index("links")] = [{"label": "x"}]
    elif damage == "authors hold a number":
        row[names.index("authors")] = [1]
    elif damage == "row too short":
        row = row[:-1]
    elif damage == "citations too short":
        row[names.index("citations")] = (1,)
    else:
        row[names.index("publication")] = ("ICLR",)
    data["rows"][0] = tuple(row)
    record.write_bytes(marshal.dumps(data, 2))
    result = invoke(path, "list", "--json")
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert store.loads(path.read_text()).entries[0].title in result.stdout


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


def _cut(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _in_the_way(p: Path) -> None:
    p.unlink()
    p.mkdir()
    (p / "x").write_text("x")


@pytest.mark.parametrize(
    "damage",
    {
        "cut in half": _cut,
        "binary garbage": lambda p: p.write_bytes(os.urandom(4096)),
        "empty": lambda p: p.write_bytes(b""),
        "a marshalled list": lambda p: p.write_bytes(marshal.dumps([1, 2, 3])),
        "a directory in its place": _in_the_way,
    }.items(),
    ids=lambda d: d if isinstance(d, str) else "",
)
def test_a_damaged_parse_cache_is_ignored_and_every_read_matches_the_file(tmp_path: Path, damage: object) -> None:
    """Issue 21: whatever happened to the parse cache, what a command shows is what entries.toml holds."""
    name, spoil = damage  # type: ignore[misc]
    path = tmp_path / "entries.toml"
    _big_list(path)
    truth = invoke(path, "export", "--markdown")  # parses the file, writes the record
    assert truth.exit_code == 0
    (record,) = _records()
    spoil(record)
    again = invoke(path, "export", "--markdown")
    assert again.exit_code == 0 and "Traceback" not in again.output, again.output
    assert again.output == truth.output, name


def test_a_parse_cache_on_a_full_disk_costs_nothing_but_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "entries.toml"
    _big_list(path)
    real = files.write_atomic

    def full(target: Path, data: str | bytes) -> None:
        if target.suffix == ".marshal":
            from lcllm_cli.errors import StoreError

            raise StoreError(f"cannot write {target}: No space left on device")
        real(target, data)

    monkeypatch.setattr(files, "write_atomic", full)
    result = invoke(path, "export", "--markdown")
    assert result.exit_code == 0 and "error:" not in result.output and "warning:" not in result.output
    assert _records() == []
    assert invoke(path, "remove", store.load(path).entries[0].ident).exit_code == 0  # writes still work
