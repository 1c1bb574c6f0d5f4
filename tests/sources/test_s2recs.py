"""sources.s2recs.recommend against the stand-in of tests/inbox_stub.py: the request Semantic Scholar documents,
what is taken from the answer, the cache, failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lcllm_cli.errors import NetworkError
from lcllm_cli.sources import s2recs
from lcllm_cli.sources.http import HttpClient, HttpConfig
from tests.inbox_stub import InboxStub, Paper


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[InboxStub]:
    with InboxStub() as server:
        monkeypatch.setenv("LCLLM_S2_RECS_URL", f"{server.url}/recommendations/v1")
        monkeypatch.setenv("LCLLM_S2_INTERVAL", "0")
        yield server


def test_positive_and_negative_ids_are_posted_and_the_answer_read_in_order(stub: InboxStub) -> None:
    stub.add_recommendation(Paper("2412.00001", "First", "2026-12-01", authors=["Ada Lovelace"]))
    stub.recommendations.append({"paperId": "b" * 40, "title": "No id to add it by", "externalIds": {}})
    stub.recommendations.append(
        {"paperId": "c" * 40, "title": "By DOI", "externalIds": {"DOI": "10.1/y"}, "year": 2026}
    )
    with HttpClient(HttpConfig(ttl=0)) as http:
        recs = s2recs.recommend(["ARXIV:2401.00001"], ["ARXIV:2412.09999"], http, limit=20)
    assert [(r.rank, r.arxiv, r.doi, r.title) for r in recs] == [
        (0, "2412.00001", None, "First"),
        (2, None, "10.1/y", "By DOI"),
    ]
    assert recs[0].published == "2026-12-01" and recs[0].authors == ["Ada Lovelace"] and recs[1].year == 2026
    (req,) = stub.asked("s2")
    assert req.method == "POST" and req.path == "/recommendations/v1/papers/"
    assert req.query["limit"] == ["20"] and "externalIds" in req.query["fields"][0]
    assert stub.s2_bodies() == [{"positivePaperIds": ["ARXIV:2401.00001"], "negativePaperIds": ["ARXIV:2412.09999"]}]


def test_the_same_seeds_within_the_ttl_ask_nothing_other_seeds_ask(stub: InboxStub) -> None:
    for negative in ([], [], ["ARXIV:2412.00009"]):
        with HttpClient(HttpConfig()) as http:
            s2recs.recommend(["ARXIV:2401.00001"], negative, http)
    assert len(stub.asked("s2")) == 2


@pytest.mark.parametrize(("status", "words"), [(403, "refused"), (404, "HTTP 404"), (200, "no recommendedPapers")])
def test_failures_are_network_errors(stub: InboxStub, status: int, words: str) -> None:
    if status == 200:
        stub.recommendations = None  # type: ignore[assignment]
    else:
        stub.fail("s2", status)
    with HttpClient(HttpConfig(ttl=0, retries=0)) as http, pytest.raises(NetworkError, match=words):
        s2recs.recommend(["ARXIV:2401.00001"], [], http)
