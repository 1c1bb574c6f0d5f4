"""Web pages as link entries: the title a page gives (``og:title``, else ``<title>``), read from at most its first
megabyte, in the encoding the page declares (a BOM, the ``Content-Type`` charset, a ``<meta charset>`` in the first
1,024 bytes, else UTF-8). Pages are fetched at their own URL, through the one HTTP client."""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass

from lcllm_cli.sources.http import HttpClient

PAGE_PREFIX = 1024 * 1024  # bytes of a page read for its title
SERVICE = "the page"

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_OG_TITLE = re.compile(
    r"""<meta\s[^>]*?(?:property|name)\s*=\s*["']og:title["'][^>]*?content\s*=\s*(?:"([^"]*)"|'([^']*)')"""
    r"""|<meta\s[^>]*?content\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*?(?:property|name)\s*=\s*["']og:title["']""",
    re.IGNORECASE | re.DOTALL,
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(slots=True)
class Page:
    url: str  # where the page was found (after redirects)
    title: str | None  # None: the page gives none


def encoding_of(body: bytes, content_type: str | None) -> str:
    """The page's encoding: a BOM, else the header's charset, else a ``<meta charset>`` early in the page, else
    UTF-8. An unknown name counts as none."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return name
    candidates = []
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
        if m:
            candidates.append(m.group(1))
    m = _META_CHARSET.search(body[:1024])
    if m:
        candidates.append(m.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return "utf-8"


def title_of(body: bytes, content_type: str | None) -> str | None:
    """``og:title``, else ``<title>``, entities decoded and white space collapsed; None when the page has neither."""
    text = body.decode(encoding_of(body, content_type), errors="replace")
    m = _OG_TITLE.search(text)
    raw = next((g for g in m.groups() if g is not None), None) if m else None
    if not raw or not raw.strip():
        t = _TITLE.search(text)
        raw = t.group(1) if t else None
    if raw is None:
        return None
    title = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())
    return title[:300] or None


def fetch(url: str, client: HttpClient) -> Page:
    """The page at ``url`` (its head only). Raises :class:`~lcllm_cli.errors.NetworkError` when it cannot be had.
    What a page gave (its final URL and title, not its bytes) is cached, for ``--offline`` and the cache's TTL."""
    from lcllm_cli.errors import NetworkError

    key = f"page:{url}"
    stored = client.cached(key)
    if isinstance(stored, dict) and isinstance(stored.get("url"), str):
        title = stored.get("title")
        return Page(stored["url"], title if isinstance(title, str) and title else None)
    client.require_online(f"the page {url}")
    answer = client.request(
        "GET",
        url,
        service=SERVICE,
        headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
        prefix=PAGE_PREFIX,
    )
    if answer.status >= 400:
        raise NetworkError(f"the page answered HTTP {answer.status}: {url}")
    page = Page(answer.url, title_of(answer.body, answer.headers.get("content-type")))
    client.remember(key, {"url": page.url, "title": page.title})
    return page
