"""BibTeX into entries, with bibtexparser 2.

An entry with an arXiv ``eprint``, an arxiv.org URL, an arXiv DOI (``10.48550/arXiv.*``) or a journal/note like
``arXiv preprint arXiv:2402.13753`` becomes a paper with that id. Any other entry is kept with its fields: a
paper without an id, a project (what ``lcllm export --bibtex`` writes for one: ``note = {GitHub repository}``)
or a link when it has only a URL. Fields lcllm has no place for are kept in ``Entry.fields`` and written back
on export. Blocks bibtexparser cannot parse are reported with their line numbers; the rest is imported.

Field values are read the way BibTeX reads them: ``@string`` macros are expanded and ``#`` joins the parts
(``booktitle = acl # ", Vol 1"``); an undefined macro (``month = feb``) stays as its name. A value that runs on
into another ``name = value`` (a missing comma) and an entry with neither a title nor a key are reported, not
imported. Citation keys are kept as written whenever BibTeX and biber accept them (``DBLP:conf/acl/X24``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lcllm_cli import latex
from lcllm_cli.fieldkinds import doi_of, is_category
from lcllm_cli.ids import try_parse_arxiv_id
from lcllm_cli.importers import ImportResult, Problem
from lcllm_cli.keys import valid_key
from lcllm_cli.model import Entry, Library, validate_entry
from lcllm_cli.urls import github_repo, is_web_url

if TYPE_CHECKING:  # bibtexparser itself is imported only where a .bib is read: start-up stays fast
    from bibtexparser.model import Entry as BibEntry

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
PROJECTS_SECTION = "Projects"
LINKS_SECTION = "Links"
PAPERS_SECTION = "Papers"

_ARXIV_IN_TEXT = re.compile(
    r"arxiv[:\s]*(?:preprint\s*)?(?:arxiv:)?\s*(?P<id>[a-z-]+(?:\.[A-Za-z]{2})?/\d{7}|\d{4}\.\d{4,5})(?:v(?P<v>\d+))?",
    re.IGNORECASE,
)
_URL_CMD = re.compile(r"\\url\s*\{(?P<url>(?:\\.|[^{}])*)\}")
_BRACE_GROUP_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
# Fields turned into entry data (the rest goes to Entry.fields).
_CONSUMED = {
    "author", "title", "year", "month", "eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass",
    "journal", "booktitle", "howpublished", "doi", "url", "note", "abstract", "key",
}  # fmt: skip


_AND = re.compile(r"\s+and\s+")


def split_names(value: str) -> list[str]:
    """Split an author field on ``and`` at brace depth 0."""
    names: list[str] = []
    start = 0
    lower = value.lower()
    for i, depth in latex.brace_depths(value):  # an escaped brace does not open a group
        if i >= start and depth == 0 and value[i].isspace():
            m = _AND.match(lower, i)
            if m:
                names.append(value[start:i])
                start = m.end()
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def plain_name(name: str) -> str:
    """A BibTeX name (``Last, First``, ``Last, Jr, First``, ``First Last``, ``{Org}``) as ``First Last``."""
    parts = _split_commas(name)
    if len(parts) == 2:
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) >= 3:
        name = f"{parts[2]} {parts[0]} {parts[1]}"
    return " ".join(latex.unescape(name).split())


def _split_commas(name: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    cur = ""
    prev = ""
    for c in name:
        if prev == "\\":
            pass
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        prev = "" if prev == "\\" else c
        if c == "," and depth == 0 and prev != "":
            parts.append(cur.strip())
            cur = ""
        else:
            cur += c
    parts.append(cur.strip())
    return [p for p in parts if p] if len(parts) > 1 else [name]


def arxiv_in_fields(fields: dict[str, str]) -> tuple[str, int | None] | None:
    """The arXiv id (and version) an entry names, if any; a version only the URL gives is kept."""
    found = _arxiv_id(fields)
    if found is not None and found[1] is None and fields.get("url"):
        aid = try_parse_arxiv_id(fields["url"].strip())
        if aid is not None and aid.id == found[0]:
            return aid.id, aid.version
    return found


def _arxiv_id(fields: dict[str, str]) -> tuple[str, int | None] | None:
    eprint = fields.get("eprint")
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").strip().lower()
    if eprint and prefix == "arxiv":
        aid = try_parse_arxiv_id(eprint)
        if aid:
            return aid.id, aid.version
    for name in ("url", "doi"):
        value = fields.get(name)
        if value:
            aid = try_parse_arxiv_id(value.strip())
            if aid is None and name == "doi":
                aid = try_parse_arxiv_id("10.48550/" + value.strip().split("10.48550/", 1)[-1])
            if aid:
                return aid.id, aid.version
    for name in ("journal", "note", "howpublished", "booktitle"):
        value = fields.get(name)
        if value:
            m = _ARXIV_IN_TEXT.search(value)
            if m:
                aid = try_parse_arxiv_id(m["id"] + (f"v{m['v']}" if m["v"] else ""))
                if aid:
                    return aid.id, aid.version
    return None


def _url(fields: dict[str, str]) -> str | None:
    url = fields.get("url", "").strip()
    if url and is_web_url(url):
        return url
    for name in ("howpublished", "note"):
        m = _URL_CMD.search(fields.get(name, ""))
        if m:
            candidate = re.sub(r"\\([#%{}\\&_~])", r"\1", m["url"]).strip()
            if is_web_url(candidate):
                return candidate
    return None


def _year(value: str | None) -> int | None:
    if value:
        m = re.search(r"\b(\d{4})\b", value)
        if m:
            return int(m.group(1))
    return None


def _month(value: str | None) -> int | None:
    if not value:
        return None
    v = value.strip().strip("{}").lower()
    if v.isdigit() and 1 <= int(v) <= 12:
        return int(v)
    for i, name in enumerate(MONTHS):
        if v.startswith(name):
            return i + 1
    return None


def is_arxiv_venue(value: str) -> bool:
    return bool(_ARXIV_IN_TEXT.search(value)) or value.strip().lower() in ("arxiv", "corr", "arxiv preprint")


def place_project_or_link(entry: Entry, url: str | None, authors: list[str]) -> None:
    """Put a project or link ``entry`` in its section with its ``url``; a project's owner is its one author, else
    the owner of its GitHub repository."""
    entry.section = PROJECTS_SECTION if entry.kind == "project" else LINKS_SECTION
    entry.url = url
    if entry.kind == "project":
        repo = github_repo(url or "")
        entry.owner = authors[0] if len(authors) == 1 else (repo[0] if repo else None)


def convert(entry_type: str, key: str, raw_fields: dict[str, str]) -> Entry:
    """One parsed BibTeX entry (field values without their outer braces) as an lcllm entry."""
    from lcllm_cli.exporters.bibtex import KIND_NOTES, NOTE_GITHUB

    fields = {k.lower(): v for k, v in raw_fields.items()}
    text = {k: " ".join(latex.unescape(v).split()) for k, v in fields.items()}
    title = text.get("title") or ""
    authors_raw = split_names(fields.get("author", ""))
    elided = any(a.strip().lower() == "others" for a in authors_raw)
    authors = [plain_name(a) for a in authors_raw if a.strip().lower() != "others"]
    arxiv = arxiv_in_fields(fields)
    url = _url(fields)
    note = text.get("note", "")
    extra = {k: v for k, v in raw_fields.items() if k.lower() not in _CONSUMED}
    if arxiv is None and url and (note == NOTE_GITHUB or (note in KIND_NOTES and note != "Web page")):
        kind = "project"
    elif (
        arxiv is None
        and url
        and (note == "Web page" or (not authors and entry_type.lower() in ("misc", "online", "electronic", "www")))
    ):
        kind = "link"
    else:
        kind = "paper"
    entry = Entry(kind=kind, title=title or url or key)
    entry.key = key if valid_key(key) else None
    if kind == "paper":
        entry.section = PAPERS_SECTION
        entry.authors, entry.authors_elided = authors, elided
        if arxiv:
            entry.arxiv, entry.version = arxiv
        elif url:
            entry.url = url
        venue = text.get("booktitle") or text.get("journal")
        if not venue and fields.get("howpublished") and not _URL_CMD.search(fields["howpublished"]):
            venue = text["howpublished"]
        if venue and is_arxiv_venue(venue):
            venue = "arXiv" if arxiv else venue
        entry.venue = venue or ("arXiv" if arxiv else None)
        category = text.get("primaryclass") or text.get("eprintclass")
        entry.primary_category = category if category and is_category(category) else None
        if fields.get("doi"):
            doi = doi_of(fields["doi"])
            if doi is not None:
                entry.doi = doi
            else:  # kept with the entry's other fields (never exported as a doi), not lost
                extra["doi"] = fields["doi"]
        year, month = _year(text.get("year") or text.get("date")), _month(fields.get("month"))
        if year and month:
            entry.published = f"{year:04d}-{month:02d}"
        if year and entry.year_value != year:
            entry.year = year
        if note and note not in KIND_NOTES:
            extra["note"] = raw_fields.get("note") or fields["note"]
        if fields.get("abstract"):
            extra["abstract"] = fields["abstract"]
        if fields.get("month") and not (year and month):
            extra["month"] = fields["month"]
    else:
        place_project_or_link(entry, url, authors)
        if kind == "link" and authors:
            extra["author"] = fields["author"]
        entry.description = text.get("abstract") or None
        year = _year(text.get("year"))
        if year:
            entry.year = year
        if note and note not in KIND_NOTES:
            extra["note"] = fields["note"]
    sort_key = text.get("key")
    if sort_key and sort_key not in (title, entry.owner):
        extra["key"] = fields["key"]
    entry.fields = {k: v for k, v in extra.items() if v.strip()}
    return entry


# A BibTeX value is parts joined by '#': {braced}, "quoted", a number or a macro name.
_NUMBER = re.compile(r"\d+")
_MACRO = re.compile(r"""[^\s"#%'(),={}]+""")
# What follows a complete part when a comma is missing: the next field's ``name =``.
_ASSIGNMENT = re.compile(r"[A-Za-z_][\w:.+-]*\s*=")


