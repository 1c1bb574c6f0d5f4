"""The one HTTP layer for every service (arXiv, Semantic Scholar, GitHub): timeouts, retries, pacing, a user
agent, size caps, an on-disk cache.

One :class:`HttpClient` per command run wraps a single ``httpx.Client`` (created on the first real request, so a
run answered from the cache never opens a connection). Every request:

* has connect and read timeouts (``timeout``, default 30 s; ``LCLLM_HTTP_TIMEOUT``);
* is retried on HTTP 429, 5xx, a 403 that carries ``Retry-After``, connection errors and timeouts, up to
  ``retries`` times (``LCLLM_HTTP_RETRIES``, default 4), waiting ``Retry-After`` when the service sends one and
  ``backoff * 2**n`` seconds otherwise (``LCLLM_HTTP_BACKOFF``, default 1). No single wait exceeds ``max_wait``
  (``LCLLM_HTTP_MAX_WAIT``, default 120 s): a service asking for longer gets a clear error instead of a hang;
* carries ``User-Agent: lcllm/<version> (+https://pypi.org/project/lcllm/)``;
* may be answered from the on-disk cache (:mod:`lcllm_cli.sources.cache`) when an answer younger than ``ttl``
  (``--ttl`` / ``LCLLM_CACHE_TTL``, default 1 day) is stored. With ``offline`` the cache is the only source (answers
  of any age count) and a missing answer raises :class:`OfflineError`.

No answer may exceed ``max_bytes`` (``LCLLM_MAX_ANSWER_MB``, default 16 MB; real answers are well under 1 MB):
a bigger one is refused with a clear error as soon as its ``Content-Length`` or the bytes read so far say so, and
the whole answer must arrive within ``timeout`` seconds, so a server that streams forever cannot hang a run.

Requests may run side by side (:meth:`HttpClient.gather`: GitHub repositories, Hub models, pages): at most
``concurrency`` at once (``LCLLM_HTTP_CONCURRENCY``, default 8) and at most ``per_host`` to one host
(``LCLLM_HTTP_PER_HOST``, default 4). A service with a minimum interval between requests (arXiv, Semantic Scholar)
is always asked one request at a time, whatever the concurrency.

For a link check (:mod:`lcllm_cli.commands.links`), a request may leave redirects to the caller
(``follow_redirects=False``: each 301/302 and its ``Location`` is seen), the configuration may space the starts of
requests to one host (``host_interval``) and end the run at a ``deadline``: a request not started by then (or a
retry that would wait past it) raises :class:`RequestFailed` with ``failure == "deadline"``. Every request that
fails after its retries raises :class:`RequestFailed`, a :class:`NetworkError` that says how it failed
(``failure``: ``timeout``, ``connect``, ``cutoff``, ``status``, ``wait``, ``deadline``) and with which ``status``.
Hosts are told apart by name (``127.0.0.1`` and ``localhost`` are two hosts; the port does not count).

A GitHub-style exhausted quota (403/429 with ``X-RateLimit-Remaining: 0`` and no ``Retry-After``) is not waited
for (it resets within the hour): it raises :class:`RateLimitError` at once.
"""

from __future__ import annotations

import contextlib
import email.utils
import itertools
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lcllm_cli import __version__
from lcllm_cli.config import env_number
from lcllm_cli.errors import LcllmError, NetworkError, UsageError
from lcllm_cli.sources.cache import Cache

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"lcllm/{__version__} (+https://pypi.org/project/lcllm/)"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 4
DEFAULT_BACKOFF = 1.0
DEFAULT_MAX_WAIT = 120.0
DEFAULT_TTL = 24 * 3600.0
DEFAULT_MAX_ANSWER_MB = 16.0
DEFAULT_CONCURRENCY = 8
DEFAULT_BUDGET = 45.0  # seconds of network a command may spend (add; others scale it to their work)
DEFAULT_PER_HOST = 4
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

