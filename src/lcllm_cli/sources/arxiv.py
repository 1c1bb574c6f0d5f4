"""arXiv metadata: up to 100 ids per request, through the run's one HTTP client, polite, bounded, retried.

What this module adds to :class:`~lcllm_cli.sources.http.HttpClient` (which brings the timeouts, retries on 429 and
5xx with ``Retry-After``, the size cap and the user agent of every service):

* batches of at most ``batch_size`` (100) canonical ids (never a version, so the answer is the latest version),
  ``max_results`` set to the batch size;
* arXiv's terms: at least ``delay`` seconds (``LCLLM_ARXIV_DELAY``, default 3) between the end of one request and
  the start of the next, ``tries`` attempts (``LCLLM_ARXIV_TRIES``, default 4) after a backoff of ``backoff``
  seconds doubling each time (``LCLLM_ARXIV_BACKOFF``, default 2), unless the server's ``Retry-After`` says;
* the endpoint from ``LCLLM_ARXIV_API_URL`` (the full query URL);
* a feed that is not well-formed XML (cut off, garbled) is retried like a dropped connection and, if it stays
  broken, is an error: papers are never taken from half a document, nor reported missing because of one;
* the Atom answer read into the ``arxiv`` package's public record of a paper, ``arxiv.Result``.

Abstracts are not stored in ``entries.toml`` (they would make the reviewed file long); :func:`save_abstracts`
keeps them in the user cache dir, one text file per paper, where :func:`load_abstract` finds them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lcllm_cli.config import env_number
from lcllm_cli.errors import LcllmError, NetworkError, UsageError
from lcllm_cli.fieldkinds import is_category, is_doi
from lcllm_cli.ids import ArxivId, try_parse_arxiv_id
from lcllm_cli.model import ARXIV_FIELDS, DEFAULT_SECTION, Entry

if TYPE_CHECKING:
    import arxiv

    from lcllm_cli.sources.http import Answer, HttpClient

DEFAULT_URL = "https://export.arxiv.org/api/query"
DEFAULT_TIMEOUT = 30.0
DEFAULT_DELAY = 3.0
DEFAULT_TRIES = 4
DEFAULT_BACKOFF = 2.0
BATCH_SIZE = 100

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ArxivConfig:
    """How to talk to arXiv. :meth:`from_env` reads the ``LCLLM_*`` variables; tests build one directly."""

    url: str = DEFAULT_URL
    timeout: float = DEFAULT_TIMEOUT  # seconds, per request
    delay: float = DEFAULT_DELAY  # seconds between requests
    batch_size: int = BATCH_SIZE
    tries: int = DEFAULT_TRIES  # attempts per batch, the first included
    backoff: float = DEFAULT_BACKOFF  # wait before the first retry; doubles each time
    max_wait: float = 300.0  # a longer Retry-After is not waited for: the batch fails with a clear message
    max_bytes: int = 16 * 1024 * 1024  # a bigger answer is refused (LCLLM_MAX_ANSWER_MB)
    sleep: Callable[[float], None] | None = None  # how to wait (default time.sleep); tests record instead

    @classmethod
    def from_env(cls, *, timeout: float | None = None) -> ArxivConfig:
        """``LCLLM_ARXIV_API_URL``, ``LCLLM_HTTP_TIMEOUT`` (unless ``timeout`` is given), ``LCLLM_ARXIV_DELAY``,
        ``LCLLM_ARXIV_TRIES`` and ``LCLLM_ARXIV_BACKOFF``. A bad value is a :class:`UsageError`."""
        url = os.environ.get("LCLLM_ARXIV_API_URL", "").strip() or DEFAULT_URL
        if not re.match(r"^https?://[^/\s]+", url):
            raise UsageError(
                f"LCLLM_ARXIV_API_URL is not an http(s) URL: {url[:80]}",
                hint=f"set it to the full query endpoint, e.g. {DEFAULT_URL}, or unset it",
            )
        if timeout is None:
            timeout = _env_number("LCLLM_HTTP_TIMEOUT", DEFAULT_TIMEOUT, minimum=0.001)
        elif timeout <= 0:
            raise UsageError(f"the timeout must be more than 0 seconds, not {timeout:g}")
        from lcllm_cli.sources.http import max_answer_bytes

        return cls(
            url=url,
            timeout=timeout,
            max_bytes=max_answer_bytes(),
            delay=_env_number("LCLLM_ARXIV_DELAY", DEFAULT_DELAY, minimum=0.0),
            tries=int(_env_number("LCLLM_ARXIV_TRIES", DEFAULT_TRIES, minimum=1.0, integer=True)),
            backoff=_env_number("LCLLM_ARXIV_BACKOFF", DEFAULT_BACKOFF, minimum=0.0),
        )


def _env_number(name: str, default: float, *, minimum: float, integer: bool = False) -> float:
    return env_number(name, default, minimum=minimum, integer=integer, unit="" if integer else "seconds")


@dataclass(slots=True)
class FetchResult:
    """What :func:`fetch` got. ``entries`` holds every paper fully fetched, even when ``error`` is set."""

    entries: dict[str, Entry] = field(default_factory=dict)  # canonical id -> paper entry
    missing: list[str] = field(default_factory=list)  # asked for, well formed, not on arXiv
    error: LcllmError | None = None  # the failure that stopped fetching (after retries)
    unfetched: list[str] = field(default_factory=list)  # ids not fetched because of ``error``
    abstracts: dict[str, str] = field(default_factory=dict)  # canonical id -> abstract
    requests: int = 0  # HTTP requests made, retries included


def fetch(
    ids: Iterable[ArxivId],
    *,
    config: ArxivConfig | None = None,
    progress: Progress | None = None,
    http: HttpClient | None = None,
) -> FetchResult:
    """Fetch the latest metadata of ``ids`` from arXiv, ``config.batch_size`` ids per request.

    Versions in ``ids`` are ignored (arXiv answers the latest version); repeated ids are asked once. A batch that
    still fails after its retries stops the fetch: ``error`` says why, ``unfetched`` lists the ids not fetched,
    ``entries`` keeps the batches that succeeded. ``progress(done, total)`` is called before the first request and
    after each batch. Requests go through ``http`` (the run's one :class:`~lcllm_cli.sources.http.HttpClient`; one
    is made from ``config`` when none is given) with arXiv's pacing and tries. Ctrl-C (KeyboardInterrupt)
    propagates.
    """
    from lcllm_cli.sources.http import HttpClient, HttpConfig

    config = config or ArxivConfig.from_env()
    wanted = list(dict.fromkeys(aid.id for aid in ids))
    out = FetchResult()
    total = len(wanted)
    if progress:
        progress(0, total)
    if not wanted:
        return out
    own = http is None
    client = http or HttpClient(
        HttpConfig(
            timeout=config.timeout,
            max_wait=config.max_wait,
            max_bytes=config.max_bytes,
            ttl=0.0,
            sleep=config.sleep,
        )
    )
    sent_before = client.requests
    size = max(1, config.batch_size)
    batches = [wanted[i : i + size] for i in range(0, total, size)]
    done = 0
    try:
        for n, batch in enumerate(batches):
            try:
                results = _fetch_batch(client, batch, config)
            except NetworkError as exc:
                out.error = exc
                out.unfetched = [i for b in batches[n:] for i in b]
                break
            asked = set(batch)
            for res in results:
                got = result_to_entry(res)
                if got is None or got[0].id not in asked:
                    continue
                out.entries[got[0].id] = got[1]
                summary = " ".join(res.summary.split())
                if summary:
                    out.abstracts[got[0].id] = summary
            out.missing.extend(i for i in batch if i not in out.entries)
            done += len(batch)
            if progress:
                progress(done, total)
    finally:
        out.requests = client.requests - sent_before
        if own:
            client.close()
    return out


def _cache_key(url: str, arxiv_id: str) -> str:
    return f"arxiv:{url}:{arxiv_id}"


def _to_cache(entry: Entry) -> dict[str, object]:
    return {"arxiv": entry.arxiv, **{name: getattr(entry, name) for name in ARXIV_FIELDS}}


def _from_cache(data: object, arxiv_id: str) -> Entry | None:
    """The paper a cache record holds, only when it is the paper ``arxiv_id`` and every field is one the list
    would accept (checked as the store checks a read file): a damaged or tampered record is a miss, fetched again,
    never a reason for a command to fail nor a foreign paper in the list."""
    from lcllm_cli.errors import LcllmError
    from lcllm_cli.store import _entry_from_dict

    if not isinstance(data, dict) or not isinstance(data.get("title"), str) or data.get("arxiv") != arxiv_id:
        return None
    fields = {k: data[k] for k in ("arxiv", *ARXIV_FIELDS) if data.get(k) is not None}
    try:
        return _entry_from_dict({"kind": "paper", **fields}, "a cached arXiv answer")
    except (LcllmError, TypeError, ValueError):
        return None


def fetch_cached(
    ids: Iterable[ArxivId],
    http: HttpClient,
    *,
    config: ArxivConfig | None = None,
    progress: Progress | None = None,
) -> FetchResult:
    """:func:`fetch`, each paper's answer (or arXiv's "no such paper") kept in the cache of ``http``: an answer
    younger than its TTL is not asked again, and with ``--offline`` the cache is all there is (a paper it does not
    hold is ``unfetched``, with an :class:`~lcllm_cli.sources.http.OfflineError`)."""
    from lcllm_cli.sources.http import OfflineError

    config = config or ArxivConfig.from_env()
    wanted = list(dict.fromkeys(aid.id for aid in ids))
    out = FetchResult()
    todo: list[str] = []
    for arxiv_id in wanted:
        stored = http.cached(_cache_key(config.url, arxiv_id))
        if isinstance(stored, dict) and stored.get("missing"):
            out.missing.append(arxiv_id)
        elif (paper := _from_cache(stored, arxiv_id)) is not None:
            out.entries[arxiv_id] = paper
        else:
            todo.append(arxiv_id)
    if todo and http.config.offline:
        out.error = OfflineError(
            f"--offline: the cache holds no arXiv answer for {len(todo)} of {len(wanted)} papers",
            hint="run the command once without --offline to fill the cache",
        )
        out.unfetched = todo
        return out
    if not todo:
        if progress:
            progress(len(wanted), len(wanted))
        return out
    done_before = len(wanted) - len(todo)
    got = fetch(
        [ArxivId(i) for i in todo],
        config=config,
        http=http,
        progress=(lambda d, t: progress(done_before + d, len(wanted))) if progress else None,
    )
    for arxiv_id, paper in got.entries.items():
        out.entries[arxiv_id] = paper
        http.remember(_cache_key(config.url, arxiv_id), _to_cache(paper))
    for arxiv_id in got.missing:
        out.missing.append(arxiv_id)
        http.remember(_cache_key(config.url, arxiv_id), {"missing": True})
    out.error, out.unfetched, out.abstracts, out.requests = got.error, got.unfetched, got.abstracts, got.requests
    return out


def result_to_entry(res: arxiv.Result, section: str = DEFAULT_SECTION) -> tuple[ArxivId, Entry] | None:
    """The paper entry for one arXiv result (None for anything that is not a paper, like arXiv's error entry)."""
    parsed = try_parse_arxiv_id(res.entry_id)
    if parsed is None:
        return None
    entry = Entry(
        kind="paper",
        title=_collapse(res.title) or parsed.id,
        section=section,
        arxiv=parsed.id,
        version=parsed.version,
        authors=[name for name in (_collapse(a.name) for a in res.authors) if name],
        published=_date(res.published),
        updated=_date(res.updated),
        # checked here, at the boundary: a category or DOI is written verbatim in the BibTeX export
        primary_category=res.primary_category if res.primary_category and is_category(res.primary_category) else None,
        categories=list(dict.fromkeys(c for c in res.categories if c and is_category(c))),
        doi=doi if (doi := _collapse(res.doi)) and is_doi(doi) else None,
        journal_ref=_collapse(res.journal_ref) or None,
        comment=_collapse(res.comment) or None,
    )
    return parsed, entry


def _collapse(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _date(value: Any) -> str | None:
    try:
        return value.date().isoformat() if value is not None and value.year > 1 else None
    except AttributeError:
        return None


# --------------------------------------------------------------------------------------------- requests


def query_url(url: str, batch: list[str]) -> str:
    """The query for ``batch`` at the endpoint ``url`` (which may carry a query of its own)."""
    from urllib.parse import urlencode

    query = urlencode({"id_list": ",".join(batch), "start": 0, "max_results": len(batch)})
    return url + ("&" if "?" in url else "?") + query


def _endpoint(url: str) -> str:
    """The URL without its query (the id list), for messages."""
    return url.split("?", 1)[0]


def _malformed(body: bytes) -> str | None:
    """Why ``body`` (a 200 answer) cannot be trusted as a feed, or None. Only feeds are judged: an HTML page or
    other text is left to :func:`_check_feed`, which names it as not a feed. A broken feed (cut off, garbled) is
    retried like a dropped connection."""
    if not re.search(rb"<(?:\w+:)?feed\b", body[:4096]):
        return None
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError as exc:
        return f"the feed is not well-formed XML ({xml.parsers.expat.ErrorString(exc.code)} at line {exc.lineno})"
    return None


def _ask(client: HttpClient, url: str, config: ArxivConfig, cache_key: str | None = None) -> Answer:
    """One request to arXiv's API, with its pacing (the 3 s rule counts every request), tries and backoff; a feed
    cut off is retried like a dropped connection; an HTTP error is raised as arXiv words it."""
    answer = client.request(
        "GET",
        url,
        service="arXiv",
        cache_key=cache_key,
        min_interval=config.delay,
        retries=config.tries - 1,
        backoff=config.backoff,
        validate=_malformed,
        shown_url=config.url,
    )
    if answer.status != 200:
        raise _http_error(answer.status, answer.text, config.url)
    return answer


def _fetch_batch(client: HttpClient, batch: list[str], config: ArxivConfig) -> list[arxiv.Result]:
    answer = _ask(client, query_url(config.url, batch), config)
    body = answer.body  # the bytes as they came: this request has no cache key, so the answer is always fresh
    results = parse_feed(body)
    if len(results) < len(batch):
        _check_feed(body, config.url)
    return results


_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"


def parse_feed(body: bytes) -> list[arxiv.Result]:
    """The papers of an arXiv Atom answer as ``arxiv.Result`` objects (the package's public record of a paper).
    arXiv's error entry and anything that is not a paper are left to :func:`result_to_entry` to drop."""
    import datetime
    import xml.etree.ElementTree as ET

    import arxiv

    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return []

    def text(node: ET.Element, tag: str) -> str:
        found = node.find(tag)
        return found.text or "" if found is not None else ""

    def when(node: ET.Element, tag: str) -> datetime.datetime:
        value = text(node, tag).strip().replace("Z", "+00:00")
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return datetime.datetime.min

    out = []
    for entry in root.iter(f"{_ATOM}entry"):
        primary = entry.find(f"{_ARXIV}primary_category")
        out.append(
            arxiv.Result(
                entry_id=text(entry, f"{_ATOM}id").strip(),
                updated=when(entry, f"{_ATOM}updated"),
                published=when(entry, f"{_ATOM}published"),
                title=" ".join(text(entry, f"{_ATOM}title").split()),
                authors=[arxiv.Result.Author(text(a, f"{_ATOM}name")) for a in entry.iter(f"{_ATOM}author")],
                summary=text(entry, f"{_ATOM}summary"),
                comment=text(entry, f"{_ARXIV}comment"),
                journal_ref=text(entry, f"{_ARXIV}journal_ref"),
                doi=text(entry, f"{_ARXIV}doi"),
                primary_category=primary.get("term", "") if primary is not None else "",
                categories=[c.get("term", "") for c in entry.iter(f"{_ATOM}category")],
            )
        )
    return out


def _http_error(status: int, body: str, url: str) -> NetworkError:
    detail = ""
    m = re.search(r"<summary>\s*([^<]{1,200}?)\s*</summary>", body)
    if m:
        detail = ": " + m.group(1)
    if status == 400:
        return NetworkError(
            f"arXiv rejected the request (HTTP 400{detail})",
            hint="lcllm checks ids before sending them; please report this id form as a bug",
        )
    return NetworkError(
        f"arXiv answered HTTP {status}{detail} ({url})",
        hint="check LCLLM_ARXIV_API_URL (the full query URL, default " + DEFAULT_URL + ")",
    )


def _check_feed(body: bytes, url: str) -> None:
    """Fewer papers than asked is only believable from a real Atom feed (not an HTML error page)."""
    if re.search(rb"<(?:\w+:)?feed\b", body[:4096]) and re.search(rb"totalResults", body):
        return
    raise NetworkError(
        f"arXiv's answer was not an Atom feed ({url})",
        hint="check LCLLM_ARXIV_API_URL (the full query URL, default " + DEFAULT_URL + ")",
    )


# --------------------------------------------------------------------------------------------- abstracts


def abstracts_dir() -> Path:
    """Where abstracts are cached: ``$XDG_CACHE_HOME/lcllm/abstracts`` (the platform's user cache dir)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lcllm", appauthor=False)) / "abstracts"


def abstract_path(arxiv_id: str) -> Path:
    return abstracts_dir() / (arxiv_id.replace("/", "_") + ".txt")


def save_abstracts(abstracts: dict[str, str]) -> int:
    """Cache abstracts (best effort: a cache that cannot be written is skipped). Returns how many were written."""
    from lcllm_cli.files import replace_file

    written = 0
    for arxiv_id, text in abstracts.items():
        path = abstract_path(arxiv_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, text + "\n", durable=False)
        except OSError:
            continue
        written += 1
    return written


def load_abstract(arxiv_id: str) -> str | None:
    """The cached abstract of a canonical id, if ``add`` or ``refresh`` fetched it on this machine."""
    try:
        return abstract_path(arxiv_id).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


# --------------------------------------------------------------------------------------------- search


@dataclass(slots=True)
class SearchHit:
    """One paper a search found: its entry (as :func:`result_to_entry` makes it) and its abstract."""

    entry: Entry
    abstract: str = ""


@dataclass(slots=True)
class SearchResult:
    hits: list[SearchHit] = field(default_factory=list)
    total: int | None = None  # arXiv's totalResults: more matched than ``max_results`` when it is larger
    from_cache: bool = False


def search_query(query: str, since: str, until: str, categories: Iterable[str] = ()) -> str:
    """arXiv's ``search_query`` for papers matching ``query`` submitted from ``since`` to ``until`` (both
    ``YYYY-MM-DD``, whole days, GMT), in one of ``categories`` when given."""
    parts = [f"({query})"]
    cats = [c for c in categories if is_category(c)]
    if cats:
        parts.append("(" + " OR ".join(f"cat:{c}" for c in cats) + ")")
    start, end = since.replace("-", "") + "0000", until.replace("-", "") + "2359"
    parts.append(f"submittedDate:[{start} TO {end}]")
    return " AND ".join(parts)


def search_url(url: str, search: str, max_results: int) -> str:
    """The search request at the endpoint ``url``: newest first, ``max_results`` papers from the first."""
    from urllib.parse import urlencode

    query = urlencode(
        {
            "search_query": search,
            "sortBy": "submittedDate",
            "sortOrder": "descending",
            "start": 0,
            "max_results": max_results,
        }
    )
    return url + ("&" if "?" in url else "?") + query


def search(
    query: str,
    *,
    since: str,
    until: str,
    http: HttpClient,
    categories: Iterable[str] = (),
    config: ArxivConfig | None = None,
    max_results: int = 100,
) -> SearchResult:
    """The papers matching ``query`` submitted between ``since`` and ``until`` (``YYYY-MM-DD``), newest first: one
    request, paced and retried as :func:`fetch` is (arXiv's 3 s rule counts searches too), answered from ``http``'s
    cache while it is fresh (the cache key is the request itself). Raises :class:`NetworkError`."""
    config = config or ArxivConfig.from_env()
    url = search_url(config.url, search_query(query, since, until, categories), max_results)
    answer = _ask(http, url, config, cache_key=f"arxiv-search:{url}")
    body = answer.body or answer.text.encode("utf-8")
    if not re.search(rb"<(?:\w+:)?feed\b", body[:4096]) or _malformed(body):
        raise NetworkError(
            f"arXiv's answer was not an Atom feed ({config.url})",
            hint="check LCLLM_ARXIV_API_URL (the full query URL, default " + DEFAULT_URL + ")",
        )
    out = SearchResult(from_cache=answer.from_cache)
    m = re.search(rb"<(?:\w+:)?totalResults[^>]*>\s*(\d+)\s*<", body)
    if m:
        out.total = int(m.group(1))
    for res in parse_feed(body):
        got = result_to_entry(res)
        if got is not None:
            out.hits.append(SearchHit(got[1], " ".join(res.summary.split())))
    return out