class _MissingComma(Exception):
    def __init__(self, offset: int, name: str) -> None:
        super().__init__(name)
        self.offset, self.name = offset, name


def _close(raw: str, i: int) -> int:
    """Index just past the part opened at ``raw[i]`` (``{`` or ``"``), or -1 when it is not closed.

    Braces nest (in quotes too); like bibtexparser's splitter, a delimiter right after a backslash does not count.
    """
    depth = 0
    quoted = raw[i] == '"'
    j = i + 1 if quoted else i
    while j < len(raw):
        c = raw[j]
        if j > 0 and raw[j - 1] == "\\":
            pass
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return -1
            if depth == 0 and not quoted:
                return j + 1
        elif c == '"' and quoted and depth == 0:
            return j + 1
        j += 1
    return -1


# The most characters one value (a field, or an @string) may expand to. Real values are under 10,000 characters
# (long abstracts); without a bound, 40 lines of @string each joining the one before twice grow to 2**40 bytes.
MAX_VALUE_CHARS = 100_000


class _TooLong(Exception):
    """A value expands past :data:`MAX_VALUE_CHARS`."""


def _evaluate(raw: str, macros: dict[str, str]) -> str | None:
    """The text of the BibTeX value ``raw``, or None when it is no well-formed value.

    Raises :class:`_MissingComma` when the value clearly runs on into the next field (``"A" author = {B}``), and
    :class:`_TooLong` when its parts join to more than :data:`MAX_VALUE_CHARS` characters.
    """
    out: list[str] = []
    size = 0
    i, n = 0, len(raw)
    while True:
        size += len(out[-1]) if out else 0
        if size > MAX_VALUE_CHARS:
            raise _TooLong
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return None
        start = i
        if raw[i] in '{"':
            i = _close(raw, i)
            if i < 0:
                return None
            out.append(raw[start + 1 : i - 1])
        elif m := _NUMBER.match(raw, i):
            out.append(m.group())
            i = m.end()
        elif m := _MACRO.match(raw, i):
            name = m.group()
            out.append(macros.get(name.lower(), name))
            i = m.end()
        else:
            return None
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            if size + len(out[-1]) > MAX_VALUE_CHARS:
                raise _TooLong
            return "".join(out)
        if raw[i] == "#":
            i += 1
            continue
        # the next field's 'name =' after this part (a missing comma), or this part was one (a missing value)
        m = _ASSIGNMENT.match(raw, i) or (_ASSIGNMENT.match(raw, start) if raw[i] == "=" else None)
        if m:
            raise _MissingComma(m.start(), m.group().rstrip("=").strip())
        return None