T = TypeVar("T")
R = TypeVar("R")


class OfflineError(NetworkError):
    """``--offline`` was given and the cache does not hold the answer needed."""


class RateLimitError(NetworkError):
    """A service's request quota is used up (or would be by the work asked for)."""


class RequestFailed(NetworkError):
    """A request that failed after its retries: ``failure`` says how (``timeout``, ``connect`` (no connection: DNS,
    refused), ``cutoff`` (the connection failed mid-answer), ``status`` (an HTTP status still retried after the
    last try, in ``status``), ``wait`` (the service asked to wait longer than allowed) or ``deadline``)."""

    def __init__(self, message: str, *, failure: str, status: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.failure = failure
        self.status = status


class AnswerTooLargeError(NetworkError):
    """A service sent (or announced) an answer bigger than ``LCLLM_MAX_ANSWER_MB``: refused, never retried."""


def max_answer_bytes() -> int:
    """The largest answer accepted from any service, from ``LCLLM_MAX_ANSWER_MB`` (default 16)."""
    mb = env_number("LCLLM_MAX_ANSWER_MB", DEFAULT_MAX_ANSWER_MB, positive=True, unit="megabytes")
    return max(1, int(mb * 1024 * 1024))


def too_large(service: str, url: str, limit: int) -> AnswerTooLargeError:
    return AnswerTooLargeError(
        f"{service} sent an answer larger than {limit / 1024 / 1024:g} MB for {url}; lcllm refuses it",
        hint="check that the service URL points at the real API, or raise LCLLM_MAX_ANSWER_MB",
    )


def parse_duration(text: str) -> float:
    """Seconds from ``"90"``, ``"90s"``, ``"30m"``, ``"12h"``, ``"7d"``. Raises :class:`UsageError`."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not m:
        raise UsageError(
            f"not a duration: {text!r}", hint="give seconds or a number with s, m, h or d, e.g. 3600, 30m, 12h, 7d"
        )
    return float(m[1]) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m[2]]


def _env_float(name: str, default: float) -> float:
    return env_number(name, default, parse=parse_duration if name == "LCLLM_CACHE_TTL" else float)


@dataclass(slots=True)
class HttpConfig:
    """How requests are made. :meth:`from_env` reads the ``LCLLM_HTTP_*`` variables; tests pass fields directly."""

    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_wait: float = DEFAULT_MAX_WAIT
    ttl: float = DEFAULT_TTL
    offline: bool = False
    cache_dir: Path | None = None
    max_bytes: int = int(DEFAULT_MAX_ANSWER_MB * 1024 * 1024)
    concurrency: int = DEFAULT_CONCURRENCY
    per_host: int = DEFAULT_PER_HOST
    sleep: Callable[[float], None] | None = field(default=None, repr=False)  # how to wait (None: time.sleep)
    host_interval: float = 0.0  # the least seconds between the starts of two requests to one host
    deadline: float | None = None  # a time.monotonic() after which no request starts (RequestFailed "deadline")
    # seconds the whole run may spend on the network, from the client's creation: retries and waits fit inside it,
    # and a request in flight is cut off when it runs out (LCLLM_NETWORK_BUDGET; None: no budget)
    budget: float | None = None

    @classmethod
    def from_env(
        cls,
        *,
        ttl: float | None = None,
        offline: bool = False,
        timeout: float | None = None,
        budget: float | None = DEFAULT_BUDGET,
    ) -> HttpConfig:
        """``budget``: the command's own network budget in seconds (``LCLLM_NETWORK_BUDGET`` wins over it)."""
        if timeout is not None and not timeout > 0:
            raise UsageError(f"the timeout must be more than 0 seconds, not {timeout:g}")
        if os.environ.get("LCLLM_NETWORK_BUDGET", "").strip():
            budget = env_number("LCLLM_NETWORK_BUDGET", DEFAULT_BUDGET, parse=parse_duration, positive=True)
        return cls(
            budget=budget,
            timeout=timeout if timeout is not None else _env_float("LCLLM_HTTP_TIMEOUT", DEFAULT_TIMEOUT),
            retries=int(env_number("LCLLM_HTTP_RETRIES", DEFAULT_RETRIES, integer=True)),
            backoff=_env_float("LCLLM_HTTP_BACKOFF", DEFAULT_BACKOFF),
            max_wait=_env_float("LCLLM_HTTP_MAX_WAIT", DEFAULT_MAX_WAIT),
            ttl=ttl if ttl is not None else _env_float("LCLLM_CACHE_TTL", DEFAULT_TTL),
            offline=offline,
            max_bytes=max_answer_bytes(),
            concurrency=int(env_number("LCLLM_HTTP_CONCURRENCY", DEFAULT_CONCURRENCY, integer=True, positive=True)),
            per_host=int(env_number("LCLLM_HTTP_PER_HOST", DEFAULT_PER_HOST, integer=True, positive=True)),
        )


def scale_budget(config: HttpConfig, requests: int, seconds_each: float) -> None:
    """Give a run that has ``requests`` requests to make its share: the command's budget plus ``seconds_each`` a
    request. A budget the user set (``LCLLM_NETWORK_BUDGET``) is left as it is."""
    if config.budget is None or os.environ.get("LCLLM_NETWORK_BUDGET", "").strip():
        return
    config.budget += max(0, requests) * seconds_each


@dataclass(slots=True)
class Answer:
    """An HTTP answer, fresh or from the cache. ``url`` is the final URL after redirects."""

    status: int
    text: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    from_cache: bool = False
    redirected: bool = False
    body: bytes = field(default=b"", repr=False)  # the bytes as they came (fresh answers only)

    def json(self) -> Any:
        """The answer's JSON, every string in it valid Unicode (see :func:`json_loads`)."""
        return json_loads(self.text)


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def json_loads(text: str) -> Any:
    """``json.loads``, with lone UTF-16 surrogates (``"\\ud800"``, which JSON allows and no file can hold) in any
    string replaced by U+FFFD: text from a service is made writable here, at the boundary, not where it fails."""
    import json

    data = json.loads(text)
    return _valid_unicode(data) if _ESCAPED_SURROGATE.search(text) else data


def _valid_unicode(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_valid_unicode(v) for v in value]
    if isinstance(value, dict):
        return {_valid_unicode(k): _valid_unicode(v) for k, v in value.items()}
    return value


# Credentials a caller may send; never forwarded to another host by a redirect.
_SECRET_HEADERS = ("x-api-key", "authorization")

# Headers worth keeping in the cache (the rest are transport details).
_KEPT_HEADERS = (
    "content-type",
    "location",
    "retry-after",
    "x-ratelimit-remaining",
    "x-ratelimit-limit",
    "x-ratelimit-reset",
)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), None if absent or garbled."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def quota_exhausted(status: int, headers: Mapping[str, str]) -> bool:
    """True for GitHub's "no requests left until the reset" answer (waiting a few seconds will not help)."""
    return status in (403, 429) and headers.get("x-ratelimit-remaining") == "0" and "retry-after" not in headers


