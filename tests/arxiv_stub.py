"""A stand-in for the arXiv query API on 127.0.0.1, built on :mod:`tests.stubserver`.

It answers like arXiv does (the documented format; tests/fixtures/arxiv/README.md):

* an ``id_list`` equal to one of the hand-written answers in tests/fixtures/arxiv (:data:`ANSWERS`) gets that
  answer verbatim (status and body);
* ids of papers in those answers get their written ``<entry>``; ids the answers show to be absent are left out;
* any other well-formed id gets a generated, valid Atom entry: a deterministic title and authors per id, version 1
  unless :meth:`ArxivStub.set_paper` says otherwise; ids marked with :meth:`ArxivStub.set_missing` are left out;
* a malformed id anywhere in ``id_list`` gets HTTP 400 and arXiv's error feed for the whole request;
* ``max_results`` (default 10, as on arXiv) and ``start`` page the answer; ``totalResults`` counts every match.

Every request is counted (``stub.requests``). Tests can make given requests (0-based, in arrival order) answer
an HTTP status with ``Retry-After`` (:meth:`fail`), hang (:meth:`hang`), drop the connection (:meth:`drop`), send half
an answer (:meth:`truncate`) or answer something that is not a feed (:meth:`garbage`); ``latency`` delays every answer.

Usage::

    with ArxivStub() as stub:
        monkeypatch.setenv("LCLLM_ARXIV_API_URL", stub.url)
        stub.set_paper("2402.13753", version=3, title="A New Title")
        stub.fail(0, status=429, retry_after="1")
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from tests import paths
from tests.stubserver import Reply, Request, StubServer

FIXTURES = paths.FIXTURES / "arxiv"
API_PATH = "/api/query"
# The hand-written answers (tests/fixtures/arxiv/README.md): id_list -> (file, HTTP status).
ANSWERS: dict[str, tuple[str, int]] = {
    "2311.04567": ("found.xml", 200),
    "hep-lat/0509112": ("old-style.xml", 200),
    "0912.10001,1802.01234": ("batch-with-absent.xml", 200),
    "1512.99999": ("absent.xml", 200),
    "qwerty": ("malformed.xml", 400),
}

FEED_OPEN = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" '
    'xmlns="http://www.w3.org/2005/Atom">\n'
)
# What arXiv itself accepts as an id (its own check, written independently of lcllm_cli.ids).
VALID_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_VERSIONED = re.compile(r"^(?P<base>.+?)(?:v(?P<v>\d+))?$")

_WORDS_A = ["Scaling", "Extending", "Compressing", "Retrieving", "Sparse", "Efficient", "Recurrent", "Infinite"]
_WORDS_B = ["Attention", "Memory", "Context Windows", "Position Encodings", "Transformers", "KV Caches", "Agents"]
_WORDS_C = ["Long Documents", "Million-Token Inputs", "Streaming", "Retrieval", "Code", "Dialogue", "Reasoning"]
_GIVEN = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Leslie", "Radia"]
_FAMILY = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Lamport", "Perlman"]


@dataclass
class _Action:
    kind: str  # "status", "hang", "drop", "garbage", "truncate", "drip"
    status: int = 503
    retry_after: str | None = None
    seconds: float = 30.0


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def generated_title(arxiv_id: str) -> str:
    """The title the stub gives a paper no written answer has (distinct per id)."""
    h = _digest(arxiv_id)
    a, b, c = _WORDS_A[h[0] % len(_WORDS_A)], _WORDS_B[h[1] % len(_WORDS_B)], _WORDS_C[h[2] % len(_WORDS_C)]
    return f"{a} {b} for {c}: Stub Study {arxiv_id}"


def generated_authors(arxiv_id: str) -> list[str]:
    h = _digest(arxiv_id)
    return [f"{_GIVEN[h[3 + i] % len(_GIVEN)]} {_FAMILY[h[6 + i] % len(_FAMILY)]}" for i in range(1 + h[9] % 3)]


def _published(base: str) -> str:
    yymm = base.rsplit("/", 1)[-1][:4]
    yy, mm = int(yymm[:2]), int(yymm[2:])
    year = 1900 + yy if "/" in base and yy >= 91 else 2000 + yy
    return f"{year:04d}-{mm:02d}-15T12:00:00Z"


class ArxivStub:
    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency
        self.papers: dict[str, dict[str, object]] = {}
        self.missing: set[str] = set()
        self._actions: dict[int | None, _Action] = {}
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._count = 0
        self.arrivals: list[float] = []  # time.monotonic() of each request's arrival
        self.inflate_total = 0  # added to totalResults: makes a client ask for a page beyond the answer
        self._answers: dict[str, tuple[int, str]] = {}
        self._written_entries: dict[str, str] = {}
        self._written_absent: set[str] = set()
        self._load_fixtures()
        self.server = StubServer(self._handle)

    # ------------------------------------------------------------------------------------------ setup

    def _load_fixtures(self) -> None:
        for id_list, (name, status) in ANSWERS.items():
            body = (FIXTURES / name).read_text(encoding="utf-8")
            self._answers[id_list] = (status, body)
            if status != 200:
                continue
            found: set[str] = set()
            for block in re.findall(r"  <entry>.*?</entry>\n", body, re.DOTALL):
                m = re.search(r"<id>https?://arxiv\.org/abs/(.+?)</id>", block)
                assert m, block
                base = _VERSIONED.match(m.group(1))["base"]  # type: ignore[index]
                self._written_entries[base] = block
                found.add(base)
            self._written_absent.update(i for i in id_list.split(",") if i not in found)

    def set_paper(
        self,
        arxiv_id: str,
        *,
        version: int | None = None,
        title: str | None = None,
        authors: list[str] | None = None,
        category: str | None = None,
    ) -> None:
        """Generate ``arxiv_id`` with this latest version, title, authors or primary category (even if a written
        answer in tests/fixtures/arxiv has it)."""
        info = self.papers.setdefault(arxiv_id, {})
        if category is not None:
            info["category"] = category
        if version is not None:
            info["version"] = version
        if title is not None:
            info["title"] = title
        if authors is not None:
            info["authors"] = authors
        self.missing.discard(arxiv_id)

    def set_missing(self, *arxiv_ids: str) -> None:
        """arXiv does not know these ids: they are left out of every answer (HTTP 200)."""
        self.missing.update(arxiv_ids)

    def _plan(self, requests: tuple[int, ...], action: _Action) -> None:
        for n in requests or (None,):
            self._actions[n] = action

    def fail(self, *requests: int, status: int = 503, retry_after: str | None = None) -> None:
        """Answer these requests (all if none given) with ``status`` (and ``Retry-After``)."""
        self._plan(requests, _Action("status", status=status, retry_after=retry_after))

    def hang(self, *requests: int, seconds: float = 30.0) -> None:
        """Accept these requests (all if none given) and say nothing for ``seconds`` (or until the stub stops)."""
        self._plan(requests, _Action("hang", seconds=seconds))

    def drop(self, *requests: int) -> None:
        """Close the connection of these requests without an answer."""
        self._plan(requests, _Action("drop"))

    def truncate(self, *requests: int) -> None:
        """Send only the first half of the answer to these requests, then close the connection."""
        self._plan(requests, _Action("truncate"))

    def drip(self, *requests: int, seconds: float = 0.05) -> None:
        """Answer these requests one byte every ``seconds``: a connection that never goes quiet long enough for a
        read timeout, and never finishes."""
        self._plan(requests, _Action("drip", seconds=seconds))

    def garbage(self, *requests: int) -> None:
        """Answer these requests with HTTP 200 and an HTML page instead of a feed."""
        self._plan(requests, _Action("garbage"))

    def reset(self) -> None:
        """Forget papers, missing ids, planned failures and counted requests (one server for many tests)."""
        self._release.set()  # free handlers still hanging from an earlier test
        with self._lock:
            self._release = threading.Event()
            self._count = 0
            self.arrivals.clear()
            self.inflate_total = 0
            self.latency = 0.0
            self.papers.clear()
            self.missing.clear()
            self._actions.clear()
            self.server.requests.clear()

    # ------------------------------------------------------------------------------------------ serving

    def __enter__(self) -> ArxivStub:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        """The full query URL, for LCLLM_ARXIV_API_URL."""
        return self.server.url + API_PATH

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    @property
    def id_lists(self) -> list[list[str]]:
        """The ids of each request, in order."""
        return [[i for i in r.query.get("id_list", [""])[0].split(",") if i] for r in self.requests]

    @property
    def sent_ids(self) -> list[str]:
        return [i for ids in self.id_lists for i in ids]

    def _handle(self, req: Request) -> Reply:
        with self._lock:
            n = self._count
            self._count += 1
            self.arrivals.append(time.monotonic())
            release = self._release
            action = self._actions.get(n) or self._actions.get(None)
        if self.latency:
            release.wait(self.latency)
        if action is not None:
            if action.kind == "status":
                headers = {"Retry-After": action.retry_after} if action.retry_after is not None else {}
                body = f"{action.status} stand-in says no"
                return Reply(action.status, body, headers=headers, content_type="text/plain")
            if action.kind == "drop":
                return Reply.close()
            if action.kind == "garbage":
                return Reply(200, "<html><body>Service temporarily unavailable</body></html>", content_type="text/html")
            if action.kind == "hang" and release.wait(action.seconds):
                return Reply.close()  # the test is over: the client is gone, do not write to it
        if req.path != API_PATH:
            return Reply(404, "not found", content_type="text/plain")
        reply = self.answer(req.query)
        if action is not None and action.kind == "truncate":
            reply.truncate_to = len(reply.body) // 2
        if action is not None and action.kind == "drip":
            reply.drip = action.seconds
        return reply

    def answer(self, query: dict[str, list[str]]) -> Reply:
        """arXiv's answer to a query string (already parsed)."""
        id_list = query.get("id_list", [""])[0]
        ids = [i for i in id_list.split(",") if i]
        start = int(query.get("start", ["0"])[0] or 0)
        max_results = int(query.get("max_results", ["10"])[0] or 10)
        if id_list in self._answers and not any(_VERSIONED.match(i)["base"] in self.papers for i in ids):  # type: ignore[index]
            status, body = self._answers[id_list]
            return Reply(status, body)
        bad = [i for i in ids if not VALID_ID.fullmatch(i)]
        if bad:
            return Reply(400, error_feed(bad[0]))
        entries = [e for e in (self._entry(i) for i in ids) if e is not None]
        page = entries[start : start + max_results]
        total = len(entries) + self.inflate_total
        return Reply(200, feed(page, total=total, start=start, per_page=max_results, id_list=id_list))

    def _entry(self, asked: str) -> str | None:
        m = _VERSIONED.match(asked)
        assert m
        base, want = m["base"], int(m["v"]) if m["v"] else None
        if base in self.missing:
            return None
        info = self.papers.get(base)
        if info is None:
            if base in self._written_entries:
                return self._written_entries[base]
            if base in self._written_absent:
                return None
            info = {}
        latest = int(info.get("version", 1))  # type: ignore[call-overload]
        version = want or latest
        if version > latest:
            return None
        title = str(info.get("title") or generated_title(base))
        authors = info.get("authors") or generated_authors(base)
        published = _published(base)
        updated = published.replace("-15T", f"-{15 + min(version - 1, 13):02d}T")
        authors_xml = "".join(f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n" for a in authors)  # type: ignore[union-attr]
        return (
            "  <entry>\n"
            f"    <id>http://arxiv.org/abs/{base}v{version}</id>\n"
            f"    <title>{escape(title)}</title>\n"
            f"    <updated>{updated}</updated>\n"
            f'    <link href="https://arxiv.org/abs/{base}v{version}" rel="alternate" type="text/html"/>\n'
            f'    <link href="https://arxiv.org/pdf/{base}v{version}" rel="related" type="application/pdf" '
            'title="pdf"/>\n'
            f"    <summary>  We study {escape(title.lower())}.\n  Generated by the stand-in for {base}.</summary>\n"
            '    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>\n'
            '    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>\n'
            f"    <published>{published}</published>\n"
            f"    <arxiv:comment>{version * 10} pages</arxiv:comment>\n"
            f"    <arxiv:primary_category term={quoteattr(str(info.get('category') or 'cs.CL'))}/>\n"
            f"{authors_xml}"
            "  </entry>\n"
        )


def feed(entries: list[str], *, total: int, start: int, per_page: int, id_list: str) -> str:
    query = f"search_query=&amp;id_list={escape(id_list)}&amp;start={start}&amp;max_results={per_page}"
    return (
        FEED_OPEN
        + "  <id>https://arxiv.org/api/stand-in</id>\n"
        + f"  <title>arXiv Query: {query}</title>\n"
        + "  <updated>2026-04-12T22:10:19Z</updated>\n"
        + f'  <link href={quoteattr("https://arxiv.org/api/query?" + query)} type="application/atom+xml"/>\n'
        + f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
        + f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
        + f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
        + "".join(entries)
        + "</feed>\n"
    )


def error_feed(bad_id: str) -> str:
    """arXiv's HTTP 400 answer for a malformed id (the shape of tests/fixtures/arxiv/malformed.xml)."""
    slug = re.sub(r"\W", "_", f"incorrect id format for {bad_id}")
    return (
        FEED_OPEN
        + "  <id>https://arxiv.org/</id>\n"
        + "  <title>arXiv Search Results</title>\n"
        + "  <updated>2026-04-12T22:59:06Z</updated>\n"
        + "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n"
        + "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        + "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        + "  <entry>\n"
        + f"    <id>https://arxiv.org/api/errors#{escape(slug)}</id>\n"
        + "    <title>Error</title>\n"
        + "    <updated>2026-04-12T22:59:06Z</updated>\n"
        + f'    <link href="https://arxiv.org/api/errors#{escape(slug)}" rel="alternate" type="text/html"/>\n'
        + f"    <summary>incorrect id format for {escape(bad_id)}</summary>\n"
        + "    <author>\n      <name>arXiv api core</name>\n    </author>\n"
        + "  </entry>\n"
        + "</feed>\n"
    )
