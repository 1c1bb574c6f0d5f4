"""The list as BibTeX that pdflatex + bibtex, biblatex + biber and pandoc --citeproc accept.

Papers are ``@misc`` with ``eprint``/``archivePrefix``/``primaryClass`` (arXiv's own recommendation), or
``@inproceedings`` (``booktitle``) / ``@article`` (``journal``, ``volume``, ``pages``) when a published venue is
known: the entry's ``publication`` (``lcllm enrich --venues``), else a ``venue`` or journal reference that names a
conference or a journal. The ``eprint``/``archivePrefix`` stay beside it, so the preprint can be found too.
Projects and links are ``@misc`` with ``howpublished = {\\url{...}}`` and a ``note`` saying what they are.
Text fields are escaped (see :mod:`lcllm_cli.latex`); ``url``, ``doi`` and ``eprint`` are written as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lcllm_cli import fieldkinds, latex, venues
from lcllm_cli.model import Entry, Publication
from lcllm_cli.urls import github_repo, is_web_url

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
NOTE_GITHUB = "GitHub repository"
NOTE_PROJECT = "Software project"
NOTE_LINK = "Web page"
KIND_NOTES = (NOTE_GITHUB, NOTE_PROJECT, NOTE_LINK)

_CONFERENCE = re.compile(
    r"\b(conference|proceedings|workshop|symposium|advances in neural|ICLR|NeurIPS|NIPS|ICML|ACL|EMNLP|NAACL|"
    r"EACL|AACL|COLING|AAAI|IJCAI|CVPR|ICCV|ECCV|WACV|KDD|SIGIR|WWW|COLM|AISTATS|UAI|COLT|INTERSPEECH|ICASSP|SIGGRAPH|CHI|WSDM|CIKM|"
    r"MLSys|OSDI|SOSP|ISCA|ASPLOS|EuroSys|NSDI|PPoPP|HPCA|MICRO|DAC|ICDE|VLDB|SIGMOD|LREC|CoNLL|Findings)\b",
    re.IGNORECASE,
)
# A journal the venue table does not know, named as one: an article even when its name also holds a conference's
# acronym (the table answers first for TACL, JMLR, TMLR and TPAMI).
_JOURNAL_NAME = re.compile(r"\b(journal|transactions)\b", re.IGNORECASE)
# Words of other journals, which a conference's name outweighs ("... Letters" of a workshop is rare; "Science" in a
# conference's name is not).
_JOURNAL = re.compile(r"\b(letters|review|magazine|Nature|Science|PNAS|Phys\.|Commun\.|J\.)", re.IGNORECASE)
# Fields lcllm writes itself; extra fields stored on an entry never override them.
OWN_FIELDS = frozenset(
    [
        "author",
        "title",
        "year",
        "month",
        "eprint",
        "archiveprefix",
        "primaryclass",
        "journal",
        "booktitle",
        "howpublished",
        "doi",
        "url",
        "note",
        "abstract",
        "key",
    ]
)


@dataclass(slots=True)
class BibResult:
    text: str
    count: int
    # (citation key, characters) that --ascii could not write and replaced by '?'
    lost: list[tuple[str, str]] = field(default_factory=list)


def venue_kind(venue: str | None) -> str | None:
    """``inproceedings`` / ``article`` for a published venue, None for arXiv or an unknown kind of venue."""
    return _venue_kind(venue) if venue else None


@lru_cache(maxsize=4096)  # venues repeat from entry to entry; the table and two regex searches each time added up
def _venue_kind(venue: str) -> str | None:
    # The venue table first (lcllm_cli.venues, which enrich names venues by): it knows preprint servers, submissions
    # that were not accepted ("Submitted to ICLR 2025") and the long names of conferences ("Computer Vision and
    # Pattern Recognition"); the words below judge a name it does not know.
    found = venues.canonical(venue)
    if found is None:
        return None
    if found.kind is not None:
        return _PUBLICATION_TYPES[found.kind]
    if _JOURNAL_NAME.search(venue):
        return "article"
    if _CONFERENCE.search(venue):
        return "inproceedings"
    if _JOURNAL.search(venue):
        return "article"
    return None


def known_venue(entry: Entry) -> tuple[str | None, str | None]:
    """The entry's venue, else its journal reference, that names a conference or a journal, with its kind
    (``inproceedings`` / ``article``); (None, None) when neither does."""
    for venue in (entry.venue, entry.journal_ref):
        kind = venue_kind(venue)
        if kind:
            return venue, kind
    return None, None


def publication_kind(pub: Publication) -> str | None:
    """``inproceedings`` / ``article`` for the published version enrich found: its type, else its venue's name."""
    return _PUBLICATION_TYPES.get(pub.type or "") or venue_kind(pub.venue)