class HttpClient:
    """One client per run, shared by every source. Use as a context manager. Safe to use from several threads
    (:meth:`gather`)."""

    def __init__(self, config: HttpConfig | None = None) -> None:
        self.config = config or HttpConfig()
        self.cache = Cache(self.config.cache_dir)
        budget = self.config.budget
        # the run's end: the configured deadline, or the budget from now, whichever comes first
        self._deadline = min(
            self.config.deadline if self.config.deadline is not None else math.inf,
            time.monotonic() + budget if budget is not None else math.inf,
        )
        self._budget_ends = budget is not None and self._deadline != self.config.deadline
        self.requests = 0  # requests actually sent (retries included)
        self.cache_hits = 0
        self.peak_per_host: dict[str, int] = {}  # the most requests in flight at once to each host
        self._client: httpx.Client | None = None
        self._last_sent: dict[str, float] = {}
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}
        self._host_slots: dict[str, threading.Semaphore] = {}
        self._slots = threading.BoundedSemaphore(max(1, self.config.concurrency))  # in flight to all hosts
        self._service_turns: dict[str, threading.Lock] = {}
        self._here = threading.local()  # .origin: (scheme, host, port) this thread's current request is for
        self._host_next: dict[str, float] = {}  # host -> the monotonic time its next request may start (queued)
        self._host_started: dict[str, float] = {}  # the same, kept once a request holds its places (exact)

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _httpx(self) -> httpx.Client:
        with self._lock:
            return self._client or self._open()

    def _open(self) -> httpx.Client:
        import httpx

        t = self.config.timeout
        self._client = httpx.Client(
            timeout=httpx.Timeout(t, connect=t, read=t, write=t, pool=t),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
            max_redirects=5,
            event_hooks={"request": [self._keep_secrets_home]},
            limits=httpx.Limits(max_connections=self.config.concurrency + 2),
        )
        return self._client

    def _keep_secrets_home(self, request: httpx.Request) -> None:
        """A redirect to another host never carries the credentials meant for the service (``x-api-key``,
        ``Authorization``): httpx drops only ``Authorization``, and only for some redirects."""
        here = (request.url.scheme, request.url.host, request.url.port)
        origin = getattr(self._here, "origin", None)
        if origin is not None and here != origin:
            for name in _SECRET_HEADERS:
                request.headers.pop(name, None)

    # ----------------------------------------------------------------------------------------- cache

    def cached(self, key: str) -> Any | None:
        """The cached value for ``key``: any age when offline, else only if younger than the TTL."""
        value = self.cache.get(key, None if self.config.offline else self.config.ttl)
        if value is not None:
            with self._lock:
                self.cache_hits += 1
        return value

    def remember(self, key: str, value: Any) -> None:
        self.cache.put(key, value)

    def require_online(self, what: str) -> None:
        """Raise :class:`OfflineError` (offline mode, ``what`` not cached)."""
        if self.config.offline:
            raise OfflineError(
                f"--offline: the cache holds no answer for {what}",
                hint="run the command once without --offline to fill the cache",
            )

    # ----------------------------------------------------------------------------------------- side by side

    def gather(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R | LcllmError]:
        """``fn(item)`` for every item, up to ``concurrency`` at once (the per-host limit holds inside
        :meth:`request`), in the order of ``items``. An item whose ``fn`` raises an :class:`LcllmError` gets that
        error in its place; anything else (a bug, Ctrl-C) is raised after the requests in flight are abandoned."""
        work = list(items)
        workers = min(self.config.concurrency, len(work))
        if workers <= 1:
            return [caught(fn, item) for item in work]
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lcllm-http")
        try:
            futures = [pool.submit(caught, fn, item) for item in work]
            results = [f.result() for f in futures]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return results

    def _slot(self, host: str) -> threading.Semaphore:
        with self._lock:
            slot = self._host_slots.get(host)
            if slot is None:
                slot = self._host_slots[host] = threading.BoundedSemaphore(self.config.per_host)
            return slot

    def _turn(self, service: str) -> threading.Lock:
        with self._lock:
            return self._service_turns.setdefault(service, threading.Lock())

    def _count_in(self, host: str, step: int) -> None:
        with self._lock:
            now = self._in_flight.get(host, 0) + step
            self._in_flight[host] = now
            if step > 0:
                self.requests += 1
                self.peak_per_host[host] = max(self.peak_per_host.get(host, 0), now)

    # ----------------------------------------------------------------------------------------- requests

    def request(
        self,
        method: str,
        url: str,
        *,
        service: str,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        cache_key: str | None = None,
        cache_statuses: tuple[int, ...] = (200,),
        min_interval: float = 0.0,
        retries: int | None = None,
        backoff: float | None = None,
        validate: Callable[[bytes], str | None] | None = None,
        shown_url: str | None = None,
        prefix: int | None = None,
        follow_redirects: bool = True,
    ) -> Answer:
        """Send one request (with retries), or answer it from the cache when ``cache_key`` is given.

        Answers whose status is in ``cache_statuses`` are stored under ``cache_key``. Other statuses that are not
        retried (400, 401, 404, ...) are returned for the caller to judge. ``min_interval`` spaces requests to
        the same ``service``, from the end of one to the start of the next (Semantic Scholar asks for one a second,
        arXiv for one every 3 s). ``retries`` and ``backoff`` override the configured ones for a service with
        terms of its own; ``validate(body)`` names what is wrong with a 200 answer that cannot be used (a feed cut
        off), which is then retried like a dropped connection. ``shown_url`` is the URL messages name (default
        ``url``). ``prefix``: read at most that many bytes of the body and keep them (a web page's head, for its
        title), instead of refusing a bigger answer. ``follow_redirects=False``: a 3xx answer is returned as it is
        (its ``Location`` in ``headers["location"]``).
        """
        if cache_key is not None:
            stored = _answer_from_cache(self.cached(cache_key), url)
            if stored is not None:
                return stored
        self.require_online(f"{service} ({method} {url})")
        # A paced service is asked one request at a time: its turn is held from the pause to the last retry.
        with self._turn(service) if min_interval > 0 else _NO_TURN:
            answer = self._send(
                method,
                url,
                service=service,
                headers=headers,
                json_body=json_body,
                interval=min_interval,
                retries=self.config.retries if retries is None else retries,
                backoff=self.config.backoff if backoff is None else backoff,
                validate=validate,
                shown_url=shown_url or f"{method} {url}",
                prefix=prefix,
                follow_redirects=follow_redirects,
            )
        if cache_key is not None and answer.status in cache_statuses:
            self.remember(
                cache_key,
                {
                    "status": answer.status,
                    "text": answer.text,
                    "url": answer.url,
                    "headers": answer.headers,
                    "redirected": answer.redirected,
                },
            )
        return answer

    def _sleep(self, seconds: float) -> None:
        (time.sleep if self.config.sleep is None else self.config.sleep)(seconds)

    def _pace(self, service: str, interval: float) -> None:
        if interval <= 0:
            return
        last = self._last_sent.get(service)
        if last is not None:
            wait = last + interval - time.monotonic()
            if wait > 0:
                self._sleep(wait)

    def _send(
        self,
        method: str,
        url: str,
        *,
        service: str,
        headers: Mapping[str, str] | None,
        json_body: Any,
        interval: float,
        retries: int,
        backoff: float,
        validate: Callable[[bytes], str | None] | None,
        shown_url: str,
        prefix: int | None = None,
        follow_redirects: bool = True,
    ) -> Answer:
        import httpx

        cfg = self.config
        client = self._httpx()
        host = (httpx.URL(url).host or "").lower()
        slot = self._slot(host)
        attempt = 0
        while True:
            self._pace(service, interval)
            problem: str
            retry_after: float | None = None
            failed_status: int | None = None
            failure = "timeout"
            self._check_deadline(service, shown_url, 0.0)
            # A place of its host's, then one of all: released before any wait for a retry.
            # With a host interval, the wait for the host's turn is spent holding its host's place only; the exact
            # spacing is kept once a place of all is held too (a short wait, if any, since the turns were spaced).
            slot.acquire()
            try:
                self._space(host, self._host_next)
                self._slots.acquire()
            except BaseException:
                slot.release()
                raise
            try:
                self._space(host, self._host_started)
                self._check_deadline(service, shown_url, 0.0)  # the places may have taken long to come
            except BaseException:
                self._slots.release()
                slot.release()
                raise
            self._count_in(host, 1)
            token = _waiting_on(service)
            try:
                resp, body = self._fetch(client, method, url, headers, json_body, service, prefix, follow_redirects)
            except httpx.TimeoutException:
                if self._budget_ends and time.monotonic() >= self._deadline - 0.01:
                    raise self._over_budget(service, shown_url) from None
                problem = f"no answer within {cfg.timeout:g} s"
            except httpx.TooManyRedirects:
                raise NetworkError(f"{service}: too many redirects for {url}") from None
            except httpx.TransportError as exc:
                problem = _transport_problem(exc)
                failure = "connect" if problem.startswith("cannot connect") else "cutoff"
            else:
                kept = {k: resp.headers[k] for k in _KEPT_HEADERS if k in resp.headers}
                status = resp.status_code
                if quota_exhausted(status, kept):
                    raise RateLimitError(
                        f"{service}: request quota used up" + _reset_phrase(kept.get("x-ratelimit-reset")),
                        hint="set GITHUB_TOKEN for a larger quota, or try again after the reset"
                        if service == "GitHub"
                        else "try again later",
                    )
                retryable = status in RETRY_STATUSES or (status == 403 and "retry-after" in kept)
                unusable = validate(body) if validate is not None and status == 200 else None
                if not retryable and unusable is None:
                    return Answer(
                        status=status,
                        text=_decode(body, resp),
                        url=str(resp.url),
                        headers=kept,
                        redirected=bool(resp.history),
                        body=body,
                    )
                problem = unusable or f"HTTP {status}"
                failure, failed_status = ("cutoff", None) if unusable else ("status", status)
                retry_after = parse_retry_after(kept.get("retry-after"))
            finally:
                self._last_sent[service] = time.monotonic()  # pacing counts from the end of the exchange
                _IN_FLIGHT.pop(token, None)
                self._count_in(host, -1)
                self._slots.release()
                slot.release()
            if attempt >= retries:
                tries = attempt + 1
                raise RequestFailed(
                    f"{service} request failed after {tries} {'try' if tries == 1 else 'tries'}: {problem}"
                    f" ({shown_url})",
                    hint="check your connection or try again later"
                    + ("" if "HTTP" in problem else "; --timeout or LCLLM_HTTP_TIMEOUT sets the timeout"),
                    failure=failure,
                    status=failed_status,
                )
            if retry_after is not None and retry_after > cfg.max_wait:
                raise RequestFailed(
                    f"{service} asks to wait {_wait_text(retry_after)} before the next request ({problem})",
                    hint=f"try again later, or allow longer waits with LCLLM_HTTP_MAX_WAIT (now {cfg.max_wait:g} s)",
                    failure="wait",
                    status=failed_status,
                )
            delay = retry_after if retry_after is not None else min(backoff * 2**attempt, cfg.max_wait)
            self._check_deadline(service, shown_url, delay, problem)
            if delay > 0:
                self._sleep(delay)
            attempt += 1

    def _space(self, host: str, turns: dict[str, float]) -> None:
        """Wait for ``host``'s next turn in ``turns`` (``host_interval`` after the previous one) and take it."""
        interval = self.config.host_interval
        if interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, turns.get(host, 0.0))
            turns[host] = start + interval
        if start > now:
            self._sleep(start - now)

    def _over_budget(self, service: str, shown_url: str, why: str = "") -> RequestFailed:
        return RequestFailed(
            f"{service} did not answer within this run's network budget of {self.config.budget:g} s{why} ({shown_url})",
            hint="check your connection or try again later; LCLLM_NETWORK_BUDGET allows a longer wait",
            failure="deadline",
        )

    def _check_deadline(self, service: str, shown_url: str, wait: float, problem: str | None = None) -> None:
        """Raise :class:`RequestFailed` ("deadline") when ``wait`` seconds from now is past the run's deadline."""
        if time.monotonic() + wait > self._deadline:
            why = f" ({problem})" if problem else ""
            if self._budget_ends:
                raise self._over_budget(service, shown_url, why)
            raise RequestFailed(
                f"{service}: not asked before the run's deadline{why} ({shown_url})",
                hint="allow the run more time",
                failure="deadline",
            )

    def _fetch(
        self,
        client: httpx.Client,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        json_body: Any,
        service: str,
        prefix: int | None = None,
        follow_redirects: bool = True,
    ) -> tuple[httpx.Response, bytes]:
        """One request, its body read in chunks: at most ``max_bytes``, all of it within ``timeout`` seconds."""
        import httpx

        limit = self.config.max_bytes
        now = time.monotonic()
        deadline = min(now + self.config.timeout, self._deadline)  # the run's end cuts a request in flight too
        first = httpx.URL(url)
        self._here.origin = (first.scheme, first.host, first.port)
        t = max(0.001, deadline - now)
        with client.stream(
            method,
            url,
            headers=dict(headers or {}),
            json=json_body,
            follow_redirects=follow_redirects,
            timeout=httpx.Timeout(t, connect=t, read=t, write=t, pool=t),
        ) as resp:
            declared = resp.headers.get("content-length", "")
            if prefix is None and method != "HEAD" and declared.isdigit() and int(declared) > limit:
                raise too_large(service, url, limit)
            chunks: list[bytes] = []
            size = 0
            # As the bytes arrive (a trickle must meet the deadline too), decoded a little at a time: a gzip bomb
            # (a megabyte inflating to gigabytes) is refused at the cap of decoded bytes without ever holding more.
            for chunk in _decoded(resp, service, url, (limit if prefix is None else prefix) + 1):
                size += len(chunk)
                if prefix is not None and size >= prefix:
                    chunks.append(chunk[: len(chunk) - (size - prefix)])
                    break  # the head of the page is all that is wanted: the rest is never read
                if size > limit:
                    raise too_large(service, url, limit)
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"no complete answer within {t:g} s")
        return resp, b"".join(chunks)


