"""Posts on X / Twitter as link entries titled from the post (author and text), through oEmbed on the one HTTP
client (the post pages refuse robots). ``LCLLM_OEMBED_URL`` (default ``https://publish.twitter.com/oembed``)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from lcllm_cli.config import env_url
from lcllm_cli.errors import NetworkError
from lcllm_cli.model import Entry
from lcllm_cli.sources.http import HttpClient, get_json

DEFAULT_OEMBED_URL = "https://publish.twitter.com/oembed"
SERVICE = "X oEmbed"
POST = re.compile(r"(?a:https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/)[A-Za-z0-9_]+/status(?:es)?/\d+(?:[/?#].*)?")


def base_url() -> str:
    return env_url("LCLLM_OEMBED_URL", DEFAULT_OEMBED_URL)


def post_text(markup: str) -> str:
    """The text of the post in oEmbed's ``<blockquote><p>...</p>``: tags dropped, entities decoded."""
    m = re.search(r"<p[^>]*>(.*?)</p>", markup, re.IGNORECASE | re.DOTALL)
    text = m.group(1) if m else markup
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _status_id(url: str) -> str | None:
    m = re.search(r"/status(?:es)?/(\d+)", url)
    return m.group(1) if m else None


def fetch(url: str, client: HttpClient) -> Entry | None:
    """The post at ``url`` as a link labelled 𝕏 (None: oEmbed does not know it). Raises on trouble."""
    base = base_url()
    sep = "&" if "?" in base else "?"
    data = get_json(
        client, f"{base}{sep}url={quote(url, safe='')}", service=SERVICE, what=url, cache_key=f"oembed:{base}:{url}"
    )
    if data is None:
        return None
    if not isinstance(data, dict):
        raise NetworkError(f"{SERVICE} gave an unexpected answer for {url}")
    answered = data.get("url")
    if isinstance(answered, str) and _status_id(answered) not in (None, _status_id(url)):
        raise NetworkError(f"{SERVICE} answered about another post ({answered}) than {url}")
    try:
        author = " ".join(str(data.get("author_name") or "").split())
        text = post_text(str(data.get("html") or ""))
    except (ValueError, AttributeError):
        raise NetworkError(f"{SERVICE} gave an unexpected answer for {url}") from None
    if len(text) > 120:
        text = text[:119].rstrip() + "…"
    title = ": ".join(p for p in (author, text) if p) or url
    return Entry(kind="link", title=title, url=url, labels=["𝕏"])
