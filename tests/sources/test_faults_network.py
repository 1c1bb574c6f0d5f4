"""Every network fault of issue 7, against a stand-in on 127.0.0.1, for every command that goes out.

The matrix: arXiv through ``add`` and ``refresh``, Semantic Scholar through ``enrich --citations``, GitHub through
``enrich --stars``; each fault below ends in one ``error:`` line (no traceback), exit code 1, and an
``entries.toml`` that is byte for byte what it was (every request failed, so nothing succeeded to be written).
Partial success (a later batch failing) is covered in tests/commands/test_add.py, tests/commands/test_refresh.py and
tests/commands/test_enrich.py.

Retries, backoff, pacing and timeouts are made short through the environment, so the whole file runs in seconds.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library
from tests.arxiv_stub import ArxivStub, error_feed
from tests.stubserver import Reply, Request, StubServer

LCLLM = Path(sys.executable).with_name("lcllm")
TIMEOUT = "0.4"  # seconds, LCLLM_HTTP_TIMEOUT for every service


# --------------------------------------------------------------------------------------------- the services


@dataclass(frozen=True)
class Service:
    """One command that talks to one service: how to call it, what a good answer looks like."""

    name: str
    argv: tuple[str, ...]
    entries: tuple[Entry, ...]
    good: Callable[[Request], Reply]  # a correct answer (faults are built from it)
    env_var: str  # the base URL variable
    path: str  # appended to the stand-in's URL for env_var


_ARXIV = ArxivStub()  # used only to render correct feeds; never started


def _arxiv_good(req: Request) -> Reply:
    return _ARXIV.answer(req.query)


def _s2_good(req: Request) -> Reply:
    if req.path.endswith("/paper/batch"):
        ids = json.loads(req.body)["ids"]
        return _json([{"paperId": f"p{n}", "citationCount": 7} for n, _ in enumerate(ids)])
    return _json({"message": "no such endpoint"}, 404)


def _gh_good(req: Request) -> Reply:
    if req.path.endswith("/rate_limit"):
        core = {"limit": 60, "remaining": 60, "reset": 1_900_000_000}
        return _json({"resources": {"core": core}, "rate": core})
    if req.path.endswith("/repos/owner/tool"):
        return _json(
            {"full_name": "owner/tool", "html_url": "https://github.com/owner/tool", "stargazers_count": 5},
        )
    return _json({"message": "Not Found"}, 404)


def _json(data: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data), content_type="application/json")


PAPERS = (
    Entry(kind="paper", title="First paper", arxiv="2402.00001", version=1),
    Entry(kind="paper", title="Second paper", arxiv="2402.00002", version=1),
)
PROJECT = Entry(kind="project", title="tool", section="Projects", url="https://github.com/owner/tool")

SERVICES = {
    "add": Service(
        "arXiv", ("add", "2403.00001", "2403.00002"), PAPERS, _arxiv_good, "LCLLM_ARXIV_API_URL", "/api/query"
    ),
    "refresh": Service("arXiv", ("refresh", "--ttl", "0"), PAPERS, _arxiv_good, "LCLLM_ARXIV_API_URL", "/api/query"),
    "citations": Service(
        "Semantic Scholar", ("enrich", "--citations", "--ttl", "0"), PAPERS, _s2_good, "LCLLM_S2_API_URL", "/graph/v1"
    ),
    "stars": Service(
        "GitHub", ("enrich", "--stars", "--ttl", "0"), (PROJECT,), _gh_good, "LCLLM_GITHUB_API_URL", "/gh"
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[StubServer]:
    with StubServer(lambda req: Reply(500)) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "LCLLM_HTTP_TIMEOUT": TIMEOUT,
        "LCLLM_HTTP_RETRIES": "1",
        "LCLLM_HTTP_BACKOFF": "0",
        "LCLLM_S2_INTERVAL": "0",
        "LCLLM_ARXIV_DELAY": "0",
        "LCLLM_ARXIV_BACKOFF": "0",
        "LCLLM_ARXIV_TRIES": "2",
    }.items():
        monkeypatch.setenv(name, value)


def seeded(tmp_path: Path, service: Service) -> Path:
    path = tmp_path / "entries.toml"
    lib = Library(title="Faults")
    lib.add_entries([Entry(**{f: getattr(e, f) for f in e.__slots__}) for e in service.entries])  # copies
    store.save(lib, path)
    return path


def run(path: Path, service: Service) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--file", str(path), *service.argv])
    return result.exit_code, result.output


def one_clear_error(output: str) -> str:
    """The single ``error:`` line of ``output`` (asserting there is exactly one, and no traceback)."""
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    return errors[0]


# --------------------------------------------------------------------------------------------- the faults

_RELEASE = threading.Event()


def _hang(req: Request) -> Reply:
    _RELEASE.wait(5)
    return Reply.close()


def _truncated_body(good: Reply) -> Reply:
    """A correct answer cut in the middle, with a Content-Length that matches the cut (a broken document)."""
    body = good.body.encode() if isinstance(good.body, str) else good.body
    return Reply(good.status, body[: len(body) * 2 // 3], content_type=good.content_type)


FAULTS: dict[str, Callable[[Service], Callable[[Request], Reply]]] = {
    "never answers": lambda s: _hang,
    "closes mid-response": lambda s: lambda req: _with(s.good(req), truncate_to=40),
    "closes without answering": lambda s: lambda req: Reply.close(),
    "429 with Retry-After": lambda s: lambda req: Reply(429, "slow down", {"Retry-After": "0"}, "text/plain"),
    "429 asking for an hour": lambda s: lambda req: Reply(429, "slow down", {"Retry-After": "3600"}, "text/plain"),
    "503": lambda s: lambda req: Reply(503, "<html>busy</html>", content_type="text/html"),
    "truncated document": lambda s: lambda req: _truncated_body(s.good(req)),
    "malformed": lambda s: (
        lambda req: Reply(200, "<feed><entry><id>x</i></feed>{[", content_type=s.good(req).content_type)
    ),
    "wrong content type (HTML page)": lambda s: (
        lambda req: Reply(
            200, "<!doctype html><html><body><p>Please sign in<br></body></html>", content_type="text/html"
        )
    ),
    "empty answer": lambda s: lambda req: Reply(200, "", content_type=s.good(req).content_type),
    "XML entity bomb": lambda s: lambda req: Reply(200, _BOMB, content_type=s.good(req).content_type),
}


# "Billion laughs": a few hundred bytes that expand to gigabytes if entities are expanded.
_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + ']>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>&l9;</title><opensearch:totalResults>0'
    + "</opensearch:totalResults></feed>\n"
)


def _with(reply: Reply, **changes: object) -> Reply:
    for k, v in changes.items():
        setattr(reply, k, v)
    return reply


# What the error line says, per fault and service (a few words that a user can act on).
EXPECTED: dict[tuple[str, str], str] = {
    ("never answers", "arXiv"): f"no answer within {TIMEOUT} s",
    ("never answers", "*"): f"no answer within {TIMEOUT} s",
    ("closes mid-response", "arXiv"): "the answer was cut off",
    ("closes mid-response", "*"): "the answer was cut off",
    ("closes without answering", "*"): "closed the connection without answering",
    ("429 with Retry-After", "*"): "HTTP 429",
    ("429 asking for an hour", "*"): "wait 3600 s",
    ("503", "*"): "HTTP 503",
    ("truncated document", "arXiv"): "not well-formed XML",
    ("truncated document", "Semantic Scholar"): "not JSON",
    ("truncated document", "GitHub"): "GitHub gave an unexpected answer for owner/tool",
    ("malformed", "arXiv"): "not well-formed XML",
    ("malformed", "Semantic Scholar"): "not JSON",
    ("malformed", "GitHub"): "GitHub gave an unexpected answer for owner/tool",
    ("wrong content type (HTML page)", "arXiv"): "not an Atom feed",
    ("wrong content type (HTML page)", "Semantic Scholar"): "not JSON",
    ("wrong content type (HTML page)", "GitHub"): "GitHub gave an unexpected answer for owner/tool",
    ("empty answer", "arXiv"): "not an Atom feed",
    ("empty answer", "Semantic Scholar"): "not JSON",
    ("empty answer", "GitHub"): "GitHub gave an unexpected answer for owner/tool",
    ("XML entity bomb", "arXiv"): "limit on input amplification factor",
    ("XML entity bomb", "Semantic Scholar"): "not JSON",
    ("XML entity bomb", "GitHub"): "GitHub gave an unexpected answer for owner/tool",
}


def expected(fault: str, service: Service) -> str:
    return EXPECTED.get((fault, service.name)) or EXPECTED[(fault, "*")]


def point_at(monkeypatch: pytest.MonkeyPatch, service: Service, url: str) -> None:
    monkeypatch.setenv(service.env_var, url + service.path)


@pytest.mark.parametrize("command", list(SERVICES))
@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_is_one_clear_line_exit_1_and_the_list_untouched(
    server: StubServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str, fault: str
) -> None:
    service = SERVICES[command]
    server.handler = FAULTS[fault](service)
    server.requests.clear()
    point_at(monkeypatch, service, server.url)
    path = seeded(tmp_path, service)
    before = path.read_bytes()
    try:
        code, output = run(path, service)
    finally:
        _RELEASE.set()
        _RELEASE.clear()
    line = one_clear_error(output)
    assert expected(fault, service) in line, output
    assert service.name in line, output
    assert code == 1, output
    assert path.read_bytes() == before
    assert server.requests, "the fault was never reached"


@pytest.mark.parametrize("command", list(SERVICES))
def test_connection_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str) -> None:
    service = SERVICES[command]
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    point_at(monkeypatch, service, f"http://127.0.0.1:{port}")
    path = seeded(tmp_path, service)
    before = path.read_bytes()
    code, output = run(path, service)
    line = one_clear_error(output)
    assert "Connection refused" in line or "cannot connect" in line, output
    assert code == 1
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", ["add", "refresh"])
def test_arxiv_http_400_error_feed(
    server: StubServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    """arXiv's own answer to an id it rejects: HTTP 400 and an Atom feed whose one entry is the error."""
    service = SERVICES[command]
    server.handler = lambda req: Reply(400, error_feed("2403.00001"))
    server.requests.clear()
    point_at(monkeypatch, service, server.url)
    path = seeded(tmp_path, service)
    before = path.read_bytes()
    code, output = run(path, service)
    line = one_clear_error(output)
    assert "arXiv rejected the request (HTTP 400: incorrect id format for 2403.00001)" in line
    assert code == 1
    assert len(server.requests) == 1  # a 400 is not retried
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", list(SERVICES))
def test_an_answer_of_tens_of_megabytes_is_refused(
    server: StubServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    service = SERVICES[command]
    huge = b" " * (40 * 1024 * 1024)
    server.handler = lambda req: Reply(200, huge, content_type=service.good(req).content_type)
    server.requests.clear()
    point_at(monkeypatch, service, server.url)
    path = seeded(tmp_path, service)
    before = path.read_bytes()
    code, output = run(path, service)
    line = one_clear_error(output)
    assert f"{service.name} sent an answer larger than 16 MB" in line
    assert "LCLLM_MAX_ANSWER_MB" in output  # the hint
    assert code == 1
    assert path.read_bytes() == before
    assert len(server.requests) == 1  # never retried (for GitHub the refused one is the quota check)


# --------------------------------------------------------------------------------------------- endless answers


class EndlessServer:
    """A raw HTTP server that answers 200 with a chunked body that never ends (fast, or one byte at a time)."""

    def __init__(self, *, trickle: bool) -> None:
        self.trickle = trickle
        self.sent = 0
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> EndlessServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        chunk = b"a" if self.trickle else b"<" * (256 * 1024)
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                while not self._stop.is_set():
                    conn.sendall(frame)
                    self.sent += len(chunk)
                    if self.trickle:
                        self._stop.wait(0.02)
            except OSError:
                return


def _run_executable(path: Path, service: Service, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LCLLM), "--file", str(path), *service.argv],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("command", ["add", "citations", "stars"])
def test_an_endless_answer_stops_at_the_cap_with_bounded_memory(tmp_path: Path, command: str) -> None:
    """No Content-Length to go by: the bytes read are counted, and reading stops at the cap (1 MB here)."""
    service = SERVICES[command]
    path = seeded(tmp_path, service)
    before = path.read_bytes()
    with EndlessServer(trickle=False) as srv:
        proc = _run_executable(
            path,
            service,
            {service.env_var: srv.url + service.path, "LCLLM_MAX_ANSWER_MB": "1", "LCLLM_HTTP_TIMEOUT": "30"},
        )
        sent = srv.sent
    line = one_clear_error(proc.stderr)
    assert "larger than 1 MB" in line, proc.stderr
    assert proc.returncode == 1
    assert path.read_bytes() == before
    assert sent < 40 * 1024 * 1024  # it stopped reading (socket buffers hold a few MB at most)


