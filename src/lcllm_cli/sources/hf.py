"""The Hugging Face Hub: models, datasets and Spaces as projects (owner, likes, downloads), through the one HTTP
client. ``LCLLM_HF_URL`` (default ``https://huggingface.co``; the API is under ``/api/``); ``HF_TOKEN`` is sent as a
bearer token when set."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from lcllm_cli.config import env_url
from lcllm_cli.errors import LcllmError, NetworkError
from lcllm_cli.sources.http import HttpClient, get_json

DEFAULT_HF_URL = "https://huggingface.co"
SERVICE = "Hugging Face"


def base_url() -> str:
    return env_url("LCLLM_HF_URL", DEFAULT_HF_URL)


@dataclass(slots=True)
class HubInfo:
    """What the Hub says of a repository: ``kind`` (models, datasets, spaces), ``id`` as the Hub spells it."""

    kind: str
    id: str
    author: str | None
    likes: int | None
    downloads: int | None

    @property
    def url(self) -> str:
        prefix = "" if self.kind == "models" else f"{self.kind}/"
        return f"https://huggingface.co/{prefix}{self.id}"


@dataclass(slots=True)
class HubResult:
    repos: dict[str, HubInfo] = field(default_factory=dict)  # key asked for ("models/owner/name") -> info
    missing: list[str] = field(default_factory=list)
    error: LcllmError | None = None


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def fetch(keys: list[str], client: HttpClient) -> HubResult:
    """One request per repository (cached), several at once; the first failure, in the order given, ends the
    result with what was learned before it."""
    base = base_url()
    headers = {"Accept": "application/json"}
    token = os.environ.get("HF_TOKEN", "").strip()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    result = HubResult()

    def ask(key: str) -> tuple[Any, bool]:
        """The Hub's JSON for ``key`` (None: it has no such repository) and whether a redirect led to it."""
        kind, rid = key.split("/", 1)
        answer = client.request(
            "GET",
            f"{base}/api/{kind}/{rid}",
            service=SERVICE,
            headers=headers,
            cache_key=f"hf:{base}:{key}",
            cache_statuses=(200, 401, 404),  # "no such repository" is an answer too: a rerun does not ask again
        )
        if answer.status in (401, 404):  # unknown, or private and gated: the Hub does not show it
            return None, False
        if answer.status != 200:
            raise NetworkError(f"{SERVICE} answered HTTP {answer.status} for {rid}")
        try:
            return answer.json(), answer.redirected
        except ValueError:
            raise NetworkError(f"{SERVICE} gave an unexpected answer for {rid}") from None

    unique = list(dict.fromkeys(keys))
    for key, got in zip(unique, client.gather(ask, unique), strict=True):
        kind, rid = key.split("/", 1)
        if isinstance(got, LcllmError):
            result.error = got
            return result
        data, redirected = got
        if data is None:
            result.missing.append(key)
            continue
        try:
            hub_id = data.get("id") if isinstance(data.get("id"), str) and "/" in data["id"] else rid
            if hub_id.lower() != rid.lower() and not redirected:  # only a move (a redirect) renames
                result.error = NetworkError(f"{SERVICE} answered about {hub_id} when asked for {rid}")
                return result
            author = data.get("author") if isinstance(data.get("author"), str) else hub_id.split("/", 1)[0]
            result.repos[key] = HubInfo(kind, hub_id, author, _count(data.get("likes")), _count(data.get("downloads")))
        except (AttributeError, TypeError):
            result.error = NetworkError(f"{SERVICE} gave an unexpected answer for {rid}")
            return result
    return result


# --------------------------------------------------------------------------------------------- daily papers


@dataclass(slots=True)
class DailyPaper:
    """One paper of the Hub's daily papers: ``arxiv`` is its arXiv id (the Hub's paper id)."""

    arxiv: str
    title: str
    authors: list[str]
    published: str | None  # YYYY-MM-DD
    upvotes: int | None
    summary: str = ""


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def daily_papers(date: str, client: HttpClient) -> list[DailyPaper]:
    """The daily papers of ``date`` (``YYYY-MM-DD``): one request (cached with the client's TTL). A day without
    any (a weekend, a holiday) is an empty list, not an error. Raises :class:`NetworkError`."""
    from lcllm_cli.ids import try_parse_arxiv_id

    base = base_url()
    headers = {"Accept": "application/json"}
    token = os.environ.get("HF_TOKEN", "").strip()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    url = f"{base}/api/daily_papers?date={date}"
    data = get_json(
        client,
        url,
        service=SERVICE,
        what=f"the daily papers of {date}",
        cache_key=f"hf-daily:{url}",
        headers=headers,
        missing=(),
        hint="check LCLLM_HF_URL (or unset it)",
    )
    if not isinstance(data, list):
        raise NetworkError(
            f"{SERVICE} gave an unexpected answer for the daily papers of {date} (not a list)",
            hint="check LCLLM_HF_URL (or unset it)",
        )
    out: list[DailyPaper] = []
    for item in data:
        paper = item.get("paper") if isinstance(item, dict) else None
        if not isinstance(paper, dict):
            continue
        parsed = try_parse_arxiv_id(str(paper.get("id", "")))
        title = paper.get("title") if isinstance(paper.get("title"), str) else item.get("title")
        if parsed is None or not isinstance(title, str) or not title.strip():
            continue
        authors = [
            " ".join(a["name"].split())
            for a in paper.get("authors") or []
            if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip()
        ]
        published = paper.get("publishedAt")
        day = published[:10] if isinstance(published, str) and _DAY.match(published) else None
        summary = paper.get("summary") if isinstance(paper.get("summary"), str) else ""
        out.append(
            DailyPaper(parsed.id, " ".join(title.split()), authors, day, _count(paper.get("upvotes")), summary or "")
        )
    return out
