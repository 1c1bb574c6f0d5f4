"""The sped-up arXiv id and URL functions answer exactly as before, for every input.

``ids.try_parse_arxiv_id`` gained a quick path for a plain new-style id and arXiv's abs/pdf URL of one,
``urls.is_web_url`` a one-pattern test for plain URLs and ``urls.github_repo`` (so also ``urls.url_key``) a quick
path for a plain repository URL. Below, the functions as they were before, copied verbatim, are the oracle: both
are asked about every id, URL and code span of the seed list and of a 1,000-entry synthetic list, every form the
other tests use, and hypothesis-made strings (ids and URLs in many shapes, mutated: odd hosts, ports, letter case,
Unicode look-alikes, white space, queries).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lcllm_cli.ids import OLD_ARCHIVES, ArxivId, try_parse_arxiv_id
from lcllm_cli.urls import github_repo, is_web_url, url_key
from tests.synthetic import synthetic_markdown

SEED_TEXT = (Path(__file__).parent / "fixtures" / "awesome-long-context-llm.md").read_text(encoding="utf-8")

# ------------------------------------------------------------------------------------ the oracle: ids.py before

_NEW = re.compile(r"(?P<yymm>\d{4})\.(?P<num>\d{4,5})(?:v(?P<v>\d+))?", re.ASCII)
_OLD = re.compile(
    r"(?P<arch>[a-z][a-z-]*)(?:\.(?P<subj>[A-Za-z]{2}))?/(?P<yymm>\d{4})(?P<num>\d{3})(?:v(?P<v>\d+))?", re.ASCII
)
# (the URL, DOI and prefix patterns as they are since look-alike hosts such as "arxıv.org" are refused: ASCII letter
# case only; the quick paths never took them)
_URL = re.compile(
    r"^(?a:(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format|src|ps)/)(?P<rest>.+?)/?$",
    re.IGNORECASE,
)
_DOI = re.compile(
    r"^(?:(?a:https?://(?:dx\.)?doi\.org/)|(?a:doi):\s*)?10\.48550/(?a:arxiv)\.(?P<rest>.+)$", re.IGNORECASE
)
_PREFIX = re.compile(r"^(?a:arxiv):\s*", re.IGNORECASE)


def _check_yymm(yymm: str, *, old_style: bool) -> bool:
    yy, mm = int(yymm[:2]), int(yymm[2:])
    if not 1 <= mm <= 12:
        return False
    if old_style:
        # Old-style ids ran from August 1991 to March 2007.
        year = 1900 + yy if yy >= 91 else 2000 + yy
        return (1991, 8) <= (year, mm) <= (2007, 3)
    # New-style ids started in April 2007; 07..99 covers every year to 2099.
    return (yy, mm) >= (7, 4)


def _parse_core(text: str) -> ArxivId | None:
    m = _NEW.fullmatch(text)
    if m:
        yymm, num = m["yymm"], m["num"]
        if not _check_yymm(yymm, old_style=False):
            return None
        width = 4 if yymm <= "1412" else 5
        if len(num) != width:
            return None
        version = int(m["v"]) if m["v"] else None
        if version == 0:
            return None
        return ArxivId(f"{yymm}.{num}", version)
    m = _OLD.fullmatch(text)
    if m:
        arch = m["arch"].lower()
        if arch not in OLD_ARCHIVES or not _check_yymm(m["yymm"], old_style=True):
            return None
        version = int(m["v"]) if m["v"] else None
        if version == 0:
            return None
        return ArxivId(f"{arch}/{m['yymm']}{m['num']}", version)
    return None


def old_try_parse_arxiv_id(text: str) -> ArxivId | None:
    """Like :func:`parse_arxiv_id` but returns None for anything that is not an arXiv id."""
    s = text.strip()
    if not s or len(s) > 300:
        return None
    m = _URL.match(s)
    if m:
        s = m["rest"].split("?", 1)[0].split("#", 1)[0].rstrip("/")
        if s.lower().endswith(".pdf"):
            s = s[:-4]
    else:
        doi = _DOI.match(s)
        s = doi["rest"] if doi else _PREFIX.sub("", s)
    return _parse_core(s)


# ----------------------------------------------------------------------------------- the oracle: urls.py before

_GITHUB_REPO = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/"
    r"(?P<name>[A-Za-z0-9._-]+?)(?:\.git)?(?:/)?(?:[?#].*)?$",
    re.IGNORECASE | re.ASCII,  # (since look-alike hosts such as "gıthub.com" are refused)
)
# Query parameters that never change which page is meant.
_NOISE_PARAMS = re.compile(r"^(utm_.*|tab|ref|ref_src|source|fbclid|gclid|si|spm)$", re.IGNORECASE)


# An absolute http(s) URL whose host part is plain ASCII is a web URL without asking urlsplit (the common case, and
# a hot path when importing or exporting 100,000 entries), unless it holds a character refused below.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#]|$)", re.IGNORECASE)
_REFUSED = re.compile(r'[\x00\n\r\t <>"`]')


def old_is_web_url(url: str) -> bool:
    """True for absolute http(s) URLs with a host: the only URLs lcllm ever renders as links."""
    if _PLAIN_WEB_URL.match(url):
        return _REFUSED.search(url) is None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and _REFUSED.search(url) is None


def old_github_repo(url: str) -> tuple[str, str] | None:
    """``(owner, name)`` when ``url`` is the page of a GitHub repository itself (letter case as given)."""
    m = _GITHUB_REPO.match(url.strip())
    if not m:
        return None
    return m["owner"], m["name"]


def old_url_key(url: str) -> str:
    """A comparison key: two URLs with the same key point to the same page.

    Ignores the scheme, ``www.``, letter case of the host, a trailing slash, ``.git`` and query noise such as
    ``?tab=readme-ov-file``; GitHub owner/name compare case-insensitively (GitHub treats them so).
    """
    s = url.strip()
    repo = old_github_repo(s)
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


# ------------------------------------------------------------------------------------------------ comparing


def outcome(fn: object, arg: str) -> object:
    """What ``fn(arg)`` gives, with its type (True is not 1), or the type of what it raised."""
    try:
        value = fn(arg)  # type: ignore[operator]
    except Exception as exc:  # both must fail alike
        return ("raised", type(exc))
    return (type(value), value)


def assert_ids_same(text: str) -> None:
    assert outcome(try_parse_arxiv_id, text) == outcome(old_try_parse_arxiv_id, text), repr(text)


def assert_urls_same(url: str) -> None:
    assert outcome(is_web_url, url) == outcome(old_is_web_url, url), repr(url)
    assert outcome(github_repo, url) == outcome(old_github_repo, url), repr(url)
    assert outcome(url_key, url) == outcome(old_url_key, url), repr(url)


# ------------------------------------------------------------------------------------------- real lists


def synth_markdown() -> str:
    """What the benchmark imports, at 1,000 entries: a synthetic list rendered by the Markdown exporter."""
    return synthetic_markdown(1000, 1000)


_LINK_URL = re.compile(r"\]\(\s*<?([^()\s<>]*)")
_CODE = re.compile(r"`([^`]+)`")


def strings_of(text: str) -> tuple[list[str], list[str]]:
    """(URLs, id-like texts) of a Markdown list: every link destination and bare URL; every code span, each of its
    comma-separated parts, and every URL."""
    urls = _LINK_URL.findall(text) + re.findall(r"https?://[^\s<>()\]]+", text)
    texts = list(urls)
    for code in _CODE.findall(text):
        texts.append(code)
        texts.extend(code.split(","))
        texts.extend(p.strip() for p in code.split(","))
    return urls, texts


def test_seed_list_ids_and_urls_as_before() -> None:
    urls, texts = strings_of(SEED_TEXT)
    assert len(urls) > 100 and len(texts) > 150
    assert sum(old_try_parse_arxiv_id(t) is not None for t in texts) > 50  # ids were really compared
    for text in texts:
        assert_ids_same(text)
    for url in urls:
        assert_urls_same(url)


def test_synthetic_list_ids_and_urls_as_before() -> None:
    urls, texts = strings_of(synth_markdown())
    assert len(urls) > 2000
    assert sum(old_github_repo(u) is not None for u in urls) > 500
    for text in texts:
        assert_ids_same(text)
    for url in urls:
        assert_urls_same(url)


def parametrized_strings(module: object) -> list[str]:
    """Every string parameter of every parametrized test of a test module (the forms those tests hold)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    for fn in vars(module).values():
        for mark in getattr(fn, "pytestmark", []):
            if mark.name == "parametrize":
                walk(list(mark.args[1]))
    for name, value in vars(module).items():
        if name.isupper():
            walk(value)
    return found


