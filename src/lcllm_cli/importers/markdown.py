"""Awesome-list Markdown (the seed's format and lists like it) into entries.

The format, item by item (see ``tests/fixtures/awesome-long-context-llm.md``)::

    ## Section
    - **Title, possibly hard-wrapped
      over two lines**, `arXiv, 2402.13753`, [arxiv](http://arxiv.org/abs/2402.13753v1), [pdf](...),
      cication: [**3**](scholar-url)

      *First Author, Second Author, ..., Last Author* · ([repo](https://github.com/o/repo) - o) ![Star](badge)
      · ([blog](url))
    - [**Project**](https://github.com/owner/project) - owner ![Star](badge)

      *What the project does.*
    - [A titled link](https://example.org/post)

Being liberal: 🌟 marks a highlight; other emoji markers and labels (🤗, 𝕏, ``:clapper:``) are kept; nested bullets
either add links to their parent or, when they are items of their own, become entries; an item that matches none
of the shapes is imported as a link with its raw text kept and reported with its line number.

How it is read: :meth:`_Parser._walk` cuts the document into items (a bullet and its continuation lines and nested
bullets); :meth:`_Parser._parse_item` tells the shapes apart by how the item starts (``**`` a paper, ``[**`` a
project, ``[`` a link) and is the definition of what each yields. There is one way of reading an item: no fast
path beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from lcllm_cli.gcpause import paused_gc
from lcllm_cli.ids import ArxivId, is_mirror_url, try_parse_arxiv_id
from lcllm_cli.importers import ImportResult, Problem
from lcllm_cli.mdsyntax import HIGHLIGHTS, MARKER_END, MARKER_START, collapse_ws, leading_labels, unescape
from lcllm_cli.model import DEFAULT_SECTION, Citations, Entry, Library, Link, Section
from lcllm_cli.urls import github_repo, is_web_url

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# a bullet's marker and the space after it; the rest of the line is the item's text. (Written without the
# "(?P<rest>.*)$" it had: a line, cut at "\n", is always matched to its end by that, and scanning it took time.)
_BULLET = re.compile(r"(?P<indent>[ \t]*)(?:[-*+]|\d{1,3}[.)])(?:[ \t]+|$)")
_FENCES = ("```", "~~~")  # a line starting with one of these, after its indent, opens or closes a code block
_CITATION = re.compile(r"(?:cication|citation|citations|cited by)\s*:?\s*$", re.IGNORECASE)
_COUNT = re.compile(r"^\*{0,2}\s*(-?\d[\d,]*)\s*\*{0,2}$")
_ELISION = re.compile(r"^(?:\.\.\.|…|et al\.?|and others)$", re.IGNORECASE)
_ELISION_STARTS = ".…eEaA"  # what an elision can start with (a quick test before the regex)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_AUTHOR_SEPARATORS = re.compile(r",\s*|\s+and\s+|;\s*")
# **Title** and what follows it, in a paper item
_PAPER = re.compile(r"\*\*(?P<title>.+?)\*\*(?!\*)(?P<rest>.*)$")
_CODE_SPAN = re.compile(r"`([^`]+)`")
# *First Author, ..., Last Author*: one star not next to another star, a word character or a backslash, then
# escaped characters or anything but a star, then a single star. (Written star-first, so that the search jumps
# from star to star; the body in runs, taken whole: it cannot hold an unescaped star, so it has one way to end.)
_AUTHOR_RUN = re.compile(r"\*(?<![*\w\\]\*)(?!\*)(?P<a>(?:[^*\\]++|\\.)++)\*(?!\*)")
_BOLD_NAME = re.compile(r"^(\*\*|__)(.*)(\*\*|__)$")
_OWNER = re.compile(r"\s*[-–—]\s*([^\s!*\[]+)")
# *What the project does.* at the end of a project item (star-first, like _AUTHOR_RUN)
_DESCRIPTION = re.compile(r"\*(?<![*\w]\*)(?!\*)(?P<d>.+)\*(?!\*)\s*$")
_BARE_URL = re.compile(r"https?://[^\s<>()\]]+")

_NEW_STYLE_ID = r"[0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?"  # 2402.13753, 2402.13753v2 (what _ARXIV_URL takes)


def _width(indent: str) -> int:
    return len(indent.expandtabs(4)) if "\t" in indent else len(indent)


@dataclass(slots=True)
class _Block:
    line: int
    indent: int
    lines: list[str] = field(default_factory=list)
    children: list[_Block] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def collapsed(self) -> str:
        """``collapse_ws(self.text)``: the item's lines joined, every run of white space one space."""
        # The lines come stripped; when none is empty and they hold no white space but single spaces (the
        # printable characters include no white space but the space), joining them with spaces is all it takes.
        joined = " ".join(self.lines)
        if "  " not in joined and joined.isprintable() and "" not in self.lines:
            return joined
        return collapse_ws(self.text)


