"""Venue names as people write them: what the services return, mapped to short canonical names with their year.

``"Neural Information Processing Systems"`` and ``"NIPS"`` are ``NeurIPS``; ``"International Conference on
Learning Representations"`` is ``ICLR``; with the year of that venue the list shows ``ICLR 2024``. A preprint
server (arXiv.org, CoRR, bioRxiv, SSRN, ...) is never a venue, and neither is an OpenReview submission that was not
accepted ("Submitted to ICLR 2025"). A venue the table does not know is kept as given; a workshop is kept as given
too (``"ICLR 2024 Workshop ME-FoMo"`` is not ICLR).

:func:`from_s2`, :func:`from_csl` and :func:`from_openreview` read what Semantic Scholar, doi.org and OpenReview
say into one :class:`Found`; the evidence rule (what is applied, what is only suggested) is the enrich command's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONFERENCE = "conference"
JOURNAL = "journal"

# (canonical name, kind, pattern over the casefolded name). Order matters: the first match wins, so the more
# specific names (TACL, Findings, the ACL chapters) come before ACL itself.
_TABLE: tuple[tuple[str, str, str], ...] = (
    ("TACL", JOURNAL, r"transactions of the (association for computational linguistics|acl)\b|\btacl\b"),
    ("Findings of EMNLP", CONFERENCE, r"^findings of .*(empirical methods|emnlp)"),
    ("Findings of NAACL", CONFERENCE, r"^findings of .*(north american chapter|naacl)"),
    ("Findings of ACL", CONFERENCE, r"^findings of (the )?(association for computational linguistics|acl)\b"),
    ("NAACL", CONFERENCE, r"north american chapter of the association for computational linguistics|\bnaacl\b"),
    ("EACL", CONFERENCE, r"european chapter of the association for computational linguistics|\beacl\b"),
    ("EMNLP", CONFERENCE, r"empirical methods in natural language processing|\bemnlp\b"),
    ("ACL", CONFERENCE, r"annual meeting of the association for computational linguistics|^acl\b|\bacl$"),
    ("COLING", CONFERENCE, r"international conference on computational linguistics|\bcoling\b"),
    ("NeurIPS", CONFERENCE, r"neural information processing systems|\bneurips\b|\bnips\b"),
    ("ICLR", CONFERENCE, r"international conference on learning representations|\biclr\b"),
    ("ICML", CONFERENCE, r"international conference on machine learning(?! and)|\bicml\b"),
    ("COLM", CONFERENCE, r"conference on language modeling|\bcolm\b"),
    ("CVPR", CONFERENCE, r"computer vision and pattern recognition|\bcvpr\b"),
    ("ICCV", CONFERENCE, r"international conference on computer vision|\biccv\b"),
    ("ECCV", CONFERENCE, r"european conference on computer vision|\beccv\b"),
    ("AAAI", CONFERENCE, r"\baaai\b"),
    ("IJCAI", CONFERENCE, r"international joint conference on artificial intelligence|\bijcai\b"),
    ("AISTATS", CONFERENCE, r"artificial intelligence and statistics|\baistats\b"),
    ("UAI", CONFERENCE, r"uncertainty in artificial intelligence|\buai\b"),
    ("KDD", CONFERENCE, r"knowledge discovery and data mining|\bkdd\b"),
    ("SIGIR", CONFERENCE, r"research and development in information retrieval|\bsigir\b"),
    ("MLSys", CONFERENCE, r"machine learning and systems|\bmlsys\b"),
    ("JMLR", JOURNAL, r"journal of machine learning research|\bjmlr\b"),
    ("TMLR", JOURNAL, r"transactions on machine learning research|\btmlr\b"),
    ("TPAMI", JOURNAL, r"transactions on pattern analysis and machine intelligence|\btpami\b"),
    ("Nature", JOURNAL, r"^nature$"),
    ("Science", JOURNAL, r"^science$"),
)
_COMPILED = tuple((name, kind, re.compile(pattern)) for name, kind, pattern in _TABLE)

# Preprint servers and repositories: where a preprint is, never where a paper was published.
_PREPRINT = re.compile(
    r"^(arxiv|corr|computing research repository|biorxiv|medrxiv|chemrxiv|techrxiv|psyarxiv|ssrn|research square|"
    r"preprints(\.org)?|openreview(\.net)?|zenodo|hal)\b"
)
# OpenReview's words for a paper that has not (yet) been accepted where it was submitted.
_NOT_ACCEPTED = re.compile(r"\b(submitted to|under review|withdrawn|rejected|desk.rejected|preprint)\b")
_WORKSHOP = re.compile(r"\bworkshops?\b")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
# OpenReview's decoration after a venue: "ICLR 2024 poster", "NeurIPS 2023 oral", "spotlight"
_TRACK = re.compile(r"\s+(poster|oral|spotlight|notable[- ]top[- ]\d+%?|main|conference|track)\b.*$", re.IGNORECASE)


def _plain(name: str) -> str:
    """A venue name compared: case, white space and ``&`` for ``and`` aside."""
    return " ".join(name.casefold().replace("&", "and").split())


def is_preprint(name: str | None) -> bool:
    """``name`` is a preprint server ("arXiv.org", "ArXiv", "CoRR", "bioRxiv", "SSRN"), or empty."""
    return not name or not name.strip() or _PREPRINT.match(_plain(name)) is not None


def accepted(name: str) -> bool:
    """False for OpenReview's "Submitted to ICLR 2025", "... Withdrawn Submission", "Rejected"."""
    return _NOT_ACCEPTED.search(_plain(name)) is None


