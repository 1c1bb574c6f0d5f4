"""The data lcllm manages: a list of entries (papers, projects, links) grouped in sections.

One :class:`Entry` class serves all three kinds: they share most fields (title, section, links, highlight,
notes) and a uniform shape keeps ``entries.toml`` easy to review. Which fields a kind may carry is checked by
:func:`validate_entry`; the order of the dataclass fields is the order keys are written in ``entries.toml``.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Literal

from lcllm_cli.fieldkinds import problem

Kind = Literal["paper", "project", "link"]
KINDS: tuple[str, ...] = ("paper", "project", "link")

DEFAULT_SECTION = "Papers"

# The fields of a paper that arXiv is the source of: `add` sets them, `refresh` updates them, nothing else does.
ARXIV_FIELDS: tuple[str, ...] = (
    "title",
    "authors",
    "version",
    "published",
    "updated",
    "primary_category",
    "categories",
    "doi",
    "journal_ref",
    "comment",
)


@dataclass(slots=True)
class Link:
    """An extra link on an entry: a code repository, an article about it, a model page."""

    label: str
    url: str
    stars: int | None = None  # GitHub stars of a repository link (`lcllm enrich --stars`)
    no_badge: bool = False  # a repository link written without its star badge (as the imported list had it)


@dataclass(slots=True)
class Citations:
    """A citation count and where it came from. Unknown counts are not stored at all."""

    count: int
    source: str
    url: str | None = None
    date: str | None = None


@dataclass(slots=True)
class Publication:
    """The published version of a preprint (a conference or a journal) and the evidence for it.

    Written by ``lcllm enrich --venues`` from an identifier link only (the Semantic Scholar record of the paper's
    arXiv id or DOI, a DOI, an OpenReview forum). The entry keeps its arXiv id and version beside it.
    """

    venue: str  # the canonical short name: "ICLR", "NeurIPS", "TACL" (or the name as the source gave it)
    source: str  # "Semantic Scholar", "doi.org", "OpenReview"
    type: str | None = None  # "conference" or "journal"
    year: int | None = None
    doi: str | None = None
    volume: str | None = None
    pages: str | None = None
    url: str | None = None  # the record at the source
    evidence: str | None = None  # the identifier the match came from: "arXiv 2309.00071", "DOI 10.1/x"
    date: str | None = None


@dataclass(slots=True)
class Entry:
    """One item of the list. ``kind`` decides which of the other fields are meaningful."""

    kind: str
    title: str
    section: str = DEFAULT_SECTION
    key: str | None = None
    highlight: bool = False
    # emoji and :shortcodes: written beside the item, kept where they stood: before it ("🔥 [Post](url)") and after
    # its head (after a project's owner, after a link: "[**model**](url) - owner 🤗", "[Thread](url) 𝕏")
    labels_before: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    # papers
    arxiv: str | None = None
    version: int | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_elided: bool = False
    # with authors_elided: how many of `authors` come before the elision ("A, B, ..., Y, Z": 2); the rest are the
    # known tail. None: all but the last (the files written before this field).
    authors_head: int | None = None
    published: str | None = None
    updated: str | None = None
    year: int | None = None
    venue: str | None = None
    primary_category: str | None = None
    categories: list[str] = field(default_factory=list)
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    citations: Citations | None = None
    publication: Publication | None = None
    # projects
    owner: str | None = None
    description: str | None = None
    stars: int | None = None
    stars_date: str | None = None
    likes: int | None = None  # a Hugging Face model, dataset or Space: its likes and last month's downloads
    downloads: int | None = None
    archived: bool = False
    no_badge: bool = False  # a GitHub project written without its star badge (as the imported list had it)
    # all kinds
    links: list[Link] = field(default_factory=list)
    notes: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    raw: str | None = None

    @property
    def ident(self) -> str:
        """How the entry is named on the command line: arXiv id, else URL, else citation key or title."""
        return self.arxiv or self.url or self.key or self.title

    def author_parts(self) -> tuple[list[str], list[str]] | None:
        """An elided author list as (head, tail) around the elision; None when the list is not elided."""
        if not self.authors_elided or not self.authors:
            return None
        head = len(self.authors) - 1 if self.authors_head is None else self.authors_head
        head = max(0, min(head, len(self.authors)))
        return self.authors[:head], self.authors[head:]

    @property
    def first_author(self) -> str:
        return self.authors[0] if self.authors else (self.owner or "")

    @property
    def year_value(self) -> int | None:
        if self.year is not None:
            return self.year
        if self.published and self.published[:4].isdigit():
            return int(self.published[:4])
        if self.arxiv:  # the id itself says when it was submitted: 2402.13753, hep-th/9711200
            yy = self.arxiv.rsplit("/", 1)[-1][:2]
            if yy.isdigit():
                return (1900 if int(yy) >= 91 else 2000) + int(yy)
        return None

    def all_urls(self) -> list[str]:
        """Every web URL the entry holds (its own, its links, its citation page)."""
        urls = [self.url] if self.url else []
        urls.extend(link.url for link in self.links)
        if self.citations and self.citations.url:
            urls.append(self.citations.url)
        return urls


@dataclass(slots=True)
class Section:
    """A heading of the list; ``level`` 1 is ``#``, 2 is ``##``, 3 is ``###`` (as the source wrote it).

    ``name`` is the key entries use (``Entry.section``): the heading's text, or, when another section already has
    that text, its path in the tree (``"Chinese/Foundation"``); ``heading`` then holds the text. The tree itself is
    the order of the sections and their levels: a section's parent is the nearest section before it of a lower level.
    """

    name: str
    level: int = 2
    heading: str | None = None
    # `lcllm inbox`: the arXiv search query for new papers of this section (`abs:"long context" OR ti:rope`) and
    # the arXiv categories it is limited to; without a query, the inbox derives one from the section's titles
    query: str | None = None
    categories: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The heading as written."""
        return self.heading or self.name