def test_every_form_in_the_id_and_url_tests_as_before() -> None:
    from tests import test_ids, test_urls

    id_forms = parametrized_strings(test_ids)
    url_forms = parametrized_strings(test_urls)
    assert len(id_forms) > 40 and len(url_forms) > 10
    for text in id_forms + url_forms:
        assert_ids_same(text)
        assert_urls_same(text)


# ------------------------------------------------------------------------------------------- odd cases

ODD_IDS = [
    "2402.13753",
    "2402.13753v0",
    "2402.13753v00",
    "2402.13753v01",
    "2402.1375",
    "1412.12345",
    "1412.1234",
    "1501.1234",
    "0703.0001",
    "0704.0001",
    "2413.00001",
    "2400.00001",
    "9912.12345",
    "2402.13753v" + "9" * 300,
    "2402.13753v" + "9" * 280,
    "2402.13753v" + "1" * 289,  # 300 characters: the most an id may have
    "2402.13753v" + "1" * 290,
    "https://arxiv.org/abs/2402.13753v" + "1" * 280,
    "https://arxiv.org/abs/2402.13753v2",
    "https://arxiv.org/pdf/2402.13753v2",
    "http://www.arxiv.org/pdf/2402.13753",
    "https://export.arxiv.org/abs/2402.13753",
    "https://arxiv.org/abs/2402.13753\n",
    "https://arxiv.org/abs/2402.13753v2/",
    "https://arxiv.org/abs/2402.13753v2.pdf",
    "https://arxiv.org/abs/2402.13753v",
    "https://arxiv.org/abs/2402.13753vv2",
    "https://arxiv.org/abs//2402.13753",
    "https://arxiv.org/abs/2402.13753 ",
    "https://arxiv.org/ABS/2402.13753",
    "HTTPS://arxiv.org/abs/2402.13753",
    "https://arxiv.org/abs/２４０２.１３７５３",
    "https://arxiv.org/abs/2402.13753\u0301",
    "2402.13753\n",
    "\n2402.13753",
    "2402.13753\u00a0",
    "arXiv:2402.13753",
    "2402.13753.pdf",
    "hep-th/9711200",
    "https://arxiv.org/abs/hep-th/9711200v1",
]