_NO_TURN = contextlib.nullcontext()
_INFLATED = {"gzip": 16 + 15, "x-gzip": 16 + 15, "deflate": 15}  # zlib window bits per Content-Encoding


def _decoded(resp: httpx.Response, service: str, url: str, most: int) -> Iterator[bytes]:
    """The body of ``resp`` decoded as its ``Content-Encoding`` says, in pieces, never inflating more than ``most``
    bytes in all (gzip and deflate are inflated here with a bound; other codings are left to httpx). An answer that
    does not decode is a :class:`NetworkError` naming the service."""
    import zlib

    import httpx

    coding = resp.headers.get("content-encoding", "").strip().lower()
    bits = _INFLATED.get(coding)
    try:
        if coding in ("", "identity"):
            yield from resp.iter_raw()
            return
        if bits is None:
            yield from resp.iter_bytes()
            return
        inflate = zlib.decompressobj(bits)
        first = True
        left = most
        for raw in resp.iter_raw():
            if first and bits == 15 and raw:  # "deflate" comes zlib-wrapped or raw: the first bytes tell (as httpx)
                try:
                    zlib.decompressobj(15).decompress(raw[:2])
                except zlib.error:
                    inflate = zlib.decompressobj(-15)
            first = first and not raw
            data = raw
            while data and left > 0:
                piece = inflate.decompress(data, left)
                left -= len(piece)
                data = inflate.unconsumed_tail
                if piece:
                    yield piece
                if inflate.eof:
                    break
            if left <= 0:
                yield b"\0"  # one byte more than allowed: the caller refuses the answer
                return
        tail = inflate.flush()
        if tail:
            yield tail
        if not inflate.eof:
            raise zlib.error("the compressed stream ends before its end")
    except (zlib.error, httpx.DecodingError) as exc:
        raise NetworkError(
            f"{service} sent an answer that cannot be decoded ({coding or 'content'}: {_describe(exc)}) for {url}",
            hint="check that the service URL points at the real API",
        ) from None