@dataclass(slots=True)
class Library:
    """The whole list: its title, optional intro text, sections in order, entries in order."""

    title: str = "Awesome list"
    intro: str | None = None
    # the Markdown export prints star counts beside the badges (as the imported list did, or `export --stars`);
    # off by default, since the counts change the README every day while the badges are live
    star_counts: bool = False
    # the list is newest first: `lcllm add` puts new entries at the top of their section (`--bottom` for one add)
    newest_first: bool = False
    sections: list[Section] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    def section_names(self) -> list[str]:
        return [s.name for s in self.sections]

    def ensure_section(self, name: str, level: int = 2, heading: str | None = None) -> None:
        if name not in self.section_names():
            self.sections.append(Section(name, level, heading if heading != name else None))

    def section_paths(self) -> dict[str, str]:
        """Each section's key -> its path of heading texts from the top of the tree (``"Chinese/Foundation"``)."""
        paths: dict[str, str] = {}
        stack: list[tuple[int, str]] = []  # (level, path) of the open ancestors
        for sec in self.sections:
            while stack and stack[-1][0] >= sec.level:
                stack.pop()
            path = f"{stack[-1][1]}/{sec.text}" if stack else sec.text
            paths[sec.name] = path
            stack.append((sec.level, path))
        return paths

    def resolve_section(self, wanted: str) -> str:
        """The key of the section ``wanted`` names: a key, a path, or a heading text that only one section has.

        A name no section has is returned as it is (a new section). Several sections named so: ``ValueError``
        whose message lists their paths."""
        paths = self.section_paths()
        hits = [s.name for s in self.sections if wanted in (s.name, paths[s.name], s.text)]
        if len(hits) > 1:
            exact = [k for k in hits if paths[k] == wanted]
            if len(exact) == 1:
                return exact[0]
            raise ValueError(", ".join(repr(paths[k]) for k in hits))
        return hits[0] if hits else wanted

    def add_entry(self, entry: Entry) -> None:
        """Insert ``entry`` after the last entry of its section (a one-hunk diff), creating the section."""
        self.add_entries([entry])

    def add_entries(self, new: list[Entry]) -> None:
        """Insert entries, each after the last existing entry of its section, in one linear pass.

        Entries of sections that have no entry yet go where their section's order puts them (new sections are
        declared at the end). Existing entries never move.
        """
        if not new:
            return
        for entry in new:
            self.ensure_section(entry.section)
        if not self.entries:
            self.entries.extend(new)
            return
        pending: dict[str, list[Entry]] = {}
        for entry in new:
            pending.setdefault(entry.section, []).append(entry)
        last: dict[str, int] = {}
        for i, existing in enumerate(self.entries):
            last[existing.section] = i
        order = {name: i for i, name in enumerate(self.section_names())}
        after_index: dict[int, list[Entry]] = {}
        homeless: list[str] = []
        for section in pending:
            if section in last:
                after_index[last[section]] = pending[section]
            else:
                homeless.append(section)
        # A section with no entries yet goes before the first entry of a later section.
        before_index: dict[int, list[Entry]] = {}
        tail: list[Entry] = []
        for section in sorted(homeless, key=order.__getitem__):
            rank = order[section]
            pos = next((i for i, e in enumerate(self.entries) if order.get(e.section, -1) > rank), None)
            if pos is None:
                tail.extend(pending[section])
            else:
                before_index.setdefault(pos, []).extend(pending[section])
        out: list[Entry] = []
        for i, existing in enumerate(self.entries):
            out.extend(before_index.get(i, ()))
            out.append(existing)
            out.extend(after_index.get(i, ()))
        out.extend(tail)
        self.entries[:] = out

    def find(self, ident: str) -> list[int]:
        """Indexes of entries matching ``ident`` (arXiv id in any form, URL, citation key or exact title)."""
        from lcllm_cli.ids import try_parse_arxiv_id
        from lcllm_cli.urls import url_key

        parsed = try_parse_arxiv_id(ident)
        want_url = url_key(ident) if "://" in ident or ident.startswith("www.") else None
        found: list[int] = []
        for i, entry in enumerate(self.entries):
            if (
                (parsed is not None and entry.arxiv == parsed.id)
                or (want_url is not None and entry.url and url_key(entry.url) == want_url)
                or (entry.key is not None and entry.key == ident)
                or entry.title == ident
            ):
                found.append(i)
        return found