def bib_name(name: str) -> str:
    """``First von Last`` as ``von Last, First`` (what BibTeX and biber parse without guessing)."""
    name = " ".join(name.split())
    if not name:
        return name
    if name.startswith("{") and name.endswith("}"):
        return name
    if "$" in name and any(c in m.group() for m in latex.MATH.finditer(name) for c in ", "):
        # math holding a comma or a space cannot be split into "Last, First" parts: one literal name
        return "{" + name + "}"
    if "," in name:  # already Last, First (or Last, Jr, First)
        parts = [p.strip() for p in name.split(",")]
        if len(parts) > 3 or not all(parts):  # a trailing or doubled comma, more parts than BibTeX knows
            return "{" + name + "}"  # one literal name, as written
        return name
    if " and " in f" {name.lower()} ":  # an organisation whose name holds "and": one token
        return "{" + name + "}"
    parts = name.split(" ")
    if len(parts) == 1:
        return name
    suffix = ""
    if parts[-1].lower().rstrip(".") in ("jr", "sr", "ii", "iii", "iv") and len(parts) > 2:
        suffix = parts.pop()
    # the von part: lower-case words before the last name (de Jong, van der Berg)
    i = len(parts) - 1
    while i > 1 and parts[i - 1][:1].islower():
        i -= 1
    last = " ".join(parts[i:])
    first = " ".join(parts[:i])
    return f"{last}, {suffix}, {first}" if suffix else f"{last}, {first}"


@lru_cache(maxsize=65536)  # the same people write many papers: each name is escaped and split once
def _author_text(name: str, ascii: bool) -> tuple[str, tuple[str, ...]]:
    lost: list[str] = []
    return bib_name(latex.escape(name, ascii=ascii, lost=lost)), tuple(lost)


def _author(name: str, ascii: bool, lost: list[str]) -> str:
    """``bib_name(latex.escape(name))``; the characters --ascii could not write go to ``lost``."""
    text, missing = _author_text(name, ascii)
    lost.extend(missing)
    return text


def _braced(value: str) -> str:
    return "{" + value + "}"


def _text(value: str, ascii: bool, lost: list[str]) -> str:
    return latex.escape(" ".join(value.split()), ascii=ascii, lost=lost)


# Characters a URL may not carry into a .bib as they are: braces (BibTeX counts them even after a backslash, so one
# would end the field), backslashes, quotes, white space and control characters. Percent-encoded, the URL is the
# same address (RFC 3986) and the field stays whole.
_URL_UNSAFE = re.compile(r'[{}\\"\s\x00-\x1f\x7f]')


def _bib_url(url: str) -> str:
    """``url`` as written in a ``url`` field: the characters of :data:`_URL_UNSAFE` percent-encoded."""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass")), url)


def _url_in_text(url: str) -> str:
    """``\\url{...}`` for a text field such as howpublished: :func:`_bib_url`, then # and % escaped for LaTeX."""
    return r"\url{" + re.sub(r"([#%])", r"\\\1", _bib_url(url)) + "}"


def _arxiv_url(entry: Entry) -> str:
    assert entry.arxiv
    return f"https://arxiv.org/abs/{entry.arxiv}" + (f"v{entry.version}" if entry.version else "")


def _month(entry: Entry) -> str | None:
    if entry.published and len(entry.published) >= 7 and entry.published[5:7].isdigit():
        m = int(entry.published[5:7])
        if 1 <= m <= 12:
            return MONTHS[m - 1]
    return None