# mdsyntax.INLINE_LINK, written so that Python's regex engine runs through it about three times faster: the runs of
# plain characters are taken whole and possessively (``++``, ``*+``), and the search only stops at "!" or "[".
# It finds exactly the same links: every repetition in INLINE_LINK starts with a character that cannot end it
# ("]" after the text, ">", white space or ")" after the URL), so giving back characters never led to another match.
_LINK_SCAN = re.compile(
    r"(?=[!\[])(?P<image>!?)\[(?P<text>(?:[^\[\]\\]++|\\.|\[(?:[^\[\]\\]++|\\.)*+\])*+)\]"
    r"\(\s*<?(?P<url>(?:[^()\s<>]++|\([^()\s]*+\))*+)>?(?:\s+\"[^\"]*\")?\s*\)"
)


@dataclass(slots=True)
class _Link:
    text: str
    url: str
    image: bool
    start: int
    end: int
    web: bool | None = None  # is_web_url(url), worked out once: an item's links are looked at more than once

    def is_web(self) -> bool:
        if self.web is None:
            self.web = is_web_url(self.url)
        return self.web


class _LinkScanner:
    """The links of a text, remembering the text most recently scanned. An item's text is scanned once: its body and
    the rest after its title are suffixes of it, and _LINK_SCAN (no anchors, no look-behind) finds in a suffix exactly
    the links of the whole that start inside the suffix, unless one link straddles the cut. One per parse."""

    def __init__(self) -> None:
        self.text = ""
        self.found: list[_Link] = []

    def __call__(self, s: str, at: int = 0) -> list[_Link]:
        """The links of ``s[at:]``, at their places in ``s``."""
        text, found = self.text, self.found
        if s and len(s) <= len(text) and text.endswith(s):
            off = len(text) - len(s)
            cut = off + at
            if not any(link.start < cut < link.end for link in found):
                if not off:  # s is the text scanned: its links as they are, from the cut on
                    return [link for link in found if link.start >= at] if at else list(found)
                return [
                    _Link(link.text, link.url, link.image, link.start - off, link.end - off, link.web)
                    for link in found
                    if link.start >= cut
                ]
        if at:  # a link straddles the cut, or another text: s[at:] alone, moved to its place in s
            return [_Link(lk.text, lk.url, lk.image, lk.start + at, lk.end + at, lk.web) for lk in self(s[at:])]
        if "](" not in s:  # no link can be there: most detail lines and plain items
            found = []
        else:
            found = [
                _Link(_unescape(m["text"]), m["url"], bool(m["image"]), m.start(), m.end())
                for m in _LINK_SCAN.finditer(s)
            ]
        self.text, self.found = s, found
        return found


def _unescape(text: str) -> str:
    """:func:`unescape`, skipping texts it cannot change (no backslash, no entity): most of them."""
    return unescape(text) if ("\\" in text or "&" in text) else text


# https://arxiv.org/abs/ID or /pdf/ID, as the exporter writes them: try_parse_arxiv_id answers for it as for ID
_ARXIV_URL = re.compile(rf"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/({_NEW_STYLE_ID})")


def _arxiv_id(text: str) -> ArxivId | None:
    """:func:`try_parse_arxiv_id`, answering at once for URLs that cannot name an arXiv paper (no "arxiv" in them).

    A paper item names its id three times (code span, abs and pdf URL), and venues such as "arXiv" or "ICLR 2024"
    come back item after item: the answers for recent texts are kept.
    """
    if "://" in text:
        if "arxiv" not in text.lower():
            return None
        m = _ARXIV_URL.fullmatch(text)
        if m:  # the abs and the pdf link of a paper name one id: the second is answered from the cache
            return _parse_arxiv_id(m.group(1))
        if is_mirror_url(text):
            return None  # an alphaXiv or ar5iv page of a paper is a link of its own in the list
    if text[:1].isdigit():  # a new-style id, different in every item: the cache would only make room for it
        return try_parse_arxiv_id(text)
    return _parse_arxiv_id(text)


