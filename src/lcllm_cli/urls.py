"""Web URLs: which may be rendered as links, how two spellings of one page compare, GitHub repositories."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

_GITHUB_REPO = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/"
    r"(?P<name>[A-Za-z0-9._-]+?)(?:\.git)?(?:/)?(?:[?#].*)?$",
    re.IGNORECASE | re.ASCII,  # ASCII letters only: under IGNORECASE alone "i" matches "ı" and "k" the Kelvin sign
)
# Query parameters that never change which page is meant.
_NOISE_PARAMS = re.compile(r"^(utm_.*|tab|ref|ref_src|source|fbclid|gclid|si|spm)$", re.IGNORECASE)


# An absolute http(s) URL whose host part is plain ASCII is a web URL without asking urlsplit (the common case, and
# a hot path when importing or exporting 100,000 entries), unless it holds a character refused below.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#]|$)", re.IGNORECASE)
_REFUSED = re.compile(r'[\x00\n\r\t <>"`]')
# The same test in one pattern for the commonest URLs: such a URL, whole, holds no refused character. (Letter case
# as written, which is quicker to match: "HTTP://" or a host such as "\u212a.org" takes the path below.)
_PLAIN_WEB_URL_WHOLE = re.compile(r'https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#][^\x00\n\r\t <>"`]*+)?')
# A repository's page as GitHub writes it (plain ASCII, lower-case scheme and host, nothing after an optional
# slash): _GITHUB_REPO would give the same owner and name, which is worked out here without its lazy name.
_PLAIN_GITHUB_REPO = re.compile(r"https?://(?:www\.)?github\.com/([A-Za-z0-9-]++)/([A-Za-z0-9._-]++)/?")


def is_web_url(url: str) -> bool:
    """True for absolute http(s) URLs with a host: the only URLs lcllm ever renders as links."""
    if _PLAIN_WEB_URL_WHOLE.fullmatch(url):
        return True
    if _PLAIN_WEB_URL.match(url):
        return _REFUSED.search(url) is None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and _REFUSED.search(url) is None


def github_repo(url: str) -> tuple[str, str] | None:
    """``(owner, name)`` when ``url`` is the page of a GitHub repository itself (letter case as given)."""
    plain = _PLAIN_GITHUB_REPO.fullmatch(url)
    if plain is not None:
        owner, name = plain.groups()
        if owner[0] != "-" and owner[-1] != "-":  # (else _GITHUB_REPO refuses the owner)
            # the lazy name of _GITHUB_REPO leaves out a final ".git" (any letter case), unless that is all there is
            return owner, name[:-4] if len(name) > 4 and name[-4:].lower() == ".git" else name
    m = _GITHUB_REPO.match(url.strip())
    if not m:
        return None
    return m["owner"], m["name"]


def url_key(url: str) -> str:
    """A comparison key: two URLs with the same key point to the same page.

    Ignores the scheme, ``www.``, letter case of the host, a trailing slash, ``.git`` and query noise such as
    ``?tab=readme-ov-file``; GitHub owner/name compare case-insensitively (GitHub treats them so).
    """
    s = url.strip()
    repo = github_repo(s)
    if repo is not None:
        return f"github.com/{repo[0].lower()}/{repo[1].lower()}"
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