@pytest.mark.parametrize("text", ODD_IDS)
def test_odd_ids_as_before(text: str) -> None:
    assert_ids_same(text)


ODD_URLS = [
    "https://github.com/o/r",
    "https://github.com/o/r/",
    "https://github.com/o/r//",
    "https://github.com/o/r.git",
    "https://github.com/o/r.git/",
    "https://github.com/o/.git",
    "https://github.com/o/.git.git",
    "https://github.com/o/a.git.git",
    "https://github.com/o/.gitx",
    "https://github.com/o/r.GIT",
    "https://github.com/-o/r",
    "https://github.com/o-/r",
    "https://github.com/o--p/r",
    "https://github.com/-/r",
    "https://github.com/o/-",
    "https://github.com/o/.",
    "https://github.com/o/r?tab=readme-ov-file",
    "https://github.com/o/r#readme",
    "https://github.com/o/r/tree/main",
    "https://github.com/o/r\n",
    " https://github.com/o/r",
    "https://github.com/o/r\u00a0",
    "https://www.github.com/o/r",
    "http://github.com/o/r",
    "HTTPS://GitHub.com/O/R",
    "https://github.com:443/o/r",
    "https://github.com/\u0131/r",
    "https://github.com/o/\u017f",
    "https://github.com/\u212a/r",
    "https://github.com/o/r\u0130",
    "github.com/o/r",
    "https://github.com/o",
    "https://github.com//r",
    "https://a.b",
    "https://a.b:",
    "https://a.b:8080",
    "https://a.b:8080/x?y=1#z",
    "https://a.b/x y",
    "https://a.b/\t",
    "https://a.b/x\n",
    "https://a.b\n",
    "https://a.b/`",
    'https://a.b/"',
    "https://a.b/\x00",
    "https://a.b?",
    "https://a.b#",
    "https://a.b/\u00e9",
    "https://b\u00fccher.de/x",
    "https://[::1]/x",
    "https://[::1/x",
    "https://user:pw@host/x",
    "HTTP://A.B/",
    "hTtPs://a.b",
    "https://",
    "https:///x",
    "ftp://a.b",
    "//a.b/x",
    "https://a.b/x?utm_source=q&b=2&a=1",
    "https://a.b:80/x/",
    "https://a.b:800/x",
]


@pytest.mark.parametrize("url", ODD_URLS)
def test_odd_urls_as_before(url: str) -> None:
    assert_urls_same(url)


# ------------------------------------------------------------------------------------------- hypothesis