def entry_to_dict(entry: Entry) -> dict[str, object]:
    """The entry as plain data for ``--json`` output: only fields that are set, in schema order.

    The same result as filtering ``dataclasses.asdict(entry)`` (links and citations as dicts with all their keys;
    note that 0 counts as unset, since ``0 == False``), written out because asdict's generic deep copy made
    ``list --json`` spend most of its time here on big lists.
    """
    data: dict[str, object] = {}
    for name, value in zip(_ENTRY_FIELD_NAMES, _entry_values(entry), strict=True):
        # a true value is always set (checked first: the `in` test compares with each of the four)
        if value or name in ("kind", "title") or value not in _UNSET:
            data[name] = value if type(value) is str else _plain(value)
    return data


_UNSET = (None, False, [], {})


def _plain(value: object) -> object:
    """What ``dataclasses.asdict`` makes of a field value (copies of lists and dicts, dataclasses as dicts)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is list:
        return [_plain(v) for v in value]  # type: ignore[attr-defined]
    if kind is Link:
        lk: Link = value  # type: ignore[assignment]
        return {"label": lk.label, "url": lk.url, "stars": lk.stars, "no_badge": lk.no_badge}
    if kind is Citations:
        c: Citations = value  # type: ignore[assignment]
        return {"count": c.count, "source": c.source, "url": c.url, "date": c.date}
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}  # type: ignore[attr-defined]
    from copy import deepcopy

    return deepcopy(value)


_ENTRY_FIELD_NAMES: tuple[str, ...] = tuple(Entry.__dataclass_fields__)
_entry_values = operator.attrgetter(*_ENTRY_FIELD_NAMES)  # every field of an entry, in one C call


def validate_entry(entry: Entry) -> str | None:
    """Return what is wrong with ``entry`` as a short phrase, or None when it is well formed."""
    if entry.kind not in KINDS:
        return f"unknown kind {entry.kind!r} (expected one of: {', '.join(KINDS)})"
    if not entry.title.strip():
        return "no title"
    if entry.kind in ("project", "link") and not entry.url and entry.raw is None:
        return f"a {entry.kind} needs a url"
    if entry.version is not None and entry.version < 1:
        return "version must be 1 or more"
    if entry.version is not None and entry.arxiv is None:
        return "version given without an arxiv id"
    return problem(entry)
