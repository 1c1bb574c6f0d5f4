"""The list as awesome-list Markdown in the seed's layout, valid CommonMark that GitHub renders as intended.

Every title and name is escaped so that it can never become a link, an emphasis run or raw HTML; inline math
such as ``$\\infty$Bench`` is kept as written. Only http(s) URLs are ever written as links. The output reads back
through :mod:`lcllm_cli.importers.markdown` into the same entries.
"""

from __future__ import annotations

import re
import unicodedata

from lcllm_cli.fieldkinds import is_arxiv_id
from lcllm_cli.latex import CONTROL, title_of
from lcllm_cli.mdsyntax import HIGHLIGHTS, MARKER_END, MARKER_START, collapse_ws, leading_labels, unescape
from lcllm_cli.model import Entry, Library, Section
from lcllm_cli.urls import github_repo, is_web_url

HIGHLIGHT = "🌟"
BADGE = "https://img.shields.io/github/stars/{owner}/{name}.svg?style=social&label=Star"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])(?P<body>[^$]*?[\\^_{}][^$]*?)(?<=[^\s\\])\$(?!\$)")


def _math_ok(span: str) -> bool:
    """Can this ``$...$`` span be written as it is? Only when Markdown cannot misread any character in it."""
    body = span[1:-1]
    if unescape(span) != span or re.search(r"[`*\[\]<>|~&]", body):
        return False
    return all(i > 0 and body[i - 1].isalnum() for i, c in enumerate(body) if c == "_")


