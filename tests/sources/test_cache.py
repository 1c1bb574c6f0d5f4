"""The answer cache (src/lcllm_cli/sources/cache.py) under damage (issue 21): a cache that is corrupt, unreadable,
tampered with, in the way, or on a full disk is ignored and rebuilt; it is never trusted over what the services
say nor over ``entries.toml``, and it never makes a command fail."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library
from tests.arxiv_stub import ArxivStub, generated_title
from tests.stubserver import Reply, Request, StubServer

IDS = ("2402.00001", "2402.00002")


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "lcllm" / "http").rglob("*.json"))


def _keep_key(change: Callable[[dict[str, object]], object]) -> Callable[[Path], None]:
    def damage(p: Path) -> None:
        data = json.loads(p.read_text(encoding="utf-8"))
        data["value"] = change(data["value"])
        p.write_text(json.dumps(data), encoding="utf-8")

    return damage


def _fifo(p: Path) -> None:
    p.unlink()
    os.mkfifo(p)


def _dir(p: Path) -> None:
    p.unlink()
    p.mkdir()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "binary garbage": lambda p: p.write_bytes(bytes(range(256)) * 4),
    "invalid UTF-8": lambda p: p.write_bytes(b'{"key": "\xff\xfe", "time": 1e99, "value": {}}'),
    "empty": lambda p: p.write_bytes(b""),
    "a FIFO in its place": _fifo,
    "a directory in its place": _dir,
    "from the future": _keep_key(lambda v: v),  # with "time" far ahead: see below
    "values of the wrong types": _keep_key(lambda v: {"title": 5, "authors": "x", "arxiv": ["a"], "version": "v"}),
    "another paper's record": _keep_key(lambda v: {**v, "arxiv": "2409.99999", "title": "A foreign paper"}),  # type: ignore[dict-item]
    "a field that breaks out": _keep_key(lambda v: {**v, "primary_category": "cs.CL}, note = {INJECTED"}),  # type: ignore[dict-item]
    "a list instead of a record": _keep_key(lambda v: [1, 2, 3]),
    "nested a thousand deep": lambda p: p.write_text('{"key": ' + "[" * 1000 + "]" * 1000 + "}", encoding="utf-8"),
}


def _future(p: Path) -> None:
    data = json.loads(p.read_text(encoding="utf-8"))
    data["time"] = 1e300
    p.write_text(json.dumps(data), encoding="utf-8")


DAMAGE["from the future"] = _future


def add(path: Path, *ids: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["--file", str(path), "add", *ids])
    return res.exit_code, res.output


def refresh(path: Path) -> tuple[int, str]:
    """``refresh`` takes answers younger than a day from the cache (``add`` always asks)."""
    res = CliRunner().invoke(app, ["--file", str(path), "refresh"])
    return res.exit_code, res.output


def test_an_intact_cache_is_used(arxiv: ArxivStub, tmp_path: Path) -> None:
    """The control for the damage below: the second add asks arXiv nothing."""
    path = tmp_path / "entries.toml"
    assert add(path, *IDS)[0] == 0
    asked = len(arxiv.requests)
    code, out = refresh(path)
    assert code == 0, out
    assert len(arxiv.requests) == asked


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_cache_is_ignored_and_rebuilt_and_the_command_succeeds(
    arxiv: ArxivStub, tmp_path: Path, damage: str
) -> None:
    root = Path(os.environ["XDG_CACHE_HOME"])
    path = tmp_path / "entries.toml"
    code, out = add(path, *IDS)
    assert code == 0, out
    stored = cache_files(root)
    assert len(stored) == len(IDS)  # one answer per paper
    for p in stored:
        DAMAGE[damage](p)
    asked_before = len(arxiv.requests)
    code, out = refresh(path)
    assert "Traceback" not in out and "error:" not in out, out
    assert code == 0, out
    assert len(arxiv.requests) > asked_before, "the damaged answers were used instead of asking again"
    rebuilt = cache_files(root)
    assert (len(rebuilt) == len(IDS) and all(p.is_file() for p in rebuilt)) or damage == "a directory in its place"
    for p in rebuilt:
        if p.is_file():
            assert json.loads(p.read_text(encoding="utf-8"))["value"]["title"] in map(generated_title, IDS)
    entries = store.load(path).entries
    assert sorted(e.arxiv for e in entries) == sorted(IDS)
    assert {e.arxiv: e.title for e in entries} == {i: generated_title(i) for i in IDS}  # what arXiv says
    assert all(e.primary_category is None or "}" not in e.primary_category for e in entries)
    text = path.read_text(encoding="utf-8")
    assert "INJECTED" not in text and "foreign" not in text


def test_a_cache_on_a_full_disk_is_a_warning_at_most_and_the_list_is_written(
    arxiv: ArxivStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lcllm_cli import files

    real = files.replace_file

    def full(path: Path, data: str | bytes, *, durable: bool = True) -> None:
        if "lcllm" in str(path) and path.suffix in (".json", ".marshal"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, data, durable=durable)

    monkeypatch.setattr(files, "replace_file", full)
    monkeypatch.setattr("lcllm_cli.sources.cache.replace_file", full)
    path = tmp_path / "entries.toml"
    code, out = add(path, *IDS)
    assert code == 0, out
    assert "error:" not in out and "Traceback" not in out
    assert [line for line in out.splitlines() if line.startswith("warning:")] == [
        line for line in out.splitlines() if "cannot write the cache" in line
    ]
    assert sorted(e.arxiv for e in store.load(path).entries) == sorted(IDS)


def test_a_cache_directory_that_is_a_file_does_not_stop_enrich(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))

    def s2(req: Request) -> Reply:
        ids = json.loads(req.body)["ids"]
        return Reply(200, json.dumps([{"paperId": "p1", "citationCount": 3} for _ in ids]), {}, "application/json")

    with StubServer(s2) as srv:
        monkeypatch.setenv("LCLLM_S2_API_URL", srv.url + "/graph/v1")
        monkeypatch.setenv("LCLLM_S2_INTERVAL", "0")
        path = tmp_path / "entries.toml"
        lib = Library()
        lib.add_entries([Entry(kind="paper", title="P", arxiv="2402.00001", version=1)])
        store.save(lib, path)
        res = CliRunner().invoke(app, ["--file", str(path), "enrich", "--citations"])
    assert res.exit_code == 0, res.output
    (entry,) = store.load(path).entries
    assert entry.citations is not None and entry.citations.count == 3


RAW_DAMAGE: dict[str, Callable[[Path], None]] = {
    "binary garbage": DAMAGE["binary garbage"],
    "a FIFO in its place": _fifo,
    "values of the wrong types": _keep_key(lambda v: {"status": "two hundred", "text": 5, "headers": [1], "url": 7}),
    "a status that is no number": _keep_key(lambda v: {**v, "status": [200]}),  # type: ignore[dict-item]
    "headers that are no table": _keep_key(lambda v: {**v, "headers": "content-type"}),  # type: ignore[dict-item]
    "another repository's answer": _keep_key(
        lambda v: {
            **v,
            "text": json.dumps(
                {"full_name": "evil/other", "html_url": "https://github.com/evil/other", "stargazers_count": 666}
            ),
        }  # type: ignore[dict-item]
    ),
    "a list instead of an answer": _keep_key(lambda v: ["status", 200]),
}


@pytest.mark.parametrize("damage", list(RAW_DAMAGE))
def test_a_damaged_cached_answer_of_github_is_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """Answers cached as they came (GitHub, the Hub, doi.org, ...): a damaged one is a miss, never a traceback and
    never another repository's counts."""
    record = {"full_name": "owner/tool", "html_url": "https://github.com/owner/tool", "stargazers_count": 5}

    def gh(req: Request) -> Reply:
        if req.path.endswith("/rate_limit"):
            core = {"limit": 60, "remaining": 60, "reset": 1_900_000_000}
            return Reply(200, json.dumps({"resources": {"core": core}, "rate": core}), {}, "application/json")
        return Reply(200, json.dumps(record), {}, "application/json")

    root = Path(os.environ["XDG_CACHE_HOME"])
    with StubServer(gh) as srv:
        monkeypatch.setenv("LCLLM_GITHUB_API_URL", srv.url + "/gh")
        path = tmp_path / "entries.toml"
        lib = Library()
        lib.add_entries([Entry(kind="project", title="tool", url="https://github.com/owner/tool")])
        store.save(lib, path)
        first = CliRunner().invoke(app, ["--file", str(path), "enrich", "--stars"])
        assert first.exit_code == 0, first.output
        for p in cache_files(root):
            if "tool" in p.read_text(encoding="utf-8"):
                RAW_DAMAGE[damage](p)
        record["stargazers_count"] = 6
        res = CliRunner().invoke(app, ["--file", str(path), "enrich", "--stars"])
    assert "Traceback" not in res.output, res.output
    (entry,) = store.load(path).entries
    if damage == "another repository's answer":
        # well formed, under the right key: taken for GitHub's, and refused as an answer about another repository
        errors = [line for line in res.output.splitlines() if line.startswith("error: ")]
        assert errors == ["error: GitHub answered about evil/other when asked for owner/tool"], res.output
        assert res.exit_code == 1
        assert (entry.url, entry.stars) == ("https://github.com/owner/tool", 5)  # as the first run left it
        return
    assert "error:" not in res.output, res.output
    assert res.exit_code == 0, res.output
    assert (entry.url, entry.stars) == ("https://github.com/owner/tool", 6)
