"""OpenReview papers (``openreview.net/forum?id=...``, ``/pdf?id=...``) through the OpenReview API v2, on the one
HTTP client: title, authors, venue ("ICLR 2025 Poster") and year. ``LCLLM_OPENREVIEW_API_URL`` (default
``https://api2.openreview.net``)."""

from __future__ import annotations

import re

from lcllm_cli.config import env_url
from lcllm_cli.errors import NetworkError
from lcllm_cli.model import Entry
from lcllm_cli.sources.http import HttpClient, get_json

DEFAULT_OPENREVIEW_API_URL = "https://api2.openreview.net"
SERVICE = "OpenReview"


def base_url() -> str:
    return env_url("LCLLM_OPENREVIEW_API_URL", DEFAULT_OPENREVIEW_API_URL)


def _value(content: dict[str, object], name: str) -> object:
    field = content.get(name)
    return field.get("value") if isinstance(field, dict) else field


def fetch(note_id: str, client: HttpClient) -> Entry | None:
    """The paper of the forum ``note_id`` (None: OpenReview has no such note). Raises on trouble."""
    base = base_url()
    data = get_json(
        client, f"{base}/notes?id={note_id}", service=SERVICE, what=note_id, cache_key=f"openreview:{base}:{note_id}"
    )
    if data is None:
        return None
    try:
        notes = data.get("notes")
        if not notes:
            return None
        # only the note asked for (an answer may hold others, or the same one twice)
        mine = [n for n in notes if isinstance(n, dict) and note_id in (n.get("id"), n.get("forum"))]
        if not mine:
            return None
        content = mine[0]["content"]
        title = " ".join(str(_value(content, "title") or "").split())
        authors = [" ".join(str(a).split()) for a in (_value(content, "authors") or []) if str(a).strip()]
        venue = " ".join(str(_value(content, "venue") or "").split()) or None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise NetworkError(f"{SERVICE} gave an unexpected answer for {note_id}") from None
    if not title:
        return None
    year = re.search(r"\b(19|20)\d\d\b", venue or "")
    return Entry(
        kind="paper",
        title=title,
        authors=authors,
        venue=venue,
        year=int(year.group()) if year else None,
        url=f"https://openreview.net/forum?id={note_id}",
    )