_ID_PREFIXES = [
    "",
    " ",
    "arXiv:",
    "arxiv: ",
    "ARXIV:",
    "https://arxiv.org/abs/",
    "http://arxiv.org/pdf/",
    "https://www.arxiv.org/abs/",
    "https://export.arxiv.org/pdf/",
    "arxiv.org/abs/",
    "https://arxiv.org/html/",
    "https://arxiv.org/format/",
    "https://ARXIV.org/abs/",
    "Https://arxiv.org/Abs/",
    "https://arxiv.org/abs//",
    "https://arxiv.org/list/",
    "10.48550/arXiv.",
    "https://doi.org/10.48550/arXiv.",
    "doi:10.48550/arXiv.",
    "\n",
]
_ID_SUFFIXES = ["", "/", ".pdf", ".PDF", "?context=cs", "#x", " ", "\n", "v", "//", "x", "\u0301"]
_MUTANTS = "0123456789.v/:- \n\tabsxAV\u00a0\u0661\uff12\u0131\u017f\u212a?#_"


def digits(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=lo, max_size=hi)


@st.composite
def id_texts(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        core = draw(digits(3, 5)) + "." + draw(digits(3, 6))
    else:
        arch = draw(st.sampled_from([*sorted(OLD_ARCHIVES), "xx", "Hep-th"]))
        core = arch + draw(st.sampled_from(["", ".GT", ".g"])) + "/" + draw(digits(6, 8))
    if draw(st.booleans()):
        core += "v" + draw(digits(0, 3))
    text = draw(st.sampled_from(_ID_PREFIXES)) + core + draw(st.sampled_from(_ID_SUFFIXES))
    return mutate(draw, text)


def mutate(draw: st.DrawFn, text: str) -> str:
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "replace", "flip"]))
        c = draw(st.sampled_from(_MUTANTS))
        if how == "insert":
            text = text[:i] + c + text[i:]
        elif how == "delete":
            text = text[:i] + text[i + 1 :]
        elif how == "replace":
            text = text[:i] + c + text[i + 1 :]
        else:
            text = text[:i] + text[i:].swapcase()
    return text


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=id_texts())
@example(text="2402.13753")
@example(text="https://arxiv.org/abs/2402.13753v2")
def test_generated_ids_as_before(text: str) -> None:
    assert_ids_same(text)


_SCHEMES = ["https://", "http://", "HTTP://", "Https://", "", "ftp://", "//", "https:/", " https://", "hxxp://"]
_HOSTS = [
    "github.com",
    "www.github.com",
    "GitHub.com",
    "WWW.github.com",
    "gist.github.com",
    "github.com.evil.org",
    "arxiv.org",
    "a.b",
    "example.org",
    "b\u00fccher.de",
    "xn--bcher-kva.de",
    "localhost",
    "[::1]",
    "[::1",
    "user@host",
    "g\u0131thub.com",
    "\u017f.com",
    "",
    "a b.org",
    "a_b.org",
]
_PORTS = ["", "", "", ":80", ":443", ":8080", ":", ":abc", ":800", ":99999999"]
_SEGMENT = st.text("abcXYZ019._-\u0131\u017f\u212a\u00e9 %", min_size=0, max_size=8)
_TAILS = ["", "", "/", ".git", ".git/", "//", "/tree/main", "/.git"]
_QUERIES = [
    "",
    "",
    "?tab=readme-ov-file",
    "?utm_source=x&a=1",
    "#readme",
    "?a=1#b",
    "?x=\n",
    "?",
    "#",
    "?b=2&a=1&ref=x",
]
_ENDS = ["", "", " ", "\n", "\t", "\u00a0"]


@st.composite
def url_texts(draw: st.DrawFn) -> str:
    segments = draw(st.lists(_SEGMENT, min_size=0, max_size=3))
    path = "".join("/" + s for s in segments) + draw(st.sampled_from(_TAILS))
    url = (
        draw(st.sampled_from(_SCHEMES))
        + draw(st.sampled_from(_HOSTS))
        + draw(st.sampled_from(_PORTS))
        + path
        + draw(st.sampled_from(_QUERIES))
        + draw(st.sampled_from(_ENDS))
    )
    return mutate(draw, url) if draw(st.booleans()) else url


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(url=url_texts())
@example(url="https://github.com/o/r.git")
def test_generated_urls_as_before(url: str) -> None:
    assert_urls_same(url)


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_as_before(text: str) -> None:
    assert_ids_same(text)
    assert_urls_same(text)
