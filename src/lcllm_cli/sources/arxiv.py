"""arXiv metadata through the ``arxiv`` package: up to 100 ids per request, polite, bounded, retried.

What this module adds around ``arxiv.Client``:

* batches of at most ``batch_size`` (100) canonical ids (never a version, so the answer is the latest version),
  ``max_results`` set to the batch size;
* a timeout on every request (the package sets none): ``LCLLM_HTTP_TIMEOUT`` or ``--timeout``, default 30 s,
  applied to the connection, to every read and to the whole body;
* at least ``delay`` seconds (``LCLLM_ARXIV_DELAY``, default 3, arXiv's terms of use) between the end of one request
  and the start of the next, measured with ``time.monotonic()``;
* its own retries (the package's are switched off: they retry HTTP 400 too and ignore ``Retry-After``): HTTP 429,
  500, 502, 503, 504, connection errors and timeouts are tried again, up to ``tries`` times, after an exponential
  backoff or the server's ``Retry-After``, whichever is longer;
* the endpoint from ``LCLLM_ARXIV_API_URL`` (the full query URL);
* no answer bigger than ``LCLLM_MAX_ANSWER_MB`` (16 MB; a full batch is well under 1 MB): refused, not retried;
* a feed that is not well-formed XML (cut off, garbled) is retried like a dropped connection and, if it stays
  broken, is an error: papers are never taken from half a document, nor reported missing because of one.

Abstracts are not stored in ``entries.toml`` (they would make the reviewed file long); :func:`save_abstracts`
keeps them in the user cache dir, one text file per paper, where :func:`load_abstract` finds them.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lcllm_cli.config import env_number
from lcllm_cli.errors import LcllmError, NetworkError, UsageError
from lcllm_cli.fieldkinds import is_category, is_doi
from lcllm_cli.ids import ArxivId, try_parse_arxiv_id
from lcllm_cli.model import DEFAULT_SECTION, Entry

if TYPE_CHECKING:
    import arxiv
    import requests

DEFAULT_URL = "https://export.arxiv.org/api/query"
DEFAULT_TIMEOUT = 30.0
DEFAULT_DELAY = 3.0
DEFAULT_TRIES = 4
DEFAULT_BACKOFF = 2.0
BATCH_SIZE = 100
# Statuses worth another try: rate limiting and a busy or restarting server.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "lcllm (https://pypi.org/project/lcllm/)"

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
    ids: Iterable[ArxivId], *, config: ArxivConfig | None = None, progress: Progress | None = None
) -> FetchResult:
    """Fetch the latest metadata of ``ids`` from arXiv, ``config.batch_size`` ids per request.

    Versions in ``ids`` are ignored (arXiv answers the latest version); repeated ids are asked once. A batch that
    still fails after its retries stops the fetch: ``error`` says why, ``unfetched`` lists the ids not fetched,
    ``entries`` keeps the batches that succeeded. ``progress(done, total)`` is called before the first request and
    after each batch. Ctrl-C (KeyboardInterrupt) propagates.
    """
    config = config or ArxivConfig.from_env()
    wanted = list(dict.fromkeys(aid.id for aid in ids))
    out = FetchResult()
    total = len(wanted)
    if progress:
        progress(0, total)
    if not wanted:
        return out

    import arxiv

    _quiet_package_logging()
    client = arxiv.Client(page_size=config.batch_size, delay_seconds=0.0, num_retries=0)
    client.query_url_format = _query_url_format(config.url)
    pacer = _Pacer(config.delay, config.sleep if config.sleep is not None else time.sleep)
    session = _bounded_session(config.timeout, pacer, config.max_bytes)
    if not hasattr(client, "_session"):  # pragma: no cover - guards against a change in the package
        raise RuntimeError("arxiv.Client has no _session: lcllm cannot set its timeout")
    client._session.close()
    client._session = session
    size = max(1, config.batch_size)
    batches = [wanted[i : i + size] for i in range(0, total, size)]
    done = 0
    try:
        for n, batch in enumerate(batches):
            try:
                results = _fetch_batch(client, session, batch, config, pacer)
            except NetworkError as exc:
                out.error = exc
                out.unfetched = [i for b in batches[n:] for i in b]
                break
            asked = set(batch)
            for res in results:
                got = result_to_entry(res)
                if got is None or got[0].id not in asked:
                    continue
                entry = got[1]
                out.entries[got[0].id] = entry
                summary = " ".join(res.summary.split())
                if summary:
                    out.abstracts[got[0].id] = summary
            out.missing.extend(i for i in batch if i not in out.entries)
            done += len(batch)
            if progress:
                progress(done, total)
    finally:
        out.requests = session.count
        session.close()
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


def _query_url_format(url: str) -> str:
    """``arxiv.Client.query_url_format`` for the full query URL: the package appends the encoded query."""
    base = url.replace("{", "{{").replace("}", "}}")
    return base + ("&{}" if "?" in url else "?{}")


def _quiet_package_logging() -> None:
    """The package logs warnings (malformed feed, ...) that would reach stderr through logging's last resort."""
    import logging

    logger = logging.getLogger("arxiv")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _endpoint(url: str | bytes) -> str:
    """The URL without its query (the id list), for messages."""
    text = url.decode("utf-8", "replace") if isinstance(url, bytes) else url
    return text.split("?", 1)[0]


