"""arXiv identifiers: every form people paste, normalised locally to one canonical id (+ version).

Accepted forms (see the README):
``2402.13753``, ``2402.13753v2``, ``arXiv:2402.13753``, abs/pdf/html/format URLs with or without ``www.`` or
``export.``, ``.pdf``, trailing slash, query or fragment; the DataCite DOI ``10.48550/arXiv.2402.13753`` (also as
a ``doi.org`` URL); old-style ids ``hep-th/9711200`` and ``math.GT/0309136`` (the subject class is not part of
the identifier, so the latter normalises to ``math/0309136``).

New-style ids use four digits after the dot up to December 2014 (``0704.0001``..``1412.9999``) and five from
January 2015 on; a number of the wrong width is refused rather than guessed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lcllm_cli.errors import InvalidIdError

# Archives that used old-style identifiers (https://arxiv.org/help/arxiv_identifier).
OLD_ARCHIVES = frozenset(
    [
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "quant-ph",
        "solv-int",
        "supr-con",
    ]
)

# ASCII digits only (re.ASCII): '\d' would also take full-width digits such as '２４０２.１３７５３'.
_NEW = re.compile(r"(?P<yymm>\d{4})\.(?P<num>\d{4,5})(?:v(?P<v>\d+))?", re.ASCII)
_OLD = re.compile(
    r"(?P<arch>[a-z][a-z-]*)(?:\.(?P<subj>[A-Za-z]{2}))?/(?P<yymm>\d{4})(?P<num>\d{3})(?:v(?P<v>\d+))?", re.ASCII
)
# Letter case is ignored in the scheme, host and prefix, for ASCII letters only ("(?a:...)"): under plain
# re.IGNORECASE "i" also matches the dotless "ı" and the dotted "İ", and "s" the long "ſ", so a look-alike host
# such as "arxıv.org" passed for arXiv.
_URL = re.compile(
    r"^(?a:(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format|src|ps)/)(?P<rest>.+?)/?$",
    re.IGNORECASE,
)
# Pages elsewhere that are a paper's page by its arXiv id: they name the paper for dedupe and for `add`.
_MIRROR = re.compile(
    r"^(?a:(?:https?://)?(?:www\.)?(?:huggingface\.co/papers|alphaxiv\.org/(?:abs|overview|pdf)"
    r"|ar5iv(?:\.labs)?\.arxiv\.org/(?:html|abs)|ar5iv\.org/(?:html|abs)|semanticscholar\.org/arxiv"
    r"|papers\.cool/arxiv)/)(?P<rest>.+?)/?$",
    re.IGNORECASE,
)
_DOI = re.compile(
    r"^(?:(?a:https?://(?:dx\.)?doi\.org/)|(?a:doi):\s*)?10\.48550/(?a:arxiv)\.(?P<rest>.+)$", re.IGNORECASE
)
_PREFIX = re.compile(r"^(?a:arxiv):\s*", re.IGNORECASE)


class ArxivId(NamedTuple):
    """A canonical arXiv id (never with a version) and the version asked for, if any. Immutable (one answer of the
    id cache may be handed out many times); a named tuple, built about twice as fast as a frozen dataclass."""

    id: str
    version: int | None = None

    @property
    def versioned(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id

    @property
    def is_old_style(self) -> bool:
        return "/" in self.id

    def __str__(self) -> str:
        return self.versioned


def _old_style_yymm(yymm: str) -> bool:
    """Old-style ids ran from August 1991 to March 2007."""
    yy, mm = int(yymm[:2]), int(yymm[2:])
    if not 1 <= mm <= 12:
        return False
    year = 1900 + yy if yy >= 91 else 2000 + yy
    return (1991, 8) <= (year, mm) <= (2007, 3)


def _new_style(yymm: str, num: str, v: str | None) -> ArxivId | None:
    """The parts of a new-style id (``_NEW``'s groups) checked: month, width of the number, version."""
    # A month 01-12, from April 2007 on (07..99 covers every year to 2099): four ASCII digits compare as strings
    # in the same order as numbers.
    if not ("01" <= yymm[2:] <= "12" and yymm >= "0704"):
        return None
    if len(num) != (4 if yymm <= "1412" else 5):
        return None
    version = int(v) if v else None
    if version == 0:
        return None
    return ArxivId(f"{yymm}.{num}", version)


def _parse_core(text: str) -> ArxivId | None:
    m = _NEW.fullmatch(text)
    if m:
        return _new_style(*m.groups())
    m = _OLD.fullmatch(text)
    if m:
        arch = m["arch"].lower()
        if arch not in OLD_ARCHIVES or not _old_style_yymm(m["yymm"]):
            return None
        version = int(m["v"]) if m["v"] else None
        if version == 0:
            return None
        return ArxivId(f"{arch}/{m['yymm']}{m['num']}", version)
    return None


def try_parse_arxiv_id(text: str) -> ArxivId | None:
    """Like :func:`parse_arxiv_id` but returns None for anything that is not an arXiv id."""
    s = text.strip()
    if not s or len(s) > 300:
        return None
    m = _NEW.fullmatch(s)  # a bare new-style id, the most common text: none of the forms below can be one
    if m:
        return _new_style(*m.groups())
    m = _URL.match(s) or _MIRROR.match(s)
    if m:
        s = m["rest"].split("?", 1)[0].split("#", 1)[0].rstrip("/")
        if s.lower().endswith(".pdf"):
            s = s[:-4]
    else:
        doi = _DOI.match(s)
        s = doi["rest"] if doi else _PREFIX.sub("", s)
    return _parse_core(s)


def is_mirror_url(url: str) -> bool:
    """A page of another site that shows an arXiv paper by its id (Hugging Face papers, alphaXiv, ar5iv, Semantic
    Scholar's arXiv pages, papers.cool): the paper for dedupe and `add`, but a link of its own in a list."""
    return _MIRROR.match(url.strip()) is not None


def may_name_arxiv(url: str) -> bool:
    """A cheap test before :func:`try_parse_arxiv_id` on a URL: could it be an arXiv page or one of its mirrors?"""
    low = url.lower()
    return "arxiv" in low or "alphaxiv" in low or "ar5iv" in low or "huggingface.co/papers/" in low


def parse_arxiv_id(text: str) -> ArxivId:
    """Normalise ``text`` (an id or URL in any accepted form) or raise :class:`InvalidIdError`."""
    parsed = try_parse_arxiv_id(text)
    if parsed is None:
        shown = text.strip()[:80] or repr(text)
        raise InvalidIdError(
            f"not an arXiv id or URL: {shown}",
            hint="use a form like 2402.13753, arXiv:2402.13753v2, https://arxiv.org/abs/2402.13753 or hep-th/9711200",
        )
    return parsed


def arxiv_doi(arxiv_id: str) -> str:
    """arXiv's DataCite DOI for a canonical id."""
    return f"10.48550/arXiv.{arxiv_id}"


def abs_url(parsed: ArxivId) -> str:
    return f"https://arxiv.org/abs/{parsed.versioned}"


def pdf_url(parsed: ArxivId) -> str:
    return f"https://arxiv.org/pdf/{parsed.versioned}"