@pytest.mark.parametrize("command", ["refresh", "citations", "stars"])
def test_an_answer_trickling_forever_ends_at_the_timeout(tmp_path: Path, command: str) -> None:
    """A byte every 20 ms never trips a per-read timeout: the whole answer must arrive within the timeout."""
    service = SERVICES[command]
    path = seeded(tmp_path, service)
    before = path.read_bytes()
    with EndlessServer(trickle=True) as srv:
        proc = _run_executable(
            path,
            service,
            {
                service.env_var: srv.url + service.path,
                "LCLLM_HTTP_TIMEOUT": TIMEOUT,
                "LCLLM_HTTP_RETRIES": "0",
                "LCLLM_ARXIV_TRIES": "1",
                "LCLLM_ARXIV_DELAY": "0",
                "LCLLM_S2_INTERVAL": "0",
            },
        )
    line = one_clear_error(proc.stderr)
    assert f"no answer within {TIMEOUT} s" in line or "no complete answer" in line, proc.stderr
    assert proc.returncode == 1
    assert path.read_bytes() == before


def test_a_bad_size_cap_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    service = SERVICES["citations"]
    monkeypatch.setenv("LCLLM_MAX_ANSWER_MB", "lots")
    path = seeded(tmp_path, service)
    code, output = run(path, service)
    assert "LCLLM_MAX_ANSWER_MB='lots' is not a number" in one_clear_error(output)
    assert code == 2


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_a_size_cap_that_is_no_positive_finite_number_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    service = SERVICES["citations"]
    monkeypatch.setenv("LCLLM_MAX_ANSWER_MB", value)
    path = seeded(tmp_path, service)
    code, output = run(path, service)
    assert "LCLLM_MAX_ANSWER_MB must be a positive number of megabytes" in one_clear_error(output)
    assert code == 2