class MalformedFeed(Exception):
    """An answer with HTTP 200 that claims to be a feed but is not well-formed XML (cut off or garbled)."""


def _malformed(body: bytes) -> str | None:
    """Why ``body`` (a 200 answer) cannot be trusted as a feed, or None. Only feeds are judged: an HTML page or
    other text is left to :func:`_check_feed`, which names it as not a feed."""
    if not re.search(rb"<(?:\w+:)?feed\b", body[:4096]):
        return None
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError as exc:
        return f"the feed is not well-formed XML ({xml.parsers.expat.ErrorString(exc.code)} at line {exc.lineno})"
    return None


def _bounded_session(timeout: float, pacer: _Pacer, max_bytes: int = 16 * 1024 * 1024) -> Any:
    """A ``requests.Session`` whose every request waits for ``pacer``, is counted, and ends within about
    ``timeout`` seconds, body included. Pacing here also covers any further page the package asks for itself.
    An answer over ``max_bytes`` raises :class:`~lcllm_cli.sources.http.AnswerTooLargeError`; a 200 answer that
    is a broken feed raises :class:`MalformedFeed`."""
    import requests

    from lcllm_cli.sources.http import too_large

    class BoundedSession(requests.Session):
        last_response: requests.Response | None = None
        count = 0

        def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
            kwargs.setdefault("timeout", (timeout, timeout))
            kwargs["stream"] = True
            headers = dict(kwargs.get("headers") or {})
            headers["user-agent"] = f"{USER_AGENT} {headers.get('user-agent', '')}".strip()
            kwargs["headers"] = headers
            self.last_response = None
            pacer.wait()
            self.count += 1
            try:
                deadline = time.monotonic() + timeout
                resp = super().request(method, url, *args, **kwargs)
                chunks: list[bytes] = []
                size = 0
                try:
                    declared = resp.headers.get("Content-Length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise too_large("arXiv", _endpoint(url), max_bytes)
                    # read1 returns what has arrived (up to 64 KiB): the deadline is checked after every read, so
                    # a server dripping one byte at a time cannot outlast it (a full-size read would wait for 64 KiB)
                    while chunk := _read_some(resp):
                        size += len(chunk)
                        if size > max_bytes:
                            raise too_large("arXiv", _endpoint(url), max_bytes)
                        chunks.append(chunk)
                        if time.monotonic() > deadline:
                            raise requests.exceptions.ReadTimeout(f"no complete answer within {timeout:g} s")
                except BaseException:
                    resp.close()
                    raise
            finally:
                pacer.done()
            resp._content = b"".join(chunks)
            self.last_response = resp
            if resp.status_code == 200:
                problem = _malformed(resp._content)
                if problem:
                    raise MalformedFeed(problem)
            return resp

    return BoundedSession()


def _read_some(resp: Any) -> bytes:
    """The next bytes of the answer that have arrived; a cut-off answer raises what ``iter_content`` raises."""
    import requests
    import urllib3

    try:
        return resp.raw.read1(64 * 1024, decode_content=True)  # type: ignore[no-any-return]
    except urllib3.exceptions.ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ReadTimeout(exc) from None
    except urllib3.exceptions.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from None


class _Pacer:
    """Keeps ``delay`` seconds (or a longer wait asked for) between the end of one request and the next."""

    def __init__(self, delay: float, sleep: Callable[[float], None]) -> None:
        self.delay = delay
        self.sleep = sleep
        self.last_end: float | None = None
        self.extra = 0.0

    def hold(self, seconds: float) -> None:
        self.extra = max(self.extra, seconds)

    def wait(self) -> None:
        if self.last_end is not None:
            remaining = self.last_end + max(self.delay, self.extra) - time.monotonic()
            if remaining > 0:
                self.sleep(remaining)
        self.extra = 0.0

    def done(self) -> None:
        self.last_end = time.monotonic()


def _fetch_batch(
    client: arxiv.Client, session: Any, batch: list[str], config: ArxivConfig, pacer: _Pacer
) -> list[arxiv.Result]:
    import arxiv
    import requests

    search = arxiv.Search(id_list=batch, max_results=len(batch))
    client.page_size = len(batch)
    problem = ""
    for attempt in range(1, config.tries + 1):
        wait: float | None = None
        results: list[arxiv.Result] = []
        try:
            results.extend(client.results(search))
        except arxiv.UnexpectedEmptyPageError:
            # The package asked for a further page because totalResults said more than the first page held,
            # and that page was empty: the first page was the whole answer (arXiv counts only what it found).
            if not results:
                problem = "an unexpectedly empty page"
            else:
                return results
        except arxiv.HTTPError as exc:
            resp = session.last_response  # (a Response is falsy when not ok: no `or` here)
            if exc.status not in RETRY_STATUSES:
                raise _http_error(exc.status, resp, config.url) from None
            problem = f"HTTP {exc.status}"
            wait = _retry_after(resp.headers.get("Retry-After") if resp is not None else None)
        except MalformedFeed as exc:
            problem = str(exc)
        except requests.exceptions.Timeout:
            problem = f"no answer within {config.timeout:g} s"
        except requests.exceptions.RequestException as exc:
            problem = _problem(exc)
        else:
            if len(results) < len(batch):
                _check_feed(session.last_response, config.url)
            return results
        if attempt == config.tries:
            break
        if wait is not None and wait > config.max_wait:
            raise NetworkError(
                f"arXiv is busy ({problem}) and asks to wait {wait:.0f} s before the next request",
                hint="run the command again later",
            )
        pacer.hold(max(wait or 0.0, config.backoff * 2 ** (attempt - 1)))
    raise NetworkError(  # "1 tries" stays: tests/test_refresh.py (issue 6) matches this wording
        f"arXiv request failed after {config.tries} tries: {problem} ({config.url})",
        hint="check your connection and run the command again; --timeout or LCLLM_HTTP_TIMEOUT sets the timeout",
    )


def _problem(exc: Exception) -> str:
    """A few words for a requests/urllib3 failure: 'cannot connect (Connection refused)', 'the answer was cut off'."""
    import requests

    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the answer was cut off"
    m = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    if m:
        return f"cannot connect ({m.group(1).strip()})"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "the connection failed"
    return f"the request failed ({type(exc).__name__})"


def _http_error(status: int, resp: Any, url: str) -> NetworkError:
    detail = ""
    if resp is not None and resp.content:
        m = re.search(rb"<summary>\s*([^<]{1,200}?)\s*</summary>", resp.content)
        if m:
            detail = ": " + m.group(1).decode("utf-8", "replace")
    if status == 400:
        return NetworkError(
            f"arXiv rejected the request (HTTP 400{detail})",
            hint="lcllm checks ids before sending them; please report this id form as a bug",
        )
    return NetworkError(
        f"arXiv answered HTTP {status}{detail} ({url})",
        hint="check LCLLM_ARXIV_API_URL (the full query URL, default " + DEFAULT_URL + ")",
    )


def _check_feed(resp: Any, url: str) -> None:
    """Fewer papers than asked is only believable from a real Atom feed (not an HTML error page)."""
    body = resp.content if resp is not None else b""
    if re.search(rb"<(?:\w+:)?feed\b", body[:4096]) and re.search(rb"totalResults", body):
        return
    raise NetworkError(
        f"arXiv's answer was not an Atom feed ({url})",
        hint="check LCLLM_ARXIV_API_URL (the full query URL, default " + DEFAULT_URL + ")",
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


# --------------------------------------------------------------------------------------------- abstracts


def abstracts_dir() -> Path:
    """Where abstracts are cached: ``$XDG_CACHE_HOME/lcllm/abstracts`` (the platform's user cache dir)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lcllm", appauthor=False)) / "abstracts"


def abstract_path(arxiv_id: str) -> Path:
    return abstracts_dir() / (arxiv_id.replace("/", "_") + ".txt")


def save_abstracts(abstracts: dict[str, str]) -> int:
    """Cache abstracts (best effort: a cache that cannot be written is skipped). Returns how many were written."""
    written = 0
    for arxiv_id, text in abstracts.items():
        path = abstract_path(arxiv_id)
        tmp: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".abstract.", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            os.replace(tmp, path)
            tmp = None
            written += 1
        except OSError:
            continue
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    return written


def load_abstract(arxiv_id: str) -> str | None:
    """The cached abstract of a canonical id, if ``add`` or ``refresh`` fetched it on this machine."""
    try:
        return abstract_path(arxiv_id).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