@lru_cache(maxsize=4096)
def _parse_arxiv_id(text: str) -> ArxivId | None:
    return try_parse_arxiv_id(text)  # ArxivId is frozen: one answer may be handed out many times


def _github_repo(url: str) -> tuple[str, str] | None:
    """:func:`github_repo`, answering at once for URLs without "github.com" in them (in any letter case)."""
    # Under re.IGNORECASE the letters of "thub.com" match only themselves in either case ("i" would also match "ı").
    return github_repo(url) if "thub.com" in url.lower() else None


def _web_links(links: list[_Link]) -> list[Link]:
    """The web links of a piece of an item as the entry's links; a repository link without the star badge after it
    is marked so, and is written back without one."""
    out = []
    for i, lk in enumerate(links):
        if lk.image or not lk.is_web():
            continue
        badge = i + 1 < len(links) and _is_badge(links[i + 1])
        out.append(
            Link(_clean_label(lk.text) or "link", lk.url, no_badge=not badge and github_repo(lk.url) is not None)
        )
    return out


def _is_badge(link: _Link) -> bool:
    return link.image and _is_badge_url(link.url)


def _is_badge_url(url: str) -> bool:
    """An image from a badge service (a star badge after a repository link)."""
    return "img.shields.io" in url or "badgen.net" in url or "badge.fury.io" in url


def _strip_markers(s: str) -> tuple[str, bool, list[str]]:
    """Remove leading labels (emoji, ``:shortcodes:``). Returns (rest, highlighted, the other labels)."""
    if s[:1] in ("*", "["):
        return s, False, []  # the usual start of an item: no label
    labels, rest = leading_labels(s)
    kept = [lb for lb in labels if lb.replace("\ufe0f", "") not in HIGHLIGHTS]
    return rest, len(kept) != len(labels), kept


def _split_authors(text: str, *, collapsed: bool = False) -> tuple[list[str], bool, int | None]:
    """The authors of an author run, whether some were left out ("...", "et al."), and how many come before the
    (first) elision. ``collapsed``: the text's only white space is single spaces already."""
    # Split before unescaping, so that an escaped character inside a name stays part of it.
    text = (text if collapsed else collapse_ws(text)).strip()
    # the usual "A, B, C" is a plain split (the space after each comma is stripped below)
    plain = ";" not in text and " and " not in text
    parts = text.split(",") if plain else _AUTHOR_SEPARATORS.split(text)
    if "\\" in text or "&" in text:
        parts = [_unescape(p) for p in parts]
    # (unescaping makes no letter or space: a name ends with " et al" only if the text holds it)
    et_al = " et al" in text
    authors: list[str] = []
    elided = False
    head: int | None = None
    for part in parts:
        part = part.strip()
        if not part:
            continue
        # (_ELISION matches 1, 3, 5, 6 or 10 characters: case-insensitive matching maps one character to one)
        if part[0] in _ELISION_STARTS and len(part) <= 10 and _ELISION.match(part):
            if not elided:
                elided, head = True, len(authors)
            continue
        if et_al and (part.endswith(" et al") or part.endswith(" et al.")):
            part = part.rsplit(" et al", 1)[0].strip()
            if not elided:
                elided, head = True, len(authors) + 1
        authors.append(part)
    return authors, elided, head