@pytest.mark.parametrize("command", list(SERVICES))
def test_a_right_answer_under_a_wrong_content_type_is_judged_by_its_body(
    server: StubServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    """The declared type decides nothing: a correct body is used, whatever header comes with it (an HTML page
    under a 200 is refused above, by its body)."""
    service = SERVICES[command]
    server.handler = lambda req: _with(service.good(req), content_type="text/html; charset=utf-8")
    server.requests.clear()
    point_at(monkeypatch, service, server.url)
    path = seeded(tmp_path, service)
    before = path.read_bytes()
    code, output = run(path, service)
    assert code == 0, output
    assert "error:" not in output
    assert path.read_bytes() != before  # the answers were applied


def test_credentials_never_follow_a_redirect_to_another_host(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """S2_API_KEY and GITHUB_TOKEN go to the service they are for; a redirect elsewhere gets neither."""
    with StubServer(lambda req: _json([])) as elsewhere:

        def redirect(req: Request) -> Reply:
            return Reply(307, "", headers={"Location": elsewhere.url + req.path})

        with StubServer(redirect) as service:
            monkeypatch.setenv("LCLLM_S2_API_URL", service.url + "/graph/v1")
            monkeypatch.setenv("LCLLM_GITHUB_API_URL", service.url + "/gh")
            monkeypatch.setenv("S2_API_KEY", "s2-secret")
            monkeypatch.setenv("GITHUB_TOKEN", "gh-secret")
            path = tmp_path / "entries.toml"
            lib = Library()
            lib.add_entries([PAPERS[0], PROJECT])
            store.save(lib, path)
            result = CliRunner().invoke(app, ["--file", str(path), "enrich", "--ttl", "0"])
            assert "Traceback" not in result.output
            sent = service.requests
            got = elsewhere.requests
    assert {r.headers.get("x-api-key") for r in sent if r.path.endswith("/batch")} == {"s2-secret"}
    assert {r.headers.get("authorization") for r in sent if r.path.startswith("/gh/")} == {"Bearer gh-secret"}
    assert {r.path for r in got} >= {"/graph/v1/paper/batch", "/gh/rate_limit"}  # the redirects were followed
    for r in got:
        assert "x-api-key" not in r.headers and "authorization" not in r.headers, (r.path, r.headers)