def _escape_plain(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", _ENTITY_LIKE.sub("&amp;", text))


# Any character escape() may change besides white space: control characters, the Markdown specials (with the
# dollar that opens math) and the ampersand of an entity. Text without them is only white-space collapsed.
_ESCAPE_NEEDED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\\`*_\[\]<>|~$&]")


def escape(text: str) -> str:
    """Text for an inline Markdown context: specials backslash-escaped, entity look-alikes defused,
    white space collapsed; ``$math$`` spans kept when safe."""
    if _ESCAPE_NEEDED.search(text) is None:  # the common case: plain words
        return " ".join(text.split())
    return _escape_general(text)


def _escape_general(text: str) -> str:
    text = collapse_ws(CONTROL.sub("", text))
    out: list[str] = []
    pos = 0
    for m in _MATH.finditer(text):
        if not _math_ok(m.group()):
            continue
        out.append(_escape_plain(text[pos : m.start()]))
        out.append(m.group())
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def url_for_link(url: str) -> str | None:
    """The URL as a link destination, or None when it must not be a link (not http(s))."""
    url = url.strip()
    if not is_web_url(url):
        return None
    if "(" not in url and ")" not in url:
        return url
    depth = 0
    for c in url:  # the importer (like CommonMark) takes balanced parentheses; encode the rest
        depth += 1 if c == "(" else -1 if c == ")" else 0
        if depth < 0 or depth > 1:
            return url.replace("(", "%28").replace(")", "%29")
    if depth != 0:
        return url.replace("(", "%28").replace(")", "%29")
    return url


def link(text: str, url: str) -> str:
    """``[text](url)`` for web URLs; just the escaped text otherwise."""
    dest = url_for_link(url)
    return f"[{text}]({dest})" if dest else text


def slug(text: str, used: dict[str, int]) -> str:
    """GitHub's heading anchor for ``text`` (lower case, punctuation dropped, spaces to '-'), made unique."""
    base = "".join(c for c in text.lower() if c.isalnum() or c in "-_ " or unicodedata.category(c) == "Mn")
    base = base.replace(" ", "-")
    n = used.get(base, 0)
    used[base] = n + 1
    return base if n == 0 else f"{base}-{n}"


def _is_markers(text: str) -> bool:
    """A note that is only a run of labels (how files written before ``labels`` kept an item's leading markers)."""
    labels, rest = leading_labels(text)
    return not rest and bool(labels) and not any(lb.replace("\ufe0f", "") in HIGHLIGHTS for lb in labels)


def _prefix(entry: Entry) -> str:
    parts = [HIGHLIGHT] if entry.highlight else []
    parts += entry.labels_before
    if entry.notes and entry.kind != "link" and _is_markers(entry.notes):  # (files written before labels)
        parts.append(entry.notes.strip())
    return " ".join(parts) + " " if parts else ""


def _labels(entry: Entry) -> str:
    """The labels after an item's head, each a checked emoji run or shortcode (written as they are)."""
    return "".join(" " + lb for lb in entry.labels)


_EMPTY_CONSTRUCT = re.compile(r"\s*(?:\(\s*\)|\[\s*\](?:\(\s*\))?)?\s*")


def _has_text(text: str | None) -> bool:
    """Text worth writing: not only white space or an empty construct (``()``, ``[]``, ``[]()``)."""
    return bool(text) and _EMPTY_CONSTRUCT.fullmatch(text) is None  # type: ignore[arg-type]


def _badge(url: str) -> str:
    repo = github_repo(url)
    if repo is None:
        return ""
    return f" ![Star]({BADGE.format(owner=repo[0], name=repo[1])})"


def _extra_links(entry: Entry, *, parens: bool, counts: bool = False) -> list[str]:
    out: list[str] = []
    for lk in entry.links:
        dest = url_for_link(lk.url)
        if dest is None:
            continue
        label = escape(lk.label) if _has_text(lk.label) else "link"
        repo = github_repo(lk.url)
        stars = f" stars: **{_count(lk.stars)}**" if counts and lk.stars is not None else ""
        badge = "" if lk.no_badge else _badge(lk.url)
        if repo and parens:
            out.append(f"([{label}]({dest}) - {escape(repo[0])}){badge}{stars}")
        elif parens:
            out.append(f"([{label}]({dest})){stars}")
        else:
            out.append(f"[{label}]({dest}){badge}{stars}")
    return out


def _count(n: int) -> str:
    return f"{n:,}"


def _authors(entry: Entry) -> str:
    parts = entry.author_parts()
    if parts is None:
        return ", ".join(escape(a) for a in entry.authors if a.strip())
    head, tail = ([escape(a) for a in names if a.strip()] for names in parts)
    return ", ".join([*head, "...", *tail])


def _arxiv(entry: Entry) -> str | None:
    """The entry's arXiv id when it is one: only such a value is written into a code span and a URL."""
    return entry.arxiv if entry.arxiv and is_arxiv_id(entry.arxiv) else None


def _venue(entry: Entry) -> str:
    arxiv = _arxiv(entry)
    # a code span shows its text as it is: control characters (a venue from a service) are dropped first
    venue = collapse_ws(CONTROL.sub("", entry.venue or "") or ("arXiv" if arxiv else "")).replace("`", "'")
    parts = [p for p in (venue, arxiv) if p]
    return f"`{', '.join(parts)}`" if parts else ""


def render_paper(entry: Entry, counts: bool = False) -> list[str]:
    first = [f"**{escape(title_of(entry.title, entry.ident))}**"]
    venue = _venue(entry)
    if venue:
        first.append(venue)
    arxiv = _arxiv(entry)
    if arxiv:
        vid = arxiv + (f"v{entry.version}" if entry.version else "")
        first.append(f"[arxiv](https://arxiv.org/abs/{vid})")
        first.append(f"[pdf](https://arxiv.org/pdf/{vid})")
    elif entry.url and url_for_link(entry.url):
        first.append(f"[paper]({url_for_link(entry.url)})")
    if entry.citations is not None and entry.citations.count >= 0:
        shown = f"**{_count(entry.citations.count)}**"
        cite_url = url_for_link(entry.citations.url) if entry.citations.url else None
        first.append(f"citation: [{shown}]({cite_url})" if cite_url else f"citation: {shown}")
    lines = [_prefix(entry) + ", ".join(first) + _labels(entry)]
    second = []
    authors = _authors(entry)
    if authors:
        second.append(f"*{authors}*")
    second.extend(_extra_links(entry, parens=True, counts=counts))
    if second:
        lines += ["", "  " + " · ".join(second)]
    return lines


def render_project(entry: Entry, counts: bool = False) -> list[str]:
    name = f"**{escape(title_of(entry.title, entry.ident))}**"
    head = link(name, entry.url or "")
    repo = github_repo(entry.url) if entry.url else None
    owner = entry.owner or (repo[0] if repo else None)
    if owner:
        head += f" - {escape(owner)}"
    head += _labels(entry)
    if entry.url and not entry.no_badge:
        head += _badge(entry.url)
    extras = []
    if counts and entry.stars is not None:
        extras.append(f"stars: **{_count(entry.stars)}**")
    if counts and entry.likes is not None:  # a Hugging Face model, dataset or Space
        extras.append(f"likes: **{_count(entry.likes)}**")
    extras.extend(_extra_links(entry, parens=True, counts=counts))
    if extras:
        head += " · " + " · ".join(extras)
    lines = [_prefix(entry) + head]
    if _has_text(entry.description):
        lines += ["", f"  *{escape(entry.description)}*"]  # type: ignore[arg-type]
    return lines


def _raw_ok(raw: str) -> bool:
    """A raw item (kept from an import as it was) is written back only if a CommonMark parser finds nothing in it
    but text, emphasis, code and links or images to http(s) URLs: no raw HTML, no other scheme (however the link is
    spelled: titles in quotes or parentheses, autolinks, reference definitions), no block structure."""
    if "\n" in raw or "\r" in raw or not raw.strip():
        return False
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True  # see every link as a link: the check below decides, not the parser
    tokens = md.parse(raw)
    if [t.type for t in tokens] != ["paragraph_open", "inline", "paragraph_close"]:
        return False  # a heading, a list, a reference definition, a code block ...: not one plain item line
    for token in tokens[1].children or ():
        if token.type in ("html_inline", "html_block"):
            return False
        target = token.attrGet("href") if token.type == "link_open" else token.attrGet("src")
        if token.type in ("link_open", "image") and not is_web_url(str(target or "")):
            return False
    return True


def render_link(entry: Entry, counts: bool = False) -> list[str]:
    if entry.raw is not None and _raw_ok(entry.raw):
        return [(HIGHLIGHT + " " if entry.highlight else "") + entry.raw.strip()]
    head = link(escape(title_of(entry.title, entry.ident)), entry.url or "") + _labels(entry)
    if _has_text(entry.description):
        head += f" - {escape(entry.description)}"  # type: ignore[arg-type]
    extras = _extra_links(entry, parens=False, counts=counts)
    if extras:
        head += " · " + " · ".join(extras)
    return [_prefix(entry) + head]


def render_entry(entry: Entry, counts: bool = False) -> list[str]:
    """The lines of one list item (without the leading ``- ``); continuation lines are indented, the entry's notes
    (other than a run of markers, written before the item) are nested bullets under it, one a line."""
    if entry.kind == "paper":
        lines = render_paper(entry, counts)
    elif entry.kind == "project":
        lines = render_project(entry, counts)
    else:
        lines = render_link(entry, counts)
    if entry.notes and not (entry.kind != "link" and _is_markers(entry.notes)):
        lines.extend(f"  - {_block_text(note)}" for note in entry.notes.split("\n") if note.strip())
    return lines


_BLOCK_START = re.compile(r"[-+*#>=|~`]|[0-9]+[.)]")  # opens a list, heading, quote, fence ...


def _block_text(text: str) -> str:
    """:func:`escape`d text that is the whole body of a list item: nothing at its start opens a block."""
    body = escape(text)
    m = _BLOCK_START.match(body)
    if m is None:
        return body
    return body[: m.end() - 1] + "\\" + body[m.end() - 1 :]


def _sections(lib: Library, entries: list[Entry]) -> list[Section]:
    out = list(lib.sections)
    names = {s.name for s in out}
    for entry in entries:
        if entry.section not in names:
            out.append(Section(entry.section))
            names.add(entry.section)
    return out


def _heading(text: str, level: int) -> str:
    body = escape(text)
    if body.endswith("#"):
        body = body[:-1] + "\\#"
    return "#" * level + " " + body


def render(
    lib: Library, entries: list[Entry] | None = None, *, full: bool = True, star_counts: bool | None = None
) -> str:
    """The list as Markdown. ``full``: with the ``#`` title and intro (a whole file); otherwise the part
    that goes between the markers of a README (table of contents and sections). ``star_counts``: print the star
    counts beside the badges (None: as the list says, ``lib.star_counts``)."""
    counts = lib.star_counts if star_counts is None else star_counts
    filtered = entries is not None
    entries = lib.entries if entries is None else entries
    sections = _sections(lib, entries)
    if filtered:  # a selection (--kind): only the sections it has entries in
        present = {e.section for e in entries}
        sections = [s for s in sections if s.name in present]
    used: dict[str, int] = {}
    out: list[str] = []
    toc: list[str] = []
    indent = ""
    if full:
        out += [_heading(lib.title, 1), ""]
        if lib.intro and lib.intro.strip():
            out += [lib.intro.strip(), ""]
        toc.append(f"- [{escape(lib.title)}](#{slug(lib.title, used)})")
        indent = "  "
    top = min((s.level for s in sections), default=2)
    for sec in sections:
        toc.append(indent + "  " * (sec.level - top) + f"- [{escape(sec.text)}](#{slug(sec.text, used)})")
    if toc:
        out += [*toc, ""]
    by_section: dict[str, list[Entry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section, []).append(entry)
    for sec in sections:
        out += [_heading(sec.text, sec.level), ""]
        items = by_section.get(sec.name, [])
        for entry in items:
            lines = render_entry(entry, counts)
            out.append("- " + lines[0])
            out.extend(lines[1:])
        if items:
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------- in place


def marker_span(text: str) -> tuple[int, int] | None:
    """Line indexes (start marker, end marker) in ``text``'s lines, or None when the markers are missing."""
    start = end = None
    fence: str | None = None  # the fence of the code block the line is in: markers shown in code are text
    for i, line in enumerate(text.split("\n")):
        stripped = line.strip()
        m = _FENCE.match(line)
        if fence is not None:
            if m and m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) and not m["info"].strip():
                fence = None
        elif m:
            fence = m["fence"]
        elif start is None and stripped == MARKER_START:
            start = i
        elif start is not None and stripped == MARKER_END:
            end = i
            break
    return (start, end) if start is not None and end is not None else None


# A CommonMark code fence: up to three spaces, then three or more backticks or tildes.
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def between_markers(text: str) -> str | None:
    """What lies between the marker lines (without them), or None when there are no markers."""
    span = marker_span(text)
    if span is None:
        return None
    lines = text.split("\n")
    return "\n".join(lines[span[0] + 1 : span[1]])


def block_for_markers(body: str) -> str:
    """The text put between the markers: the rendered list with a blank line on each side."""
    return "\n" + body.rstrip("\n") + "\n"


def replace_between_markers(text: str, body: str) -> str | None:
    """``text`` with the part between the markers replaced by ``body``; None when the markers are missing.

    Everything outside the markers (including the marker lines and the file's line endings) is left as it was.
    """
    crlf = "\r\n" in text
    norm = text.replace("\r\n", "\n") if crlf else text
    span = marker_span(norm)
    if span is None:
        return None
    lines = norm.split("\n")
    new = lines[: span[0] + 1] + block_for_markers(body).split("\n") + lines[span[1] :]
    out = "\n".join(new)
    return out.replace("\n", "\r\n") if crlf else out
