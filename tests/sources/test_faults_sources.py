"""Hostile and broken servers for every source (issue 21): a matrix of source x fault, each through the real
command (``add``, ``refresh``, ``enrich``) against a stand-in on 127.0.0.1.

Sources: arXiv (``add ID``, ``refresh``), Semantic Scholar (``enrich --citations``), GitHub (``add URL``,
``enrich --stars``), the Hugging Face Hub, doi.org, OpenReview, X oEmbed (``add URL`` of each kind) and any web page
(``add URL`` of a page on the stand-in). Faults: a connection reset in the middle of the body, a slow drip of bytes,
a gzip bomb and a broken gzip stream, a huge or a lying Content-Length, invalid UTF-8, HTML where JSON or XML was
expected, an answer for ids that were not asked for, duplicated and 2,000 entries, redirects to another host and
in a loop, an absurd Retry-After.

What holds for every cell: no traceback; either the command fails with exactly one ``error:`` line naming the
service (or names each id it could not have) and ``entries.toml`` is byte for byte what it was, or it succeeds and
the list holds the seed plus only records of what was asked (never a half-fetched or foreign one), as valid UTF-8
that reads back. Each fault is bounded: bytes by ``LCLLM_MAX_ANSWER_MB`` (1 MB here), time by
``LCLLM_HTTP_TIMEOUT`` (0.5 s here), redirects by the client's limit. Credentials never reach the other host of a
redirect.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library
from tests.arxiv_stub import ArxivStub, generated_title
from tests.stubserver import Reply, Request, StubServer

TIMEOUT = "0.5"

# --------------------------------------------------------------------------------------------- the sources


@dataclass(frozen=True)
class Source:
    """One service as a command reaches it: the stand-in's answer for what was asked, and how to tell a record of
    what was asked from a foreign one."""

    name: str  # as error lines name it
    argv: Callable[[str], tuple[str, ...]]  # from the stand-in's URL
    env: Callable[[str], dict[str, str]]  # base-URL variables, from the stand-in's URL
    good: Callable[[Request], Reply]
    foreign: Callable[[Request], Reply]  # a well-formed answer about something that was not asked for
    many: Callable[[Request], Reply]  # 2,000 entries (or the same one twice where an answer holds one)
    asked: Callable[[Entry], bool]  # an entry the command may write: a record of what was asked
    json: bool = True
    page: bool = False


SEED = Entry(kind="paper", title="Seed paper", arxiv="2401.00009", version=1)
ARXIV = ArxivStub()  # renders feeds; never started
ASKED_ARXIV = ("2403.00001", "2403.00002")


def _json(data: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data), content_type="application/json")


def _arxiv_feed(ids: list[str]) -> Reply:
    return ARXIV.answer({"id_list": [",".join(ids)], "max_results": [str(max(10, len(ids)))]})


def _arxiv_good(req: Request) -> Reply:
    return ARXIV.answer(req.query)


def _arxiv_many(req: Request) -> Reply:
    asked = req.query.get("id_list", [""])[0].split(",")
    return _arxiv_feed(asked + asked + [f"2405.{n:05d}" for n in range(1, 2000)])


def _s2_batch(req: Request) -> list[str]:
    return json.loads(req.body)["ids"] if req.body else []


def _s2_item(asked: str, n: int) -> dict[str, object]:
    return {"paperId": f"p{n}", "citationCount": 7, "externalIds": {"ArXiv": asked.removeprefix("ARXIV:")}}


def _s2_good(req: Request) -> Reply:
    return _json([_s2_item(i, n) for n, i in enumerate(_s2_batch(req))])


def _s2_foreign(req: Request) -> Reply:
    return _json([_s2_item(f"ARXIV:2409.{n + 1:05d}", n) for n, _ in enumerate(_s2_batch(req))])


def _s2_many(req: Request) -> Reply:
    return _json([_s2_item(f"ARXIV:2409.{n + 1:05d}", n) for n in range(2000)])


GH = {"full_name": "owner/tool", "html_url": "https://github.com/owner/tool", "stargazers_count": 5}


def _gh(record: object) -> Callable[[Request], Reply]:
    def answer(req: Request) -> Reply:
        if req.path.endswith("/rate_limit"):
            core = {"limit": 60, "remaining": 60, "reset": 1_900_000_000}
            return _json({"resources": {"core": core}, "rate": core})
        return _json(record)

    return answer


HUB = {"id": "acme/tiny", "author": "acme", "likes": 4, "downloads": 10}
CSL = {
    "type": "article-journal",
    "title": "A Paper by DOI",
    "author": [{"given": "Ada", "family": "Lovelace"}],
    "issued": {"date-parts": [[2023]]},
    "DOI": "10.1234/asked.1",
    "URL": "https://doi.org/10.1234/asked.1",
}


def _note(note_id: str) -> dict[str, object]:
    return {"id": note_id, "forum": note_id, "content": {"title": {"value": f"Note {note_id}"}}}


OEMBED = {"author_name": "Some One", "html": "<blockquote><p>The post</p></blockquote>"}
POST = "https://x.com/someone/status/123"


def _page(title: str) -> Callable[[Request], Reply]:
    return lambda req: Reply(200, f"<html><head><title>{title}</title></head><body>text</body></html>", {}, "text/html")


SOURCES: dict[str, Source] = {
    "arXiv": Source(
        "arXiv",
        lambda url: ("add", *ASKED_ARXIV),
        lambda url: {"LCLLM_ARXIV_API_URL": url + "/api/query"},
        _arxiv_good,
        lambda req: _arxiv_feed(["2409.00001", "2409.00002"]),
        _arxiv_many,
        lambda e: e.arxiv in ASKED_ARXIV,
        json=False,
    ),
    "arXiv (refresh)": Source(
        "arXiv",
        lambda url: ("refresh", "--ttl", "0"),
        lambda url: {"LCLLM_ARXIV_API_URL": url + "/api/query"},
        _arxiv_good,
        lambda req: _arxiv_feed(["2409.00001"]),
        _arxiv_many,
        lambda e: False,  # refresh adds nothing
        json=False,
    ),
    "GitHub (enrich)": Source(
        "GitHub",
        lambda url: ("enrich", "--stars", "--ttl", "0"),
        lambda url: {"LCLLM_GITHUB_API_URL": url + "/gh", "GITHUB_TOKEN": "gh-secret"},
        _gh(GH),
        _gh({**GH, "full_name": "evil/other", "html_url": "https://github.com/evil/other"}),
        _gh([GH] * 2000),
        lambda e: False,  # enrich adds nothing
    ),
    "Semantic Scholar": Source(
        "Semantic Scholar",
        lambda url: ("enrich", "--citations", "--ttl", "0"),
        lambda url: {"LCLLM_S2_API_URL": url + "/graph/v1", "S2_API_KEY": "s2-secret"},
        _s2_good,
        _s2_foreign,
        _s2_many,
        lambda e: e.arxiv == SEED.arxiv,
    ),
    "GitHub": Source(
        "GitHub",
        lambda url: ("add", "https://github.com/owner/tool"),
        lambda url: {"LCLLM_GITHUB_API_URL": url + "/gh", "GITHUB_TOKEN": "gh-secret"},
        _gh(GH),
        _gh({**GH, "full_name": "evil/other", "html_url": "https://github.com/evil/other"}),
        _gh([GH] * 2000),
        lambda e: (e.url or "").lower() == "https://github.com/owner/tool",
    ),
    "Hugging Face": Source(
        "Hugging Face",
        lambda url: ("add", "https://huggingface.co/acme/tiny"),
        lambda url: {"LCLLM_HF_URL": url + "/hf", "HF_TOKEN": "hf-secret"},
        lambda req: _json(HUB),
        lambda req: _json({**HUB, "id": "evil/other", "author": "evil"}),
        lambda req: _json([HUB] * 2000),
        lambda e: (e.url or "").lower() == "https://huggingface.co/acme/tiny",
    ),
    "doi.org": Source(
        "doi.org",
        lambda url: ("add", "10.1234/asked.1"),
        lambda url: {"LCLLM_DOI_URL": url + "/doi"},
        lambda req: _json(CSL),
        lambda req: _json({**CSL, "DOI": "10.9999/other.2", "URL": "https://doi.org/10.9999/other.2"}),
        lambda req: _json([CSL] * 2000),
        lambda e: e.doi == "10.1234/asked.1",
    ),
    "OpenReview": Source(
        "OpenReview",
        lambda url: ("add", "https://openreview.net/forum?id=AbCd123"),
        lambda url: {"LCLLM_OPENREVIEW_API_URL": url + "/or"},
        lambda req: _json({"notes": [_note("AbCd123")]}),
        lambda req: _json({"notes": [_note("ZzOther9")]}),
        lambda req: _json({"notes": [_note("AbCd123")] * 2 + [_note(f"N{n}") for n in range(1998)]}),
        lambda e: e.url == "https://openreview.net/forum?id=AbCd123",
    ),
    "X oEmbed": Source(
        "X oEmbed",
        lambda url: ("add", POST),
        lambda url: {"LCLLM_OEMBED_URL": url + "/oembed"},
        lambda req: _json({**OEMBED, "url": POST}),
        lambda req: _json({**OEMBED, "url": "https://x.com/evil/status/666"}),
        lambda req: _json([OEMBED] * 2000),
        lambda e: e.url == POST,
    ),
    "the page": Source(
        "the page",
        lambda url: ("add", url + "/page/asked"),
        lambda url: {},
        _page("The asked page"),
        _page("The asked page"),  # a page is whatever its URL serves
        lambda req: Reply(200, "<title>The asked page</title>" * 2000, {}, "text/html"),
        lambda e: (e.url or "").endswith("/page/asked"),
        json=False,
        page=True,
    ),
}


# --------------------------------------------------------------------------------------------- the faults

# A megabyte of gzip that inflates to 64 MB of zeros (the cap here is 1 MB of decoded bytes).
BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


def _body(reply: Reply) -> bytes:
    return reply.body.encode() if isinstance(reply.body, str) else reply.body


def _invalid_utf8(reply: Reply) -> Reply:
    body = _body(reply)
    for anchor in (b"Note", b"The ", b"Some", b"acme", b"p0", b"A Paper", b"<title>", b"owner"):
        if anchor in body:
            at = body.rindex(anchor) + len(anchor)  # the last one: a text field, not an id
            body = body[:at] + b"\xff\xfe\xc3(" + body[at:]
            break
    return replace(reply, body=body)


@dataclass(frozen=True)
class Fault:
    make: Callable[[Source, StubServer], Callable[[Request], Reply]]
    env: dict[str, str] | None = None


def _elsewhere(source: Source, other: StubServer) -> Callable[[Request], Reply]:
    other.handler = source.good
    return lambda req: Reply(
        307, "", headers={"Location": other.url + req.path + "?" + urlencode(req.query, doseq=True)}
    )


FAULTS: dict[str, Fault] = {
    "connection reset mid-body": Fault(lambda s, o: lambda req: replace(s.good(req), reset_after=30)),
    "slow drip of bytes": Fault(lambda s, o: lambda req: replace(s.good(req), drip=0.05)),
    "gzip bomb": Fault(lambda s, o: lambda req: replace(s.good(req), body=BOMB, headers={"Content-Encoding": "gzip"})),
    "broken gzip": Fault(
        lambda s, o: (
            lambda req: replace(s.good(req), body=b"\x1f\x8b\x08\0garbage!", headers={"Content-Encoding": "gzip"})
        )
    ),
    "huge Content-Length": Fault(lambda s, o: lambda req: replace(s.good(req), content_length=str(10**15))),
    "Content-Length longer than the body": Fault(
        lambda s, o: (
            lambda req: replace(s.good(req), content_length=str(len(_body(s.good(req))) + 500), reset_after=10**9)
        )
    ),
    "invalid UTF-8": Fault(lambda s, o: lambda req: _invalid_utf8(s.good(req))),
    "HTML instead of JSON or XML": Fault(
        lambda s, o: lambda req: Reply(200, "<!doctype html><html><body><p>Sign in</p></body></html>", {}, "text/html")
    ),
    "an answer for ids not asked for": Fault(lambda s, o: lambda req: s.foreign(req)),
    "duplicated or 2,000 entries": Fault(lambda s, o: lambda req: s.many(req)),
    "redirect to another host": Fault(_elsewhere),
    "redirect loop": Fault(lambda s, o: lambda req: Reply(302, "", headers={"Location": req.path + "x"})),
    "absurd Retry-After": Fault(lambda s, o: lambda req: Reply(429, "slow", {"Retry-After": "9" * 40}, "text/plain")),
    "Retry-After in the year 2999": Fault(
        lambda s, o: lambda req: Reply(503, "busy", {"Retry-After": "Fri, 31 Dec 2999 23:59:59 GMT"}, "text/plain")
    ),
}


# --------------------------------------------------------------------------------------------- the matrix


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[StubServer, StubServer]]:
    with StubServer(lambda req: Reply(500)) as here, StubServer(lambda req: Reply(500)) as other:
        yield here, other


PROJECT = Entry(kind="project", title="tool", section="Projects", url="https://github.com/owner/tool")


def _seeded(tmp_path: Path, source_name: str) -> Path:
    path = tmp_path / "entries.toml"
    lib = Library(title="Faults")
    lib.add_entries([replace_entry(SEED), *([replace_entry(PROJECT)] if source_name == "GitHub (enrich)" else [])])
    store.save(lib, path)
    return path


def replace_entry(e: Entry) -> Entry:
    return Entry(**{f: getattr(e, f) for f in e.__slots__})


# Where the command must succeed (the rest must fail): a redirect elsewhere is followed and invalid UTF-8 in JSON
# is replaced by U+FFFD; a page is read for its head only, so a bomb, JSON or 2,000 titles still give a title (or none);
# OpenReview picks the note asked for among others.
SUCCEEDS = {
    *((s, "redirect to another host") for s in SOURCES),
    *(
        (s, "invalid UTF-8") for s in SOURCES if not s.startswith("arXiv")
    ),  # arXiv's XML parser refuses it: one clear line
    *(
        ("the page", f)
        for f in (
            "gzip bomb",
            "HTML instead of JSON or XML",
            "an answer for ids not asked for",
            "duplicated or 2,000 entries",
        )
    ),
    ("OpenReview", "duplicated or 2,000 entries"),
    ("Semantic Scholar", "an answer for ids not asked for"),  # no count taken, said so, the list unchanged
}
CELLS = [(s, f) for s in SOURCES for f in FAULTS]
COUNTED = {"cells": 0}


@pytest.mark.parametrize(("source_name", "fault_name"), CELLS, ids=[f"{s}-{f}" for s, f in CELLS])
def test_every_source_under_every_fault_is_bounded_named_and_writes_nothing_foreign(
    servers: tuple[StubServer, StubServer],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    source_name: str,
    fault_name: str,
) -> None:
    here, other = servers
    source, fault = SOURCES[source_name], FAULTS[fault_name]
    here.requests.clear()
    other.requests.clear()
    here.handler = fault.make(source, other)
    for name, value in {
        "LCLLM_HTTP_TIMEOUT": TIMEOUT,
        "LCLLM_HTTP_RETRIES": "1",
        "LCLLM_HTTP_BACKOFF": "0",
        "LCLLM_HTTP_MAX_WAIT": "5",
        "LCLLM_S2_INTERVAL": "0",
        "LCLLM_ARXIV_DELAY": "0",
        "LCLLM_ARXIV_BACKOFF": "0",
        "LCLLM_ARXIV_TRIES": "2",
        "LCLLM_ARXIV_MAX_WAIT": "5",
        "LCLLM_MAX_ANSWER_MB": "1",
        **source.env(here.url),
        **(fault.env or {}),
    }.items():
        monkeypatch.setenv(name, value)
    path = _seeded(tmp_path, source_name)
    seed_ids = {e.ident for e in store.load(path).entries}
    before = path.read_bytes()
    done = threading.Event()
    result: dict[str, object] = {}

    def go() -> None:
        res = CliRunner().invoke(app, ["--file", str(path), *source.argv(here.url)])
        result.update(code=res.exit_code, out=res.output, exc=res.exception)
        done.set()

    worker = threading.Thread(target=go, daemon=True)
    worker.start()
    assert done.wait(60), "the command did not end"  # a hang is a failure, not a stuck suite
    code, out = result["code"], str(result["out"])
    assert "Traceback" not in out, out
    exc = result["exc"]
    assert exc is None or isinstance(exc, SystemExit), (exc, out)
    assert here.requests, "the fault was never reached"
    errors = [line for line in out.splitlines() if line.startswith("error: ")]
    assert (code == 0) == ((source_name, fault_name) in SUCCEEDS), out
    if code != 0:
        assert code == 1, out
        if errors:  # the service failed: one line naming it
            assert len(errors) == 1, out
            assert source.name in errors[0], out
        else:  # the service answered, but not about what was asked: each one named as failed
            assert "failed" in out or "not on arXiv: 2401.00009" in out, out
        assert path.read_bytes() == before, "a failed fetch changed the list"
    else:
        assert not errors, out
        text = path.read_bytes().decode("utf-8")  # valid UTF-8 whatever the service sent
        entries = store.loads(text).entries
        assert seed_ids <= {e.ident for e in entries}  # nothing of the list lost
        new = [e for e in entries if e.ident not in seed_ids]
        assert all(source.asked(e) for e in new), [(e.title, e.url, e.arxiv, e.doi) for e in new]
        assert len(new) == {"arXiv": 2, "Semantic Scholar": 0, "arXiv (refresh)": 0, "GitHub (enrich)": 0}.get(
            source_name, 1
        ), out
        if source_name == "GitHub (enrich)":
            assert [e.stars for e in entries if e.kind == "project"] == [5]
        if source_name == "arXiv (refresh)":
            assert [e.title for e in entries] == [generated_title(SEED.arxiv or "")]
        if (source_name, fault_name) == ("Semantic Scholar", "an answer for ids not asked for"):
            assert path.read_bytes() == before and "no Semantic Scholar count for 1 papers" in out, out
        elif source_name == "Semantic Scholar":
            assert entries[0].citations is not None and entries[0].citations.count == 7
    for r in other.requests:  # credentials stay with the host they are for
        assert "authorization" not in r.headers and "x-api-key" not in r.headers, (r.path, r.headers)
    if fault_name == "redirect to another host":
        assert other.requests, "the redirect was not followed"
    COUNTED["cells"] += 1
