"""Fuzzing each source's answer parser (issue 21): arXiv's Atom feed, the JSON of GitHub, the Hub (repositories and
daily papers), doi.org, OpenReview, X oEmbed and Semantic Scholar (batch, recommendations), and a page's title.

Each parser gets generated answers (random JSON made of the keys the services use, valid answers with one value
replaced, random bytes, cut or garbled feeds) through the same code a command runs, on a client whose requests are
answered by the generator. What must hold: no exception but lcllm's own (one clear line) escapes, and what comes
out is something the list can hold: every entry it gives is one the store writes and reads back unchanged, so an
answer can never make a write refuse (and lose the rest of a run). The examples are fixed (tests/conftest.py
derandomizes Hypothesis); ``LCLLM_HYPOTHESIS=explore`` draws fresh ones.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lcllm_cli import store
from lcllm_cli.errors import LcllmError
from lcllm_cli.model import Entry, Library, validate_entry
from lcllm_cli.sources import arxiv, doi, github, hf, oembed, openreview, pages, s2, s2recs
from lcllm_cli.sources.http import Answer, HttpClient, HttpConfig
from tests.arxiv_stub import ArxivStub

KEYS = [
    *("id", "author", "likes", "downloads", "title", "DOI", "URL", "issued", "date-parts", "given", "family"),
    *("literal", "container-title", "notes", "content", "value", "venue", "venueid", "authors", "html"),
    *("author_name", "url", "full_name", "html_url", "stargazers_count", "description", "archived", "paperId"),
    *("citationCount", "externalIds", "ArXiv", "paper", "publishedAt", "upvotes", "summary", "name", "forum"),
    *("recommendedPapers", "year", "publicationVenue", "journal", "publicationTypes", "type", "message", "error"),
]
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "acme/tiny", "owner/tool", "2402.00001", "10.1234/x", "\x1b[31m", "}{", "\ud800"])
)
json_values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=6)
    ),
    max_leaves=25,
)

GOOD: dict[str, Any] = {
    "github": {"full_name": "owner/tool", "html_url": "https://github.com/owner/tool", "stargazers_count": 5},
    "hf": {"id": "acme/tiny", "author": "acme", "likes": 4, "downloads": 10},
    "hf daily": [{"paper": {"id": "2402.00001", "title": "T", "authors": [{"name": "A"}], "upvotes": 3}}],
    "doi": {
        "title": "T",
        "author": [{"given": "A", "family": "B"}],
        "issued": {"date-parts": [[2023]]},
        "DOI": "10.1234/x",
    },
    "openreview": {"notes": [{"id": "AbCd123", "content": {"title": {"value": "T"}, "venue": {"value": "ICLR 2025"}}}]},
    "oembed": {"author_name": "A", "html": "<blockquote><p>text</p></blockquote>", "url": "https://x.com/a/status/1"},
    "s2": [{"paperId": "p1", "citationCount": 7, "externalIds": {"ArXiv": "2402.00001"}}],
    "s2recs": {"recommendedPapers": [{"paperId": "p1", "title": "T", "externalIds": {"ArXiv": "2402.00001"}}]},
}


def _mutations(good: Any) -> st.SearchStrategy[Any]:
    """``good`` with one value somewhere inside replaced by a generated one."""

    def paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        out = [here]
        if isinstance(value, dict):
            for k, v in value.items():
                out += paths(v, (*here, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                out += paths(v, (*here, i))
        return out

    def put(value: Any, path: tuple[Any, ...], new: Any) -> Any:
        if not path:
            return new
        copy = json.loads(json.dumps(value))
        node = copy
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = new
        return copy

    return st.tuples(st.sampled_from(paths(good)), json_values).map(lambda pn: put(good, pn[0], pn[1]))


def bodies(kind: str) -> st.SearchStrategy[bytes]:
    as_json = (json_values | _mutations(GOOD[kind])).map(lambda v: json.dumps(v).encode())
    return as_json | st.binary(max_size=200) | st.sampled_from([b"", b"null", b"[]", b"{}", b"<html>x</html>"])


class Scripted(HttpClient):
    """A client whose every request is answered 200 with ``body`` (nothing is cached, nothing goes out)."""

    def __init__(self, body: bytes, cache_dir: Path) -> None:
        super().__init__(HttpConfig(retries=0, backoff=0, cache_dir=cache_dir, ttl=0))
        self.body = body

    def request(self, method: str, url: str, **kwargs: Any) -> Answer:  # type: ignore[override]
        return Answer(status=200, text=self.body.decode("utf-8", "replace"), url=url, body=self.body)

    def remember(self, key: str, value: Any) -> None:
        pass


def holds(entries: list[Entry]) -> None:
    """The list can take these entries: each valid, and the whole written and read back unchanged."""
    for e in entries:
        assert validate_entry(e) is None, (validate_entry(e), e)
    lib = Library(title="Fuzz")
    lib.add_entries([Entry(kind="paper", title="Kept", arxiv="2401.00009"), *entries])
    assert store.loads(store.dumps(lib)) == lib


def _entry_of_hub(info: hf.HubInfo) -> Entry:
    return Entry(
        kind="project", title=info.id, url=info.url, owner=info.author, likes=info.likes, downloads=info.downloads
    )


def _entry_of_repo(info: github.RepoInfo) -> Entry:
    return Entry(
        kind="project", title=info.name, url=info.url, owner=info.owner, stars=info.stars, description=info.description
    )


RUNS: dict[str, Callable[[HttpClient], list[Entry]]] = {
    "github": lambda c: [_entry_of_repo(i) for i in _ok(github.fetch_repos([("owner", "tool")], c)).repos.values()],
    "hf": lambda c: [_entry_of_hub(i) for i in _ok(hf.fetch(["models/acme/tiny"], c)).repos.values()],
    "hf daily": lambda c: [
        Entry(kind="paper", title=p.title, arxiv=p.arxiv, authors=p.authors) for p in hf.daily_papers("2026-01-02", c)
    ],
    "doi": lambda c: list(_ok(doi.fetch(["10.1234/x"], c)).papers.values()),
    "openreview": lambda c: [e for e in [openreview.fetch("AbCd123", c)] if e is not None],
    "oembed": lambda c: [e for e in [oembed.fetch("https://x.com/a/status/1", c)] if e is not None],
    "s2": lambda c: _s2(c),
    "s2recs": lambda c: [
        Entry(kind="paper", title=r.title, arxiv=r.arxiv)
        for r in s2recs.recommend(["ARXIV:2402.00002"], [], c)
        if r.arxiv
    ],
}


def _ok(result: Any) -> Any:
    if result.error is not None:
        assert isinstance(result.error, LcllmError)
    return result


def _s2(client: HttpClient) -> list[Entry]:
    got = _ok(s2.fetch_citations(["ARXIV:2402.00001"], client))
    for paper in got.papers.values():
        assert paper.citation_count is None or (type(paper.citation_count) is int and paper.citation_count >= 0)
        assert paper.paper_id is None or s2.paper_page(paper.paper_id).startswith("https://")
    return []


@pytest.mark.parametrize("kind", list(RUNS))
def test_every_json_answer_parser_takes_any_answer_without_a_crash(
    kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cache = tmp_path_factory.mktemp("cache")

    @settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=bodies(kind))
    def run(body: bytes) -> None:
        with Scripted(body, cache) as client:
            try:
                entries = RUNS[kind](client)
            except LcllmError:
                return  # one clear line
        holds(entries)

    run()


# --------------------------------------------------------------------------------------------- arXiv


_FEED = ArxivStub().answer({"id_list": ["2402.00001,2402.00002"], "max_results": ["10"]}).body
FEED = _FEED.encode() if isinstance(_FEED, str) else _FEED


def _arxiv_entries(body: bytes) -> list[Entry]:
    """What a command takes from an arXiv answer: the feed judged, parsed and turned into entries."""
    if arxiv._malformed(body) is not None:
        return []  # retried, then one clear line
    results = arxiv.parse_feed(body)
    if len(results) < 2:
        arxiv._check_feed(body, "http://arxiv.test")
    return [pair[1] for pair in (arxiv.result_to_entry(r) for r in results) if pair is not None]


def _garble(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randrange(1, 12)):
        op, pos = rng.randrange(4), rng.randrange(len(b) + 1)
        if op == 0 and b:
            del b[pos : pos + rng.randrange(1, 40)]
        elif op == 1:
            b[pos:pos] = rng.choice(
                [b"<", b">", b"&", b"&amp;", b"]]>", b"\xff", b"\x00", b"<entry>", b"</title>", b"}"]
            )
        elif op == 2 and b:
            chunk = b[pos : pos + rng.randrange(1, 200)]
            b[rng.randrange(len(b) + 1) : 0] = chunk  # a piece repeated elsewhere
        else:
            b = b[: max(1, pos)]  # cut off
    return bytes(b)


def test_the_arxiv_feed_parser_takes_garbled_and_cut_feeds_without_a_crash() -> None:
    rng = random.Random(2121)
    for _ in range(400):
        body = _garble(rng, FEED)
        try:
            entries = _arxiv_entries(body)
        except LcllmError:
            continue
        holds(entries)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: ("<feed>" + t + "</feed>").encode()))
def test_the_arxiv_feed_parser_takes_any_bytes_without_a_crash(body: bytes) -> None:
    try:
        entries = _arxiv_entries(body)
    except LcllmError:
        return
    holds(entries)


# --------------------------------------------------------------------------------------------- pages


page_pieces = st.sampled_from(
    [
        b"<title>",
        b"</title>",
        b"<meta property='og:title' content='",
        b"'>",
        b'<meta charset="',
        b'">',
        b"utf-16",
        b"latin-1",
        b"x-unknown",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"&amp;",
        b"&#0;",
        b"&#xD800;",
        b"<b>",
        b"\x1b[31m",
        b"\x00",
        b"\xff",
        b" ",
        b"\n",
        b"A title",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    body=st.lists(page_pieces | st.binary(max_size=10), max_size=25).map(b"".join),
    content_type=st.none()
    | st.sampled_from(
        ["text/html", "text/html; charset=utf-8", "text/html; charset=bogus", "text/html; charset=utf-16"]
    ),
)
def test_a_page_title_is_found_or_not_without_a_crash(body: bytes, content_type: str | None) -> None:
    title = pages.title_of(body, content_type)
    assert title is None or (isinstance(title, str) and 0 < len(title) <= 300 and title == title.strip())
    if title is not None:
        holds([Entry(kind="link", title=title, url="https://e.org/page")])
