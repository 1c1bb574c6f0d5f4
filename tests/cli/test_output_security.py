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


# --------------------------------------------------------------------------------------------- issue 21

ESC_TITLE = "Title \x1b]0;pwned\x07\x1b[2J\x1b[31mRED [bold]markup[/] \u202eevil\x00end"
ESC_POST = "post \x1b[5mblink\x1b[0m [/] \x9b31m"
ESC_VENUE = "ICLR 2025 \x1b[41mPoster\x1b[0m"
ESC_SECTION = "Evil \x1b[2J section [red]x[/]"


def _stand_in(req: object) -> object:
    import json

    from tests.stubserver import Reply

    path = req.path  # type: ignore[attr-defined]
    if path.startswith("/page/"):
        return Reply(200, f"<html><head><title>{ESC_TITLE}</title></head></html>", {}, "text/html; charset=utf-8")
    if path == "/oembed":
        body = {"author_name": "Some \x1b[1mOne", "html": f"<blockquote><p>{ESC_POST}</p></blockquote>"}
        return Reply(200, json.dumps(body), {}, "application/json")
    if path == "/or/notes":
        content = {"title": {"value": f"Paper {ESC_TITLE}"}, "venue": {"value": ESC_VENUE}, "authors": {"value": []}}
        return Reply(200, json.dumps({"notes": [{"id": "AbCd123", "content": content}]}), {}, "application/json")
    return Reply(404, "no")


def _no_raw_controls(text: str) -> None:
    for c in ("\x1b", "\x07", "\x00", "\x9b", "\u202e"):
        assert c not in text, (c, text[:2000])


def test_hostile_page_titles_posts_venues_and_sections_are_shown_as_escapes(tmp_path: Path) -> None:
    """Issue 21: text from a page, an oEmbed post, an OpenReview venue and a section name, with terminal escape
    sequences, C1 controls, bidi overrides, NUL and rich markup, is shown as text by add, list and show (control
    characters as visible escapes), on stdout and stderr alike; the list holds it exactly."""
    from tests.stubserver import StubServer

    path = tmp_path / "entries.toml"
    with StubServer(_stand_in) as srv:  # type: ignore[arg-type]
        env = {
            "LCLLM_OEMBED_URL": srv.url + "/oembed",
            "LCLLM_OPENREVIEW_API_URL": srv.url + "/or",
            "LCLLM_HTTP_RETRIES": "0",
            "COLUMNS": "300",
        }
        page = srv.url + "/page/x"
        added = lcllm(
            "--file",
            str(path),
            "add",
            page,
            "https://x.com/someone/status/123",
            "https://openreview.net/forum?id=AbCd123",
            "--section",
            ESC_SECTION,
            "--new-section",
            env=env,
        )
        assert added.returncode == 0, added.stderr.decode()
        shown = [
            added,
            lcllm("--file", str(path), "list", env=env),
            lcllm("--file", str(path), "list", "--json", env=env),
            lcllm("--file", str(path), "show", page, env=env),
            lcllm("--file", str(path), "show", "https://openreview.net/forum?id=AbCd123", env=env),
        ]
    for proc in shown:
        out, err = proc.stdout.decode(), proc.stderr.decode()
        assert proc.returncode == 0 and "Traceback" not in err, err
        _no_raw_controls(out)
        _no_raw_controls(err)
    listed = shown[1].stdout.decode() + shown[3].stdout.decode()
    assert "\\x1b" in listed and "[bold]markup[/]" in listed  # shown, as text
    entries = store.load(path).entries
    assert {e.section for e in entries} == {ESC_SECTION}
    paper = next(e for e in entries if e.kind == "paper")
    assert paper.venue == ESC_VENUE  # stored exactly; only its display is escaped
    assert "\\x1b" in shown[4].stdout.decode() or "\\u001b" in shown[4].stdout.decode()
