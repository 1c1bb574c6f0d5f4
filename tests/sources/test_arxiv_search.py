"""sources.arxiv.search against the stand-in of tests/inbox_stub.py: the request arXiv's search API documents,
its pacing and retries (arXiv's 3 s rule counts searches too), its cache, its failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lcllm_cli.errors import NetworkError
from lcllm_cli.sources import arxiv as source
from lcllm_cli.sources.http import HttpClient, HttpConfig
from tests.inbox_stub import InboxStub, Paper


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def stub() -> Iterator[InboxStub]:
    with InboxStub() as server:
        server.add_arxiv(
            Paper("2412.00001", "Long Context Older", "2026-11-30", abstract="long context", categories=["cs.LG"]),
            Paper("2412.00002", "Long Context Newer", "2026-12-01", abstract="long context", doi="10.1/x.2"),
            Paper("2411.00003", "Long Context Last Month", "2026-11-01", abstract="long context"),
            Paper("2412.00004", "Something Else", "2026-12-01", abstract="protein folding"),
        )
        yield server


def cfg(stub: InboxStub, **kw: object) -> source.ArxivConfig:
    opts: dict[str, object] = {"url": f"{stub.url}/api/query", "timeout": 5.0, "delay": 0.0, "backoff": 0.0, "tries": 1}
    opts.update(kw)
    return source.ArxivConfig(**opts)  # type: ignore[arg-type]


def test_the_request_is_arxivs_search_newest_first(stub: InboxStub) -> None:
    with HttpClient(HttpConfig(ttl=0)) as http:
        got = source.search(
            'abs:"long context"', since="2026-11-30", until="2026-12-01", http=http, config=cfg(stub), max_results=50
        )
    assert [h.entry.arxiv for h in got.hits] == ["2412.00002", "2412.00001"]
    assert got.hits[0].entry.doi == "10.1/x.2" and got.hits[0].entry.published == "2026-12-01"
    assert got.hits[1].abstract == "long context"
    (req,) = stub.asked("arxiv")
    assert req.query["search_query"] == ['(abs:"long context") AND submittedDate:[202611300000 TO 202612012359]']
    assert req.query["sortBy"] == ["submittedDate"] and req.query["sortOrder"] == ["descending"]
    assert req.query["max_results"] == ["50"] and req.query["start"] == ["0"]


def test_categories_are_any_of(stub: InboxStub) -> None:
    with HttpClient(HttpConfig(ttl=0)) as http:
        got = source.search(
            "all:context",
            since="2026-11-30",
            until="2026-12-01",
            categories=["cs.LG", "cs.AI"],
            http=http,
            config=cfg(stub),
        )
    assert [h.entry.arxiv for h in got.hits] == ["2412.00001"]
    assert "(cat:cs.LG OR cat:cs.AI)" in stub.searches()[0]


def test_searches_are_paced_like_every_arxiv_request(stub: InboxStub) -> None:
    sleeps = Sleeps()
    with HttpClient(HttpConfig(ttl=0, sleep=sleeps)) as http:
        for _ in range(2):
            source.search("all:context", since="2026-12-01", until="2026-12-01", http=http, config=cfg(stub, delay=3.0))
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 3.0


def test_a_second_search_within_the_ttl_asks_nothing(stub: InboxStub, tmp_path: object) -> None:
    for _ in range(2):
        with HttpClient(HttpConfig()) as http:
            got = source.search("all:context", since="2026-12-01", until="2026-12-01", http=http, config=cfg(stub))
    assert got.from_cache and len(got.hits) == 1
    assert len(stub.asked("arxiv")) == 1


def test_a_failing_or_strange_answer_is_a_network_error(stub: InboxStub) -> None:
    stub.fail("arxiv", 503)
    with HttpClient(HttpConfig(ttl=0)) as http, pytest.raises(NetworkError, match="HTTP 503"):
        source.search("all:context", since="2026-12-01", until="2026-12-01", http=http, config=cfg(stub))
    stub.fail("arxiv", 200)  # an HTML page, not a feed
    with HttpClient(HttpConfig(ttl=0)) as http, pytest.raises(NetworkError, match="not an Atom feed"):
        source.search("all:context", since="2026-12-01", until="2026-12-01", http=http, config=cfg(stub))