def _answer_from_cache(stored: Any, url: str) -> Answer | None:
    """The answer a cache record holds, or None (a miss, asked again) when any part of it is not what
    :meth:`HttpClient.request` stores: a damaged or edited record never reaches a parser as if a service sent it."""
    if not isinstance(stored, dict):
        return None
    status, text, where = stored.get("status", 200), stored.get("text", ""), stored.get("url", url)
    headers, redirected = stored.get("headers", {}), stored.get("redirected", False)
    if type(status) is not int or not isinstance(text, str) or not isinstance(where, str):
        return None
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        return None
    if not isinstance(redirected, bool):
        return None
    return Answer(status=status, text=text, url=where, headers=headers, from_cache=True, redirected=redirected)


# Requests in flight in this process, for the terminal to say which service it is waiting for (see waiting()).
_IN_FLIGHT: dict[int, tuple[str, float]] = {}
_TOKENS = itertools.count()


def _waiting_on(service: str) -> int:
    token = next(_TOKENS)
    _IN_FLIGHT[token] = (service, time.monotonic())
    return token


def waiting() -> tuple[str, float] | None:
    """The service whose request has been in flight the longest in this process, and for how many seconds."""
    try:
        service, since = min(list(_IN_FLIGHT.values()), key=lambda item: item[1])
    except ValueError:
        return None
    return service, time.monotonic() - since