@dataclass(frozen=True, slots=True)
class Canonical:
    """A venue's canonical name (``"ICLR"``, or the name as given when unknown) and kind, if known."""

    name: str
    kind: str | None  # CONFERENCE, JOURNAL, or None when the table does not know the venue
    known: bool


def canonical(name: str | None, alternates: tuple[str, ...] = ()) -> Canonical | None:
    """The canonical venue for ``name`` (or one of its ``alternates``); None for a preprint server or nothing.

    An unknown venue and a workshop are kept as given (white space collapsed)."""
    if name is None or is_preprint(name) or not accepted(name):
        return None
    given = " ".join(name.split())
    if _WORKSHOP.search(_plain(given)):
        return Canonical(given, CONFERENCE, False)
    for candidate in (given, *alternates):
        folded = _plain(_YEAR.sub(" ", candidate))
        for short, kind, pattern in _COMPILED:
            if pattern.search(folded):
                return Canonical(short, kind, True)
    return Canonical(given, None, False)


def year_in(name: str | None) -> int | None:
    """The year a venue name carries ("ICLR 2024 poster": 2024)."""
    m = _YEAR.search(name or "")
    return int(m.group()) if m else None


def label(name: str, year: int | None) -> str:
    """What the list shows: ``"ICLR 2024"``; an unknown name that already holds a year is left as it is."""
    if year is None or year_in(name) is not None:
        return name
    return f"{name} {year}"


@dataclass(slots=True)
class Found:
    """A published version one service describes: canonical venue, kind, year and what else it knows."""

    venue: str  # canonical name, "ICLR"
    kind: str | None
    year: int | None
    given: str  # what the service called it
    doi: str | None = None
    volume: str | None = None
    pages: str | None = None

    @property
    def label(self) -> str:
        return label(self.venue, self.year)


