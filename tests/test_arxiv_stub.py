"""The stand-in arXiv server answers like the real one documents (so the other tests mean something).

Its fixed answers are hand-written (tests/fixtures/arxiv/README.md); tests/sources/test_arxiv_conformance.py checks
lcllm against real recordings when they are at hand.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.arxiv_stub import ANSWERS, FIXTURES, ArxivStub, error_feed


@pytest.fixture(scope="module")
def server() -> Iterator[ArxivStub]:
    with ArxivStub() as s:
        yield s


@pytest.fixture
def stub(server: ArxivStub) -> ArxivStub:
    server.reset()
    return server


def get(stub: ArxivStub, **params: str) -> tuple[int, str]:
    url = stub.url + "?" + urlencode({"search_query": "", "start": "0", **params})
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_every_written_answer_is_served_and_every_file_is_used() -> None:
    assert sorted(name for name, _ in ANSWERS.values()) == sorted(p.name for p in FIXTURES.glob("*.xml"))


@pytest.mark.parametrize("id_list", list(ANSWERS))
def test_written_answers_are_served_verbatim(stub: ArxivStub, id_list: str) -> None:
    name, status = ANSWERS[id_list]
    assert get(stub, id_list=id_list, max_results="100") == (status, (FIXTURES / name).read_text(encoding="utf-8"))


def test_written_entries_are_served_inside_other_queries(stub: ArxivStub) -> None:
    status, body = get(stub, id_list="2311.04567,1802.01234,0912.10001,2402.13753", max_results="4")
    assert status == 200
    assert "<opensearch:totalResults>3</opensearch:totalResults>" in body
    assert "<id>http://arxiv.org/abs/2311.04567v3</id>" in body and "<title>Paged Recall: Bounded Memory for" in body
    assert "<id>http://arxiv.org/abs/1802.01234v1</id>" in body and "<name>Søren Kjærgaard</name>" in body
    assert "0912.10001" not in body.split("<entry>", 1)[1]  # shown absent by its written answer: left out
    assert "<id>http://arxiv.org/abs/2402.13753v1</id>" in body  # not written: generated


def test_generated_error_feed_has_the_written_answers_shape(stub: ArxivStub) -> None:
    # the written file names no real endpoint: its feed and error addresses are on 127.0.0.1 where arXiv's are on
    # arxiv.org, the one difference besides the time stamps
    written = (
        (FIXTURES / "malformed.xml").read_text(encoding="utf-8").replace("http://127.0.0.1/", "https://arxiv.org/")
    )
    stamp = re.compile(r"<updated>[^<]*</updated>")
    assert stamp.sub("", error_feed("qwerty")) == stamp.sub("", written)
    status, body = get(stub, id_list="2402.13753,zzz", max_results="2")
    assert status == 400 and stamp.sub("", body) == stamp.sub("", written).replace("qwerty", "zzz")


def test_malformed_id_fails_the_whole_batch_like_arxiv(stub: ArxivStub) -> None:
    status, body = get(stub, id_list="2402.13753,not-an-id", max_results="2")
    assert status == 400
    assert "<title>Error</title>" in body
    assert "<summary>incorrect id format for not-an-id</summary>" in body
    assert "2402.13753" not in body


def test_generated_entries_and_missing_ids(stub: ArxivStub) -> None:
    stub.set_missing("2402.99999")
    stub.set_paper("2402.13753", version=2, title="Set Title")
    status, body = get(stub, id_list="2402.13753,2402.99999,2401.00001", max_results="3")
    assert status == 200
    assert "<opensearch:totalResults>2</opensearch:totalResults>" in body
    assert "<id>http://arxiv.org/abs/2402.13753v2</id>" in body and "<title>Set Title</title>" in body
    assert "<id>http://arxiv.org/abs/2401.00001v1</id>" in body
    assert "2402.99999" not in body.split("</title>", 1)[1].split("<entry>", 1)[-1]
    assert len(stub.requests) == 1


def test_max_results_defaults_to_10_like_arxiv(stub: ArxivStub) -> None:
    id_list = ",".join(f"2403.{i:05d}" for i in range(1, 16))
    _, body = get(stub, id_list=id_list)
    assert body.count("<entry>") == 10
    assert "<opensearch:totalResults>15</opensearch:totalResults>" in body
    _, body = get(stub, id_list=id_list, max_results="15")
    assert body.count("<entry>") == 15


def test_planned_failures_by_request_number(stub: ArxivStub) -> None:
    stub.fail(1, status=429, retry_after="2")
    assert get(stub, id_list="2402.13753")[0] == 200
    try:
        urllib.request.urlopen(stub.url + "?id_list=2402.13753", timeout=5)
        raise AssertionError("expected HTTP 429")
    except urllib.error.HTTPError as exc:
        assert exc.code == 429 and exc.headers["Retry-After"] == "2"
    assert get(stub, id_list="2402.13753")[0] == 200
    assert len(stub.requests) == 3