def _value(raw: str, macros: dict[str, str]) -> str:
    """The text of a field value; a value that is not well formed BibTeX is kept as written (braces and all)."""
    value = _evaluate(raw, macros)
    return raw if value is None else value


def parse(text: str, source: str = "<bibtex>") -> ImportResult:
    """Parse a .bib text into a library; unparsable blocks become problems with their line numbers."""
    from lcllm_cli.gcpause import paused_gc

    with paused_gc():  # 100,000s of objects and no reference cycle: the collector's passes would find nothing
        return _parse(text, source)


def _parse(text: str, source: str) -> ImportResult:
    import logging

    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock, String
    from bibtexparser.model import Entry as BibEntry

    log = logging.getLogger("bibtexparser")
    level = log.level
    log.setLevel(logging.CRITICAL)  # its warnings would reach the terminal raw; they are reported below instead
    try:
        # No middlewares: values come raw, with their braces, quotes, macros and '#', and are read by _evaluate.
        bib = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        log.setLevel(level)
    lib = Library(title="Bibliography")
    problems: list[Problem] = []
    lines: list[int] = []
    macros: dict[str, str] = {}  # @string names (case-insensitive), in file order as BibTeX reads them
    for block in bib.blocks:
        line = (block.start_line or 0) + 1
        redefined = isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, String)
        if isinstance(block, String) or redefined:
            string = block.ignore_error_block if redefined else block
            try:
                macros[string.key.lower()] = _value(string.value, macros)  # a later @string wins, as in BibTeX
            except _TooLong:
                problems.append(
                    Problem(
                        line,
                        f"the @string {string.key!r} expands to more than {MAX_VALUE_CHARS:,} characters; "
                        "it was not defined",
                        " ".join((block.raw or "").split())[:120],
                    )
                )
            except _MissingComma as exc:  # "@string{year={2017} title = ...}": one definition, then more
                raw_block = block.raw or ""
                before = raw_block[: max(raw_block.find(string.value), 0) + exc.offset]  # up to 'title ='
                problems.append(
                    Problem(
                        line + before.count("\n"),
                        f"the @string {string.key!r} runs on into '{exc.name} =' (one definition per @string); "
                        "it was not defined",
                        " ".join((block.raw or "").split())[:120],
                    )
                )
        elif (
            isinstance(block, DuplicateBlockKeyBlock)
            and not block.key
            and isinstance(block.ignore_error_block, BibEntry)
        ):
            _entry(block.ignore_error_block, macros, lib, problems, lines)  # entries without a key do not clash
        elif isinstance(block, ParsingFailedBlock):
            raw = " ".join((block.raw or "").split())[:120]
            if isinstance(block, DuplicateBlockKeyBlock):
                msg = f"a second entry with the key {block.key!r}; it was not imported"
            else:
                msg = "could not parse this BibTeX entry (a missing '}', ',' or '=' ?); it was not imported"
            problems.append(Problem(line, msg, raw))
        elif isinstance(block, BibEntry):
            _entry(block, macros, lib, problems, lines)
    problems.sort(key=lambda p: p.line)
    return ImportResult(lib, problems, lines)


