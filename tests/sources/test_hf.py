"""sources.hf.daily_papers against the stand-in of tests/inbox_stub.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lcllm_cli.errors import NetworkError
from lcllm_cli.sources import hf
from lcllm_cli.sources.http import HttpClient, HttpConfig
from tests.inbox_stub import InboxStub, Paper


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[InboxStub]:
    with InboxStub() as server:
        monkeypatch.setenv("LCLLM_HF_URL", server.url)
        yield server


def test_a_day_of_daily_papers(stub: InboxStub) -> None:
    stub.add_daily("2026-12-01", Paper("2412.00001", "A  Paper\nOn Two Lines", "2026-11-30", authors=["A B"]), 7)
    stub.daily["2026-12-01"].append({"paper": {"id": "not an id", "title": "dropped"}})
    stub.daily["2026-12-01"].append({"paper": {"id": "2412.00002", "title": "", "publishedAt": "garbage"}})
    with HttpClient(HttpConfig(ttl=0)) as http:
        papers = hf.daily_papers("2026-12-01", http)
    assert [(p.arxiv, p.title, p.authors, p.published, p.upvotes) for p in papers] == [
        ("2412.00001", "A Paper On Two Lines", ["A B"], "2026-11-30", 7)
    ]
    assert stub.asked("hf")[0].query == {"date": ["2026-12-01"]}


def test_a_weekend_is_an_empty_list_not_an_error(stub: InboxStub) -> None:
    with HttpClient(HttpConfig(ttl=0)) as http:
        assert hf.daily_papers("2026-11-28", http) == []


def test_an_answer_that_is_not_a_list_or_a_failure_is_a_network_error(stub: InboxStub) -> None:
    stub.daily["2026-12-01"] = {"error": "nope"}  # type: ignore[assignment]
    with HttpClient(HttpConfig(ttl=0)) as http, pytest.raises(NetworkError, match="not a list"):
        hf.daily_papers("2026-12-01", http)
    stub.fail("hf", 404)
    with HttpClient(HttpConfig(ttl=0, retries=0)) as http, pytest.raises(NetworkError, match="HTTP 404"):
        hf.daily_papers("2026-12-02", http)