def entry_fields(
    entry: Entry, *, ascii: bool = False, lost: list[str] | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """The BibTeX type and ``(name, written value)`` pairs for one entry; values are ready to write."""
    lost = lost if lost is not None else []
    out: list[tuple[str, str]] = []
    year = entry.year_value
    title = latex.title_of(entry.title, entry.ident)

    def add(name: str, value: str | None) -> None:
        if value:
            out.append((name, value))

    if entry.kind == "paper":
        parts = entry.author_parts()  # elided: the head, then "others" (a tail author is never in a head position)
        kept = entry.authors if parts is None else parts[0]
        names = [_author(a, ascii, lost) for a in kept if a.strip()]
        if parts is not None:
            names.append("others")
        add("author", _braced(" and ".join(names)) if names else None)
        add("title", _braced(latex.protect_title(title, ascii=ascii, lost=lost)))
        pub = entry.publication
        venue, kind = known_venue(entry)
        if pub is not None:  # the published version found by enrich: its own name, kind, year, volume and pages
            venue = pub.venue
            kind = publication_kind(pub)
            year = pub.year or year
        btype = kind or "misc"
        if kind == "inproceedings":
            add("booktitle", _braced(_text(venue or "", ascii, lost)))
        elif kind == "article":
            add("journal", _braced(_text(venue or "", ascii, lost)))
        elif pub is not None:
            add("howpublished", _braced(_text(pub.venue, ascii, lost)))
        elif entry.venue and entry.venue.strip().lower() != "arxiv":
            add("howpublished", _braced(_text(entry.venue, ascii, lost)))
        if pub is not None and kind == "article":
            add("volume", _braced(_text(pub.volume, ascii, lost)) if pub.volume else None)
        if pub is not None and kind is not None:
            add("pages", _braced(_pages(pub.pages, ascii, lost)) if pub.pages else None)
        add("year", _braced(str(year)) if year else None)
        if pub is None:  # the preprint's month is not the published version's
            add("month", _month(entry))  # a macro, unbraced: BibTeX, biber and pandoc all know jan..dec
        # eprint, primaryClass and doi are written verbatim: only values of their kind (lcllm_cli.fieldkinds)
        arxiv_id = entry.arxiv if entry.arxiv and fieldkinds.is_arxiv_id(entry.arxiv) else None
        if arxiv_id:
            add("eprint", _braced(arxiv_id))
            add("archivePrefix", "{arXiv}")
            category = entry.primary_category
            add("primaryClass", _braced(category) if category and fieldkinds.is_category(category) else None)
        doi = pub.doi if pub is not None and pub.doi and fieldkinds.is_doi(pub.doi) else entry.doi
        add("doi", _braced(doi) if doi and fieldkinds.is_doi(doi) else None)
        url = _arxiv_url(entry) if arxiv_id else (entry.url if entry.url and is_web_url(entry.url) else None)
        add("url", _braced(_bib_url(url)) if url else None)
        if not names:
            add("key", _braced(_text(title, ascii, lost)))  # plain.bst sorts by author, else by key
    else:
        btype = "misc"
        repo = github_repo(entry.url) if entry.url else None
        owner = entry.owner or (repo[0] if repo else None)
        if entry.kind == "project" and owner:
            add("author", _braced(_braced(_text(owner, ascii, lost))))
        add(
            "title",
            _braced(
                _braced(_text(title, ascii, lost))
                if entry.kind == "project"
                else latex.protect_title(title, ascii=ascii, lost=lost)
            ),
        )
        if entry.url and is_web_url(entry.url):
            add("howpublished", _braced(_url_in_text(entry.url)))
        add("year", _braced(str(year)) if year else None)
        note = NOTE_LINK if entry.kind == "link" else (NOTE_GITHUB if repo else NOTE_PROJECT)
        add("note", _braced(note))
        if entry.description:
            add("abstract", _braced(_text(entry.description, ascii, lost)))
        if not any(name == "author" for name, _ in out):
            add("key", _braced(_text(title, ascii, lost)))
    written = {name.lower() for name, _ in out}
    for name, value in sorted(entry.fields.items()):
        if name.lower() not in OWN_FIELDS and name.lower() not in written and _FIELD_NAME.fullmatch(name):
            # kept as written (an imported .bib's own LaTeX) when every reader splits it alike; else as text
            out.append((name, _braced(value if _raw_field_ok(value) else _text(value, ascii, lost))))
    return btype, out


_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_PUBLICATION_TYPES = {venues.CONFERENCE: "inproceedings", venues.JOURNAL: "article"}
_PAGE_RANGE = re.compile(r"^\s*(\w+)\s*[-\u2010-\u2015]+\s*(\w+)\s*$")


def _pages(pages: str, ascii: bool, lost: list[str]) -> str:
    """``12-34`` as BibTeX writes a range (``12--34``); anything else as text."""
    m = _PAGE_RANGE.match(pages)
    if m:
        return f"{_text(m.group(1), ascii, lost)}--{_text(m.group(2), ascii, lost)}"
    return _text(pages, ascii, lost)


def _raw_field_ok(value: str) -> bool:
    """A raw field value every reader takes for one value: braces balanced both as classic BibTeX counts them
    (every brace) and as LaTeX and bibtexparser do (``\\{`` escaped), no trailing backslash, no control
    character, and nothing TeX could use to reach a file (``^^`` or a command outside the known safe ones)."""
    if value.endswith("\\") or fieldkinds.has_control(value) or "^^" in value:
        return False
    depth = 0
    for c in value:
        depth += 1 if c == "{" else -1 if c == "}" else 0
        if depth < 0:
            return False
    return depth == 0 and latex._balanced(value) and latex.inert_commands(value)


def render(entries: list[Entry], *, ascii: bool = False) -> BibResult:
    """The entries (each must already have its key) as one .bib text, in list order: one block per entry, a field
    a line (``  name = {value}``), blocks one blank line apart. Written here rather than through bibtexparser's
    writer, which built a model of every entry only to print this layout (12% of a 10,000-entry export)."""
    blocks: list[str] = []
    lost_all: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in entries:
        assert entry.key, "assign keys before rendering"
        if entry.key in seen:  # a reader would take one entry for the other (keys.assign_keys never does this)
            raise ValueError(f"the citation key {entry.key!r} is given to two entries")
        seen.add(entry.key)
        lost: list[str] = []
        btype, fields = entry_fields(entry, ascii=ascii, lost=lost)
        body = ",\n".join([f"  {name} = {value}" for name, value in fields])
        blocks.append(f"@{btype}{{{entry.key},\n{body}\n}}\n" if fields else f"@{btype}{{{entry.key},\n}}\n")
        if lost:
            lost_all.append((entry.key, "".join(dict.fromkeys(lost))))
    return BibResult(text="\n".join(blocks), count=len(entries), lost=lost_all)
