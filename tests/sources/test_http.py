"""The HTTP layer of Semantic Scholar and GitHub: retries, Retry-After, timeouts, user agent, cache, offline."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lcllm_cli import __version__
from lcllm_cli.errors import NetworkError, UsageError
from lcllm_cli.sources.cache import Cache, default_cache_dir
from lcllm_cli.sources.http import (
    HttpClient,
    HttpConfig,
    OfflineError,
    RateLimitError,
    parse_duration,
    parse_retry_after,
)
from tests.stubserver import Reply, Request, StubServer


class Script:
    """Answers requests from a list (the last one repeats)."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.n = 0

    def __call__(self, req: Request) -> Reply:
        reply = self.replies[min(self.n, len(self.replies) - 1)]
        self.n += 1
        return reply


def ok(data: object = None) -> Reply:
    return Reply(200, json.dumps(data if data is not None else {"ok": True}), content_type="application/json")


@pytest.fixture(scope="module")
def server() -> Iterator[StubServer]:
    with StubServer(lambda req: Reply(500)) as srv:
        yield srv


@pytest.fixture
def srv(server: StubServer) -> StubServer:
    server.requests.clear()
    return server


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(tmp_path: Path, **kw: object) -> tuple[HttpClient, Sleeps]:
    sleeps = Sleeps()
    cfg = HttpConfig(cache_dir=tmp_path / "cache", sleep=sleeps, **kw)  # type: ignore[arg-type]
    return HttpClient(cfg), sleeps


