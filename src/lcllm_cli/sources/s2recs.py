"""Semantic Scholar's recommendations: papers like a set of positive examples and unlike a set of negative ones.

``POST {LCLLM_S2_RECS_URL}/papers/?fields=...&limit=N`` (default ``https://api.semanticscholar.org/
recommendations/v1``) with ``{"positivePaperIds": [...], "negativePaperIds": [...]}`` (ids like
``ARXIV:2402.13753`` or ``DOI:10.18653/...``) answers ``{"recommendedPapers": [...]}``, best first. Requests go
through the run's one HTTP client, spaced as the Graph API's are (``LCLLM_S2_INTERVAL``), with ``x-api-key`` when
``S2_API_KEY`` is set, and are cached (the key is the request: the same seeds ask nothing again within the TTL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lcllm_cli.config import env_url
from lcllm_cli.errors import NetworkError
from lcllm_cli.sources.http import HttpClient
from lcllm_cli.sources.s2 import SERVICE, _headers, _message, interval

DEFAULT_S2_RECS_URL = "https://api.semanticscholar.org/recommendations/v1"
FIELDS = "title,externalIds,authors,publicationDate,year"
MAX_SEEDS = 100  # positive (and negative) ids sent at most: the newest, so a request stays small
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def base_url() -> str:
    return env_url("LCLLM_S2_RECS_URL", DEFAULT_S2_RECS_URL)


@dataclass(slots=True)
class Recommendation:
    """One recommended paper; ``rank`` is its place in the answer (0 is the best)."""

    rank: int
    title: str
    arxiv: str | None = None
    doi: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # YYYY-MM-DD
    year: int | None = None


def recommend(
    positive: list[str], negative: list[str], client: HttpClient, *, limit: int = 100
) -> list[Recommendation]:
    """Papers recommended from ``positive`` ids and away from ``negative`` ones (Semantic Scholar ids such as
    ``ARXIV:2402.13753``), best first. One request, cached. Raises :class:`NetworkError`."""
    from lcllm_cli.fieldkinds import is_doi
    from lcllm_cli.ids import try_parse_arxiv_id

    base = base_url()
    pos, neg = positive[:MAX_SEEDS], negative[:MAX_SEEDS]
    url = f"{base}/papers/?fields={FIELDS}&limit={limit}"
    body = {"positivePaperIds": pos, "negativePaperIds": neg}
    key = f"s2-recs:{url}:{','.join(pos)}:{','.join(neg)}"
    answer = client.request(
        "POST", url, service=SERVICE, headers=_headers(), json_body=body, cache_key=key, min_interval=interval()
    )
    if answer.status in (401, 403):
        raise NetworkError(
            f"{SERVICE} refused the recommendations request (HTTP {answer.status})",
            hint="check S2_API_KEY, or unset it to use the shared pool",
        )
    if answer.status != 200:
        raise NetworkError(
            f"{SERVICE} recommendations answered HTTP {answer.status}: {_message(answer.text)}",
            hint="check LCLLM_S2_RECS_URL (or unset it)",
        )
    try:
        data = answer.json()
    except ValueError:
        raise NetworkError(
            f"{SERVICE} recommendations gave an answer that is not JSON", hint="check LCLLM_S2_RECS_URL"
        ) from None
    papers = data.get("recommendedPapers") if isinstance(data, dict) else None
    if not isinstance(papers, list):
        raise NetworkError(
            f"{SERVICE} recommendations gave an unexpected answer (no recommendedPapers)",
            hint="check LCLLM_S2_RECS_URL (or unset it)",
        )
    out: list[Recommendation] = []
    for rank, item in enumerate(papers):
        if not isinstance(item, dict) or not isinstance(item.get("title"), str) or not item["title"].strip():
            continue
        ext = item.get("externalIds") if isinstance(item.get("externalIds"), dict) else {}
        parsed = try_parse_arxiv_id(str(ext.get("ArXiv") or ""))
        doi = ext.get("DOI") if isinstance(ext.get("DOI"), str) and is_doi(ext["DOI"]) else None
        if parsed is None and doi is None:
            continue  # nothing lcllm could add it by
        authors = [
            " ".join(a["name"].split())
            for a in item.get("authors") or []
            if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip()
        ]
        date = item.get("publicationDate")
        year = item.get("year")
        out.append(
            Recommendation(
                rank=rank,
                title=" ".join(item["title"].split()),
                arxiv=parsed.id if parsed else None,
                doi=doi,
                authors=authors,
                published=date if isinstance(date, str) and _DAY.match(date) else None,
                year=year if isinstance(year, int) and not isinstance(year, bool) else None,
            )
        )
    return out
