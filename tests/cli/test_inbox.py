"""``lcllm inbox`` through the command line, against the stand-ins of tests/inbox_stub.py: the lines it prints,
the warnings and exit codes, --add and --reject by number, --json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library, Section
from tests.inbox_stub import InboxStub, Paper

runner = CliRunner()
DAY = "2026-12-01"
SPAN = ["--since", "2026-11-30", "--until", "2026-12-01"]


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[InboxStub]:
    with InboxStub() as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        server.add_arxiv(Paper("2412.00100", "Ring Attention for Long Context", DAY, abstract="long context"))
        server.add_daily(DAY, Paper("2412.00101", "KV Cache Compression, Fast", DAY), upvotes=40)
        server.add_recommendation(Paper("2412.00102", "Paged KV Cache Eviction", DAY))
        yield server


@pytest.fixture
def path(tmp_path: Path) -> Path:
    lib = Library(title="T", sections=[Section("Long Context", query='abs:"long context"'), Section("KV Cache")])
    lib.add_entries(
        [
            Entry(kind="paper", title="Long Context Scaling", arxiv="2401.00001", section="Long Context"),
            Entry(kind="paper", title="KV Cache Compression", arxiv="2401.00002", section="KV Cache"),
            Entry(kind="paper", title="KV Cache Eviction", arxiv="2401.00003", section="KV Cache"),
        ]
    )
    out = tmp_path / "entries.toml"
    store.save(lib, out)
    return out


def invoke(path: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--file", str(path), "inbox", *args])


def rows(output: str) -> list[list[str]]:
    return [line.split("\t") for line in output.splitlines() if "\t" in line]


def test_piped_one_line_per_candidate_with_why(path: Path, stub: InboxStub) -> None:
    result = invoke(path, *SPAN)
    assert result.exit_code == 0, result.output
    got = {r[1]: r for r in rows(result.stdout)}
    assert set(got) == {"2412.00100", "2412.00101", "2412.00102"}
    assert [r[0] for r in rows(result.stdout)] == ["1", "2", "3"]
    _, _, title, author, date, section, why = got["2412.00101"]
    assert (title, author, date, section) == ("KV Cache Compression, Fast", "Ada Lovelace", DAY, "KV Cache")
    assert "Hugging Face daily papers, 40 upvotes" in why
    assert "matches the arXiv query of Long Context" in got["2412.00100"][6]
    assert "recommended from 2 papers of KV Cache" in got["2412.00102"][6]
    assert 'query of Long Context (from entries.toml): abs:"long context"' in result.stderr
    assert "query of KV Cache (derived from its titles): " in result.stderr


def test_one_source_failing_is_a_named_warning_and_exit_0(path: Path, stub: InboxStub) -> None:
    stub.fail("s2", 503)
    result = invoke(path, *SPAN)
    assert result.exit_code == 0
    assert "warning: Semantic Scholar recommendations failed: " in result.stderr
    assert {r[1] for r in rows(result.stdout)} == {"2412.00100", "2412.00101"}


def test_every_source_failing_is_exit_1(path: Path, stub: InboxStub) -> None:
    for name in ("arxiv", "hf", "s2"):
        stub.fail(name, 500)
    result = invoke(path, *SPAN)
    assert result.exit_code == 1
    assert result.stderr.count("error: ") == 3
    assert rows(result.stdout) == []


def test_a_weekend_is_empty_and_successful(path: Path, stub: InboxStub) -> None:
    result = invoke(path, "--since", "2026-11-28", "--until", "2026-11-29", "--source", "hf,arxiv")
    assert result.exit_code == 0, result.output
    assert rows(result.stdout) == []
    assert "0 of 0 candidates, 2026-11-28 to 2026-11-29" in result.stderr


def test_add_and_reject_by_the_numbers_shown(path: Path, stub: InboxStub) -> None:
    listing = {r[1]: r[0] for r in rows(invoke(path, *SPAN).stdout)}
    added = invoke(path, "--add", listing["2412.00102"], listing["2412.00100"])
    assert added.exit_code == 0, added.output
    assert "added 2412.00102 (KV Cache)" in added.stdout
    sections = {e.arxiv: e.section for e in store.load(path).entries}
    assert sections["2412.00102"] == "KV Cache" and sections["2412.00100"] == "Long Context"
    rejected = invoke(path, "--reject", listing["2412.00101"])
    assert rejected.exit_code == 0, rejected.output
    assert "rejected 2412.00101 (KV Cache)" in rejected.stdout
    assert 'id = "2412.00101"' in (path.parent / "entries.rejected.toml").read_text("utf-8")
    again = invoke(path, *SPAN, "--ttl", "0")
    assert rows(again.stdout) == []
    assert "2 already in the list" in again.stderr and "1 rejected before" in again.stderr


def test_json_gives_every_signal(path: Path, stub: InboxStub) -> None:
    result = invoke(path, *SPAN, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["source"] for s in data["sources"]] == ["arxiv", "hf", "s2"]
    by_id = {c["id"]: c for c in data["candidates"]}
    assert by_id["2412.00101"]["signals"]["hf_upvotes"] == 40
    assert by_id["2412.00100"]["signals"]["arxiv_query"] == ["Long Context"]
    assert by_id["2412.00102"]["signals"]["s2_recommended"]["KV Cache"]["rank"] == 1
    assert {q["section"]: q["query_from"] for q in data["queries"]} == {
        "Long Context": "entries.toml",
        "KV Cache": "titles",
    }


def test_usage_errors_exit_2_before_any_request(path: Path, stub: InboxStub) -> None:
    for args in (["1", "2"], ["--add"], ["--add", "--reject", "1"], ["--since", "soon"], ["--source", "rss"]):
        result = invoke(path, *args)
        assert result.exit_code == 2, (args, result.output)
        assert "error: " in result.stderr
    assert stub.server.requests == []


def test_interactive_needs_a_terminal(path: Path, stub: InboxStub) -> None:
    result = invoke(path, "-i")
    assert result.exit_code == 2
    assert "-i needs a terminal" in result.stderr


def test_go_through_takes_one_key_a_candidate(path: Path, stub: InboxStub, capsys: pytest.CaptureFixture[str]) -> None:
    from lcllm_cli.cli.inbox import go_through
    from lcllm_cli.commands import inbox

    report = inbox.gather(path, since="2026-11-30", until="2026-12-01")
    order = [c.ident for c in report.candidates]
    keys = iter(["o", "x", "a", "r", "q"])  # open the first (then an unknown key), add it; reject the second; quit
    opened: list[str] = []
    done = go_through(report, 30, key=lambda: next(keys), browse=opened.append)
    assert opened == [f"https://arxiv.org/abs/{order[0]}"]
    assert [(d.ident, d.action) for d in done.decisions] == [(order[0], "added"), (order[1], "rejected")]
    assert order[0] in {e.arxiv for e in store.load(path).entries}
    assert [r.ident for r in __import__("lcllm_cli.commands.inbox").commands.inbox.load_rejections(path)] == [order[1]]
    out = capsys.readouterr().out
    assert f"1/3  {order[0]}" in out and f"3/3  {order[2]}" in out
    assert out.rstrip().endswith("quit")
    assert out.count("a: add  r: reject  s: skip  o: open  q: quit") == 3


def test_on_a_terminal_a_table_and_i_reads_keys(path: Path, stub: InboxStub) -> None:
    import os
    import subprocess
    import sys
    import time

    from tests.terminal import run_on_terminal

    lcllm = str(Path(sys.executable).with_name("lcllm"))
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    shown, _ = run_on_terminal([lcllm, "--file", str(path), "inbox", *SPAN], env, columns=160, stderr_to_pipe=True)
    lines = shown.decode().splitlines()
    assert lines[0].split() == ["#", "id", "title", "first", "author", "date", "section", "why"]
    starts = [line.split()[:2] for line in lines[1:] if line[:1].isdigit() and "candidates," not in line]
    assert sorted(starts) == [["1", "2412.00102"], ["2", "2412.00100"], ["3", "2412.00101"]]
    # -i on a pseudo-terminal: one key per candidate, no Enter
    primary, secondary = os.openpty()
    proc = subprocess.Popen(
        [lcllm, "--file", str(path), "inbox", *SPAN, "-i"], stdin=secondary, stdout=secondary, stderr=secondary, env=env
    )
    os.close(secondary)
    seen = b""
    for key in (b"s", b"r", b"q"):
        deadline = time.monotonic() + 30
        while seen.count(b"q: quit") < (b"sr".find(key) + 1 if key != b"q" else 3) and time.monotonic() < deadline:
            seen += os.read(primary, 65536)
        os.write(primary, key)
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:
            break
        if not data:
            break
        seen += data
    os.close(primary)
    assert proc.wait(timeout=60) == 0, seen.decode()
    assert b"rejected " in seen
    assert len(__import__("lcllm_cli.commands.inbox").commands.inbox.load_rejections(path)) == 1


def test_text_from_outside_is_shown_not_obeyed(path: Path, stub: InboxStub) -> None:
    stub.add_daily(DAY, Paper("2412.00109", "KV Cache \x1b[2J\x1b]0;pwned\x07 Compression", DAY), upvotes=1)
    result = invoke(path, *SPAN, "--source", "hf")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\\x1b[2J" in result.stdout