def _str(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _dblp_year(key: str) -> int | None:
    """The year of a DBLP key: ``conf/iclr/PengQFS24`` is 2024 (the two digits end the key)."""
    m = re.search(r"(\d\d)[a-z]?$", key)
    if not m or not key.startswith(("conf/", "journals/")) or key.startswith("journals/corr/"):
        return None
    yy = int(m.group(1))
    return (1900 if yy >= 50 else 2000) + yy


def _acl_year(acl_id: str) -> int | None:
    """The year of an ACL Anthology id: ``2024.acl-long.1`` is 2024, ``P19-1001`` is 2019."""
    m = re.match(r"(\d{4})\.", acl_id) or re.match(r"[A-Z](\d\d)-\d", acl_id)
    if not m:
        return None
    y = int(m.group(1))
    return y if y > 1900 else (1900 if y >= 50 else 2000) + y


def _is_preprint_doi(doi: str) -> bool:
    return doi.lower().startswith("10.48550/")  # arXiv's own DataCite DOIs


def from_s2(record: dict[str, object]) -> Found | None:
    """The published version a Semantic Scholar record describes (fields ``venue``, ``publicationVenue``,
    ``journal``, ``year``, ``publicationTypes``, ``externalIds``); None when it names only a preprint server."""
    pv = record.get("publicationVenue")
    pv = pv if isinstance(pv, dict) else {}
    journal = record.get("journal")
    journal = journal if isinstance(journal, dict) else {}
    ext = record.get("externalIds")
    ext = ext if isinstance(ext, dict) else {}
    alternates = (
        tuple(_str(a) for a in (pv.get("alternate_names") or []) if _str(a))
        if isinstance(pv.get("alternate_names"), list)
        else ()
    )
    journal_name = _str(journal.get("name"))
    candidates = [_str(pv.get("name")), _str(record.get("venue")), journal_name]
    given = next((c for c in candidates if c and not is_preprint(c)), "")
    if not given:
        return None
    found = canonical(given, alternates)
    if found is None:
        return None
    kind = found.kind
    pv_type = _str(pv.get("type")).lower()
    types = (
        [t for t in (record.get("publicationTypes") or []) if isinstance(t, str)]
        if isinstance(record.get("publicationTypes"), list)
        else []
    )
    if kind is None:
        if pv_type in (CONFERENCE, JOURNAL):
            kind = pv_type
        elif "Conference" in types:
            kind = CONFERENCE
        elif "JournalArticle" in types and journal_name and not is_preprint(journal_name):
            kind = JOURNAL
    # the year of the venue: a DBLP key or an ACL Anthology id says it; else the name; else the record's year
    year = None
    if isinstance(ext.get("DBLP"), str):
        year = _dblp_year(ext["DBLP"])
    if year is None and isinstance(ext.get("ACL"), str):
        year = _acl_year(ext["ACL"])
    year = year or year_in(given) or year_in(_str(record.get("venue")))
    if year is None and isinstance(record.get("year"), int) and not isinstance(record.get("year"), bool):
        year = record["year"]  # type: ignore[assignment]
    doi = _str(ext.get("DOI")) or None
    from lcllm_cli.fieldkinds import is_doi

    if doi is not None and (_is_preprint_doi(doi) or not is_doi(doi)):
        doi = None
    journal_ok = journal_name and not is_preprint(journal_name)
    volume = (_str(journal.get("volume")) or None) if journal_ok else None
    pages = (_str(journal.get("pages")) or None) if journal_ok else None
    return Found(found.name, kind, year, given, doi=doi, volume=volume, pages=pages)


_CSL_KINDS = {"paper-conference": CONFERENCE, "article-journal": JOURNAL}


def from_csl(data: dict[str, object], doi: str) -> Found | None:
    """The published version a DOI's CSL-JSON record describes (doi.org); None for a preprint (arXiv's DataCite
    records are ``article`` or ``posted-content`` in a repository) or a record without a container title."""
    kind = _CSL_KINDS.get(_str(data.get("type")))
    container = data.get("container-title")
    if isinstance(container, list):
        container = container[0] if container else ""
    name = _str(container) or _str(data.get("event"))
    if kind is None or not name or _is_preprint_doi(doi):
        return None
    found = canonical(name)
    if found is None:
        return None
    year = None
    issued = data.get("issued")
    if isinstance(issued, dict) and isinstance(issued.get("date-parts"), list) and issued["date-parts"]:
        first = issued["date-parts"][0]
        if isinstance(first, list) and first and isinstance(first[0], int | str) and str(first[0]).isdigit():
            year = int(first[0])
    year = year_in(name) or year
    return Found(
        found.name,
        found.kind or kind,
        year,
        name,
        doi=doi,
        volume=_str(data.get("volume")) or None,
        pages=_str(data.get("page")) or None,
    )


def from_openreview(venue: str | None) -> Found | None:
    """The venue of an OpenReview note ("ICLR 2024 poster" is ICLR 2024); None when not accepted."""
    if not venue or not accepted(venue):
        return None
    bare = _TRACK.sub("", " ".join(venue.split()))
    found = canonical(bare)
    if found is None:
        return None
    return Found(found.name, found.kind or CONFERENCE, year_in(venue), venue)
