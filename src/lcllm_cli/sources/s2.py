"""Semantic Scholar Graph API: citation counts and published versions for many papers through the batch endpoint.

``POST {LCLLM_S2_API_URL}/paper/batch?fields=citationCount,venue,...`` with ``{"ids": ["ARXIV:2402.13753", ...]}``
answers a list in the same order, ``null`` for a paper Semantic Scholar does not know. The same request asks for
the fields that describe the published version (``venue``, ``publicationVenue``, ``journal``, ``year``,
``publicationTypes``, ``externalIds``), so citation counts and venues cost one set of requests between them.
At most 500 ids go in one request; requests are spaced one second apart (the keyed rate) and carry ``x-api-key``
when ``S2_API_KEY`` is set.

Each paper's answer is cached on its own (key: endpoint, fields, id), so a repeated run asks only for papers it has
no fresh answer for, and ``--offline`` can answer from earlier runs even when the list has grown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lcllm_cli.config import env_number, env_url
from lcllm_cli.errors import LcllmError, NetworkError
from lcllm_cli.sources.http import HttpClient, OfflineError

DEFAULT_S2_API_URL = "https://api.semanticscholar.org/graph/v1"
BATCH_SIZE = 500
FIELDS = "citationCount,venue,publicationVenue,journal,year,publicationTypes,externalIds"
# the parts of a record that describe the published version (read by lcllm_cli.venues.from_s2)
VENUE_FIELDS: tuple[str, ...] = ("venue", "publicationVenue", "journal", "year", "publicationTypes", "externalIds")
SERVICE = "Semantic Scholar"
INTERVAL = 1.0  # seconds between requests (LCLLM_S2_INTERVAL)


def base_url() -> str:
    return env_url("LCLLM_S2_API_URL", DEFAULT_S2_API_URL)


def interval() -> float:
    return env_number("LCLLM_S2_INTERVAL", INTERVAL, unit="seconds")


_PAPER_ID = re.compile(r"[0-9A-Za-z]{1,64}")


def paper_page(paper_id: str) -> str:
    return f"https://www.semanticscholar.org/paper/{paper_id}"


@dataclass(slots=True)
class S2Paper:
    """What Semantic Scholar says about one paper. ``citation_count`` None: it has no count for it.

    ``record``: the fields of :data:`VENUE_FIELDS` it answered (plain JSON values), for the published version."""

    paper_id: str | None
    citation_count: int | None
    record: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class CitationResult:
    """``papers``: id -> answer for papers Semantic Scholar knows; ``unknown``: ids it answered null for.

    ``error`` is set when a batch failed after retries (or ``--offline`` lacked answers); ``papers`` and
    ``unknown`` then hold what was learned before.
    """

    papers: dict[str, S2Paper] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    error: LcllmError | None = None


def _headers() -> dict[str, str]:
    key = os.environ.get("S2_API_KEY", "").strip()
    return {"x-api-key": key} if key else {}


def _parse(item: object) -> S2Paper | None:
    if item is None:
        return None
    if not isinstance(item, dict):
        raise NetworkError(f"{SERVICE} gave an unexpected answer (an item is {type(item).__name__})")
    count = item.get("citationCount")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        count = None
    pid = item.get("paperId")
    # The id goes into a URL in the list: only the shape Semantic Scholar uses (40 hex digits, or a short
    # alphanumeric id) is taken; anything else (spaces, brackets, a path) is dropped, the count kept.
    ok = isinstance(pid, str) and _PAPER_ID.fullmatch(pid) is not None
    return S2Paper(pid if ok else None, count, _venue_record(item))


def _plain_json(value: object, depth: int = 0) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if depth > 3:
        return False
    if isinstance(value, list):
        return all(_plain_json(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v, depth + 1) for k, v in value.items())
    return False


def _venue_record(item: dict[str, object]) -> dict[str, object]:
    return {k: item[k] for k in VENUE_FIELDS if item.get(k) is not None and _plain_json(item[k])}


def _cache_key(base: str, s2_id: str) -> str:
    return f"s2:{base}:{FIELDS}:{s2_id}"


def fetch_citations(
    ids: list[str],
    client: HttpClient,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> CitationResult:
    """Citation counts for Semantic Scholar ids (``ARXIV:<id>``, ``DOI:<doi>``), cached answers first.

    ``progress(done, total)`` is called after each batch (and once at the start).
    """
    base = base_url()
    result = CitationResult()
    unique = list(dict.fromkeys(ids))
    todo: list[str] = []
    for s2_id in unique:
        stored = client.cached(_cache_key(base, s2_id))
        if stored is None:
            todo.append(s2_id)
        elif isinstance(stored, dict) and stored.get("known"):
            record = stored.get("record")
            cached = _parse(
                {
                    "paperId": stored.get("paperId"),
                    "citationCount": stored.get("citationCount"),
                    **(record if isinstance(record, dict) else {}),
                }
            )
            result.papers[s2_id] = cached if cached is not None else S2Paper(None, None)
        else:
            result.unknown.append(s2_id)
    total = len(unique)
    done = total - len(todo)
    if progress:
        progress(done, total)
    if todo and client.config.offline:
        result.error = OfflineError(
            f"--offline: the cache holds no {SERVICE} answer for {len(todo)} of {total} papers",
            hint="run `lcllm enrich` once without --offline to fill the cache",
        )
        return result
    url = f"{base}/paper/batch?fields={FIELDS}"
    pause = interval()
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        try:
            answers = _post_batch(client, url, chunk, pause)
        except LcllmError as exc:
            result.error = exc
            return result
        for s2_id, paper in zip(chunk, answers, strict=True):
            if paper is None:
                result.unknown.append(s2_id)
                client.remember(_cache_key(base, s2_id), {"known": False})
            else:
                result.papers[s2_id] = paper
                client.remember(
                    _cache_key(base, s2_id),
                    {
                        "known": True,
                        "paperId": paper.paper_id,
                        "citationCount": paper.citation_count,
                        "record": paper.record,
                    },
                )
        done += len(chunk)
        if progress:
            progress(done, total)
    return result


def _post_batch(client: HttpClient, url: str, chunk: list[str], pause: float) -> list[S2Paper | None]:
    answer = client.request(
        "POST", url, service=SERVICE, headers=_headers(), json_body={"ids": chunk}, min_interval=pause
    )
    if answer.status in (401, 403):
        raise NetworkError(
            f"{SERVICE} refused the request (HTTP {answer.status})",
            hint="check S2_API_KEY, or unset it to use the shared pool",
        )
    if answer.status == 404:
        raise NetworkError(
            f"{SERVICE}: no batch endpoint at {url} (HTTP 404)", hint="check LCLLM_S2_API_URL (or unset it)"
        )
    if answer.status != 200:
        raise NetworkError(f"{SERVICE} answered HTTP {answer.status}: {_message(answer.text)}")
    try:
        data = answer.json()
    except ValueError:
        raise NetworkError(f"{SERVICE} gave an answer that is not JSON") from None
    if not isinstance(data, list) or len(data) != len(chunk):
        raise NetworkError(
            f"{SERVICE} gave an unexpected answer (expected a list of {len(chunk)} items)",
            hint="check LCLLM_S2_API_URL (or unset it)",
        )
    papers = [_parse(item) for item in data]
    for n, (asked, item) in enumerate(zip(chunk, data, strict=True)):
        found = papers[n]
        if found is not None and _answers_for_another(asked, item):
            # A record naming another paper: its count and id are not this paper's (its venue may still be
            # suggested, by the venue code, which shows the record's own id as the reason).
            papers[n] = S2Paper(None, None, found.record)
    return papers


def _answers_for_another(asked: str, item: object) -> bool:
    """True when ``item`` names, in its ``externalIds``, an arXiv id or DOI other than the one ``asked`` for: a
    batch answer is matched by position, so a foreign item would put its counts on the wrong paper."""
    if not isinstance(item, dict) or not isinstance(item.get("externalIds"), dict):
        return False
    ext = item["externalIds"]
    kind, _, value = asked.partition(":")
    named = ext.get({"ARXIV": "ArXiv", "DOI": "DOI"}.get(kind.upper(), ""))
    if not isinstance(named, str) or not named.strip():
        return False
    if kind.upper() == "ARXIV":
        from lcllm_cli.ids import try_parse_arxiv_id

        mine, theirs = try_parse_arxiv_id(value), try_parse_arxiv_id(named)
        return mine is not None and theirs is not None and mine.id != theirs.id
    return named.strip().lower() != value.strip().lower()


def _message(text: str) -> str:
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return text.strip()[:200] or "(empty answer)"
    if isinstance(data, dict):
        for k in ("error", "message"):
            if isinstance(data.get(k), str):
                return data[k][:200]
    return text.strip()[:200]


MATCH_FIELDS = f"title,authors,{FIELDS}"


@dataclass(slots=True)
class TitleMatch:
    """The paper Semantic Scholar's title search found: its record, and the title and authors to check it by."""

    paper: S2Paper
    title: str
    authors: list[str]


