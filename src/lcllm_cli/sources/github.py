"""GitHub REST API: stars, description, canonical owner/name and archived flag of repositories.

``GET {LCLLM_GITHUB_API_URL}/repos/{owner}/{repo}`` (redirects followed: a renamed or transferred repository
answers 301). The canonical owner/name is read from ``html_url`` (``full_name`` as a fallback), so a URL written
with other letter case or an old name can be corrected. ``GITHUB_TOKEN`` is sent as ``Authorization: Bearer``.

Without a token GitHub allows 60 requests an hour. :func:`check_quota` asks ``/rate_limit`` (which costs nothing)
before the work starts and raises :class:`~lcllm_cli.sources.http.RateLimitError` when the repositories that need
a request would not fit, so a run never stops halfway for lack of quota it could have foreseen.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from lcllm_cli.config import env_url
from lcllm_cli.errors import LcllmError, NetworkError
from lcllm_cli.sources.http import Answer, HttpClient, OfflineError, RateLimitError, caught
from lcllm_cli.urls import github_repo

DEFAULT_GITHUB_API_URL = "https://api.github.com"
SERVICE = "GitHub"


def base_url() -> str:
    return env_url("LCLLM_GITHUB_API_URL", DEFAULT_GITHUB_API_URL)


def _token() -> str | None:
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    return token or None


def _headers() -> dict[str, str]:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    token = _token()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def repo_key(owner: str, name: str) -> str:
    """GitHub compares owner/name without regard to case: ``owner/name`` lower-cased."""
    return f"{owner.lower()}/{name.lower()}"


@dataclass(slots=True)
class RepoInfo:
    """What GitHub says about a repository; ``owner``/``name`` in GitHub's own spelling."""

    owner: str
    name: str
    stars: int
    description: str | None
    archived: bool

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"


@dataclass(slots=True)
class RepoResult:
    """``repos``: key (:func:`repo_key` of the name asked for) -> info; ``missing``: keys GitHub does not know.

    ``error`` is set when the run stopped early (network trouble, quota, offline without a cached answer); the
    other fields then hold what was learned before.
    """

    repos: dict[str, RepoInfo] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    error: LcllmError | None = None
    statuses: dict[str, int] = field(default_factory=dict)  # key of a missing repository -> GitHub's HTTP status


def _cache_key(base: str, owner: str, name: str) -> str:
    return f"github:{base}/repos/{repo_key(owner, name)}"


@dataclass(slots=True)
class Quota:
    remaining: int
    limit: int | None
    reset: int | None

    def reset_text(self) -> str:
        if self.reset is None:
            return "the hourly reset"
        return time.strftime("%H:%M UTC", time.gmtime(self.reset))


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def quota(client: HttpClient) -> Quota | None:
    """The core REST quota left, from ``GET /rate_limit``; None when the endpoint gives no usable answer."""
    answer = client.request("GET", f"{base_url()}/rate_limit", service=SERVICE, headers=_headers())
    if answer.status == 401:
        raise NetworkError("GitHub refused GITHUB_TOKEN (HTTP 401)", hint="check the token, or unset GITHUB_TOKEN")
    core: dict[str, object] = {}
    if answer.status == 200:
        try:
            data = answer.json()
            core = data.get("resources", {}).get("core", {}) or data.get("rate", {})
        except (ValueError, AttributeError):
            core = {}
    remaining = _int(core.get("remaining"))
    if remaining is None:
        remaining = _int(answer.headers.get("x-ratelimit-remaining"))
    if remaining is None:
        return None
    limit = _int(core.get("limit")) or _int(answer.headers.get("x-ratelimit-limit"))
    reset = _int(core.get("reset")) or _int(answer.headers.get("x-ratelimit-reset"))
    return Quota(remaining, limit, reset)


def check_quota(client: HttpClient, needed: int) -> Quota | None:
    """Raise :class:`RateLimitError` before any work when fewer than ``needed`` requests are left."""
    if needed <= 0 or client.config.offline:
        return None
    q = quota(client)
    if q is None or q.remaining >= needed:
        return q
    has_token = _token() is not None
    raise RateLimitError(
        f"GitHub allows {q.remaining} more request{'s' if q.remaining != 1 else ''} until {q.reset_text()}, "
        f"but {needed} repositor{'ies' if needed != 1 else 'y'} need one; nothing was changed",
        hint=f"try again after {q.reset_text()}"
        if has_token
        else "set GITHUB_TOKEN (a personal access token allows 5000 requests an hour) and run again",
    )