def test_user_agent_names_lcllm_and_its_version(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(ok())
    c, _ = client(tmp_path)
    with c:
        c.request("GET", srv.url + "/x", service="Test")
    assert srv.requests[0].headers["user-agent"] == f"lcllm/{__version__} (+https://pypi.org/project/lcllm/)"


def test_5xx_is_retried_with_exponential_backoff(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(503), Reply(502), ok({"n": 3}))
    c, sleeps = client(tmp_path, backoff=0.5, retries=4)
    with c:
        answer = c.request("GET", srv.url + "/x", service="Test")
    assert answer.status == 200 and answer.json() == {"n": 3}
    assert len(srv.requests) == 3
    assert sleeps == [0.5, 1.0]
    assert c.requests == 3


def test_429_retry_after_seconds_is_honoured(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(429, "slow down", headers={"Retry-After": "7"}), ok())
    c, sleeps = client(tmp_path, backoff=0.01)
    with c:
        assert c.request("POST", srv.url + "/x", service="Test", json_body={"ids": []}).status == 200
    assert sleeps == [7.0]
    assert len(srv.requests) == 2
    assert json.loads(srv.requests[1].body) == {"ids": []}  # the body is sent again


def test_retry_after_as_an_http_date(srv: StubServer, tmp_path: Path) -> None:
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    srv.handler = Script(Reply(503, headers={"Retry-After": when}), ok())
    c, sleeps = client(tmp_path)
    with c:
        c.request("GET", srv.url + "/x", service="Test")
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 31


def test_403_with_retry_after_is_a_secondary_limit_and_retried(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(403, headers={"Retry-After": "2"}), ok())
    c, sleeps = client(tmp_path)
    with c:
        assert c.request("GET", srv.url + "/x", service="GitHub").status == 200
    assert sleeps == [2.0]


def test_a_retry_after_longer_than_max_wait_is_not_waited_for(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(429, headers={"Retry-After": "3600"}), ok())
    c, sleeps = client(tmp_path, max_wait=60)
    with c, pytest.raises(NetworkError) as info:
        c.request("GET", srv.url + "/x", service="Semantic Scholar")
    assert info.value.message == "Semantic Scholar asks to wait 3600 s before the next request (HTTP 429)"
    assert "LCLLM_HTTP_MAX_WAIT" in (info.value.hint or "")
    assert sleeps == [] and len(srv.requests) == 1


def test_gives_up_after_the_retries_with_one_clear_message(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(500))
    c, sleeps = client(tmp_path, retries=2, backoff=1.0)
    with c, pytest.raises(NetworkError) as info:
        c.request("GET", srv.url + "/x", service="Test")
    assert info.value.message == f"Test request failed after 3 tries: HTTP 500 (GET {srv.url}/x)"
    assert len(srv.requests) == 3 and sleeps == [1.0, 2.0]


def test_backoff_is_capped_by_max_wait(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(500))
    c, sleeps = client(tmp_path, retries=4, backoff=10.0, max_wait=25.0)
    with c, pytest.raises(NetworkError):
        c.request("GET", srv.url + "/x", service="Test")
    assert sleeps == [10.0, 20.0, 25.0, 25.0]


def test_a_quota_used_up_is_reported_at_once(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(403, "{}", headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1900000000"}))
    c, sleeps = client(tmp_path)
    with c, pytest.raises(RateLimitError) as info:
        c.request("GET", srv.url + "/repos/a/b", service="GitHub")
    assert info.value.message.startswith("GitHub: request quota used up until ")
    assert "GITHUB_TOKEN" in (info.value.hint or "")
    assert len(srv.requests) == 1 and sleeps == []


def test_other_client_errors_are_returned_not_retried(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(404, "{}"))
    c, sleeps = client(tmp_path)
    with c:
        assert c.request("GET", srv.url + "/x", service="Test").status == 404
    assert len(srv.requests) == 1 and sleeps == []


def test_a_dropped_connection_is_retried(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply.close(), ok())
    c, sleeps = client(tmp_path, backoff=0.25)
    with c:
        assert c.request("GET", srv.url + "/x", service="Test").status == 200
    assert sleeps == [0.25]


def test_a_server_that_does_not_answer_times_out(srv: StubServer, tmp_path: Path) -> None:
    def slow(req: Request) -> Reply:
        time.sleep(1.0)
        return ok()

    srv.handler = slow
    c, _ = client(tmp_path, timeout=0.2, retries=1)
    with c, pytest.raises(NetworkError) as info:
        c.request("GET", srv.url + "/x", service="Test")
    assert info.value.message.startswith("Test request failed after 2 tries: no answer within 0.2 s (GET")
    assert "after 2 tries" in info.value.message
    assert "LCLLM_HTTP_TIMEOUT" in (info.value.hint or "")


def test_nothing_listening_is_a_clear_network_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c, sleeps = client(tmp_path, retries=1)
    with c, pytest.raises(NetworkError) as info:
        c.request("GET", f"http://127.0.0.1:{port}/x", service="Test")
    assert "cannot connect" in info.value.message and "after 2 tries" in info.value.message
    assert len(sleeps) == 1


def test_cached_answers_are_reused_within_the_ttl(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(ok({"v": 1}), ok({"v": 2}))
    c, _ = client(tmp_path, ttl=3600)
    with c:
        first = c.request("GET", srv.url + "/x", service="Test", cache_key="k")
        second = c.request("GET", srv.url + "/x", service="Test", cache_key="k")
    assert first.json() == second.json() == {"v": 1}
    assert not first.from_cache and second.from_cache
    assert len(srv.requests) == 1
    # another client (another run) sharing the cache directory: still no request
    c2, _ = client(tmp_path, ttl=3600)
    with c2:
        assert c2.request("GET", srv.url + "/x", service="Test", cache_key="k").json() == {"v": 1}
    assert len(srv.requests) == 1


def test_an_answer_older_than_the_ttl_is_fetched_again(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(ok({"v": 1}), ok({"v": 2}))
    c, _ = client(tmp_path, ttl=3600)
    with c:
        c.request("GET", srv.url + "/x", service="Test", cache_key="k")
    file = c.cache.path_for("k")
    data = json.loads(file.read_text())
    data["time"] -= 7200
    file.write_text(json.dumps(data))
    c2, _ = client(tmp_path, ttl=3600)
    with c2:
        assert c2.request("GET", srv.url + "/x", service="Test", cache_key="k").json() == {"v": 2}
    assert len(srv.requests) == 2


def test_errors_are_not_cached_unless_asked(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(404, "{}"), Reply(404, "{}"))
    c, _ = client(tmp_path)
    with c:
        c.request("GET", srv.url + "/a", service="Test", cache_key="a")
        c.request("GET", srv.url + "/a", service="Test", cache_key="a")
        c.request("GET", srv.url + "/b", service="Test", cache_key="b", cache_statuses=(200, 404))
        c.request("GET", srv.url + "/b", service="Test", cache_key="b", cache_statuses=(200, 404))
    assert [r.path for r in srv.requests] == ["/a", "/a", "/b"]


def test_offline_answers_from_a_cache_of_any_age_and_fails_clearly_on_a_miss(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(ok({"v": 1}))
    c, _ = client(tmp_path)
    with c:
        c.request("GET", srv.url + "/x", service="Test", cache_key="k")
    off, _ = client(tmp_path, offline=True, ttl=0)
    with off:
        assert off.request("GET", srv.url + "/x", service="Test", cache_key="k").json() == {"v": 1}
        with pytest.raises(OfflineError) as info:
            off.request("GET", srv.url + "/y", service="Test", cache_key="other")
    assert info.value.message == f"--offline: the cache holds no answer for Test (GET {srv.url}/y)"
    assert info.value.hint == "run the command once without --offline to fill the cache"
    assert len(srv.requests) == 1


def test_a_corrupt_cache_file_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("k", {"a": 1})
    assert cache.get("k", None) == {"a": 1}
    cache.path_for("k").write_text("{not json")
    assert cache.get("k", None) is None


def test_an_unwritable_cache_warns_once_and_does_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = Cache(blocker / "http")
    cache.put("a", 1)
    cache.put("b", 2)
    err = capsys.readouterr().err
    assert err.count("warning: cannot write the cache") == 1
    assert cache.get("a", None) is None


def test_default_cache_dir_honours_xdg_cache_home() -> None:
    assert default_cache_dir() == Path(os.environ["XDG_CACHE_HOME"]) / "lcllm" / "http"


def test_requests_to_one_service_are_spaced(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(ok())
    c, sleeps = client(tmp_path)
    with c:
        c.request("GET", srv.url + "/x", service="S2", min_interval=5.0)
        c.request("GET", srv.url + "/x", service="S2", min_interval=5.0)
        c.request("GET", srv.url + "/x", service="Other")
    assert len(sleeps) == 1 and 4.0 < sleeps[0] <= 5.0


def test_config_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCLLM_HTTP_TIMEOUT", "7.5")
    monkeypatch.setenv("LCLLM_HTTP_RETRIES", "1")
    monkeypatch.setenv("LCLLM_CACHE_TTL", "2h")
    cfg = HttpConfig.from_env()
    assert (cfg.timeout, cfg.retries, cfg.ttl, cfg.offline) == (7.5, 1, 7200.0, False)
    assert HttpConfig.from_env(ttl=5, offline=True).ttl == 5
    monkeypatch.setenv("LCLLM_HTTP_TIMEOUT", "fast")
    with pytest.raises(UsageError, match="LCLLM_HTTP_TIMEOUT='fast' is not a number"):
        HttpConfig.from_env()


def test_defaults() -> None:
    cfg = HttpConfig()
    assert (cfg.timeout, cfg.ttl) == (30.0, 86400.0)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90.0), ("90s", 90.0), ("30m", 1800.0), ("12h", 43200.0), ("7d", 604800.0), ("0", 0.0)]
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5", "1w", "h"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(UsageError):
        parse_duration(text)


def test_parse_retry_after() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60.0


# ------------------------------------------------------------------------------- requests side by side (gather)


def _slow(seconds: float) -> Callable[[Request], Reply]:
    def handle(req: Request) -> Reply:
        time.sleep(seconds)
        if req.path.startswith("/fail"):
            return Reply(500)
        return ok({"path": req.path})

    return handle


def _get(client: HttpClient, url: str, *, service: str = "Hub", interval: float = 0.0) -> str:
    answer = client.request("GET", url, service=service, min_interval=interval)
    if answer.status != 200:
        raise NetworkError(f"HTTP {answer.status}")
    return str(answer.json()["path"])


def test_gather_runs_requests_side_by_side_up_to_the_per_host_limit() -> None:
    with StubServer(_slow(0.2)) as srv, HttpClient(HttpConfig(retries=0, per_host=3, concurrency=8)) as client:
        got = client.gather(lambda u: _get(client, u), [f"{srv.url}/item/{n}" for n in range(10)])
        assert client.peak_per_host == {"127.0.0.1": 3}
        assert srv.peak == 3
    assert got == [f"/item/{n}" for n in range(10)]  # in the order asked, whatever order they came in


def test_gather_never_exceeds_the_overall_limit() -> None:
    with StubServer(_slow(0.15)) as srv, HttpClient(HttpConfig(retries=0, per_host=8, concurrency=2)) as client:
        client.gather(lambda u: _get(client, u), [f"{srv.url}/item/{n}" for n in range(6)])
        assert srv.peak == 2


def test_a_paced_service_is_asked_one_request_at_a_time(srv: StubServer) -> None:
    srv.handler, srv.peak = _slow(0.05), 0
    with HttpClient(HttpConfig(retries=0, per_host=8, concurrency=8)) as client:
        got = client.gather(
            lambda u: _get(client, u, service="arXiv", interval=0.01), [f"{srv.url}/a/{n}" for n in range(5)]
        )
    assert len(got) == 5 and srv.peak == 1


def test_an_item_that_fails_gets_its_error_and_the_others_their_answers(srv: StubServer) -> None:
    srv.handler = _slow(0.0)
    urls = [f"{srv.url}/item/1", f"{srv.url}/fail/2", f"{srv.url}/item/3"]
    with HttpClient(HttpConfig(retries=0, per_host=4)) as client:
        got = client.gather(lambda u: _get(client, u), urls)
    assert got[0] == "/item/1" and got[2] == "/item/3"
    assert isinstance(got[1], NetworkError)


def test_anything_but_an_lcllm_error_is_raised_from_gather(srv: StubServer) -> None:
    def boom(n: int) -> int:
        if n == 2:
            raise KeyboardInterrupt
        return n

    with HttpClient(HttpConfig()) as client, pytest.raises(KeyboardInterrupt):
        client.gather(boom, range(4))


def test_the_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCLLM_HTTP_CONCURRENCY", "3")
    monkeypatch.setenv("LCLLM_HTTP_PER_HOST", "2")
    cfg = HttpConfig.from_env()
    assert (cfg.concurrency, cfg.per_host) == (3, 2)
    monkeypatch.setenv("LCLLM_HTTP_PER_HOST", "0")
    with pytest.raises(UsageError, match="LCLLM_HTTP_PER_HOST"):
        HttpConfig.from_env()


# --------------------------------------------------------------------------------------------- for link checks


def test_redirects_can_be_left_to_the_caller(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = lambda req: Reply(301, headers={"Location": "/new"}) if req.path == "/old" else ok()
    c, _ = client(tmp_path)
    with c:
        answer = c.request("GET", srv.url + "/old", service="Test", follow_redirects=False)
        followed = c.request("GET", srv.url + "/old", service="Test")
    assert answer.status == 301 and answer.headers["location"] == "/new" and not answer.redirected
    assert followed.status == 200 and followed.redirected


def test_head_is_not_refused_for_the_size_it_announces(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(Reply(200, b"x" * 4096))
    c, _ = client(tmp_path, max_bytes=1024)
    with c:
        answer = c.request("HEAD", srv.url + "/big.pdf", service="Test")
    assert answer.status == 200 and answer.body == b"" and srv.requests[0].method == "HEAD"


def test_starts_to_one_host_are_spaced_by_the_host_interval(srv: StubServer, tmp_path: Path) -> None:
    srv.handler = Script(ok())
    c, sleeps = client(tmp_path, host_interval=0.5)
    with c:
        for n in range(3):
            c.request("GET", f"{srv.url}/{n}", service=f"page {n}")  # three services, one host
    # the second request waits for its turn (0.5 s after the first started), the third for the next (1 s): each wait
    # is seen twice, in the queue and once its places are held (the sleep here does not sleep, so both wait in full)
    waits = sorted(sleeps)
    assert len(waits) == 4 and 0.3 < waits[0] <= waits[1] <= 0.5 < waits[2] <= waits[3] <= 1.0


def test_nothing_starts_after_the_deadline(srv: StubServer, tmp_path: Path) -> None:
    from lcllm_cli.sources.http import RequestFailed

    srv.handler = Script(ok())
    c, _ = client(tmp_path, deadline=time.monotonic() - 1)
    with c, pytest.raises(RequestFailed) as caught:
        c.request("GET", srv.url + "/x", service="Test")
    assert caught.value.failure == "deadline" and not srv.requests


def test_a_retry_that_would_wait_past_the_deadline_is_not_waited_for(srv: StubServer, tmp_path: Path) -> None:
    from lcllm_cli.sources.http import RequestFailed

    srv.handler = Script(Reply(429, headers={"Retry-After": "60"}))
    c, sleeps = client(tmp_path, deadline=time.monotonic() + 30, retries=3)
    with c, pytest.raises(RequestFailed) as caught:
        c.request("GET", srv.url + "/x", service="Test")
    assert caught.value.failure == "deadline" and sleeps == [] and len(srv.requests) == 1


def test_a_failed_request_says_how_it_failed(srv: StubServer, tmp_path: Path) -> None:
    from lcllm_cli.sources.http import RequestFailed

    srv.handler = Script(Reply(503))
    c, _ = client(tmp_path, retries=1, backoff=0)
    with c, pytest.raises(RequestFailed) as caught:
        c.request("GET", srv.url + "/x", service="Test")
    assert (caught.value.failure, caught.value.status) == ("status", 503)
    with c, pytest.raises(RequestFailed) as refused:
        c.request("GET", "http://127.0.0.1:9/x", service="Test")
    assert refused.value.failure == "connect" and refused.value.status is None


# ------------------------------------------------------------------------------------------ the network budget


def _silent(req: Request) -> Reply:
    time.sleep(3)  # accepts the connection and says nothing (for longer than any budget below)
    return ok()


def test_a_silent_service_ends_at_the_budget_with_one_line_naming_it() -> None:
    """A server that never answers costs the run its budget, not four timeouts and the backoff between them."""
    with StubServer(_silent) as srv, HttpClient(HttpConfig(timeout=30, retries=3, backoff=0, budget=0.4)) as client:
        with pytest.raises(NetworkError) as err:
            client.request("GET", srv.url + "/x", service="GitHub")
        assert len(srv.requests) == 1  # cut off in flight: no retry started after the budget ran out
    assert err.value.message.startswith("GitHub did not answer within this run's network budget of 0.4 s")
    assert "LCLLM_NETWORK_BUDGET" in (err.value.hint or "")


def test_no_request_starts_once_the_budget_is_spent(srv: StubServer) -> None:
    srv.handler = lambda req: Reply(503)
    sleeps = Sleeps()
    config = HttpConfig(retries=5, backoff=10.0, budget=5.0, sleep=sleeps)
    with HttpClient(config) as client, pytest.raises(NetworkError, match="network budget of 5 s"):
        client.request("GET", srv.url + "/x", service="S2")
    assert len(srv.requests) == 1 and sleeps == []  # a 10 s backoff does not fit in what is left: none is waited


def test_the_budget_comes_from_the_command_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from lcllm_cli.sources.http import scale_budget

    assert HttpConfig.from_env().budget == 45.0
    assert HttpConfig.from_env(budget=None).budget is None
    cfg = HttpConfig.from_env()
    scale_budget(cfg, 10, 2.0)
    assert cfg.budget == 65.0  # a run with more to do gets more time
    monkeypatch.setenv("LCLLM_NETWORK_BUDGET", "2m")
    cfg = HttpConfig.from_env()
    scale_budget(cfg, 10, 2.0)
    assert cfg.budget == 120.0  # what the user set stands
    monkeypatch.setenv("LCLLM_NETWORK_BUDGET", "soon")
    with pytest.raises(UsageError, match="LCLLM_NETWORK_BUDGET"):
        HttpConfig.from_env()


def test_waiting_names_the_service_a_request_is_in_flight_for() -> None:
    import threading

    from lcllm_cli.sources.http import waiting

    with StubServer(lambda req: (time.sleep(0.5), ok())[1]) as srv, HttpClient(HttpConfig(retries=0)) as client:
        worker = threading.Thread(target=client.request, args=("GET", srv.url + "/x"), kwargs={"service": "the Hub"})
        worker.start()
        seen = None
        for _ in range(200):
            seen = waiting()
            if seen is not None:
                break
            time.sleep(0.005)
        worker.join()
    assert seen is not None and seen[0] == "the Hub"
    assert waiting() is None  # nothing in flight any more


def test_a_gzip_bomb_is_refused_at_the_cap_of_decoded_bytes_without_inflating_it() -> None:
    """A megabyte of gzip inflating to 64 MB: refused once the decoded bytes pass the cap (1 MB), and never held
    whole (httpx alone inflates each network chunk at once, ~64 MB for 64 KB of zeros)."""
    import gzip
    import tracemalloc

    from lcllm_cli.sources.http import AnswerTooLargeError
    from tests.stubserver import Reply, StubServer

    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    with (
        StubServer(lambda req: Reply(200, bomb, {"Content-Encoding": "gzip"}, "application/json")) as srv,
        HttpClient(HttpConfig(timeout=20, retries=0, max_bytes=1024 * 1024)) as client,
    ):
        tracemalloc.start()
        try:
            with pytest.raises(AnswerTooLargeError, match="larger than 1 MB"):
                client.request("GET", srv.url + "/bomb", service="Bomb")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak


def test_a_broken_gzip_answer_is_one_clear_error_naming_the_service() -> None:
    from tests.stubserver import Reply, StubServer

    broken = Reply(200, b"\x1f\x8b\x08\0broken", {"Content-Encoding": "gzip"}, "text/html")
    with (
        StubServer(lambda req: broken) as srv,
        HttpClient(HttpConfig(timeout=5, retries=0)) as client,
        pytest.raises(NetworkError, match="Broken sent an answer that cannot be decoded"),
    ):
        client.request("GET", srv.url + "/x", service="Broken")


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "deflate", "deflate (raw)", "identity"])
def test_compressed_answers_are_decoded(coding: str) -> None:
    """The bounded inflating of gzip and deflate gives the same bytes httpx would (zlib-wrapped and raw deflate
    alike, as servers send both under ``deflate``); a page read for its head gets the head of the decoded bytes."""
    import gzip
    import zlib

    from tests.stubserver import Reply, StubServer

    text = json.dumps({"items": [f"value {n}" for n in range(5000)]})
    raw = text.encode()
    if coding in ("gzip", "x-gzip"):
        body = gzip.compress(raw)
    elif coding == "deflate":
        body = zlib.compress(raw)
    elif coding == "deflate (raw)":
        pack = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = pack.compress(raw) + pack.flush()
    else:
        body = raw
    header = {"Content-Encoding": coding.split()[0]}
    with (
        StubServer(lambda req: Reply(200, body, header, "application/json")) as srv,
        HttpClient(HttpConfig(timeout=5, retries=0)) as client,
    ):
        assert client.request("GET", srv.url + "/x", service="Z").json() == json.loads(text)
        head = client.request("GET", srv.url + "/y", service="Z", prefix=100)
    assert head.body == raw[:100]