def caught(fn: Callable[[T], R], item: T) -> R | LcllmError:
    """``fn(item)``, or the :class:`LcllmError` it raised."""
    try:
        return fn(item)
    except LcllmError as exc:
        return exc


def get_json(
    client: HttpClient,
    url: str,
    *,
    service: str,
    what: str,
    cache_key: str | None = None,
    headers: Mapping[str, str] | None = None,
    missing: tuple[int, ...] = (404,),
    not_json: str | None = None,
    hint: str | None = None,
) -> Any | None:
    """GET ``url`` for its JSON. None when the service says it has no such thing (a status in ``missing``); any
    other status but 200 is a :class:`NetworkError` naming ``what``, and so is an answer that is not JSON (worded
    ``not_json`` when given, with ``hint``). With ``cache_key``, "no such thing" is cached as an answer is."""
    answer = client.request(
        "GET", url, service=service, headers=headers, cache_key=cache_key, cache_statuses=(200, *missing)
    )
    if answer.status in missing:
        return None
    if answer.status != 200:
        raise NetworkError(f"{service} answered HTTP {answer.status} for {what}")
    try:
        return answer.json()
    except ValueError:
        raise NetworkError(not_json or f"{service} gave an unexpected answer for {what}", hint=hint) from None


def _decode(body: bytes, resp: httpx.Response) -> str:
    """The body as text: the declared charset, else UTF-8 (an unknown charset name is taken as UTF-8)."""
    try:
        return body.decode(resp.charset_encoding or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _transport_problem(exc: Exception) -> str:
    """A few words for a failed exchange: no connection, a connection closed without an answer, or half an answer."""
    import httpx

    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return f"cannot connect ({_describe(exc)})"
    if isinstance(exc, httpx.RemoteProtocolError) and "without sending a response" not in str(exc):
        return f"the answer was cut off ({_describe(exc)})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection without answering"
    return f"the connection failed ({_describe(exc)})"


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return text[:120] if text else type(exc).__name__


def _wait_text(seconds: float) -> str:
    """A wait a service asked for, as a person would say it (an absurd Retry-After is not printed digit by digit)."""
    return "more than a day" if seconds >= 2 * 86400 else f"{seconds:.0f} s"


def _reset_phrase(reset: str | None) -> str:
    if not reset or not reset.isdigit():
        return ""
    return f" until {time.strftime('%H:%M UTC', time.gmtime(int(reset)))}"