def uncached(client: HttpClient, repos: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The repositories (deduplicated by :func:`repo_key`) that have no fresh cached answer."""
    base = base_url()
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for owner, name in repos:
        key = repo_key(owner, name)
        if key in seen:
            continue
        seen.add(key)
        if (
            client.cache.get(_cache_key(base, owner, name), None if client.config.offline else client.config.ttl)
            is None
        ):
            out.append((owner, name))
    return out


def fetch_repos(
    repos: list[tuple[str, str]],
    client: HttpClient,
    *,
    progress: Callable[[int, int], None] | None = None,
    watch: int = 0,
) -> RepoResult:
    """Ask GitHub about each repository once (answers cached, 404s too). Stops at the first fatal error.

    ``watch``: how many requests the run needs when :func:`check_quota` could not learn the quota (a mirror
    without ``/rate_limit``); then the ``X-RateLimit-Remaining`` of the first answer decides whether to go on.
    """
    base = base_url()
    result = RepoResult()
    unique: dict[str, tuple[str, str]] = {}
    for owner, name in repos:
        unique.setdefault(repo_key(owner, name), (owner, name))
    total = len(unique)
    offline_misses: list[str] = []
    finished = itertools.count(1)
    if progress:
        progress(0, total)

    def ask(item: tuple[str, tuple[str, str]]) -> Answer:
        owner, name = item[1]
        try:
            return client.request(
                "GET",
                f"{base}/repos/{owner}/{name}",
                service=SERVICE,
                headers=_headers(),
                cache_key=_cache_key(base, owner, name),
                cache_statuses=(200, 404),
            )
        finally:
            if progress:
                progress(next(finished), total)

    def take(key: str, owner: str, name: str, answer: Answer | LcllmError) -> None:
        if isinstance(answer, OfflineError):
            offline_misses.append(f"{owner}/{name}")
        elif isinstance(answer, LcllmError):
            result.error = answer
        elif answer.status == 404:
            result.missing.append(key)
            result.statuses[key] = 404
        elif answer.status == 401:
            result.error = NetworkError(
                "GitHub refused GITHUB_TOKEN (HTTP 401)", hint="check the token, or unset GITHUB_TOKEN"
            )
        elif answer.status != 200:
            result.missing.append(key)  # 403 "access blocked", 451 "unavailable for legal reasons", ...
            result.statuses[key] = answer.status
        else:
            try:
                info = _parse(answer.json(), owner, name)
                if not answer.redirected and repo_key(info.owner, info.name) != repo_key(owner, name):
                    # only a redirect (a renamed or transferred repository) may answer with another name
                    result.error = NetworkError(
                        f"GitHub answered about {info.owner}/{info.name} when asked for {owner}/{name}",
                        hint="check LCLLM_GITHUB_API_URL (or unset it)",
                    )
                    return
                result.repos[key] = info
            except (ValueError, TypeError, AttributeError):
                result.error = NetworkError(f"GitHub gave an unexpected answer for {owner}/{name}")

    work = list(unique.items())
    if watch and work:
        # The first answer's X-RateLimit-Remaining decides whether the others are asked at all.
        (key, (owner, name)), rest = work[0], work[1:]
        first = caught(ask, work[0])
        take(key, owner, name, first)
        if result.error is not None:
            return result
        left = (
            None
            if isinstance(first, LcllmError) or first.from_cache
            else _int(first.headers.get("x-ratelimit-remaining"))
        )
        if left is not None and left < watch - 1:
            when = Quota(left, None, _int(first.headers.get("x-ratelimit-reset"))).reset_text()
            result.error = RateLimitError(
                f"GitHub allows {left} more requests until {when}, but {watch - 1} more repositories need one; "
                "stopped after the first",
                hint=f"try again after {when}"
                if _token()
                else "set GITHUB_TOKEN (a personal access token allows 5000 requests an hour) and run again",
            )
            return result
        work = rest
    for (key, (owner, name)), answer in zip(work, client.gather(ask, work), strict=True):
        take(key, owner, name, answer)
        if result.error is not None:
            return result
    if offline_misses:
        shown = ", ".join(offline_misses[:3]) + (", ..." if len(offline_misses) > 3 else "")
        result.error = OfflineError(
            f"--offline: the cache holds no GitHub answer for {len(offline_misses)} of {total} repositories ({shown})",
            hint="run `lcllm enrich --stars` once without --offline to fill the cache",
        )
    return result


def _parse(data: dict[str, object], owner: str, name: str) -> RepoInfo:
    canonical = github_repo(str(data.get("html_url") or ""))
    if canonical is None:
        full = data.get("full_name")
        if isinstance(full, str) and full.count("/") == 1:
            # the same check as a URL's: a name with spaces, brackets or a newline is not taken
            canonical = github_repo(f"https://github.com/{full}")
    if canonical is None:
        canonical = (owner, name)
    stars = _int(data.get("stargazers_count"))
    if stars is None:
        raise ValueError("no stargazers_count")
    desc = data.get("description")
    return RepoInfo(
        owner=canonical[0],
        name=canonical[1],
        stars=stars,
        description=desc.strip() if isinstance(desc, str) and desc.strip() else None,
        archived=data.get("archived") is True,
    )


GRAPHQL_BATCH = 50  # repositories per GraphQL query (each costs about one point of the 5,000 an hour)


@dataclass(slots=True)
class GraphqlResult:
    """``repos``: key -> info for the repositories GraphQL found under the name asked; ``unresolved``: the keys
    it did not (GraphQL does not follow renames: ask those by REST, which answers a moved repository with 301);
    ``error`` when a whole batch failed (its keys are in ``unresolved`` too)."""

    repos: dict[str, RepoInfo] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    error: LcllmError | None = None


def fetch_graphql(repos: list[tuple[str, str]], client: HttpClient, *, batch: int = GRAPHQL_BATCH) -> GraphqlResult:
    """Ask GitHub's GraphQL API about many repositories at once (``batch`` per query; needs ``GITHUB_TOKEN``):
    canonical owner/name, archived flag and stars. Never raises for GitHub's answers: what it could not learn is
    ``unresolved``."""
    import json

    result = GraphqlResult()
    unique: dict[str, tuple[str, str]] = {}
    for owner, name in repos:
        unique.setdefault(repo_key(owner, name), (owner, name))
    if _token() is None:
        result.unresolved = list(unique)
        return result
    items = list(unique.items())
    url = f"{base_url()}/graphql"
    for start in range(0, len(items), max(1, batch)):
        chunk = items[start : start + batch]
        fields = " ".join(
            f"r{n}: repository(owner: {json.dumps(owner)}, name: {json.dumps(name)})"
            " { nameWithOwner isArchived stargazerCount description }"
            for n, (_, (owner, name)) in enumerate(chunk)
        )
        try:
            answer = client.request(
                "POST", url, service=SERVICE, headers=_headers(), json_body={"query": f"query {{ {fields} }}"}
            )
            data = answer.json().get("data") if answer.status == 200 else None
        except (LcllmError, ValueError, AttributeError) as exc:
            result.error = (
                exc if isinstance(exc, LcllmError) else NetworkError("GitHub GraphQL gave an unexpected answer")
            )
            data = None
        if not isinstance(data, dict):
            if result.error is None:
                result.error = NetworkError(f"GitHub GraphQL answered HTTP {answer.status}")
            result.unresolved.extend(key for key, _ in chunk)
            continue
        for n, (key, _) in enumerate(chunk):
            node = data.get(f"r{n}")
            full = node.get("nameWithOwner") if isinstance(node, dict) else None
            if not isinstance(full, str) or full.count("/") != 1:
                result.unresolved.append(key)
                continue
            new_owner, new_name = full.split("/")
            desc = node.get("description")
            result.repos[key] = RepoInfo(
                owner=new_owner,
                name=new_name,
                stars=_int(node.get("stargazerCount")) or 0,
                description=desc.strip() if isinstance(desc, str) and desc.strip() else None,
                archived=node.get("isArchived") is True,
            )
    return result
