"""What a pasted THING is, recognised locally before anything is fetched: an arXiv paper (or a page naming one), a
GitHub repository, a Hugging Face model, dataset or Space, a DOI, an OpenReview paper, a post on X, or any other web
page. Each kind is fetched from its own service."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lcllm_cli.fieldkinds import is_doi
from lcllm_cli.urls import github_repo

# huggingface.co/OWNER/NAME, /datasets/OWNER/NAME, /spaces/OWNER/NAME (and /tree/..., /blob/..., ?query, #anchor)
_HF = re.compile(
    r"(?a:https?://(?:www\.)?huggingface\.co/)(?:(?P<kind>datasets|spaces)/)?"
    r"(?P<owner>[A-Za-z0-9][A-Za-z0-9._-]*)/(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:[/?#].*)?",
    re.IGNORECASE,
)
# pages of the Hub that are not repositories
_HF_RESERVED = frozenset({"papers", "docs", "blog", "learn", "models", "collections", "organizations", "settings"})
_DOI_URL = re.compile(r"(?a:https?://(?:dx\.)?doi\.org/)(?P<doi>10\..+)", re.IGNORECASE)
_ACL = re.compile(r"(?a:https?://(?:www\.)?aclanthology\.org/)(?P<id>[A-Za-z0-9.-]+?)(?:\.pdf|\.bib)?/?", re.IGNORECASE)
_ACL_ID = re.compile(r"\d{4}\.[a-z0-9-]+\.\d+|[A-Z]\d{2}-\d{4}")
_ARXIV_HOST = re.compile(r"(?a:https?://(?:[a-z0-9-]+\.)*arxiv\.org(?:[:/?#]|$))", re.IGNORECASE)
_OPENREVIEW = re.compile(
    r"(?a:https?://(?:www\.)?openreview\.net/(?:forum|pdf)\?)(?:.*&)?id=(?P<id>[A-Za-z0-9_-]+)(?:[&#].*)?"
)


@dataclass(frozen=True, slots=True)
class Thing:
    """A recognised input: ``kind`` is ``github``, ``hf``, ``doi``, ``openreview``, ``post`` or ``page``; ``key``
    names it for its service (``owner/name``; ``models/owner/name``; the DOI; the forum id; the URL); ``url`` is the
    input as the link to keep, when it is one."""

    kind: str
    key: str
    url: str | None = None


def recognise(text: str) -> Thing | None:
    """The kind of ``text`` (not an arXiv id: those are :func:`lcllm_cli.ids.try_parse_arxiv_id`'s), or None."""
    s = text.strip()
    repo = github_repo(s)
    if repo is not None:
        return Thing("github", f"{repo[0]}/{repo[1]}", s if s.lower().startswith("http") else None)
    m = _HF.fullmatch(s)
    if m and m["owner"].lower() not in _HF_RESERVED:
        kind = (m["kind"] or "models").lower()
        return Thing("hf", f"{kind}/{m['owner']}/{m['name']}", s)
    m = _DOI_URL.fullmatch(s)
    doi = m["doi"] if m else s.removeprefix("doi:").strip()
    if is_doi(doi):
        return Thing("doi", doi)
    m = _ACL.fullmatch(s)
    if m and _ACL_ID.fullmatch(m["id"]):
        return Thing("doi", f"10.18653/v1/{m['id']}", s)
    m = _OPENREVIEW.fullmatch(s)
    if m:
        return Thing("openreview", m["id"], s)
    from lcllm_cli.sources.oembed import POST
    from lcllm_cli.urls import is_web_url

    if POST.fullmatch(s):
        return Thing("post", s, s)
    if is_web_url(s) and not _ARXIV_HOST.match(s):  # an arXiv URL without a paper id in it is a mistake, no page
        return Thing("page", s, s)
    return None
