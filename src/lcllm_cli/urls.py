"""Web URLs: which may be rendered as links, how two spellings of one page compare, GitHub repositories."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

_GITHUB_REPO = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/"
    r"(?P<name>[A-Za-z0-9._-]+?)\.?(?:\.git)?(?P<sub>/(?:tree|blob)/[^?#]*|/)?(?:[?#].*)?$",
    re.IGNORECASE | re.ASCII,  # ASCII letters only: under IGNORECASE alone "i" matches "ı" and "k" the Kelvin sign
)
# Query parameters that never change which page is meant.
_NOISE_PARAMS = re.compile(r"^(utm_.*|tab|ref|ref_src|source|fbclid|gclid|si|spm)$", re.IGNORECASE)


# An absolute http(s) URL with a host, holding no white space, control character, quote, backtick or angle bracket
# (each would end a Markdown link or a BibTeX \url{}).
_WEB_URL = re.compile(r'(?i:https?)://(?P<host>[^/?#\x00-\x20<>"`\x7f]+)(?:[/?#][^\x00-\x20<>"`\x7f]*)?')


def is_web_url(url: str) -> bool:
    """True for absolute http(s) URLs with a host: the only URLs lcllm ever renders as links."""
    m = _WEB_URL.fullmatch(url)
    if m is None:
        return False
    if "[" in m["host"] or "]" in m["host"]:  # an IPv6 literal: only a well-formed one
        try:
            urlsplit(url)
        except ValueError:
            return False
    return True


def github_repo(url: str) -> tuple[str, str] | None:
    """``(owner, name)`` when ``url`` is the page of a GitHub repository (letter case as given), in any of the forms
    lists use: ``/tree/...``, ``/blob/...``, ``#readme``, ``?tab=readme-ov-file``, a final ``.git`` or ``.``."""
    m = _GITHUB_REPO.match(url.strip())
    if not m:
        return None
    return m["owner"], m["name"]


def _github_subfolder(url: str) -> str | None:
    """The folder a ``/tree/BRANCH/PATH`` or ``/blob/BRANCH/PATH`` URL shows inside its repository, lower-cased
    (None for the repository's own page or a branch): a folder of a monorepo is a project of its own."""
    m = _GITHUB_REPO.match(url.strip())
    if m is None or not m["sub"]:
        return None
    parts = [p for p in m["sub"].split("/") if p]
    if len(parts) <= 2 or (len(parts) == 3 and parts[2].lower().startswith("readme")):
        return None
    return "/".join(parts[2:]).lower()


def url_key(url: str) -> str:
    """A comparison key: two URLs with the same key point to the same page.

    Ignores the scheme, ``www.``, letter case of the host, a trailing slash, ``.git`` and query noise such as
    ``?tab=readme-ov-file``; GitHub owner/name compare case-insensitively (GitHub treats them so).
    """
    s = url.strip()
    repo = github_repo(s)
    if repo is not None:
        folder = _github_subfolder(s) if "/tree/" in s or "/blob/" in s else None
        return f"github.com/{repo[0].lower()}/{repo[1].lower()}" + (f"/{folder}" if folder else "")
    try:
        parts = urlsplit(s if "://" in s else "https://" + s)
    except ValueError:
        return s
    host = parts.netloc.lower().removeprefix("www.")
    if host.endswith(":80") or host.endswith(":443"):
        host = host.rsplit(":", 1)[0]
    path = parts.path.rstrip("/")
    if host == "github.com":
        segs = path.split("/")
        if len(segs) >= 3:
            segs[1], segs[2] = segs[1].lower(), segs[2].lower().removesuffix(".git")
        path = "/".join(segs)
    if not parts.query:
        return f"{host}{path}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _NOISE_PARAMS.match(k)]
    q = ("?" + urlencode(sorted(query))) if query else ""
    return f"{host}{path}{q}"


def canonical_github_url(owner: str, name: str) -> str:
    return f"https://github.com/{owner}/{name}"


def host_label(url: str) -> str:
    """A short label for a link from its host, as the seed's generator did (``zhuanlan.zhihu``, ``qbitai``)."""
    try:
        host = urlsplit(url).netloc.lower().removeprefix("www.")
    except ValueError:
        return "link"
    parts = host.split(".")
    if len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts) or "link"