def _entry(bentry: BibEntry, macros: dict[str, str], lib: Library, problems: list[Problem], lines: list[int]) -> None:
    """Convert one parsed entry into ``lib`` (its line into ``lines``), or report why it was not imported."""
    line = (bentry.start_line or 0) + 1
    values: dict[str, str] = {}
    for f in bentry.fields:
        raw = f.value if isinstance(f.value, str) else str(f.value)
        try:
            values[f.key] = _value(raw, macros)
        except _TooLong:
            problems.append(
                Problem(
                    line,
                    f"the {f.key!r} value expands to more than {MAX_VALUE_CHARS:,} characters; "
                    "this entry was not imported",
                    " ".join((bentry.raw or "").split())[:120],
                )
            )
            return
        except _MissingComma as exc:
            at = (f.start_line if f.start_line is not None else line - 1) + 1 + raw[: exc.offset].rstrip().count("\n")
            problems.append(
                Problem(
                    at,
                    f"the {f.key!r} value runs on into '{exc.name} =' (a missing ','?); this entry was not imported",
                    " ".join((bentry.raw or "").split())[:120],
                )
            )
            return
    try:
        entry = convert(bentry.entry_type, bentry.key, values)
    except Exception as exc:  # pragma: no cover - a last guard: report and go on
        problems.append(Problem(line, f"could not read this entry: {exc}", bentry.key))
        return
    why = validate_entry(entry)
    if why is not None:
        if why == "no title":
            msg = "this entry has neither a title nor a citation key (nor a URL); it was not imported"
        else:
            msg = f"this entry would be invalid ({why}); it was not imported"
        problems.append(Problem(line, msg, " ".join((bentry.raw or "").split())[:120]))
        return
    lib.ensure_section(entry.section)
    lib.entries.append(entry)
    lines.append(line)
