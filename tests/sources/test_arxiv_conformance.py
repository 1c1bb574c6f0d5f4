"""lcllm's arXiv source reads real arXiv answers: each recording is replayed by a stand-in on 127.0.0.1.

The repository keeps only hand-written arXiv answers (tests/fixtures/arxiv). Real recorded answers (JSON objects
``{"url": ..., "status_code": ..., "body": ...}``, ``body`` the Atom XML) are not ours to copy, so they are read
from outside the repository: ``../shared/fixtures/arxiv`` beside the repository root, else
``/work/shared/fixtures/arxiv``. Without either folder the test is skipped and says so.

What is expected is read from each recording with the standard library's XML parser, not with lcllm or the
``arxiv`` package: the papers it holds (id, version, title, authors, dates, categories, journal_ref, DOI, comment),
the ids asked for and not answered (reported missing), and for an HTTP 400 the error's own text.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from lcllm_cli.errors import NetworkError
from lcllm_cli.ids import ArxivId
from lcllm_cli.sources import arxiv as source
from tests.arxiv_stub import error_feed
from tests.paths import ROOT
from tests.stubserver import Reply, Request, StubServer

PLACES = (ROOT.parent / "shared" / "fixtures" / "arxiv", Path("/work/shared/fixtures/arxiv"))
RECORDINGS = next((p for p in PLACES if p.is_dir()), None)
FILES = sorted(RECORDINGS.glob("*.json")) if RECORDINGS else []

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
ABS = "http://arxiv.org/abs/"


def _text(node: ET.Element, tag: str) -> str | None:
    found = node.find(tag)
    return " ".join(found.text.split()) if found is not None and found.text else None


def expected_papers(body: str) -> dict[str, dict[str, object]]:
    """The papers of an Atom answer, keyed by versionless id, read with ElementTree."""
    papers: dict[str, dict[str, object]] = {}
    for entry in ET.fromstring(body.encode("utf-8")).iter(f"{ATOM}entry"):
        entry_id = _text(entry, f"{ATOM}id") or ""
        if not entry_id.startswith(ABS):
            continue  # arXiv's error entry
        base, _, version = entry_id.removeprefix(ABS).rpartition("v")
        primary = entry.find(f"{ARXIV}primary_category")
        papers[base] = {
            "version": int(version),
            "title": _text(entry, f"{ATOM}title"),
            "authors": [_text(a, f"{ATOM}name") for a in entry.iter(f"{ATOM}author")],
            "published": (_text(entry, f"{ATOM}published") or "")[:10],
            "updated": (_text(entry, f"{ATOM}updated") or "")[:10],
            "primary_category": primary.get("term") if primary is not None else None,
            "categories": [c.get("term") for c in entry.iter(f"{ATOM}category")],
            "journal_ref": _text(entry, f"{ARXIV}journal_ref"),
            "doi": _text(entry, f"{ARXIV}doi"),
            "comment": _text(entry, f"{ARXIV}comment"),
        }
    return papers


def _name(path: Path | None) -> str:
    return path.name if path is not None else "no-recordings"


@pytest.mark.parametrize("path", FILES or [None], ids=_name)
def test_a_real_arxiv_answer_is_read_correctly(path: Path | None) -> None:
    if path is None:
        where = " nor ".join(str(p) for p in PLACES)
        if RECORDINGS is None:
            pytest.skip(f"no real arXiv recordings to replay: neither {where} exists")
        pytest.skip(f"no real arXiv recordings to replay: {RECORDINGS} holds no *.json")
    recording = json.loads(path.read_text(encoding="utf-8"))
    id_list = parse_qs(urlsplit(recording["url"]).query)["id_list"][0]
    asked = id_list.split(",")
    status, body = recording["status_code"], recording["body"]

    def handler(req: Request) -> Reply:
        if req.query.get("id_list") != [id_list]:
            return Reply(404, f"this stand-in only knows id_list={id_list}", content_type="text/plain")
        return Reply(status, body)

    with StubServer(handler) as server:
        config = source.ArxivConfig(
            url=server.url + "/api/query", timeout=5.0, delay=0.0, backoff=0.0, tries=2, sleep=lambda s: None
        )
        got = source.fetch([ArxivId(i) for i in asked], config=config)  # as sent: some are not valid ids
        sent = [r.query.get("id_list") for r in server.requests]

    assert sent == [[id_list]], f"lcllm asked {sent}, the recording answers id_list={id_list}"
    assert got.requests == 1
    if status != 200:
        assert isinstance(got.error, NetworkError)
        assert f"HTTP {status}" in got.error.message
        summary = _text(ET.fromstring(body.encode("utf-8")).find(f"{ATOM}entry"), f"{ATOM}summary")  # type: ignore[arg-type]
        assert summary and summary in got.error.message  # arXiv's own reason, e.g. "incorrect id format for abc"
        assert got.entries == {} and got.unfetched == asked
        return

    want = expected_papers(body)
    assert got.error is None
    assert list(got.entries) == [i for i in asked if i in want]
    assert got.missing == [i for i in asked if i not in want]
    for arxiv_id, fields in want.items():
        entry = got.entries[arxiv_id]
        assert entry.kind == "paper" and entry.arxiv == arxiv_id
        assert entry.title and entry.title == fields["title"]
        assert entry.authors and entry.authors == fields["authors"]
        assert {name: getattr(entry, name) for name in fields if name not in ("title", "authors")} == {
            name: value for name, value in fields.items() if name not in ("title", "authors")
        }
        assert got.abstracts[arxiv_id]


def test_the_stand_ins_error_answer_has_the_real_ones_shape() -> None:
    """tests/arxiv_stub.py's HTTP 400 feed, which the other tests meet, is what arXiv sends (timestamps aside)."""
    errors = [json.loads(p.read_text(encoding="utf-8")) for p in FILES]
    errors = [r for r in errors if r["status_code"] == 400]
    if not errors:
        pytest.skip(f"no recorded HTTP 400 answer to compare with (looked in {' and '.join(map(str, PLACES))})")
    stamp = re.compile(r"<updated>[^<]*</updated>")
    for recording in errors:
        (bad,) = parse_qs(urlsplit(recording["url"]).query)["id_list"]
        assert stamp.sub("", error_feed(bad)) == stamp.sub("", recording["body"])