def match_title(title: str, client: HttpClient) -> TitleMatch | None:
    """Semantic Scholar's best match for ``title`` (``GET /paper/search/match``), cached; None when it has none.

    A title match is a guess, not an identifier: the caller decides whether it is the same paper."""
    from urllib.parse import quote

    base = base_url()
    url = f"{base}/paper/search/match?query={quote(title)}&fields={MATCH_FIELDS}"
    answer = client.request(
        "GET",
        url,
        service=SERVICE,
        headers=_headers(),
        cache_key=f"s2match:{base}:{MATCH_FIELDS}:{title}",
        cache_statuses=(200, 404),  # "no match" is an answer too: a second run asks nothing
        min_interval=interval(),
    )
    if answer.status == 404:
        return None
    if answer.status != 200:
        raise NetworkError(f"{SERVICE} answered HTTP {answer.status} to a title search: {_message(answer.text)}")
    try:
        data = answer.json()
    except ValueError:
        raise NetworkError(f"{SERVICE} gave an answer that is not JSON") from None
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        return None
    item = items[0]
    paper = _parse(item)
    if paper is None or not isinstance(item, dict):
        return None
    found_title = " ".join(item["title"].split()) if isinstance(item.get("title"), str) else ""
    authors = [
        " ".join(a["name"].split())
        for a in item.get("authors") or []
        if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip()
    ]
    return TitleMatch(paper, found_title, authors)