_LINES_CHUNK = 1 << 20


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text.split("\n")``, split a megabyte of text at a time: a 45 MB list is 2.9 million lines,
    200 MB of strings, which are then never all held at once beside the text."""

    def chunks() -> Iterator[str]:
        start = 0
        while True:
            cut = text.find("\n", start + _LINES_CHUNK)
            if cut < 0:
                yield text[start:]
                return
            yield text[start:cut]
            start = cut + 1

    return chain.from_iterable(chunk.split("\n") for chunk in chunks())


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lib = Library(title="Awesome list")
        self.problems: list[Problem] = []
        self.lines_out: list[int] = []
        self.section: str | None = None
        self.known_sections: set[str] = set()  # names ensure_section was called with
        self.headings: list[tuple[int, str]] = []  # (level, path) of the open headings, outermost first
        self.text = text
        self._links = _LinkScanner()

    # ----------------------------------------------------------------------------------- structure

    def run(self) -> ImportResult:
        text = self.text
        if MARKER_START in text and MARKER_END in text:
            lines = text.split("\n")
            start = next((i for i, ln in enumerate(lines) if ln.strip() == MARKER_START), None)
            if start is not None:
                end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == MARKER_END), len(lines))
                self._walk(lines[start + 1 : end], start + 1)
                return ImportResult(self.lib, self.problems, self.lines_out)
        self._walk(_lines(text), 0)
        return ImportResult(self.lib, self.problems, self.lines_out)

    def _walk(self, lines: Iterable[str], offset: int) -> None:
        in_fence = False
        in_comment = False
        block: _Block | None = None  # the current top-level item
        stack: list[_Block] = []  # open blocks, outermost first
        blank_run = 0
        intro: list[str] = []
        seen_heading = False
        para_start: int | None = None

        def flush() -> None:
            nonlocal block, stack
            if block is not None:
                self._item(block)
            block, stack = None, []

        for i, raw in enumerate(lines):
            lineno = i + 1 + offset
            line = raw.rstrip()
            if in_comment:
                if "-->" in line:
                    in_comment = False
                continue
            if not in_fence and raw.startswith("- "):
                # a top-level "- " bullet, most lines of a list: what the general steps below make of it (no fence,
                # comment or heading; _BULLET's marker and the spaces and tabs after it, indent 0)
                flush()
                block = _Block(lineno, 0, [line[1:].lstrip(" \t")])
                stack = [block]
                blank_run = 0
                continue
            stripped = line.lstrip()  # the line without its indent (and, being rstripped, its trailing space)
            if not stripped:
                if not in_fence:
                    blank_run += 1
                    para_start = None
                continue
            if stripped.startswith(_FENCES):
                in_fence = not in_fence
                flush()
                continue
            if in_fence:
                continue
            if stripped.startswith("<!--"):
                if "-->" not in line:
                    in_comment = True
                continue
            first = line[0]
            h = _HEADING.match(line) if first == "#" else None
            if h and not line.startswith((" ", "\t")):
                flush()
                level, name = len(h.group(1)), collapse_ws(_unescape(h.group(2)))
                if level == 1 and not seen_heading and not self.lib.entries:
                    self.lib.title = name
                else:
                    self._heading(level, name)
                seen_heading = True
                blank_run = 0
                continue
            # a bullet starts, after spaces and tabs, with "-", "*" or "+" and a space, a tab or nothing; or a number
            after_indent = line.lstrip(" \t") if first in " \t" else line
            mark = after_indent[:1]
            maybe_bullet = (mark in ("-", "*", "+") and after_indent[1:2] in ("", " ", "\t")) or mark.isdigit()
            b = _BULLET.match(line) if maybe_bullet else None
            if b:
                indent = _width(b["indent"])
                if block is None or indent <= block.indent:
                    flush()
                    block = _Block(lineno, indent, [line[b.end() :]])
                    stack = [block]
                else:
                    while len(stack) > 1 and indent <= stack[-1].indent:
                        stack.pop()
                    child = _Block(lineno, indent, [line[b.end() :]])
                    stack[-1].children.append(child)
                    stack.append(child)
                blank_run = 0
                continue
            if block is not None and (blank_run == 0 or _width(line[: len(line) - len(stripped)]) > block.indent):
                # continuation of the innermost open item (after a blank line only when indented)
                stack[-1].lines.append(stripped)
                blank_run = 0
                continue
            flush()
            blank_run = 0
            if self.section is not None and first == "[" and self._is_link_line(line):
                # "[Title](url)" alone on a line under a heading: a link entry (with any "· (...)" line under it)
                self.problems.append(
                    Problem(lineno, "a link line that is not a list item; imported as a link entry", line[:120])
                )
                block = _Block(lineno, 0, [line])
                stack = [block]
                continue
            if self.section is None:
                intro.append(line)
            elif para_start is None:
                para_start = lineno
                self.problems.append(
                    Problem(lineno, "text outside a list item was not imported", collapse_ws(line)[:120])
                )
        flush()
        intro_text = "\n".join(intro).strip()
        if intro_text:
            self.lib.intro = intro_text

    def _is_link_line(self, line: str) -> bool:
        links = self._links(line)
        return bool(links) and links[0].start == 0 and not links[0].image and links[0].is_web()

    def _heading(self, level: int, name: str) -> None:
        """A section heading: its key is its text, or its path when another section has that text already."""
        stack = self.headings
        while stack and stack[-1][0] >= level:
            stack.pop()
        path = f"{stack[-1][1]}/{name}" if stack else name
        stack.append((level, path))
        taken = set(self.lib.section_names())
        key = name if name not in taken else path
        n = 1
        while key in taken:  # the same heading twice under one parent: two sections still
            n += 1
            key = f"{path} ({n})"
        self.section = key
        self.lib.ensure_section(key, level, name)
        self.known_sections.add(key)

    # ----------------------------------------------------------------------------------- items

    def _emit(self, entry: Entry, line: int) -> None:
        entry.section = self.section or DEFAULT_SECTION
        if entry.section not in self.known_sections:  # (sections are never removed)
            self.lib.ensure_section(entry.section)
            self.known_sections.add(entry.section)
        self.lib.entries.append(entry)
        self.lines_out.append(line)

    def _item(self, block: _Block) -> None:
        text = block.collapsed()
        links = self._links(text)
        if links and all(link.url.startswith("#") for link in links if not link.image):
            if all(link.image for link in links):  # an item that is only an image
                self._report_unkept(text, links, block.line, None)
            return  # a table-of-contents line: generated, not data
        entry = self._parse_item(text, block.line)
        self._report_unkept(text, links, block.line, entry)
        extra_children: list[_Block] = []
        for child in block.children:
            child_text = child.collapsed()
            own = self._is_own_item(child_text)
            if entry is None or own:
                extra_children.append(child)
            else:
                self._report_unkept(child_text, self._links(child_text), child.line, entry)
                # a detail bullet: its links belong to the parent
                entry.links.extend(_web_links(self._links(child_text)))
                rest = _LINK_SCAN.sub("", child_text).strip(" -·:,")
                if rest and not self._links(child_text):
                    entry.notes = (entry.notes + "\n" if entry.notes else "") + _unescape(rest)
        if entry is not None:
            self._emit(entry, block.line)
        for child in extra_children:
            self._item(child)

    def _report_unkept(self, text: str, links: list[_Link], line: int, entry: Entry | None) -> None:
        """Say what of an item the list cannot keep: links that are not http(s) (``mailto:``, relative paths) and
        an item that is only an image. The export writes only web links, so these would vanish unannounced."""
        other = [
            link.url
            for link in links
            if not link.image and not link.is_web() and link.url[:1] != "#" and link.url not in _NO_URL
        ]
        if other:
            self.problems.append(
                Problem(line, "links that are not http(s) URLs were not imported: " + ", ".join(other), text[:120])
            )
        if entry is None and links and all(link.image for link in links):
            self.problems.append(Problem(line, "an image, not a list item; it was not imported", text[:120]))

    def _is_own_item(self, text: str) -> bool:
        body, _, _ = _strip_markers(text)
        if body.startswith("**") or body.startswith("[**"):
            return True
        links = [link for link in self._links(body) if not link.image]
        return bool(links) and links[0].start == 0 and any(_arxiv_id(x.url) for x in links)

    def _parse_item(self, text: str, line: int) -> Entry | None:
        """One list item (white space already collapsed) into an entry; None for a bare heading-like bullet."""
        body, highlight, markers = _strip_markers(text)
        entry: Entry | None = None
        if body.startswith("**"):
            entry = self._paper(body)
        elif body.startswith("[**") or body.startswith("[__"):
            entry = self._project(body)
        elif body.startswith("["):
            entry = self._link(body)
        if entry is None:
            entry = self._fallback(text, line)
            if entry is None:
                return None
        return _with_markers(entry, highlight, markers)

    def _paper(self, body: str) -> Entry | None:
        m = _PAPER.match(body)
        if not m:
            return None
        title = collapse_ws(_unescape(m["title"])).strip()
        rest_at = m.start("rest")  # the text after the title: body[rest_at:], links at their places in body
        entry = Entry(kind="paper", title=title)
        links = self._links(body, rest_at)
        # The rest with its link spans blanked out, so that the italic author run and code span are found outside them.
        pieces: list[str] = []
        pos = rest_at
        for link in links:
            if link.end > pos:
                start = max(link.start, pos)
                pieces.append(body[pos:start])
                pieces.append(" " * (link.end - start))
                pos = link.end
        pieces.append(body[pos:])
        plain_s = "".join(pieces)

        code = _CODE_SPAN.search(plain_s)
        if code:
            self._venue(entry, code.group(1))
        au = _AUTHOR_RUN.search(plain_s)
        if au:
            entry.authors, entry.authors_elided, head = _split_authors(au["a"])
            if entry.authors_elided and head != len(entry.authors) - 1:  # (None, the default, means that)
                entry.authors_head = head

        prev_end = rest_at
        for idx, link in enumerate(links):
            before = body[prev_end : link.start]
            prev_end = link.end
            if link.image:
                continue  # star badges and other images: derived from the repository link
            url = link.url
            label = link.text.strip()
            # (_CITATION needs a "c": no letter but "C" matches "c" under re.IGNORECASE)
            cited = ("c" in before or "C" in before) and _CITATION.search(before.rstrip(" ,"))
            if cited or (label.startswith("**") and _COUNT.match(label)):
                cm = _COUNT.match(label)
                if cm and link.is_web():
                    count = int(cm.group(1).replace(",", ""))
                    if count >= 0:
                        entry.citations = Citations(count=count, source=_citation_source(url), url=url)
                continue
            aid = _arxiv_id(url)
            if aid is not None and (entry.arxiv is None or entry.arxiv == aid.id):
                if entry.arxiv is None:
                    entry.arxiv, entry.version = aid.id, aid.version
                elif entry.version is None:
                    entry.version = aid.version
                if "/pdf/" in url or label.lower() in ("arxiv", "pdf", "paper", "abs"):
                    continue
            if not link.is_web():
                continue
            if not entry.arxiv and entry.url is None and label.lower() in ("paper", "pdf", "link", "url"):
                entry.url = url
                continue
            repo = _github_repo(url)
            badge = bool(repo) and idx + 1 < len(links) and _is_badge(links[idx + 1])
            if badge:
                label = label or repo[1]  # type: ignore[index]
            link_obj = Link(_clean_label(label) or "link", url, no_badge=bool(repo) and not badge)
            if badge:
                link_obj.stars = _stars_after(body, links[idx + 1].end)
                self.lib.star_counts = self.lib.star_counts or link_obj.stars is not None
            entry.links.append(link_obj)
        if entry.citations is None:
            plain_count = _PLAIN_CITATION.search(plain_s)
            if plain_count:
                count = int(plain_count.group(1).replace(",", ""))
                if count >= 0:
                    entry.citations = Citations(count=count, source="unknown")
        if entry.arxiv is None and entry.venue is None and not entry.authors and not links:
            return None  # only bold text: not a paper item
        return entry

    def _venue(self, entry: Entry, code: str) -> None:
        rest: list[str] = []
        for p in code.split(","):
            p = p.strip()
            if not p:
                continue
            aid = _arxiv_id(p)
            if aid is not None:
                entry.arxiv = entry.arxiv or aid.id
                if entry.arxiv == aid.id and aid.version and entry.version is None:
                    entry.version = aid.version
            else:
                rest.append(p)
        venue = ", ".join(rest) if rest else "arXiv"
        entry.venue = _unescape(venue)
        if rest:
            ym = _YEAR.search(venue)
            if ym and venue.lower() != "arxiv":
                entry.year = int(ym.group(1))

    def _project(self, body: str) -> Entry | None:
        links = self._links(body)
        if not links or links[0].start != 0 or links[0].image:
            return None
        first = links[0]
        name = collapse_ws(first.text).strip()
        name = _BOLD_NAME.sub(r"\2", name)
        if not first.is_web():
            return None
        after = body[first.end :]
        owner_m = _OWNER.match(after)
        entry = Entry(kind="project", title=name, url=first.url)
        repo = github_repo(first.url)
        if owner_m:
            entry.owner = _unescape(owner_m.group(1))
            after = after[owner_m.end() :]
        elif repo:
            entry.owner = repo[0]
        entry.labels, after = leading_labels(after)  # [**model**](url) - owner 🤗
        entry.no_badge = repo is not None and not any(_is_badge(lk) for lk in links[1:])
        desc = _DESCRIPTION.search(after)
        rest_text = after
        if desc:
            entry.description = _unescape(desc["d"]).strip()
            rest_text = after[: desc.start()]
        stars = _STARS.search(rest_text)
        if stars:
            entry.stars = int(stars.group(1).replace(",", ""))
            self.lib.star_counts = True  # the list prints its counts: the export keeps doing so
        likes = _LIKES.search(rest_text)
        if likes:  # the count the exporter wrote for a Hugging Face project
            entry.likes = int(likes.group(1).replace(",", ""))
            self.lib.star_counts = True
        entry.links.extend(_web_links(self._links(rest_text)))
        return entry

    def _link(self, body: str) -> Entry | None:
        links = self._links(body)
        if not links or links[0].start != 0 or links[0].image:
            return None
        first = links[0]
        if not first.is_web():
            return None
        title = collapse_ws(first.text).strip()
        entry = Entry(kind="link", title=title or first.url, url=first.url)
        aid = _arxiv_id(first.url)
        entry.labels, tail = leading_labels(body[first.end :])
        entry.links.extend(_web_links(self._links(tail)))
        desc = _LINK_SCAN.sub("", tail).strip(" -–—:·,")
        if desc.replace(" ", "") in ("()", "[]", "[]()"):  # what is left of "· ([label](url))": no text
            desc = ""
        if desc:
            entry.description = _unescape(collapse_ws(desc))
        if aid is not None and first.text and not desc:
            # `[Title](https://arxiv.org/abs/...)`: a paper written as a link
            entry.kind, entry.arxiv, entry.version, entry.url = "paper", aid.id, aid.version, None
        return entry

    def _fallback(self, text: str, line: int) -> Entry | None:
        links = [link for link in self._links(text) if not link.image and link.is_web()]
        bare = _BARE_URL.findall(_LINK_SCAN.sub(" ", text))
        urls = [link.url for link in links] + [u for u in bare if is_web_url(u)]
        visible = collapse_ws(_unescape(_LINK_SCAN.sub(lambda m: m["text"], text))).strip()
        if not urls and not visible:
            return None
        title = visible.strip("*_ ") or (urls[0] if urls else text)
        entry = Entry(kind="link", title=title[:300], url=urls[0] if urls else None, raw=text)
        for link in links[1:]:
            entry.links.append(Link(_clean_label(link.text) or "link", link.url))
        for u in bare:
            if is_web_url(u) and u != entry.url:
                entry.links.append(Link("link", u))
        self.problems.append(
            Problem(line, "not a paper, project or link item; kept as a link with its raw text", text[:120])
        )
        return entry


# What a generator writes for a link it has no URL for (`[citation](None)`): a known gap, not a link.
_NO_URL = frozenset(["None", "none", "null", "-1", "", "#"])

_STARS = re.compile(r"stars:\s*\*\*(\d[\d,]*)\*\*")
_LIKES = re.compile(r"(?<![\w/])likes:\s*\*\*(\d[\d,]*)\*\*")
_PLAIN_CITATION = re.compile(r"(?:cication|citations?)\s*:\s*\*\*(-?\d[\d,]*)\*\*", re.IGNORECASE)


def _with_markers(entry: Entry, highlight: bool, labels: list[str]) -> Entry:
    """The item's leading labels on its entry: 🌟 as the highlight, the others as labels before the item."""
    entry.highlight = entry.highlight or highlight
    entry.labels_before = labels
    return entry


def _stars_after(text: str, pos: int) -> int | None:
    """``stars: **1,234**`` right after a repository's star badge: the count the exporter wrote."""
    m = _STARS.match(text[pos:].lstrip())
    return int(m.group(1).replace(",", "")) if m else None


def _clean_label(label: str) -> str:
    return collapse_ws(label).strip("*_ ")


def _citation_source(url: str) -> str:
    if "scholar.google" in url:
        return "Google Scholar"
    if "semanticscholar" in url:
        return "Semantic Scholar"
    return "unknown"


def parse(text: str, source: str = "<markdown>") -> ImportResult:
    """Parse an awesome-list Markdown document."""
    # Parsing makes a dozen objects per item and no reference cycles, so the cyclic garbage collector, which would
    # walk the growing list again and again, has nothing to find: it is paused (a tenth of the time at 10,000 items).
    with paused_gc():
        return _Parser(text, source).run()


__all__ = ["Section", "parse"]
